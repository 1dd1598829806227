"""What a refusal adds: the words that are fine instead of an answer at this question."""

from __future__ import annotations

from flows.none_answers import is_list
from flows.schema import Field


def also_fine(field: Field, message: str) -> str:
    """Returns the refusal with what else may be sent here: 'not yet', 'none' or 'skip'."""
    said = message.lower()
    words: list[str] = []
    if field.not_yet and "not yet" not in said:
        words.append("'not yet' if it isn't done yet")
    if is_list(field) and "'none'" not in said:
        words.append("'none' if there are none")
    # "unknown" is offered after a second refusal; an optional question can simply be skipped.
    if not field.required and "skip" not in said:
        words.append("'skip' to leave it")
    if not words:
        return message
    return f"{message}\nOr send {_either(words)}."


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
