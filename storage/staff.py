"""Who may use the assistant: staff keyed by numeric Telegram user id, with a role and on-call rank.

Display names are staff names (never child data). A removed member is kept inactive, so history that
names them still resolves; an inactive row grants nothing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, Engine, bindparam
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import _when


class Role(StrEnum):
    """What a staff member may do; each role includes the ones before it."""

    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


RANKED = (Role.STAFF, Role.SUPERVISOR, Role.ADMIN)


class Staff(SQLModel, table=True):
    """One member of staff allowed to use the bot."""

    __tablename__ = "staff"

    telegram_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    role: str = Field(max_length=20)
    display_name: str = Field(default="", max_length=80)
    # 0 = not on call; 1 is alerted first, 2 when 1 is unreachable or silent, and so on.
    on_call_rank: int = 0
    active: bool = True
    created_at: datetime = _when()
    updated_at: datetime = _when()

    def has(self, role: Role) -> bool:
        """True when this member is active and holds ``role`` or a higher one."""
        return self.active and RANKED.index(Role(self.role)) >= RANKED.index(role)

    @property
    def name(self) -> str:
        """Returns how the bot names this member to others."""
        return self.display_name or f"#{self.telegram_id}"


# Built once: the access gate runs it on every update.
_ACTIVE = select(col(Staff.telegram_id)).where(
    col(Staff.telegram_id) == bindparam("telegram_id"), col(Staff.active).is_(True)
)


def get(session: Session, telegram_id: int) -> Staff | None:
    """Returns the staff row of a Telegram user id, active or not."""
    return session.get(Staff, telegram_id)


def active(session: Session, telegram_id: int) -> Staff | None:
    """Returns the staff row of a Telegram user id when it is active."""
    row = session.get(Staff, telegram_id)
    return row if row is not None and row.active else None


def is_active(session: Session, telegram_id: int) -> bool:
    """Tells whether a Telegram user id is an active member (one indexed read, no ORM object)."""
    row = session.connection().execute(_ACTIVE, {"telegram_id": telegram_id}).first()
    return row is not None


def admitted(engine: Engine, telegram_id: int) -> bool:
    """Tells whether an id is an active member now: one indexed read on a pooled connection."""
    # The gate asks on every update. Through a Session the read cost ~10x the statement itself
    # (session, transaction, compiled-statement lookup); the row is read fresh all the same.
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(_ADMITTED.format(mark), (telegram_id,))
            return cursor.fetchone() is not None
        finally:
            cursor.close()
    finally:
        connection.close()  # back to the pool, which ends the read


_ADMITTED = "SELECT 1 FROM staff WHERE telegram_id = {} AND active = TRUE"


def put(
    session: Session,
    *,
    telegram_id: int,
    role: Role,
    now: datetime,
    name: str | None = None,
    rank: int | None = None,
) -> Staff:
    """Adds a member or updates one (reactivating a removed one)."""
    row = session.get(Staff, telegram_id)
    if row is None:
        default_rank = 1 if role is Role.SUPERVISOR else 0
        row = Staff(telegram_id=telegram_id, role=role.value, created_at=now, updated_at=now)
        row.on_call_rank = default_rank if rank is None else rank
    elif rank is not None:
        row.on_call_rank = rank
    row.role, row.active, row.updated_at = role.value, True, now
    if name is not None:
        row.display_name = name
    session.add(row)
    session.flush()
    return row


def remove(session: Session, *, telegram_id: int, now: datetime) -> bool:
    """Deactivates a member; False when there was no active member with that id."""
    row = session.get(Staff, telegram_id)
    if row is None or not row.active:
        return False
    row.active, row.updated_at = False, now
    session.add(row)
    return True


def members(session: Session) -> list[Staff]:
    """Returns every member, active first, then by id."""
    rows = session.exec(select(Staff).order_by(col(Staff.active).desc(), col(Staff.telegram_id)))
    return list(rows)


def on_call_tiers(session: Session) -> list[list[Staff]]:
    """Returns the on-call supervisors grouped by rank, lowest rank (called first) first."""
    rows = session.exec(
        select(Staff)
        .where(col(Staff.active).is_(True), col(Staff.on_call_rank) > 0)
        .order_by(col(Staff.on_call_rank), col(Staff.telegram_id))
    )
    tiers: dict[int, list[Staff]] = {}
    for row in rows:
        if row.has(Role.SUPERVISOR):
            tiers.setdefault(row.on_call_rank, []).append(row)
    return list(tiers.values())
