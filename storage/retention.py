"""Retention: purge closed reports' answers, history and photos once they are old enough (PR-14).

The report row stays as a tombstone (id, worker id, timestamps, state ``purged``) so the audit
trail, which is kept, still points at something; every P2/P3 value goes. On SQLite the write-ahead
log is checkpointed and truncated afterwards, and ``secure_delete`` (set on every connection)
zeroes the freed pages, so the purged ciphertext is not left in either file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import col, select

from storage import audit
from storage import repository as repo
from storage.casework import SearchEffort
from storage.models import Answer, AnswerChange, MessageLink, Photo, Report

# States after which a report is never written to again (submitted reports may still be
# amended, which updates ``updated_at`` and so restarts their clock).
CLOSED_STATES = ("submitted", "cancelled", "recovered", "closed")
PURGED = "purged"


@dataclass(frozen=True, slots=True)
class Purge:
    """What a purge did: the reports emptied and whether the SQLite log was fully truncated."""

    report_ids: tuple[int, ...]
    wal_truncated: bool | None


def purge(
    engine: Engine,
    *,
    older_than: timedelta,
    now: datetime,
    actor: str = "cli",
    closed_states: Iterable[str] = CLOSED_STATES,
) -> Purge:
    """Empties every closed report untouched for ``older_than``; each in its own transaction."""
    cutoff = now - older_than
    with repo.transaction(engine) as session:
        ids = list(
            session.exec(
                select(Report.id).where(
                    col(Report.state).in_(list(closed_states)), col(Report.updated_at) < cutoff
                )
            ).all()
        )
    done: list[int] = []
    for report_id in ids:
        if report_id is None:
            continue
        with repo.transaction(engine) as session:
            row = repo.get_report(session, report_id=report_id, lock=True)
            if row is None or row.state == PURGED:
                continue
            for table in (MessageLink, Photo, AnswerChange, Answer, SearchEffort):
                session.exec(delete(table).where(col(table.report_id) == report_id))
            row.state, row.focus, row.pending = PURGED, None, None
            row.version += 1  # buttons shown for the report stop working
            row.updated_at = now
            session.add(row)
            audit.record(
                session,
                event="report.purged",
                at=now,
                actor=actor,
                object_id=report_id,
                component="storage",
                reason=f"older_than_days={older_than.days}",
            )
        done.append(report_id)
    return Purge(tuple(done), _checkpoint(engine))


def _checkpoint(engine: Engine) -> bool | None:
    """Moves the log into the database file and truncates it; None when not on SQLite."""
    if engine.dialect.name != "sqlite":
        return None
    # The raw connection is in autocommit mode; a checkpoint inside a transaction cannot finish.
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        cursor.close()
    finally:
        connection.close()
    return bool(busy == 0)
