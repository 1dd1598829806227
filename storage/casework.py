"""The day after the report: who held it when (handovers) and the search efforts made since.

A handover row is never updated: the report's ``worker`` names the current holder and these rows
the history. A search effort's outcome is free text a worker typed, so it is sealed like an
answer (bound to its own row).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Column as SqlColumn
from sqlmodel import Field, Session, SQLModel, Text, col, select

from storage.models import Report, _when
from storage.sealing import open_value, seal_value, value_context

__all__ = [
    "Handover",
    "SearchEffort",
    "add_effort",
    "add_handover",
    "effort_outcome",
    "efforts_of",
    "hand_over",
    "handovers_of",
    "last_efforts",
]


class Handover(SQLModel, table=True):
    """One change of who holds a report: from whom, to whom, by whom and when. Never updated."""

    __tablename__ = "handover"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    from_worker: str = Field(max_length=80)
    to_worker: str = Field(max_length=80)
    by_actor: str = Field(max_length=80)
    at: datetime = _when()


class SearchEffort(SQLModel, table=True):
    """One dated entry of the search-efforts log of a missing episode."""

    __tablename__ = "search_effort"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    action: str = Field(max_length=40)
    by_actor: str = Field(max_length=80)
    outcome: str | None = Field(default=None, sa_column=SqlColumn(Text, nullable=True))
    at: datetime = _when()


def add_handover(
    session: Session, *, report: Report, to_worker: str, by_actor: str, now: datetime
) -> Handover:
    """Records that a report passes to ``to_worker`` (the caller moves the report itself)."""
    row = Handover(
        report_id=report.id or 0,
        from_worker=report.worker,
        to_worker=to_worker,
        by_actor=by_actor,
        at=now,
    )
    session.add(row)
    session.flush()
    return row


def hand_over(
    session: Session, *, report: Report, to_worker: str, by_actor: str, now: datetime
) -> Handover:
    """Moves a report to its new holder and records the handover, in the caller's transaction.

    The version moves on, so buttons shown to the old holder no longer step the report, and the
    report becomes the new holder's most recently touched one, so their next message continues it.
    """
    row = add_handover(session, report=report, to_worker=to_worker, by_actor=by_actor, now=now)
    report.worker = to_worker
    report.version += 1
    report.updated_at = now
    session.add(report)
    session.flush()
    return row


def handovers_of(session: Session, *, report_id: int) -> list[Handover]:
    """Returns a report's handovers, oldest first."""
    query = select(Handover).where(Handover.report_id == report_id)
    return list(session.exec(query.order_by(col(Handover.id))))


def add_effort(
    session: Session,
    *,
    report_id: int,
    action: str,
    by_actor: str,
    outcome: str,
    now: datetime,
) -> SearchEffort:
    """Adds a search-effort entry; the outcome is sealed bound to the new row's id."""
    row = SearchEffort(report_id=report_id, action=action, by_actor=by_actor, at=now)
    session.add(row)
    session.flush()
    context = value_context("search_effort", "outcome", report_id, str(row.id))
    row.outcome = seal_value(session, outcome or None, context=context)
    session.add(row)
    session.flush()
    return row


def effort_outcome(session: Session, row: SearchEffort) -> str:
    """Returns an entry's outcome as typed ('' when none was given); raises on tampering."""
    context = value_context("search_effort", "outcome", row.report_id, str(row.id))
    value = open_value(session, row.outcome, context=context)
    return value if isinstance(value, str) else ""


def efforts_of(session: Session, *, report_id: int) -> list[SearchEffort]:
    """Returns an episode's search-effort entries, oldest first."""
    query = select(SearchEffort).where(SearchEffort.report_id == report_id)
    return list(session.exec(query.order_by(col(SearchEffort.at), col(SearchEffort.id))))


def last_efforts(session: Session, *, report_ids: list[int]) -> dict[int, datetime]:
    """Returns when each of these reports' latest search effort was made (absent when none)."""
    if not report_ids:
        return {}
    query = (
        select(SearchEffort.report_id, func.max(SearchEffort.at))
        .where(col(SearchEffort.report_id).in_(report_ids))
        .group_by(col(SearchEffort.report_id))
    )
    return dict(session.exec(query).all())  # a Result has keys(): dict() would read it as a mapping
