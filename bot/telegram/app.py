"""The Telegram adapter: turns updates into service calls and replies into Bot API messages.

Handlers are thin: parse the update, make one service call in a worker thread (it commits before
returning), then render. Updates run concurrently across chats and one at a time per chat; the
database is the only copy of the conversation, so a restart or a re-delivered update loses and
repeats nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import traceback
from collections.abc import Awaitable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from typing import Any, cast

from telegram import (
    BotCommand,
    CallbackQuery,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.service.compose import build_service
from bot.service.intake import IntakeService, Outcome
from bot.telegram import render as telegram_render
from bot.telegram import supervisors, webhook_guard
from bot.telegram.keyboards import CONFIRM, TOGGLE, parse_tap
from bot.telegram.render import answer_query, mark_chosen, retick
from bot.terminal.views import image_mime

log = logging.getLogger(__name__)

MAX_DOWNLOAD = 20 * 1024 * 1024  # the cloud Bot API refuses to hand out bigger files
ALBUM_DELAY = 1.5
PRIVATE_ONLY = "I only work in private chats. Please message me directly."
SAVED_NOTE = (
    "Something went wrong. Your answers up to the last ✓ are saved; please send that again."
)
NOT_AN_ANSWER = "Please answer with text, a tap or a photo."
NOT_AN_IMAGE = "Please send a JPEG, PNG or WebP photo."
TOO_BIG = "That image is over 20 MB. Please send a smaller photo."
FORWARDED = "Please type the answer yourself rather than forwarding a message."
UNLINKED = "That message didn't answer a question, so nothing changed. Send 'edit' to change one."
UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
COMMANDS = [
    BotCommand("start", "Resume your report, or start one"),
    BotCommand("new", "Start a new report"),
    BotCommand("resume", "Show the current question again"),
    BotCommand("status", "Checklist, deadlines and open items"),
    BotCommand("review", "The report so far"),
    BotCommand("back", "Change the previous answer"),
    BotCommand("skip", "Leave this question for now"),
    BotCommand("unknown", "You don't know the answer"),
    BotCommand("edit", "Change an answer: /edit <number or name>"),
    BotCommand("cancel", "Stop this report (nothing is deleted)"),
    BotCommand("found", "The child is found: record the recovery"),
    BotCommand("help", "What you can send"),
]


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


@dataclass
class Runtime:
    """What the handlers share: the service and a little chat-level bookkeeping."""

    service: IntakeService
    album_delay: float
    delete_sensitive: bool = False
    refused: set[int] = field(default_factory=set)
    albums: dict[tuple[int, str], tuple[int, Outcome]] = field(default_factory=dict)


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
        .post_init(_post_init)
        .post_stop(supervisors.stop)
    )
    # Telegram's flood limits (30 messages/s) are not a cost of ours; benchmarks switch them off.
    if rate_limited:
        # mypy bound the builder's rate-limiter type to None above; the limiter takes dicts.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data["runtime"] = Runtime(service, album_delay, settings.delete_sensitive_messages)
    webhook_guard.install()
    supervisors.install(
        app, settings, service, request=request, delivery_interval=delivery_interval
    )
    message = filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, on_any), group=-1)
    app.add_handler(CallbackQueryHandler(on_tap))
    app.add_handler(CommandHandler(["start", "resume", "new"], on_start, filters=message))
    app.add_handler(CommandHandler("found", on_found, filters=message))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, on_edit))
    app.add_handler(MessageHandler(message & filters.FORWARDED & filters.TEXT, on_forwarded))
    app.add_handler(MessageHandler(message & filters.TEXT, on_text))
    app.add_handler(MessageHandler(message & (filters.PHOTO | filters.Document.IMAGE), on_photo))
    app.add_handler(MessageHandler(message, on_other))
    app.add_error_handler(on_error)
    return app


Context = ContextTypes.DEFAULT_TYPE


def _runtime(context: Context) -> Runtime:
    return cast(Runtime, context.bot_data["runtime"])


def _worker(update: Update) -> str:
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop  # nothing to attribute the update to
    return f"telegram:{user.id}"


def _message(update: Update) -> Message:
    message = update.effective_message
    if message is None:
        raise ApplicationHandlerStop
    return message


# -- handlers --------------------------------------------------------------------------------
async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Registers the command menu, forgets week-old update ids and starts the outbox sender."""
    await app.bot.set_my_commands(COMMANDS)
    runtime = cast(Runtime, app.bot_data["runtime"])
    await asyncio.to_thread(runtime.service.forget_old_updates)
    await supervisors.start(app)


async def on_any(update: Update, context: Context) -> None:
    """Refuses every chat that is not private, once per chat, and stores nothing."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    runtime = _runtime(context)
    if chat.id not in runtime.refused:
        runtime.refused.add(chat.id)
        log.info("chat.refused chat=%s type=%s", chat.id, chat.type)
        with suppress(TelegramError):
            await context.bot.send_message(chat.id, PRIVATE_ONLY)
        with suppress(TelegramError):
            await context.bot.leave_chat(chat.id)
    raise ApplicationHandlerStop


async def on_start(update: Update, context: Context) -> None:
    """Resumes the worker's report (or starts one; /new always starts one)."""
    message, service = _message(update), _runtime(context).service
    new = (message.text or "").split()[0].split("@")[0].lower() == "/new"
    outcome = await asyncio.to_thread(
        service.start, _worker(update), new=new, update_id=update.update_id
    )
    word = "started" if outcome.reply.event == "started" else "resumed"
    banner = f"Report #{outcome.report_id} {word}. Send /help for commands."
    await show(context, message.chat_id, replace(outcome, reply=_noted(outcome, banner)))


async def on_found(update: Update, context: Context) -> None:
    """Starts the recovery record of the worker's report (or of /found REPORT_ID)."""
    message, service = _message(update), _runtime(context).service
    words = (message.text or "").split()[1:]
    report_id = int(words[0].lstrip("#")) if words and words[0].lstrip("#").isdigit() else None
    outcome = await asyncio.to_thread(
        service.found, _worker(update), report_id, update_id=update.update_id
    )
    banner = f"Recovery record #{outcome.report_id}: the child is found."
    await show(context, message.chat_id, replace(outcome, reply=_noted(outcome, banner)))


async def on_text(update: Update, context: Context) -> None:
    """Stores the answer (or runs the command) and asks the next question."""
    message, service = _message(update), _runtime(context).service
    outcome = await asyncio.to_thread(
        service.handle_text,
        _worker(update),
        message.text or "",
        update_id=update.update_id,
        message_id=message.message_id,
    )
    await show(context, message.chat_id, outcome)
    await forget(context, message, outcome)


async def on_edit(update: Update, context: Context) -> None:
    """Changes the answer an edited message gave and confirms the change."""
    message, service = _message(update), _runtime(context).service
    outcome = await asyncio.to_thread(
        service.edit_answer,
        _worker(update),
        message.message_id,
        message.text or "",
        update_id=update.update_id,
    )
    if outcome.reply.event == "edit_unlinked":
        await context.bot.send_message(message.chat_id, UNLINKED)
        return
    await show(context, message.chat_id, outcome)
    await forget(context, message, outcome)


async def on_tap(update: Update, context: Context) -> None:
    """Applies a button tap, marks the question with the answer and asks the next one."""
    query = cast(CallbackQuery, update.callback_query)
    tap = parse_tap(query.data)
    if tap is not None and tap.kind == TOGGLE:
        await answer_query(query)
        await retick(query, tap)
        return
    if tap is None or (tap.kind == CONFIRM and tap.value == 0):
        await answer_query(query, "Tap one or more first." if tap else "This button has expired.")
        if tap is None:  # data this bot never sent: forged or garbled
            await asyncio.to_thread(
                _runtime(context).service.record,
                "input.rejected",
                report_id=0,
                actor=_worker(update),
                outcome="refused",
                reason="unknown_callback_data",
            )
        return
    service, worker = _runtime(context).service, _worker(update)
    if tap.kind == "e":
        call = service.edit_section
        outcome = await asyncio.to_thread(
            call, worker, tap.report_id, tap.version, tap.value, update_id=update.update_id
        )
    else:
        outcome = await asyncio.to_thread(
            service.handle_choice,
            worker,
            tap.report_id,
            tap.version,
            tap.indexes,
            update_id=update.update_id,
        )
    expired = outcome.reply.event == "expired"
    await answer_query(query, outcome.reply.error if expired else None)
    if outcome.duplicate or expired:
        return
    await mark_chosen(query, outcome.chosen)
    if isinstance(query.message, Message):
        await show(context, query.message.chat_id, outcome)


async def on_photo(update: Update, context: Context) -> None:
    """Stores the photo with its bytes; an album gets one reply once its last photo is in."""
    message, runtime = _message(update), _runtime(context)
    media = message.photo[-1] if message.photo else message.document
    if media is None:
        return
    if (media.file_size or 0) > MAX_DOWNLOAD:
        await context.bot.send_message(message.chat_id, TOO_BIG)
        return
    content = bytes(await (await media.get_file()).download_as_bytearray())
    mime = image_mime(content)
    if mime is None:
        await context.bot.send_message(message.chat_id, NOT_AN_IMAGE)
        return
    outcome = await asyncio.to_thread(
        runtime.service.add_photo,
        _worker(update),
        content=content,
        mime=mime,
        file_id=media.file_id,
        file_unique_id=media.file_unique_id,
        update_id=update.update_id,
    )
    await forget(context, message, outcome)
    if message.media_group_id and outcome.reply.event == "photo_added":
        _hold(context, message.chat_id, message.media_group_id, outcome)
        return
    await show(context, message.chat_id, outcome)


async def on_forwarded(update: Update, context: Context) -> None:
    """Refuses a forwarded message as an answer."""
    await context.bot.send_message(_message(update).chat_id, FORWARDED)


async def on_other(update: Update, context: Context) -> None:
    """Explains what the bot can take (stickers, voice, locations and the like are not stored)."""
    await context.bot.send_message(_message(update).chat_id, NOT_AN_ANSWER)


async def on_error(update: object, context: Context) -> None:
    """Logs the update id and the error's class (never content) and tells the worker."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("update.failed update=%s error=%s\n%s", update_id, type(error).__name__, frames)
    chat = update.effective_chat if isinstance(update, Update) else None
    if chat is not None and chat.type == ChatType.PRIVATE:
        with suppress(Exception):
            await context.bot.send_message(chat.id, SAVED_NOTE)


async def forget(context: Context, message: Message, outcome: Outcome) -> None:
    """Deletes the worker's message once the sensitive answer or photo it carried is stored.

    Telegram keeps every chat message in its cloud; the database now holds the value encrypted.
    A failed deletion (e.g. after 48 hours) is audited and logged by ids, never fatal.
    """
    runtime = _runtime(context)
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
    await telegram_render.show(context.bot, chat_id, outcome, service=_runtime(context).service)


def _hold(context: Context, chat_id: int, group: str, outcome: Outcome) -> None:
    """Keeps an album's latest step and replies once no photo has come for a moment."""
    runtime = _runtime(context)
    key = (chat_id, group)
    count = runtime.albums.get(key, (0, outcome))[0]
    runtime.albums[key] = (count + 1, outcome)
    if count == 0:
        context.application.create_task(_flush(context, key), name=f"album:{chat_id}")


async def _flush(context: Context, key: tuple[int, str]) -> None:
    runtime = _runtime(context)
    seen = -1
    while runtime.albums[key][0] != seen:
        seen = runtime.albums[key][0]
        await asyncio.sleep(runtime.album_delay)
    _, outcome = runtime.albums.pop(key)
    await show(context, key[0], outcome)


def _noted(outcome: Outcome, note: str) -> Any:
    return replace(outcome.reply, notices=(note, *outcome.reply.notices))
