"""Scripted cases of the interaction-cost benchmark: what a worker knows, keyed by meaning."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

# A fact is what the worker would type or tap: one text, or the values ticked on a checklist.
Fact = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Case:
    """One fictional child's report as the worker on call knows it.

    ``facts`` are keyed by the flow's field names (the meaning of an answer, not where it is
    asked), so reordering the questions changes nothing here. ``groups`` holds the items of a
    repeat group (companions) in order. ``photos`` names the photo questions the worker has a
    photo for. ``now`` is the fixed clock the report is taken at.
    """

    name: str
    title: str
    now: datetime
    facts: Mapping[str, Fact]
    groups: Mapping[str, tuple[Mapping[str, Fact], ...]] = field(default_factory=dict)
    photos: frozenset[str] = frozenset()


def all_cases() -> tuple[Case, ...]:
    """Returns the four cases in the order the README's table lists them."""
    from benchmarks.cases import autistic_wanderer, kinship_gang, parental_abduction, runaway

    return (runaway.CASE, parental_abduction.CASE, kinship_gang.CASE, autistic_wanderer.CASE)
