"""Alembic environment: the tables are SQLModel.metadata; SQLite alters tables in batch mode.

The application passes its own open connection (``config.attributes["connection"]``), so the
migration runs with the same engine settings as the bot. The `alembic` command line instead
connects to ``sqlalchemy.url`` from its config, or else to ``DATABASE_URL``.
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from storage import repository  # also registers every table with SQLModel.metadata
from storage.models import UTCDateTime

DEFAULT_URL = "sqlite:///data/intake.db"


def render_item(kind: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Writes plain SQLAlchemy types into revisions, so they never import application code."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=SQLModel.metadata,
        render_item=render_item,
        compare_type=True,
        **options,
    )


def run_online(connection: Connection) -> None:
    """Runs the migrations on an open connection."""
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    return context.config.get_main_option("sqlalchemy.url") or os.environ.get(
        "DATABASE_URL", DEFAULT_URL
    )


def main() -> None:
    """Runs offline (SQL script), on the caller's connection, or on a new engine."""
    if context.config.config_file_name is not None:
        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    if context.is_offline_mode():
        url = _url()
        _configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_online(connection)
        return
    from storage.migrate import locked  # here: the module imports alembic's command API

    engine = repository.make_engine(_url())
    try:
        with engine.begin() as own:
            locked(own)
            run_online(own)
    finally:
        engine.dispose()


main()
