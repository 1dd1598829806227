"""The supervisor's one-screen summary of a report, built from the report value alone.

At most about 15 short lines: who the child is, since when and from where, the raised flags in
words, what the police and NCMEC have, the next deadline with its time left, how many items are
open and who holds the report. The full report stays a tap away (HTML and PDF).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum

from flows.duties import DeadlineStatus, stamp, time_left
from flows.report_values import NOT_GIVEN, SKIPPED, UNKNOWN, Line, Report

MAX_LINES = 15
UNSET = frozenset({UNKNOWN, SKIPPED, NOT_GIVEN, ""})


class SummaryField(StrEnum):
    """The questions the summary reads (a flow without one simply leaves its line out)."""

    NAME = "child_name"
    LAST_SEEN = "last_seen_at"
    PLACE = "last_seen_place"
    LE_AGENCY = "le_agency"
    LE_REPORTED = "le_reported_at"
    LE_CASE = "le_case_number"
    NCIC_CONFIRMED = "ncic_entry_confirmed"
    NIC = "nic_number"
    NCMEC_REPORTED = "ncmec_reported_at"
    NCMEC_CASE = "ncmec_case_number"


POLICE = (SummaryField.LE_AGENCY, SummaryField.LE_REPORTED, SummaryField.LE_CASE, SummaryField.NIC)
NCMEC = (SummaryField.NCMEC_REPORTED, SummaryField.NCMEC_CASE)


def first_name(full: str) -> str:
    """Returns the given name of 'Alvarez, Destiny Marie' or 'Destiny Alvarez' ('Destiny')."""
    given = full.split(",", 1)[1] if "," in full else full
    words = given.split()
    return words[0] if words else full.strip()


def summary_lines(
    report: Report, *, now: datetime, holder: str, minimal: bool = False, head: str = ""
) -> list[str]:
    """Returns the summary as plain text lines, the heading first (at most ``MAX_LINES``).

    With ``minimal`` no sensitive or special-category answer is shown and the flags are counted,
    not named (a flag's name can itself be health data).
    """
    lines = _lines(report, minimal=minimal)
    number = f"report #{report.report_id}" if report.report_id is not None else "report"
    out = [f"{head or 'Report'} — {number}: {_who(report, lines)}"]
    out += _since(lines)
    out += _flags(report, minimal=minimal)
    out += _police(lines, report)
    out += _ncmec(lines, report)
    out.append(_next_deadline(report.deadlines, now))
    out.append(f"Open items: {len(report.open_items)}")
    out.append(f"On it: {holder}")
    return out[:MAX_LINES]


def _lines(report: Report, *, minimal: bool) -> dict[str, Line]:
    """Returns every shown top-level answer by key (a minimal summary drops sensitive ones)."""
    every = [*report.police, *(line for s in report.sections for line in s.lines)]
    return {
        line.key: line
        for line in every
        if line.value not in UNSET and not (minimal and line.sensitive)
    }


def _value(lines: dict[str, Line], field: SummaryField) -> str:
    line = lines.get(field.value)
    return line.value if line is not None else ""


def _who(report: Report, lines: dict[str, Line]) -> str:
    name = _value(lines, SummaryField.NAME)
    age = lines.get("age")
    shown = first_name(name) if name else "name not given"
    return f"{shown}, {age.value}" if age is not None and age.value.isdigit() else shown


def _since(lines: dict[str, Line]) -> list[str]:
    seen, place = _value(lines, SummaryField.LAST_SEEN), _value(lines, SummaryField.PLACE)
    if not seen and not place:
        return ["Missing since: not yet given"]
    where = f" from {place}" if place else ""
    return [f"Missing since {seen or 'an unknown time'}{where}"]


def _flags(report: Report, *, minimal: bool) -> list[str]:
    if not report.flags:
        return ["Risk flags: none raised"]
    if minimal:
        return [f"Risk flags: {len(report.flags)} raised (named in the full report)"]
    return ["Risk: " + "; ".join(flag.label for flag in report.flags)]


def _asked(report: Report, fields: tuple[SummaryField, ...], lines: dict[str, Line]) -> bool:
    """Tells whether the report has reached these questions (answered or owed)."""
    owed = {item.key for item in report.open_items}
    every = {line.key for s in report.sections for line in s.lines}
    return any(f.value in lines or f.value in owed or f.value in every for f in fields)


def _police(lines: dict[str, Line], report: Report) -> list[str]:
    if not _asked(report, POLICE, lines):
        return []
    agency, case = _value(lines, SummaryField.LE_AGENCY), _value(lines, SummaryField.LE_CASE)
    if not (agency or case or _value(lines, SummaryField.LE_REPORTED)):
        return ["Police report: not yet made"]
    nic = _value(lines, SummaryField.NIC)
    confirmed = _value(lines, SummaryField.NCIC_CONFIRMED).lower() == "yes"
    entry = (
        f"NCIC entry {nic}" if nic else ("NCIC entry confirmed" if confirmed else "no NCIC entry")
    )
    parts = [agency or "agency not given", f"case {case}" if case else "no case number", entry]
    return ["Police report: " + ", ".join(parts)]


def _ncmec(lines: dict[str, Line], report: Report) -> list[str]:
    if not _asked(report, NCMEC, lines):
        return []
    case = _value(lines, SummaryField.NCMEC_CASE)
    if case:
        return [f"NCMEC report: case {case}"]
    if _value(lines, SummaryField.NCMEC_REPORTED):
        return ["NCMEC report: made, no case number yet"]
    return ["NCMEC report: not yet made"]


def _open(deadlines: tuple[DeadlineStatus, ...]) -> Iterator[DeadlineStatus]:
    return (d for d in deadlines if not d.done)


def _next_deadline(deadlines: tuple[DeadlineStatus, ...], now: datetime) -> str:
    upcoming = sorted(_open(deadlines), key=lambda d: d.due_at)
    if not upcoming:
        return "Next deadline: none open" if deadlines else "Next deadline: clock not started"
    first = upcoming[0]
    when = stamp(first.due_at.astimezone(now.tzinfo))
    return f"Next deadline: {first.label} — {time_left(first, now)} (due {when})"


def next_deadline(report: Report) -> DeadlineStatus | None:
    """Returns the report's earliest open deadline, or None when none is open."""
    return min(_open(report.deadlines), key=lambda d: d.due_at, default=None)
