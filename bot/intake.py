"""The one service both adapters call: load the report, step the engine, commit, then reply.

This is the only module that knows both ``flows`` and ``storage``. Each call runs in one
transaction: the answer, its history row and the report's new state are committed together, and
the ``Reply`` is handed back only after the commit, so nothing shown as saved can be lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from flows.engine import OPEN_STATES, Interview, Reply
from flows.report import Report, build_report, render_text, report_to_dict
from flows.schema import Answer, Flow, Status
from storage import repository as repo
from storage.models import Report as ReportRow

log = logging.getLogger(__name__)


class ReportNotFound(LookupError):
    """No report has that id."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A committed step: which report it touched and what to show."""

    report_id: int
    reply: Reply


class IntakeService:
    """Runs the intake conversation for any number of workers over one database."""

    def __init__(
        self, *, flow: Flow, engine: Engine, clock: Callable[[], datetime], zone: ZoneInfo
    ) -> None:
        self.flow = flow
        self.engine = engine
        self.clock = clock
        self.zone = zone

    def now(self) -> datetime:
        """Returns the current time in the agency's zone."""
        return self.clock().astimezone(self.zone)

    def start(self, worker: str, *, new: bool = False) -> Outcome:
        """Resumes the worker's open report at its current question, or starts a new one."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = None if new else self._open_row(session, worker)
            if row is None:
                row = self._new_row(session, worker, now)
                interview = self._restore(session, row)
                reply = interview.start(now=now)
            else:
                interview = self._restore(session, row)
                reply = interview.resume(now=now)
            self._save(session, row, interview, actor=worker, source="answer", now=now)
        return self._done(row, reply)

    def handle_text(self, worker: str, text: str) -> Outcome:
        """Applies one message to the worker's open report and returns what to show."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = self._open_row(session, worker) or self._submitted_row(session, worker)
            source = "answer"
            if row is None:
                row = self._new_row(session, worker, now)
                interview = self._restore(session, row)
                reply = interview.start(now=now)
            else:
                interview = self._restore(session, row)
                source = self._source(row)
                reply = interview.handle(text, now=now)
            self._save(session, row, interview, actor=worker, source=source, now=now)
        return self._done(row, reply)

    def add_photo(
        self,
        worker: str,
        *,
        content: bytes,
        mime: str,
        file_id: str | None = None,
        file_unique_id: str | None = None,
    ) -> Outcome:
        """Stores a photo for the photo question being asked, in the same step as its answer."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = self._open_row(session, worker)
            if row is None or row.id is None:
                return self._done(row, Reply("none", "no_report", error="No report is open."))
            interview = self._restore(session, row)
            if not interview.expects_photo(now=now):
                reply = interview.add_photo(0, now=now)  # explains what is being asked instead
                return self._done(row, reply)
            photo = repo.add_photo(
                session,
                report_id=row.id,
                field_key=interview.current_key(now=now) or "",
                content=content,
                mime=mime,
                now=now,
                file_id=file_id,
                file_unique_id=file_unique_id,
            )
            reply = interview.add_photo(photo.id or 0, now=now)
            self._save(session, row, interview, actor=worker, source="answer", now=now)
        return self._done(row, reply)

    def report(self, report_id: int) -> Report:
        """Builds the current report of any stored report."""
        now = self.now()
        with Session(self.engine) as session:
            row = repo.get_report(session, report_id=report_id)
            if row is None:
                raise ReportNotFound(report_id)
            answers = self._answers(session, row)
        return build_report(self.flow, answers, now=now, state=row.state, report_id=row.id)

    def export(self, report_id: int, *, fmt: str) -> str:
        """Returns a stored report as plain text or JSON."""
        report = self.report(report_id)
        if fmt == "json":
            return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)
        return render_text(report, now=self.now())

    # -- steps -------------------------------------------------------------------------------
    def _open_row(self, session: Session, worker: str) -> ReportRow | None:
        return repo.latest_open_report(session, worker=worker, open_states=OPEN_STATES)

    def _submitted_row(self, session: Session, worker: str) -> ReportRow | None:
        # After submitting, the worker may still amend the report they just sent.
        return repo.latest_open_report(session, worker=worker, open_states=("submitted",))

    def _new_row(self, session: Session, worker: str, now: datetime) -> ReportRow:
        row = repo.add_report(
            session,
            worker=worker,
            flow_id=self.flow.id,
            flow_version=self.flow.version,
            state="new",
            now=now,
        )
        log.info("report.created report=%s", row.id)
        return row

    def _answers(self, session: Session, row: ReportRow) -> dict[str, Answer]:
        stored = repo.load_answers(session, report_id=row.id or 0)
        return {key: Answer(Status(status), value) for key, (status, value) in stored.items()}

    def _restore(self, session: Session, row: ReportRow) -> Interview:
        return Interview(
            self.flow,
            state=row.state,
            answers=self._answers(session, row),
            focus=row.focus,
            pending=row.pending,
            failures=row.failures,
            report_id=row.id,
        )

    @staticmethod
    def _source(row: ReportRow) -> str:
        if row.state == "submitted":
            return "amendment"
        return "edit" if row.focus else "answer"

    def _save(
        self,
        session: Session,
        row: ReportRow,
        interview: Interview,
        *,
        actor: str,
        source: str,
        now: datetime,
    ) -> None:
        writes = [
            repo.AnswerWrite(
                change.key,
                (change.old.status.value, change.old.value) if change.old else None,
                (change.new.status.value, change.new.value),
            )
            for change in interview.changes
        ]
        fields: dict[str, object] = {
            "state": interview.state,
            "focus": interview.focus,
            "pending": interview.pending,
            "failures": interview.failures,
        }
        if interview.state == "submitted" and row.submitted_at is None:
            fields["submitted_at"] = now
        repo.save_step(
            session, report=row, writes=writes, fields=fields, actor=actor, source=source, now=now
        )

    @staticmethod
    def _done(row: ReportRow | None, reply: Reply) -> Outcome:
        report_id = row.id if row is not None and row.id is not None else 0
        log.info("report.step report=%s event=%s state=%s", report_id, reply.event, reply.state)
        return Outcome(report_id, reply)
