"""A time with a place ("last seen 22:40 at the back door of the group home") read at once."""

from __future__ import annotations

import re
from datetime import datetime

from flows.answers import InvalidAnswer, parse_answer
from flows.extract.proposal import Proposal
from flows.schema import Field, Flow, Kind

_LEAD = re.compile(r"\s*(?:(?:was\s+)?(?:last\s+)?seen|left|ran\s+off|ran\s+away)\b[\s:,-]*", re.I)
# Where a place begins; 'at' is dropped from the stored place, the others say something.
_PLACE_START = re.compile(
    r",\s*|\s+(?=(?:at|near|outside|behind|by|in front of|inside|across from|on|in|around"
    r"|about)\s)",
    re.I,
)
_AT = re.compile(r"at\s+", re.I)


def time_and_place(
    flow: Flow, time_key: str, place_key: str, text: str, *, now: datetime
) -> list[Proposal]:
    """Returns the time and the place one message gives, in either order; else nothing."""
    time_field, place_field = flow.field(time_key), flow.field(place_key)
    if time_field.kind is not Kind.DATETIME or place_field.kind is not Kind.TEXT:
        return []
    lead = _LEAD.match(text)
    base = lead.end() if lead else 0
    cuts = [m for m in _PLACE_START.finditer(text, base) if m.start() > base]
    # Time first: the earliest cut that leaves a time before it. Place first: the latest cut.
    orders = [(c, True) for c in cuts] + [(c, False) for c in reversed(cuts)]
    for cut, time_first in orders:
        first = (base, cut.start())
        second = (cut.end(), len(text.rstrip()))
        time_span, place_span = (first, second) if time_first else (second, first)
        place_span = _without_at(text, place_span)
        when, where = text[slice(*time_span)], text[slice(*place_span)].strip(" ,.;")
        if not where or not re.search(r"[^\W\d_]", where):
            continue
        try:
            value = parse_answer(time_field, when, now=now)
        except InvalidAnswer:
            continue
        if _reads_as_time(time_field, where, now):
            continue
        place = parse_answer(place_field, where, now=now)
        start = place_span[0] + text[slice(*place_span)].index(where)
        return sorted(
            [
                Proposal(time_key, value, time_span),
                Proposal(place_key, place, (start, start + len(where))),
            ],
            key=lambda p: p.span,
        )
    return []


def _without_at(text: str, span: tuple[int, int]) -> tuple[int, int]:
    at = _AT.match(text, span[0])
    return (at.end(), span[1]) if at and at.end() <= span[1] else span


def _reads_as_time(fld: Field, text: str, now: datetime) -> bool:
    """Tells whether the would-be place is itself a time ('22:40, 10 pm' is not a sighting)."""
    try:
        parse_answer(fld, text, now=now)
    except InvalidAnswer:
        return False
    return True
