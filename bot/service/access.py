"""Who may use the bot, checked against the staff table on every update (no cache, AC-11).

The gate keys only on the numeric Telegram user id. A refused update leaves nothing but its count
(``storage.denials``) and, for the first of a sender's window, one audit row; the same unknown id
is told no at most once per ``REFUSAL_EVERY`` (AC-03), remembered in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from storage import audit, denials
from storage import repository as repo
from storage import staff as staff_table
from storage.staff import Role, Staff

log = logging.getLogger(__name__)

REFUSAL = "Sorry, this is a private service. Access is by invitation only."
REFUSAL_EVERY = timedelta(minutes=10)
KEEP_DENIALS = timedelta(days=7)  # long enough to see a week's pattern of attempts
NOT_ALLOWED = "Not allowed."


class Access:
    """Looks members up, records refusals and manages the staff list."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def member(self, telegram_id: int) -> Staff | None:
        """Returns the active member with this id, read fresh from the database."""
        with repo.reading(self.engine) as session:
            return staff_table.active(session, telegram_id)

    def admits(self, telegram_id: int) -> bool:
        """Tells whether this id is an active member now, read fresh from the database."""
        # A read, so the gate never queues behind the steps being written (SQLite WAL).
        return staff_table.admitted(self.engine, telegram_id)

    def deny(self, telegram_id: int | None, *, update_type: str) -> bool:
        """Counts a refused update; True when the sender should be told (once per 10 minutes).

        A stranger's first refusal in a window is audited and the rest only counted, so a flood
        adds one audit row per sender and window. A member's refusal (sent as a channel or via a
        bot) is still audited each time: members are few and each such try is worth a row.
        """
        now = self.clock()
        actor = None if telegram_id is None else f"telegram:{telegram_id}"
        with repo.transaction(self.engine) as session:
            counted = denials.count(session, sender=telegram_id, now=now, window=REFUSAL_EVERY)
            member = telegram_id is not None and staff_table.is_active(session, telegram_id)
            if counted.opened or member:
                audit.record(
                    session,
                    event="auth.denied",
                    at=now,
                    actor=actor,
                    outcome="denied",
                    reason=update_type,
                )
        log.info("auth.denied user=%s update=%s count=%s", telegram_id, update_type, counted.count)
        return telegram_id is not None and counted.opened

    def forget_old_denials(self) -> int:
        """Deletes refusal counts of windows over a week old (their audit rows stay)."""
        with repo.transaction(self.engine) as session:
            return denials.purge(session, before=self.clock() - KEEP_DENIALS)

    def forbid(self, telegram_id: int, *, object_id: str | int | None, reason: str) -> None:
        """Audits a member asking for something their role does not allow (AC-06, AC-07)."""
        with repo.transaction(self.engine) as session:
            audit.record(
                session,
                event="authz.denied",
                at=self.clock(),
                actor=f"telegram:{telegram_id}",
                object_id=object_id,
                outcome="denied",
                reason=reason,
            )
        log.info("authz.denied user=%s reason=%s", telegram_id, reason)

    def seed_admins(self, ids: Iterable[int]) -> None:
        """Makes each id an active admin unless it already is one (the first admins)."""
        for telegram_id in ids:
            current = self.member(telegram_id)
            if current is None or not current.has(Role.ADMIN):
                self.add(telegram_id, Role.ADMIN, actor="config:ADMIN_IDS")

    def add(
        self,
        telegram_id: int,
        role: Role,
        *,
        actor: str,
        name: str | None = None,
        rank: int | None = None,
    ) -> Staff:
        """Adds or updates a member, audited."""
        now = self.clock()
        with repo.transaction(self.engine) as session:
            row = staff_table.put(
                session, telegram_id=telegram_id, role=role, now=now, name=name, rank=rank
            )
            audit.record(
                session,
                event="staff.added",
                at=now,
                actor=actor,
                object_id=f"telegram:{telegram_id}",
                reason=f"role={role.value} rank={row.on_call_rank}",
            )
        return row

    def remove(self, telegram_id: int, *, actor: str) -> bool:
        """Deactivates a member, audited; False when there was no active member with that id."""
        now = self.clock()
        with repo.transaction(self.engine) as session:
            done = staff_table.remove(session, telegram_id=telegram_id, now=now)
            if done:
                audit.record(
                    session,
                    event="staff.removed",
                    at=now,
                    actor=actor,
                    object_id=f"telegram:{telegram_id}",
                )
        return done

    def listing(self) -> list[str]:
        """Returns one line per member: id, role, on-call rank, name, and whether removed."""
        with Session(self.engine) as session:
            rows = staff_table.members(session)
        return [describe(row) for row in rows]


def describe(row: Staff) -> str:
    """Returns a member as one line of the staff list."""
    rank = f"on call #{row.on_call_rank}" if row.on_call_rank else "not on call"
    state = "" if row.active else " (removed)"
    name = f" {row.display_name}" if row.display_name else ""
    return f"{row.telegram_id} {row.role} {rank}{name}{state}"
