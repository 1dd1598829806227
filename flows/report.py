"""Builds the report from the answers: the police read-out first, then flags, sections and duties.

The builder is pure (answers and ``now`` in, a ``Report`` value out); ``render_text`` and
``report_to_dict`` turn that value into plain text and JSON. Only questions that apply now are
reported, so an answer an edit made irrelevant stays in history but not in the report.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta

from flows.answers import format_value, ncic_value
from flows.conditions import JsonValue, age_on
from flows.deadline_profiles import FEDERAL, DeadlineProfile
from flows.duties import (
    DONE,
    NOT_APPLICABLE,
    DeadlineStatus,
    StepStatus,
    build_duties,
    due_text,
    stamp,
    time_left,
)
from flows.schema import Answer, Field, Flow, Kind, Level, Status
from flows.slots import MORE, Answers, Slot, walk

__all__ = [
    "DeadlineStatus",
    "Line",
    "OpenItem",
    "RaisedFlag",
    "Report",
    "ReportSection",
    "StepStatus",
    "build_report",
    "flag_reasons",
    "render_police_text",
    "render_status_text",
    "render_text",
    "report_to_dict",
    "stamp",
    "time_left",
]

UNKNOWN = "Unknown"
SKIPPED = "Skipped"
NOT_GIVEN = "Not yet given"
WIDTH = 100
CHECKLIST = "Checklist"

# Lifecycle states as a worker would say them; unlisted states are shown by name.
STATE_WORDS = {"new": "not started", "intake": "in progress", "review": "in review"}


@dataclass(frozen=True, slots=True)
class Line:
    """One answer as shown: its label, formatted value and NCIC mnemonic and code, if any."""

    key: str
    label: str
    value: str
    code: str = ""
    sensitive: bool = False
    ncic: str = ""


@dataclass(frozen=True, slots=True)
class ReportSection:
    """A titled run of settled answers, in flow order."""

    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class RaisedFlag:
    """A raised risk flag with the reasons it is up and the answers to its follow-up questions."""

    name: str
    label: str
    cmc: str
    reasons: tuple[str, ...]
    details: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class OpenItem:
    """A required question still owed: ``unknown``, ``skipped`` or ``missing``."""

    key: str
    label: str
    section: str
    status: str


@dataclass(frozen=True, slots=True)
class Report:
    """The whole report as a value; renderers turn it into text, HTML, PDF or JSON."""

    flow_id: str
    flow_version: str
    title: str
    report_id: int | None
    state: str
    subject: str
    police: tuple[Line, ...]
    category: Line | None
    alerts: tuple[str, ...]
    flags: tuple[RaisedFlag, ...]
    sections: tuple[ReportSection, ...]
    open_items: tuple[OpenItem, ...]
    deadlines: tuple[DeadlineStatus, ...]
    clock: Line | None
    generated_at: datetime
    checklist: tuple[StepStatus, ...] = ()
    profile_title: str = ""
    profile_notes: tuple[str, ...] = ()


def build_report(
    flow: Flow,
    stored: Mapping[str, Answer],
    *,
    now: datetime,
    state: str = "intake",
    report_id: int | None = None,
    profile: DeadlineProfile = FEDERAL,
    deadline_hours: Mapping[str, float] | None = None,
    facts: Mapping[str, JsonValue] | None = None,
) -> Report:
    """Builds the report value from the answers; applicable questions only.

    ``profile`` sets the state's deadline hours (``deadline_hours`` overrides single ones).
    ``facts`` are what the service knows beyond the answers: ``supervisor_reached`` for the
    checklist, and the episode facts a trigger's reason may name ("{episode_ordinal} episode").
    """
    answers = Answers(flow, stored, now, facts_given=facts or {})
    slots = [s for s in walk(flow, answers) if s.field.name != MORE]
    checklist, deadlines = build_duties(
        flow,
        answers,
        now=now,
        hours={**profile.hours, **(deadline_hours or {})},
        facts=facts or {},
    )
    return Report(
        flow_id=flow.id,
        flow_version=flow.version,
        title=flow.title,
        report_id=report_id,
        state=state,
        subject=(
            format_value(flow.field(name), answers.value(name))
            if (name := flow.subject_field) and _answered(answers, name)
            else "Unknown child"
        ),
        police=_police(flow, answers, now.date()),
        category=_category(flow, answers),
        alerts=tuple(
            f"{alert.report_text or alert.message} (reasons: {'; '.join(reasons)})"
            for alert in flow.alerts
            if (reasons := tuple(t.reason for t in alert.triggers if answers.holds(t.when)))
        ),
        flags=_flags(flow, answers, slots),
        sections=_sections(flow, slots, stored),
        open_items=_open_items(slots, stored, checklist),
        deadlines=deadlines,
        clock=_top_line(flow, answers, flow.clock_field) if flow.clock_field else None,
        generated_at=now,
        checklist=checklist,
        profile_title=profile.title,
        profile_notes=profile.notes,
    )


def _line(slot: Slot, answer: Answer) -> Line:
    fld, value = slot.field, answer.value
    if answer.status is Status.ANSWERED:
        shown, code = format_value(fld, value), ncic_value(fld, value)
    else:
        shown, code = (UNKNOWN if answer.status is Status.UNKNOWN else SKIPPED), ""
    return Line(slot.key, slot.label, shown, code, _special(fld), fld.ncic)


def _top_line(flow: Flow, answers: Answers, name: str) -> Line | None:
    """Returns the line of a top-level field, or None when the question does not apply."""
    fld, section, _ = flow.locate(name)
    if not answers.applies(name):
        return None
    answer = answers.stored.get(name)
    if answer is None or answer.status is Status.SKIPPED:
        return Line(name, fld.title, NOT_GIVEN, sensitive=_special(fld), ncic=fld.ncic)
    return _line(Slot(name, fld, section), answer)


def _police(flow: Flow, answers: Answers, today: date) -> tuple[Line, ...]:
    # The flow names no DOB field: take the read-out field coded DOB, else its first date.
    dates = [n for n in flow.readout if flow.field(n).kind is Kind.DATE]
    birth = next((n for n in dates if flow.field(n).ncic == "DOB"), dates[0] if dates else "")
    lines: list[Line] = []
    for name in flow.readout:
        line = _top_line(flow, answers, name)
        if line is None:
            continue
        lines.append(line)
        if name == birth:
            born = answers.value(name)
            age = str(age_on(date.fromisoformat(born), today)) if isinstance(born, str) else ""
            lines.append(Line("age", "Age", age or line.value))
    return tuple(lines)


def _category(flow: Flow, answers: Answers) -> Line | None:
    # A rule with a condition beats the default, wherever the default sits in the list.
    ruled = (c for c in flow.categories if c.when is not None and answers.holds(c.when))
    default = (c for c in flow.categories if c.when is None)
    chosen = next(ruled, None) or next(default, None)
    if chosen is None:
        return None
    return Line("category", "Category (MKE)", chosen.label, chosen.code, ncic="MKE")


def _flags(flow: Flow, answers: Answers, slots: list[Slot]) -> tuple[RaisedFlag, ...]:
    raised: list[RaisedFlag] = []
    for risk in flow.risk_flags:
        if not answers.flag(risk.name):
            continue
        reasons = tuple(_reason(t.reason, answers) for t in risk.triggers if answers.holds(t.when))
        details = tuple(
            _line(s, answer)
            for s in slots
            if risk.name in _flags_read(s)
            and (answer := answers.stored.get(s.key)) is not None
            and answer.status is not Status.SKIPPED
        )
        raised.append(RaisedFlag(risk.name, risk.label, risk.cmc, reasons, details))
    return tuple(raised)


def _reason(text: str, answers: Answers) -> str:
    """Fills the facts a reason names; a reason naming no fact is returned as written."""
    if "{" not in text:
        return text
    return text.format_map(_Facts({k: v for k, v in answers.facts_given.items() if v is not None}))


class _Facts(dict[str, JsonValue]):
    """The supplied facts for a reason; one not supplied reads as "?" rather than failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def _flags_read(slot: Slot) -> set[str]:
    # A repeat group opened by a flag (the adults with the child) is follow-up too.
    conditions = (slot.field.relevant, slot.repeat.relevant if slot.repeat else None)
    return {name for c in conditions if c is not None for name in c.flags()}


def _sections(
    flow: Flow, slots: list[Slot], stored: Mapping[str, Answer]
) -> tuple[ReportSection, ...]:
    result: list[ReportSection] = []
    for section in flow.sections:
        lines = tuple(
            _line(s, answer)
            for s in slots
            if s.section is section and (answer := stored.get(s.key)) is not None
        )
        if lines:
            result.append(ReportSection(section.title, lines))
    return tuple(result)


def _answered(answers: Answers, name: str) -> bool:
    return answers.value(name) not in (None, "", [])


def _open_items(
    slots: list[Slot], stored: Mapping[str, Answer], checklist: tuple[StepStatus, ...]
) -> tuple[OpenItem, ...]:
    items: list[OpenItem] = []
    for slot in slots:
        answer = stored.get(slot.key)
        if slot.field.required and (answer is None or answer.status is not Status.ANSWERED):
            status = "missing" if answer is None else answer.status.value
            items.append(OpenItem(slot.key, slot.label, slot.section.title, status))
    # An open step counts once: not again when the question it waits for is already listed.
    listed = {item.key for item in items}
    for step in checklist:
        if step.state not in (DONE, NOT_APPLICABLE) and not listed.intersection(step.reads):
            status = "overdue" if step.overdue else "open"
            items.append(OpenItem(step.name, step.label, CHECKLIST, status))
    return tuple(items)


def render_text(report: Report, *, now: datetime, numbered: bool = False) -> str:
    """Renders the report as plain text for the console and exports.

    With ``numbered`` every answer line carries the number 'edit <n>' takes.
    """
    out = _heading(report)
    out += _render_alerts(report)
    out += _render_police(report)
    if report.flags:
        out += ["", "RISK FLAGS"]
        for flag in report.flags:
            cmc = f" [CMC {flag.cmc}]" if flag.cmc else ""
            reasons = flag_reasons(flag)
            out += _wrap(f"! {flag.label}{cmc}", f" — {reasons}" if reasons else "", indent=2)
            for line in flag.details:
                out += _wrap(f"{line.label}: ", line.value, indent=6)
    else:
        out += ["", "RISK FLAGS: none raised"]
    number = 0
    for section in report.sections:
        out += ["", section.title.upper()]
        for line in section.lines:
            number += 1
            mark = f"{number:>3}. " if numbered else "  "
            out += _wrap(f"{mark}{line.label}: ", line.value, indent=0)
    out += ["", *_render_open_items(report)]
    out += ["", *_render_deadlines(report, now)]
    out += render_checklist(report, now)
    return "\n".join(out) + "\n"


def render_police_text(report: Report) -> str:
    """Renders only what the officer needs read out, NCIC terms first, then the flags."""
    out = _heading(report) + _render_alerts(report) + _render_police(report)
    if report.flags:
        out += ["", *_wrap("CAUTIONS: ", "; ".join(map(_flag_title, report.flags)), indent=0)]
    return "\n".join(out) + "\n"


def render_status_text(report: Report, *, now: datetime) -> str:
    """Renders progress at a glance: deadlines earliest first, the checklist, flags, open items."""
    out = _heading(report) + _render_alerts(report)
    out += ["", *_render_deadlines(report, now, short=True)]
    out += render_checklist(report, now)
    flags = "; ".join(_flag_title(flag) for flag in report.flags) or "none raised"
    out += ["", *_wrap("RISK FLAGS: ", flags, indent=0), "", *_render_open_items(report)]
    return "\n".join(out) + "\n"


def render_checklist(report: Report, now: datetime) -> list[str]:
    """Returns the checklist block: each step in order with ✓ (done), ○ (open) or – (n/a)."""
    if not report.checklist:
        return []
    out = ["", f"CHECKLIST ({report.profile_title})" if report.profile_title else "CHECKLIST"]
    for step in report.checklist:
        out += _wrap(f"  {checklist_mark(step)} ", step_text(step, now), indent=0)
    if report.profile_notes:
        out.append("  Also required:")
        for note in report.profile_notes:
            out += _wrap("    + ", note, indent=0)
    return out


def checklist_mark(step: StepStatus) -> str:
    """Returns ✓ for a done step, ○ for an open one and – for one that does not apply."""
    return {DONE: "✓", NOT_APPLICABLE: "–"}.get(step.state, "○")


def step_text(step: StepStatus, now: datetime) -> str:
    """Returns one step as shown: 'Report to NCMEC: due 02:00 — 1 h 20 min left'."""
    if step.state == NOT_APPLICABLE:
        return f"{step.label} — not applicable"
    if step.state == DONE:
        return f"{step.label} — {step.detail}" if step.detail else f"{step.label} — done"
    if step.deadline is None:
        return f"{step.label} — open"
    return f"{step.label}: due {due_text(step.deadline, now)} — {time_left(step.deadline, now)}"


def _heading(report: Report) -> list[str]:
    number = f" #{report.report_id}" if report.report_id is not None else ""
    state = STATE_WORDS.get(report.state, report.state.replace("_", " "))
    return [
        f"MISSING CHILD REPORT{number} — {report.subject}",
        f"Status: {state} · generated {stamp(report.generated_at)}",
    ]


def _render_alerts(report: Report) -> list[str]:
    out: list[str] = []
    if report.alerts:
        out.append("")
        for alert in report.alerts:
            out += _wrap("⚠ ", alert, indent=0)
    return out


def _render_police(report: Report) -> list[str]:
    police = [*report.police, *([report.category] if report.category else [])]
    if not police:
        return []
    width = min(max(len(line.label) for line in police) + 5, 30)
    out = ["", "POLICE READ-OUT (NCIC)"]
    for line in police:
        dots = "." * max(width - len(line.label) - 2, 3)
        out += _wrap(f"{line.label} {dots} ", _coded(line), indent=2)
    return out


def _render_open_items(report: Report) -> list[str]:
    if not report.open_items:
        return ["OPEN ITEMS: none"]
    out = [f"OPEN ITEMS ({len(report.open_items)})"]
    out += [f"  - {i.section} › {i.label} — {i.status}" for i in report.open_items]
    return out


def _flag_title(flag: RaisedFlag) -> str:
    return f"{flag.label} [CMC {flag.cmc}]" if flag.cmc else flag.label


def _render_deadlines(report: Report, now: datetime, *, short: bool = False) -> list[str]:
    if report.clock is None:
        return ["DEADLINES: none"]
    if not report.deadlines:
        return [f"DEADLINES: start when '{report.clock.label.lower()}' is answered"]
    out = [f"DEADLINES (from {report.clock.label.lower()} {report.clock.value})"]
    for deadline in report.deadlines:
        left = time_left(deadline, now)
        if deadline.immediate:
            when = "immediately"
        else:
            when = due_text(deadline, now) if short else stamp(deadline.due_at)
        out.append(f"  {deadline.label}: due {when} — {left}")
    return out


def flag_reasons(flag: RaisedFlag) -> str:
    """Returns why the flag is up, leaving out a reason that only repeats its label."""
    return "; ".join(r for r in flag.reasons if r.lower() != flag.label.lower())


def _coded(line: Line) -> str:
    code = " ".join(part for part in (line.ncic, line.code) if part)
    # "Brown (BRO) [HAI BRO]" says the code twice when read aloud; the bracket is enough.
    value = line.value.removesuffix(f" ({line.code})") if line.code else line.value
    return f"{value} [{code}]" if code else value


def _wrap(head: str, value: str, *, indent: int) -> list[str]:
    """Returns ``head`` + ``value`` as lines of at most WIDTH, continuations under the value."""
    first = " " * indent + head
    rest = " " * (indent + 4 if len(first) > 40 else len(first))
    out: list[str] = []
    for part in value.split("\n"):
        wrapped = textwrap.wrap(
            part,
            WIDTH,
            initial_indent=rest if out else first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        out += [w.rstrip() for w in wrapped] or [(rest if out else first).rstrip()]
    return out


def report_to_dict(report: Report) -> dict[str, JsonValue]:
    """Returns a JSON-ready dict of the report (datetimes ISO, timedeltas as seconds)."""
    result = _plain(report)
    assert isinstance(result, dict)
    return result


def _plain(value: object) -> JsonValue:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _special(fld: Field) -> bool:
    """Tells whether a line is left out of minimal summaries: sensitive or special-category."""
    return fld.sensitive or fld.classification is Level.P3
