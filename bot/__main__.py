"""Command line: ``python -m bot`` (or ``intake-bot``) runs the assistant or a maintenance task."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.config import Settings
from bot.console import run_console
from bot.intake import IntakeService, ReportNotFound
from flows.missing_from_care import FLOW
from flows.validation import validate_flow
from storage.repository import create_tables, make_engine

log = logging.getLogger("bot")


def build_service(settings: Settings) -> IntakeService:
    """Wires the flow, the database and the clock into the service."""
    engine = make_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
    create_tables(engine)
    return IntakeService(
        flow=validate_flow(FLOW),
        engine=engine,
        clock=lambda: datetime.now(UTC),
        zone=settings.zone,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intake-bot", description="Missing-from-care intake assistant."
    )
    commands = parser.add_subparsers(dest="command")
    console = commands.add_parser("console", help="run the intake in this terminal")
    console.add_argument("--new", action="store_true", help="start a fresh report")
    console.add_argument("--worker", default=None, help="who is reporting (default: your login)")
    export = commands.add_parser("export", help="print a stored report")
    export.add_argument("report_id", type=int)
    export.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command named on the command line (the terminal intake by default)."""
    args = _parser().parse_args(argv)
    settings = Settings()
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    # The terminal is the conversation: keep routine log lines out of it.
    logging.basicConfig(stream=sys.stderr, level=max(level, logging.WARNING))
    service = build_service(settings)
    if args.command == "export":
        try:
            sys.stdout.write(service.export(args.report_id, fmt=args.format))
        except ReportNotFound:
            sys.stderr.write(f"No report #{args.report_id}.\n")
            return 1
        return 0
    worker = f"console:{getattr(args, 'worker', None) or _login()}"
    return run_console(
        service,
        worker=worker,
        stdin=sys.stdin,
        stdout=sys.stdout,
        new=getattr(args, "new", False),
        echo=not sys.stdin.isatty(),
    )


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "worker"


if __name__ == "__main__":
    sys.exit(main())
