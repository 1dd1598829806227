"""The day-after texts both adapters show: the open cases, a handover note, an effort's receipt.

Plain text; the Telegram adapter escapes it before sending it as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from bot.service.case_values import HandoverNote, Logged, OpenCase
from flows.duties import span, stamp, time_left
from flows.efforts import EFFORT_LABELS, EffortAction, entry_text

NO_OPEN_CASES = "No open episodes."
EFFORT_USAGE = "Send /effort REPORT ACTION what came of it, e.g. /effort 12 shelters not seen."


def missing_for(since: datetime | None, now: datetime) -> str:
    """Returns how long a child has been missing: '2 d 4 h', '3 h 10 min' or 'since unknown'."""
    if since is None:
        return "since unknown"
    minutes = max(math.floor((now - since).total_seconds() / 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    return f"{days} d {rest // 60} h" if days else span(rest)


def case_line(case: OpenCase, now: datetime) -> str:
    """Returns one open episode as one line of the supervisor's list."""
    deadline = case.next_deadline
    due = f"{deadline.label}: {time_left(deadline, now)}" if deadline else "no deadline open"
    acked = "acknowledged" if case.acknowledged else "NOT acknowledged"
    effort = f"last effort {case.last_effort:%b %d}" if case.last_effort else "no effort logged"
    return (
        f"#{case.report_id} {case.first_name} — missing {missing_for(case.missing_since, now)}"
        f" · next: {due} · {case.open_items} open · {case.holder} · {acked} · {effort}"
    )


def open_cases_text(cases: Sequence[OpenCase], now: datetime) -> str:
    """Returns the supervisor's list of open episodes, overdue first (as the service sorts)."""
    if not cases:
        return NO_OPEN_CASES
    head = f"Open episodes ({len(cases)}), overdue first:"
    return "\n".join([head, *(case_line(c, now) for c in cases)])


def handover_text(note: HandoverNote, *, to_new_holder: bool) -> str:
    """Returns what the new holder (status and question) or the old holder is told."""
    if not to_new_holder:
        return (
            f"Report #{note.report_id} was handed over to {note.to_name} by {note.by_name}. "
            "It is no longer yours to continue."
        )
    lines = [
        f"Report #{note.report_id} is yours now, handed over by {note.by_name} "
        f"(from {note.from_name}). It is {note.status}."
    ]
    if note.question:
        lines.append(f"Current question: {note.question}")
    lines.append("Send /resume to continue.")
    return "\n".join(lines)


def effort_due_text(report_id: int, since: datetime) -> str:
    """Returns the reminder that asks for a search-effort entry."""
    return (
        f"Report #{report_id}: no search effort logged since {stamp(since)}. "
        f"What has been done to find the child? {EFFORT_USAGE}"
    )


def logged_text(logged: Logged) -> str:
    """Returns the receipt of a search-effort entry, or why it was not added."""
    if logged.entry is None:
        return logged.message
    return f"Logged for report #{logged.report_id}: {entry_text(logged.entry)}"


def actions_text() -> str:
    """Returns the numbered list of search-effort actions."""
    choices = "   ".join(f"{i}. {EFFORT_LABELS[a]}" for i, a in enumerate(EffortAction, 1))
    return f"What was done? {choices}"
