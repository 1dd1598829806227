"""Conditions over earlier answers: the ``relevant`` rules, flag triggers and NCIC category rules.

A condition is a small frozen value, so a flow stays pure data; ``holds`` evaluates it against a
``Context`` that the engine builds from the stored answers and the ``now`` it was given.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol, TypeAlias

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None


class Context(Protocol):
    """What a condition may look at: settled answers, raised flags and the current time."""

    @property
    def now(self) -> datetime:
        """Returns the time of the step being evaluated."""
        ...

    def value(self, name: str) -> JsonValue:
        """Returns the answered value of ``name`` (None when unanswered, unknown or skipped)."""
        ...

    def flag(self, name: str) -> bool:
        """Tells whether the risk flag ``name`` is raised."""
        ...

    def fact(self, name: str) -> JsonValue:
        """Returns a value the service supplied beside the answers (None when not supplied)."""
        ...


class Condition:
    """Base of every condition; subclasses are frozen dataclasses."""

    def holds(self, ctx: Context) -> bool:
        """Tells whether the condition is true for these answers."""
        raise NotImplementedError

    def fields(self) -> Iterator[str]:
        """Yields the field names the condition reads (for definition checks)."""
        yield from ()

    def flags(self) -> Iterator[str]:
        """Yields the risk-flag names the condition reads (for definition checks)."""
        yield from ()

    def facts(self) -> Iterator[str]:
        """Yields the supplied facts the condition reads (for definition checks)."""
        yield from ()


@dataclass(frozen=True, slots=True, init=False)
class When(Condition):
    """True when ``field`` was answered with one of ``values`` (any overlap for multi-choice)."""

    field: str
    values: tuple[str, ...]

    def __init__(self, field: str, *values: str) -> None:
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "values", values)

    def holds(self, ctx: Context) -> bool:
        """Tells whether the answer is one of the listed values."""
        value = ctx.value(self.field)
        if isinstance(value, list):
            return any(item in self.values for item in value)
        return value in self.values

    def fields(self) -> Iterator[str]:
        """Yields the one field read."""
        yield self.field


@dataclass(frozen=True, slots=True)
class Answered(Condition):
    """True when ``field`` has a real answer (not unknown, not skipped)."""

    field: str

    def holds(self, ctx: Context) -> bool:
        """Tells whether the field holds a value."""
        return ctx.value(self.field) not in (None, [], "")

    def fields(self) -> Iterator[str]:
        """Yields the one field read."""
        yield self.field


@dataclass(frozen=True, slots=True)
class AtLeast(Condition):
    """True when the numeric answer of ``field`` is at least ``number``."""

    field: str
    number: float

    def holds(self, ctx: Context) -> bool:
        """Compares the answer with the threshold."""
        value = ctx.value(self.field)
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and (value >= self.number)
        )

    def fields(self) -> Iterator[str]:
        """Yields the one field read."""
        yield self.field


@dataclass(frozen=True, slots=True)
class AgeBelow(Condition):
    """True when the date of birth in ``field`` makes the person younger than ``years`` now."""

    field: str
    years: int

    def holds(self, ctx: Context) -> bool:
        """Derives the age from the stored ISO date and compares it."""
        value = ctx.value(self.field)
        if not isinstance(value, str):
            return False
        return age_on(date.fromisoformat(value), ctx.now.date()) < self.years

    def fields(self) -> Iterator[str]:
        """Yields the one field read."""
        yield self.field


@dataclass(frozen=True, slots=True)
class Fact(Condition):
    """True when the supplied fact ``name`` is at least ``number`` (or truthy, without one)."""

    name: str
    number: float | None = None

    def holds(self, ctx: Context) -> bool:
        """Reads the fact from the context and compares it."""
        value = ctx.fact(self.name)
        if self.number is None:
            return bool(value)
        return (
            isinstance(value, int | float) and not isinstance(value, bool) and value >= self.number
        )

    def facts(self) -> Iterator[str]:
        """Yields the one fact read."""
        yield self.name


@dataclass(frozen=True, slots=True)
class Flag(Condition):
    """True when the risk flag ``name`` is raised."""

    name: str

    def holds(self, ctx: Context) -> bool:
        """Asks the context whether the flag is raised."""
        return ctx.flag(self.name)

    def flags(self) -> Iterator[str]:
        """Yields the one flag read."""
        yield self.name


@dataclass(frozen=True, slots=True, init=False)
class AnyOf(Condition):
    """True when at least one of the conditions holds."""

    conditions: tuple[Condition, ...]

    def __init__(self, *conditions: Condition) -> None:
        object.__setattr__(self, "conditions", conditions)

    def holds(self, ctx: Context) -> bool:
        """Tells whether any part holds."""
        return any(c.holds(ctx) for c in self.conditions)

    def fields(self) -> Iterator[str]:
        """Yields the fields every part reads."""
        for c in self.conditions:
            yield from c.fields()

    def flags(self) -> Iterator[str]:
        """Yields the flags every part reads."""
        for c in self.conditions:
            yield from c.flags()

    def facts(self) -> Iterator[str]:
        """Yields the facts every part reads."""
        for c in self.conditions:
            yield from c.facts()


@dataclass(frozen=True, slots=True, init=False)
class AllOf(Condition):
    """True when every one of the conditions holds."""

    conditions: tuple[Condition, ...]

    def __init__(self, *conditions: Condition) -> None:
        object.__setattr__(self, "conditions", conditions)

    def holds(self, ctx: Context) -> bool:
        """Tells whether every part holds."""
        return all(c.holds(ctx) for c in self.conditions)

    def fields(self) -> Iterator[str]:
        """Yields the fields every part reads."""
        for c in self.conditions:
            yield from c.fields()

    def flags(self) -> Iterator[str]:
        """Yields the flags every part reads."""
        for c in self.conditions:
            yield from c.flags()

    def facts(self) -> Iterator[str]:
        """Yields the facts every part reads."""
        for c in self.conditions:
            yield from c.facts()


@dataclass(frozen=True, slots=True)
class Not(Condition):
    """True when the inner condition does not hold."""

    condition: Condition

    def holds(self, ctx: Context) -> bool:
        """Negates the inner condition."""
        return not self.condition.holds(ctx)

    def fields(self) -> Iterator[str]:
        """Yields the fields the inner condition reads."""
        yield from self.condition.fields()

    def flags(self) -> Iterator[str]:
        """Yields the flags the inner condition reads."""
        yield from self.condition.flags()

    def facts(self) -> Iterator[str]:
        """Yields the facts the inner condition reads."""
        yield from self.condition.facts()


def age_on(born: date, today: date) -> int:
    """Returns the age in whole years on ``today`` of someone born on ``born``."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
