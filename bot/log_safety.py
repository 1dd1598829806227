"""Logging set-up with a redaction filter as the safety net behind "log ids, never content".

The app's own log lines carry event names and ids only; this filter also masks anything shaped
like a bot token or a Bot API file URL that a library might put in a message or a traceback, and
the chatty libraries (python-telegram-bot, httpx, httpcore) stay at WARNING: at INFO and below
they log request URLs, which hold the token, and update contents.
"""

from __future__ import annotations

import logging
import re
from typing import TextIO

TOKEN = re.compile(r"\d{6,12}:[A-Za-z0-9_-]{30,}")
FILE_URL = re.compile(r"/file/bot[^\s'\"]*")
BOT_URL = re.compile(r"/bot[^/\s'\"]+")
QUIET = ("httpx", "httpcore", "telegram", "apscheduler", "hpack")
FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def redact(text: str) -> str:
    """Masks tokens and Bot API URLs (which embed the token) in one log text."""
    text = FILE_URL.sub("/file/bot[redacted]", text)
    text = TOKEN.sub("[token]", text)
    return BOT_URL.sub("/bot[redacted]", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message and traceback with ``redact`` before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redacts the record in place; never drops it."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure(level: int, *, stream: TextIO, floor: int = logging.NOTSET) -> None:
    """Sets up the root handler with the redaction filter; libraries at WARNING or above."""
    logging.basicConfig(stream=stream, level=max(level, floor), format=FORMAT, force=True)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    for name in QUIET:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
