"""The statements every intake step runs, built once.

Building a SQLAlchemy statement (operators, ``in_``, ``order_by``, ``values``) and its cache key
cost more CPU per step than the engine and SQLite together, so the hot path executes these
prebuilt statements with fresh parameters, as plain Core on the step's connection where no ORM
object is needed.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, Update, bindparam, insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import SQLModel, col, select

from storage.models import Report

REPORTS: Table = SQLModel.metadata.tables["report"]
ANSWERS: Table = SQLModel.metadata.tables["answer"]
CHANGES: Table = SQLModel.metadata.tables["answer_change"]
UPDATES: Table = SQLModel.metadata.tables["processed_update"]
LINKS: Table = SQLModel.metadata.tables["message_link"]

LOAD_ANSWERS = select(ANSWERS.c.key, ANSWERS.c.status, ANSWERS.c.value).where(
    ANSWERS.c.report_id == bindparam("report_id")
)
INSERT_ANSWER = insert(ANSWERS)
# Parameter names differ from the column names: UPDATE ... SET reserves those for its values.
UPDATE_ANSWER = (
    update(ANSWERS)
    .where(ANSWERS.c.report_id == bindparam("b_report_id"), ANSWERS.c.key == bindparam("b_key"))
    .values(
        status=bindparam("status"), value=bindparam("value"), updated_at=bindparam("updated_at")
    )
)
INSERT_CHANGES = insert(CHANGES)
SEEN_UPDATE = select(UPDATES.c.update_id).where(UPDATES.c.update_id == bindparam("update_id"))
INSERT_UPDATE = insert(UPDATES)
LATEST_OPEN: Any = (
    select(Report)
    .where(
        col(Report.worker) == bindparam("worker"),
        col(Report.state).in_(bindparam("states", expanding=True)),
    )
    .order_by(col(Report.updated_at).desc(), col(Report.id).desc())
    .limit(1)
    .with_for_update()
)


REPORT_BY_ID: Any = select(Report).where(col(Report.id) == bindparam("report_id"))
REPORT_BY_ID_LOCKED: Any = REPORT_BY_ID.with_for_update()


def insert_for(dialect: str) -> Any:
    """Returns the INSERT construct with ON CONFLICT for a dialect (PostgreSQL's or SQLite's)."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


@cache
def upsert(dialect: str, table: Table, keys: tuple[str, ...]) -> Any:
    """Returns INSERT .. ON CONFLICT (keys) DO UPDATE, setting every other column anew."""
    statement = insert_for(dialect)(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={c.name: statement.excluded[c.name] for c in table.c if c.name not in keys},
    )


def upsert_answer(dialect: str) -> Any:
    """Returns the upsert of an answer by (report_id, key)."""
    return upsert(dialect, ANSWERS, ("report_id", "key"))


def upsert_link(dialect: str) -> Any:
    """Returns the upsert of a message link by (worker, message_id)."""
    return upsert(dialect, LINKS, ("worker", "message_id"))


@cache
def claim_update(dialect: str) -> Any:
    """Returns INSERT .. ON CONFLICT (update_id) DO NOTHING RETURNING update_id."""
    statement = insert_for(dialect)(UPDATES).on_conflict_do_nothing(
        index_elements=[UPDATES.c.update_id]
    )
    return statement.returning(UPDATES.c.update_id)


@cache
def update_report(names: tuple[str, ...]) -> Update:
    """Returns the UPDATE of a report's named columns, by id (one per set of names)."""
    values: dict[str, Any] = {name: bindparam(name) for name in names}
    return update(REPORTS).where(REPORTS.c.id == bindparam("b_id")).values(values)
