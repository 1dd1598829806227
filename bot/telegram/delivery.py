"""The outbox sender: claims due rows, renders each at send time, sends, and records the result.

Delivery is at-least-once with the mark AFTER the send: a row is leased (attempts + 1,
``next_attempt_at`` pushed past the lease) in one short transaction, sent, then marked sent in
another. A crash between Telegram accepting a message and the mark means the row is sent again
(at start-up, ``resume`` makes rows left in flight due at once; another live sender would wait
for the lease to run out): at most one duplicate, carrying the same report number. Marking before
the send would instead risk losing an alert for a missing child, which is worse than a repeat;
Telegram offers no idempotency key that would let us have neither.

The same loop fires due reminders and queues escalations, so everything planned in the database
resumes after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape, unescape
from typing import Any

from sqlmodel import Session
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.render.report_html import render_html, split_html
from bot.service import escalation, notify
from bot.service.intake import IntakeService, ReportNotFound
from flows.answers import format_value
from flows.report import DeadlineStatus, Report, stamp, time_left
from flows.schema import Field, FlowDefinitionError
from storage import audit, outbox, reminders
from storage import repository as repo
from storage import staff as staff_table
from storage.outbox import Notification

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
# How often the loop looks for episodes that have become long-term.
LONG_TERM_SCAN = timedelta(minutes=10)
MAX_BACKOFF = 60.0
BATCH = 20
ACK_PREFIX = "ack"
UNREACHED = "No supervisor could be reached yet — call your on-call supervisor now."


@dataclass(frozen=True, slots=True)
class Message:
    """One rendered notification: HTML parts, an optional PDF, and whether it has Acknowledge."""

    parts: list[str]
    pdf: bytes | None = None
    ack: bool = False


def ack_data(report_id: int, notification_id: int) -> str:
    """Returns the Acknowledge button's callback data (well under Telegram's 64 bytes)."""
    return f"{ACK_PREFIX}:{report_id}:{notification_id}"


class Delivery:
    """Sends the outbox through one bot; ``run_once`` is one pass, ``run`` loops until stopped."""

    def __init__(
        self,
        service: IntakeService,
        bot: Bot,
        *,
        ack_wait: timedelta = timedelta(minutes=15),
        minimal_summary: bool = False,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.service = service
        self.bot = bot
        self.ack_wait = ack_wait
        self.minimal_summary = minimal_summary
        self.jitter = jitter
        self._long_term_scanned: datetime | None = None

    # -- the loop ------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event, *, interval: float = 1.0) -> None:
        """Delivers until ``stop`` is set; a failing pass is logged and retried next interval."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as error:  # the loop must outlive any one bad row or outage
                log.error("outbox.pass_failed error=%s", type(error).__name__)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    def resume(self) -> int:
        """At start-up, makes rows a killed sender left in flight due now; returns how many.

        They may have reached Telegram before the crash: this is the at-most-one duplicate.
        """
        with repo.transaction(self.service.engine) as session:
            count = outbox.release(session, now=self.service.now())
        if count:
            log.warning("outbox.resumed_in_flight rows=%s", count)
        return count

    async def run_once(self) -> int:
        """Queues due escalations and reminders, then sends every due row; returns rows tried."""
        await asyncio.to_thread(self._plan)
        tried = 0
        while ids := await asyncio.to_thread(self._claim):
            for row_id in ids:
                await self._deliver(row_id)
                tried += 1
        return tried

    def _plan(self) -> None:
        now = self.service.now()
        with repo.transaction(self.service.engine) as session:
            escalation.escalations(session, now=now, wait=self.ack_wait)
        if self._long_term_scanned is None or now - self._long_term_scanned >= LONG_TERM_SCAN:
            # Days, not seconds, matter here: scan the open episodes every few minutes only.
            self._long_term_scanned = now
            for item in self.service.long_term_due():
                with repo.transaction(self.service.engine) as session:
                    escalation.long_term(session, report_id=item.report_id, now=now)
        with repo.transaction(self.service.engine) as session:
            due = [(r.id or 0, r.report_id) for r in reminders.due(session, now=now)]
        for reminder_id, report_id in due:
            try:
                report = self.service.report(report_id)
            except ReportNotFound:
                continue
            with repo.transaction(self.service.engine) as session:
                _fire(session, reminder_id, report, now=now)

    def _claim(self) -> list[int]:
        now = self.service.now()
        with repo.transaction(self.service.engine) as session:
            return outbox.claim_due(session, now=now, lease_until=now + LEASE, limit=BATCH)

    # -- one row -------------------------------------------------------------------------------
    async def _deliver(self, row_id: int) -> None:
        row = await asyncio.to_thread(self._load, row_id)
        if row is None:
            return
        try:
            message = await asyncio.to_thread(self.render, row)
        except (ReportNotFound, FlowDefinitionError) as error:
            await asyncio.to_thread(self._failed, row_id, type(error).__name__)
            return
        try:
            message_id = await self._send(row, message)
        except RetryAfter as error:
            # Telegram said when: wait that long (plus up to 10 %), not counted as a failure.
            wait = _seconds(error.retry_after) * (1 + 0.1 * self.jitter())
            await asyncio.to_thread(self._retry, row_id, wait, "RetryAfter", failure=False)
        except Forbidden:
            await asyncio.to_thread(self._failed, row_id, "Forbidden")
        except BadRequest:
            if row.last_error == "BadRequest":  # already failed as plain text: give up
                await asyncio.to_thread(self._failed, row_id, "BadRequest")
            else:  # perhaps HTML Telegram could not parse: try once more as plain text
                await asyncio.to_thread(self._retry, row_id, 0.0, "BadRequest", failure=True)
        except (NetworkError, TelegramError) as error:  # 5xx, timeouts, connection errors
            wait = min(MAX_BACKOFF, 2.0**row.failures) * (1 + 0.1 * self.jitter())
            await asyncio.to_thread(self._retry, row_id, wait, type(error).__name__, failure=True)
        else:
            await asyncio.to_thread(self._sent, row_id, message_id)

    async def _send(self, row: Notification, message: Message) -> int:
        plain = row.last_error == "BadRequest"
        markup = None
        if message.ack:
            button = InlineKeyboardButton(
                "Acknowledge", callback_data=ack_data(row.report_id, row.id or 0)
            )
            markup = InlineKeyboardMarkup([[button]])
        first = 0
        for i, part in enumerate(message.parts):
            last = i == len(message.parts) - 1 and message.pdf is None
            sent = await self.bot.send_message(
                row.recipient,
                _plain(part) if plain else part,
                reply_markup=markup if last else None,
                parse_mode=None if plain else ParseMode.HTML,
            )
            first = first or sent.message_id
        if message.pdf is not None:
            await self.bot.send_document(
                row.recipient,
                document=message.pdf,
                filename=f"missing-child-report-{row.report_id}.pdf",
                reply_markup=markup,
            )
        return first

    def _load(self, row_id: int) -> Notification | None:
        with Session(self.service.engine) as session:
            row = session.get(Notification, row_id)
            return row if row is not None and row.status == outbox.PENDING else None

    def _retry(self, row_id: int, wait: float, error: str, *, failure: bool) -> None:
        now = self.service.now()
        with repo.transaction(self.service.engine) as session:
            row = session.get(Notification, row_id)
            if row is None:
                return
            row.next_attempt_at = now + timedelta(seconds=wait)
            row.last_error, row.in_flight = error, False
            row.failures += int(failure)
            session.add(row)
        log.warning("outbox.retry row=%s error=%s wait=%.1f", row_id, error, wait)

    def _sent(self, row_id: int, message_id: int) -> None:
        now = self.service.now()
        with repo.transaction(self.service.engine) as session:
            row = session.get(Notification, row_id)
            report = repo.get_report(session, report_id=row.report_id) if row else None
            if row is None or report is None:
                return
            row.status, row.sent_at, row.sent_message_id = outbox.SENT, now, message_id
            row.in_flight = False
            session.add(row)
            escalation.reached(session, row, worker=report.worker, now=now)
        log.info("outbox.sent row=%s kind=%s report=%s", row_id, row.kind, row.report_id)

    def _failed(self, row_id: int, error: str) -> None:
        now = self.service.now()
        with repo.transaction(self.service.engine) as session:
            row = session.get(Notification, row_id)
            report = repo.get_report(session, report_id=row.report_id) if row else None
            if row is None:
                return
            row.status, row.last_error, row.in_flight = outbox.FAILED, error, False
            session.add(row)
            audit.record(
                session,
                event="outbox.failed",
                at=now,
                actor=f"telegram:{row.recipient}",
                object_id=row.report_id,
                outcome="failed",
                reason=f"{row.kind}:{error}",
            )
            if row.kind in outbox.SUPERVISOR_KINDS and report is not None:
                # Someone who blocked the bot is replaced by the next rank (F9); a message
                # Telegram refuses as such would fail for them too.
                blocked = error == "Forbidden"
                if not (blocked and escalation.fallback(session, row, now=now)):
                    escalation.unreachable(session, row, worker=report.worker, now=now)
        log.warning("outbox.failed row=%s kind=%s error=%s", row_id, row.kind, error)

    # -- rendering -----------------------------------------------------------------------------
    def render(self, row: Notification) -> Message:
        """Renders a row's message from the database as it is now (nothing was stored rendered)."""
        service, now = self.service, self.service.now()
        report = service.report(row.report_id)
        number = f"report #{row.report_id}"
        if row.kind == "alert":
            head = (
                f"🚨 <b>MISSING CHILD — {number}</b>\n"
                "Call-ready details are in; the full report follows on submit."
            )
            return Message(_with_head(head, render_html(report, now=now, minimal=True)), ack=True)
        if row.kind == "escalation":
            head = (
                f"⏫ <b>NOT YET ACKNOWLEDGED — {number}</b>\n"
                "No supervisor has acknowledged this missing child yet. Please acknowledge."
            )
            return Message(_with_head(head, render_html(report, now=now, minimal=True)), ack=True)
        if row.kind == "summary":
            from bot.render.report_pdf import render_pdf

            found = report.flow_id == self.service.episodes.recovery.id
            head = (
                f"✅ <b>Child found — {number}</b>" if found else f"📄 <b>Submitted — {number}</b>"
            )
            parts = render_html(report, now=now, minimal=self.minimal_summary)
            pdf = render_pdf(report, now=now, photos=service.photos(row.report_id))
            return Message(_with_head(head, parts), pdf=pdf, ack=True)
        if row.kind == "long_term":
            owed = [i.label for i in report.long_term_items]
            head = (
                f"📅 <b>{number} is a long-term case</b> — still missing. Gather for the police's "
                "30-day NCIC update:"
            )
            return Message(["\n".join([head, *(f"○ {escape(label)}" for label in owed)])])
        if row.kind == "amendment":
            return Message(split_html(self._amendment(row)), ack=True)
        if row.kind == "deadline_passed":
            deadline = _deadline(report, row.ref)
            when = stamp(deadline.due_at.astimezone(service.zone)) if deadline else "its deadline"
            label = deadline.label if deadline else "A reporting duty"
            text = f"⏰ <b>{number}</b>: {escape(label)} was due {when} and is still open."
            return Message([text], ack=True)
        if row.kind == "reminder":
            return Message([_reminder(report, row.ref, now)])
        if row.kind == "reached":
            return Message([self._reached(row)])
        if row.kind == "acknowledged":
            return Message([self._acknowledged(row)])
        if row.kind == "unreached":
            return Message([f"⚠️ {number}: {UNREACHED}"])
        raise FlowDefinitionError(f"unknown notification kind {row.kind!r}")

    def _amendment(self, row: Notification) -> str:
        flow = self.service.flow
        # A transaction: a value that fails to decrypt is audited.
        with repo.transaction(self.service.engine) as session:
            changes = escalation.latest_changes(
                session,
                first=row.change_from or 0,
                last=row.change_to or 0,
                report_id=row.report_id,
            )
        lines = [f"✏️ <b>Amendment {row.amendment} to report #{row.report_id}</b>:"]
        for change in changes:
            field = flow.field(change.key.rsplit(".", 1)[-1])
            old = _shown(field, change.old_status, repo.decode(change.old_value))
            new = _shown(field, change.new_status, repo.decode(change.new_value))
            lines.append(f"{escape(field.title)}: {escape(old)} → {escape(new)}")
        return "\n".join(lines)

    def _reached(self, row: Notification) -> str:
        with Session(self.service.engine) as session:
            member = staff_table.get(session, row.subject or 0)
            source = session.get(Notification, int(row.ref or 0))
        name = member.name if member else "on call"
        at = source.sent_at if source and source.sent_at else self.service.now()
        when = f"{at.astimezone(self.service.zone):%H:%M}"
        return f"✅ Report #{row.report_id}: Supervisor {escape(name)} was alerted at {when}."

    def _acknowledged(self, row: Notification) -> str:
        with Session(self.service.engine) as session:
            member = staff_table.get(session, row.subject or 0)
            acks = outbox.acknowledgements(session, report_id=row.report_id)
        name = member.name if member else "on call"
        ack = next((a for a in acks if a.supervisor == row.subject), None)
        at = ack.acked_at if ack else self.service.now()
        when = f"{at.astimezone(self.service.zone):%H:%M}"
        return f"👍 Report #{row.report_id}: Supervisor {escape(name)} acknowledged at {when}."


def _fire(session: Session, reminder_id: int, report: Report, *, now: datetime) -> None:
    """Turns one due reminder into outbox rows, or cancels it when it no longer applies."""
    reminder = session.get(reminders.Reminder, reminder_id)
    row = repo.get_report(session, report_id=report.report_id or 0)
    if reminder is None or row is None or reminder.status != reminders.PENDING:
        return
    deadline = _deadline(report, reminder.deadline)
    key = f"reminder:{reminder.id}:{reminder.due_at.isoformat()}"
    reminder.status, reminder.updated_at = reminders.FIRED, now
    session.add(reminder)
    if deadline is None or deadline.done or row.state == "cancelled":
        reminder.status = reminders.CANCELLED
        return
    if reminder.kind == "passed":
        recipients, level = notify.supervisors_for(session, row.id or 0)
        outbox.enqueue(
            session,
            kind="deadline_passed",
            report_id=row.id or 0,
            recipients=recipients,
            dedupe_key=key,
            now=now,
            level=level,
            ref=deadline.name,
        )
        return
    worker = notify.telegram_id(row.worker)
    later = [
        r
        for r in reminders.of_report(session, report_id=row.id or 0)
        if r.deadline == reminder.deadline
        and r.kind == "before"
        and r.status == reminders.PENDING
        and r.id != reminder.id
        and r.due_at <= now
    ]
    # A later reminder that is due as well says it better (after a restart or a late clock start);
    # after the deadline only the supervisors' notice applies.
    if worker is None or later or deadline.due_at <= now:
        reminder.status = reminders.CANCELLED
        return
    outbox.enqueue(
        session,
        kind="reminder",
        report_id=row.id or 0,
        recipients=[worker],
        dedupe_key=key,
        now=now,
        ref=deadline.name,
    )


def _deadline(report: Report, name: str | None) -> DeadlineStatus | None:
    return next((d for d in report.deadlines if d.name == name), None)


def _reminder(report: Report, name: str | None, now: datetime) -> str:
    deadline = _deadline(report, name)
    lines = [f"⏰ <b>Reminder — report #{report.report_id}</b>"]
    if deadline is not None:
        lines.append(f"{escape(deadline.label)}: {time_left(deadline, now)}.")
    still = [d for d in report.deadlines if not d.done and d.name != name]
    lines += [f"Also open: {escape(d.label)} ({time_left(d, now)})" for d in still]
    lines.append("Send /status for the checklist.")
    return "\n".join(lines)


def _with_head(head: str, parts: list[str]) -> list[str]:
    return split_html(f"{head}\n\n{parts[0]}") + parts[1:] if parts else [head]


def _shown(field: Field, status: str | None, value: Any) -> str:
    if status is None:
        return "(none)"
    if status == "unknown":
        return "unknown"
    if status == "skipped" or value is None:
        return "not given"
    return format_value(field, value)


def _plain(text: str) -> str:
    """Returns Telegram HTML as plain text (tags dropped, entities decoded)."""
    return unescape(re.sub(r"<[^>]+>", "", text))


def _seconds(value: object) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]
