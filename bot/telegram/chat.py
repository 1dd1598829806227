"""What the Telegram handlers share: the runtime, who sent an update, and what goes back."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from typing import Any, cast

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.service.intake import IntakeService, Outcome
from bot.telegram import render as telegram_render

log = logging.getLogger("bot.telegram.app")

Context = ContextTypes.DEFAULT_TYPE


@dataclass
class Runtime:
    """What the handlers share: the service and a little chat-level bookkeeping."""

    service: IntakeService
    album_delay: float
    delete_sensitive: bool = False
    refused: set[int] = field(default_factory=set)
    albums: dict[tuple[int, str], tuple[int, Outcome]] = field(default_factory=dict)


def runtime_of(context: Context) -> Runtime:
    """Returns what the handlers share."""
    return cast(Runtime, context.bot_data["runtime"])


def worker_of(update: Update) -> str:
    """Returns who sent the update, as the service names workers."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop  # nothing to attribute the update to
    return f"telegram:{user.id}"


def message_of(update: Update) -> Message:
    """Returns the update's message, or stops handling an update that has none."""
    message = update.effective_message
    if message is None:
        raise ApplicationHandlerStop
    return message


async def forget(context: Context, message: Message, outcome: Outcome) -> None:
    """Deletes the worker's message once the sensitive answer or photo it carried is stored.

    Telegram keeps every chat message in its cloud; the database now holds the value encrypted.
    A failed deletion (e.g. after 48 hours) is audited and logged by ids, never fatal.
    """
    runtime = runtime_of(context)
    if not runtime.delete_sensitive or not outcome.sensitive or outcome.duplicate:
        return
    try:
        await context.bot.delete_message(message.chat_id, message.message_id)
    except TelegramError as error:
        log.warning(
            "chat.delete_failed report=%s message=%s error=%s",
            outcome.report_id,
            message.message_id,
            type(error).__name__,
        )
        worker = f"telegram:{message.from_user.id}" if message.from_user else "telegram:?"
        await asyncio.to_thread(
            runtime.service.record,
            "chat.delete_failed",
            report_id=outcome.report_id,
            actor=worker,
            outcome="failed",
            reason=f"message={message.message_id} error={type(error).__name__}",
        )


async def show(context: Context, chat_id: int, outcome: Outcome) -> None:
    """Sends what a committed step produced."""
    await telegram_render.show(context.bot, chat_id, outcome, service=runtime_of(context).service)


def hold(context: Context, chat_id: int, group: str, outcome: Outcome) -> None:
    """Keeps an album's latest step and replies once no photo has come for a moment."""
    runtime = runtime_of(context)
    key = (chat_id, group)
    count = runtime.albums.get(key, (0, outcome))[0]
    runtime.albums[key] = (count + 1, outcome)
    if count == 0:
        context.application.create_task(_flush(context, key), name=f"album:{chat_id}")


async def _flush(context: Context, key: tuple[int, str]) -> None:
    runtime = runtime_of(context)
    seen = -1
    while runtime.albums[key][0] != seen:
        seen = runtime.albums[key][0]
        await asyncio.sleep(runtime.album_delay)
    _, outcome = runtime.albums.pop(key)
    await show(context, key[0], outcome)


def noted(outcome: Outcome, note: str) -> Any:
    return replace(outcome.reply, notices=(note, *outcome.reply.notices))
