"""Renders the report as Telegram HTML messages, split to fit Telegram's 4096-character limit.

User text is escaped by Jinja2's autoescape (``templates/report.html.j2``); only the tags
Telegram accepts are written. ``split_html`` cuts long HTML on block, line, word and finally
character boundaries, never inside a tag or an entity, and closes and re-opens the tags open
at each cut so every part is valid on its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.telegram.limits import MAX_TEXT
from flows.efforts import entry_text
from flows.report import (
    STATE_WORDS,
    DeadlineStatus,
    Line,
    RaisedFlag,
    Report,
    checklist_mark,
    flag_reasons,
    stamp,
    step_text,
    time_left,
)

MAX_MESSAGE_LENGTH = MAX_TEXT
OMITTED = "Sensitive details omitted — see the PDF or the console export."

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)
# A tag, an entity, a run of plain text, or a stray '<' or '&' (kept as text).
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")
# Cut between blocks first, then lines, then words, then characters.
_SEPARATORS = ("\n\n", "\n", " ")


@dataclass(frozen=True, slots=True)
class Row:
    """One answer as the templates show it: label, value without its code, and the code."""

    label: str
    value: str
    code: str = ""


@dataclass(frozen=True, slots=True)
class Due:
    """One deadline as the templates show it."""

    label: str
    due: str
    left: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class Step:
    """One checklist step as the templates show it: ✓/○/–, its text, and whether overdue."""

    mark: str
    text: str
    overdue: bool


def checklist(report: Report, now: datetime) -> list[Step]:
    """Returns the checklist steps in order, worded with the time left counted from ``now``."""
    return [Step(checklist_mark(s), step_text(s, now), s.overdue) for s in report.checklist]


def heading(report: Report) -> tuple[str, str]:
    """Returns the report's title line and its status line."""
    number = f" #{report.report_id}" if report.report_id is not None else ""
    state = STATE_WORDS.get(report.state, report.state.replace("_", " "))
    return (
        f"MISSING CHILD REPORT{number} — {report.subject}",
        f"Status: {state} · generated {stamp(report.generated_at)}",
    )


def row(line: Line) -> Row:
    """Returns the line with its NCIC mnemonic and code apart ('Brown', 'HAI BRO')."""
    # A mnemonic with no code ("[MPC]" for "not clear yet") tells the officer nothing.
    code = f"{line.ncic} {line.code}".strip() if line.code else ""
    # "Brown (BRO)" already names the code, which the code column says again.
    value = line.value.removesuffix(f" ({line.code})") if line.code else line.value
    return Row(line.label, value, code)


def police_rows(report: Report, *, minimal: bool = False) -> list[Row]:
    """Returns the police read-out rows, the NCIC category last."""
    lines = [*report.police, *([report.category] if report.category else [])]
    return [row(x) for x in lines if not (minimal and x.sensitive)]


def flag_title(flag: RaisedFlag) -> str:
    """Returns the flag's label with its NCIC caution code, if any."""
    return f"{flag.label} [CMC {flag.cmc}]" if flag.cmc else flag.label


def due(deadline: DeadlineStatus, now: datetime) -> Due:
    """Returns the deadline with the time left counted from ``now``."""
    overdue = not deadline.done and deadline.due_at <= now
    return Due(deadline.label, stamp(deadline.due_at), time_left(deadline, now), overdue)


def clock_text(report: Report, *, minimal: bool = False) -> str:
    """Returns what the deadlines count from, or what they wait for."""
    if report.clock is None:
        return ""
    if not report.deadlines:
        return f"start when '{report.clock.label.lower()}' is answered"
    if minimal and report.clock.sensitive:
        return f"from {report.clock.label.lower()}"
    return f"from {report.clock.label.lower()} {report.clock.value}"


def render_html(report: Report, *, now: datetime, minimal: bool = False) -> list[str]:
    """Renders the report as Telegram HTML messages of at most 4096 characters each.

    With ``minimal`` sensitive answers and the flags' follow-up answers are left out.
    """
    title, status = heading(report)
    text = _ENV.get_template("report.html.j2").render(
        title=title,
        status=status,
        minimal=minimal,
        omitted=OMITTED,
        alerts=report.alerts,
        police=police_rows(report, minimal=minimal),
        flags=[
            (flag_title(f), flag_reasons(f), [] if minimal else [row(x) for x in f.details])
            for f in report.flags
        ],
        sections=[
            (s.title.upper(), rows)
            for s in report.sections
            if (rows := [row(x) for x in s.lines if not (minimal and x.sensitive)])
        ],
        open_items=report.open_items,
        clock=clock_text(report, minimal=minimal),
        deadlines=[due(d, now) for d in report.deadlines],
        checklist=checklist(report, now),
        profile=report.profile_title,
        notes=report.profile_notes,
        efforts=[entry_text(e) for e in report.efforts],
    )
    return split_html(text.strip(), MAX_MESSAGE_LENGTH)


def split_html(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Splits Telegram HTML into parts of at most ``limit`` characters, each valid on its own.

    Cuts fall between blocks, then lines, then words; never inside a tag or an entity. Tags
    open at a cut are closed at the end of the part and opened again at the start of the next.
    Lengths are counted in UTF-16 code units, as Telegram counts them.
    """
    splitter = _Splitter(limit)
    splitter.add(text, 0)
    return splitter.finish()


def _size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _Splitter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.stack: list[tuple[str, str]] = []  # (name, opening tag) of the open tags
        self.current = ""
        self.size = 0
        self.empty = True  # the current part holds only re-opened tags

    def add(self, chunk: str, level: int) -> None:
        if self.empty:
            chunk = chunk.lstrip()
            if not chunk:
                return
        if self._fits(chunk):
            self._append(chunk)
        elif not self.empty and self._fits(chunk, fresh=True):
            self._flush()
            self.add(chunk, level)
        elif level <= len(_SEPARATORS):
            for piece in _pieces(chunk, _SEPARATORS[level] if level < len(_SEPARATORS) else ""):
                self.add(piece, level + 1)
        else:
            raise ValueError(f"limit {self.limit} is too small for {chunk!r}")

    def finish(self) -> list[str]:
        if not self.empty:
            self._flush()
        return self.parts

    def _fits(self, chunk: str, *, fresh: bool = False) -> bool:
        start = _size(_opening(self.stack)) if fresh else self.size
        after = _track(list(self.stack), chunk)
        return start + _size(chunk) + _size(_closing(after)) <= self.limit

    def _append(self, chunk: str) -> None:
        self.current += chunk
        self.size += _size(chunk)
        self.stack = _track(self.stack, chunk)
        self.empty = False

    def _flush(self) -> None:
        self.parts.append(self.current.rstrip() + _closing(self.stack))
        self.current = _opening(self.stack)
        self.size = _size(self.current)
        self.empty = True


def _track(stack: list[tuple[str, str]], chunk: str) -> list[tuple[str, str]]:
    """Returns ``stack`` after the tags in ``chunk`` open and close."""
    for token in _TOKEN.findall(chunk):
        if not (token.startswith("<") and (name := _TAG_NAME.match(token))):
            continue
        tag = name.group(1).lower()
        if not token.startswith("</"):
            stack.append((tag, token))
        elif any(open_name == tag for open_name, _ in stack):
            while stack.pop()[0] != tag:
                pass
    return stack


def _opening(stack: list[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in stack)


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _pieces(chunk: str, separator: str) -> Iterator[str]:
    """Yields ``chunk`` cut after each ``separator`` in its text (each character if empty).

    An opening tag stays with the text after it and a closing tag with the text before it.
    """
    piece, ready = "", False
    for token in _TOKEN.findall(chunk):
        if token.startswith("</"):
            piece += token
            continue
        units = [token] if token[0] in "<&" and len(token) > 1 else list(token)
        for i, unit in enumerate(units):
            if ready:
                yield piece
                piece, ready = "", False
            piece += unit
            if unit[0] == "<" and len(unit) > 1:
                continue
            if separator:
                ready = piece.endswith(separator)
            else:
                ready = len(unit) > 1 or i == len(units) - 1 or not _joined(token, i)
    if piece:
        yield piece


def _joined(text: str, i: int) -> bool:
    # A combining accent, a joiner, a variation selector or a skin tone stays with the character
    # before it, so a cut never strands it at the start of the next part.
    follower = text[i + 1]
    return (
        text[i] == "\u200d"
        or follower in "\u200d\ufe0f"
        or "\U0001f3fb" <= follower <= "\U0001f3ff"
        or unicodedata.category(follower).startswith("M")
    )
