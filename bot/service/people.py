"""Who a worker string names, and what their role lets them do with a report."""

from __future__ import annotations

from sqlmodel import Session

from storage import staff as staff_table
from storage.staff import Role

CONSOLE, TELEGRAM = "console", "telegram"


def telegram_worker(telegram_id: int) -> str:
    """Returns how the service names a Telegram user as a worker."""
    return f"{TELEGRAM}:{telegram_id}"


def worker_for(target: str) -> str:
    """Returns the worker a command's target names: a staff id, or a terminal worker's login."""
    target = target.strip().lstrip("#")
    if target.isdigit():
        return telegram_worker(int(target))
    return target if target.startswith(f"{CONSOLE}:") else f"{CONSOLE}:{target}"


def name_of(session: Session, worker: str) -> str:
    """Returns how others see a worker: a staff member's name, or a terminal worker's login."""
    kind, _, ident = worker.partition(":")
    if kind == TELEGRAM and ident.isdigit():
        member = staff_table.get(session, int(ident))
        return member.name if member is not None else f"#{ident}"
    return ident or worker


def supervises(session: Session, actor: str) -> bool:
    """Tells whether an actor may see and act on every report.

    The terminal is run by whoever holds the database (as ``staff`` and ``purge`` are), so a
    console actor may; a Telegram user may when they are an active supervisor or admin.
    """
    kind, _, ident = actor.partition(":")
    if kind == CONSOLE:
        return True
    member = staff_table.active(session, int(ident)) if ident.isdigit() else None
    return member is not None and member.has(Role.SUPERVISOR)


def is_member(session: Session, worker: str) -> bool:
    """Tells whether a worker may hold a report: an active staff member, or a terminal worker."""
    kind, _, ident = worker.partition(":")
    if kind == CONSOLE:
        return bool(ident)
    return ident.isdigit() and staff_table.active(session, int(ident)) is not None
