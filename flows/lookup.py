"""Finds the question an 'edit' names: by review number, storage key or label."""

from __future__ import annotations

import re

from flows.schema import Flow
from flows.slots import MORE, Answers, Slot, settled_slots, walk


def lookup(flow: Flow, view: Answers, target: str) -> Slot | None:
    """Returns the applicable question ``target`` names, or None when none or several match."""
    slots = settled_slots(flow, view)
    wanted = target.strip().lower()
    if wanted.isdigit() and 1 <= int(wanted) <= len(slots):
        return slots[int(wanted) - 1]
    normalised = re.sub(r"[\s-]+", "_", wanted)
    # By name, a question not yet settled can be reached too (an open item added later,
    # such as the long-term checklist of a submitted report).
    unsettled = [s for s in walk(flow, view) if s.key not in view.stored and s.field.name != MORE]
    for candidates in (slots, unsettled):
        found = _match(candidates, wanted, normalised)
        if found is not None:
            return found
    return None


def _match(slots: list[Slot], wanted: str, normalised: str) -> Slot | None:
    for matches in (
        lambda s: s.key == normalised,
        lambda s: s.field.name == normalised,
        lambda s: s.label.lower() == wanted,
        lambda s: s.label.lower().startswith(wanted),
        lambda s: wanted in s.label.lower(),
    ):
        found = [s for s in slots if matches(s)]
        if len(found) == 1 or (found and normalised == found[0].field.name):
            return found[0]
    return None
