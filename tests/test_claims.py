"""Claiming due rows: two transactions at once never take the same row, and none is left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage import repository as repo
from storage.claims import claim
from storage.models import _when

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


class Job(SQLModel, table=True):
    """A tiny due-row table, like an outbox."""

    __tablename__ = "test_claim_job"

    id: int | None = Field(default=None, primary_key=True)
    due_at: datetime = _when()
    done_by: str | None = None


# Kept out of the application's tables, so neither create_tables nor the migrations see it.
SQLModel.metadata.remove(Job.__table__)  # type: ignore[attr-defined]


def jobs(engine: Engine) -> None:
    Job.__table__.create(engine)  # type: ignore[attr-defined]
    with repo.transaction(engine) as session:
        for minutes in (*range(-10, 0), 5, 6):  # ten due, two not yet
            session.add(Job(due_at=NOW + timedelta(minutes=minutes)))


def due() -> SelectOfScalar[Job]:
    return (
        select(Job)
        .where(col(Job.done_by).is_(None), col(Job.due_at) <= NOW)
        .order_by(col(Job.due_at))
    )


def test_due_rows_are_claimed_oldest_first_and_only_once(db_url: str) -> None:
    engine = repo.make_engine(db_url)
    jobs(engine)
    taken: list[int] = []
    for worker in ("a", "b", "c"):
        with repo.transaction(engine) as session:
            for row in claim(session, due(), limit=4):
                row.done_by = worker
                taken.append(row.id or 0)
                session.add(row)
    engine.dispose()
    assert taken == list(range(1, 11))  # ten due rows, each once, oldest first


def test_two_open_transactions_skip_each_others_rows(postgres_url: str) -> None:
    first_engine, second_engine = repo.make_engine(postgres_url), repo.make_engine(postgres_url)
    jobs(first_engine)
    with repo.transaction(first_engine) as first:
        mine = claim(first, due(), limit=4)
        with repo.transaction(second_engine) as second:
            # The first transaction still holds its four rows: the second takes the rest.
            theirs = claim(second, due(), limit=10)
            for row in theirs:
                row.done_by = "second"
                second.add(row)
        for row in mine:
            row.done_by = "first"
            first.add(row)
    with repo.transaction(first_engine) as session:
        done = {row.id: row.done_by for row in session.exec(select(Job))}
    first_engine.dispose()
    second_engine.dispose()
    assert [r.id for r in mine] == [1, 2, 3, 4] and [r.id for r in theirs] == list(range(5, 11))
    expected = {**dict.fromkeys(range(1, 5), "first"), **dict.fromkeys(range(5, 11), "second")}
    assert done == {**expected, 11: None, 12: None}  # the two not yet due stay unclaimed
