"""Claiming due rows (outbox messages, reminders) so that exactly one process takes each one.

``claim`` locks up to ``limit`` rows of a query with ``FOR UPDATE SKIP LOCKED``: rows another
process's open transaction already holds are skipped instead of waited for, so several processes
polling one table share the work without taking a row twice. The lock lasts until the caller's
transaction ends, so mark each row done (or leased until a time) in that same transaction::

    with transaction(engine) as session:
        due = select(Outbox).where(col(Outbox.sent_at).is_(None), Outbox.due_at <= now)
        for row in claim(session, due.order_by(col(Outbox.due_at)), limit=20):
            row.sent_at = now  # or: row.leased_until = now + lease, committed at once

On SQLite the clause is not rendered; BEGIN IMMEDIATE already gives one writer at a time.
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

Row = TypeVar("Row")


def claim(session: Session, query: SelectOfScalar[Row], *, limit: int) -> list[Row]:
    """Locks and returns up to ``limit`` rows of ``query`` that no other transaction holds."""
    return list(session.exec(query.limit(limit).with_for_update(skip_locked=True)))
