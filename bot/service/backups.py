"""Backups of the SQLite database for ``intake-bot backup`` and ``restore`` (the service's side).

PostgreSQL is backed up with its own tools (``pg_dump``); the command line says how.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Settings
from storage import backup
from storage.instance_lock import AlreadyRunning, single_instance
from storage.repository import make_engine

__all__ = ["AlreadyRunning", "BackupError", "Copied", "is_postgres", "restore_file", "save_to"]

BackupError = backup.BackupError
Copied = backup.Copied


def is_postgres(settings: Settings) -> bool:
    """Tells whether DATABASE_URL is a PostgreSQL server (backed up with pg_dump instead)."""
    return make_url(settings.database_url).get_backend_name() == "postgresql"


def save_to(settings: Settings, file: Path) -> backup.Copied:
    """Copies the live SQLite database to a new file with SQLite's online backup API."""
    return backup.backup(settings.database_url, file)


def restore_file(settings: Settings, file: Path, *, replace: bool) -> backup.Copied:
    """Replaces the SQLite database with a backup, unless a polling bot is using it."""
    engine = make_engine(settings.database_url)
    try:
        if settings.token is None:
            return backup.restore(file, settings.database_url, replace=replace)
        # A polling bot on this database holds this lock: never pull pages from under it.
        with single_instance(engine, f"polling:{settings.token.split(':')[0]}"):
            return backup.restore(file, settings.database_url, replace=replace)
    except AlreadyRunning:
        raise AlreadyRunning("the bot is running on this database; stop it first") from None
    finally:
        engine.dispose()
