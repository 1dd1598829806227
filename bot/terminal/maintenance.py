"""Maintenance commands: ``keys rotate``, ``audit verify`` and ``purge --older-than DAYS``.

Each prints counts and ids only and exits non-zero when something needs a person's attention.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TextIO

from sqlalchemy import Engine

from storage import audit, retention, rotation
from storage.clock import Clock
from storage.repository import transaction

COMMANDS = ("keys", "audit", "purge")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds the maintenance subcommands to the command line."""
    keys = commands.add_parser("keys", help="encryption keys").add_subparsers(dest="action")
    rotate = keys.add_parser("rotate", help="re-encrypt every stored value with the newest key")
    rotate.add_argument("--batch", type=int, default=200, help="rows per transaction")
    trail = commands.add_parser("audit", help="the audit trail").add_subparsers(dest="action")
    trail.add_parser("verify", help="check the hash chain; names the first bad row")
    purge = commands.add_parser("purge", help="delete closed reports' data (audit rows stay)")
    purge.add_argument(
        "--older-than", type=int, default=None, metavar="DAYS", help="default: RETENTION_DAYS"
    )


def run(
    args: argparse.Namespace,
    *,
    engine: Engine,
    retention_days: int,
    out: TextIO,
    clock: Clock,
) -> int:
    """Runs one maintenance command and returns the exit status."""
    if args.command == "keys" and args.action == "rotate":
        result = rotation.rotate(engine, clock=clock, batch_size=args.batch)
        left = rotation.pending(engine)
        out.write(
            f"Re-encrypted {result.rotated} rows in {result.batches} batches; "
            f"{result.failed} did not decrypt; {left} not under the newest key.\n"
        )
        return 0 if result.failed == 0 and left == 0 else 1
    if args.command == "audit" and args.action == "verify":
        with transaction(engine) as session:
            check = audit.verify(session)
        if check.ok:
            out.write(f"Audit trail intact: {check.rows} rows.\n")
            return 0
        out.write(f"Audit trail broken at row {check.first_bad_id}: {check.problem}.\n")
        return 1
    if args.command == "purge":
        days = args.older_than if args.older_than is not None else retention_days
        if days < 1:
            out.write("--older-than must be at least 1 day.\n")
            return 2
        done = retention.purge(engine, older_than=timedelta(days=days), now=clock())
        ids = ", ".join(f"#{i}" for i in done.report_ids) or "none"
        out.write(f"Purged {len(done.report_ids)} closed reports older than {days} days: {ids}.\n")
        if done.wal_truncated is False:
            out.write("The SQLite log is in use; run purge again when the bot is idle.\n")
        return 0
    out.write("Say what to do: keys rotate, audit verify, or purge.\n")
    return 2
