"""The worker's side of the service: start, answer, tap, edit, send a photo, record a recovery."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.service.core import ServiceCore
from bot.service.episodes import RUNNING, Notification
from bot.service.outcome import EXPIRED, Outcome, refused
from flows.classification import at_least
from flows.lifecycle import State
from flows.replies import ANSWER_EVENTS, Event, Prompt, Reply
from flows.schema import Choice, Level, Status
from storage import children as kids
from storage import repository as repo
from storage.models import Report as ReportRow

log = logging.getLogger(__name__)


class Conversation(ServiceCore):
    """Steps a worker's report: each call is one transaction and one engine call."""

    def _sensitive(self, reply: Reply) -> bool:
        """Tells whether the step stored an answer classified P2 or P3 (identifying or special)."""
        names = [c.key.split(".")[-1] for c in reply.changes if c.new.status is Status.ANSWERED]
        return any(
            at_least(self.flow.field(name), Level.P2) for name in names if self.flow.has_field(name)
        )

    @staticmethod
    def _source(row: ReportRow) -> str:
        if row.state == State.SUBMITTED:
            return "amendment"
        return "edit" if row.focus else "answer"

    def start(self, worker: str, *, new: bool = False, update_id: int | None = None) -> Outcome:
        """Resumes the worker's open report at its current question, or starts a new one."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            if not self._claim(session, worker, update_id, now):
                return self._again(session, worker, now)
            row = None if new else self._open_row(session, worker)
            if row is None:
                row = self._new_row(session, worker, now)
                interview = self._restore(session, row)
                reply = interview.start(now=now)
            else:
                interview = self._restore(session, row)
                reply = interview.resume(now=now)
            self._save(session, row, interview, reply, actor=worker, source="answer", now=now)
        return self._done(row, reply)

    def handle_text(
        self,
        worker: str,
        text: str,
        *,
        update_id: int | None = None,
        message_id: int | None = None,
    ) -> Outcome:
        """Applies one message to the worker's open report and returns what to show."""
        now = self.now()
        sent: list[Notification] = []
        with repo.transaction(self.engine) as session:
            if not self._claim(session, worker, update_id, now):
                return self._again(session, worker, now)
            row = self._open_row(session, worker) or self._submitted_row(session, worker)
            source = "answer"
            if row is None:
                row = self._new_row(session, worker, now)
                interview = self._restore(session, row)
                reply = interview.start(now=now)
            else:
                interview = self._restore(session, row, worker=worker, sent=sent)
                source = self._source(row)
                reply = interview.handle(text, now=now)
            self._save(session, row, interview, reply, actor=worker, source=source, now=now)
            if message_id is not None and reply.event in ANSWER_EVENTS and reply.changes:
                repo.link_message(
                    session,
                    worker=worker,
                    message_id=message_id,
                    report_id=row.id or 0,
                    key=reply.changes[0].key,
                )
        return replace(
            self._done(row, reply), sensitive=self._sensitive(reply), notifications=tuple(sent)
        )

    def handle_choice(
        self,
        worker: str,
        report_id: int,
        version: int,
        indexes: Sequence[int],
        *,
        update_id: int | None = None,
    ) -> Outcome:
        """Applies a tap on choices shown at ``version``; a stale or foreign tap changes nothing."""
        now = self.now()
        sent: list[Notification] = []
        with repo.transaction(self.engine) as session:
            row = self._tapped(session, worker, report_id, version, update_id, now)
            if isinstance(row, Outcome):
                return row
            interview = self._restore(session, row, worker=worker, sent=sent)
            prompt = interview.resume(now=now).prompt
            chosen = _chosen(prompt, indexes)
            if prompt is None or chosen is None:
                return refused(report_id, Event.EXPIRED, EXPIRED, state=row.state, version=version)
            source = self._source(row)
            reply = interview.handle(", ".join(c.value for c in chosen), now=now)
            self._save(session, row, interview, reply, actor=worker, source=source, now=now)
        label = ", ".join(c.label for c in chosen)
        return replace(self._done(row, reply), chosen=label, notifications=tuple(sent))

    def edit_section(
        self,
        worker: str,
        report_id: int,
        version: int,
        index: int,
        *,
        update_id: int | None = None,
    ) -> Outcome:
        """Moves the focus to the first answer of a report section shown at ``version``."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            row = self._tapped(session, worker, report_id, version, update_id, now)
            if isinstance(row, Outcome):
                return row
            interview = self._restore(session, row)
            sections = interview.report(now=now).sections
            if not 0 <= index < len(sections) or not sections[index].lines:
                return refused(report_id, Event.EXPIRED, EXPIRED, state=row.state, version=version)
            reply = interview.handle(f"edit {sections[index].lines[0].key}", now=now)
            self._save(session, row, interview, reply, actor=worker, source="answer", now=now)
        return replace(self._done(row, reply), chosen=f"Edit: {sections[index].title}")

    def edit_answer(
        self, worker: str, message_id: int, text: str, *, update_id: int | None = None
    ) -> Outcome:
        """Changes the answer a worker's chat message gave, after the worker edited it."""
        now = self.now()
        sent: list[Notification] = []
        with repo.transaction(self.engine) as session:
            if not self._claim(session, worker, update_id, now):
                return self._again(session, worker, now)
            link = repo.find_link(session, worker=worker, message_id=message_id)
            row = (
                None
                if link is None
                else repo.get_report(session, report_id=link.report_id, lock=True)
            )
            if link is None or row is None or row.worker != worker:
                return refused(0, Event.EDIT_UNLINKED, "")
            # A corrected name, birth date or case number may be a child seen before: the
            # interview learns it in the same step.
            interview = self._restore(session, row, worker=worker, sent=sent)
            reply = interview.revise(link.key, text, now=now)
            self._save(session, row, interview, reply, actor=worker, source="message_edit", now=now)
        return replace(
            self._done(row, reply), sensitive=self._sensitive(reply), notifications=tuple(sent)
        )

    def add_photo(
        self,
        worker: str,
        *,
        content: bytes,
        mime: str,
        file_id: str | None = None,
        file_unique_id: str | None = None,
        update_id: int | None = None,
    ) -> Outcome:
        """Stores a photo for the photo question being asked, in the same step as its answer."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            if not self._claim(session, worker, update_id, now):
                return self._again(session, worker, now)
            row = self._open_row(session, worker)
            if row is None or row.id is None:
                return self._done(row, Reply("", Event.NO_REPORT, error="No report is open."))
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
                # A file id fetches the photo again from Telegram with the bot token: not kept.
                file_id=None,
                file_unique_id=file_unique_id,
            )
            reply = interview.add_photo(photo.id or 0, now=now)
            self._save(session, row, interview, reply, actor=worker, source="answer", now=now)
        return replace(self._done(row, reply), sensitive=True)

    def found(
        self,
        worker: str,
        report_id: int | None = None,
        *,
        any_worker: bool = False,
        update_id: int | None = None,
    ) -> Outcome:
        """Starts (or resumes) the recovery record of an open or submitted episode."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            if not self._claim(session, worker, update_id, now):
                return self._again(session, worker, now)
            if report_id is None:
                episode = repo.latest_open_report(session, worker=worker, open_states=RUNNING)
            else:
                episode = repo.get_report(session, report_id=report_id, lock=True)
            if episode is not None and episode.flow_id == self.episodes.recovery.id:
                episode = kids.episode_of(session, recovery_id=episode.id or 0)
            if (
                episode is None
                or episode.id is None
                or episode.flow_id != self.flow.id
                or (episode.worker != worker and not any_worker)
            ):
                return refused(0, Event.NO_REPORT, "No such report of yours.")
            row = kids.recovery_of(session, episode_id=episode.id)
            if row is None and episode.state not in RUNNING:
                error = f"Report #{episode.id} is {episode.state}: nothing to recover."
                return refused(episode.id, Event.NOT_OPEN, error, state=episode.state)
            if row is None:
                row = repo.add_report(
                    session,
                    worker=worker,
                    flow_id=self.episodes.recovery.id,
                    flow_version=self.episodes.recovery.version,
                    state=State.NEW,
                    now=now,
                )
                row.child_id = episode.child_id
                kids.link_recovery(session, recovery_id=row.id or 0, episode_id=episode.id)
                log.info("recovery.started report=%s recovery=%s", episode.id, row.id)
                interview = self._restore(session, row)
                reply = interview.start(now=now)
            else:
                interview = self._restore(session, row)
                reply = interview.resume(now=now)
            self._save(session, row, interview, reply, actor=worker, source="answer", now=now)
        return self._done(row, reply)


def _chosen(prompt: Prompt | None, indexes: Sequence[int]) -> list[Choice] | None:
    """Returns the tapped choices, or None when an index is not one shown."""
    if prompt is None or not indexes:
        return None
    if not all(0 <= i < len(prompt.choices) for i in indexes):
        return None
    return [prompt.choices[i] for i in indexes]
