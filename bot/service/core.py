"""One step of the service: restore the report, run the engine once, write what it changed.

Every public call of the service (``bot.service.conversation``, ``records``, ``admin``) runs in
one transaction: the answer, its history row, the report's new state and any outbox row are
committed together, and the ``Reply`` is handed back only after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot.service import notify
from bot.service.access import Access
from bot.service.audit_events import audit_created, audit_step, audit_tap_refused
from bot.service.episodes import Episodes, Notification
from bot.service.learning import Step, learn
from bot.service.outcome import DUPLICATE, EXPIRED, NOT_ALLOWED, Outcome, refused
from bot.service.resident import Resident, keep_on_commit
from flows.conditions import JsonValue
from flows.deadline_profiles import FEDERAL, DeadlineProfile, check_profile
from flows.engine import OPEN_STATES, Interview
from flows.lifecycle import State
from flows.on_file import REFRESH_MONTHS
from flows.replies import Context, Event, Reply
from flows.report import Report, build_report
from flows.schema import Answer, Flow, Status
from storage import clock as storage_clock
from storage import crypto
from storage import repository as repo
from storage.clock import Clock
from storage.models import Report as ReportRow

log = logging.getLogger("bot.service")


class ServiceCore:
    """What every service call shares: the flow, the database, the clock and the step itself."""

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
        effort_days: float = 7,
        refresh_months: int = REFRESH_MONTHS,
    ) -> None:
        self.flow = flow
        self.engine = engine
        self.clock = clock
        storage_clock.attach(engine, clock)  # rows storage stamps itself follow the same clock
        self.zone = zone
        self.profile = check_profile(flow, profile)
        # Children are matched under a key from the keyring (stable across rotation), unless given.
        key = match_key or crypto.keyring_for(engine).derive("child-match")
        self.episodes = Episodes(flow=flow, match_key=key, long_term_days=long_term_days)
        self.refresh_months = refresh_months  # handed to the engine: old photos asked again
        self.access = Access(engine, clock)  # who may use the bot, read on every update
        self.effort_every = timedelta(days=effort_days)  # then the holder is asked for an effort
        self.resident = Resident()  # answers of recent steps, valid for their report's version

    def now(self) -> datetime:
        """Returns the current time in the agency's zone."""
        return self.clock().astimezone(self.zone)

    # -- starting a step ---------------------------------------------------------------------
    @staticmethod
    def _claim(session: Session, worker: str, update_id: int | None, now: datetime) -> bool:
        """Starts a step: serialises the worker's steps, then records the update as applied."""
        return repo.claim_step(session, worker=worker, update_id=update_id, now=now)

    def _again(self, session: Session, worker: str, now: datetime) -> Outcome:
        """Answers an update applied before: nothing changes, the current question is sent again.

        Telegram re-delivers an update whose reply was lost (a crash between the commit and the
        reply); staying silent would leave the worker waiting on a question already answered.
        """
        row = self._open_row(session, worker) or self._submitted_row(session, worker)
        if row is None:
            return DUPLICATE
        reply = self._restore(session, row).resume(now=now)
        log.info("report.step_repeated report=%s", row.id)
        return Outcome(row.id or 0, reply, row.version, duplicate=True)

    def _tapped(
        self,
        session: Session,
        worker: str,
        report_id: int,
        version: int,
        update_id: int | None,
        now: datetime,
    ) -> Outcome | ReportRow:
        """Returns the tapped report, or the refusal when the tap is a repeat, not the worker's
        own, or no longer current."""
        if not self._claim(session, worker, update_id, now):
            return self._again(session, worker, now)
        row = repo.get_report(session, report_id=report_id, lock=True)
        if row is not None and row.worker != worker:
            # A tap naming someone else's report: refuse and keep a trace (AC-07).
            audit_tap_refused(session, worker=worker, report_id=report_id, reason=None, now=now)
            log.info("report.tap_forbidden report=%s", report_id)
            return refused(report_id, Event.EXPIRED, NOT_ALLOWED, version=version)
        if row is None or row.version != version:
            log.info("report.tap_refused report=%s version=%s", report_id, version)
            reason = "unknown_report" if row is None else "stale_version"
            audit_tap_refused(session, worker=worker, report_id=report_id, reason=reason, now=now)
            return refused(report_id, Event.EXPIRED, EXPIRED, version=version)
        return row

    def _open_row(self, session: Session, worker: str) -> ReportRow | None:
        return repo.latest_open_report(session, worker=worker, open_states=OPEN_STATES)

    def _submitted_row(self, session: Session, worker: str) -> ReportRow | None:
        # After submitting, the worker may still amend the report they just sent.
        return repo.latest_open_report(session, worker=worker, open_states=(State.SUBMITTED,))

    def _new_row(self, session: Session, worker: str, now: datetime) -> ReportRow:
        row = repo.add_report(
            session,
            worker=worker,
            flow_id=self.flow.id,
            flow_version=self.flow.version,
            state=State.NEW,
            now=now,
        )
        log.info("report.created report=%s", row.id)
        audit_created(session, report_id=row.id or 0, actor=worker, now=now)
        return row

    # -- the engine, restored ----------------------------------------------------------------
    def _answers(
        self, session: Session, row: ReportRow, *, held: bool = False
    ) -> dict[str, Answer]:
        # A step may start from what this process's last step of the report committed; reads
        # (report, export) always go to the database.
        kept = self.resident.get(row.id or 0, row.version) if held else None
        if kept is not None:
            return dict(kept)
        stored = repo.load_answers(session, report_id=row.id or 0)
        return {key: Answer(Status(status), value) for key, (status, value) in stored.items()}

    def _facts(
        self, session: Session, row: ReportRow, answers: Mapping[str, Answer], now: datetime
    ) -> dict[str, JsonValue]:
        """What the report knows beyond its answers: the episode, and who acknowledged it."""
        return {
            **self.episodes.facts(session, row, answers, now=now),
            **notify.facts(session, report_id=row.id or 0, zone=self.zone),
        }

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
        return self._with_efforts(session, row, self.episodes.extend(session, row, report, now=now))

    def _with_efforts(self, session: Session, row: ReportRow, report: Report) -> Report:
        """Returns the report with its search-efforts log (``bot.service.efforts`` adds it)."""
        return report

    def _restore(
        self,
        session: Session,
        row: ReportRow,
        *,
        worker: str = "",
        sent: list[Notification] | None = None,
    ) -> Interview:
        """Restores the report's interview; with ``sent``, its steps learn about episodes."""
        now = self.now()
        answers = self._answers(session, row, held=True)

        def learner(reply: Reply, answers: Mapping[str, Answer]) -> Context | None:
            assert sent is not None  # only a learning interview calls this
            return learn(
                self.episodes,
                Step(session, row, worker=worker, zone=self.zone, now=now),
                reply,
                answers,
                sent=sent,
            )

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
            learner=learner if sent is not None else None,
            refresh_months=self.refresh_months,
        )

    # -- committing a step -------------------------------------------------------------------
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
            for change in reply.changes
        ]
        fields: dict[str, object] = {
            "state": interview.state,
            "focus": interview.focus,
            "pending": interview.pending,
            "failures": interview.failures,
        }
        if interview.state == State.SUBMITTED and row.submitted_at is None:
            fields["submitted_at"] = now
        before_state = row.state
        # Only a submitted report's changes become an amendment; skip the query otherwise.
        changes_after = (
            notify.last_change_id(session, report_id=row.id or 0)
            if row.state == State.SUBMITTED
            else 0
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
        keep_on_commit(session, self.resident, row.id or 0, row.version, interview.answers)
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
            changed={change.key for change in reply.changes},
            before_state=before_state,
            changes_after=changes_after,
            now=now,
        )

    @staticmethod
    def _done(row: ReportRow | None, reply: Reply) -> Outcome:
        report_id = row.id if row is not None and row.id is not None else 0
        log.info("report.step report=%s event=%s state=%s", report_id, reply.event, reply.state)
        return Outcome(report_id, reply, row.version if row is not None else 0)
