"""Maintenance commands: ``keys rotate``, ``audit verify`` and ``purge --older-than DAYS``.

Each prints counts and ids only and exits non-zero when something needs a person's attention.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from bot.service.admin import Administration

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
    args: argparse.Namespace, service: Administration, *, retention_days: int, out: TextIO
) -> int:
    """Runs one maintenance command and returns the exit status."""
    if args.command == "keys" and args.action == "rotate":
        result = service.rotate_keys(batch_size=args.batch)
        out.write(
            f"Re-encrypted {result.rotated} rows in {result.batches} batches; "
            f"{result.failed} did not decrypt; {result.left} not under the newest key.\n"
        )
        return 0 if result.failed == 0 and result.left == 0 else 1
    if args.command == "audit" and args.action == "verify":
        check = service.verify_audit()
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
        done = service.purge(older_than_days=days)
        ids = ", ".join(f"#{i}" for i in done.report_ids) or "none"
        out.write(f"Purged {len(done.report_ids)} closed reports older than {days} days: {ids}.\n")
        if done.wal_truncated is False:
            out.write("The SQLite log is in use; run purge again when the bot is idle.\n")
        return 0
    out.write("Say what to do: keys rotate, audit verify, or purge.\n")
    return 2
