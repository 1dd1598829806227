"""Walks a flow against stored answers: which questions apply, in order, and which flags are up.

A *slot* is one askable question: a field, or a field of one item of a repeat group
(``companions.0.companion_name``), or a repeat's "add another?" question
(``companions.0._more``). Nothing here is cached between steps: the next question is always
recomputed from the flow and the answers, which is what keeps back, edit, skip and resume right.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flows.conditions import Condition, JsonValue
from flows.schema import Answer, Field, Flow, Kind, Repeat, Section, Status

MORE = "_more"


@dataclass(frozen=True, slots=True)
class Slot:
    """One question as asked: its storage key, its field and where it sits in the flow."""

    key: str
    field: Field
    section: Section
    repeat: Repeat | None = None
    index: int | None = None

    @property
    def label(self) -> str:
        """Returns the label with the item number for repeat questions ("Companion 2: Name")."""
        if self.repeat is None or self.index is None:
            return self.field.title
        if self.field.name == MORE:
            return f"{self.repeat.title} {self.index + 1}: another?"
        return f"{self.repeat.title} {self.index + 1}: {self.field.title}"


def more_field(repeat: Repeat) -> Field:
    """Returns the synthetic 'add another?' question of a repeat group."""
    return Field(
        name=MORE,
        kind=Kind.YES_NO,
        prompt=f"Add another {repeat.noun}?",
        label=f"Another {repeat.noun}",
        required=False,
    )


def item_key(repeat: Repeat, index: int, name: str) -> str:
    """Returns the storage key of a field of one repeat item."""
    return f"{repeat.name}.{index}.{name}"


@dataclass(slots=True)
class Answers:
    """The answers of one report seen through the flow: the ``Context`` conditions read.

    An answer whose question no longer applies (an edit made it irrelevant) is kept in storage
    but reads as absent here, so it drops out of conditions and of the report.
    """

    flow: Flow
    stored: Mapping[str, Answer]
    now: datetime
    scope: tuple[Repeat, int] | None = None
    facts_given: Mapping[str, JsonValue] = field(default_factory=dict)
    _relevant: dict[str, bool] = field(default_factory=dict)
    _flags: dict[str, bool] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)
    # The walk of this view as far as it has gone (shared with its scoped views, like the memos
    # above): the slots found so far, and the walk itself until it is finished.
    _walked: list[Slot] = field(default_factory=list)
    _walking: list[Iterator[Slot]] = field(default_factory=list)

    def scoped(self, repeat: Repeat, index: int) -> Answers:
        """Returns a view in which the repeat's field names mean this item's answers."""
        return Answers(
            self.flow,
            self.stored,
            self.now,
            (repeat, index),
            self.facts_given,
            self._relevant,
            self._flags,
            self._busy,
            self._walked,
            self._walking,
        )

    def key(self, name: str) -> str:
        """Returns the storage key a field name means in this view."""
        if self.scope is not None:
            repeat, index = self.scope
            if any(f.name == name for f in repeat.fields):
                return item_key(repeat, index, name)
        return name

    def value(self, name: str) -> JsonValue:
        """Returns the answered value of ``name`` if its question applies, else None."""
        key = self.key(name)
        answer = self.stored.get(key)
        if answer is None or answer.status is not Status.ANSWERED:
            return None
        if key == name and self.flow.has_field(name) and not self.applies(name):
            return None
        return answer.value

    def status(self, name: str) -> Status | None:
        """Returns how ``name`` was settled (None when unsettled or its question does not apply)."""
        key = self.key(name)
        answer = self.stored.get(key)
        if answer is None or (key == name and self.flow.has_field(name) and not self.applies(name)):
            return None
        return answer.status

    def flag(self, name: str) -> bool:
        """Tells whether the risk flag ``name`` is raised."""
        if name not in self._flags:
            if name in self._busy:  # a flag that depends on itself is simply not raised
                return False
            self._busy.add(name)
            risk = next(f for f in self.flow.risk_flags if f.name == name)
            self._flags[name] = any(t.when.holds(self.top()) for t in risk.triggers)
            self._busy.discard(name)
        return self._flags[name]

    def fact(self, name: str) -> JsonValue:
        """Returns a value the service supplied beside the answers (None when not supplied)."""
        return self.facts_given.get(name)

    def top(self) -> Answers:
        """Returns the unscoped view."""
        return self if self.scope is None else self.scoped_out()

    def scoped_out(self) -> Answers:
        """Returns a view outside any repeat item."""
        return Answers(
            self.flow,
            self.stored,
            self.now,
            None,
            self.facts_given,
            self._relevant,
            self._flags,
            self._busy,
            self._walked,
            self._walking,
        )

    def holds(self, condition: Condition | None) -> bool:
        """Evaluates an optional condition (None always holds)."""
        return condition is None or condition.holds(self)

    def applies(self, name: str) -> bool:
        """Tells whether the top-level field ``name`` is relevant now."""
        if name not in self._relevant:
            fld, section, repeat = self.flow.locate(name)
            top = self.top()
            self._relevant[name] = (
                top.holds(section.relevant)
                and (repeat is None or top.holds(repeat.relevant))
                and (repeat is not None or top.holds(fld.relevant))
            )
        return self._relevant[name]


def walk(flow: Flow, answers: Answers) -> Iterator[Slot]:
    """Yields every question that applies now, in flow order, expanding repeat groups."""
    # A view never changes once made, so one step's several walks over it are made once, and
    # only as far as asked: finding the next question stops there.
    if flow is not answers.flow:
        yield from _walk(flow, answers.top())
        return
    found, walking = answers._walked, answers._walking
    if not found and not walking:
        walking.append(_walk(flow, answers.top()))
    index = 0
    while True:
        if index < len(found):
            yield found[index]
            index += 1
        elif not walking:
            return
        elif (slot := next(walking[0], None)) is None:
            walking.clear()
        else:
            found.append(slot)


def _walk(flow: Flow, top: Answers) -> Iterator[Slot]:
    for section in flow.sections:
        if not top.holds(section.relevant):
            continue
        for item in section.items:
            if isinstance(item, Repeat):
                yield from _walk_repeat(section, item, top)
            elif top.holds(item.relevant):
                yield Slot(item.name, item, section)


def _walk_repeat(section: Section, repeat: Repeat, top: Answers) -> Iterator[Slot]:
    if not top.holds(repeat.relevant):
        return
    more = more_field(repeat)
    for index in range(repeat.max_items):
        scoped = top.scoped(repeat, index)
        for sub in repeat.fields:
            if scoped.holds(sub.relevant):
                yield Slot(item_key(repeat, index, sub.name), sub, section, repeat, index)
        if index + 1 == repeat.max_items:
            return
        more_key = item_key(repeat, index, MORE)
        yield Slot(more_key, more, section, repeat, index)
        another = top.stored.get(more_key)
        if another is None or another.value != "yes":
            return


def next_slot(flow: Flow, answers: Answers) -> Slot | None:
    """Returns the first question that applies and has not been settled, or None when done."""
    return next((s for s in walk(flow, answers) if s.key not in answers.stored), None)


def find_slot(flow: Flow, answers: Answers, key: str) -> Slot | None:
    """Returns the applicable question stored under ``key``, if any."""
    return next((s for s in walk(flow, answers) if s.key == key), None)


def raised_flags(flow: Flow, answers: Answers) -> list[str]:
    """Returns the names of the raised risk flags, in flow order."""
    return [f.name for f in flow.risk_flags if answers.flag(f.name)]


def settled_slots(flow: Flow, answers: Answers) -> list[Slot]:
    """Returns the applicable questions already settled, in order; review numbers them from 1."""
    return [s for s in walk(flow, answers) if s.key in answers.stored and s.field.name != MORE]
