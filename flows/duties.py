"""The crisis checklist and its deadlines, computed from the answers, the facts and ``now``.

A deadline runs from the flow's clock field (when the agency was told). Its hours come from the
flow (the federal default) unless the agency's state profile overrides them; a deadline with no
hours does not apply. A deadline named by checklist steps is done when every applicable one of
them is; one no step names is done when its ``done_field`` is answered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.answer_basics import zone_name
from flows.answers import format_value
from flows.conditions import JsonValue
from flows.schema import ChecklistStep, Flow
from flows.slots import Answers

DONE = "done"
OPEN = "open"
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    """A reporting duty: when it is due, the time left (negative when overdue) and whether done.

    ``immediate`` duties are due the moment the clock starts ('immediately' in the law).
    """

    name: str
    label: str
    due_at: datetime
    remaining: timedelta
    done: bool
    immediate: bool = False


@dataclass(frozen=True, slots=True)
class StepStatus:
    """One checklist step as it stands: done, open or not applicable, and its own deadline."""

    name: str
    label: str
    state: str
    detail: str = ""
    deadline: DeadlineStatus | None = None
    reads: tuple[str, ...] = ()

    @property
    def overdue(self) -> bool:
        """Tells whether the step is open past its deadline."""
        deadline = self.deadline
        return deadline is not None and not deadline.done and deadline.remaining <= timedelta(0)


def build_duties(
    flow: Flow,
    answers: Answers,
    *,
    now: datetime,
    hours: Mapping[str, float],
    facts: Mapping[str, JsonValue],
) -> tuple[tuple[StepStatus, ...], tuple[DeadlineStatus, ...]]:
    """Returns the checklist in flow order and the deadlines that apply, earliest first."""
    dues = _due_times(flow, answers, now, hours)
    states = {step.name: _state(step, answers, facts) for step in flow.checklist}
    checklist = tuple(
        StepStatus(
            step.name,
            step.label,
            states[step.name],
            _detail(flow, step, answers, facts) if states[step.name] == DONE else "",
            _step_deadline(step, states[step.name], dues, now),
            _reads(step),
        )
        for step in flow.checklist
    )
    deadlines: list[DeadlineStatus] = []
    for deadline in flow.deadlines:
        if deadline.name not in dues:
            continue
        naming = [states[s.name] for s in flow.checklist if s.deadline == deadline.name]
        applicable = [state for state in naming if state != NOT_APPLICABLE]
        if naming and not applicable:
            continue
        if naming:
            done = all(state == DONE for state in applicable)
        else:
            done = bool(deadline.done_field) and _answered(answers, deadline.done_field)
        due, immediate = dues[deadline.name]
        deadlines.append(
            DeadlineStatus(deadline.name, deadline.label, due, due - now, done, immediate)
        )
    # The earliest duty is the one the worker must see first.
    return checklist, tuple(sorted(deadlines, key=lambda d: d.due_at))


def _due_times(
    flow: Flow, answers: Answers, now: datetime, hours: Mapping[str, float]
) -> dict[str, tuple[datetime, bool]]:
    start = answers.value(flow.clock_field) if flow.clock_field else None
    if not isinstance(start, str):
        return {}
    # Shown in the agency's zone (the zone ``now`` is in), whatever offset the answer carries.
    begun = datetime.fromisoformat(start)
    if begun.tzinfo is not None and now.tzinfo is not None:
        begun = begun.astimezone(now.tzinfo)
    result: dict[str, tuple[datetime, bool]] = {}
    for deadline in flow.deadlines:
        due_hours = hours.get(deadline.name, deadline.hours)
        if due_hours is not None:
            result[deadline.name] = (begun + timedelta(hours=due_hours), due_hours == 0)
    return result


def _state(step: ChecklistStep, answers: Answers, facts: Mapping[str, JsonValue]) -> str:
    if step.relevant is not None and not answers.holds(step.relevant):
        return NOT_APPLICABLE
    done = (
        (bool(step.done_fact) and bool(facts.get(step.done_fact)))
        or (bool(step.done_field) and _answered(answers, step.done_field))
        or (step.done_when is not None and answers.holds(step.done_when))
    )
    return DONE if done else OPEN


def _step_deadline(
    step: ChecklistStep, state: str, dues: Mapping[str, tuple[datetime, bool]], now: datetime
) -> DeadlineStatus | None:
    if state == NOT_APPLICABLE or step.deadline not in dues:
        return None
    due, immediate = dues[step.deadline]
    return DeadlineStatus(step.deadline, step.label, due, due - now, state == DONE, immediate)


def _detail(
    flow: Flow, step: ChecklistStep, answers: Answers, facts: Mapping[str, JsonValue]
) -> str:
    """Returns how the step was done: the fact, or the answers it shows (never sensitive ones)."""
    if step.done_fact and facts.get(step.done_fact):
        return str(facts[step.done_fact])
    parts = [
        format_value(flow.field(name), answers.value(name))
        for name in step.show
        if not flow.field(name).sensitive and _answered(answers, name)
    ]
    return " · ".join(parts)


def _reads(step: ChecklistStep) -> tuple[str, ...]:
    """Returns the questions the step waits for: those that settle it or rule it out."""
    names = [step.done_field] if step.done_field else []
    for condition in (step.done_when, step.relevant):
        if condition is not None:
            names += list(condition.fields())
    return tuple(dict.fromkeys(names))


def _answered(answers: Answers, name: str) -> bool:
    return answers.value(name) not in (None, "", [])


def time_left(deadline: DeadlineStatus, now: datetime) -> str:
    """Returns 'done', '3 h 5 min left' or 'OVERDUE by 20 min', counted from ``now``."""
    # Recomputed from the render's ``now`` so a report built earlier never shows stale time.
    seconds = (deadline.due_at - now).total_seconds()
    if deadline.done:
        return "done"
    if deadline.immediate:
        # 'Immediately' has no time left to count down: say how long it has been waiting.
        return f"not done yet, {span(max(math.floor(-seconds / 60), 0))} since notified"
    if seconds > 0:
        return f"{span(math.floor(seconds / 60))} left"
    return f"OVERDUE by {span(math.ceil(-seconds / 60))}"


def due_text(deadline: DeadlineStatus, now: datetime) -> str:
    """Returns 'immediately', '02:00 EST' (today) or 'Sun Nov 29 02:00 EST'."""
    if deadline.immediate:
        return "immediately"
    moment = deadline.due_at
    if moment.date() == now.date():
        return f"{moment:%H:%M} {zone_name(moment)}".rstrip()
    return f"{moment:%a %b} {moment.day} {moment:%H:%M} {zone_name(moment)}".rstrip()


def span(minutes: int) -> str:
    """Returns minutes as '1 h 20 min' or '20 min'."""
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def stamp(moment: datetime) -> str:
    """Returns a time as the reports show it, with its zone: 'Sat Nov 28, 2026 12:00 EST'."""
    return f"{moment:%a %b} {moment.day}, {moment:%Y %H:%M} {zone_name(moment)}".rstrip()
