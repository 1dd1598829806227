"""'Not yet' as an answer: a duty (the police report, a notification) that is still to be done.

A field whose ``not_yet`` names a checklist step takes "not yet" (typed, tapped, or typed with a
note: "not yet; court in the morning"). It is stored as ``Status.NOT_YET`` with the note as its
value, so the step stays open with its deadline; ``NotYet`` lets the questions that need the
step done (its case number, the officer) drop out of the walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast, runtime_checkable

from flows.conditions import Condition, Context, JsonValue
from flows.duties import StepStatus, due_text, time_left
from flows.schema import Field, Status

NOT_YET = "not_yet"
# "Not yet", "not done yet", "not yet done", then an optional note after a separator.
_NOT_YET_TEXT = re.compile(
    r"\s*not[\s_]+(?:yet(?:\s+done)?|done\s+yet)(?:\s*[;:,.!—–-]\s*(?P<note>.*))?\s*",
    re.IGNORECASE | re.DOTALL,
)


@runtime_checkable
class Statuses(Protocol):
    """A context that can say how a question was settled, not only its answered value."""

    def status(self, name: str) -> Status | None:
        """Returns how ``name`` was settled, or None when unsettled or not applicable."""
        ...


@dataclass(frozen=True, slots=True)
class NotYet(Condition):
    """True when ``field`` was answered "not yet": the step it settles is still to be done."""

    field: str

    def holds(self, ctx: Context) -> bool:
        """Tells whether the question was settled as not yet."""
        if not _reads_statuses(ctx):
            return False
        return cast(Statuses, ctx).status(self.field) is Status.NOT_YET

    def fields(self) -> Iterator[str]:
        """Yields the one field read."""
        yield self.field


# Which context types can say how a question was settled. ``isinstance`` against a runtime
# Protocol inspects the class on every call, and the walk asks it for many fields each step.
_STATUS_READERS: dict[type, bool] = {}


def _reads_statuses(ctx: Context) -> bool:
    kind = type(ctx)
    known = _STATUS_READERS.get(kind)
    if known is None:
        known = _STATUS_READERS[kind] = isinstance(ctx, Statuses)
    return known


def takes_not_yet(field: Field) -> bool:
    """Tells whether the question takes "not yet" as an answer."""
    return bool(field.not_yet)


def not_yet_note(field: Field, text: str) -> str | None:
    """Returns the note of a "not yet" answer ("" when bare), or None when it is not one."""
    if not takes_not_yet(field):
        return None
    match = _NOT_YET_TEXT.fullmatch(text)
    if match is None:
        return None
    return (match.group("note") or "").strip()


def settled_notice(label: str, status: Status, note: str, *, required: bool) -> str:
    """Returns the confirmation of a question settled as unknown, skipped or not yet."""
    if status is Status.NOT_YET:
        said = f" ({note})" if note else ""
        return f"✓ {label}: not yet{said}. It stays open on the checklist, with its deadline."
    word = "unknown" if status is Status.UNKNOWN else "skipped"
    open_item = " It is listed as an open item." if required else ""
    return f"✓ {label}: {word}.{open_item}"


def not_yet_text(note: JsonValue) -> str:
    """Returns how a "not yet" answer reads in the report: 'Not yet — court in the morning'."""
    return f"Not yet — {note}" if isinstance(note, str) and note else "Not yet"


def still_due(field: Field, checklist: tuple[StepStatus, ...], now: datetime) -> str:
    """Returns the open item's status for a "not yet": 'not yet, due 19:30 EST (5 h left)'."""
    step = next((s for s in checklist if s.name == field.not_yet), None)
    if step is None or step.deadline is None:
        return "not yet"
    deadline = step.deadline
    return f"not yet, due {due_text(deadline, now)} ({time_left(deadline, now)})"
