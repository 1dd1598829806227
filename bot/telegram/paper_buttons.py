"""The papers' buttons under the police read-out and the review (callback ``p:REPORT:KIND``)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.service.intake import Paper
from flows.papers import flyer_allowed
from flows.report import Report

PATTERN = r"^p:\d{1,12}:(card|flyer)$"
VIEWS = frozenset({"police", "review"})  # the views that offer the papers
LABELS = {Paper.CARD: "🚓 If found card", Paper.FLYER: "📄 Public flyer"}


def paper_keyboard(report: Report, report_id: int) -> InlineKeyboardMarkup:
    """Returns the papers' buttons: the card always, the flyer once publication is authorized."""
    papers = [Paper.CARD, *([Paper.FLYER] if flyer_allowed(report) else [])]
    buttons = [
        InlineKeyboardButton(LABELS[p], callback_data=f"p:{report_id}:{p.value}") for p in papers
    ]
    return InlineKeyboardMarkup([buttons])
