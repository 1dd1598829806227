"""Every reader run on one message at the question being asked, settled into one understanding."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flows.extract.description import DESCRIPTION, description_line
from flows.extract.gate import gate_with_details
from flows.extract.hints import Hints
from flows.extract.identity import IDENTITY, name_birth_sex
from flows.extract.proposal import Proposal, Understanding, field_for, settle
from flows.extract.sighting import time_and_place
from flows.schema import Answer, Flow, Kind


def read_message(
    flow: Flow, hints: Hints, asked: str, text: str, *, now: datetime, stored: Mapping[str, Answer]
) -> Understanding | None:
    """Returns what the message says beyond the question ``asked``, or None when it says no more.

    None means the engine takes the message as the plain answer it is today.
    """
    fld = field_for(flow, asked)
    proposals: list[Proposal] = []
    if fld.kind is Kind.YES_NO:
        proposals += gate_with_details(flow, asked, text, now=now)
    if fld.ncic in DESCRIPTION:
        proposals += description_line(flow, text, now=now)
    if fld.ncic in IDENTITY:
        proposals += name_birth_sex(flow, text, now=now)
    for pair in hints.time_places:
        if asked in (pair.time, pair.place):
            proposals += time_and_place(flow, pair.time, pair.place, text, now=now)
    result = settle(proposals, asked=asked, stored=stored)
    return result if len(result.keys()) >= 2 else None
