"""The face sheet the worker sends at any question: pasted text, a text file or a PDF.

Both ways end in the engine's one face-sheet step; a file that cannot be read gets its one clear
message and the report is not touched (no engine step, no write).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session

from bot.service.core import ServiceCore
from bot.service.facesheet_file import MAX_BYTES, FaceSheetFileError, Problem, face_sheet_text
from bot.service.outcome import Outcome, refused
from flows.replies import Event, Reply
from storage import repository as repo
from storage.models import Report as ReportRow

NO_REPORT = "No report is open. Send /start first."


def too_large(size: int | None) -> str | None:
    """Returns the refusal for a file of ``size`` bytes too large to download, else None."""
    return Problem.TOO_LARGE.value if size is not None and size > MAX_BYTES else None


class FaceSheets(ServiceCore):
    """Hands a face sheet to the worker's open report, in one step."""

    def paste_face_sheet(self, worker: str, text: str, *, update_id: int | None = None) -> Outcome:
        """Reads a pasted face sheet into the worker's open report."""
        return self._face_sheet(worker, text, update_id)

    def send_face_sheet_file(
        self, worker: str, content: bytes, *, size: int | None = None, update_id: int | None = None
    ) -> Outcome:
        """Reads a face-sheet file (a text file or a PDF with text) into the open report."""
        if (refusal := too_large(size)) is not None:
            return self._unread(worker, refusal, update_id)
        try:
            text = face_sheet_text(content)
        except FaceSheetFileError as exc:
            return self._unread(worker, exc.message, update_id)
        return self._face_sheet(worker, text, update_id)

    def _face_sheet(self, worker: str, text: str, update_id: int | None) -> Outcome:
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = self._report_of(session, worker, update_id, now, NO_REPORT)
            if isinstance(row, Outcome):
                return row
            interview = self._restore(session, row)
            reply = interview.face_sheet(text, now=now)
            self._save(session, row, interview, reply, actor=worker, source="facesheet", now=now)
        return replace(self._done(row, reply), sensitive=bool(reply.changes))

    def _unread(self, worker: str, message: str, update_id: int | None) -> Outcome:
        """Says why the file was not read and shows the question again; nothing is written."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = self._report_of(session, worker, update_id, now, message)
            if isinstance(row, Outcome):
                return row
            again = self._restore(session, row).resume(now=now)
        reply = Reply(row.state, Event.FACE_SHEET_REFUSED, prompt=again.prompt, error=message)
        return self._done(row, reply)

    def _report_of(
        self, session: Session, worker: str, update_id: int | None, now: datetime, error: str
    ) -> Outcome | ReportRow:
        """Starts the step on the worker's open (or just submitted) report, or says why not."""
        if not self._claim(session, worker, update_id, now):
            return self._again(session, worker, now)
        row = self._open_row(session, worker) or self._submitted_row(session, worker)
        return row if row is not None else refused(0, Event.FACE_SHEET_REFUSED, error)
