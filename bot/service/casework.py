"""The day after the report: hand it over, list the open cases, send a case's summary or file.

Staff act on the reports they hold; supervisors (and the terminal's operator) on every one. Each
call is one transaction, audited; a refusal is audited too.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.service import people
from bot.service.case_values import (
    ALREADY_HOLDS,
    NO_SUCH_MEMBER,
    NOT_OPEN,
    NOT_YOURS,
    CaseFile,
    Handed,
    HandoverNote,
    OpenCase,
)
from bot.service.episodes import RUNNING
from bot.service.notify import telegram_id
from bot.service.records import Records
from flows.conditions import JsonValue
from flows.report import STATE_WORDS
from flows.schema import Kind
from flows.summary import UNSET, SummaryField, first_name, next_deadline
from storage import audit, casework, outbox
from storage import children as kids
from storage import repository as repo
from storage import staff as staff_table
from storage.models import Report as ReportRow

log = logging.getLogger(__name__)


class Casework(Records):
    """Handover, the open cases and case files, for staff and supervisors."""

    def _episode(self, session: Session, report_id: int) -> ReportRow | None:
        """Returns an open episode (an intake report not yet closed), locked, or None."""
        row = repo.get_report(session, report_id=report_id, lock=True)
        if row is None or row.flow_id != self.flow.id or row.state not in RUNNING:
            return None
        return row

    def _deny(self, session: Session, actor: str, report_id: int | None, reason: str) -> None:
        audit.record(
            session,
            event="authz.denied",
            at=self.now(),
            actor=actor,
            object_id=report_id,
            outcome="denied",
            reason=reason,
        )
        log.info("authz.denied report=%s reason=%s", report_id, reason)

    def _may(self, session: Session, actor: str, row: ReportRow, reason: str) -> bool:
        """Tells whether the actor holds the report or supervises; audits a refusal."""
        if row.worker == actor or people.supervises(session, actor):
            return True
        self._deny(session, actor, row.id, reason)
        return False

    # -- handover ----------------------------------------------------------------------------
    def handover_choices(self, actor: str, report_id: int) -> list[tuple[int, str]] | None:
        """Returns who the report can go to (active staff, not its holder), or None if refused."""
        with repo.transaction(self.engine) as session:
            row = self._episode(session, report_id)
            if row is None or not self._may(session, actor, row, "handover"):
                return None
            return [
                (m.telegram_id, m.name)
                for m in staff_table.members(session)
                if m.active and people.telegram_worker(m.telegram_id) != row.worker
            ]

    def handover(self, actor: str, report_id: int, to: str) -> Handed:
        """Hands an open episode to another worker; the new and the old holder are told."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = self._episode(session, report_id)
            if row is None:
                return Handed(report_id, False, NOT_OPEN.format(report_id=report_id))
            if not self._may(session, actor, row, "handover"):
                return Handed(report_id, False, NOT_YOURS)
            if not people.is_member(session, to):
                target = to.partition(":")[2] or to
                return Handed(report_id, False, NO_SUCH_MEMBER.format(target=target))
            old, from_name = row.worker, people.name_of(session, row.worker)
            to_name = people.name_of(session, to)
            if old == to:
                message = ALREADY_HOLDS.format(name=to_name, report_id=report_id)
                return Handed(report_id, False, message)
            handed = casework.hand_over(session, report=row, to_worker=to, by_actor=actor, now=now)
            audit.record(
                session,
                event="report.handed_over",
                at=now,
                actor=actor,
                object_id=report_id,
                reason=f"from={old} to={to}",
            )
            self._tell(session, report_id, handed.id or 0, new=to, old=old, actor=actor, now=now)
        log.info("report.handed_over report=%s handover=%s", report_id, handed.id)
        done = f"Report #{report_id} is now held by {to_name} (handed over from {from_name})"
        return Handed(report_id, True, done, from_name, to_name)

    @staticmethod
    def _tell(
        session: Session,
        report_id: int,
        handover_id: int,
        *,
        new: str,
        old: str,
        actor: str,
        now: datetime,
    ) -> None:
        """Queues the notes to the new holder and (unless they did it) the old one."""
        notes = [("handed_over", new)] + ([("handed_away", old)] if old != actor else [])
        for kind, worker in notes:
            recipient = telegram_id(worker)
            if recipient is None:
                continue  # a terminal worker sees it when they next open the report
            outbox.enqueue(
                session,
                kind=kind,
                report_id=report_id,
                recipients=[recipient],
                dedupe_key=f"{kind}:{handover_id}",
                now=now,
                ref=str(handover_id),
            )

    def handover_note(self, handover_id: int) -> HandoverNote | None:
        """Returns what a handover's notes say: who, and where the report stands now."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            handed = session.get(casework.Handover, handover_id)
            row = repo.get_report(session, report_id=handed.report_id) if handed else None
            if handed is None or row is None:
                return None
            reply = self._restore(session, row).resume(now=now)
            return HandoverNote(
                row.id or 0,
                people.name_of(session, handed.from_worker),
                people.name_of(session, handed.by_actor),
                people.name_of(session, handed.to_worker),
                STATE_WORDS.get(row.state, row.state),
                reply.prompt.text if reply.prompt is not None else "",
            )

    # -- the open cases ----------------------------------------------------------------------
    def open_cases(self, actor: str) -> list[OpenCase] | None:
        """Returns every open episode, overdue first; None (audited) for anyone not supervising."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            if not people.supervises(session, actor):
                self._deny(session, actor, None, "open_cases")
                return None
            rows = kids.reports_in(session, flow_id=self.flow.id, states=RUNNING)
            efforts = casework.last_efforts(session, report_ids=[r.id or 0 for r in rows])
            cases = [self._case(session, row, efforts.get(row.id or 0), now) for row in rows]
            audit.record(session, event="cases.listed", at=now, actor=actor, reason=str(len(cases)))
        return sorted(cases, key=lambda c: _urgency(c, now))

    def _case(
        self, session: Session, row: ReportRow, last_effort: datetime | None, now: datetime
    ) -> OpenCase:
        report = self._report(session, row, now)
        name = next((x.value for x in report.police if x.key == SummaryField.NAME), "")
        answers = self._answers(session, row)
        # Missing since the last contact: the read-out's first date and time.
        last = next((n for n in self.flow.readout if self.flow.field(n).kind is Kind.DATETIME), "")
        seen = answers.get(last)
        return OpenCase(
            row.id or 0,
            first_name(name) if name not in UNSET else "(no name yet)",
            _when(seen.value if seen is not None else None),
            next_deadline(report),
            len(report.open_items),
            people.name_of(session, row.worker),
            outbox.first_acknowledgement(session, report_id=row.id or 0) is not None,
            last_effort,
            row.state,
        )

    # -- a case's summary and file -----------------------------------------------------------
    def case_summary(self, report_id: int) -> CaseFile:
        """Returns a report with its holder's name, for the summary the outbox sends."""
        with repo.transaction(self.engine) as session:
            row = repo.get_report(session, report_id=report_id)
            holder = people.name_of(session, row.worker) if row is not None else ""
        return CaseFile(self.report(report_id), holder)

    def case_file(self, actor: str, report_id: int) -> CaseFile | None:
        """Returns a report with its photos for its holder or a supervisor; None if refused."""
        with repo.transaction(self.engine) as session:
            row = repo.get_report(session, report_id=report_id)
            if row is None or row.flow_id != self.flow.id:
                return None
            if not self._may(session, actor, row, "case_file"):
                return None
            holder = people.name_of(session, row.worker)
            audit.record(
                session, event="report.viewed", at=self.now(), actor=actor, object_id=report_id
            )
        return CaseFile(self.report(report_id), holder, tuple(self.photos(report_id)))


def _when(value: JsonValue | None) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _urgency(case: OpenCase, now: datetime) -> tuple[int, datetime, int]:
    """Sorts overdue cases first, then by the next deadline, then those with none."""
    deadline = case.next_deadline
    if deadline is None:
        return (2, now, case.report_id)
    return (0 if deadline.due_at <= now else 1, deadline.due_at, case.report_id)
