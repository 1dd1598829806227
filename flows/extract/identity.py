"""A name with a date of birth and sex in one line ("Destiny Marie Jones, 3/14/2011, F")."""

from __future__ import annotations

import contextlib
import itertools
import re
from datetime import datetime

from flows.answers import InvalidAnswer, parse_answer
from flows.extract.proposal import Proposal
from flows.extract.targets import Code, targets
from flows.schema import Flow

IDENTITY = (Code.NAME, Code.BIRTH_DATE, Code.SEX)
_DATES = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b[A-Za-z]{3,9}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b"
)
_WORDS = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?")
# What people write before the values; never part of a name.
_FILLER = re.compile(
    r"\b(?:name|full name|child|youth|dob|d\.o\.b\.?|date of birth|born|birthday|b\.?|"
    r"sex|gender|age \d+|aged \d+)\b\s*[:#-]?",
    re.I,
)
MIN_NAME_WORDS = 2
MAX_NAME_WORDS = 6


def name_birth_sex(flow: Flow, text: str, *, now: datetime) -> list[Proposal]:
    """Returns the name, birth date and sex one line gives; nothing when it gives only one."""
    fields = targets(flow, IDENTITY)
    found: list[Proposal] = []
    if Code.BIRTH_DATE in fields:
        for match in _DATES.finditer(text):
            try:
                value = parse_answer(fields[Code.BIRTH_DATE], match[0], now=now)
            except InvalidAnswer:
                continue
            found.append(Proposal(fields[Code.BIRTH_DATE].name, value, match.span()))
            break
    if (sex := fields.get(Code.SEX)) is not None:
        # Only a whole word that is exactly a choice: a name's 'Mae' is not 'Male'.
        exact = {k.casefold() for c in sex.choices for k in (c.value, c.label, c.code) if k}
        for match in _WORDS.finditer(text):
            if match[0].casefold() in exact and not _claimed(match.span(), found):
                value = parse_answer(sex, match[0], now=now)
                found.append(Proposal(sex.name, value, match.span()))
                break
    name = fields.get(Code.NAME)
    span = _name_span(text, [p.span for p in found]) if name is not None and found else None
    if name is not None and span is not None:
        # An over-long or hidden-character name is left to the name question itself.
        with contextlib.suppress(InvalidAnswer):
            value = parse_answer(name, text[slice(*span)], now=now)
            found.append(Proposal(name.name, value, span))
    return sorted(found, key=lambda p: p.span) if len(found) >= 2 else []


def _name_span(text: str, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Returns the first run of words between the other values that reads as a full name."""
    cuts = sorted([(0, 0), *spans, (len(text), len(text))])
    for (_, start), (end, _) in itertools.pairwise(cuts):
        for piece in re.finditer(r"[^,;/|()]+", text[start:end]):
            rest = _FILLER.sub(lambda m: " " * len(m[0]), piece[0])
            words = list(_WORDS.finditer(rest))
            if MIN_NAME_WORDS <= len(words) <= MAX_NAME_WORDS and not re.search(r"\d", rest):
                offset = start + piece.start()
                return offset + words[0].start(), offset + words[-1].end()
    return None


def _claimed(span: tuple[int, int], found: list[Proposal]) -> bool:
    return any(span[0] < p.span[1] and p.span[0] < span[1] for p in found)
