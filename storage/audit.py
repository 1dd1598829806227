"""The audit trail: an append-only, hash-chained table of who did what to which report, and when.

Rows carry event names, internal ids, outcomes and reason codes, never an answer. Each row's hash
covers its own fields and the previous row's hash, so changing or deleting any row breaks the
chain from that row on, and ``verify`` names the first row that no longer fits. A one-row head
table holds the count and the last hash, so deleting the newest rows (which leaves a valid but
shorter chain) is caught too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import UTCDateTime, _when

GENESIS = "0" * 64


class AuditEvent(SQLModel, table=True):
    """One audited event. Rows are only ever inserted."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when()
    component: str = Field(max_length=40)
    event: str = Field(index=True, max_length=60)
    actor: str | None = Field(default=None, max_length=80)
    object_id: str | None = Field(default=None, max_length=80)
    outcome: str = Field(default="ok", max_length=20)
    reason: str | None = Field(default=None, max_length=200)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The end of the chain: how many rows it has and the newest row's hash. One row, id 1."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    rows: int = 0
    hash: str = Field(default=GENESIS, max_length=64)


def _digest(row: AuditEvent, prev_hash: str) -> str:
    """Returns sha256(prev_hash || the row's canonical fields)."""
    at = UTCDateTime().process_bind_param(row.at, None)
    body = json.dumps(
        [
            at.isoformat() if at else None,
            row.component,
            row.event,
            row.actor,
            row.object_id,
            row.outcome,
            row.reason,
        ],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(prev_hash.encode("ascii") + body.encode("ascii")).hexdigest()


def record(
    session: Session,
    *,
    event: str,
    at: datetime,
    actor: str | None = None,
    object_id: str | int | None = None,
    outcome: str = "ok",
    reason: str | None = None,
    component: str = "bot",
) -> AuditEvent:
    """Appends one event to the chain inside the caller's transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Two transactions must not both extend the same last row: serialise appends.
        session.exec(text("SELECT pg_advisory_xact_lock(7146013)"))  # type: ignore[call-overload]
    last = session.exec(
        select(AuditEvent.hash).order_by(col(AuditEvent.id).desc()).limit(1)
    ).first()
    prev_hash = last or GENESIS
    row = AuditEvent(
        at=at,
        component=component,
        event=event,
        actor=actor,
        object_id=None if object_id is None else str(object_id),
        outcome=outcome,
        reason=reason,
        prev_hash=prev_hash,
        hash="",
    )
    row.hash = _digest(row, prev_hash)
    session.add(row)
    head = session.get(AuditHead, 1) or AuditHead(id=1, rows=0, hash=GENESIS)
    head.rows += 1
    head.hash = row.hash
    session.add(head)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The result of walking the chain: how many rows, and the first that does not fit."""

    rows: int
    first_bad_id: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        """True when every row fits the chain."""
        return self.first_bad_id is None


def verify(session: Session) -> ChainCheck:
    """Walks the chain from the first row and reports the first changed, inserted or missing one."""
    prev_hash = GENESIS
    count = 0
    last_id = 0
    for row in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        count += 1
        if row.prev_hash != prev_hash:
            return ChainCheck(count, row.id, "a row before it was changed or deleted")
        if _digest(row, prev_hash) != row.hash:
            return ChainCheck(count, row.id, "the row was changed")
        prev_hash, last_id = row.hash, row.id or last_id
    head = session.get(AuditHead, 1)
    if head is None:
        if count:
            return ChainCheck(count, last_id + 1, "the chain head is missing")
        return ChainCheck(count, None, None)
    if head.rows != count or head.hash != prev_hash:
        problem = f"the newest rows were deleted or the head changed ({head.rows} recorded)"
        return ChainCheck(count, last_id + 1, problem)
    return ChainCheck(count, None, None)
