"""The text of each outbox message, rendered when it is sent from the report as it is then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from bot.render.case_text import effort_due_text, handover_text
from bot.render.report_html import render_html, split_html
from bot.service.case_values import CaseFile
from bot.service.efforts import EFFORT_DUE
from bot.service.intake import IntakeService, ReportNotFound
from bot.service.outbox_reminders import deadline_of
from bot.service.outbox_rows import Notification
from flows.report import Report, stamp, time_left
from flows.schema import FlowDefinitionError
from flows.summary import summary_lines

UNREACHED = "No supervisor could be reached yet — call your on-call supervisor now."


@dataclass(frozen=True, slots=True)
class Message:
    """One rendered notification: HTML parts, an optional PDF, and whether it has Acknowledge."""

    parts: list[str]
    pdf: bytes | None = None
    ack: bool = False
    full_report: bool = False  # a "Full report" button sends the HTML and the PDF on a tap


def render(service: IntakeService, row: Notification, *, minimal_summary: bool) -> Message:
    """Renders a row's message from the database as it is now (nothing was stored rendered)."""
    now = service.now()
    report = service.report(row.report_id)
    number = f"report #{row.report_id}"
    if row.kind == "alert":
        head = (
            f"🚨 <b>MISSING CHILD — {number}</b>\n"
            "Call-ready details are in; the full report follows on submit."
        )
        return Message(_with_head(head, render_html(report, now=now, minimal=True)), ack=True)
    if row.kind == "escalation":
        head = (
            f"⏫ <b>NOT YET ACKNOWLEDGED — {number}</b>\n"
            "No supervisor has acknowledged this missing child yet. Please acknowledge."
        )
        return Message(_with_head(head, render_html(report, now=now, minimal=True)), ack=True)
    if row.kind == "summary" and not service.is_recovery(row.report_id):
        case = service.case_summary(row.report_id)
        return Message(
            [summary_html(case, now=now, minimal=minimal_summary)], ack=True, full_report=True
        )
    if row.kind == "summary":
        from bot.render.report_pdf import render_pdf  # fpdf2 only when a summary goes out

        head = f"✅ <b>Child found — {number}</b>"
        parts = render_html(report, now=now, minimal=minimal_summary)
        pdf = render_pdf(report, now=now, photos=service.photos(row.report_id))
        return Message(_with_head(head, parts), pdf=pdf, ack=True)
    if row.kind in ("handed_over", "handed_away"):
        note = service.handover_note(int(row.ref or 0))
        if note is None:
            raise ReportNotFound(row.report_id)
        return Message([escape(handover_text(note, to_new_holder=row.kind == "handed_over"))])
    if row.kind == EFFORT_DUE:
        since = datetime.fromisoformat(row.ref or "").astimezone(service.zone)
        return Message([escape(effort_due_text(row.report_id, since))])
    if row.kind == "long_term":
        owed = [i.label for i in report.long_term_items]
        head = (
            f"📅 <b>{number} is a long-term case</b> — still missing. Gather for the police's "
            "30-day NCIC update:"
        )
        return Message(["\n".join([head, *(f"○ {escape(label)}" for label in owed)])])
    if row.kind == "amendment":
        lines = [f"✏️ <b>Amendment {row.amendment} to report #{row.report_id}</b>:"]
        lines += [
            f"{escape(c.title)}: {escape(c.old)} → {escape(c.new)}" for c in service.amendment(row)
        ]
        return Message(split_html("\n".join(lines)), ack=True)
    if row.kind == "deadline_passed":
        deadline = deadline_of(report, row.ref)
        when = stamp(deadline.due_at.astimezone(service.zone)) if deadline else "its deadline"
        label = deadline.label if deadline else "A reporting duty"
        text = f"⏰ <b>{number}</b>: {escape(label)} was due {when} and is still open."
        return Message([text], ack=True)
    if row.kind == "reminder":
        return Message([_reminder(report, row.ref, now)])
    if row.kind == "reached":
        name = escape(service.staff_name(row.subject or 0) or "on call")
        when = f"{service.sent_at(int(row.ref or 0)):%H:%M}"
        return Message([f"✅ Report #{row.report_id}: Supervisor {name} was alerted at {when}."])
    if row.kind == "acknowledged":
        name = escape(service.staff_name(row.subject or 0) or "on call")
        when = f"{service.acknowledged_at(row.report_id, row.subject or 0):%H:%M}"
        return Message([f"👍 Report #{row.report_id}: Supervisor {name} acknowledged at {when}."])
    if row.kind == "unreached":
        return Message([f"⚠️ {number}: {UNREACHED}"])
    raise FlowDefinitionError(f"unknown notification kind {row.kind!r}")


def summary_html(case: CaseFile, *, now: datetime, minimal: bool) -> str:
    """Returns the supervisor's one-screen summary as one HTML message, its heading in bold."""
    lines = summary_lines(
        case.report, now=now, holder=case.holder, minimal=minimal, head="📄 Submitted"
    )
    return "\n".join([f"<b>{escape(lines[0])}</b>", *(escape(line) for line in lines[1:])])


def _reminder(report: Report, name: str | None, now: datetime) -> str:
    deadline = deadline_of(report, name)
    lines = [f"⏰ <b>Reminder — report #{report.report_id}</b>"]
    if deadline is not None:
        lines.append(f"{escape(deadline.label)}: {time_left(deadline, now)}.")
    still = [d for d in report.deadlines if not d.done and d.name != name]
    lines += [f"Also open: {escape(d.label)} ({time_left(d, now)})" for d in still]
    lines.append("Send /status for the checklist.")
    return "\n".join(lines)


def _with_head(head: str, parts: list[str]) -> list[str]:
    return split_html(f"{head}\n\n{parts[0]}") + parts[1:] if parts else [head]
