"""Persisted reminders: when to nudge the worker before a deadline or tell supervisors it passed.

Rows live in the database so a restart forgets none (the JobQueue alone would). They hold ids,
a deadline name and times only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import _when

PENDING, FIRED, CANCELLED = "pending", "fired", "cancelled"


class Reminder(SQLModel, table=True):
    """One planned reminder of one report's deadline."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("report_id", "deadline", "kind", "offset_minutes"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    deadline: str = Field(max_length=80)
    kind: str = Field(max_length=30)  # "before" (to the worker) or "passed" (to supervisors)
    offset_minutes: int = 0  # how long before the deadline; 0 for "passed"
    due_at: datetime = _when()
    status: str = Field(default=PENDING, index=True, max_length=20)
    updated_at: datetime = _when()


def of_report(session: Session, *, report_id: int) -> list[Reminder]:
    """Returns every reminder of a report."""
    query = select(Reminder).where(Reminder.report_id == report_id)
    return list(session.exec(query.order_by(col(Reminder.due_at), col(Reminder.id))))


def plan(
    session: Session,
    *,
    report_id: int,
    deadline: str,
    kind: str,
    offset_minutes: int,
    due_at: datetime,
    now: datetime,
) -> Reminder:
    """Creates the reminder or moves it; a moved reminder is pending again."""
    row = session.exec(
        select(Reminder).where(
            Reminder.report_id == report_id,
            Reminder.deadline == deadline,
            Reminder.kind == kind,
            Reminder.offset_minutes == offset_minutes,
        )
    ).first()
    if row is None:
        row = Reminder(
            report_id=report_id,
            deadline=deadline,
            kind=kind,
            offset_minutes=offset_minutes,
            due_at=due_at,
            updated_at=now,
        )
    elif row.due_at != due_at or row.status == CANCELLED:
        row.due_at, row.status, row.updated_at = due_at, PENDING, now
    session.add(row)
    session.flush()
    return row


def cancel(session: Session, *, report_id: int, deadline: str, now: datetime) -> None:
    """Cancels the pending reminders of a deadline that is done."""
    rows = session.exec(
        select(Reminder).where(
            Reminder.report_id == report_id,
            Reminder.deadline == deadline,
            Reminder.status == PENDING,
        )
    )
    for row in rows:
        row.status, row.updated_at = CANCELLED, now
        session.add(row)


def due(session: Session, *, now: datetime, limit: int = 50) -> list[Reminder]:
    """Returns pending reminders whose time has come, locked for this transaction."""
    query = (
        select(Reminder)
        .where(Reminder.status == PENDING, col(Reminder.due_at) <= now)
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(query))
