"""Carrying a known child's stable facts into a new episode, one section at a time.

The service hands the interview the answers it may carry (``carried_answers`` picks them from
the last episode); before each section that has some, the worker sees them and answers "still
accurate?". The decision is stored like an answer under ``_prefill.<section>``, so a restart
resumes at the same point.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from flows.answers import format_value
from flows.schema import Answer, Choice, Field, Flow, Kind, Repeat, Section, Status
from flows.slots import Answers

DECISION = "_prefill."
KEEP_ALL = Choice("keep_all", "Yes, keep all")
CHANGE_SOME = Choice("change_some", "Change some")
KEEP_ONE = Choice("keep", "Keep")
KEEP_WORDS = frozenset({"keep_all", "yes", "y", "keep", "keep all", "yes, keep all"})
CHANGE_WORDS = frozenset({"change_some", "no", "n", "change some", "change"})
# The catalogue wants a photo under 180 days old for the 30-day NCIC update (A16).
STALE_PHOTO_MONTHS = 6


def decision_key(section: Section) -> str:
    """Returns the key the worker's "still accurate?" decision for a section is stored under."""
    return DECISION + section.name


def carried_fields(flow: Flow) -> tuple[str, ...]:
    """Returns the names of the fields copied from the last episode's answers, in flow order."""
    return tuple(
        item.name
        for section in flow.sections
        if section.carry == "episode"
        for item in section.items
        if not isinstance(item, Repeat) and item.carry
    )


def carried_answers(
    flow: Flow, previous: Mapping[str, Answer], *, now: datetime
) -> dict[str, Answer]:
    """Returns the previous episode's real answers to carryable questions that applied then."""
    view = Answers(flow, previous, now)
    return {
        name: previous[name]
        for name in carried_fields(flow)
        if name in previous and previous[name].status is Status.ANSWERED and view.applies(name)
    }


def pending(
    section: Section, carried: Mapping[str, Answer], stored: Mapping[str, Answer]
) -> list[Field]:
    """Returns the section's fields with a carried answer that are not yet settled."""
    if not section.carry:
        return []
    return [
        item
        for item in section.items
        if not isinstance(item, Repeat)
        and item.carry
        and item.name in carried
        and item.name not in stored
    ]


def summary(
    section: Section, fields: list[Field], carried: Mapping[str, Answer], today: date
) -> str:
    """Returns the "still accurate?" question listing the carried answers of one section."""
    lines = [f"{section.title} — from the last report:"]
    for fld in fields:
        value = carried[fld.name].value
        shown = "on file (not shown in chat)" if fld.sensitive else format_value(fld, value)
        lines.append(f"• {fld.title}: {shown}")
        if fld.kind is Kind.PHOTO and fld.dated_by and fld.dated_by in carried:
            taken = carried[fld.dated_by].value
            if isinstance(taken, str):
                lines.append(photo_age(date.fromisoformat(taken), today))
    lines.append("Still accurate?")
    return "\n".join(lines)


def photo_age(taken: date, today: date) -> str:
    """Returns how old the carried photo is, asking for a newer one when it is stale."""
    months = (today.year - taken.year) * 12 + today.month - taken.month - (today.day < taken.day)
    if months < 1:
        return f"  (photo from {(today - taken).days} days ago)"
    age = f"photo from {months} month{'s' if months != 1 else ''} ago"
    if months >= STALE_PHOTO_MONTHS:
        return f"  ({age} — send a newer one? Tap {CHANGE_SOME.label}.)"
    return f"  ({age})"


def keeps_all(text: str) -> bool | None:
    """Reads a reply to "still accurate?": True keeps all, False changes some, None is neither."""
    said = text.strip().lower()
    if said in KEEP_WORDS:
        return True
    if said in CHANGE_WORDS:
        return False
    return None
