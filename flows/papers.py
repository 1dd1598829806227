"""The papers that go out: the "if found" card for a patrol officer and the public-safe flyer.

Both are pure values built from the ``Report``: the card is the read-out, the cautions in words
and the "if found" plan; the flyer is an allow-list of descriptive lines and nothing else, so an
answer NCMEC keeps private (foster care, custody, health, exploitation, case numbers) can never
reach it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flows.report_values import NOT_GIVEN, SKIPPED, UNKNOWN, Line, Report
from flows.schema import Flow, Kind

# The card's plan, in the order the officer needs it; the first answered name of each group is
# shown (the guardian's or the reporter's phones stand in for an unanswered 24/7 number).
CARD_PLAN: tuple[tuple[str, ...], ...] = (
    ("if_found_call", "guardian_phones", "reporter_phones"),
    ("if_found_take_to",),
    ("if_found_not_to",),
    ("pickup_order",),
    ("custody_basis",),
)
CALL_24_7 = "Call 24/7 if found"
# The flyer's lines: a description anyone may see. Nothing else is ever read for it.
FLYER_NAME = "child_name"
FLYER_DESCRIPTION = ("age", "sex", "race", "height", "weight", "hair", "eyes")
FLYER_CLOTHING = "clothing"
FLYER_LAST_SEEN = ("last_seen_at", "public_last_seen_area")
FLYER_CALL = "le_agency"
# Recorded publication authority is what lets a flyer exist at all (seed; WA-4550).
PUBLICATION_AUTHORITY = "publication_authorized_by"
NOT_ANSWERED = frozenset({UNKNOWN, SKIPPED, NOT_GIVEN})


@dataclass(frozen=True, slots=True)
class IfFoundCard:
    """What a patrol officer needs on finding the child, and nothing else."""

    report_id: int | None
    name: str
    readout: tuple[Line, ...]
    cautions: tuple[Line, ...]
    plan: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Flyer:
    """The public-safe flyer: name, description, clothing, last seen and whom to call."""

    name: str
    description: tuple[Line, ...]
    clothing: str
    last_seen: str
    call: str


def lines_by_key(report: Report) -> dict[str, Line]:
    """Returns every answered line of the report by key (the read-out's age line included)."""
    found = {x.key: x for s in report.sections for x in s.lines}
    found.update((x.key, x) for x in report.police)
    return {k: x for k, x in found.items() if x.value not in NOT_ANSWERED}


def if_found_card(flow: Flow, report: Report) -> IfFoundCard:
    """Builds the card: the read-out without photos, the cautions in words, the plan."""
    details = set(flow.readout_details)
    photos = {n for n in flow.readout if flow.has_field(n) and flow.field(n).kind is Kind.PHOTO}
    readout = tuple(
        x for x in report.police if x.key not in details | photos and x.value not in NOT_ANSWERED
    )
    risks = tuple(Line(f"flag.{f.name}", "Risk", f.label) for f in report.flags)
    cautions = risks + tuple(x for x in report.police if x.key in details)
    known = lines_by_key(report)
    plan = tuple(
        _labelled(line, CALL_24_7 if names[0] == "if_found_call" else line.label)
        for names in CARD_PLAN
        if (line := _first(known, names)) is not None
    )
    return IfFoundCard(report.report_id, report.subject, readout, cautions, plan)


def flyer_allowed(report: Report) -> bool:
    """Tells whether the agency recorded who authorizes publication (the flyer's condition)."""
    return PUBLICATION_AUTHORITY in lines_by_key(report)


def build_flyer(report: Report) -> Flyer | None:
    """Builds the public flyer from the allow-list, or None when publication is not authorized."""
    known = lines_by_key(report)
    if PUBLICATION_AUTHORITY not in known:
        return None
    name = _spoken(known[FLYER_NAME].value if FLYER_NAME in known else report.subject)
    return Flyer(
        name=name,
        description=tuple(_public(known[k]) for k in FLYER_DESCRIPTION if k in known),
        clothing=known[FLYER_CLOTHING].value if FLYER_CLOTHING in known else "",
        last_seen=", ".join(known[k].value for k in FLYER_LAST_SEEN if k in known),
        call=known[FLYER_CALL].value if FLYER_CALL in known else "",
    )


def render_card_text(card: IfFoundCard) -> str:
    """Renders the card as plain text: the Telegram message and the console's view."""
    number = f" · report #{card.report_id}" if card.report_id is not None else ""
    out = [f"IF FOUND — {card.name}{number}", "", "READ-OUT"]
    out += _lines(card.readout)
    if card.cautions:
        out += ["", "CAUTIONS"]
        out += _lines(card.cautions)
    out += ["", "IF FOUND"]
    out += _lines(card.plan) if card.plan else ["  No plan recorded: call the reporting agency."]
    return "\n".join(out) + "\n"


def _lines(lines: Iterable[Line]) -> list[str]:
    return [f"  {x.label}: {x.value}" for x in lines]


def _first(known: dict[str, Line], names: tuple[str, ...]) -> Line | None:
    return next((known[n] for n in names if n in known), None)


def _spoken(name: str) -> str:
    """Returns an NCIC-style "Last, First Middle" as the public reads it: "First Middle Last"."""
    last, comma, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if comma and first.strip() else name


def _public(line: Line) -> Line:
    """Returns the line without its NCIC code in brackets: the public reads words."""
    value = line.value.removesuffix(f" ({line.code})") if line.code else line.value
    return Line(line.key, line.label, value)


def _labelled(line: Line, label: str) -> Line:
    return Line(line.key, label, line.value, line.code, line.sensitive, line.ncic)
