"""One polling instance per bot: a PostgreSQL advisory lock, or a file lock next to SQLite.

Telegram answers a second concurrent ``getUpdates`` with 409 Conflict and the two pollers steal
updates from each other, so a second instance must stop before it polls. Webhook mode needs no
lock: any number of processes may share the database behind a load balancer.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import Engine, text

from storage.repository import advisory_key


class AlreadyRunning(RuntimeError):
    """Another instance holds the lock."""


@contextmanager
def single_instance(engine: Engine, name: str) -> Iterator[None]:
    """Holds the lock called ``name`` while the block runs; raises AlreadyRunning if taken."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine, advisory_key("instance", name)):
            yield
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield  # a private in-memory database cannot be shared with another process
        return
    with _file_lock(Path(f"{database}.{name.replace(':', '-')}.lock")):
        yield


@contextmanager
def _advisory(engine: Engine, key: int) -> Iterator[None]:
    # A session-level lock lives as long as this connection, so a crashed process frees it.
    connection = engine.connect()
    try:
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        held = bool(taken.scalar_one())
        connection.commit()  # not "idle in transaction" while the bot runs
        if not held:
            raise AlreadyRunning(name_of(key))
        try:
            yield
        finally:
            with suppress(Exception):
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
    finally:
        connection.close()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            # flock is released by the kernel when the process dies, however it dies.
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(str(path)) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def name_of(key: int) -> str:
    """Names an advisory lock for messages (the key, as pg_locks shows it)."""
    return f"advisory lock {key}"
