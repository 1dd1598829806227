"""Two outbox senders, one PostgreSQL: every queued notification goes out exactly once.

Many alerts are queued directly, then two ``tests.outbox_worker`` OS processes send them at once
through a fake Bot API that records every send, claiming one row at a time so their claims
collide constantly. Claims (``FOR UPDATE SKIP LOCKED`` plus the lease) must hand each row to
exactly one process: every row ends sent after one attempt, and the two processes' records
together hold each alert exactly once.

The reports of the claims test are filed from the console, so sending an alert queues no
"supervisor alerted" note to a Telegram worker. With Telegram workers, two senders marking two
alerts of one report sent at the same moment both queue that note: the check-then-insert in
``outbox.enqueue`` races, one ``_sent`` fails on the unique key, and its alert stays leased (to be
sent again when the lease runs out). The second test shows that; it is expected to fail until the
note is queued race-free (e.g. ``INSERT ... ON CONFLICT DO NOTHING``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from bot.service.intake import IntakeService
from storage import outbox, staff
from storage import repository as repo
from storage.outbox import Notification
from storage.staff import Role
from tests.conftest import MINI_FLOW, NOW, ZONE
from tests.load_worker import KEYRING

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
PROCESSES = 2
REPORTS = 40
SUPERVISORS = (401, 402, 403)  # all rank 1: every alert goes to all three
WORKER_BASE = 5000  # report n is filed by worker WORKER_BASE + n


def seed(url: str, *, kind: str) -> dict[int, int]:
    """Creates tables, staff and ``kind:<id>`` workers' reports, queues their alerts.

    Returns each report's worker id.
    """
    engine = repo.make_engine(url, keyring=KEYRING)
    repo.create_tables(engine)
    with repo.transaction(engine) as session:
        for n, supervisor in enumerate(SUPERVISORS):
            staff.put(
                session,
                telegram_id=supervisor,
                role=Role.SUPERVISOR,
                now=NOW,
                name=f"Supervisor {n}",
                rank=1,
            )
        staff.put(session, telegram_id=WORKER_BASE, role=Role.STAFF, now=NOW, name="Ana W.")
    service = IntakeService(flow=MINI_FLOW, engine=engine, clock=lambda: NOW, zone=ZONE)
    chats: dict[int, int] = {}
    for n in range(REPORTS):
        chat = WORKER_BASE + n
        service.start(f"{kind}:{chat}", update_id=n + 1)
        with Session(engine) as session:
            [report] = repo.list_reports(session, worker=f"{kind}:{chat}")
        chats[report.id or 0] = chat
    with repo.transaction(engine) as session:
        for report_id in chats:
            outbox.enqueue(
                session,
                kind="alert",
                report_id=report_id,
                recipients=SUPERVISORS,
                dedupe_key=f"alert:{report_id}",
                now=NOW,
            )
    engine.dispose()
    return chats


def run_senders(url: str, outfiles: list[Path]) -> list[int]:
    """Starts the senders, lets them go at once, and returns how many rows each tried."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    senders = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.outbox_worker", url, str(outfile)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for outfile in outfiles
    ]
    try:
        for process in senders:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in senders:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=120) for process in senders]
    finally:
        for process in senders:
            process.kill()
    for process, (_, err) in zip(senders, outputs, strict=True):
        assert process.returncode == 0, err
    return [int(json.loads(out.strip().splitlines()[-1])["tried"]) for out, _ in outputs]


def records(outfile: Path) -> list[dict[str, Any]]:
    """Returns the sends one process recorded."""
    if not outfile.exists():
        return []
    return [json.loads(line) for line in outfile.read_text(encoding="utf-8").splitlines()]


def deliver_all(url: str, tmp_path: Path) -> tuple[list[Notification], list[dict[str, Any]]]:
    """Runs the senders; returns the outbox rows afterwards and every send they recorded."""
    outfiles = [tmp_path / f"sender-{n}.jsonl" for n in range(PROCESSES)]
    tried = run_senders(url, outfiles)
    engine = repo.make_engine(url, keyring=KEYRING)
    with Session(engine) as session:
        rows = list(session.exec(select(Notification).order_by(col(Notification.id))))
    engine.dispose()
    sends = [s for outfile in outfiles for s in records(outfile)]
    assert [s["error"] for s in sends if "error" in s] == []
    sent_twice = [row for row, n in Counter(s["row"] for s in sends if s["row"]).items() if n > 1]
    assert sent_twice == [], "rows sent by both senders"
    # Every row sent, each claimed exactly once (a second claim would count a second attempt).
    assert Counter(r.status for r in rows) == {outbox.SENT: len(rows)}
    assert [r.id for r in rows if r.attempts != 1 or r.in_flight] == []
    assert sum(tried) == len(rows)
    # Both took part: the claims really were contended, not served one after the other.
    assert all(tried), f"one sender did all the work: {tried}"
    return rows, sends


def assert_alerts_sent_once(rows: list[Notification], sends: list[dict[str, Any]]) -> None:
    """Asserts one send per alert row (its Acknowledge button names the row), none missing."""
    alerts = [r for r in rows if r.kind == "alert"]
    assert len(alerts) == REPORTS * len(SUPERVISORS)
    to_supervisors = [s for s in sends if s["chat_id"] in SUPERVISORS]
    assert {s["method"] for s in to_supervisors} == {"sendMessage"}
    assert sorted((s["row"], s["chat_id"]) for s in to_supervisors) == [
        (r.id, r.recipient) for r in alerts
    ]


def test_two_senders_send_every_alert_exactly_once(postgres_url: str, tmp_path: Path) -> None:
    seed(postgres_url, kind="console")
    rows, sends = deliver_all(postgres_url, tmp_path)
    assert {r.kind for r in rows} == {"alert"}  # console workers get no Telegram note
    assert_alerts_sent_once(rows, sends)
    assert len(sends) == len(rows)


def test_two_senders_note_each_alerted_report_once(postgres_url: str, tmp_path: Path) -> None:
    chats = seed(postgres_url, kind="telegram")
    rows, sends = deliver_all(postgres_url, tmp_path)
    assert_alerts_sent_once(rows, sends)
    # One "supervisor alerted" note per report, to that report's worker, sent once.
    reached = [r for r in rows if r.kind == "reached"]
    assert sorted((r.report_id, r.recipient) for r in reached) == sorted(chats.items())
    to_workers = [s for s in sends if s["chat_id"] not in SUPERVISORS]
    assert sorted(s["chat_id"] for s in to_workers) == sorted(chats.values())
    for send in to_workers:
        report_id = next(r for r, chat in chats.items() if chat == send["chat_id"])
        assert f"Report #{report_id}: Supervisor" in send["text"]
