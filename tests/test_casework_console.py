"""The day after in the terminal: `handover`, `open` and `effort`, on both databases."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.service.compose import build_service
from bot.service.intake import IntakeService
from bot.terminal import cli
from tests.conftest import NOW


def intake_bot(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str, typed: str = ""
) -> tuple[int, str]:
    """Runs one command as a fresh process would, then closes its database connections."""
    built: list[IntakeService] = []

    def build(*args: Any, **kwargs: Any) -> IntakeService:
        built.append(build_service(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    monkeypatch.setattr(cli, "build_service", build)
    code = cli.main(list(argv), clock=lambda: NOW)
    for service in built:
        service.engine.dispose()  # a process would exit here; PostgreSQL wants them closed
    return code, capsys.readouterr().out


@pytest.fixture
def terminal(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")


@pytest.mark.usefixtures("terminal")
def test_a_report_handed_over_in_the_terminal_is_continued_by_the_new_worker(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, screen = intake_bot(monkeypatch, capsys, "console", "--worker", "ana", typed="no\n")
    assert code == 0 and "Started report #1" in screen
    asked = screen.rstrip().splitlines()[-1]
    code, screen = intake_bot(monkeypatch, capsys, "handover", "1", "--to", "bo")
    assert code == 0 and "Report #1 is now held by bo (handed over from ana)" in screen
    code, screen = intake_bot(monkeypatch, capsys, "console", "--worker", "bo")
    assert "Resumed report #1" in screen and asked in screen
    code, screen = intake_bot(monkeypatch, capsys, "console", "--worker", "ana")
    assert "Started report #2" in screen  # no longer hers to continue
    code, screen = intake_bot(monkeypatch, capsys, "handover", "1", "--to", "424242")
    assert code == 1 and "424242 is not an active member of staff." in screen


@pytest.mark.usefixtures("terminal")
def test_open_lists_the_episodes_and_effort_logs_a_search_effort_into_the_export(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    intake_bot(monkeypatch, capsys, "console", "--worker", "ana", typed="no\n")
    code, screen = intake_bot(monkeypatch, capsys, "open")
    assert code == 0 and "Open episodes (1), overdue first:" in screen
    assert "#1 (no name yet) — missing since unknown" in screen and "no effort logged" in screen
    code, screen = intake_bot(monkeypatch, capsys, "effort", "1", typed="4\nNot at Haven House\n")
    assert code == 0
    assert "Logged for report #1: Sat Nov 28, 2026 12:00 EST — Checked shelters (" in screen
    code, screen = intake_bot(
        monkeypatch, capsys, "effort", "1", "--action", "flyer", "--outcome", "50 on Main St"
    )
    assert "Flyer distributed" in screen
    code, screen = intake_bot(monkeypatch, capsys, "open")
    assert "last effort Nov 28" in screen
    code, screen = intake_bot(monkeypatch, capsys, "export", "1")
    assert "SEARCH EFFORTS" in screen and "Checked shelters" in screen and "50 on Main St" in screen
    code, screen = intake_bot(monkeypatch, capsys, "effort", "1", "--action", "dance")
    assert code == 2 and "No such action." in screen
