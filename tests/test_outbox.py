"""Supervisors hear about a missing child: outbox rows, faults, restarts, blocks, acks, escalation.

The application runs over a recording fake Bot API; the outbox sender is driven by hand
(``deliver``) with an injected clock and no jitter, so no test waits on wall time.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from bot.config import Settings
from bot.service.intake import IntakeService
from bot.service.outbox_rows import OutboxRows
from bot.telegram.app import build_application
from bot.telegram.delivery import Delivery
from flows.schema import Deadline, Flow
from storage import reminders, staff
from storage import repository as repo
from storage.audit import AuditEvent
from storage.outbox import Notification
from storage.staff import Role
from tests.conftest import MINI_FLOW, NOW, ZONE
from tests.load_worker import KEYRING
from tests.test_telegram_app import ANA, Chat, RecordingRequest

S1 = {"id": 301, "is_bot": False, "first_name": "Jo"}
S2 = {"id": 302, "is_bot": False, "first_name": "Kim"}
CALL_READY = ("/start", "no", "2011-03-07", "Ana", "brown")
REST = ("today 09:00", "today 10:00", "no", "skip", "skip", "no")
FLOW_WITH_DEADLINE = replace(
    MINI_FLOW,
    clock_field="missed_at",
    deadlines=(Deadline("le_report", "Report to law enforcement", 24, done_field="nic"),),
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FaultyApi(RecordingRequest):
    """The fake Bot API, plus faults queued per chat for the send methods."""

    def __init__(self) -> None:
        super().__init__()
        self.faults: dict[int, list[dict[str, Any] | Exception]] = {}

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        queue = self.faults.get(int(params.get("chat_id", 0) or 0))
        if queue and endpoint in ("sendMessage", "sendDocument"):
            fault = queue.pop(0)
            self.calls.append((f"{endpoint}!", params))  # a refused attempt
            if isinstance(fault, Exception):
                raise fault
            return int(fault["error_code"]), json.dumps(fault).encode()
        return await super().do_request(url, method, request_data, **kwargs)

    def texts(self, chat_id: int) -> list[str]:
        """Returns the texts delivered to one chat, in order."""
        return [str(p["text"]) for p in self.sent() if p.get("chat_id") == chat_id]


def too_many(seconds: int) -> dict[str, Any]:
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {seconds}",
        "parameters": {"retry_after": seconds},
    }


BLOCKED = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
BAD_GATEWAY = {"ok": False, "error_code": 502, "description": "Bad Gateway"}


@dataclass
class Office:
    """A worker and two on-call supervisors, one database, one fake Telegram, one clock."""

    chat: Chat
    api: FaultyApi
    clock: Clock
    delivery: Delivery

    async def deliver(self, rounds: int = 1) -> None:
        for _ in range(rounds):
            await self.delivery.run_once()

    def rows(self, **where: Any) -> list[Notification]:
        with Session(self.chat.engine) as session:
            rows = session.exec(select(Notification).order_by(Notification.id)).all()  # type: ignore[arg-type]
        return [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]

    def audit(self) -> list[tuple[str, str | None, str | None]]:
        with Session(self.chat.engine) as session:
            return [(e.event, e.actor, e.reason) for e in session.exec(select(AuditEvent))]


async def _office(
    db_url: str, api: FaultyApi, clock: Clock, *, flow: Flow = MINI_FLOW, **settings: Any
) -> AsyncIterator[Office]:
    engine = repo.make_engine(db_url, keyring=KEYRING)
    repo.create_tables(engine)
    service = IntakeService(flow=flow, engine=engine, clock=clock, zone=ZONE)
    config = Settings(_env_file=None, telegram_bot_token="123:TEST", **settings)
    app = build_application(
        config,
        service=service,
        request=api,
        get_updates_request=RecordingRequest(),
        delivery_interval=None,
    )
    async with app:
        await app.post_init(app)  # type: ignore[misc]
        delivery: Delivery = app.bot_data["delivery"]
        delivery.jitter = lambda: 0.0
        await delivery.bot.initialize()
        yield Office(Chat(app, api, service, engine), api, clock, delivery)
        await delivery.bot.shutdown()
    engine.dispose()


def seed(db_url: str) -> None:
    engine = repo.make_engine(db_url, keyring=KEYRING)
    repo.create_tables(engine)
    with repo.transaction(engine) as session:
        staff.put(session, telegram_id=ANA["id"], role=Role.STAFF, now=NOW, name="Ana W.")
        staff.put(session, telegram_id=S1["id"], role=Role.SUPERVISOR, now=NOW, name="J. Smith")
        staff.put(
            session, telegram_id=S2["id"], role=Role.SUPERVISOR, now=NOW, name="K. Lee", rank=2
        )
    engine.dispose()


@pytest.fixture
def api() -> FaultyApi:
    return FaultyApi()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def office(db_url: str, api: FaultyApi, clock: Clock) -> AsyncIterator[Office]:
    seed(db_url)
    async for harness in _office(db_url, api, clock):
        yield harness


async def say(office: Office, *texts: str) -> None:
    for text in texts:
        await office.chat.send(text)


def ack_button(message: dict[str, Any]) -> str:
    return str(message["reply_markup"]["inline_keyboard"][0][0]["callback_data"])


async def test_the_call_ready_answers_queue_one_alert_per_first_rank_supervisor(
    office: Office,
) -> None:
    await say(office, *CALL_READY[:-1])
    assert office.rows() == []  # hair colour not given yet
    await say(office, CALL_READY[-1])
    [alert] = office.rows()
    assert (alert.kind, alert.recipient, alert.status) == ("alert", S1["id"], "pending")
    await say(office, "today 09:00")  # the milestone still holds: nothing more is queued
    assert len(office.rows(kind="alert")) == 1
    await office.deliver()
    [sent] = office.api.texts(S1["id"])
    assert "MISSING CHILD — report #1" in sent and "Ana" in sent
    assert "Supervisor J. Smith was alerted at 12:00" in office.api.texts(ANA["id"])[-1]
    assert office.rows(kind="alert")[0].status == "sent"
    assert not office.api.texts(S2["id"])  # rank 2 only when escalated


async def test_outbox_rows_hold_no_answer_text(office: Office) -> None:
    await say(office, *CALL_READY)
    with office.chat.engine.connect() as connection:
        dump = " ".join(
            str(v) for row in connection.exec_driver_sql("SELECT * FROM outbox") for v in row
        )
    assert "Ana" not in dump and "brown" not in dump and "alert:1" in dump


async def test_429_5xx_and_network_faults_are_retried_and_each_message_arrives_once(
    db_url: str, api: FaultyApi, clock: Clock
) -> None:
    seed(db_url)
    api.faults[S1["id"]] = [too_many(5), BAD_GATEWAY, NetworkError("connection reset"), TimedOut()]
    async for office in _office(db_url, api, clock):
        await say(office, *CALL_READY)
        await office.deliver()
        [row] = office.rows(kind="alert")
        assert row.last_error == "RetryAfter" and row.failures == 0
        assert row.next_attempt_at == NOW + timedelta(seconds=5)
        clock.advance(seconds=4.9)
        await office.deliver()
        assert office.rows(kind="alert")[0].attempts == 1  # F7: nothing sent before retry_after
        clock.advance(seconds=0.1)
        await office.deliver()  # 502
        row = office.rows(kind="alert")[0]
        assert (row.last_error, row.failures, row.status) == ("NetworkError", 1, "pending")
        assert row.next_attempt_at == clock.now + timedelta(seconds=1)  # backoff 1, 2, 4 ... s
    # A restart in the middle: a new application on the same database resumes the row.
    async for office in _office(db_url, api, clock):
        clock.advance(seconds=1)
        await office.deliver()  # connection reset
        clock.advance(seconds=2)
        await office.deliver()  # timed out
        assert office.rows(kind="alert")[0].next_attempt_at == clock.now + timedelta(seconds=4)
        clock.advance(seconds=4)
        await office.deliver()
        assert [t for t in api.texts(S1["id"]) if "MISSING CHILD" in t] and len(
            api.texts(S1["id"])
        ) == 1
        assert len(api.texts(ANA["id"])) >= 1
        row = office.rows(kind="alert")[0]
        assert (row.status, row.attempts) == ("sent", 5)
        for _ in range(3):
            clock.advance(minutes=1)
            await office.deliver()
        assert len(api.texts(S1["id"])) == 1  # never twice
        assert sum("was alerted" in t for t in api.texts(ANA["id"])) == 1


def crash_before_the_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next part goes through; the process dies before it records that it did."""

    def crash(*args: object, **kwargs: object) -> None:
        monkeypatch.undo()
        raise KeyboardInterrupt

    monkeypatch.setattr(OutboxRows, "outbox_part_sent", crash)


async def test_a_crash_after_the_send_but_before_the_mark_resends_at_most_once(
    db_url: str, api: FaultyApi, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db_url)
    async for office in _office(db_url, api, clock):
        await say(office, *CALL_READY)
        crash_before_the_record(monkeypatch)
        with pytest.raises(KeyboardInterrupt):
            await office.deliver()
        assert len(api.texts(S1["id"])) == 1
    async for office in _office(db_url, api, clock):
        await office.deliver()
        assert len(api.texts(S1["id"])) == 1  # leased: not yet
        clock.advance(minutes=3)  # another sender would wait for the lease to run out
        await office.deliver()
        await office.deliver()
        texts = api.texts(S1["id"])
        heads = [t.split("\n")[0] for t in texts]
        assert heads == ["🚨 <b>MISSING CHILD — report #1</b>"] * 2  # one duplicate, same report
        assert office.rows(kind="alert")[0].attempts == 2


async def test_a_supervisor_who_blocked_the_bot_is_marked_and_the_next_one_alerted(
    db_url: str, api: FaultyApi, clock: Clock
) -> None:
    seed(db_url)
    api.faults[S1["id"]] = [BLOCKED]
    async for office in _office(db_url, api, clock):
        await say(office, *CALL_READY)
        await office.deliver()
        first, second = office.rows(kind="alert")
        assert (first.recipient, first.status, first.last_error) == (
            S1["id"],
            "failed_permanent",
            "Forbidden",
        )
        assert (second.recipient, second.status) == (S2["id"], "sent")
        assert "MISSING CHILD — report #1" in api.texts(S2["id"])[0]
        assert "Supervisor K. Lee was alerted" in api.texts(ANA["id"])[-1]
        assert ("outbox.failed", "telegram:301", "alert:Forbidden") in office.audit()


async def test_when_no_supervisor_can_be_reached_the_worker_is_told_so(
    db_url: str, api: FaultyApi, clock: Clock
) -> None:
    seed(db_url)
    api.faults[S1["id"]] = [BLOCKED]
    api.faults[S2["id"]] = [BLOCKED]
    async for office in _office(db_url, api, clock):
        await say(office, *CALL_READY)
        await office.deliver()
        assert "No supervisor could be reached yet" in api.texts(ANA["id"])[-1]
        assert not any("was alerted" in t for t in api.texts(ANA["id"]))


async def test_submit_sends_the_summary_the_pdf_on_a_tap_and_later_changes_as_amendments(
    office: Office,
) -> None:
    await say(office, *CALL_READY, *REST)
    await office.deliver()
    await say(office, "submit")
    await office.deliver()
    summary = next(p for p in office.api.sent() if "Submitted — report #1" in p["text"])
    assert summary["chat_id"] == S1["id"]
    await office.chat.tap("Full report", message=summary, user=S1)  # the PDF comes on a tap
    assert office.api.sent("sendDocument")[-1]["chat_id"] == S1["id"]
    await say(office, "edit hair", "black")
    await office.deliver()
    assert "Amendment 1 to report #1" in office.api.texts(S1["id"])[-1]
    assert "Hair: Brown (BRO) → Black (BLK)" in office.api.texts(S1["id"])[-1]
    await say(office, "edit child_name", "Ana Ruiz")
    await office.deliver()
    assert "Amendment 2 to report #1" in office.api.texts(S1["id"])[-1]
    assert "Name: Ana → Ana Ruiz" in office.api.texts(S1["id"])[-1]


async def test_acknowledge_is_recorded_audited_and_shown_to_the_worker(office: Office) -> None:
    await say(office, *CALL_READY)
    await office.deliver()
    alert = next(p for p in office.api.sent() if p["chat_id"] == S1["id"])
    data = ack_button(alert)
    assert len(data.encode()) <= 64
    await office.chat.tap("", message=alert, data=data, user=ANA)  # not hers to acknowledge
    assert office.api.sent("answerCallbackQuery")[-1]["text"] == "Not allowed."
    office.clock.advance(minutes=3)
    await office.chat.tap("", message=alert, data=data, user=S1)
    assert "Acknowledged" in office.api.sent("answerCallbackQuery")[-1]["text"]
    await office.deliver()
    assert "Supervisor J. Smith acknowledged at 12:03" in office.api.texts(ANA["id"])[-1]
    events = office.audit()
    assert ("report.acknowledged", "telegram:301", None) in events
    assert ("authz.denied", "telegram:111", "acknowledge") in events
    office.clock.advance(minutes=30)
    await office.deliver()
    assert not office.api.texts(S2["id"])  # acknowledged: no escalation


async def test_an_unacknowledged_alert_is_resent_and_escalated_after_the_wait(
    office: Office,
) -> None:
    await say(office, *CALL_READY)
    await office.deliver()
    office.clock.advance(minutes=14, seconds=59)
    await office.deliver()
    assert not office.api.texts(S2["id"]) and len(office.api.texts(S1["id"])) == 1
    office.clock.advance(seconds=1)
    await office.deliver()
    assert "NOT YET ACKNOWLEDGED — report #1" in office.api.texts(S2["id"])[0]
    assert "NOT YET ACKNOWLEDGED" in office.api.texts(S1["id"])[-1]
    office.clock.advance(minutes=15)
    await office.deliver()
    assert len(office.api.texts(S2["id"])) == 2  # every rank asked: one last re-send to all
    office.clock.advance(minutes=60)
    await office.deliver()
    assert len(office.api.texts(S2["id"])) == 2  # then no endless repeats
    escalation = next(p for p in office.api.sent() if p["chat_id"] == S2["id"])
    await office.chat.tap("", message=escalation, data=ack_button(escalation), user=S2)
    await office.deliver()
    assert "Supervisor K. Lee acknowledged" in office.api.texts(ANA["id"])[-1]


async def test_the_ack_wait_comes_from_the_settings(
    db_url: str, api: FaultyApi, clock: Clock
) -> None:
    seed(db_url)
    async for office in _office(db_url, api, clock, supervisor_ack_minutes=5):
        await say(office, *CALL_READY)
        await office.deliver()
        clock.advance(minutes=5)
        await office.deliver()
        assert office.api.texts(S2["id"])


async def test_reminders_are_planned_moved_fired_after_a_restart_and_cancelled_when_done(
    db_url: str, api: FaultyApi, clock: Clock
) -> None:
    seed(db_url)
    async for office in _office(db_url, api, clock, flow=FLOW_WITH_DEADLINE):
        await say(office, *CALL_READY, "today 09:00", "today 10:00")
        await office.deliver()
        with Session(office.chat.engine) as session:
            planned = reminders.of_report(session, report_id=1)
        due = NOW.replace(hour=10) + timedelta(hours=24)
        assert [(r.kind, r.offset_minutes, r.due_at) for r in planned] == [
            ("before", 120, due - timedelta(hours=2)),
            ("before", 30, due - timedelta(minutes=30)),
            ("passed", 0, due),
        ]
        await say(office, "edit missed_at", "today 11:00")  # the clock moved: so do reminders
        with Session(office.chat.engine) as session:
            moved = reminders.of_report(session, report_id=1)
        assert [r.due_at for r in moved][-1] == due + timedelta(hours=1)
    # The bot restarts; the reminders are in the database, not in a JobQueue.
    async for office in _office(db_url, api, clock, flow=FLOW_WITH_DEADLINE):
        clock.now = due + timedelta(hours=1) - timedelta(hours=2)
        await office.deliver()
        reminder = office.api.texts(ANA["id"])[-1]
        assert (
            "Reminder — report #1" in reminder
            and "Report to law enforcement: 2 h 0 min left" in reminder
        )
        clock.advance(hours=2)
        await office.deliver()
        passed = office.api.texts(S1["id"])[-1]
        assert "Report to law enforcement was due" in passed and "still open" in passed
        # The 30-minute reminder was overtaken by the deadline itself: the worker got no late one.
        assert sum("Reminder" in t for t in office.api.texts(ANA["id"])) == 1


async def test_a_done_deadline_cancels_its_reminders(
    db_url: str, api: FaultyApi, clock: Clock
) -> None:
    seed(db_url)
    async for office in _office(db_url, api, clock, flow=FLOW_WITH_DEADLINE):
        await say(office, *CALL_READY, "today 09:00", "today 10:00", "no", "M123456789")
        with Session(office.chat.engine) as session:
            statuses = {r.status for r in reminders.of_report(session, report_id=1)}
        assert statuses == {"cancelled"}
        clock.advance(days=2)
        await office.deliver()
        assert not any("Reminder" in t for t in api.texts(ANA["id"]))


async def test_a_message_telegram_cannot_parse_is_sent_once_as_plain_text(
    db_url: str, api: FaultyApi, clock: Clock
) -> None:
    seed(db_url)
    bad = {"ok": False, "error_code": 400, "description": "Bad Request: can't parse entities"}
    api.faults[S1["id"]] = [bad]
    async for office in _office(db_url, api, clock):
        await say(office, *CALL_READY)
        await office.deliver()
        [sent] = [p for p in api.sent() if p["chat_id"] == S1["id"]]
        assert "parse_mode" not in sent and sent["text"].startswith("🚨 MISSING CHILD — report #1")
        assert office.rows(kind="alert")[0].status == "sent"
    api.faults[S1["id"]] = [bad, bad]
    async for office in _office(db_url, api, clock):
        office.chat.next_id = 1000  # Telegram's update ids go on across a restart
        await say(office, "today 09:00", "today 10:00", "no", "skip", "skip", "no", "submit")
        await office.deliver()
        [row] = office.rows(kind="summary")
        assert (row.status, row.last_error) == ("failed_permanent", "BadRequest")


async def test_a_restarted_sender_resumes_rows_left_in_flight_at_once(
    db_url: str, api: FaultyApi, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db_url)
    async for office in _office(db_url, api, clock):
        await say(office, *CALL_READY)
        crash_before_the_record(monkeypatch)
        with pytest.raises(KeyboardInterrupt):
            await office.deliver()
    async for office in _office(db_url, api, clock):
        assert office.delivery.resume() == 1
        await office.deliver()
        assert len(api.texts(S1["id"])) == 2 and office.rows(kind="alert")[0].status == "sent"
        assert office.delivery.resume() == 0
