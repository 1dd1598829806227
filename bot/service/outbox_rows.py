"""The service's side of the outbox sender: leases, results, reminders and what rows read.

The Telegram sender (``bot.telegram.delivery``) only sends; every database step it needs is
one short transaction here: lease due rows, record each part Telegram accepted, mark a row sent
or failed (with escalation and fallback), and plan what is due (escalations, long-term checks,
reminders). Delivery is at-least-once with the mark after the send (see the sender's docstring).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.service import escalation
from bot.service.core import ServiceCore
from bot.service.efforts import Efforts
from bot.service.outbox_reminders import fire
from bot.service.outcome import ReportNotFound
from flows.answers import format_value
from flows.schema import Field
from storage import audit, outbox, reminders
from storage import repository as repo
from storage import staff as staff_table
from storage.outbox import Notification

__all__ = ["BATCH", "LEASE", "ChangedAnswer", "Notification", "OutboxRows"]

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 20
# How often the loop looks for episodes that have become long-term.
LONG_TERM_SCAN = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class ChangedAnswer:
    """One line of an amendment: the question, what it said, what it says now."""

    title: str
    old: str
    new: str


class OutboxRows(Efforts, ServiceCore):
    """Database steps of the outbox sender, each one short transaction."""

    _long_term_scanned: datetime | None = None

    def outbox_resume(self) -> int:
        """At start-up, makes rows a killed sender left in flight due now; returns how many."""
        with repo.transaction(self.engine) as session:
            count = outbox.release(session, now=self.now())
        if count:
            log.warning("outbox.resumed_in_flight rows=%s", count)
        return count

    def outbox_plan(self, *, ack_wait: timedelta) -> None:
        """Queues due escalations, long-term checklists and reminders as outbox rows."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            escalation.escalations(session, now=now, wait=ack_wait)
        scanned = self._long_term_scanned
        if scanned is None or now - scanned >= LONG_TERM_SCAN:
            # Days, not seconds, matter here: scan the open episodes every few minutes only.
            self._long_term_scanned = now
            for item in self.long_term_due():
                with repo.transaction(self.engine) as session:
                    escalation.long_term(session, report_id=item.report_id, now=now)
            self.plan_effort_reminders()
        with repo.transaction(self.engine) as session:
            due = [(r.id or 0, r.report_id) for r in reminders.due(session, now=now)]
        for reminder_id, report_id in due:
            try:
                report = self.report(report_id)
            except ReportNotFound:
                continue
            with repo.transaction(self.engine) as session:
                fire(session, reminder_id, report, now=now)

    def outbox_claim(self) -> list[int]:
        """Leases up to a batch of due rows and returns their ids."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            return outbox.claim_due(session, now=now, lease_until=now + LEASE, limit=BATCH)

    def outbox_unlease(self, ids: list[int]) -> None:
        """Makes leased rows that were not tried due again (their recipient's queue stalled)."""
        if ids:
            with repo.transaction(self.engine) as session:
                outbox.unlease(session, ids=ids, now=self.now())

    def outbox_row(self, row_id: int) -> Notification | None:
        """Returns a pending row as a detached copy, or None when it is no longer pending."""
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.get(Notification, row_id)
            if row is None or row.status != outbox.PENDING:
                return None
            session.expunge(row)
            return row

    def outbox_part_sent(self, row_id: int, *, parts_sent: int, message_id: int) -> None:
        """Records that Telegram accepted one more part of a row (a retry starts after it)."""
        with repo.transaction(self.engine) as session:
            outbox.record_part(session, row_id=row_id, parts_sent=parts_sent, message_id=message_id)

    def outbox_retry(self, row_id: int, *, wait: float, error: str, failure: bool) -> None:
        """Makes a row due again after ``wait`` seconds; ``failure`` counts towards backoff."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = session.get(Notification, row_id)
            if row is None:
                return
            row.next_attempt_at = now + timedelta(seconds=wait)
            row.last_error, row.in_flight = error, False
            row.failures += int(failure)
            session.add(row)
        log.warning("outbox.retry row=%s error=%s wait=%.1f", row_id, error, wait)

    def outbox_sent(self, row_id: int, *, message_id: int) -> None:
        """Marks a row sent and tells the worker who was reached."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = session.get(Notification, row_id)
            report = repo.get_report(session, report_id=row.report_id) if row else None
            if row is None or report is None:
                return
            row.status, row.sent_at, row.sent_message_id = outbox.SENT, now, message_id
            row.in_flight = False
            session.add(row)
            escalation.reached(session, row, worker=report.worker, now=now)
        log.info("outbox.sent row=%s kind=%s report=%s", row_id, row.kind, row.report_id)

    def outbox_failed(self, row_id: int, *, error: str) -> None:
        """Gives a row up, audits it, and finds someone else who can act on a supervisor's."""
        now = self.now()
        with repo.transaction(self.engine) as session:
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

    # -- what rows read when they are rendered -----------------------------------------------
    def is_recovery(self, report_id: int) -> bool:
        """Tells whether a report is a recovery record (its summary says the child was found)."""
        with Session(self.engine) as session:
            row = repo.get_report(session, report_id=report_id)
            return row is not None and row.flow_id == self.episodes.recovery.id

    def amendment(self, row: Notification) -> list[ChangedAnswer]:
        """Returns the answers an amendment row covers, as the worker would read them."""
        # A transaction: a value that fails to decrypt is audited.
        with repo.transaction(self.engine) as session:
            changes = escalation.latest_changes(
                session,
                first=row.change_from or 0,
                last=row.change_to or 0,
                report_id=row.report_id,
            )
        lines: list[ChangedAnswer] = []
        for change in changes:
            field = self.flow.field(change.key.rsplit(".", 1)[-1])
            old = _shown(field, change.old_status, repo.decode(change.old_value))
            new = _shown(field, change.new_status, repo.decode(change.new_value))
            lines.append(ChangedAnswer(field.title, old, new))
        return lines

    def staff_name(self, staff_id: int) -> str | None:
        """Returns a staff member's name, or None when there is no such member."""
        with Session(self.engine) as session:
            member = staff_table.get(session, staff_id)
            return member.name if member else None

    def sent_at(self, notification_id: int) -> datetime:
        """Returns when a row was sent (now when it was not), in the agency's zone."""
        with Session(self.engine) as session:
            source = session.get(Notification, notification_id)
            at = source.sent_at if source and source.sent_at else self.now()
        return at.astimezone(self.zone)

    def acknowledged_at(self, report_id: int, supervisor: int) -> datetime:
        """Returns when a supervisor acknowledged a report (now when not yet), in the zone."""
        with Session(self.engine) as session:
            acks = outbox.acknowledgements(session, report_id=report_id)
        ack = next((a for a in acks if a.supervisor == supervisor), None)
        return (ack.acked_at if ack else self.now()).astimezone(self.zone)


def _shown(field: Field, status: str | None, value: Any) -> str:
    if status is None:
        return "(none)"
    if status == "unknown":
        return "unknown"
    if status == "skipped" or value is None:
        return "not given"
    return format_value(field, value)
