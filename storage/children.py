"""Children seen before, so each new episode can be linked to the last one.

Nothing identifying is stored here: a child is found by HMAC-SHA256 digests of normalised
identifying answers (agency case number; name with date of birth), made with a key the service
holds. This table is not encrypted, so it must never hold a plain name, date or number.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import Report, _when


class Child(SQLModel, table=True):
    """A child with one or more missing episodes (reports carry ``child_id``)."""

    __tablename__ = "child"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _when()


class ChildKey(SQLModel, table=True):
    """One keyed digest that identifies a child (e.g. of the case number)."""

    __tablename__ = "child_key"

    digest: str = Field(primary_key=True, max_length=64)
    child_id: int = Field(foreign_key="child.id", index=True, ondelete="CASCADE")


class RecoveryLink(SQLModel, table=True):
    """Which recovery record closes which episode's report."""

    __tablename__ = "recovery_link"

    recovery_id: int = Field(foreign_key="report.id", primary_key=True, ondelete="CASCADE")
    episode_id: int = Field(foreign_key="report.id", unique=True, ondelete="CASCADE")


def normalise(value: str) -> str:
    """Returns the value as matched: accents, case, punctuation and word order ignored."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().casefold()
    return " ".join(sorted(re.findall(r"[a-z0-9]+", plain)))


def digest(key: bytes, names: Sequence[str], values: Sequence[str]) -> str:
    """Returns the hex HMAC-SHA256 of the named, normalised values under ``key``."""
    text = "|".join(f"{name}={normalise(value)}" for name, value in zip(names, values, strict=True))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def find_child(session: Session, *, digests: Iterable[str]) -> int | None:
    """Returns the id of the child any of the digests (tried in order) identifies."""
    for value in digests:
        row = session.get(ChildKey, value)
        if row is not None:
            return row.child_id
    return None


def add_child(session: Session, *, now: datetime) -> int:
    """Creates a child record and returns its id."""
    child = Child(created_at=now)
    session.add(child)
    session.flush()
    return child.id or 0


def remember_keys(session: Session, *, child_id: int, digests: Iterable[str]) -> None:
    """Adds the digests the child is not yet known by (one already taken is left alone)."""
    for value in digests:
        if session.get(ChildKey, value) is None:
            session.add(ChildKey(digest=value, child_id=child_id))
    session.flush()


def merge_child(session: Session, *, child_id: int, into: int) -> None:
    """Moves a child record's keys and reports to another child and deletes it."""
    for key in session.exec(select(ChildKey).where(ChildKey.child_id == child_id)):
        key.child_id = into
        session.add(key)
    for report in session.exec(select(Report).where(Report.child_id == child_id)):
        report.child_id = into
        session.add(report)
    session.flush()
    child = session.get(Child, child_id)
    if child is not None:
        session.delete(child)
    session.flush()


def episodes(session: Session, *, child_id: int, flow_id: str) -> list[Report]:
    """Returns the child's reports of one flow that were not cancelled, oldest first."""
    query = (
        select(Report)
        .where(
            Report.child_id == child_id,
            Report.flow_id == flow_id,
            col(Report.state).not_in(["cancelled", "new"]),
        )
        .order_by(col(Report.id))
    )
    return list(session.exec(query))


def link_recovery(session: Session, *, recovery_id: int, episode_id: int) -> None:
    """Records that a recovery record closes an episode."""
    session.add(RecoveryLink(recovery_id=recovery_id, episode_id=episode_id))
    session.flush()


def recovery_of(session: Session, *, episode_id: int) -> Report | None:
    """Returns the recovery record of an episode, if one was started."""
    link = session.exec(select(RecoveryLink).where(RecoveryLink.episode_id == episode_id)).first()
    return None if link is None else session.get(Report, link.recovery_id)


def episode_of(session: Session, *, recovery_id: int) -> Report | None:
    """Returns the episode a recovery record closes."""
    link = session.get(RecoveryLink, recovery_id)
    return None if link is None else session.get(Report, link.episode_id)


def reports_in(session: Session, *, flow_id: str, states: Iterable[str]) -> list[Report]:
    """Returns every report of one flow in the given states, oldest first."""
    query = (
        select(Report)
        .where(Report.flow_id == flow_id, col(Report.state).in_(list(states)))
        .order_by(col(Report.id))
    )
    return list(session.exec(query))
