"""The small repository the service talks to: one short transaction per step.

Every function takes the open ``Session`` of the step's transaction and keyword-only values, so
an answer, its history row and the report's new state are committed together or not at all.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, event
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, col, create_engine, select

from storage import audit as audit  # registers the audit table with the metadata
from storage import statements as sql
from storage.models import AnswerChange, MessageLink, Photo, ProcessedUpdate, Report

# A stored answer as plain values: (status, JSON-ready value).
StoredAnswer = tuple[str, Any]
# SQLite has one writer at a time. Threads of one process queue on this lock rather than in
# SQLite's busy handler, which polls with sleeps of up to 100 ms and, with many chats at once,
# starved some writers past the busy timeout ("database is locked").
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class AnswerWrite:
    """One answer to write, with the one it replaces (None when new)."""

    key: str
    old: StoredAnswer | None
    new: StoredAnswer


def make_engine(url: str, *, synchronous: str = "FULL") -> Engine:
    """Creates the database engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
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
        cursor.execute("PRAGMA busy_timeout=5000")
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two steps of one report never interleave
        # and a writer never fails half-way with "database is locked".
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    _WRITERS[engine] = threading.Lock()
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


def encode(value: Any) -> str | None:
    """Turns an answer value into the stored text."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def decode(text: str | None) -> Any:
    """Turns stored text back into the answer value."""
    return None if text is None else json.loads(text)


def latest_open_report(
    session: Session, *, worker: str, open_states: Iterable[str]
) -> Report | None:
    """Returns the worker's most recently touched report that is still open, locked for update."""
    params = {"worker": worker, "states": list(open_states)}
    found: Report | None = session.exec(sql.LATEST_OPEN, params=params).first()
    return found


def get_report(session: Session, *, report_id: int, lock: bool = False) -> Report | None:
    """Returns one report by id, optionally locked for update."""
    query = select(Report).where(Report.id == report_id)
    if lock:
        query = query.with_for_update()
    return session.exec(query).first()


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
    """Returns every stored answer of a report, by key."""
    rows = session.connection().execute(sql.LOAD_ANSWERS, {"report_id": report_id})
    return {key: (status, decode(value)) for key, status, value in rows}


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
    changes: list[dict[str, Any]] = []
    for write in writes:
        status, value = write.new
        stored = {"status": status, "value": encode(value), "updated_at": now}
        # The write knows whether an answer is stored already (it was loaded in this
        # transaction), so no SELECT per answer is needed to choose INSERT or UPDATE.
        if write.old is None:
            connection.execute(
                sql.INSERT_ANSWER, {"report_id": report_id, "key": write.key, **stored}
            )
        else:
            connection.execute(
                sql.UPDATE_ANSWER, {"b_report_id": report_id, "b_key": write.key, **stored}
            )
        old_status, old_value = write.old if write.old else (None, None)
        changes.append(
            {
                "report_id": report_id,
                "key": write.key,
                "old_status": old_status,
                "old_value": encode(old_value),
                "new_status": status,
                "new_value": encode(value),
                "actor": actor,
                "source": source,
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


def history(session: Session, *, report_id: int) -> list[AnswerChange]:
    """Returns every change of a report's answers, oldest first."""
    query = (
        select(AnswerChange)
        .where(AnswerChange.report_id == report_id)
        .order_by(col(AnswerChange.id))
    )
    return list(session.exec(query))


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
    photo = Photo(
        report_id=report_id,
        field_key=field_key,
        file_id=file_id,
        file_unique_id=file_unique_id,
        mime=mime,
        content=content,
        created_at=now,
    )
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
    """Records an update as applied in this transaction; False when it already was."""
    connection = session.connection()
    if connection.execute(sql.SEEN_UPDATE, {"update_id": update_id}).first() is not None:
        return False
    connection.execute(sql.INSERT_UPDATE, {"update_id": update_id, "processed_at": now})
    return True


def prune_updates(session: Session, *, before: datetime) -> None:
    """Forgets applied updates older than ``before`` (Telegram re-delivers for a day at most)."""
    session.exec(delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < before))


def link_message(
    session: Session, *, worker: str, message_id: int, report_id: int, key: str
) -> None:
    """Remembers that a chat message answered the question stored under ``key``."""
    connection = session.connection()
    link = {"worker": worker, "message_id": message_id}
    connection.execute(sql.DELETE_LINK, link)
    connection.execute(sql.INSERT_LINK, {**link, "report_id": report_id, "key": key})


def find_link(session: Session, *, worker: str, message_id: int) -> MessageLink | None:
    """Returns the question a worker's chat message answered, if it answered one."""
    return session.get(MessageLink, (worker, message_id))


def load_photos(session: Session, *, photo_ids: Iterable[int]) -> list[Photo]:
    """Returns the photos with the given ids, in the order given."""
    wanted = list(photo_ids)
    rows = {p.id: p for p in session.exec(select(Photo).where(col(Photo.id).in_(wanted)))}
    return [rows[i] for i in wanted if i in rows]
