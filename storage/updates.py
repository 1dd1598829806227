"""Telegram updates applied once, cross-process locks, and chat messages linked to answers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, text
from sqlmodel import Session, col

from storage import statements as sql
from storage.models import MessageLink, ProcessedUpdate


def claim_update(session: Session, *, update_id: int, now: datetime) -> bool:
    """Records an update as applied in this transaction; False when it already was.

    INSERT .. ON CONFLICT DO NOTHING: when another process is applying the same update, this
    waits for its commit and then finds the row, instead of failing on the primary key.
    """
    connection = session.connection()
    statement = sql.claim_update(connection.dialect.name)
    # RETURNING, not rowcount: an insert that did nothing returns no row on every driver.
    row = connection.execute(statement, {"update_id": update_id, "processed_at": now}).first()
    return row is not None


def lock_worker(session: Session, *, worker: str) -> None:
    """Serialises one worker's steps across processes until this transaction ends.

    Finding the worker's open report (or creating one when there is none) must not race with
    the same worker's other update on another process; the report row lock alone cannot cover
    a row that does not exist yet. SQLite's BEGIN IMMEDIATE already serialises every step.
    """
    lock_names(session, "worker", [worker])


def lock_names(session: Session, kind: str, names: Iterable[str]) -> None:
    """Serialises transactions that touch the same named things until this one ends.

    PostgreSQL advisory locks, taken in sorted order so two transactions never deadlock; SQLite's
    BEGIN IMMEDIATE already serialises every step.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in sorted(set(names)):
        session.exec(  # type: ignore[call-overload]
            text("SELECT pg_advisory_xact_lock(:key)"), params={"key": advisory_key(kind, name)}
        )


def advisory_key(*parts: str) -> int:
    """Returns a stable signed 64-bit PostgreSQL advisory-lock key for a name."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def prune_updates(session: Session, *, before: datetime) -> None:
    """Forgets applied updates older than ``before`` (Telegram re-delivers for a day at most)."""
    session.exec(delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < before))


def link_message(
    session: Session, *, worker: str, message_id: int, report_id: int, key: str
) -> None:
    """Remembers that a chat message answered the question stored under ``key``."""
    connection = session.connection()
    link = {"worker": worker, "message_id": message_id, "report_id": report_id, "key": key}
    connection.execute(sql.upsert_link(connection.dialect.name), link)


def find_link(session: Session, *, worker: str, message_id: int) -> MessageLink | None:
    """Returns the question a worker's chat message answered, if it answered one."""
    return session.get(MessageLink, (worker, message_id))
