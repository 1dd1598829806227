"""The read side of the service: reports as they stand, photos, exports and what is due."""

from __future__ import annotations

import json
import logging

from sqlmodel import Session

from bot.service.audit_events import audit_export
from bot.service.core import ServiceCore
from bot.service.episodes import RUNNING, DueItem
from bot.service.outcome import KEEP_UPDATES, ReportNotFound
from flows.lifecycle import State
from flows.ncmec_record import render_ncmec_text
from flows.report import Report, render_text, report_to_dict
from flows.schema import Kind
from flows.slots import Answers, walk
from flows.words import plural
from storage import audit
from storage import children as kids
from storage import repository as repo

log = logging.getLogger(__name__)


class Records(ServiceCore):
    """Reads stored reports for views, exports, reminders and supervisors."""

    def report(self, report_id: int) -> Report:
        """Builds the current report of any stored report, with its episode's open duties."""
        now = self.now()
        # A transaction, not a bare session: a value that fails to decrypt is audited.
        with repo.transaction(self.engine) as session:
            row = repo.get_report(session, report_id=report_id)
            if row is None:
                raise ReportNotFound(report_id)
            return self._report(session, row, now)

    def due_items(self) -> list[DueItem]:
        """Returns the open recovery duties of every recovered episode (for reminders)."""
        now = self.now()
        with Session(self.engine) as session:
            rows = kids.reports_in(
                session, flow_id=self.episodes.recovery.id, states=[State.SUBMITTED]
            )
            return [d for row in rows for d in self.episodes.due(session, row, now=now)]

    def long_term_due(self) -> list[DueItem]:
        """Returns each episode open for LONG_TERM_DAYS or more whose checklist is not done."""
        now = self.now()
        items: list[DueItem] = []
        with Session(self.engine) as session:
            for row in kids.reports_in(session, flow_id=self.flow.id, states=RUNNING):
                since = self.episodes.long_term_from(row, self._answers(session, row))
                if since is None or now < since:
                    continue
                owed = self._report(session, row, now).long_term_items
                if owed:
                    label = f"Long-term checklist: {plural(len(owed), 'item')} open"
                    items.append(DueItem(since, "long_term", row.id or 0, label))
        return items

    def photos(self, report_id: int) -> list[bytes]:
        """Returns the bytes of the photos a report's answers hold, in flow order."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = repo.get_report(session, report_id=report_id)
            if row is None:
                raise ReportNotFound(report_id)
            answers = self._answers(session, row)
            ids = [
                photo_id
                for slot in walk(self.flow, Answers(self.flow, answers, now))
                if slot.field.kind is Kind.PHOTO and slot.key in answers
                for photo_id in _ids(answers[slot.key].value)
            ]
            return [p.content for p in repo.load_photos(session, photo_ids=ids)]

    def forget_old_updates(self) -> None:
        """Prunes the record of applied Telegram updates older than a week."""
        with repo.transaction(self.engine) as session:
            repo.prune_updates(session, before=self.now() - KEEP_UPDATES)

    def export(self, report_id: int, *, fmt: str, actor: str = "console") -> str:
        """Returns a stored report as plain text, JSON or the NCMEC record; audits the export."""
        report = self.report(report_id)
        self.record_export(report_id, fmt=fmt, actor=actor)
        if fmt == "json":
            return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)
        if fmt == "ncmec":
            return render_ncmec_text(self.flow, report)
        return render_text(report, now=self.now())

    def record_export(self, report_id: int, *, fmt: str, actor: str) -> None:
        """Audits that a report left the system, in which format and by whom."""
        with repo.transaction(self.engine) as session:
            audit_export(session, report_id=report_id, fmt=fmt, actor=actor, now=self.now())

    def record(self, event: str, *, report_id: int, actor: str, outcome: str, reason: str) -> None:
        """Audits an adapter-side event (e.g. a chat message that could not be deleted)."""
        with repo.transaction(self.engine) as session:
            audit.record(
                session,
                event=event,
                at=self.now(),
                actor=actor,
                object_id=report_id,
                outcome=outcome,
                reason=reason,
            )


def _ids(value: object) -> list[int]:
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []
