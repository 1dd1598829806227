"""The papers in Telegram: buttons under the police read-out and the review, and their answer.

"If found card" sends the card as one message and a one-page PDF; "Public flyer" (offered only
when publication is authorized) sends the flyer PDF. Callback data is ``p:REPORT:KIND``; the
service gives papers of the worker's own reports only and audits each one.
"""

from __future__ import annotations

import asyncio
import logging
import re
from contextlib import suppress
from html import escape
from typing import cast

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

from bot.service.intake import FlyerNotAuthorized, Paper, ReportNotFound
from bot.telegram.chat import Context, runtime_of, worker_of
from bot.telegram.paper_buttons import PATTERN
from flows.papers import render_card_text

log = logging.getLogger(__name__)

_DATA = re.compile(PATTERN)
GONE = "That report is not yours or no longer exists."
NO_FLYER = "No publication authority is recorded, so there is no public flyer."


async def on_paper(update: Update, context: Context) -> None:
    """Sends the tapped paper: the card as a message and a PDF, or the flyer PDF."""
    query = cast(CallbackQuery, update.callback_query)
    match = _DATA.fullmatch(query.data or "")
    message = query.message
    if match is None or not isinstance(message, Message):
        await answer_query(query, GONE)
        return
    report_id, paper = int((query.data or "").split(":")[1]), Paper(match.group(1))
    service, worker = runtime_of(context).service, worker_of(update)
    actor = worker
    now = service.now()
    from bot.render.paper_pdf import render_card, render_flyer  # fpdf2 only when a paper is asked

    try:
        if paper is Paper.CARD:
            card, photos = await asyncio.to_thread(
                service.card, report_id, actor=actor, worker=worker
            )
            pdf = await asyncio.to_thread(render_card, card, now=now, photos=photos)
            await answer_query(query)
            await context.bot.send_message(
                message.chat_id, f"<pre>{escape(render_card_text(card))}</pre>"
            )
        else:
            flyer, photos = await asyncio.to_thread(
                service.flyer, report_id, actor=actor, worker=worker
            )
            pdf = await asyncio.to_thread(render_flyer, flyer, now=now, photos=photos)
            await answer_query(query)
    except ReportNotFound:
        await answer_query(query, GONE)
        return
    except FlyerNotAuthorized:
        await answer_query(query, NO_FLYER)
        return
    name = f"{paper.value}-{report_id}.pdf"
    await context.bot.send_document(message.chat_id, document=pdf, filename=name)
    log.info("report.paper_sent report=%s paper=%s", report_id, paper.value)


async def answer_query(query: CallbackQuery, text: str | None = None) -> None:
    # A query is answerable for a short while only; a late answer must not stop the paper.
    with suppress(BadRequest):
        await query.answer(text)
