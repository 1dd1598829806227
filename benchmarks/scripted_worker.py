"""The scripted worker: answers the question on screen from a case's facts, as a worker would.

It never follows a script of questions. It reads the prompt being shown (its key, kind and
choices) and looks the answer up by meaning in the case, so the flow can be reordered or
reshaped (yes/no gates turned into checklists) without touching a case. A question the case
holds no fact for is answered the way a worker would answer it ("no", "unknown", "skip",
"none"), and every such fallback is recorded with its reason, so a case can never be tuned to
the benchmark silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.cases import Case, Fact
from flows.conditions import When
from flows.engine import Prompt
from flows.schema import Flow, Kind
from flows.slots import MORE

TAP, TYPED, PHOTO = "tap", "typed", "photo"
# Words a field name carries around its meaning: "has_tattoos" ticks a "tattoos" option.
PREFIXES = ("has_", "wears_", "is_", "takes_", "uses_")
SUFFIXES = ("_involved", "_risk", "_condition", "_indicators", "_disappearance")


@dataclass(frozen=True, slots=True)
class Move:
    """What the worker sends for one prompt, and why, when it is not one of the case's facts."""

    how: str  # TAP, TYPED or PHOTO
    text: str = ""  # the typed text, or the tapped values joined by ", "
    indexes: tuple[int, ...] = ()
    fallback: str = ""  # empty when the answer is a fact of the case
    derived: str = ""  # set when ticks were worked out from other facts (no fact of its own)


def stem(name: str) -> str:
    """Returns a field name without the words around its meaning ("has_tattoos" -> "tattoos")."""
    for prefix in PREFIXES:
        name = name.removeprefix(prefix)
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def tags_of(case: Case, flow: Flow) -> frozenset[str]:
    """Returns what applies to the child by meaning: "yes" facts, their stems and raised flags."""
    yes = {name for name, value in case.facts.items() if value == "yes"}
    tags = yes | {stem(name) for name in yes}
    for flag in flow.risk_flags:
        for trigger in flag.triggers:
            when = trigger.when
            if isinstance(when, When) and case.facts.get(when.field) in when.values:
                tags.add(flag.name)
    return frozenset(tags)


class Worker:
    """Answers prompts for one case; remembers only which photos it has already sent."""

    def __init__(self, case: Case, flow: Flow) -> None:
        self.case = case
        self.flow = flow
        self.tags = tags_of(case, flow)
        self.sent_photos: set[str] = set()

    def move(self, prompt: Prompt) -> Move:
        """Returns the answer to the prompt being shown."""
        if prompt.key.startswith("_prefill."):
            return _tap(prompt, "keep_all")  # a known child's "still accurate?" (not a fact)
        if prompt.key == "_submit":
            return _tap(prompt, "submit")
        if prompt.kind is Kind.PHOTO:
            return self._photo(prompt)
        fact = self.fact(prompt.key)
        if fact is None:
            return self.fallback(prompt, "no fact in the case")
        return answer_with(prompt, fact)

    def fact(self, key: str) -> Fact | None:
        """Returns the case's fact for a storage key, repeat items included."""
        parts = key.split(".")
        if len(parts) != 3:
            return self.case.facts.get(key)
        group, index, name = parts[0], int(parts[1]), parts[2]
        items = self.case.groups.get(group, ())
        if name == MORE:
            return "yes" if index + 1 < len(items) else "no"
        return items[index].get(name) if index < len(items) else None

    def fallback(self, prompt: Prompt, why: str) -> Move:
        """Returns what a worker without the fact would send, with the reason recorded."""
        name = prompt.key.rsplit(".", 1)[-1]
        if prompt.kind is Kind.MULTI_CHOICE:
            ticked = tuple(i for i, c in enumerate(prompt.choices) if c.value in self.tags)
            if ticked and why == "no fact in the case":
                shown = ", ".join(prompt.choices[i].value for i in ticked)
                return Move(TAP, shown, ticked, derived=f"{prompt.key}: {shown}")
            none = [c.value for c in prompt.choices if "none" in c.value]
            if none:
                return _tap(prompt, none[0], f"{why}: none of the options")
        required = not self.flow.has_field(name) or self.flow.field(name).required
        # A risk gate the worker has heard nothing about is a "no"; an optional one is skipped.
        if prompt.kind is Kind.YES_NO and required and why == "no fact in the case":
            return _tap(prompt, "no", why)
        word = "unknown" if required or prompt.kind is Kind.CHOICE else "skip"
        return _tap(prompt, word, why)

    def _photo(self, prompt: Prompt) -> Move:
        if prompt.key in self.case.photos and prompt.key not in self.sent_photos:
            self.sent_photos.add(prompt.key)
            return Move(PHOTO, "photo")
        if prompt.key in self.sent_photos:
            return _tap(prompt, "done")  # "that's all the photos", not a missing fact
        return _tap(prompt, "skip", "no photo in the case")


def answer_with(prompt: Prompt, fact: Fact) -> Move:
    """Returns the fact as a tap when the prompt offers it as a choice, else as typed text."""
    if isinstance(fact, tuple):
        if prompt.kind is Kind.MULTI_CHOICE:
            picked = tuple(i for i, c in enumerate(prompt.choices) if c.value in fact)
            if len(picked) == len(fact):
                return Move(TAP, ", ".join(fact), picked)
        return Move(TYPED, ", ".join(fact))
    wanted = fact.strip().casefold()
    for i, choice in enumerate(prompt.choices):
        if wanted in (choice.value.casefold(), choice.label.casefold()):
            return Move(TAP, choice.value, (i,))
    return Move(TYPED, fact)


def _tap(prompt: Prompt, value: str, fallback: str = "") -> Move:
    """Returns a tap on the choice with this value, or the value typed when none is offered."""
    for i, choice in enumerate(prompt.choices):
        if choice.value == value:
            return Move(TAP, value, (i,), fallback)
    return Move(TYPED, value, (), fallback)
