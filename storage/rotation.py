"""Key rotation: re-seal every stored answer, history value and photo with the newest key.

Runs in batches, each its own short transaction, so the bot keeps answering meanwhile (a step
waits at most one batch for the write lock). A row already under the newest key is left alone,
so the job is idempotent, and killed half-way it simply finishes on the next run. Values stored
before encryption was enabled are sealed too (the only place plain text is accepted).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, tuple_
from sqlmodel import Session, col, select

from storage import audit, crypto
from storage import repository as repo
from storage.casework import SearchEffort
from storage.models import Answer, AnswerChange, Photo

PHOTO_BATCH = 20  # photos are large; keep their batches small
PAUSE = 0.05  # seconds between batches, so the bot's steps get the write lock in between


@dataclass(slots=True)
class Rotation:
    """What a rotation run did: rows re-sealed, rows that did not open, batches committed."""

    rotated: int = 0
    failed: int = 0
    batches: int = 0


def rotate(
    engine: Engine,
    *,
    clock: Callable[[], datetime],
    batch_size: int = 200,
    after_batch: Callable[[Rotation], None] | None = None,
    actor: str = "cli",
    pause: float = PAUSE,
) -> Rotation:
    """Re-seals every row not yet under the newest key; audits the run."""
    keyring = crypto.keyring_for(engine)
    result = Rotation()
    for step in (_answers, _changes, _efforts, _photos):
        cursor: tuple[object, ...] | None = None
        while True:
            with repo.transaction(engine) as session:
                cursor = step(session, keyring, cursor, batch_size, result)
            if cursor is None:
                break
            result.batches += 1
            if after_batch is not None:
                after_batch(result)
            # SQLite's busy handler polls; without a gap the next batch would win the write lock
            # again and again while a worker's step waits.
            time.sleep(pause)
    with repo.transaction(engine) as session:
        audit.record(
            session,
            event="keys.rotated",
            at=clock(),
            actor=actor,
            component="storage",
            outcome="ok" if result.failed == 0 else "partial",
            reason=f"key={keyring.newest} rotated={result.rotated} failed={result.failed}",
        )
    return result


def _reseal_text(
    session: Session, keyring: crypto.Keyring, stored: str | None, context: str
) -> str | None:
    """Returns the value sealed with the newest key, or None when it needs no change."""
    if stored is None:
        return None
    if crypto.key_id(crypto.text_blob(stored)) == keyring.newest:
        return None
    return repo.seal_value(
        session, repo.open_value(session, stored, context=context, legacy=True), context=context
    )


def _reseal_column(
    session: Session,
    keyring: crypto.Keyring,
    row: Answer | AnswerChange | SearchEffort,
    column: str,
    *,
    context: str,
    what: str,
    result: Rotation,
) -> bool:
    """Re-seals one sealed text column of a row; True when it changed (a failure is audited)."""
    try:
        sealed = _reseal_text(session, keyring, getattr(row, column), context)
    except crypto.DecryptError:
        result.failed += 1
        repo.decrypt_failed(session, report_id=row.report_id, what=what)
        return False
    if sealed is None:
        return False
    setattr(row, column, sealed)
    return True


def _answers(
    session: Session,
    keyring: crypto.Keyring,
    cursor: tuple[object, ...] | None,
    size: int,
    result: Rotation,
) -> tuple[object, ...] | None:
    query = select(Answer).order_by(col(Answer.report_id), col(Answer.key)).limit(size)
    if cursor is not None:
        query = query.where(tuple_(col(Answer.report_id), col(Answer.key)) > tuple_(*cursor))
    rows = session.exec(query.with_for_update()).all()
    for row in rows:
        context = repo.value_context("answer", "value", row.report_id, row.key)
        what = f"answer:{row.key}"
        if _reseal_column(
            session, keyring, row, "value", context=context, what=what, result=result
        ):
            session.add(row)
            result.rotated += 1
    return (rows[-1].report_id, rows[-1].key) if rows else None


def _changes(
    session: Session,
    keyring: crypto.Keyring,
    cursor: tuple[object, ...] | None,
    size: int,
    result: Rotation,
) -> tuple[object, ...] | None:
    query = select(AnswerChange).order_by(col(AnswerChange.id)).limit(size)
    if cursor is not None:
        query = query.where(col(AnswerChange.id) > cursor[0])
    rows = session.exec(query.with_for_update()).all()
    for row in rows:
        changed = False
        for column in ("old_value", "new_value"):
            context = repo.value_context("answer_change", column, row.report_id, row.key)
            what = f"{column}:{row.key}"
            resealed = _reseal_column(
                session, keyring, row, column, context=context, what=what, result=result
            )
            changed = changed or resealed
        if changed:
            session.add(row)
            result.rotated += 1
    return (rows[-1].id,) if rows else None


def _efforts(
    session: Session,
    keyring: crypto.Keyring,
    cursor: tuple[object, ...] | None,
    size: int,
    result: Rotation,
) -> tuple[object, ...] | None:
    """Re-seals search-effort outcomes: free text a worker typed, sealed like an answer."""
    query = select(SearchEffort).order_by(col(SearchEffort.id)).limit(size)
    if cursor is not None:
        query = query.where(col(SearchEffort.id) > cursor[0])
    rows = session.exec(query.with_for_update()).all()
    for row in rows:
        context = repo.value_context("search_effort", "outcome", row.report_id, str(row.id))
        what = f"effort:{row.id}"
        if _reseal_column(
            session, keyring, row, "outcome", context=context, what=what, result=result
        ):
            session.add(row)
            result.rotated += 1
    return (rows[-1].id,) if rows else None


def _photos(
    session: Session,
    keyring: crypto.Keyring,
    cursor: tuple[object, ...] | None,
    size: int,
    result: Rotation,
) -> tuple[object, ...] | None:
    query = select(Photo).order_by(col(Photo.id)).limit(min(size, PHOTO_BATCH))
    if cursor is not None:
        query = query.where(col(Photo.id) > cursor[0])
    rows = session.exec(query.with_for_update()).all()
    for row in rows:
        if crypto.key_id(row.content) == keyring.newest:
            continue
        try:
            plain = repo.open_photo(session, row, legacy=True)
        except crypto.DecryptError:
            result.failed += 1
            repo.decrypt_failed(session, report_id=row.report_id, what=f"photo:{row.id}")
            continue
        row.content = keyring.seal(plain, context=repo.photo_context(row.id or 0))
        session.add(row)
        result.rotated += 1
    return (rows[-1].id,) if rows else None


def pending(engine: Engine) -> int:
    """Counts stored values not yet sealed with the newest key (0 after a finished rotation)."""
    keyring = crypto.keyring_for(engine)
    count = 0
    with Session(engine) as session:
        for value in session.exec(select(Answer.value)).all():
            count += value is not None and crypto.key_id(crypto.text_blob(value)) != keyring.newest
        for old, new in session.exec(select(AnswerChange.old_value, AnswerChange.new_value)).all():
            for value in (old, new):
                count += (
                    value is not None and crypto.key_id(crypto.text_blob(value)) != keyring.newest
                )
        for outcome in session.exec(select(SearchEffort.outcome)).all():
            count += outcome is not None and _behind(outcome, keyring)
        for content in session.exec(select(Photo.content)).all():
            count += crypto.key_id(content) != keyring.newest
    return count


def _behind(stored: str, keyring: crypto.Keyring) -> bool:
    return crypto.key_id(crypto.text_blob(stored)) != keyring.newest
