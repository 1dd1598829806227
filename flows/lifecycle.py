"""A report's lifecycle as a table: the states, the transitions between them, and its diagram."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Any

from transitions import Machine


class State(StrEnum):
    """Where a report is in its life; which question comes next is computed, not a state."""

    NEW = "new"
    TRIAGE = "triage"
    INTAKE = "intake"
    REVIEW = "review"
    SUBMITTED = "submitted"
    RECOVERED = "recovered"
    CANCELLED = "cancelled"


class Trigger(StrEnum):
    """The events the lifecycle table reacts to."""

    BEGIN = "begin"
    ADVANCE = "advance"
    SUBMIT = "submit"
    CANCEL = "cancel"
    RECOVER = "recover"


# The attribute the machine reads and sets on a model: a plain name, since the library names an
# Enum state by its key ("NEW"); the interview maps it to its State.
MODEL_ATTRIBUTE = "state_name"

OPEN_STATES = frozenset({State.NEW, State.TRIAGE, State.INTAKE, State.REVIEW})
# A submitted report still takes amendments and a recovery.
# A submitted report still takes amendments.
TAKES_INPUT = OPEN_STATES | {State.SUBMITTED}

LIVE_STATES = frozenset({State.TRIAGE, State.INTAKE, State.REVIEW, State.SUBMITTED})

_ASKING = [State.TRIAGE, State.INTAKE, State.REVIEW]
TRANSITIONS: list[dict[str, State | list[State] | str | None]] = [
    {"trigger": Trigger.BEGIN, "source": State.NEW, "dest": State.TRIAGE},
    {
        "trigger": Trigger.ADVANCE,
        "source": [State.TRIAGE, State.INTAKE],
        "dest": State.REVIEW,
        "conditions": "done",
    },
    {
        "trigger": Trigger.ADVANCE,
        "source": State.TRIAGE,
        "dest": State.INTAKE,
        "unless": "in_triage",
    },
    {"trigger": Trigger.ADVANCE, "source": State.REVIEW, "dest": State.INTAKE, "unless": "done"},
    {"trigger": Trigger.ADVANCE, "source": [*_ASKING, State.SUBMITTED], "dest": None},
    {
        "trigger": Trigger.SUBMIT,
        "source": State.REVIEW,
        "dest": State.SUBMITTED,
        "conditions": "done",
    },
    {"trigger": Trigger.CANCEL, "source": [State.NEW, *_ASKING], "dest": State.CANCELLED},
    {"trigger": Trigger.RECOVER, "source": [*_ASKING, State.SUBMITTED], "dest": State.RECOVERED},
]


def _plain(value: object) -> object:
    """Returns the table's names as plain strings (the library names an Enum state by its key)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.value if isinstance(value, StrEnum) else value


def _states() -> list[str]:
    return [state.value for state in State]


def _transitions() -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row.items()} for row in TRANSITIONS]


@cache
def lifecycle() -> Machine:
    """Returns the one lifecycle machine, built once and shared by every interview."""
    # model=None: no Machine per conversation (it costs ~2 ms and ~90 KiB each); events are
    # fired with machine.events[name].trigger(interview) on a plain object instead.
    return Machine(
        model=None,
        model_attribute=MODEL_ATTRIBUTE,
        states=_states(),
        transitions=_transitions(),
        initial=State.NEW.value,
        auto_transitions=False,
    )


def lifecycle_diagram() -> str:
    """Returns the lifecycle as a Mermaid state diagram (the README shows it)."""
    from transitions.extensions import GraphMachine

    class _Model:
        pass

    model = _Model()
    GraphMachine(
        model=model,
        states=_states(),
        transitions=_transitions(),
        initial=State.NEW.value,
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
    )
    text: str = model.get_graph().draw(None)  # type: ignore[attr-defined]
    # Drop the title and the styling, which would highlight "new" as the current state.
    lines = [
        line.rstrip()
        for line in text.split("stateDiagram-v2", 1)[1].splitlines()
        if line.strip() and not line.strip().startswith(("classDef", "Class "))
    ]
    return "\n".join(["stateDiagram-v2", *lines]) + "\n"
