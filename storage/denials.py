"""Refused updates counted per sender and window, so strangers cannot grow the audit table.

A stranger's updates are not each audited: the first in a window writes the one ``auth.denied``
audit row and opens a row here, and the rest of the window only count on that row (how many,
first, last). The window's start is also when the sender was last told no, kept in the database
so a restart does not tell them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BigInteger, Column, text
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import UTCDateTime, _when
from storage.updates import advisory_key

NO_SENDER = 0  # an update without a user (a channel post) is counted under id 0


class Denial(SQLModel, table=True):
    """One sender's refused updates in one window."""

    __tablename__ = "auth_denial"

    sender: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    window_start: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    count: int = 1
    first_at: datetime = _when()
    last_at: datetime = _when()


@dataclass(frozen=True, slots=True)
class Counted:
    """Whether this refusal opened a new window (then it is audited and the sender told)."""

    opened: bool
    count: int


def count(session: Session, *, sender: int | None, now: datetime, window: timedelta) -> Counted:
    """Counts one refused update in the sender's open window, or opens a new window."""
    key = NO_SENDER if sender is None else sender
    if session.get_bind().dialect.name == "postgresql":
        # Two updates of one sender at once must not both open a window (and both be told).
        lock = advisory_key("auth_denial", str(key))
        session.exec(text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=lock))  # type: ignore[call-overload]
    latest = session.exec(
        select(Denial)
        .where(Denial.sender == key)
        .order_by(col(Denial.window_start).desc())
        .limit(1)
    ).first()
    if latest is not None and now - latest.window_start < window:
        latest.count += 1
        latest.last_at = max(latest.last_at, now)
        session.add(latest)
        return Counted(opened=False, count=latest.count)
    session.add(Denial(sender=key, window_start=now, first_at=now, last_at=now))
    session.flush()
    return Counted(opened=True, count=1)


def windows(session: Session, *, sender: int | None = None) -> list[Denial]:
    """Returns the counted windows, of one sender or of all, oldest first."""
    query = select(Denial)
    if sender is not None:
        query = query.where(Denial.sender == sender)
    return list(session.exec(query.order_by(col(Denial.window_start), col(Denial.sender))))


def purge(session: Session, *, before: datetime) -> int:
    """Deletes windows whose last refusal is older than ``before``; returns how many."""
    old = list(session.exec(select(Denial).where(col(Denial.last_at) < before)))
    for row in old:
        session.delete(row)
    return len(old)
