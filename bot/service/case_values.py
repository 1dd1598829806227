"""What the day-after calls hand back: a handover's result, an open case, a case file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.duties import DeadlineStatus
from flows.efforts import EffortEntry
from flows.report import Report

NOT_OPEN = "Report #{report_id} is not an open episode."
NOT_YOURS = "Not allowed: that report is not yours."
NO_SUCH_MEMBER = "{target} is not an active member of staff."
ALREADY_HOLDS = "{name} already holds report #{report_id}."
NO_OPEN_REPORT = "You have no open report. Name one: /effort 12"


@dataclass(frozen=True, slots=True)
class Handed:
    """A handover's result: done, or the reason it was refused."""

    report_id: int
    done: bool
    message: str
    from_name: str = ""
    to_name: str = ""


@dataclass(frozen=True, slots=True)
class HandoverNote:
    """What the new holder is told: from whom, by whom, where the report stands, what is asked."""

    report_id: int
    from_name: str
    by_name: str
    to_name: str
    status: str
    question: str


@dataclass(frozen=True, slots=True)
class OpenCase:
    """One open episode as a supervisor's list shows it."""

    report_id: int
    first_name: str
    missing_since: datetime | None
    next_deadline: DeadlineStatus | None
    open_items: int
    holder: str
    acknowledged: bool
    last_effort: datetime | None
    state: str


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A report with its holder's name, and its photos when the full report is asked for."""

    report: Report
    holder: str
    photos: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class Logged:
    """A search effort's result: the entry added, or the reason it was refused."""

    report_id: int
    entry: EffortEntry | None
    message: str = ""
