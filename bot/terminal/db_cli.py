"""`intake-bot db ...`: upgrade, downgrade, check and inspect the schema, or write a revision."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.config import Settings
from bot.service import schema


def add_parser(commands: Any) -> None:
    """Adds the `db` command and its subcommands to the main parser."""
    db = commands.add_parser("db", help="database schema: upgrade, check, revision, ...")
    actions = db.add_subparsers(dest="db_command", required=True)
    upgrade = actions.add_parser("upgrade", help="apply migrations (default: up to head)")
    upgrade.add_argument("revision", nargs="?", default="head")
    downgrade = actions.add_parser("downgrade", help="revert migrations to a revision")
    downgrade.add_argument("revision")
    actions.add_parser("current", help="print the revision the database is at")
    actions.add_parser("check", help="fail when the models and the migrations differ")
    revision = actions.add_parser("revision", help="write a revision for changed models")
    revision.add_argument("-m", "--message", required=True)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Runs one `db` subcommand against DATABASE_URL; returns the exit status."""
    if args.db_command == "revision":
        sys.stdout.write(f"Wrote {schema.new_revision(args.message)}\n")
        return 0
    try:
        at = schema.apply(
            settings, schema.SchemaAction(args.db_command), getattr(args, "revision", "head")
        )
    except schema.SchemaDrift as drift:
        sys.stderr.write(f"{drift}\n")
        return 1
    sys.stdout.write(" ".join(at) or "(empty)")
    sys.stdout.write("\n")
    return 0
