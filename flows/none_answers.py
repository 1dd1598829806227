"""'None' as an answer to a list question: no phone, no e-mail, nothing taken, none of these.

Every list question takes it the same way, whatever its kind: a phone or photo list is stored
empty, an e-mail as the word "none", a checklist as its "None of these" option when it has one
(else empty). It is a real answer, so it never becomes an open item.
"""

from __future__ import annotations

from flows.conditions import JsonValue
from flows.schema import Field, Kind

NONE_WORDS = frozenset(
    {
        "none",
        "no",
        "nothing",
        "has none",
        "none known",
        "not any",
        "no one",
        "nobody",
        "none of these",
        "no phone",
        "no phones",
        "no photo",
        "no email",
        "no e-mail",
        "no devices",
        "no accounts",
    }
)
# Lists stored as a JSON list; an e-mail is one address, so "none" is kept as the word.
EMPTY_LIST_KINDS = (Kind.PHONE, Kind.PHOTO)
WORD_KINDS = (Kind.EMAIL,)


def is_list(field: Field) -> bool:
    """Tells whether the question asks for a list that may be empty ("none" is an answer)."""
    return field.kind in (*EMPTY_LIST_KINDS, *WORD_KINDS, Kind.MULTI_CHOICE)


def says_none(text: str) -> bool:
    """Tells whether the text says there are none ("None.", "none known", "no e-mail")."""
    return " ".join(text.strip().lower().rstrip(".!").split()) in NONE_WORDS


def none_value(field: Field, text: str) -> JsonValue:
    """Returns the stored "none" of a list question, or None when the text says something else."""
    if not is_list(field) or not says_none(text):
        return None
    if field.kind in WORD_KINDS:
        return "none"
    if field.kind is Kind.MULTI_CHOICE:
        alone: list[JsonValue] = [c.value for c in field.choices if c.exclusive and not c.open_item]
        return alone[:1]
    return []
