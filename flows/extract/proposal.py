"""What a text says beyond the question asked: proposals, and settling them against the answers.

A ``Proposal`` is one value for one question, with the span of text it came from. ``settle``
applies the rules every extractor shares: the question being asked is served first, one span
of text fills one question at most, each question is filled once, and a confirmed answer is
never overwritten (a different value comes back as a ``Conflict`` to ask about).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flows.answers import format_value
from flows.conditions import JsonValue
from flows.schema import Answer, Field, Flow, Status

# A value shown in chat for a sensitive question would sit in the phone's history.
HIDDEN = "noted (not shown in chat)"


@dataclass(frozen=True, slots=True)
class Proposal:
    """One value a text gives one question: storage key, parsed value, and [start, end) span."""

    key: str
    value: JsonValue
    span: tuple[int, int]

    def overlaps(self, other: Proposal) -> bool:
        """Tells whether the two proposals were read from the same characters."""
        return self.span[0] < other.span[1] and other.span[0] < self.span[1]


@dataclass(frozen=True, slots=True)
class Conflict:
    """A proposal for a question that already has a different confirmed answer."""

    proposal: Proposal
    was: JsonValue


@dataclass(frozen=True, slots=True)
class Understanding:
    """What a text was understood to say: new answers, changes to ask about, and repeats."""

    taken: tuple[Proposal, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    already: tuple[Proposal, ...] = ()

    def keys(self) -> tuple[str, ...]:
        """Returns the keys the text would fill or change, in the order understood."""
        return tuple(p.key for p in self.taken) + tuple(c.proposal.key for c in self.conflicts)


def settle(
    proposals: Iterable[Proposal], *, asked: str | None, stored: Mapping[str, Answer]
) -> Understanding:
    """Applies the shared rules to the proposals of one text and returns what stands."""
    ordered = sorted(proposals, key=lambda p: p.key != asked)  # stable: asked question first
    claimed: list[Proposal] = []
    for proposal in ordered:
        if any(p.key == proposal.key or p.overlaps(proposal) for p in claimed):
            continue
        claimed.append(proposal)
    claimed.sort(key=lambda p: p.span)
    taken: list[Proposal] = []
    conflicts: list[Conflict] = []
    already: list[Proposal] = []
    for proposal in claimed:
        old = stored.get(proposal.key)
        if old is None or old.status is not Status.ANSWERED:
            taken.append(proposal)  # an open item (unknown, skipped) may be filled
        elif old.value == proposal.value:
            already.append(proposal)
        else:
            conflicts.append(Conflict(proposal, old.value))
    return Understanding(tuple(taken), tuple(conflicts), tuple(already))


def field_for(flow: Flow, key: str) -> Field:
    """Returns the field a storage key refers to ('companions.0.companion_name' included)."""
    return flow.field(key.rsplit(".", 1)[-1])


def title_for(flow: Flow, key: str) -> str:
    """Returns the label of a storage key as reviews show it ('Companion 1: Name')."""
    fld, _section, repeat = flow.locate(key.rsplit(".", 1)[-1])
    parts = key.split(".")
    if repeat is not None and len(parts) == 3 and parts[1].isdigit():
        return f"{repeat.title} {int(parts[1]) + 1}: {fld.title}"
    return fld.title


def shown(fld: Field, value: JsonValue) -> str:
    """Returns a proposed value as the chat may show it."""
    return HIDDEN if fld.sensitive else format_value(fld, value)


def understood(flow: Flow, understanding: Understanding, *, heading: str = "I understood:") -> str:
    """Returns the short list shown for one tap to confirm: new answers, then changes."""
    lines = [heading]
    for p in understanding.taken:
        lines.append(f"• {title_for(flow, p.key)}: {shown(field_for(flow, p.key), p.value)}")
    for c in understanding.conflicts:
        fld, title = field_for(flow, c.proposal.key), title_for(flow, c.proposal.key)
        if fld.sensitive:
            lines.append(f"• {title}: differs from the answer given before; replace it?")
        else:
            lines.append(f"• {title}: was {shown(fld, c.was)}, now {shown(fld, c.proposal.value)}?")
    return "\n".join(lines)
