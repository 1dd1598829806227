"""The databases every storage, service and Telegram test runs on: SQLite and PostgreSQL.

Each PostgreSQL test gets a fresh, uniquely named schema on the machine's server (the URL's
``search_path`` points there) and the schema is dropped afterwards. Without a reachable server
the PostgreSQL half is skipped, except under CI, where it fails loudly.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from storage import repository as repo

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


@cache
def _admin() -> Engine:
    return create_engine(POSTGRES_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})


@cache
def postgres_problem() -> str | None:
    """Returns why PostgreSQL cannot be used, or None when it can."""
    try:
        with _admin().connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {error.orig}"
    return None


def require_postgres() -> None:
    """Skips the test without PostgreSQL, or fails it under CI, where it must run."""
    problem = postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{problem} (CI is set, so PostgreSQL tests must run)", pytrace=False)
    pytest.skip(problem)


def schema_url(schema: str) -> str:
    """Returns the test server's URL with ``schema`` first on the search path."""
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def new_schema() -> str:
    """Creates an empty uniquely named schema and returns its name."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with _admin().begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    return schema


def drop_schema(schema: str) -> None:
    """Drops a test schema and everything in it."""
    with _admin().begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Returns the URL of a fresh, empty PostgreSQL schema (PostgreSQL only)."""
    require_postgres()
    schema = new_schema()
    yield schema_url(schema)
    drop_schema(schema)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Returns the URL of an empty database: an SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'intake.db'}"
        return
    require_postgres()
    schema = new_schema()
    yield schema_url(schema)
    drop_schema(schema)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """Returns an engine on an empty database with every table created."""
    engine = repo.make_engine(db_url)
    repo.create_tables(engine)
    yield engine
    engine.dispose()
