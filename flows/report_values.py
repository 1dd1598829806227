"""The report as a value: lines, sections, raised flags, open items and the whole report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.duties import DeadlineStatus, StepStatus
from flows.efforts import EffortEntry

UNKNOWN = "Unknown"
SKIPPED = "Skipped"
NOT_GIVEN = "Not yet given"
CHECKLIST = "Checklist"


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
    long_term: bool = False


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
    # The search efforts logged since the report (the service adds them; the answers hold none).
    efforts: tuple[EffortEntry, ...] = ()

    @property
    def long_term_items(self) -> tuple[OpenItem, ...]:
        """Returns the open items of the flow's long-term sections (the 30-day NCIC update)."""
        return tuple(item for item in self.open_items if item.long_term)
