"""Counted words in messages: "1 answer", "2 answers", never "1 answers"."""

from __future__ import annotations

# Nouns whose plural is not the noun plus "s".
IRREGULAR = {"child": "children", "person": "people", "entry": "entries", "day": "days"}


def plural(count: int, noun: str) -> str:
    """Returns the count with the noun in the number it takes: ``plural(2, "day")`` → "2 days"."""
    if count == 1:
        return f"1 {noun}"
    many = IRREGULAR.get(noun) or (
        f"{noun}es" if noun.endswith(("s", "sh", "ch", "x")) else f"{noun}s"
    )
    return f"{count} {many}"
