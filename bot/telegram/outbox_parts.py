"""Sends one outbox row's message part by part, recording each accepted part before the next.

A summary is several HTML messages and a PDF. Sending them all and marking the row once made any
failure (a 502 on ``sendDocument``) send every part again on the retry. Now each part Telegram
accepts is committed as progress, and a retry starts at the first part not yet accepted: under
429, 5xx and network faults every part arrives exactly once, and a crash between Telegram
accepting a part and the commit repeats that one part only.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import unescape

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.service.outbox_rows import Notification


@dataclass(frozen=True, slots=True)
class Parts:
    """What to send for one row: the HTML texts, the PDF after them, and the last one's button."""

    texts: Sequence[str]
    pdf: bytes | None
    markup: InlineKeyboardMarkup | None
    plain: bool  # Telegram refused the HTML last time: send the rest as plain text


async def send_parts(
    bot: Bot, row: Notification, parts: Parts, *, record: Callable[[int, int, int], None]
) -> int:
    """Sends the parts the row has not sent yet; returns the id of its first message.

    ``record(row_id, parts_sent, message_id)`` commits each accepted part before the next.
    """
    total = len(parts.texts) + (parts.pdf is not None)
    first = row.sent_message_id or 0
    for index in range(row.parts_sent, total):
        markup = parts.markup if index == total - 1 else None
        if index < len(parts.texts):
            text = parts.texts[index]
            sent = await bot.send_message(
                row.recipient,
                plain(text) if parts.plain else text,
                reply_markup=markup,
                parse_mode=None if parts.plain else ParseMode.HTML,
            )
        else:
            sent = await bot.send_document(
                row.recipient,
                document=parts.pdf or b"",
                filename=f"missing-child-report-{row.report_id}.pdf",
                reply_markup=markup,
            )
        first = first or sent.message_id
        await asyncio.to_thread(record, row.id or 0, index + 1, sent.message_id)
    return first


def plain(text: str) -> str:
    """Returns Telegram HTML as plain text (tags dropped, entities decoded)."""
    return unescape(re.sub(r"<[^>]+>", "", text))
