"""Command line: ``python -m bot`` (or ``intake-bot``) runs the assistant or a maintenance task."""

from __future__ import annotations

import argparse
import getpass
import hashlib
import logging
import secrets
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

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
        match_key=match_key(settings),
        long_term_days=settings.long_term_days,
    )


def match_key(settings: Settings) -> bytes:
    """Derives the child-matching HMAC key from CHILD_MATCH_KEY (or a local key file)."""
    if settings.child_match_key is not None and settings.child_match_key.get_secret_value():
        secret = settings.child_match_key.get_secret_value().encode()
    elif settings.database_url.startswith("sqlite:///"):
        path = Path(settings.database_url.split("///", 1)[1]).with_name("child-match.key")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(secrets.token_bytes(32))
            path.chmod(0o600)
        secret = path.read_bytes()
    else:
        raise SystemExit("Set CHILD_MATCH_KEY to match children across episodes.")
    return hashlib.sha256(b"missing-child-intake/child-match|" + secret).digest()


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
    export = commands.add_parser("export", help="print a stored report")
    export.add_argument("report_id", type=int)
    export.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command named on the command line (the terminal intake by default)."""
    args = _parser().parse_args(argv)
    settings = Settings()
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    if args.command == "run" or (args.command is None and settings.token):
        return run_bot(settings, level=level)
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
        found=args.report_id if args.command == "found" else None,
    )


def run_bot(settings: Settings, *, level: int) -> int:
    """Runs the Telegram bot until SIGTERM or SIGINT."""
    from bot.telegram_app import UPDATES, build_application  # the console needs no Telegram

    logging.basicConfig(
        stream=sys.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # At INFO and below these log request URLs, which hold the token, and update contents.
    for name in ("httpx", "httpcore", "telegram"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    if settings.token is None:
        sys.stderr.write("Set TELEGRAM_BOT_TOKEN to run the bot.\n")
        return 2
    app = build_application(settings, service=build_service(settings))
    webhook = settings.webhook
    log.info("bot.starting mode=%s", "webhook" if webhook else "polling")
    if webhook is None:
        app.run_polling(allowed_updates=UPDATES)
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
