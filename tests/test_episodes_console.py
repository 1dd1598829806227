"""`intake-bot found REPORT_ID` runs the recovery flow in the terminal."""

from __future__ import annotations

import io
import stat
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.service.compose import build_service
from bot.service.keys import demo_keyring
from bot.terminal.cli import main


def test_the_found_command_runs_the_recovery_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'intake.db'}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    settings = Settings(_env_file=None)
    # The same demo key file the command below will use.
    service = build_service(settings, keyring=demo_keyring(settings, notice=io.StringIO()))
    report = service.start("console:ana", new=True)
    service.handle_text("console:ana", "no")
    service.engine.dispose()

    monkeypatch.setattr(sys, "stdin", io.StringIO("2 hours ago\nBus station\n"))
    assert main(["found", str(report.report_id), "--worker", "sam"]) == 0
    screen = capsys.readouterr().out
    assert f"Recovery record #2 for report #{report.report_id}." in screen
    assert "When was the child found?" in screen and "Where was the child found?" in screen
    assert "Who found the child?" in screen

    key = tmp_path / "data" / ".demo-key"  # children are matched under a key derived from it
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert main(["found", "99"]) == 1
    assert "No such report of yours." in capsys.readouterr().out
