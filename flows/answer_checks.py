"""Turns a typed answer into its value and applies the checks that need the rest of the flow."""

from __future__ import annotations

import re
from datetime import datetime

from flows.answers import InvalidAnswer, example, format_value, parse_answer
from flows.conditions import JsonValue
from flows.none_answers import none_value
from flows.schema import Field, Flow
from flows.slots import Answers

SAME_WORDS = frozenset({"same", "the same", "same as above", "same as before", "ditto"})


def answer_value(flow: Flow, view: Answers, field: Field, text: str) -> JsonValue:
    """Returns the value ``text`` gives ``field``, or raises InvalidAnswer saying why not."""
    if (nothing := none_value(field, text)) is not None:
        return nothing
    key = " ".join(text.strip().lower().rstrip(".!").split())
    if field.same_as and (key in SAME_WORDS or key.startswith("same as ")):
        earlier = view.value(field.same_as)
        if earlier is None:
            other = flow.field(field.same_as).title.lower()
            raise InvalidAnswer(f"There is no {other} to copy yet; please type it.")
        return earlier
    value = parse_answer(field, text, now=view.now)
    _check(flow, view, field, value)
    return value


def _check(flow: Flow, view: Answers, field: Field, value: JsonValue) -> None:
    """Applies the checks that need the flow: the pattern and the order of times."""
    if field.pattern and isinstance(value, str) and not re.fullmatch(field.pattern, value):
        raise InvalidAnswer(field.pattern_message or f"That doesn't look right. {field.hint}")
    if field.not_before and isinstance(value, str):
        earlier = view.value(field.not_before)
        if isinstance(earlier, str) and datetime.fromisoformat(value) < datetime.fromisoformat(
            earlier
        ):
            other = flow.field(field.not_before)
            raise InvalidAnswer(
                f"{field.title} can't be before {other.title.lower()} "
                f"({format_value(other, earlier)}). Example: {example(field)}"
            )
