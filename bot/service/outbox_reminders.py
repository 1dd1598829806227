"""Reminders coming due: each becomes an outbox row, or is cancelled when it no longer applies."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.service import notify
from flows.lifecycle import State
from flows.report import DeadlineStatus, Report
from storage import outbox, reminders
from storage import repository as repo


def fire(session: Session, reminder_id: int, report: Report, *, now: datetime) -> None:
    """Turns one due reminder into outbox rows, or cancels it when it no longer applies."""
    reminder = session.get(reminders.Reminder, reminder_id)
    row = repo.get_report(session, report_id=report.report_id or 0)
    if reminder is None or row is None or reminder.status != reminders.PENDING:
        return
    deadline = deadline_of(report, reminder.deadline)
    key = f"reminder:{reminder.id}:{reminder.due_at.isoformat()}"
    reminder.status, reminder.updated_at = reminders.FIRED, now
    session.add(reminder)
    if deadline is None or deadline.done or row.state == State.CANCELLED:
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


def deadline_of(report: Report, name: str | None) -> DeadlineStatus | None:
    """Returns the report's deadline of that name, if it has one."""
    return next((d for d in report.deadlines if d.name == name), None)
