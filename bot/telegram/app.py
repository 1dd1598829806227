"""The Telegram adapter: turns updates into service calls and replies into Bot API messages.

Handlers are thin: parse the update, make one service call in a worker thread (it commits before
returning), then render. Updates run concurrently across chats and one at a time per chat; the
database is the only copy of the conversation, so a restart or a re-delivered update loses and
repeats nothing.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.service.compose import build_service
from bot.service.intake import IntakeService
from bot.telegram import casework, supervisors, update_guard, webhook_guard
from bot.telegram.chat import Runtime
from bot.telegram.face_sheets import on_document
from bot.telegram.handlers import (
    COMMANDS,
    on_any,
    on_edit,
    on_error,
    on_forwarded,
    on_found,
    on_other,
    on_photo,
    on_start,
    on_tap,
    on_text,
    post_init,
)
from bot.telegram.paper_buttons import PATTERN as PAPER_TAP
from bot.telegram.papers import on_paper

__all__ = ["COMMANDS", "UPDATES", "PerChatProcessor", "build_application"]

ALBUM_DELAY = 1.5
UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]


class PerChatProcessor(BaseUpdateProcessor):
    """Processes updates of different chats concurrently and those of one chat in order."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Runs the update's handlers once the chat's previous update is done."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        async with lock:
            await coroutine

    async def initialize(self) -> None:
        """Needs no set-up."""

    async def shutdown(self) -> None:
        """Forgets the locks."""
        self._locks.clear()


def build_application(
    settings: Settings,
    *,
    service: IntakeService | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    album_delay: float = ALBUM_DELAY,
    delivery_interval: float | None = 1.0,
    rate_limited: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Builds the bot: settings' URLs, HTML and protected content by default, every handler."""
    if settings.token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # Opt in to PTB 23's timedelta time periods now; otherwise PTB's own RetryAfter handling
    # warns on every 429 (PTBDeprecationWarning), and the rate limiter reads timedeltas already.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    if service is None:
        service = build_service(settings)
    builder = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, protect_content=True, tzinfo=settings.zone))
        .concurrent_updates(PerChatProcessor())
        .post_init(post_init)
        .post_stop(supervisors.stop)
    )
    # Telegram's flood limits (30 messages/s) are not a cost of ours; benchmarks switch them off.
    if rate_limited:
        # mypy bound the builder's rate-limiter type to None above; the limiter takes dicts.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request)
    builder = builder.get_updates_request(update_guard.screening(get_updates_request))
    app = builder.build()
    app.bot_data["runtime"] = Runtime(service, album_delay, settings.delete_sensitive_messages)
    webhook_guard.install()
    update_guard.install(app, service)
    supervisors.install(
        app, settings, service, request=request, delivery_interval=delivery_interval
    )
    casework.install(app)  # before the intake's handlers: its commands must not reach on_text
    message = filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, on_any), group=-1)
    app.add_handler(CallbackQueryHandler(on_paper, pattern=PAPER_TAP))
    app.add_handler(CallbackQueryHandler(on_tap))
    app.add_handler(CommandHandler(["start", "resume", "new"], on_start, filters=message))
    app.add_handler(CommandHandler("found", on_found, filters=message))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edit))
    app.add_handler(MessageHandler(message & filters.FORWARDED & filters.TEXT, on_forwarded))
    app.add_handler(MessageHandler(message & filters.TEXT, on_text))
    app.add_handler(MessageHandler(message & (filters.PHOTO | filters.Document.IMAGE), on_photo))
    app.add_handler(MessageHandler(message & filters.Document.ALL, on_document))  # a face sheet
    app.add_handler(MessageHandler(message, on_other))
    app.add_error_handler(on_error)
    return app
