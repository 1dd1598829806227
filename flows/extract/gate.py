"""A yes/no gate answered with its details ("Yes: one attempt in 2025"): the gate and follow-up.

The follow-up is found from the flow, never by name: the first question after the gate that
the gate's answer switches on (directly, or through a risk flag it raises).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flows.answers import InvalidAnswer, parse_answer
from flows.conditions import Condition, JsonValue
from flows.extract.proposal import Proposal, field_for
from flows.schema import Field, Flow, Kind, Repeat
from flows.slots import item_key

# The gate's word, then what it is about: 'yes, tried twice', 'Yes: one attempt', 'yes - Cherokee'.
_HEAD = re.compile(r"\s*(?P<head>[^\W\d_]+)(?P<sep>\s*[,:;.!\-–—(]+\s*|\s+)(?P<rest>\S.*)", re.S)


@dataclass(slots=True)
class Probe:
    """A made-up context in which only the given answers exist, to see what they switch on."""

    flow: Flow
    answers: dict[str, JsonValue]
    now: datetime
    _busy: set[str] = field(default_factory=set)

    def value(self, name: str) -> JsonValue:
        """Returns the probed answer of ``name``, or None."""
        return self.answers.get(name)

    def flag(self, name: str) -> bool:
        """Tells whether the probed answers raise the flag (a flag needing itself is down)."""
        if name in self._busy:
            return False
        self._busy.add(name)
        try:
            risk = next((f for f in self.flow.risk_flags if f.name == name), None)
            return risk is not None and any(t.when.holds(self) for t in risk.triggers)
        finally:
            self._busy.discard(name)

    def fact(self, name: str) -> JsonValue:
        """Supplied facts are absent in a probe."""
        return None


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A question the gate's answer switches on, with the repeat group it belongs to."""

    field: Field
    repeat: Repeat | None


def _conditions(flow: Flow, name: str) -> list[Condition]:
    fld, section, repeat = flow.locate(name)
    found = [section.relevant, repeat.relevant if repeat else None, fld.relevant]
    return [c for c in found if c is not None]


def _switched_on(flow: Flow, name: str, gate: str, value: JsonValue, now: datetime) -> bool:
    conditions = _conditions(flow, name)
    with_gate, without = Probe(flow, {gate: value}, now), Probe(flow, {}, now)
    return all(c.holds(with_gate) for c in conditions) and not all(
        c.holds(without) for c in conditions
    )


def follow_ups(flow: Flow, gate: Field, value: JsonValue, *, now: datetime) -> list[FollowUp]:
    """Returns the questions after ``gate`` that answering it ``value`` switches on, in order."""
    names = flow.field_names()
    after = names[names.index(gate.name) + 1 :]
    return [
        FollowUp(flow.locate(name)[0], flow.locate(name)[2])
        for name in after
        if _switched_on(flow, name, gate.name, value, now)
    ]


def gate_of(flow: Flow, name: str, *, now: datetime) -> tuple[Field, str] | None:
    """Returns the yes/no question and answer that switch ``name`` on, if one does."""
    names = flow.field_names()
    for gate_name in reversed(names[: names.index(name)]):  # the nearest gate before it
        gate = flow.field(gate_name)
        if gate.kind is Kind.YES_NO:
            for value in ("yes", "no"):
                if _switched_on(flow, name, gate_name, value, now):
                    return gate, value
    return None


def _key(flow: Flow, gate_key: str, follow: FollowUp) -> str:
    """Returns the follow-up's storage key next to the gate's (same repeat item, or item 1)."""
    if follow.repeat is None:
        return follow.field.name
    parts = gate_key.split(".")
    index = int(parts[1]) if len(parts) == 3 and parts[0] == follow.repeat.name else 0
    return item_key(follow.repeat, index, follow.field.name)


def gate_with_details(flow: Flow, gate_key: str, text: str, *, now: datetime) -> list[Proposal]:
    """Reads "yes, <details>" given to a gate: the gate's answer and its first follow-up's.

    The first follow-up takes the details; when its parser refuses them, the first text
    follow-up does, so the details are never lost for want of a number.
    """
    gate = field_for(flow, gate_key)
    match = _HEAD.fullmatch(text)
    if gate.kind is not Kind.YES_NO or match is None:
        return []
    try:
        value = parse_answer(gate, match["head"], now=now)
    except InvalidAnswer:
        return []
    candidates = follow_ups(flow, gate, value, now=now)
    firsts = candidates[:1] + [c for c in candidates[1:] if c.field.kind is Kind.TEXT][:1]
    details = match["rest"].strip()
    for follow in firsts:
        try:
            parsed = parse_answer(follow.field, details, now=now)
        except InvalidAnswer:
            continue
        start = match.start("rest")
        return [
            Proposal(gate_key, value, match.span("head")),
            Proposal(_key(flow, gate_key, follow), parsed, (start, start + len(details))),
        ]
    return []
