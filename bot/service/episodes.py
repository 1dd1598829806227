"""Episodes of one child: recognising a known child, carrying facts over, recovery and long-term.

The service (``bot/service/intake.py``) calls this inside each step's transaction; like the
service it is the seam between ``flows`` (pure) and ``storage``. Identifying answers reach the
database only as keyed digests (``storage.children``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from sqlmodel import Session

from bot.service.episode_context import day_text, recovery_facts, went_missing
from flows.conditions import JsonValue
from flows.engine import OPEN_STATES, Interview
from flows.lifecycle import State
from flows.on_file import MEASURED
from flows.prefill import carried_answers
from flows.recovery import RECOVERY, previous_episode
from flows.report import OpenItem, Report, build_report, stamp
from flows.schema import Answer, Flow, Status
from storage import audit
from storage import children as kids
from storage import repository as repo
from storage.models import Report as ReportRow

log = logging.getLogger(__name__)

# Carried answers kept for the reports being filled in (oldest dropped first).
CACHED = 256
EPISODES = "episodes"  # the per-transaction memo of each child's episodes, in session.info
# An episode is open for long-term purposes until it is recovered or cancelled.
RUNNING = frozenset({*OPEN_STATES, State.SUBMITTED}) - {State.NEW}


@dataclass(frozen=True, slots=True)
class DueItem:
    """A follow-up owed on a report: what, by when (for reminders and the supervisor outbox)."""

    due_at: datetime
    kind: str
    report_id: int
    label: str


@dataclass(frozen=True, slots=True)
class Notification:
    """A message for supervisors produced by a step; ids and times only, no names."""

    kind: str
    report_id: int
    text: str


class Episodes:
    """Links reports of the same child and runs the episode-level duties."""

    def __init__(self, *, flow: Flow, match_key: bytes, long_term_days: int) -> None:
        if not match_key:
            raise ValueError("a child-matching key is required")
        self.flow = flow
        self.recovery = RECOVERY
        self.key = match_key
        self.long_term = timedelta(days=long_term_days)
        self._identifying = frozenset(name for group in flow.child_keys for name in group)
        self._carried: dict[tuple[int, ...], dict[str, Answer]] = {}

    def flow_of(self, row: ReportRow) -> Flow:
        """Returns the flow a stored report was made with."""
        return self.recovery if row.flow_id == self.recovery.id else self.flow

    # -- known children ----------------------------------------------------------------------
    def identify(
        self,
        session: Session,
        row: ReportRow,
        answers: Mapping[str, Answer],
        *,
        changed: AbstractSet[str],
        now: datetime,
    ) -> bool:
        """Links the report to its child once identifying answers are given (or changed).

        Returns True when the child was seen before (so there is something to offer).
        """
        if row.flow_id != self.flow.id or row.id is None:
            return False
        if row.child_id is not None and not changed & self._identifying:
            return False  # linked already, and nothing that identifies the child changed
        digests = [
            kids.digest(self.key, group, [str(answers[name].value) for name in group])
            for group in self.flow.child_keys
            if all(_text(answers.get(name)) for name in group)
        ]
        if not digests:
            return False
        # Two workers naming the same new child at once (another process, on PostgreSQL) would
        # both add it; the second waits here for the first's commit and finds it instead.
        repo.lock_names(session, "child", digests)
        known = kids.find_child(session, digests=digests)
        if row.child_id is not None:
            if known is None or known == row.child_id or self.previous(session, row) is not None:
                kids.remember_keys(session, child_id=row.child_id, digests=digests)
                return False
            # A record this report made from a differently written name turns out, by the
            # case number, to be a child seen before: fold it into that child.
            kids.merge_child(session, child_id=row.child_id, into=known)
        child_id = known if known is not None else kids.add_child(session, now=now)
        kids.remember_keys(session, child_id=child_id, digests=digests)
        row.child_id = child_id
        session.info.pop(EPISODES, None)  # the child's episodes now include this report
        outcome = "known" if known is not None else "new"
        audit.record(session, event="child.linked", at=now, object_id=row.id, outcome=outcome)
        log.info("child.linked report=%s child=%s outcome=%s", row.id, child_id, outcome)
        return known is not None and self.previous(session, row) is not None

    def _episodes(self, session: Session, child_id: int) -> list[ReportRow]:
        """Returns the child's episodes, read once per transaction (a step asks several times)."""
        memo: dict[int, list[ReportRow]] = session.info.setdefault(EPISODES, {})
        if child_id not in memo:
            memo[child_id] = kids.episodes(session, child_id=child_id, flow_id=self.flow.id)
        return memo[child_id]

    def previous(self, session: Session, row: ReportRow) -> ReportRow | None:
        """Returns the child's episode before this one, if any."""
        if row.child_id is None:
            return None
        earlier = [r for r in self._episodes(session, row.child_id) if (r.id or 0) < (row.id or 0)]
        return earlier[-1] if earlier else None

    def carried(self, session: Session, row: ReportRow, *, now: datetime) -> dict[str, Answer]:
        """Returns what a new episode may carry from the child's last one (and its recovery)."""
        if row.flow_id != self.flow.id or row.state not in OPEN_STATES:
            return {}
        last = self.previous(session, row)
        if last is None or last.id is None:
            return {}
        found = kids.recovery_of(session, episode_id=last.id)
        number = self.number(session, row)
        # Every step of the new report needs these; they change only when the last episode or
        # its recovery record does, which their versions tell.
        key = (
            last.id,
            last.version,
            (found.id or 0) if found else 0,
            found.version if found else 0,
            number,
        )
        if key not in self._carried:
            answers = load(session, last.id)
            recovery = load(session, found.id) if found is not None and found.id else {}
            if len(self._carried) >= CACHED:
                self._carried.pop(next(iter(self._carried)))
            # Measured in that episode, unless it kept the measurements of an earlier one.
            measured = went_missing(self.flow, last, answers, zone(now)).isoformat()
            self._carried[key] = {
                **carried_answers(self.flow, answers, now=now),
                **previous_episode(answers, recovery, episode_number=number),
                MEASURED: answers.get(MEASURED, Answer(Status.ANSWERED, measured)),
            }
        return dict(self._carried[key])

    def number(self, session: Session, row: ReportRow) -> int:
        """Returns which episode of its child the report is (1 when the child is not known)."""
        if row.child_id is None:
            return 1
        eps = self._episodes(session, row.child_id)
        return sum(1 for r in eps if (r.id or 0) < (row.id or 0)) + 1

    def facts(
        self, session: Session, row: ReportRow, answers: Mapping[str, Answer], *, now: datetime
    ) -> dict[str, JsonValue]:
        """Returns the values the flow's conditions may read beside the answers."""
        if row.flow_id == self.recovery.id:
            return recovery_facts(session, self.flow, row)
        if row.flow_id != self.flow.id:
            return {}
        number = self.number(session, row)
        facts: dict[str, JsonValue] = {
            "episode_number": number,
            "episode_ordinal": ordinal(number),
            "long_term": self.is_long_term(row, answers, now=now),
        }
        if row.child_id is not None:
            eps = self._episodes(session, row.child_id)
            first = eps[0] if eps else row
            seen = answers if first is row else load(session, first.id or 0)
            facts["first_episode_on"] = day_text(went_missing(self.flow, first, seen, zone(now)))
        return facts

    def long_term_from(self, row: ReportRow, answers: Mapping[str, Answer]) -> datetime | None:
        """Returns when a running episode becomes long-term (LONG_TERM_DAYS after the agency
        was told, or after the report was made); None once it is recovered or cancelled."""
        if row.state not in RUNNING:
            return None
        clock = answers.get(self.flow.clock_field) if self.flow.clock_field else None
        start = row.created_at
        if clock is not None and clock.status is Status.ANSWERED and isinstance(clock.value, str):
            start = datetime.fromisoformat(clock.value)
        return start + self.long_term

    def is_long_term(self, row: ReportRow, answers: Mapping[str, Answer], *, now: datetime) -> bool:
        """Tells whether the episode has been open for LONG_TERM_DAYS or more."""
        since = self.long_term_from(row, answers)
        return since is not None and now >= since

    # -- recovery ----------------------------------------------------------------------------
    def close(
        self, session: Session, recovery: ReportRow, *, actor: str, now: datetime
    ) -> Notification | None:
        """Closes the episode a submitted recovery record belongs to, and words the notice."""
        episode = kids.episode_of(session, recovery_id=recovery.id or 0)
        if episode is None or episode.id is None:
            return None
        interview = Interview(self.flow, state=episode.state, report_id=episode.id)
        if not interview.recover(now=now):
            return None
        repo.save_step(
            session,
            report=episode,
            writes=[],
            fields={"state": interview.state},
            actor=actor,
            source="recovery",
            now=now,
        )
        audit.record(session, event="episode.recovered", at=now, actor=actor, object_id=episode.id)
        log.info("episode.recovered report=%s recovery=%s", episode.id, recovery.id)
        due = self.due(session, recovery, now=now)
        duties = "; ".join(f"{d.label} due {stamp(d.due_at)}" for d in due) or "no duties open"
        return Notification(
            "recovery",
            episode.id,
            f"Child found: report #{episode.id} closed as recovered (record #{recovery.id}). "
            f"{duties}.",
        )

    def due(self, session: Session, recovery: ReportRow, *, now: datetime) -> list[DueItem]:
        """Returns the recovery duties (debrief, trafficking screening) not yet done."""
        episode = kids.episode_of(session, recovery_id=recovery.id or 0)
        report = build_report(self.recovery, load(session, recovery.id or 0), now=now)
        target = episode.id if episode is not None and episode.id else recovery.id or 0
        return [DueItem(d.due_at, d.name, target, d.label) for d in report.deadlines if not d.done]

    def extend(self, session: Session, row: ReportRow, report: Report, *, now: datetime) -> Report:
        """Adds an episode's open recovery duties to its report as open items."""
        found = kids.recovery_of(session, episode_id=row.id or 0) if row.id else None
        if found is None or found.state != State.SUBMITTED:
            return report
        items = tuple(
            OpenItem(d.kind, d.label, "Recovery", f"due {stamp(d.due_at.astimezone(now.tzinfo))}")
            for d in self.due(session, found, now=now)
        )
        return replace(report, open_items=report.open_items + items)


def load(session: Session, report_id: int) -> dict[str, Answer]:
    """Returns a stored report's answers as engine values."""
    stored = repo.load_answers(session, report_id=report_id)
    return {key: Answer(Status(status), value) for key, (status, value) in stored.items()}


def zone(now: datetime) -> tzinfo:
    """Returns the zone the service's clock reads in."""
    return now.tzinfo or UTC


def ordinal(number: int) -> str:
    """Returns 1st, 2nd, 3rd, 4th, 11th, 21st..."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _text(answer: Answer | None) -> bool:
    return (
        answer is not None
        and answer.status is Status.ANSWERED
        and isinstance(answer.value, str)
        and bool(answer.value.strip())
    )
