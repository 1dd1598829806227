"""kill -9 at any point loses no confirmed answer, and the restart asks the same question."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.console_process import ConsoleProcess

pytestmark = pytest.mark.slow


def question_of(screen: str) -> str:
    """Returns the question line: the first line after the progress line '[...]'."""
    lines = screen.splitlines()
    marks = [i for i, line in enumerate(lines) if line.startswith("[") and "left]" in line]
    return lines[marks[-1] + 1]


def stored_keys(workdir: Path) -> set[str]:
    with sqlite3.connect(workdir / "data" / "intake.db") as db:
        return {row[0] for row in db.execute("SELECT key FROM answer")}


def test_a_killed_console_resumes_at_the_same_question_with_every_answer(tmp_path: Path) -> None:
    console = ConsoleProcess(tmp_path)
    console.screen()
    confirmed = 0
    for _ in range(6):
        console.send("unknown")
        screen = console.screen()
        confirmed += 1
        assert "✓" in screen  # the confirmation is only printed after the commit
    last_question = question_of(screen)
    console.kill()
    assert len(stored_keys(tmp_path)) == confirmed

    again = ConsoleProcess(tmp_path)
    screen = again.screen()
    assert "Resumed report #1" in screen
    assert question_of(screen) == last_question
    again.send("unknown")
    again.screen()
    again.kill()
    assert len(stored_keys(tmp_path)) == confirmed + 1


def test_a_kill_right_after_sending_loses_nothing_confirmed(tmp_path: Path) -> None:
    console = ConsoleProcess(tmp_path)
    console.screen()
    for _ in range(3):
        console.send("unknown")
        console.screen()
    console.send("unknown")  # killed before its confirmation can be read
    console.kill()
    keys = stored_keys(tmp_path)
    assert len(keys) in (3, 4)  # the fourth may or may not have been committed, never half

    again = ConsoleProcess(tmp_path)
    screen = again.screen()
    again.kill()
    assert "Resumed report #1" in screen
    with sqlite3.connect(tmp_path / "data" / "intake.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for (value,) in db.execute("SELECT value FROM answer WHERE value IS NOT NULL"):
            json.loads(value)
