"""The database engine and its transactions: one short write transaction per step, or a read.

Importing this module registers every table with the metadata, so ``create_tables`` creates them
all whichever module the caller came through.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine

from storage import audit as audit  # registers the audit table with the metadata
from storage import casework as casework  # registers the handover and search-effort tables
from storage import children as children  # registers the child and recovery-link tables
from storage import crypto
from storage import denials as denials  # registers the refusal-count table
from storage import models as models  # registers the report, answer, photo and update tables
from storage import outbox as outbox  # registers the outbox and acknowledgement tables
from storage import reminders as reminders  # registers the reminder table
from storage import staff as staff  # registers the staff table

# SQLite has one writer at a time. Threads of one process queue on this lock rather than in
# SQLite's busy handler, which polls with sleeps of up to 100 ms and, with many chats at once,
# starved some writers past the busy timeout ("database is locked").
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
# The execution option that marks a connection as read-only (see ``reading``).
READ_ONLY = "intake_read_only"


def make_engine(
    url: str, *, synchronous: str = "FULL", keyring: crypto.Keyring | None = None
) -> Engine:
    """Creates the database engine; SQLite gets WAL, foreign keys and a busy timeout.

    ``keyring`` seals every answer and photo stored through the engine (without one, a throwaway
    random key: nothing is ever stored in plain text, but nothing survives the process either).
    """
    if not url.startswith("sqlite"):
        # Steps are short; a few connections per process serve every chat. Recycle before
        # server or proxy idle timeouts, ping after a failover, and fail fast when exhausted.
        engine = create_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_timeout=10,
            pool_recycle=1800,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 10, "application_name": "intake-bot"},
        )
        crypto.attach(engine, keyring or crypto.Keyring.generate("ephemeral"))
        return engine
    memory = url in ("sqlite://", "sqlite:///:memory:")
    if not memory:
        database = url.split("///", 1)[1]
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False},
        poolclass=StaticPool if memory else None,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it), and set the
        # pragmas SQLite forgets on every new connection.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted rows (purged reports) are overwritten, not left in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two steps of one report never interleave
        # and a writer never fails half-way with "database is locked". A read (``reading``)
        # begins deferred: under WAL it sees the last commit and never waits for a writer.
        reader = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")

    crypto.attach(engine, keyring or crypto.Keyring.generate("ephemeral"))
    _WRITERS[engine] = threading.RLock()
    return engine


def create_tables(engine: Engine) -> None:
    """Creates any missing table."""
    SQLModel.metadata.create_all(engine)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """Opens one session and transaction; commits on success, rolls back on any error."""
    writer: AbstractContextManager[object] = _WRITERS.get(engine) or nullcontext()
    with writer, Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """Opens a session for reads only: it takes no write lock and waits for no writer."""
    options: dict[str, Any] = {READ_ONLY: True}
    if engine.dialect.name == "postgresql":
        # A look-up of one row needs no transaction: no BEGIN and ROLLBACK round trips.
        options["isolation_level"] = "AUTOCOMMIT"
    with engine.connect() as connection:
        connection.execution_options(**options)
        with Session(bind=connection) as session:
            yield session
