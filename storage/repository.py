"""The small repository the service talks to: one short transaction per step.

Every function takes the open ``Session`` of the step's transaction and keyword-only values, so
an answer, its history row and the report's new state are committed together or not at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, event, text
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, col, create_engine, select

from storage import audit as audit  # registers the audit table with the metadata
from storage import children as children  # registers the child and recovery-link tables
from storage import crypto
from storage import denials as denials  # registers the refusal-count table
from storage import outbox as outbox  # registers the outbox and acknowledgement tables
from storage import reminders as reminders  # registers the reminder table
from storage import staff as staff  # registers the staff table
from storage import statements as sql
from storage.models import AnswerChange, MessageLink, Photo, ProcessedUpdate, Report

log = logging.getLogger(__name__)

# A stored answer as plain values: (status, JSON-ready value).
StoredAnswer = tuple[str, Any]
# SQLite has one writer at a time. Threads of one process queue on this lock rather than in
# SQLite's busy handler, which polls with sleeps of up to 100 ms and, with many chats at once,
# starved some writers past the busy timeout ("database is locked").
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
# The execution option that marks a connection as read-only (see ``reading``).
READ_ONLY = "intake_read_only"


@dataclass(frozen=True, slots=True)
class AnswerWrite:
    """One answer to write, with the one it replaces (None when new)."""

    key: str
    old: StoredAnswer | None
    new: StoredAnswer
    source: str = ""  # overrides the step's source (e.g. "prefill")


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


def encode(value: Any) -> str | None:
    """Turns an answer value into JSON text (sealed by ``seal_value`` before it is stored)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def decode(text: str | None) -> Any:
    """Turns JSON text (opened by ``open_value`` after it is read) back into the answer value."""
    return None if text is None else json.loads(text)


def value_context(table: str, column: str, report_id: int, key: str) -> str:
    """Returns what an answer value is bound to: its table, column, report and question."""
    return f"{table}|{column}|{report_id}|{key}"


def photo_context(photo_id: int) -> str:
    """Returns what a photo's bytes are bound to: the photo row."""
    return f"photo|content|{photo_id}"


def seal_value(session: Session, value: Any, *, context: str) -> str | None:
    """Encodes and encrypts an answer value for storage (None stays None: nothing to hide)."""
    text = encode(value)
    return None if text is None else _keyring(session).seal_text(text, context=context)


def open_value(session: Session, stored: str | None, *, context: str, legacy: bool = False) -> Any:
    """Decrypts and decodes a stored answer value; raises crypto.DecryptError if tampered.

    Plain text is refused like a tampered value (anyone who can write to the database could
    plant it), except for ``keys rotate`` (``legacy``), which seals values stored before
    encryption was enabled.
    """
    if stored is None:
        return None
    if not stored.startswith(crypto.TEXT_PREFIX):
        if not legacy:
            raise crypto.DecryptError("not sealed")
        return decode(stored)
    return decode(_keyring(session).open_text(stored, context=context))


def _keyring(session: Session) -> crypto.Keyring:
    bind = session.get_bind()
    return crypto.keyring_for(bind if isinstance(bind, Engine) else bind.engine)


def decrypt_failed(session: Session, *, report_id: int, what: str) -> None:
    """Audits a value that did not open (it is then hidden) and carries on (F16)."""
    log.warning("crypto.decrypt_failed report=%s what=%s", report_id, what)
    audit.record(
        session,
        event="crypto.decrypt_failed",
        at=datetime.now(UTC),
        component="storage",
        object_id=report_id,
        outcome="failed",
        reason=what,
    )


def latest_open_report(
    session: Session, *, worker: str, open_states: Iterable[str]
) -> Report | None:
    """Returns the worker's most recently touched report that is still open, locked for update."""
    params = {"worker": worker, "states": list(open_states)}
    found: Report | None = session.exec(sql.LATEST_OPEN, params=params).first()
    return found


def get_report(session: Session, *, report_id: int, lock: bool = False) -> Report | None:
    """Returns one report by id, optionally locked for update."""
    query = sql.REPORT_BY_ID_LOCKED if lock else sql.REPORT_BY_ID
    found: Report | None = session.exec(query, params={"report_id": report_id}).first()
    return found


def add_report(
    session: Session, *, worker: str, flow_id: str, flow_version: str, state: str, now: datetime
) -> Report:
    """Creates a report row and returns it with its id."""
    report = Report(
        worker=worker,
        flow_id=flow_id,
        flow_version=flow_version,
        state=state,
        created_at=now,
        updated_at=now,
    )
    session.add(report)
    session.flush()
    return report


def load_answers(session: Session, *, report_id: int) -> dict[str, StoredAnswer]:
    """Returns every stored answer of a report, by key; one that does not decrypt is left out."""
    answers: dict[str, StoredAnswer] = {}
    rows = session.connection().execute(sql.LOAD_ANSWERS, {"report_id": report_id})
    for key, status, stored in rows:
        context = value_context("answer", "value", report_id, key)
        try:
            answers[key] = (status, open_value(session, stored, context=context))
        except crypto.DecryptError:
            decrypt_failed(session, report_id=report_id, what=f"answer:{key}")
    return answers


def save_step(
    session: Session,
    *,
    report: Report,
    writes: Iterable[AnswerWrite],
    fields: Mapping[str, Any],
    actor: str,
    source: str,
    now: datetime,
) -> None:
    """Writes the step's answers with their history and the report's new state."""
    report_id = report.id or 0
    connection = session.connection()
    upsert = sql.upsert_answer(connection.dialect.name)
    changes: list[dict[str, Any]] = []
    for write in writes:
        status, value = write.new
        context = value_context("answer", "value", report_id, write.key)
        sealed = seal_value(session, value, context=context)
        # One statement whether or not the answer is stored already: no SELECT per answer.
        connection.execute(
            upsert,
            {
                "report_id": report_id,
                "key": write.key,
                "status": status,
                "value": sealed,
                "updated_at": now,
            },
        )
        old_status, old_value = write.old if write.old else (None, None)
        old_context = value_context("answer_change", "old_value", report_id, write.key)
        new_context = value_context("answer_change", "new_value", report_id, write.key)
        changes.append(
            {
                "report_id": report_id,
                "key": write.key,
                "old_status": old_status,
                "old_value": seal_value(session, old_value, context=old_context),
                "new_status": status,
                "new_value": seal_value(session, value, context=new_context),
                "actor": actor,
                "source": write.source or source,
                "changed_at": now,
            }
        )
    if changes:
        connection.execute(sql.INSERT_CHANGES, changes)
    # Core too, then the loaded row is told its new values without being marked changed,
    # so the commit has no ORM flush to work out.
    values = {**fields, "version": report.version + 1, "updated_at": now}
    connection.execute(sql.update_report(tuple(values)), {"b_id": report_id, **values})
    for name, value in values.items():
        set_committed_value(report, name, value)


def history(
    session: Session, *, report_id: int, first: int | None = None, last: int | None = None
) -> list[AnswerChange]:
    """Returns a report's answer changes (all, or ids first..last), oldest first, as JSON text.

    The rows returned are detached copies holding decrypted text; a value that does not decrypt
    is shown as None (and audited).
    """
    query = select(AnswerChange).where(AnswerChange.report_id == report_id)
    if first is not None:
        query = query.where(col(AnswerChange.id) >= first)
    if last is not None:
        query = query.where(col(AnswerChange.id) <= last)
    query = query.order_by(col(AnswerChange.id))
    copies: list[AnswerChange] = []
    for row in session.exec(query).all():
        copy = AnswerChange.model_validate(row.model_dump())
        for column in ("old_value", "new_value"):
            context = value_context("answer_change", column, report_id, row.key)
            try:
                value = open_value(session, getattr(row, column), context=context)
            except crypto.DecryptError:
                decrypt_failed(session, report_id=report_id, what=f"{column}:{row.key}")
                value = None
            setattr(copy, column, encode(value))
        copies.append(copy)
    return copies


def add_photo(
    session: Session,
    *,
    report_id: int,
    field_key: str,
    content: bytes,
    mime: str,
    now: datetime,
    file_id: str | None = None,
    file_unique_id: str | None = None,
) -> Photo:
    """Stores a photo's bytes and returns the row with its id (an existing duplicate if any)."""
    if file_unique_id is not None:
        existing = session.exec(
            select(Photo).where(
                Photo.report_id == report_id, Photo.file_unique_id == file_unique_id
            )
        ).first()
        if existing is not None:
            return existing
    # The row's id is part of what the bytes are bound to, so insert an empty row first; the
    # sealed bytes replace it in the same transaction, and plain bytes never reach the database.
    photo = Photo(
        report_id=report_id,
        field_key=field_key,
        file_id=file_id,
        file_unique_id=file_unique_id,
        mime=mime,
        content=b"",
        created_at=now,
    )
    session.add(photo)
    session.flush()
    photo.content = _keyring(session).seal(content, context=photo_context(photo.id or 0))
    session.add(photo)
    session.flush()
    return photo


def list_reports(session: Session, *, worker: str | None = None) -> list[Report]:
    """Returns reports, newest first, optionally only one worker's."""
    query = select(Report).order_by(col(Report.id).desc())
    if worker is not None:
        query = query.where(Report.worker == worker)
    return list(session.exec(query))


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


def load_photos(session: Session, *, photo_ids: Iterable[int]) -> list[Photo]:
    """Returns the photos with the given ids, in the order given, as detached decrypted copies.

    A photo whose bytes do not decrypt is left out (and audited).
    """
    wanted = list(photo_ids)
    rows = {p.id: p for p in session.exec(select(Photo).where(col(Photo.id).in_(wanted))).all()}
    photos: list[Photo] = []
    for photo_id in wanted:
        row = rows.get(photo_id)
        if row is None:
            continue
        try:
            content = open_photo(session, row)
        except crypto.DecryptError:
            decrypt_failed(session, report_id=row.report_id, what=f"photo:{photo_id}")
            continue
        photos.append(Photo.model_validate({**row.model_dump(), "content": content}))
    return photos


def open_photo(session: Session, row: Photo, *, legacy: bool = False) -> bytes:
    """Returns a photo row's plain bytes; unsealed bytes only for ``keys rotate`` (``legacy``)."""
    if row.content[:1] != crypto.VERSION:
        if not legacy:
            raise crypto.DecryptError("not sealed")
        return row.content
    return _keyring(session).open(row.content, context=photo_context(row.id or 0))
