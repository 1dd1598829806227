"""Command line: ``python -m bot`` (or ``intake-bot``) runs the assistant or a maintenance task."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from pydantic import ValidationError

from bot import admin_cli, backup_cli, db_cli, export_cli, log_safety, maintenance
from bot.access import Access
from bot.config import Settings
from bot.console import run_console
from bot.intake import IntakeService
from bot.keys import MISSING, demo_keyring, production_keyring
from flows.missing_from_care import FLOW
from flows.validation import validate_flow
from storage.crypto import KeyConfigError, Keyring
from storage.instance_lock import AlreadyRunning, single_instance
from storage.migrate import upgrade
from storage.repository import make_engine

log = logging.getLogger("bot")


def build_service(settings: Settings, *, keyring: Keyring | None = None) -> IntakeService:
    """Wires the flow, the database, the keys and the clock into the service."""
    keys = keyring or production_keyring(settings)
    engine = make_engine(
        settings.database_url, synchronous=settings.sqlite_synchronous, keyring=keys
    )
    upgrade(engine)  # migrations to head, once per start; concurrent starts wait for each other
    return IntakeService(
        flow=validate_flow(FLOW),
        engine=engine,
        clock=lambda: datetime.now(UTC),
        zone=settings.zone,
        profile=settings.deadline_profile,
        long_term_days=settings.long_term_days,
    )


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
    export = commands.add_parser("export", help="print a stored report or write it as a file")
    export_cli.add_arguments(export)
    db_cli.add_parser(commands)
    backup_cli.add_parser(commands)
    maintenance.add_commands(commands)
    admin_cli.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command named on the command line (the terminal intake by default)."""
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
        return run_bot(settings, level=level)
    if args.command == "db":
        logging.basicConfig(stream=sys.stderr, level=level, format="%(levelname)s %(message)s")
        return db_cli.run(args, settings)
    if args.command in backup_cli.COMMANDS:
        return backup_cli.run(args, settings, out=sys.stdout, err=sys.stderr)
    # The terminal is the conversation: keep routine log lines out of it.
    log_safety.configure(level, stream=sys.stderr, floor=logging.WARNING)
    try:
        # The demo makes itself a key file; with ENCRYPTION_KEYS set, those keys are used.
        service = build_service(settings, keyring=demo_keyring(settings, notice=sys.stderr))
    except KeyConfigError as exc:
        sys.stderr.write(f"Encryption keys: {exc}.\n")
        return 2
    if args.command in maintenance.COMMANDS:
        return maintenance.run(
            args, engine=service.engine, retention_days=settings.retention_days, out=sys.stdout
        )
    if args.command == "staff":
        access = Access(service.engine, service.clock)
        return admin_cli.run(args, access, out=sys.stdout, err=sys.stderr)
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


def run_bot(settings: Settings, *, level: int) -> int:
    """Runs the Telegram bot until SIGTERM or SIGINT."""
    from bot.telegram_app import UPDATES, build_application  # the console needs no Telegram

    log_safety.configure(level, stream=sys.stderr)
    if settings.token is None:
        sys.stderr.write("Set TELEGRAM_BOT_TOKEN to run the bot.\n")
        return 2
    try:
        keyring = production_keyring(settings)
    except KeyConfigError as exc:
        # Never start without a usable key: nothing may be stored in plain text.
        sys.stderr.write(f"Refusing to start: {exc}.\n{MISSING}")
        return 2
    service = build_service(settings, keyring=keyring)
    app = build_application(settings, service=service)
    webhook = settings.webhook
    log.info("bot.starting mode=%s", "webhook" if webhook else "polling")
    if webhook is None:
        # AC-15: one poller per bot; a second one stops before it calls getUpdates.
        try:
            with single_instance(service.engine, f"polling:{settings.token.split(':')[0]}"):
                app.run_polling(allowed_updates=UPDATES)
        except AlreadyRunning:
            log.error("bot.already_running mode=polling")
            sys.stderr.write("Another instance of this bot is already polling; stopping.\n")
            return 3
    else:
        url, secret = webhook
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(url).path.lstrip("/"),
            webhook_url=url,
            secret_token=secret,
            allowed_updates=UPDATES,
        )
    log.info("bot.stopped")
    return 0


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "worker"


if __name__ == "__main__":
    sys.exit(main())
