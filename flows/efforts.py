"""The search-efforts log: what was done to find the child since the report, as dated entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from flows.duties import stamp


class EffortAction(StrEnum):
    """What a search effort was (the choices the worker picks from)."""

    CALLED_CHILD = "called_child"
    FRIENDS_HOUSE = "friends_house"
    HOSPITALS = "hospitals"
    SHELTERS = "shelters"
    SOCIAL_MEDIA = "social_media"
    FLYER = "flyer"
    OTHER = "other"


EFFORT_LABELS: dict[EffortAction, str] = {
    EffortAction.CALLED_CHILD: "Called the child",
    EffortAction.FRIENDS_HOUSE: "Checked a friend's house",
    EffortAction.HOSPITALS: "Checked hospitals",
    EffortAction.SHELTERS: "Checked shelters",
    EffortAction.SOCIAL_MEDIA: "Checked social media",
    EffortAction.FLYER: "Flyer distributed",
    EffortAction.OTHER: "Other",
}
TIMELINE = "SEARCH EFFORTS"


@dataclass(frozen=True, slots=True)
class EffortEntry:
    """One entry of the log: when, what was done, by whom and what came of it."""

    at: datetime
    action: EffortAction
    by: str
    outcome: str = ""

    @property
    def label(self) -> str:
        """Returns what was done, in words."""
        return EFFORT_LABELS[self.action]


def parse_action(text: str) -> EffortAction | None:
    """Returns the action a word, a number (1-7) or a label names, or None when none does."""
    word = text.strip().lower().replace("-", "_").replace("'", "")
    actions = list(EffortAction)
    if word.isdigit() and 1 <= int(word) <= len(actions):
        return actions[int(word) - 1]
    for action in actions:
        if word in (action.value, EFFORT_LABELS[action].lower().replace("'", "")):
            return action
    return None


def entry_text(entry: EffortEntry) -> str:
    """Returns one entry as a line: 'Sat Nov 28, 2026 12:00 — Checked shelters (J. Smith): …'."""
    outcome = f": {entry.outcome}" if entry.outcome else ""
    return f"{stamp(entry.at)} — {entry.label} ({entry.by}){outcome}"


def render_timeline(efforts: tuple[EffortEntry, ...]) -> list[str]:
    """Returns the log as text lines, oldest first, or one line saying none is logged yet."""
    if not efforts:
        return [f"{TIMELINE}: none logged yet"]
    return [TIMELINE, *(f"  {entry_text(e)}" for e in efforts)]
