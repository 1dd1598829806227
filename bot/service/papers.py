"""The papers side of the service: the "if found" card and the public flyer, audited as exports.

Only the child's own photo goes with them (the suspect's photo never does). A worker asking from
Telegram gets papers of their own reports only; the terminal operator may ask for any report.
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session

from bot.service.audit_events import audit_export
from bot.service.core import ServiceCore
from bot.service.outcome import ReportNotFound
from flows.papers import Flyer, IfFoundCard, build_flyer, if_found_card
from flows.report import Report
from flows.schema import Status
from storage import repository as repo
from storage.models import Report as ReportRow

CHILD_PHOTO = "photo"


class Paper(StrEnum):
    """A paper that goes out of the agency."""

    CARD = "card"
    FLYER = "flyer"


class FlyerNotAuthorized(LookupError):
    """The agency has not recorded who authorizes publication, so there is no public flyer."""


class Papers(ServiceCore):
    """Builds the card and the flyer of a stored report, with the child's photo."""

    def card(
        self, report_id: int, *, actor: str, worker: str | None = None
    ) -> tuple[IfFoundCard, list[bytes]]:
        """Returns the "if found" card and the child's photos; audits it as exported."""
        report, photos = self._paper(report_id, Paper.CARD, actor=actor, worker=worker)
        return if_found_card(self.flow, report), photos

    def flyer(
        self, report_id: int, *, actor: str, worker: str | None = None
    ) -> tuple[Flyer, list[bytes]]:
        """Returns the public flyer and the child's photos; raises FlyerNotAuthorized."""
        report, photos = self._paper(report_id, Paper.FLYER, actor=actor, worker=worker)
        flyer = build_flyer(report)
        if flyer is None:
            raise FlyerNotAuthorized(report_id)
        return flyer, photos

    def _paper(
        self, report_id: int, paper: Paper, *, actor: str, worker: str | None
    ) -> tuple[Report, list[bytes]]:
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = repo.get_report(session, report_id=report_id)
            # Someone else's report reads as no report: its number says nothing to a stranger.
            if row is None or (worker is not None and row.worker != worker):
                raise ReportNotFound(report_id)
            report = self._report(session, row, now)
            photos = self._child_photos(session, row)
            if paper is Paper.FLYER and build_flyer(report) is None:
                raise FlyerNotAuthorized(report_id)
            audit_export(session, report_id=report_id, fmt=paper.value, actor=actor, now=now)
            return report, photos

    def _child_photos(self, session: Session, row: ReportRow) -> list[bytes]:
        answer = self._answers(session, row).get(CHILD_PHOTO)
        if answer is None or answer.status is not Status.ANSWERED:
            return []
        value = answer.value
        ids = [v for v in value if isinstance(v, int)] if isinstance(value, list) else []
        return [p.content for p in repo.load_photos(session, photo_ids=ids)]
