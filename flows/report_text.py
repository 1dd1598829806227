"""Renders a report value as plain text: the full report, the police read-out, the status."""

from __future__ import annotations

import textwrap
from datetime import datetime

from flows.duties import DONE, NOT_APPLICABLE, StepStatus, due_text, stamp, time_left
from flows.efforts import render_timeline
from flows.lifecycle import State
from flows.report_values import Line, RaisedFlag, Report

WIDTH = 100

# Lifecycle states as a worker would say them; unlisted states are shown by name.
STATE_WORDS: dict[str, str] = {
    State.NEW: "not started",
    State.INTAKE: "in progress",
    State.REVIEW: "in review",
}


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
    out += ["", *render_timeline(report.efforts)]
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
    # A mnemonic with no code ("[MPC]" for "not clear yet") tells the officer nothing.
    code = f"{line.ncic} {line.code}".strip() if line.code else ""
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
