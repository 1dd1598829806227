"""Webhook authenticity (AC-13): the secret header is checked in constant time, before the body.

python-telegram-bot's webhook handler compares the header with ``!=`` and logs a wrong value at
DEBUG. ``install`` swaps in a check that uses ``hmac.compare_digest`` on bytes, answers 401 to a
request without the header and 403 to a wrong one, never logs the value, and only then lets PTB
read the body. It replaces one small method of PTB's handler class rather than running a second
web server in front of it.
"""

from __future__ import annotations

import hmac
import logging
from http import HTTPStatus

import tornado.web
from telegram.ext._utils.webhookhandler import TelegramHandler

HEADER = "X-Telegram-Bot-Api-Secret-Token"
log = logging.getLogger(__name__)


def _validate_post(handler: TelegramHandler) -> None:
    """Refuses a request unless it is JSON and carries exactly the configured secret."""
    expected = handler.secret_token
    if not expected:
        # A webhook without a secret is refused at start-up (Settings.webhook); never accept one.
        raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
    given = handler.request.headers.get(HEADER)
    if not given:
        log.warning("webhook.refused reason=missing_secret")
        raise tornado.web.HTTPError(HTTPStatus.UNAUTHORIZED)
    if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8")):
        log.warning("webhook.refused reason=wrong_secret")
        raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
    if handler.request.headers.get("Content-Type") != "application/json":
        raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)


def install() -> None:
    """Makes PTB's webhook handler use the constant-time check (idempotent)."""
    TelegramHandler._validate_post = _validate_post  # type: ignore[method-assign,assignment]
