"""`intake-bot backup FILE` and `intake-bot restore FILE [--replace]` for an SQLite database.

For PostgreSQL both print the ``pg_dump``/``pg_restore`` commands to use instead: the server's
own tools copy a live database consistently, with its roles and sequences.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from bot.config import Settings
from bot.service import backups

COMMANDS = ("backup", "restore")
PG_GUIDANCE = """PostgreSQL is backed up with its own tools (the URL without "+psycopg"):
  pg_dump --format=custom --file=FILE "postgresql://user@host:5432/dbname"
  pg_restore --clean --if-exists --no-owner --dbname="postgresql://user@host:5432/dbname" FILE
Stop the bot before pg_restore. Values stay sealed in the dump: keep ENCRYPTION_KEYS apart.
"""


def add_parser(commands: Any) -> None:
    """Adds the `backup` and `restore` commands to the main parser."""
    save = commands.add_parser("backup", help="copy the live SQLite database to a new file")
    save.add_argument("file", type=Path)
    load = commands.add_parser("restore", help="replace the SQLite database with a backup")
    load.add_argument("file", type=Path)
    load.add_argument("--replace", action="store_true", help="overwrite an existing database")


def run(args: argparse.Namespace, settings: Settings, *, out: TextIO, err: TextIO) -> int:
    """Runs `backup` or `restore` against DATABASE_URL; returns the exit status."""
    if backups.is_postgres(settings):
        err.write(PG_GUIDANCE)
        return 2
    try:
        if args.command == "backup":
            done = backups.save_to(settings, args.file)
            out.write(f"Backed up {done.reports} reports ({done.pages} pages) to {done.path}.\n")
            return 0
        done = backups.restore_file(settings, args.file, replace=args.replace)
    except (backups.BackupError, backups.AlreadyRunning) as error:
        err.write(f"{args.command}: {error}.\n")
        return 1
    out.write(
        f"Restored {done.reports} reports ({done.pages} pages) into {done.path}. "
        "Check it with `intake-bot audit verify`.\n"
    )
    return 0
