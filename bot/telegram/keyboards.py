"""Telegram's side of a reply: inline keyboards, short callback data and the message texts.

Callback data is a short string ``kind:report:version:value`` (at most 64 bytes, Telegram's
limit): the version is the report's row version when the keyboard was shown, so a tap on an old
keyboard is recognised and refused by the service. Multi-choice questions keep the worker's
selection in the keyboard itself (a tick on each chosen button, the selection as a bit mask in
the Done button), so nothing is held in memory between taps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.limits import MAX_CALLBACK_DATA, MAX_TEXT
from flows.engine import Prompt, Reply
from flows.lifecycle import State
from flows.progress import progress_text
from flows.schema import Kind


class TapKind(StrEnum):
    """What a button does, as its callback data's first letter."""

    CHOOSE = "c"  # one option of a single choice
    EDIT_SECTION = "e"  # a section of the review screen, to edit its first answer
    TOGGLE = "t"  # tick or untick one option of a checklist (nothing is stored yet)
    CONFIRM = "m"  # "Done" on a checklist: the ticked options as a bit mask


CHOOSE, EDIT_SECTION, TOGGLE, CONFIRM = TapKind
TICK = "✓ "
COMMAND_VALUES = frozenset({"unknown", "skip", "done"})
_TAP = re.compile(r"([cetm]):(\d{1,12}):(\d{1,12}):(\d{1,12})")


@dataclass(frozen=True, slots=True)
class Tap:
    """A parsed button tap: what kind, on which report at which version, and which option."""

    kind: TapKind
    report_id: int
    version: int
    value: int

    @property
    def indexes(self) -> list[int]:
        """Returns the tapped choice indexes (a confirm tap carries a bit mask of several)."""
        if self.kind != CONFIRM:
            return [self.value]
        return [i for i in range(self.value.bit_length()) if self.value >> i & 1]


def tap_data(kind: TapKind, report_id: int, version: int, value: int) -> str:
    """Returns the callback data of one button."""
    data = f"{kind}:{report_id}:{version}:{value}"
    if len(data.encode()) > MAX_CALLBACK_DATA:
        raise ValueError("callback data over Telegram's 64-byte limit")
    return data


def parse_tap(data: str | None) -> Tap | None:
    """Returns the tap a callback carries, or None for data this bot never sent."""
    match = _TAP.fullmatch(data or "")
    if match is None:
        return None
    kind, *numbers = match.groups()
    return Tap(TapKind(kind), *(int(n) for n in numbers))


def prompt_keyboard(
    prompt: Prompt, *, report_id: int, version: int, sections: Sequence[str] = ()
) -> InlineKeyboardMarkup:
    """Builds the buttons of a question: one per choice, ticks for a multi-choice question."""
    rows: list[list[InlineKeyboardButton]] = []
    if sections and prompt.is_submit:
        edits = [
            InlineKeyboardButton(
                f"✎ {title}", callback_data=tap_data(EDIT_SECTION, report_id, version, i)
            )
            for i, title in enumerate(sections)
        ]
        rows += _rows(edits, per_row=2)
    options = [(i, c) for i, c in enumerate(prompt.choices) if c.value not in COMMAND_VALUES]
    commands = [(i, c) for i, c in enumerate(prompt.choices) if c.value in COMMAND_VALUES]
    multi = prompt.kind is Kind.MULTI_CHOICE
    kind = TOGGLE if multi else CHOOSE
    buttons = [
        InlineKeyboardButton(c.label, callback_data=tap_data(kind, report_id, version, i))
        for i, c in options
    ]
    rows += _rows(
        buttons, per_row=3 if max((len(c.label) for _, c in options), default=0) <= 12 else 2
    )
    last = [
        InlineKeyboardButton(c.label, callback_data=tap_data(CHOOSE, report_id, version, i))
        for i, c in commands
    ]
    if multi:
        last.insert(
            0, InlineKeyboardButton("Done", callback_data=tap_data(CONFIRM, report_id, version, 0))
        )
    if last:
        rows.append(last)
    return InlineKeyboardMarkup(rows)


def toggle(markup: InlineKeyboardMarkup, tap: Tap) -> InlineKeyboardMarkup:
    """Returns the keyboard with one option ticked or unticked and Done carrying the selection."""
    mask = 0
    rows: list[list[InlineKeyboardButton]] = []
    for row in markup.inline_keyboard:
        new_row: list[InlineKeyboardButton] = []
        for button in row:
            own = parse_tap(button.callback_data if isinstance(button.callback_data, str) else None)
            text = button.text
            if own is not None and own.kind == TOGGLE:
                ticked = text.startswith(TICK)
                if own.value == tap.value:
                    ticked = not ticked
                    text = TICK + text if ticked else text.removeprefix(TICK)
                mask |= ticked << own.value
            new_row.append(InlineKeyboardButton(text, callback_data=button.callback_data))
        rows.append(new_row)
    for buttons in rows:
        for i, button in enumerate(buttons):
            own = parse_tap(button.callback_data if isinstance(button.callback_data, str) else None)
            if own is not None and own.kind == CONFIRM:
                data = tap_data(CONFIRM, own.report_id, own.version, mask)
                buttons[i] = InlineKeyboardButton(button.text, callback_data=data)
    return InlineKeyboardMarkup(rows)


def reply_text(reply: Reply, *, with_prompt: bool = True, with_notes: bool = True) -> str:
    """Renders a reply's confirmations, alerts, error and question as Telegram HTML."""
    out: list[str] = []
    if with_notes:
        out += [escape(n) for n in reply.notices]
        out += [f"⚠ <b>{escape(a)}</b>" for a in reply.alerts]
    if not with_prompt:
        return "\n".join(out)
    if reply.error:
        out.append(f"✗ {escape(reply.error)}")
    if reply.state == State.SUBMITTED and reply.prompt is None:
        out.append("Report submitted. Send 'edit' and a number to amend it.")
    if reply.prompt is not None:
        if out:
            out.append("")
        out += prompt_lines(reply)
    return "\n".join(out)


def prompt_lines(reply: Reply) -> list[str]:
    """Renders the question with its progress line, current answer and expected format."""
    prompt = reply.prompt
    if prompt is None:
        return []
    out: list[str] = []
    if reply.progress is not None and not prompt.is_sentinel:
        out.append(f"<i>{escape(progress_text(reply.progress))}</i>")
    out.append(f"<b>{escape(prompt.text)}</b>")
    if prompt.current:
        out.append(f"Now: {escape(prompt.current)} — send a new answer, or 'keep'.")
    if prompt.hint:
        out.append(f"<i>{escape(prompt.hint)}</i>")
    if prompt.kind is Kind.PHOTO:
        out.append("<i>Send one or more photos (JPEG, PNG or WebP).</i>")
    elif prompt.kind is Kind.MULTI_CHOICE:
        out.append("<i>Tap each that applies, then Done.</i>")
    return out


def marked(question_html: str, chosen: str) -> str:
    """Returns a question message's text with the chosen answer appended."""
    text = f"{question_html}\n→ <b>{escape(chosen)}</b>"
    return text if len(text) <= MAX_TEXT else question_html


def _rows(buttons: list[InlineKeyboardButton], *, per_row: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
