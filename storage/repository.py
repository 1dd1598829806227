"""The small repository the service talks to: one short transaction per step.

Every function takes the open ``Session`` of the step's transaction and keyword-only values, so
an answer, its history row and the report's new state are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage import crypto
from storage import statements as sql
from storage.database import READ_ONLY, create_tables, make_engine, reading, transaction
from storage.models import AnswerChange, Report
from storage.photos import add_photo, load_photos, open_photo
from storage.sealing import (
    DECRYPT_FAILED,
    decode,
    decrypt_failed,
    encode,
    open_value,
    photo_context,
    seal_value,
    value_context,
)
from storage.step_claim import claim_step
from storage.updates import (
    advisory_key,
    claim_update,
    find_link,
    link_message,
    lock_names,
    lock_worker,
    prune_updates,
)

# The one entry point callers use (``repo.<name>``): this module's own functions, and those of
# the modules each job lives in.
__all__ = [
    "DECRYPT_FAILED",
    "READ_ONLY",
    "AnswerWrite",
    "StoredAnswer",
    "add_photo",
    "add_report",
    "advisory_key",
    "claim_step",
    "claim_update",
    "create_tables",
    "decode",
    "decrypt_failed",
    "encode",
    "find_link",
    "get_report",
    "history",
    "latest_open_report",
    "link_message",
    "list_reports",
    "load_answers",
    "load_photos",
    "lock_names",
    "lock_worker",
    "make_engine",
    "open_photo",
    "open_value",
    "photo_context",
    "prune_updates",
    "reading",
    "save_step",
    "seal_value",
    "transaction",
    "value_context",
]

# A stored answer as plain values: (status, JSON-ready value).
StoredAnswer = tuple[str, Any]


@dataclass(frozen=True, slots=True)
class AnswerWrite:
    """One answer to write, with the one it replaces (None when new)."""

    key: str
    old: StoredAnswer | None
    new: StoredAnswer
    source: str = ""  # overrides the step's source (e.g. "prefill")


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


def list_reports(session: Session, *, worker: str | None = None) -> list[Report]:
    """Returns reports, newest first, optionally only one worker's."""
    query = select(Report).order_by(col(Report.id).desc())
    if worker is not None:
        query = query.where(Report.worker == worker)
    return list(session.exec(query))
