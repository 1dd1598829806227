"""Builds the report from the answers: the police read-out first, then flags, sections and duties.

The builder is pure (answers and ``now`` in, a ``Report`` value out); ``render_text`` and
``report_to_dict`` turn that value into plain text and JSON. Only questions that apply now are
reported, so an answer an edit made irrelevant stays in history but not in the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from flows.answers import format_value, ncic_value
from flows.conditions import JsonValue, age_on
from flows.deadline_profiles import FEDERAL, DeadlineProfile
from flows.duties import (
    DONE,
    NOT_APPLICABLE,
    DeadlineStatus,
    StepStatus,
    build_duties,
    stamp,
    time_left,
)
from flows.kept_notes import notes_section
from flows.lifecycle import State
from flows.not_yet import not_yet_text, still_due
from flows.report_json import report_to_dict
from flows.report_text import (
    STATE_WORDS,
    checklist_mark,
    flag_reasons,
    render_checklist,
    render_police_text,
    render_status_text,
    render_text,
    step_text,
)
from flows.report_values import (
    CHECKLIST,
    NOT_GIVEN,
    SKIPPED,
    UNKNOWN,
    Line,
    OpenItem,
    RaisedFlag,
    Report,
    ReportSection,
)
from flows.schema import Answer, Field, Flow, Kind, Level, Status
from flows.slots import MORE, Answers, Slot, walk

__all__ = [
    "STATE_WORDS",
    "DeadlineStatus",
    "Line",
    "OpenItem",
    "RaisedFlag",
    "Report",
    "ReportSection",
    "StepStatus",
    "build_report",
    "checklist_mark",
    "flag_reasons",
    "render_checklist",
    "render_police_text",
    "render_status_text",
    "render_text",
    "report_to_dict",
    "stamp",
    "step_text",
    "time_left",
]


def build_report(
    flow: Flow,
    stored: Mapping[str, Answer],
    *,
    now: datetime,
    state: str = State.INTAKE,
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
            else str(answers.fact(flow.subject_fact) or "Unknown child")
        ),
        police=_police(flow, answers, now.date())
        + tuple(line for line in (_ncic_flags(flow, answers),) if line is not None),
        category=_category(flow, answers),
        alerts=tuple(
            f"{alert.report_text or alert.message} (reasons: {'; '.join(reasons)})"
            for alert in flow.alerts
            if (reasons := tuple(t.reason for t in alert.triggers if answers.holds(t.when)))
        ),
        flags=_flags(flow, answers, slots),
        sections=_sections(flow, slots, stored),
        open_items=_open_items(slots, stored, checklist, now),
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
    elif answer.status is Status.NOT_YET:
        shown, code = not_yet_text(value), ""
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
    for name in flow.readout_details:
        if answers.applies(name) and _answered(answers, name):
            lines.append(_top_line(flow, answers, name) or Line(name, name, ""))
    return tuple(lines)


def _category(flow: Flow, answers: Answers) -> Line | None:
    # A rule with a condition beats the default, wherever the default sits in the list.
    ruled = (c for c in flow.categories if c.when is not None and answers.holds(c.when))
    default = (c for c in flow.categories if c.when is None)
    chosen = next(ruled, None) or next(default, None)
    if chosen is None:
        return None
    why = f" — suggested: {chosen.reason}" if chosen.reason else ""
    return Line("category", "Category (MKE)", chosen.label + why, chosen.code, ncic="MKE")


def _ncic_flags(flow: Flow, answers: Answers) -> Line | None:
    """Returns the NCIC flags (CA, AA) the answers support, with why, or None when none do."""
    held = [f for f in flow.ncic_flags if f.when is not None and answers.holds(f.when)]
    if not held:
        return None
    shown = "; ".join(f"{f.code} {f.label.lower()} ({f.reason})" for f in held)
    return Line("ncic_flags", "Flags (suggested)", shown)


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
    notes = notes_section(flow, stored)
    return (*result, notes) if notes is not None else tuple(result)


def _answered(answers: Answers, name: str) -> bool:
    return answers.value(name) not in (None, "", [])


def _unsure(fld: Field, answer: Answer) -> bool:
    """Tells whether a checklist answer ticks an option that keeps the question open."""
    ticked = answer.value if isinstance(answer.value, list) else [answer.value]
    return any(c.open_item and c.value in ticked for c in fld.choices)


def _open_items(
    slots: list[Slot],
    stored: Mapping[str, Answer],
    checklist: tuple[StepStatus, ...],
    now: datetime,
) -> tuple[OpenItem, ...]:
    items: list[OpenItem] = []
    for slot in slots:
        answer = stored.get(slot.key)
        unsure = answer is not None and _unsure(slot.field, answer)
        if slot.field.required and (
            answer is None or answer.status is not Status.ANSWERED or unsure
        ):
            status = (
                "missing" if answer is None else "not sure yet" if unsure else answer.status.value
            )
            if answer is not None and answer.status is Status.NOT_YET:
                status = still_due(slot.field, checklist, now)
            items.append(
                OpenItem(slot.key, slot.label, slot.section.title, status, slot.section.long_term)
            )
    # An open step counts once: not again when the question it waits for is already listed.
    listed = {item.key for item in items}
    listed |= {s.field.not_yet for s in slots if s.key in listed and s.field.not_yet}
    for step in checklist:
        if step.state not in (DONE, NOT_APPLICABLE) and not listed.intersection(
            (step.name, *step.reads)
        ):
            status = "overdue" if step.overdue else "open"
            items.append(OpenItem(step.name, step.label, CHECKLIST, status))
    return tuple(items)


def _special(fld: Field) -> bool:
    """Tells whether a line is left out of minimal summaries: sensitive or special-category."""
    return fld.sensitive or fld.classification is Level.P3
