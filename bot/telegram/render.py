"""What the bot sends after a committed step: views, the summary and PDF, then the question."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import replace
from html import escape

from telegram import Bot, CallbackQuery, Message
from telegram.error import BadRequest

from bot.render.report_html import render_html, split_html
from bot.service.intake import IntakeService, Outcome
from bot.telegram import paper_buttons as papers
from bot.telegram.keyboards import Tap, marked, prompt_keyboard, reply_text, toggle
from bot.telegram.limits import MAX_TEXT
from flows.replies import Event
from flows.report import render_police_text, render_status_text

log = logging.getLogger(__name__)


async def show(bot: Bot, chat_id: int, outcome: Outcome, *, service: IntakeService) -> None:
    """Sends what a committed step produced: views, the summary, then the next question."""
    reply = outcome.reply
    if outcome.duplicate:  # applied before: the reply may have been lost, so ask again
        reply = replace(reply, notices=(), alerts=(), report=None)
    report = reply.report
    if report is not None:
        texts = list(filter(None, [reply_text(reply, with_prompt=False), *_views(outcome)]))
        for i, text in enumerate(texts):
            # The read-out and the review end with the papers that go out.
            offer = i == len(texts) - 1 and reply.view in papers.VIEWS
            markup = papers.paper_keyboard(report, outcome.report_id) if offer else None
            await bot.send_message(chat_id, text, reply_markup=markup)
        if reply.event == Event.SUBMITTED:
            await _send_pdf(bot, chat_id, outcome, service)
    keyboard = None
    if reply.prompt is not None and reply.prompt.choices:
        keyboard = prompt_keyboard(
            reply.prompt,
            report_id=outcome.report_id,
            version=outcome.version,
            sections=[s.title for s in report.sections] if report is not None else [],
        )
    last = reply_text(reply, with_notes=report is None)
    for i, chunk in enumerate(split(last) if last else []):
        await bot.send_message(chat_id, chunk, reply_markup=keyboard if i == 0 else None)


def _views(outcome: Outcome) -> list[str]:
    """Returns the report view a reply asks for, as Telegram HTML messages."""
    reply, report = outcome.reply, outcome.reply.report
    if report is None:
        return []
    now = report.generated_at
    if reply.view == "police":
        return split(f"<pre>{escape(render_police_text(report))}</pre>")
    if reply.view == "status":
        return split(f"<pre>{escape(render_status_text(report, now=now))}</pre>")
    return render_html(report, now=now)


async def _send_pdf(bot: Bot, chat_id: int, outcome: Outcome, service: IntakeService) -> None:
    """Sends the submitted report as a PDF with the child's photos."""
    from bot.render.report_pdf import render_pdf

    report = outcome.reply.report
    if report is None:
        return
    photos = await asyncio.to_thread(service.photos, outcome.report_id)
    pdf = await asyncio.to_thread(render_pdf, report, now=report.generated_at, photos=photos)
    name = f"missing-child-report-{outcome.report_id}.pdf"
    await bot.send_document(chat_id, document=pdf, filename=name)
    log.info("report.pdf_sent report=%s", outcome.report_id)


async def answer_query(query: CallbackQuery, text: str | None = None) -> None:
    # A query is answerable for a short while only; a late answer must not undo the step.
    with suppress(BadRequest):
        await query.answer(text)


async def mark_chosen(query: CallbackQuery, chosen: str) -> None:
    """Shows the chosen answer under the question and removes its buttons."""
    message = query.message
    if not isinstance(message, Message):
        return
    with suppress(BadRequest):
        if message.text:
            await query.edit_message_text(marked(message.text_html, chosen), reply_markup=None)
        else:
            await query.edit_message_reply_markup(reply_markup=None)


async def retick(query: CallbackQuery, tap: Tap) -> None:
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        with suppress(BadRequest):
            await query.edit_message_reply_markup(toggle(message.reply_markup, tap))


def split(text: str) -> list[str]:
    if len(text) <= MAX_TEXT:
        return [text]
    return split_html(text)
