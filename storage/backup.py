"""Backs an SQLite database up and restores it with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while the bot keeps writing (a plain
file copy of a database in WAL mode can miss the log or catch a half-written page). Values stay
sealed as they are stored: a backup holds no key, so it is only readable with ENCRYPTION_KEYS.
PostgreSQL has ``pg_dump`` for this (see the README).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

PAGES_PER_STEP = 256  # ~1 MB at a time, so a writer waits at most one step for the lock
REQUIRED_TABLES = frozenset({"report", "answer", "audit_event"})


class BackupError(RuntimeError):
    """The backup or restore cannot go ahead; the message says why, for the operator."""


@dataclass(frozen=True, slots=True)
class Copied:
    """What a backup or restore copied."""

    path: Path
    pages: int
    reports: int


def sqlite_path(database_url: str) -> Path:
    """Returns the SQLite file of a database URL; BackupError for PostgreSQL or memory."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"{url.get_backend_name()} databases are backed up with their own tools")
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(url.database)


def backup(database_url: str, target: Path) -> Copied:
    """Copies the live database to ``target`` (a new file, readable by its owner only)."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    # Created 0600 before any page is written: the copy is as private as the database.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.backup(copy, pages=PAGES_PER_STEP)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            pages, reports = _check(copy, target)
        partial.rename(target)  # a half-written backup never carries the name asked for
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Copied(target, pages, reports)


def restore(source: Path, database_url: str, *, replace: bool) -> Copied:
    """Replaces the database's contents with the backup's (the bot must be stopped)."""
    target = sqlite_path(database_url)
    if not source.is_file():
        raise BackupError(f"there is no backup at {source}")
    if target.exists() and target.stat().st_size > 0 and not replace:
        raise BackupError(f"{target} holds a database; add --replace to overwrite it")
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_file:
        pages, reports = _check(backup_file, source)
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(target)) as live:
            # The backup API rewrites every page of the target in one locked step, WAL included.
            backup_file.backup(live)
            (result,) = live.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise BackupError(f"the restored database failed its check: {result}")
    return Copied(target, pages, reports)


def _check(connection: sqlite3.Connection, path: Path) -> tuple[int, int]:
    """Returns the pages and reports of a sound database of this app; BackupError otherwise."""
    try:
        (result,) = connection.execute("PRAGMA integrity_check").fetchone()
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not an SQLite database ({error})") from None
    if result != "ok":
        raise BackupError(f"{path} failed its integrity check: {result}")
    if not names >= REQUIRED_TABLES:
        raise BackupError(f"{path} is not a database of this assistant")
    (pages,) = connection.execute("PRAGMA page_count").fetchone()
    (reports,) = connection.execute("SELECT count(*) FROM report").fetchone()
    return int(pages), int(reports)
