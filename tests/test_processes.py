"""Several bot processes, one database: the same chats driven from two OS processes at once.

Both processes get the first part of every chat with the same update ids (a re-delivery landing
on the other process) and then edit one answer many times with their own ids (one chat's updates
spread over two processes). Afterwards the stored answers and their whole history must be what
one process alone would have stored, plus every edit exactly once in one unbroken chain.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

from storage import repository as repo
from tests.load_worker import (
    CHATS,
    EDITS,
    KEYRING,
    SCRIPT,
    own_steps,
    play,
    service_for,
    shared_steps,
)
from tests.load_worker import worker_of as worker

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
PROCESSES = 2


def stored(engine: Engine, chat: int) -> dict[str, Any]:
    """Returns one chat's report as stored: answers, history, version, photo count.

    Photo answers hold photo row ids, which depend on the order reports were written in; they
    are shown as the photos' Telegram unique ids instead, which the script fixes.
    """
    with Session(engine) as session:
        reports = repo.list_reports(session, worker=worker(chat))
        assert len(reports) == 1, f"chat {chat} has {len(reports)} reports"
        report_id = reports[0].id or 0
        names = dict(
            session.exec(  # type: ignore[call-overload]
                text("SELECT id, file_unique_id FROM photo WHERE report_id = :r"),
                params={"r": report_id},
            ).all()
        )

        def plain(key: str, value: Any) -> Any:
            return [names[i] for i in value] if key == "photo" and value else value

        def plain_text(key: str, value: str | None) -> Any:
            return plain(key, repo.decode(value))

        return {
            "answers": {
                key: (status, plain(key, value))
                for key, (status, value) in repo.load_answers(session, report_id=report_id).items()
            },
            "history": [
                (
                    c.key,
                    c.old_status,
                    plain_text(c.key, c.old_value),
                    c.new_status,
                    plain_text(c.key, c.new_value),
                    c.actor,
                    c.source,
                )
                for c in repo.history(session, report_id=report_id)
            ],
            "version": reports[0].version,
            "state": reports[0].state,
            "photos": len(names),
        }


def alone() -> dict[int, dict[str, Any]]:
    """Returns what one process alone stores for the first part of every chat."""
    service = service_for("sqlite://")
    repo.create_tables(service.engine)
    for chat in range(CHATS):
        play(service, chat, shared_steps(chat))
    return {chat: stored(service.engine, chat) for chat in range(CHATS)}


def run_processes(db_url: str) -> list[list[dict[str, Any]]]:
    """Starts the processes, lets them go at once, and returns each one's tallies."""
    command = [sys.executable, "-m", "tests.load_worker", db_url]
    workers = [
        subprocess.Popen(
            [*command, str(n)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    try:
        for process in workers:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in workers:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=180) for process in workers]
    finally:
        for process in workers:
            process.kill()
    for process, (_, err) in zip(workers, outputs, strict=True):
        assert process.returncode == 0, err
    return [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]


def test_two_processes_lose_and_repeat_no_answer(postgres_url: str) -> None:
    # PostgreSQL only: several processes is what it is for. SQLite serialises every step with
    # BEGIN IMMEDIATE; with many writer processes its polling busy handler can starve one.
    engine = repo.make_engine(postgres_url, keyring=KEYRING)
    repo.create_tables(engine)
    expected = alone()
    tallies = run_processes(postgres_url)

    for process, results in enumerate(tallies):
        assert [r.get("error") for r in results] == [None] * CHATS, f"process {process}"
        assert all(r["own"] == [EDITS, 0] for r in results)  # every own update applied once
    for chat in range(CHATS):
        shared = [tallies[p][chat]["shared"] for p in range(PROCESSES)]
        # Each shared update was applied by exactly one process and seen as a repeat by the other.
        assert sum(applied for applied, _ in shared) == len(SCRIPT)
        assert sum(repeats for _, repeats in shared) == len(SCRIPT) * (PROCESSES - 1)

        got, alone_got = stored(engine, chat), expected[chat]
        assert alone_got["answers"]["child_name"] == ("answered", "Ana Ruiz")  # edited
        first = len(alone_got["history"])
        # The first part: exactly what one process alone stores, change for change.
        assert got["history"][:first] == alone_got["history"]
        assert got["photos"] == alone_got["photos"] == 2
        assert got["state"] == alone_got["state"]
        # The second part: every edit once, each one building on the one before.
        edits = got["history"][first:]
        sent = [s.text[5:] for p in range(PROCESSES) for s in own_steps(chat, p)]
        assert sorted(e[4] for e in edits) == sorted(sent)
        assert {(e[0], e[6]) for e in edits} == {("child_name", "message_edit")}
        chain = [alone_got["answers"]["child_name"][1], *(e[4] for e in edits)]
        assert [e[2] for e in edits] == chain[:-1]
        assert got["answers"] == {**alone_got["answers"], "child_name": ("answered", chain[-1])}
        assert got["version"] == alone_got["version"] + PROCESSES * EDITS
    with engine.connect() as connection:
        updates = connection.execute(text("SELECT count(*) FROM processed_update")).scalar_one()
    engine.dispose()
    assert updates == CHATS * (len(SCRIPT) + PROCESSES * EDITS)
