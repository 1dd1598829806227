"""Runs the Telegram bot: polling (one poller per bot) or a webhook, until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlsplit

from bot import log_safety
from bot.config import Settings
from bot.service.admin import AlreadyRunning
from bot.service.compose import build_service
from bot.service.keys import MISSING, KeyConfigError, production_keyring
from bot.telegram.app import UPDATES, build_application
from storage.clock import Clock, system_clock

log = logging.getLogger("bot")


def run_bot(settings: Settings, *, level: int, clock: Clock = system_clock) -> int:
    """Runs the Telegram bot until SIGTERM or SIGINT."""
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
    service = build_service(settings, keyring=keyring, clock=clock)
    app = build_application(settings, service=service)
    webhook = settings.webhook
    log.info("bot.starting mode=%s", "webhook" if webhook else "polling")
    if webhook is None:
        # AC-15: one poller per bot; a second one stops before it calls getUpdates.
        try:
            with service.only_instance(f"polling:{settings.token.split(':')[0]}"):
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
