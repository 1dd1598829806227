"""What a flow says beyond its questions: risk flags, alerts, milestones, NCIC categories,
reporting deadlines and the crisis checklist, each a named condition on the answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.conditions import Condition


@dataclass(frozen=True, slots=True)
class Trigger:
    """One reason a risk flag or alert is raised, shown in the report next to the flag."""

    when: Condition
    reason: str


@dataclass(frozen=True, slots=True)
class RiskFlag:
    """A named danger; raised when any trigger holds. Follow-up fields name it in ``relevant``."""

    name: str
    label: str
    triggers: tuple[Trigger, ...]
    cmc: str = ""


@dataclass(frozen=True, slots=True)
class Alert:
    """An instruction shown the moment its condition first holds (e.g. 'call 911 now').

    ``report_text`` is what the report says about it afterwards (the live instruction would read
    oddly in a report printed hours later).
    """

    name: str
    message: str
    triggers: tuple[Trigger, ...]
    report_text: str = ""


@dataclass(frozen=True, slots=True)
class Milestone:
    """A point worth announcing, reached once every named field has been settled."""

    name: str
    message: str
    requires: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Category:
    """An NCIC category (MKE) or flag (CA, AA) suggested when its condition holds, and why."""

    code: str
    label: str
    when: Condition | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Deadline:
    """A reporting duty due a number of hours after the clock field's time.

    ``hours`` None: no deadline by default; a state deadline profile may set one. 0 means
    'immediately'.
    """

    name: str
    label: str
    hours: float | None
    done_field: str = ""


@dataclass(frozen=True, slots=True)
class ChecklistStep:
    """One step of the crisis checklist, done when its answer, condition or fact is there.

    ``done_fact`` names a fact recorded outside the answers (e.g. a supervisor's
    acknowledgement); ``show`` names the answers that say how it was done; ``deadline`` names
    one of the flow's deadlines.
    """

    name: str
    label: str
    done_field: str = ""
    done_when: Condition | None = None
    done_fact: str = ""
    relevant: Condition | None = None
    deadline: str = ""
    show: tuple[str, ...] = ()
