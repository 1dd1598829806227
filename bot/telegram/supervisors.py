"""Telegram handlers for access and supervisors: the allowlist gate, ``/staff`` and Acknowledge."""

from __future__ import annotations

import asyncio
import logging
import re
from contextlib import suppress
from datetime import timedelta
from typing import Any, cast

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.service.access import NOT_ALLOWED, REFUSAL, Access
from bot.service.intake import IntakeService
from bot.telegram.delivery import Delivery
from bot.terminal import admin_cli
from storage.staff import Role

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
ACK_PATTERN = r"^ack:\d{1,12}:\d{1,15}$"
ANONYMOUS_ADMIN = 1087968824  # Telegram's stand-in user for anonymous group admins
ACKED = "Acknowledged. The worker has been told."


def access_of(context: Context) -> Access:
    """Returns the application's access checker."""
    return cast(Access, context.bot_data["access"])


def delivery_of(context: Context) -> Delivery:
    """Returns the application's outbox sender."""
    return cast(Delivery, context.bot_data["delivery"])


def update_type(update: Update) -> str:
    """Returns which kind of update this is (message, callback_query...), for the audit row."""
    for name in ("message", "edited_message", "callback_query", "my_chat_member", "inline_query"):
        if getattr(update, name, None) is not None:
            return name
    return "other"


def _anonymous(update: Update) -> bool:
    user, message = update.effective_user, update.effective_message
    if user is None or user.is_bot or user.id == ANONYMOUS_ADMIN:
        return True
    return message is not None and (message.sender_chat is not None or message.via_bot is not None)


async def gate(update: Update, context: Context) -> None:
    """Runs before every handler: lets active staff through, refuses and audits everyone else."""
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        return  # the private-chats-only handler refuses it and stores nothing
    access = access_of(context)
    user = update.effective_user
    if (
        user is not None
        and not _anonymous(update)
        and await asyncio.to_thread(access.admits, user.id)
    ):
        return
    user_id = user.id if user is not None else None
    tell = await asyncio.to_thread(access.deny, user_id, update_type=update_type(update))
    if tell and user_id is not None:
        with suppress(TelegramError):
            if update.callback_query is not None:
                await update.callback_query.answer(REFUSAL, show_alert=True)
            else:
                await context.bot.send_message(user_id, REFUSAL)
    elif update.callback_query is not None:
        with suppress(TelegramError):
            await update.callback_query.answer()
    raise ApplicationHandlerStop


async def on_staff(update: Update, context: Context) -> None:
    """``/staff add|remove|list`` for admins; anyone else is refused and audited."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    access = access_of(context)
    member = await asyncio.to_thread(access.member, user.id)
    if member is None or not member.has(Role.ADMIN):
        await asyncio.to_thread(access.forbid, user.id, object_id=None, reason="staff_command")
        await context.bot.send_message(message.chat_id, NOT_ALLOWED)
        return
    reply = await asyncio.to_thread(
        admin_cli.telegram, message.text or "", access, actor=f"telegram:{user.id}"
    )
    await context.bot.send_message(message.chat_id, reply, parse_mode=None)


async def on_ack(update: Update, context: Context) -> None:
    """Records an Acknowledge tap after checking it is this supervisor's, about this report."""
    query = cast(CallbackQuery, update.callback_query)
    user = update.effective_user
    match = re.fullmatch(r"ack:(\d+):(\d+)", query.data or "")
    if match is None or user is None:
        return
    report_id, notification_id = int(match.group(1)), int(match.group(2))
    delivery = delivery_of(context)
    service = delivery.service
    result = await asyncio.to_thread(service.acknowledge, user.id, report_id, notification_id)
    if result == "denied":
        await asyncio.to_thread(
            access_of(context).forbid, user.id, object_id=report_id, reason="acknowledge"
        )
    text = {"acknowledged": ACKED, "again": "Already acknowledged."}.get(result, NOT_ALLOWED)
    with suppress(TelegramError):
        await query.answer(text)
    if result == "acknowledged" and isinstance(query.message, Message):
        with suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)
        when = f"{service.now():%H:%M}"
        await context.bot.send_message(
            query.message.chat_id, f"✅ You acknowledged report #{report_id} ({when})."
        )
    log.info("report.ack report=%s result=%s", report_id, result)


def install(
    app: Application[Any, Any, Any, Any, Any, Any],
    settings: Settings,
    service: IntakeService,
    *,
    request: BaseRequest | None,
    delivery_interval: float | None,
) -> None:
    """Adds the gate, ``/staff`` and Acknowledge handlers and the outbox sender to the bot.

    Call before the intake handlers are added: the first matching handler of a group wins.
    """
    access = service.access
    # The sender has its own bot without the rate limiter: PTB's limiter would sleep through a
    # 429 itself, while the outbox records ``retry_after`` and lets other rows go meanwhile.
    bot: ExtBot[None] = ExtBot(
        cast(str, settings.token),
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_api_file_url,
        request=request or HTTPXRequest(),
        defaults=cast(Defaults, app.bot.defaults),
    )
    delivery = Delivery(
        service,
        bot,
        ack_wait=timedelta(minutes=settings.supervisor_ack_minutes),
        minimal_summary=settings.supervisor_summary == "minimal",
    )
    app.bot_data.update(
        access=access,
        delivery=delivery,
        delivery_interval=delivery_interval,
        admin_ids=settings.admins,
    )
    app.add_handler(TypeHandler(Update, gate), group=-2)
    app.add_handler(CallbackQueryHandler(on_ack, pattern=ACK_PATTERN))
    app.add_handler(CommandHandler("staff", on_staff, filters=filters.UpdateType.MESSAGE))


async def start(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Seeds the admins from ADMIN_IDS and starts the sender (pending rows resume at once)."""
    access, delivery = (
        cast(Access, app.bot_data["access"]),
        cast(Delivery, app.bot_data["delivery"]),
    )
    await asyncio.to_thread(access.seed_admins, app.bot_data["admin_ids"])
    await asyncio.to_thread(access.forget_old_denials)
    interval = app.bot_data["delivery_interval"]
    if interval is None:
        return
    await delivery.bot.initialize()
    await asyncio.to_thread(delivery.resume)
    stop = asyncio.Event()
    task = asyncio.create_task(delivery.run(stop, interval=interval), name="outbox")
    app.bot_data["delivery_stop"] = (stop, task)


async def stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stops the sender after the pass in progress and closes its bot."""
    running = app.bot_data.pop("delivery_stop", None)
    if running is None:
        return
    event, task = running
    event.set()
    await task
    await cast(Delivery, app.bot_data["delivery"]).bot.shutdown()
