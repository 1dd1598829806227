"""The start of a step in one round trip: the worker's lock and the update's claim together."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, text
from sqlmodel import Session

from storage.statements import UPDATES
from storage.updates import advisory_key, claim_update, lock_worker

# PostgreSQL: the advisory lock is taken to produce the row the INSERT claims, so the claim
# runs under the lock exactly as two statements would, in one round trip instead of two.
LOCK_AND_CLAIM = text(
    "WITH lock AS (SELECT pg_advisory_xact_lock(:key)) "
    "INSERT INTO processed_update (update_id, processed_at) "
    "SELECT :update_id, :processed_at FROM lock "
    "ON CONFLICT (update_id) DO NOTHING RETURNING update_id"
).bindparams(bindparam("processed_at", type_=UPDATES.c.processed_at.type))  # stored as UTC


def claim_step(session: Session, *, worker: str, update_id: int | None, now: datetime) -> bool:
    """Serialises the worker's steps and records the update as applied; False when it was."""
    connection = session.connection()
    if update_id is None or connection.dialect.name != "postgresql":
        lock_worker(session, worker=worker)  # SQLite: BEGIN IMMEDIATE serialises already
        return update_id is None or claim_update(session, update_id=update_id, now=now)
    params = {"key": advisory_key("worker", worker), "update_id": update_id, "processed_at": now}
    return connection.execute(LOCK_AND_CLAIM, params).first() is not None
