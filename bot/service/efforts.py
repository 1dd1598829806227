"""The search-efforts log of an open episode: add an entry, read the log, remind when it is quiet.

Entries are dated by the service's clock, attributed to whoever added them and audited. When an
open episode has had no entry for ``effort_every`` (from its last entry, or from when the report
was submitted), its holder is asked for one, again after each further period.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from bot.service import people
from bot.service.case_values import NO_OPEN_REPORT, NOT_OPEN, NOT_YOURS, Logged
from bot.service.casework import Casework
from bot.service.episodes import RUNNING
from bot.service.notify import supervisors_for, telegram_id
from flows.efforts import EffortAction, EffortEntry
from flows.lifecycle import State
from flows.report import Report
from storage import audit, casework, crypto, outbox
from storage import children as kids
from storage import repository as repo
from storage.models import Report as ReportRow

log = logging.getLogger(__name__)

EFFORT_DUE = "effort_due"


class Efforts(Casework):
    """Adds and reads search efforts, and plans the reminders that ask for them."""

    def add_effort(
        self, actor: str, report_id: int | None, action: EffortAction, outcome: str = ""
    ) -> Logged:
        """Adds a dated entry to an open episode (the actor's latest one when none is named)."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            if report_id is None:
                row = repo.latest_open_report(session, worker=actor, open_states=RUNNING)
                if row is None or row.flow_id != self.flow.id:
                    return Logged(0, None, NO_OPEN_REPORT)
            else:
                row = self._episode(session, report_id)
                if row is None:
                    return Logged(report_id, None, NOT_OPEN.format(report_id=report_id))
            if not self._may(session, actor, row, "search_effort"):
                return Logged(row.id or 0, None, NOT_YOURS)
            added = casework.add_effort(
                session,
                report_id=row.id or 0,
                action=action.value,
                by_actor=actor,
                outcome=outcome.strip(),
                now=now,
            )
            audit.record(
                session,
                event="effort.added",
                at=now,
                actor=actor,
                object_id=row.id,
                reason=action.value,
            )
            entry = EffortEntry(now, action, people.name_of(session, actor), outcome.strip())
        log.info("effort.added report=%s effort=%s", row.id, added.id)
        return Logged(row.id or 0, entry)

    def _with_efforts(self, session: Session, row: ReportRow, report: Report) -> Report:
        """Returns the report with its search-efforts log (an entry that does not open is left
        out and audited)."""
        entries: list[EffortEntry] = []
        for effort in casework.efforts_of(session, report_id=row.id or 0):
            try:
                outcome = casework.effort_outcome(session, effort)
            except crypto.DecryptError:
                repo.decrypt_failed(session, report_id=row.id or 0, what=f"effort:{effort.id}")
                continue
            by = people.name_of(session, effort.by_actor)
            at = effort.at.astimezone(self.zone)
            entries.append(EffortEntry(at, EffortAction(effort.action), by, outcome))
        return replace(report, efforts=tuple(entries)) if entries else report

    # -- reminders ---------------------------------------------------------------------------
    def plan_effort_reminders(self) -> int:
        """Queues a reminder for each open episode without an entry for a period; returns how
        many were queued."""
        now, every = self.now(), self.effort_every
        queued = 0
        with repo.transaction(self.engine) as session:
            rows = kids.reports_in(session, flow_id=self.flow.id, states=[State.SUBMITTED])
            last = casework.last_efforts(session, report_ids=[r.id or 0 for r in rows])
            for row in rows:
                since = last.get(row.id or 0) or row.submitted_at or row.created_at
                periods = int((now - since) / every) if now > since else 0
                if periods >= 1:
                    queued += self._remind(session, row, since, periods, now)
        return queued

    @staticmethod
    def _remind(
        session: Session, row: ReportRow, since: datetime, periods: int, now: datetime
    ) -> int:
        recipient = telegram_id(row.worker)
        recipients = (
            [recipient] if recipient is not None else supervisors_for(session, row.id or 0)[0]
        )
        rows = outbox.enqueue(
            session,
            kind=EFFORT_DUE,
            report_id=row.id or 0,
            recipients=recipients,
            dedupe_key=f"{EFFORT_DUE}:{row.id}:{since:%Y%m%d%H%M%S}:{periods}",
            now=now,
            ref=since.isoformat(),
        )
        return len(rows)
