"""The Telegram handlers: parse the update, make one service call in a thread, render.

Each service call commits before it returns, so what a handler shows is already saved.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from contextlib import suppress
from dataclasses import replace
from functools import partial
from typing import Any, cast

from telegram import BotCommand, CallbackQuery, Document, Message, PhotoSize, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop

from bot.service.photos import Cleaned, clean
from bot.telegram import supervisors
from bot.telegram.chat import (
    Context,
    Runtime,
    forget,
    hold,
    message_of,
    noted,
    runtime_of,
    show,
    worker_of,
)
from bot.telegram.keyboards import TapKind, parse_tap
from bot.telegram.limits import MAX_DOWNLOAD
from bot.telegram.render import answer_query, mark_chosen, retick
from flows.replies import Event

log = logging.getLogger("bot.telegram.app")

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
    BotCommand("effort", "Log a search effort: /effort <report> <what> <outcome>"),
    BotCommand("handover", "Hand a report to someone: /handover <report>"),
    BotCommand("open", "Supervisors: every open episode"),
    BotCommand("report", "A report's summary and PDF: /report <report>"),
    BotCommand("help", "What you can send"),
]


async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
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
    runtime = runtime_of(context)
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
    message, service = message_of(update), runtime_of(context).service
    new = (message.text or "").split()[0].split("@")[0].lower() == "/new"
    outcome = await asyncio.to_thread(
        service.start, worker_of(update), new=new, update_id=update.update_id
    )
    word = "started" if outcome.reply.event == Event.STARTED else "resumed"
    banner = f"Report #{outcome.report_id} {word}. Send /help for commands."
    await show(context, message.chat_id, replace(outcome, reply=noted(outcome, banner)))


async def on_found(update: Update, context: Context) -> None:
    """Starts the recovery record of the worker's report (or of /found REPORT_ID)."""
    message, service = message_of(update), runtime_of(context).service
    words = (message.text or "").split()[1:]
    report_id = int(words[0].lstrip("#")) if words and words[0].lstrip("#").isdigit() else None
    outcome = await asyncio.to_thread(
        service.found, worker_of(update), report_id, update_id=update.update_id
    )
    banner = f"Recovery record #{outcome.report_id}: the child is found."
    await show(context, message.chat_id, replace(outcome, reply=noted(outcome, banner)))


async def on_text(update: Update, context: Context) -> None:
    """Stores the answer (or runs the command) and asks the next question."""
    message, service = message_of(update), runtime_of(context).service
    outcome = await asyncio.to_thread(
        service.handle_text,
        worker_of(update),
        message.text or "",
        update_id=update.update_id,
        message_id=message.message_id,
    )
    await show(context, message.chat_id, outcome)
    await forget(context, message, outcome)


async def on_edit(update: Update, context: Context) -> None:
    """Changes the answer an edited message gave and confirms the change."""
    message, service = message_of(update), runtime_of(context).service
    outcome = await asyncio.to_thread(
        service.edit_answer,
        worker_of(update),
        message.message_id,
        message.text or "",
        update_id=update.update_id,
    )
    if outcome.reply.event == Event.EDIT_UNLINKED:
        await context.bot.send_message(message.chat_id, UNLINKED)
        return
    await show(context, message.chat_id, outcome)
    await forget(context, message, outcome)


async def on_tap(update: Update, context: Context) -> None:
    """Applies a button tap, marks the question with the answer and asks the next one."""
    query = cast(CallbackQuery, update.callback_query)
    tap = parse_tap(query.data)
    if tap is not None and tap.kind == TapKind.TOGGLE:  # a tick changes only the buttons
        await answer_query(query)
        await retick(query, tap)
        return
    if tap is None or (tap.kind == TapKind.CONFIRM and tap.value == 0):
        await _refuse_tap(update, context, query, forged=tap is None)
        return
    service, worker, update_id = runtime_of(context).service, worker_of(update), update.update_id
    if tap.kind == TapKind.EDIT_SECTION:
        step = partial(service.edit_section, worker, tap.report_id, tap.version, tap.value)
    else:
        step = partial(service.handle_choice, worker, tap.report_id, tap.version, tap.indexes)
    outcome = await asyncio.to_thread(step, update_id=update_id)
    expired = outcome.reply.event == Event.EXPIRED
    await answer_query(query, outcome.reply.error if expired else None)
    if expired:
        return
    if not outcome.duplicate:
        await mark_chosen(query, outcome.chosen)
    if isinstance(query.message, Message):
        await show(context, query.message.chat_id, outcome)


async def _refuse_tap(
    update: Update, context: Context, query: CallbackQuery, *, forged: bool
) -> None:
    """Answers a Done with nothing ticked, or data this bot never sent (audited)."""
    await answer_query(query, "This button has expired." if forged else "Tap one or more first.")
    if forged:  # forged or garbled: keep a trace
        await asyncio.to_thread(
            runtime_of(context).service.record,
            "input.rejected",
            report_id=0,
            actor=worker_of(update),
            outcome="refused",
            reason="unknown_callback_data",
        )


async def on_photo(update: Update, context: Context) -> None:
    """Stores the photo with its bytes; an album gets one reply once its last photo is in."""
    message, service = message_of(update), runtime_of(context).service
    photo = await _cleaned_photo(context, message)
    if photo is None:
        return
    media, cleaned = photo
    outcome = await asyncio.to_thread(
        partial(service.add_photo, worker_of(update), content=cleaned.content, mime=cleaned.mime),
        file_id=media.file_id,
        file_unique_id=media.file_unique_id,
        update_id=update.update_id,
    )
    await forget(context, message, outcome)
    if message.media_group_id and outcome.reply.event == Event.PHOTO_ADDED:
        hold(context, message.chat_id, message.media_group_id, outcome)
        return
    await show(context, message.chat_id, outcome)


async def _cleaned_photo(
    context: Context, message: Message
) -> tuple[PhotoSize | Document, Cleaned] | None:
    """Downloads the photo and re-encodes it; says why and returns None when it cannot be."""
    media = message.photo[-1] if message.photo else message.document
    if media is None:
        return None
    if (media.file_size or 0) > MAX_DOWNLOAD:
        await context.bot.send_message(message.chat_id, TOO_BIG)
        return None
    content = bytes(await (await media.get_file()).download_as_bytearray())
    photo = await asyncio.to_thread(clean, content)
    if photo is None:
        await context.bot.send_message(message.chat_id, NOT_AN_IMAGE)
        return None
    return media, photo


async def on_forwarded(update: Update, context: Context) -> None:
    """Refuses a forwarded message as an answer."""
    await context.bot.send_message(message_of(update).chat_id, FORWARDED)


async def on_other(update: Update, context: Context) -> None:
    """Explains what the bot can take (stickers, voice, locations and the like are not stored)."""
    await context.bot.send_message(message_of(update).chat_id, NOT_AN_ANSWER)


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
