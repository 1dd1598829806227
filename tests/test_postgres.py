"""What PostgreSQL adds: its column types, big Telegram ids, and the locks that order steps."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from storage import repository as repo

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
BIG = 2**40  # beyond 32 bits, as Telegram ids may be


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Engine]:
    engine = repo.make_engine(postgres_url)
    repo.create_tables(engine)
    yield engine
    engine.dispose()


def column_type(engine: Engine, table: str, column: str) -> str:
    with engine.connect() as connection:
        return str(
            connection.execute(
                text(
                    "SELECT data_type FROM information_schema.columns WHERE table_name = :t"
                    " AND column_name = :c AND table_schema = current_schema()"
                ),
                {"t": table, "c": column},
            ).scalar_one()
        )


def test_columns_have_the_postgresql_types_they_need(pg: Engine) -> None:
    assert column_type(pg, "processed_update", "update_id") == "bigint"
    assert column_type(pg, "message_link", "message_id") == "bigint"
    assert column_type(pg, "photo", "content") == "bytea"
    assert column_type(pg, "answer", "value") == "text"
    assert column_type(pg, "report", "created_at") == "timestamp with time zone"


def test_big_telegram_ids_round_trip(engine: Engine) -> None:
    with repo.transaction(engine) as session:
        report = repo.add_report(
            session, worker="tg:1", flow_id="f", flow_version="1", state="intake", now=NOW
        )
        assert repo.claim_update(session, update_id=BIG, now=NOW)
        repo.link_message(session, worker="tg:1", message_id=BIG, report_id=report.id or 0, key="k")
    with repo.transaction(engine) as session:
        assert not repo.claim_update(session, update_id=BIG, now=NOW)
        link = repo.find_link(session, worker="tg:1", message_id=BIG)
        assert link is not None and link.key == "k"


def _blocked(engine: Engine, statement: str, **params: object) -> bool:
    """Returns True when ``statement`` has to wait for a lock another transaction holds."""
    with engine.connect() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '300ms'"))
        try:
            connection.execute(text(statement), params)
        except OperationalError as error:
            assert "lock timeout" in str(error)
            return True
        return False


def test_a_step_holds_its_report_row_until_it_commits(pg: Engine) -> None:
    with repo.transaction(pg) as session:
        report_id = repo.add_report(
            session, worker="tg:1", flow_id="f", flow_version="1", state="intake", now=NOW
        ).id
    with repo.transaction(pg) as session:
        assert repo.get_report(session, report_id=report_id or 0, lock=True) is not None
        assert _blocked(pg, "SELECT id FROM report WHERE id = :r FOR UPDATE", r=report_id)
    assert not _blocked(pg, "SELECT id FROM report WHERE id = :r FOR UPDATE", r=report_id)


def test_one_workers_steps_wait_for_each_other_and_others_do_not(pg: Engine) -> None:
    held = repo.advisory_key("worker", "tg:1")
    other = repo.advisory_key("worker", "tg:2")
    with repo.transaction(pg) as session:
        repo.lock_worker(session, worker="tg:1")
        assert _blocked(pg, "SELECT pg_advisory_xact_lock(:k)", k=held)
        assert not _blocked(pg, "SELECT pg_advisory_xact_lock(:k)", k=other)
    assert not _blocked(pg, "SELECT pg_advisory_xact_lock(:k)", k=held)  # freed at commit
