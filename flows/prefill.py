"""Carrying a known child's stable facts into a new episode.

The service hands the interview the answers it may carry (``carried_answers`` picks them from
the last episode); ``flows.on_file`` shows them in one look. ``pending`` says which of a
section's carried answers are not yet settled.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flows.schema import Answer, Choice, Field, Flow, Repeat, Section, Status
from flows.slots import Answers

DECISION = "_prefill."
KEEP_ONE = Choice("keep", "Keep")
KEEP_WORDS = frozenset({"keep_all", "yes", "y", "keep", "keep all", "yes, keep all"})
CHANGE_WORDS = frozenset({"change_some", "no", "n", "change some", "change"})


def carried_fields(flow: Flow) -> tuple[str, ...]:
    """Returns the names of the fields copied from the last episode's answers, in flow order.

    An episode fact marked ``offer_previous`` is among them: offered with a Keep button, never
    kept without a tap.
    """
    return tuple(
        item.name
        for section in flow.sections
        for item in section.items
        if not isinstance(item, Repeat)
        and ((section.carry == "episode" and item.carry) or item.offer_previous)
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


def keeps_all(text: str) -> bool | None:
    """Reads a reply to "still accurate?": True keeps all, False changes some, None is neither."""
    said = text.strip().lower()
    if said in KEEP_WORDS:
        return True
    if said in CHANGE_WORDS:
        return False
    return None
