"""Builds the report from the answers: the police read-out first, then flags, sections and duties.

The builder is pure (answers and ``now`` in, a ``Report`` value out); ``render_text`` and
``report_to_dict`` turn that value into plain text and JSON. Only questions that apply now are
reported, so an answer an edit made irrelevant stays in history but not in the report.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta

from flows.answers import format_value, ncic_value
from flows.conditions import JsonValue, age_on
from flows.schema import Answer, Flow, Kind, Status
from flows.slots import MORE, Answers, Slot, walk

UNKNOWN = "Unknown"
SKIPPED = "Skipped"
NOT_GIVEN = "Not yet given"
WIDTH = 100

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
class DeadlineStatus:
    """A reporting duty: when it is due, the time left (negative when overdue) and whether done."""

    name: str
    label: str
    due_at: datetime
    remaining: timedelta
    done: bool


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


def build_report(
    flow: Flow,
    stored: Mapping[str, Answer],
    *,
    now: datetime,
    state: str = "intake",
    report_id: int | None = None,
    deadline_hours: Mapping[str, float] | None = None,
    facts: Mapping[str, JsonValue] | None = None,
) -> Report:
    """Builds the report value from the answers; applicable questions only.

    ``facts`` are the values the service supplies beside the answers; a trigger's reason may
    name them in braces ("{episode_ordinal} missing episode").
    """
    answers = Answers(flow, stored, now, facts_given=facts or {})
    slots = [s for s in walk(flow, answers) if s.field.name != MORE]
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
        open_items=_open_items(slots, stored),
        deadlines=_deadlines(flow, answers, now, deadline_hours or {}),
        clock=_top_line(flow, answers, flow.clock_field) if flow.clock_field else None,
        generated_at=now,
    )


def _line(slot: Slot, answer: Answer) -> Line:
    fld, value = slot.field, answer.value
    if answer.status is Status.ANSWERED:
        shown, code = format_value(fld, value), ncic_value(fld, value)
    else:
        shown, code = (UNKNOWN if answer.status is Status.UNKNOWN else SKIPPED), ""
    return Line(slot.key, slot.label, shown, code, fld.sensitive, fld.ncic)


def _top_line(flow: Flow, answers: Answers, name: str) -> Line | None:
    """Returns the line of a top-level field, or None when the question does not apply."""
    fld, section, _ = flow.locate(name)
    if not answers.applies(name):
        return None
    answer = answers.stored.get(name)
    if answer is None or answer.status is Status.SKIPPED:
        return Line(name, fld.title, NOT_GIVEN, sensitive=fld.sensitive, ncic=fld.ncic)
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


def _open_items(slots: list[Slot], stored: Mapping[str, Answer]) -> tuple[OpenItem, ...]:
    items: list[OpenItem] = []
    for slot in slots:
        answer = stored.get(slot.key)
        if slot.field.required and (answer is None or answer.status is not Status.ANSWERED):
            status = "missing" if answer is None else answer.status.value
            items.append(OpenItem(slot.key, slot.label, slot.section.title, status))
    return tuple(items)


def _deadlines(
    flow: Flow, answers: Answers, now: datetime, hours: Mapping[str, float]
) -> tuple[DeadlineStatus, ...]:
    start = answers.value(flow.clock_field) if flow.clock_field else None
    if not isinstance(start, str):
        return ()
    begun = datetime.fromisoformat(start)
    result: list[DeadlineStatus] = []
    for deadline in flow.deadlines:
        due = begun + timedelta(hours=hours.get(deadline.name, deadline.hours))
        done = bool(deadline.done_field) and _answered(answers, deadline.done_field)
        result.append(DeadlineStatus(deadline.name, deadline.label, due, due - now, done))
    # The earliest duty is the one the worker must see first.
    return tuple(sorted(result, key=lambda d: d.due_at))


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
    return "\n".join(out) + "\n"


def render_police_text(report: Report) -> str:
    """Renders only what the officer needs read out, NCIC terms first, then the flags."""
    out = _heading(report) + _render_alerts(report) + _render_police(report)
    if report.flags:
        out += ["", *_wrap("CAUTIONS: ", "; ".join(map(_flag_title, report.flags)), indent=0)]
    return "\n".join(out) + "\n"


def render_status_text(report: Report, *, now: datetime) -> str:
    """Renders progress at a glance: alerts, raised flags, open items and the deadlines."""
    out = _heading(report) + _render_alerts(report)
    flags = "; ".join(_flag_title(flag) for flag in report.flags) or "none raised"
    out += ["", *_wrap("RISK FLAGS: ", flags, indent=0), "", *_render_open_items(report)]
    out += ["", *_render_deadlines(report, now)]
    return "\n".join(out) + "\n"


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


def _render_deadlines(report: Report, now: datetime) -> list[str]:
    if report.clock is None:
        return ["DEADLINES: none"]
    if not report.deadlines:
        return [f"DEADLINES: start when '{report.clock.label.lower()}' is answered"]
    out = [f"DEADLINES (from {report.clock.label.lower()} {report.clock.value})"]
    for deadline in report.deadlines:
        left = time_left(deadline, now)
        out.append(f"  {deadline.label}: due {stamp(deadline.due_at)} — {left}")
    return out


def time_left(deadline: DeadlineStatus, now: datetime) -> str:
    """Returns 'done', '3 h 5 min left' or 'OVERDUE by 20 min', counted from ``now``."""
    # Recomputed from the render's ``now`` so a report built earlier never shows stale time.
    seconds = (deadline.due_at - now).total_seconds()
    if deadline.done:
        return "done"
    if seconds > 0:
        return f"{_span(math.floor(seconds / 60))} left"
    return f"OVERDUE by {_span(math.ceil(-seconds / 60))}"


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


def _span(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins} min" if hours else f"{mins} min"


def stamp(moment: datetime) -> str:
    """Returns a time as the reports show it: 'Sat Nov 28, 2026 12:00'."""
    return f"{moment:%a %b} {moment.day}, {moment:%Y %H:%M}"


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
