"""Telegram handlers for the day after: /handover, /open, /report, /effort and their buttons.

Thin like the intake's: parse, one service call in a thread, render. The service checks roles
(staff act on the reports they hold, supervisors on all) and audits every refusal.
"""

from __future__ import annotations

import asyncio
import re
from contextlib import suppress
from html import escape
from typing import Any, cast

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.render.case_text import actions_text, logged_text, open_cases_text
from bot.render.report_html import render_html
from bot.service.access import NOT_ALLOWED
from bot.service.case_values import CaseFile
from bot.service.people import telegram_worker
from bot.telegram.chat import Context, runtime_of, worker_of
from bot.telegram.delivery import FULL_PREFIX
from bot.telegram.notification_text import summary_html
from bot.telegram.supervisors import delivery_of
from flows.efforts import EFFORT_LABELS, EffortAction, parse_action

HANDOVER_PREFIX, EFFORT_PREFIX = "ho", "ef"
HANDOVER_USAGE = "Usage: /handover REPORT [STAFF_ID] — without an id, pick the person."
REPORT_USAGE = "Usage: /report REPORT"
NOBODY = "There is no one else on the staff list to hand it to."


def _words(message: Message) -> list[str]:
    return [w.lstrip("#") for w in (message.text or "").split()[1:]]


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() and len(word) <= 12 else None


async def _say(context: Context, chat_id: int, text: str) -> None:
    await context.bot.send_message(chat_id, escape(text))


async def on_handover(update: Update, context: Context) -> None:
    """``/handover 12 ID`` hands the report over; ``/handover 12`` offers the staff to pick."""
    message, service = cast(Message, update.effective_message), runtime_of(context).service
    words = _words(message)
    report_id = _number(words[0]) if words else None
    if report_id is None:
        await _say(context, message.chat_id, HANDOVER_USAGE)
        return
    actor = worker_of(update)
    if len(words) > 1 and (to := _number(words[1])) is not None:
        handed = await asyncio.to_thread(service.handover, actor, report_id, telegram_worker(to))
        await _say(context, message.chat_id, handed.message)
        return
    choices = await asyncio.to_thread(service.handover_choices, actor, report_id)
    if choices is None:
        await _say(context, message.chat_id, NOT_ALLOWED)
        return
    if not choices:
        await _say(context, message.chat_id, NOBODY)
        return
    buttons = [
        [InlineKeyboardButton(name, callback_data=f"{HANDOVER_PREFIX}:{report_id}:{member}")]
        for member, name in choices
    ]
    await context.bot.send_message(
        message.chat_id,
        f"Hand report #{report_id} to whom?",
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def on_handover_tap(update: Update, context: Context) -> None:
    """Hands the report to the member tapped in the /handover list."""
    query = cast(CallbackQuery, update.callback_query)
    match = re.fullmatch(rf"{HANDOVER_PREFIX}:(\d{{1,12}}):(\d{{1,15}})", query.data or "")
    if match is None:
        return
    service = runtime_of(context).service
    report_id, to = int(match.group(1)), int(match.group(2))
    handed = await asyncio.to_thread(
        service.handover, worker_of(update), report_id, telegram_worker(to)
    )
    with suppress(TelegramError):
        await query.answer(handed.message if not handed.done else None)
    if handed.done and isinstance(query.message, Message):
        with suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)
        await _say(context, query.message.chat_id, handed.message)


async def on_open(update: Update, context: Context) -> None:
    """``/open``: every open episode, overdue first, for supervisors only."""
    message, service = cast(Message, update.effective_message), runtime_of(context).service
    cases = await asyncio.to_thread(service.open_cases, worker_of(update))
    text = NOT_ALLOWED if cases is None else open_cases_text(cases, service.now())
    await context.bot.send_message(message.chat_id, escape(text))


async def _send_file(context: Context, chat_id: int, case: CaseFile, *, full: bool) -> None:
    """Sends a case's summary (or its full HTML report) and then its PDF."""
    from bot.render.report_pdf import render_pdf  # fpdf2 only when a file is asked for

    service, minimal = runtime_of(context).service, delivery_of(context).minimal_summary
    now = service.now()
    if full:
        for part in render_html(case.report, now=now, minimal=minimal):
            await context.bot.send_message(chat_id, part)
    else:
        await context.bot.send_message(chat_id, summary_html(case, now=now, minimal=minimal))
    pdf = await asyncio.to_thread(render_pdf, case.report, now=now, photos=case.photos)
    await context.bot.send_document(
        chat_id, document=pdf, filename=f"missing-child-report-{case.report.report_id}.pdf"
    )


async def on_report(update: Update, context: Context) -> None:
    """``/report 12``: the latest summary and the PDF, for the holder or a supervisor."""
    message, service = cast(Message, update.effective_message), runtime_of(context).service
    words = _words(message)
    report_id = _number(words[0]) if words else None
    if report_id is None:
        await _say(context, message.chat_id, REPORT_USAGE)
        return
    case = await asyncio.to_thread(service.case_file, worker_of(update), report_id)
    if case is None:
        await _say(context, message.chat_id, NOT_ALLOWED)
        return
    await _send_file(context, message.chat_id, case, full=False)


async def on_full_tap(update: Update, context: Context) -> None:
    """The summary's "Full report" button: the whole report as HTML, then the PDF."""
    query = cast(CallbackQuery, update.callback_query)
    match = re.fullmatch(rf"{FULL_PREFIX}:(\d{{1,12}})", query.data or "")
    if match is None or not isinstance(query.message, Message):
        return
    service = runtime_of(context).service
    case = await asyncio.to_thread(service.case_file, worker_of(update), int(match.group(1)))
    with suppress(TelegramError):
        await query.answer(NOT_ALLOWED if case is None else None)
    if case is not None:
        await _send_file(context, query.message.chat_id, case, full=True)


async def on_effort(update: Update, context: Context) -> None:
    """``/effort [REPORT] ACTION outcome`` logs a search effort; without an action, offers them."""
    message, service = cast(Message, update.effective_message), runtime_of(context).service
    words = _words(message)
    report_id = _number(words[0]) if words else None
    rest = words[1:] if report_id is not None else words
    action = parse_action(rest[0]) if rest else None
    if action is None:
        buttons = [
            [
                InlineKeyboardButton(
                    EFFORT_LABELS[a], callback_data=f"{EFFORT_PREFIX}:{report_id or 0}:{i}"
                )
            ]
            for i, a in enumerate(EffortAction)
        ]
        await context.bot.send_message(
            message.chat_id, escape(actions_text()), reply_markup=InlineKeyboardMarkup(buttons)
        )
        return
    outcome = " ".join(rest[1:])
    logged = await asyncio.to_thread(
        service.add_effort, worker_of(update), report_id, action, outcome
    )
    await _say(context, message.chat_id, logged_text(logged))


async def on_effort_tap(update: Update, context: Context) -> None:
    """Logs the search effort tapped in the /effort list (no outcome typed)."""
    query = cast(CallbackQuery, update.callback_query)
    match = re.fullmatch(rf"{EFFORT_PREFIX}:(\d{{1,12}}):(\d)", query.data or "")
    actions = list(EffortAction)
    if match is None or int(match.group(2)) >= len(actions):
        return
    service, report_id = runtime_of(context).service, int(match.group(1)) or None
    action = actions[int(match.group(2))]
    logged = await asyncio.to_thread(service.add_effort, worker_of(update), report_id, action, "")
    with suppress(TelegramError):
        await query.answer()
    if isinstance(query.message, Message):
        with suppress(TelegramError):
            await query.edit_message_reply_markup(reply_markup=None)
        await _say(context, query.message.chat_id, logged_text(logged))


def install(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Adds the day-after commands and buttons; call before the intake's own handlers."""
    message = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("handover", on_handover, filters=message))
    app.add_handler(CommandHandler("open", on_open, filters=message))
    app.add_handler(CommandHandler("report", on_report, filters=message))
    app.add_handler(CommandHandler("effort", on_effort, filters=message))
    app.add_handler(CallbackQueryHandler(on_handover_tap, pattern=rf"^{HANDOVER_PREFIX}:"))
    app.add_handler(CallbackQueryHandler(on_full_tap, pattern=rf"^{FULL_PREFIX}:"))
    app.add_handler(CallbackQueryHandler(on_effort_tap, pattern=rf"^{EFFORT_PREFIX}:"))
