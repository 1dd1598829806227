"""The command line: ``intake-bot`` runs the terminal intake, the bot, or a maintenance task."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bot import log_safety
from bot.config import Settings
from bot.service.compose import build_service
from bot.service.keys import KeyConfigError, demo_keyring
from bot.terminal import admin_cli, backup_cli, case_cli, db_cli, export_cli, maintenance
from bot.terminal.console import run_console
from storage.clock import Clock, system_clock

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intake-bot", description="Missing-from-care intake assistant."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Telegram bot (the default when a token is set)")
    console = commands.add_parser("console", help="run the intake in this terminal")
    console.add_argument("--new", action="store_true", help="start a fresh report")
    console.add_argument("--worker", default=None, help="who is reporting (default: your login)")
    found = commands.add_parser("found", help="record that a missing child was found")
    found.add_argument("report_id", type=int)
    found.add_argument("--worker", default=None, help="who is reporting (default: your login)")
    export = commands.add_parser("export", help="print a report, or write it or a paper to a file")
    export_cli.add_arguments(export)
    db_cli.add_parser(commands)
    backup_cli.add_parser(commands)
    maintenance.add_commands(commands)
    admin_cli.add_parser(commands)
    case_cli.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, clock: Clock = system_clock) -> int:
    """Runs the command named on the command line (the terminal intake by default).

    ``clock`` is the one clock of every command (the real one; tests pass their own).
    """
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        # One line per bad setting, named as in the environment, instead of a traceback.
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "settings"
            sys.stderr.write(f"{name}: {error['msg'].removeprefix('Value error, ')}\n")
        return 2
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    if args.command == "run" or (args.command is None and settings.token):
        from bot.telegram.run import run_bot  # the terminal needs no Telegram

        return run_bot(settings, level=level, clock=clock)
    if args.command == "db":
        logging.basicConfig(stream=sys.stderr, level=level, format="%(levelname)s %(message)s")
        return db_cli.run(args, settings)
    if args.command in backup_cli.COMMANDS:
        return backup_cli.run(args, settings, out=sys.stdout, err=sys.stderr)
    # The terminal is the conversation: keep routine log lines out of it.
    log_safety.configure(level, stream=sys.stderr, floor=logging.WARNING)
    try:
        # The demo makes itself a key file; with ENCRYPTION_KEYS set, those keys are used.
        service = build_service(
            settings, keyring=demo_keyring(settings, notice=sys.stderr), clock=clock
        )
    except KeyConfigError as exc:
        sys.stderr.write(f"Encryption keys: {exc}.\n")
        return 2
    if args.command in maintenance.COMMANDS:
        return maintenance.run(
            args, service, retention_days=settings.retention_days, out=sys.stdout
        )
    if args.command in case_cli.COMMANDS:
        actor = f"console:{_login()}"
        return case_cli.run(args, service, actor=actor, stdin=sys.stdin, out=sys.stdout)
    if args.command == "staff":
        return admin_cli.run(args, service.access, out=sys.stdout, err=sys.stderr)
    if args.command == "export":
        actor = f"console:{_login()}"
        return export_cli.run(args, service, actor=actor, out=sys.stdout, err=sys.stderr)
    worker = f"console:{getattr(args, 'worker', None) or _login()}"
    return run_console(
        service,
        worker=worker,
        stdin=sys.stdin,
        stdout=sys.stdout,
        new=getattr(args, "new", False),
        echo=not sys.stdin.isatty(),
        found=args.report_id if args.command == "found" else None,
    )


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "worker"
