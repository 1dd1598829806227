"""A face-sheet value that names a choice ('Foster home - the Carters'): the choice and the rest."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime

from flows.answers import InvalidAnswer, parse_answer
from flows.conditions import JsonValue
from flows.extract.hints import LabelRule
from flows.extract.proposal import Proposal
from flows.schema import Flow


def picked(flow: Flow, rule: LabelRule, value: str, start: int, *, now: datetime) -> list[Proposal]:
    """Returns the choice the value names, and the rest of the value for the second field."""
    choice_field = flow.field(rule.fields[0])
    said = value.lower()
    names = [(c.label.lower(), c.value) for c in choice_field.choices]
    names += [
        (part.strip().lower(), c.value) for c in choice_field.choices for part in c.label.split("/")
    ]
    names += list(rule.words)
    hit = next(
        ((m, option) for word, option in sorted(names, key=lambda n: -len(n[0]))
         if len(word) >= 3 and (m := re.search(rf"\b{re.escape(word)}\b", said))),
        None,
    )  # fmt: skip
    found: list[Proposal] = []
    rest_span = (0, len(value))
    if hit is not None:
        match, chosen = hit
        choice: JsonValue = parse_answer(choice_field, chosen, now=now)
        found.append(
            Proposal(choice_field.name, choice, (start + match.start(), start + match.end()))
        )
        before, after = value[: match.start()], value[match.end() :]
        rest_span = (0, match.start()) if before.strip(" -–—,;:()") else (match.end(), len(value))
        if before.strip(" -–—,;:()") and after.strip(" -–—,;:()"):
            rest_span = (0, len(value))  # the choice sits mid-sentence: keep it all
    if len(rule.fields) > 1:
        rest = value[slice(*rest_span)]
        trimmed = rest.strip(" -–—,;:()")
        if trimmed and re.search(r"[^\W\d_]{2}", trimmed):
            begin = start + rest_span[0] + rest.index(trimmed)
            second = flow.field(rule.fields[1])
            with contextlib.suppress(InvalidAnswer):
                found.append(
                    Proposal(
                        second.name,
                        parse_answer(second, trimmed, now=now),
                        (begin, begin + len(trimmed)),
                    )
                )
    return found
