"""The one service both adapters call: load the report, step the engine, commit, then reply.

This is the only module that knows both ``flows`` and ``storage``. Each call runs in one
transaction: the answer, its history row and the report's new state are committed together, and
the ``Reply`` is handed back only after the commit, so nothing shown as saved can be lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot.service import notify
from bot.service.audit_events import audit_created, audit_export, audit_step
from bot.service.episodes import RUNNING, DueItem, Episodes, Notification
from flows.classification import at_least
from flows.conditions import JsonValue
from flows.deadline_profiles import FEDERAL, DeadlineProfile, check_profile
from flows.engine import OPEN_STATES, Interview, Prompt, Reply
from flows.report import Report, build_report, render_text, report_to_dict
from flows.schema import Answer, Choice, Flow, Kind, Level, Status
from flows.slots import Answers, walk
from storage import audit, crypto
from storage import children as kids
from storage import clock as storage_clock
from storage import repository as repo
from storage.clock import Clock
from storage.models import Report as ReportRow

log = logging.getLogger(__name__)

# Events after which the worker's message holds the answer to one question, so editing that
# message later edits the answer.
ANSWER_EVENTS = frozenset({"answered", "unknown", "skipped"})
EXPIRED = "This button has expired. Please use the latest question."
NOT_ALLOWED = "Not allowed."
# Telegram re-delivers an unconfirmed update for at most a day; keep a week to be safe.
KEEP_UPDATES = timedelta(days=7)


class ReportNotFound(LookupError):
    """No report has that id."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A committed step: which report it touched and what to show."""

    report_id: int
    reply: Reply
    version: int = 0
    duplicate: bool = False
    chosen: str = ""
    # The worker's message carried an identifying or special-category answer (P2/P3) or a photo.
    sensitive: bool = False
    notifications: tuple[Notification, ...] = ()


class IntakeService:
    """Runs the intake conversation for any number of workers over one database."""

    def __init__(
        self,
        *,
        flow: Flow,
        engine: Engine,
        clock: Clock,
        zone: ZoneInfo,
        profile: DeadlineProfile = FEDERAL,
        match_key: bytes | None = None,
        long_term_days: int = 30,
    ) -> None:
        self.flow = flow
        self.engine = engine
        self.clock = clock
        storage_clock.attach(engine, clock)  # rows storage stamps itself follow the same clock
        self.zone = zone
        self.profile = check_profile(flow, profile)
        # Children are matched under a key derived from the database's keyring (stable across
        # key rotation), unless one is given.
        key = match_key or crypto.keyring_for(engine).derive("child-match")
        self.episodes = Episodes(flow=flow, match_key=key, long_term_days=long_term_days)

    def now(self) -> datetime:
        """Returns the current time in the agency's zone."""
        return self.clock().astimezone(self.zone)

    def start(self, worker: str, *, new: bool = False, update_id: int | None = None) -> Outcome:
        """Resumes the worker's open report at its current question, or starts a new one."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            if not self._claim(session, worker, update_id, now):
                return DUPLICATE
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
        with repo.transaction(self.engine) as session:
            if not self._claim(session, worker, update_id, now):
                return DUPLICATE
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
            reply, sent = self._episode_step(session, row, interview, reply, worker, now)
            self._save(session, row, interview, reply, actor=worker, source=source, now=now)
            if message_id is not None and reply.event in ANSWER_EVENTS and interview.changes:
                repo.link_message(
                    session,
                    worker=worker,
                    message_id=message_id,
                    report_id=row.id or 0,
                    key=interview.changes[0].key,
                )
        return replace(
            self._done(row, reply), sensitive=self._sensitive(interview), notifications=sent
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
        with repo.transaction(self.engine) as session:
            tapped = self._tapped(session, worker, report_id, version, update_id, now)
            if isinstance(tapped, Outcome):
                return tapped
            row, interview = tapped
            prompt = interview.resume(now=now).prompt
            chosen = _chosen(prompt, indexes)
            if prompt is None or chosen is None:
                return Outcome(report_id, Reply(row.state, "expired", error=EXPIRED), version)
            source = self._source(row)
            reply = interview.handle(", ".join(c.value for c in chosen), now=now)
            reply, sent = self._episode_step(session, row, interview, reply, worker, now)
            self._save(session, row, interview, reply, actor=worker, source=source, now=now)
        label = ", ".join(c.label for c in chosen)
        return replace(self._done(row, reply), chosen=label, notifications=sent)

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
            tapped = self._tapped(session, worker, report_id, version, update_id, now)
            if isinstance(tapped, Outcome):
                return tapped
            row, interview = tapped
            sections = interview.report(now=now).sections
            if not 0 <= index < len(sections) or not sections[index].lines:
                return Outcome(report_id, Reply(row.state, "expired", error=EXPIRED), version)
            reply = interview.handle(f"edit {sections[index].lines[0].key}", now=now)
            self._save(session, row, interview, reply, actor=worker, source="answer", now=now)
        return replace(self._done(row, reply), chosen=f"Edit: {sections[index].title}")

    def edit_answer(
        self, worker: str, message_id: int, text: str, *, update_id: int | None = None
    ) -> Outcome:
        """Changes the answer a worker's chat message gave, after the worker edited it."""
        now = self.now()
        with repo.transaction(self.engine) as session:
            if not self._claim(session, worker, update_id, now):
                return DUPLICATE
            link = repo.find_link(session, worker=worker, message_id=message_id)
            row = (
                None
                if link is None
                else repo.get_report(session, report_id=link.report_id, lock=True)
            )
            if link is None or row is None or row.worker != worker:
                return Outcome(0, Reply("", "edit_unlinked"))
            interview = self._restore(session, row)
            reply = interview.revise(link.key, text, now=now)
            # A corrected name, birth date or case number may be a child seen before.
            reply, sent = self._episode_step(session, row, interview, reply, worker, now)
            self._save(session, row, interview, reply, actor=worker, source="message_edit", now=now)
        return replace(
            self._done(row, reply), sensitive=self._sensitive(interview), notifications=sent
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
                return DUPLICATE
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
                # A file id fetches the photo again from Telegram with the bot token: not kept.
                file_id=None,
                file_unique_id=file_unique_id,
            )
            reply = interview.add_photo(photo.id or 0, now=now)
            self._save(session, row, interview, reply, actor=worker, source="answer", now=now)
        return replace(self._done(row, reply), sensitive=True)

    def report(self, report_id: int) -> Report:
        """Builds the current report of any stored report, with its episode's open duties."""
        now = self.now()
        # A transaction, not a bare session: a value that fails to decrypt is audited.
        with repo.transaction(self.engine) as session:
            row = repo.get_report(session, report_id=report_id)
            if row is None:
                raise ReportNotFound(report_id)
            return self._report(session, row, now)

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
                return DUPLICATE
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
                return Outcome(0, Reply("none", "no_report", error="No such report of yours."))
            row = kids.recovery_of(session, episode_id=episode.id)
            if row is None and episode.state not in RUNNING:
                error = f"Report #{episode.id} is {episode.state}: nothing to recover."
                return Outcome(episode.id, Reply(episode.state, "not_open", error=error))
            if row is None:
                row = repo.add_report(
                    session,
                    worker=worker,
                    flow_id=self.episodes.recovery.id,
                    flow_version=self.episodes.recovery.version,
                    state="new",
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

    def due_items(self) -> list[DueItem]:
        """Returns the open recovery duties of every recovered episode (for reminders)."""
        now = self.now()
        with Session(self.engine) as session:
            rows = kids.reports_in(session, flow_id=self.episodes.recovery.id, states=["submitted"])
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
                report = self._report(session, row, now)
                owed = report.long_term_items
                if owed:
                    label = f"Long-term checklist: {len(owed)} items open"
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
        """Returns a stored report as plain text or JSON, and audits the export."""
        report = self.report(report_id)
        with repo.transaction(self.engine) as session:
            audit_export(session, report_id=report_id, fmt=fmt, actor=actor, now=self.now())
        if fmt == "json":
            return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)
        return render_text(report, now=self.now())

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

    # -- steps -------------------------------------------------------------------------------
    def _sensitive(self, interview: Interview) -> bool:
        """Tells whether the step stored an answer classified P2 or P3 (identifying or special)."""
        names = [c.key.split(".")[-1] for c in interview.changes if c.new.status is Status.ANSWERED]
        return any(
            at_least(self.flow.field(name), Level.P2) for name in names if self.flow.has_field(name)
        )

    @staticmethod
    def _claim(session: Session, worker: str, update_id: int | None, now: datetime) -> bool:
        """Starts a step: serialises the worker's steps, then records the update as applied."""
        repo.lock_worker(session, worker=worker)
        return update_id is None or repo.claim_update(session, update_id=update_id, now=now)

    def _tapped(
        self,
        session: Session,
        worker: str,
        report_id: int,
        version: int,
        update_id: int | None,
        now: datetime,
    ) -> Outcome | tuple[ReportRow, Interview]:
        """Returns the tapped report restored, or the refusal when the tap is a repeat, not the
        worker's own, or no longer current."""
        if not self._claim(session, worker, update_id, now):
            return DUPLICATE
        row = repo.get_report(session, report_id=report_id, lock=True)
        if row is not None and row.worker != worker:
            # A tap naming someone else's report: refuse and keep a trace (AC-07).
            audit.record(
                session,
                event="authz.denied",
                at=now,
                actor=worker,
                object_id=report_id,
                outcome="denied",
                reason="foreign_report",
            )
            log.info("report.tap_forbidden report=%s", report_id)
            return Outcome(report_id, Reply("", "expired", error=NOT_ALLOWED), version)
        if row is None or row.version != version:
            log.info("report.tap_refused report=%s version=%s", report_id, version)
            reason = "unknown_report" if row is None else "stale_version"
            reason = "foreign_report" if row is not None and row.worker != worker else reason
            audit.record(
                session,
                event="input.rejected",
                at=now,
                actor=worker,
                object_id=report_id,
                outcome="refused",
                reason=reason,
            )
            return Outcome(report_id, Reply("", "expired", error=EXPIRED), version)
        return row, self._restore(session, row)

    def _report(self, session: Session, row: ReportRow, now: datetime) -> Report:
        answers = self._answers(session, row)
        report = build_report(
            self.episodes.flow_of(row),
            answers,
            now=now,
            state=row.state,
            report_id=row.id,
            profile=self.profile,
            facts=self._facts(session, row, answers, now),
        )
        return self.episodes.extend(session, row, report, now=now)

    def _facts(
        self, session: Session, row: ReportRow, answers: Mapping[str, Answer], now: datetime
    ) -> dict[str, JsonValue]:
        """What the report knows beyond its answers: the episode, and who acknowledged it."""
        return {
            **self.episodes.facts(session, row, answers, now=now),
            **notify.facts(session, report_id=row.id or 0, zone=self.zone),
        }

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
        audit_created(session, report_id=row.id or 0, actor=worker, now=now)
        return row

    def _answers(self, session: Session, row: ReportRow) -> dict[str, Answer]:
        stored = repo.load_answers(session, report_id=row.id or 0)
        return {key: Answer(Status(status), value) for key, (status, value) in stored.items()}

    def _restore(self, session: Session, row: ReportRow) -> Interview:
        now = self.now()
        answers = self._answers(session, row)
        return Interview(
            self.episodes.flow_of(row),
            state=row.state,
            answers=answers,
            focus=row.focus,
            pending=row.pending,
            failures=row.failures,
            report_id=row.id,
            profile=self.profile,
            carried=self.episodes.carried(session, row, now=now),
            facts=self._facts(session, row, answers, now),
        )

    def _episode_step(
        self,
        session: Session,
        row: ReportRow,
        interview: Interview,
        reply: Reply,
        worker: str,
        now: datetime,
    ) -> tuple[Reply, tuple[Notification, ...]]:
        """Links a newly identified child (offering the last episode's answers) and closes the
        episode when its recovery record is submitted."""
        if row.flow_id == self.episodes.recovery.id:
            if interview.state != "submitted" or row.state == "submitted":
                return reply, ()
            notice = self.episodes.close(session, row, actor=worker, now=now)
            if notice is None:
                return reply, ()
            # The child is found: the episode's reporting reminders stop. Supervisors get the
            # recovery record as its summary (queued by the step's save), with its own reminders.
            notify.episode_closed(session, report_id=notice.report_id, now=now)
            return replace(reply, notices=(*reply.notices, notice.text)), (notice,)
        self.episodes.copy_photos(session, row, interview, now=now)
        changed = {change.key for change in interview.changes}
        if not self.episodes.identify(session, row, interview.answers, changed=changed, now=now):
            return reply, ()
        interview.facts = self.episodes.facts(session, row, interview.answers, now=now)
        last = self.episodes.previous(session, row)
        reply = interview.offer_carried(
            reply, self.episodes.carried(session, row, now=now), now=now
        )
        when = last.created_at.astimezone(self.zone) if last else now
        known = (
            f"This child was reported missing before (report #{last.id if last else '?'}, "
            f"{when:%b} {when.day}, {when:%Y}). I'll show what we knew then, section by section."
        )
        return replace(reply, notices=(*reply.notices, known)), ()

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
        reply: Reply,
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
                change.source,
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
        before_state = row.state
        # Only a submitted report's changes become an amendment; skip the query otherwise.
        changes_after = (
            notify.last_change_id(session, report_id=row.id or 0) if row.state == "submitted" else 0
        )
        flow = self.episodes.flow_of(row)  # the intake, or a recovery record
        audit_step(
            session,
            flow=flow,
            report_id=row.id or 0,
            before=row.state,
            after=interview.state,
            keys=[w.key for w in writes],
            view=reply.view if reply.report is not None else "",
            actor=actor,
            source=source,
            now=now,
        )
        repo.save_step(
            session, report=row, writes=writes, fields=fields, actor=actor, source=source, now=now
        )
        session.flush()
        # Notifications and reminders commit with the answer that caused them (the outbox).
        notify.after_step(
            session,
            flow=flow,
            row=row,
            answers=interview.answers,
            report=lambda: build_report(
                flow,
                interview.answers,
                now=now,
                state=interview.state,
                report_id=row.id,
                profile=self.profile if flow is self.flow else FEDERAL,
            ),
            changed={change.key for change in interview.changes},
            before_state=before_state,
            changes_after=changes_after,
            now=now,
        )

    @staticmethod
    def _done(row: ReportRow | None, reply: Reply) -> Outcome:
        report_id = row.id if row is not None and row.id is not None else 0
        log.info("report.step report=%s event=%s state=%s", report_id, reply.event, reply.state)
        return Outcome(report_id, reply, row.version if row is not None else 0)


DUPLICATE = Outcome(0, Reply("", "duplicate"), duplicate=True)


def _chosen(prompt: Prompt | None, indexes: Sequence[int]) -> list[Choice] | None:
    """Returns the tapped choices, or None when an index is not one shown."""
    if prompt is None or not indexes:
        return None
    if not all(0 <= i < len(prompt.choices) for i in indexes):
        return None
    return [prompt.choices[i] for i in indexes]


def _ids(value: object) -> list[int]:
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []
