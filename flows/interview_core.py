"""What every step of an interview shares: the restored values, the view of the answers, asking.

The stored report (lifecycle state, answers, focus, pending confirmation, failure count) and the
service's ``Context`` (carried answers, facts) are restored into an interview; the steps in
``flows.engine`` change the answers and end by asking the next question, which is never cached:
it is the first applicable, unsettled question of the flow, unless the worker moved the focus.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from flows.conditions import JsonValue
from flows.deadline_profiles import FEDERAL, DeadlineProfile
from flows.lifecycle import OPEN_STATES, State, Trigger, lifecycle
from flows.on_file import REFRESH_MONTHS, Step, due, first_slot
from flows.on_file import prompt as on_file_prompt
from flows.progress import step_progress
from flows.prompts import question_prompt
from flows.replies import SUBMIT_PROMPT, Change, Context, Event, Reply, View, is_sentinel
from flows.report import Report, build_report
from flows.schema import Answer, Field, Flow
from flows.slots import Answers, Slot, find_slot, next_slot, walk

TRIAGE = "triage"


class Learner(Protocol):
    """The service's part of a step: what it learns from the step's answers, as a Context."""

    def __call__(self, reply: Reply, answers: Mapping[str, Answer]) -> Context | None:
        """Returns what changed beside the answers (None: nothing did)."""
        ...


class InterviewCore:
    """One report's conversation state, and how a step reads it and asks the next question."""

    def __init__(
        self,
        flow: Flow,
        *,
        state: str = State.NEW,
        answers: Mapping[str, Answer] | None = None,
        focus: str | None = None,
        pending: str | None = None,
        failures: int = 0,
        report_id: int | None = None,
        profile: DeadlineProfile = FEDERAL,
        carried: Mapping[str, Answer] | None = None,
        facts: Mapping[str, JsonValue] | None = None,
        learner: Learner | None = None,
        refresh_months: int = REFRESH_MONTHS,
    ) -> None:
        self.flow = flow
        self.profile = profile
        self.state = State(state)
        self.answers: dict[str, Answer] = dict(answers or {})
        self.focus = focus
        self.pending = pending
        self.failures = failures
        self.report_id = report_id
        # A known child's answers from the last episode, offered section by section.
        self.carried: Mapping[str, Answer] = carried or {}
        self.facts: Mapping[str, JsonValue] = facts or {}
        # A carried photo or measurement older than this is asked again (a setting).
        self.refresh_months = refresh_months
        self.learner = learner
        self.changes: list[Change] = []
        self._now: datetime | None = None
        self._revision = 0  # bumped on every change of ``answers``
        self._cached_view: tuple[int, datetime, Mapping[str, JsonValue], Answers] | None = None
        self._cached_report: tuple[tuple[object, ...], Report] | None = None

    # -- conditions the lifecycle table names ------------------------------------------------
    def done(self) -> bool:
        """Tells whether every applicable question is settled and nothing is being revisited."""
        return self.focus is None and next_slot(self.flow, self._view()) is None

    def in_triage(self) -> bool:
        """Tells whether a triage question is still open."""
        slot = next_slot(self.flow, self._view())
        return slot is not None and slot.section.name == TRIAGE

    def report(self, *, now: datetime) -> Report:
        """Builds the report as it stands, once for each state of the answers, facts and clock."""
        key = (self._revision, self.state, now, id(self.facts))
        if self._cached_report is None or self._cached_report[0] != key:
            report = build_report(
                self.flow,
                self.answers,
                now=now,
                state=self.state,
                report_id=self.report_id,
                profile=self.profile,
                facts=self.facts,
            )
            self._cached_report = (key, report)
        return self._cached_report[1]

    # -- writing -----------------------------------------------------------------------------
    def _set(self, key: str, answer: Answer, *, source: str = "") -> None:
        old = self.answers.get(key)
        if old != answer:
            self.changes.append(Change(key, old, answer, source))
            self.answers[key] = answer
            self._revision += 1
        self.failures = 0

    def _begin_step(self, now: datetime) -> None:
        self._now = now
        self.changes = []

    def _finish(self, reply: Reply) -> Reply:
        """Hands the step's answers to the service's learner, and returns the complete reply."""
        reply = _with_changes(reply, self.changes)
        if self.learner is None:
            return reply
        context = self.learner(reply, self.answers)
        return reply if context is None else self.take(reply, context)

    def take(self, reply: Reply, context: Context) -> Reply:
        """Takes what the service learnt from a step and returns the reply as it then stands."""
        for key, answer in context.stored.items():
            # The service stores this answer differently (a kept photo becomes the report's own
            # copy): the step's change and the answers say what is stored.
            self.answers[key] = answer
            self.changes = [c if c.key != key else _restored(c, answer) for c in self.changes]
        if context.facts is not None:
            self.facts = context.facts
        if context.carried is not None:
            # A child just identified: the question may now be the offer of the last episode's.
            self.carried = context.carried
            reply = _with_prompt(reply, self._ask(Event(reply.event)))
        return _with_changes(_with_notices(reply, context.notices), self.changes)

    # -- asking ------------------------------------------------------------------------------
    def _advance(self, event: Event, *, notices: tuple[str, ...] = ()) -> Reply:
        before = self._alerts_and_milestones(exclude_new=True)
        self._fire(Trigger.ADVANCE)
        after = self._alerts_and_milestones(exclude_new=False)
        fresh = tuple(a for a in after if a not in before)
        if self.state == State.REVIEW and self.focus is None:
            return self._ask(event, notices=notices, alerts=fresh, view=View.REVIEW)
        return self._ask(event, notices=notices, alerts=fresh)

    def _alerts_and_milestones(self, *, exclude_new: bool) -> tuple[str, ...]:
        """Returns the alert and milestone messages that hold, before or after this step."""
        answers = dict(self.answers)
        if exclude_new:
            for change in self.changes:
                if change.old is None:
                    answers.pop(change.key, None)
                else:
                    answers[change.key] = change.old
        view = Answers(self.flow, answers, self._clock(), facts_given=self.facts)
        messages = [
            alert.message
            for alert in self.flow.alerts
            if any(view.holds(t.when) for t in alert.triggers)
        ]
        # A milestone is reached when each of its questions is settled or does not apply
        # (a boy is never asked about pregnancy).
        messages += [
            m.message
            for m in self.flow.milestones
            if all(name in answers or not view.applies(name) for name in m.requires)
        ]
        return tuple(messages)

    def _ask(
        self,
        event: Event,
        *,
        notices: tuple[str, ...] = (),
        alerts: tuple[str, ...] = (),
        error: str | None = None,
        view: View = View.NONE,
    ) -> Reply:
        """Returns the reply asking the next question; a ``view`` comes with the report."""
        answers = self._view()
        slot = self._current()
        prompt = (
            question_prompt(self.flow, slot, answers, self.answers, self.carried) if slot else None
        )
        if (offered := self._offer()) is not None:
            today = self._clock().date()
            prompt = on_file_prompt(
                offered, self.flow, self.carried, self.answers, today, self.refresh_months
            )
        if prompt is None and self.state == State.REVIEW:
            prompt = SUBMIT_PROMPT
        remaining = sum(
            1 for s in walk(self.flow, answers) if s.field.required and s.key not in self.answers
        )
        settled = sum(1 for key in self.answers if not is_sentinel(key))
        section = slot.section if slot else None
        progress = step_progress(
            self.flow, answers, self.changes, section, remaining=remaining, settled=settled
        )
        return Reply(
            self.state,
            event,
            prompt=prompt,
            notices=notices,
            alerts=alerts,
            error=error,
            progress=progress,
            report=self.report(now=self._clock()) if view else None,
            view=view,
        )

    # -- carried answers ---------------------------------------------------------------------
    def _offer(self) -> Step | None:
        """Returns the look at what is on file (or its next step), once tonight's facts are in."""
        if not self.carried or self.focus is not None or self.state not in OPEN_STATES:
            return None
        if first_slot(self.flow, self._view()) is not None:
            return None
        return due(self.flow, self.carried, self.answers)

    def _unsettled_carried(self) -> set[str]:
        return {key for key in self.carried if key not in self.answers}

    # -- reading -----------------------------------------------------------------------------
    def _current(self) -> Slot | None:
        view = self._view()
        if self.focus is not None:
            slot = find_slot(self.flow, view, self.focus)
            if slot is not None:
                return slot
            self.focus = None  # the revisited question no longer applies
        if self.state == State.SUBMITTED:
            return None
        # A known child's next episode asks tonight's facts first.
        first = first_slot(self.flow, view) if self.carried else None
        return first or next_slot(self.flow, view)

    def _field(self, key: str) -> Field:
        slot = find_slot(self.flow, self._view(), key)
        return slot.field if slot else self.flow.field(key.rsplit(".", 1)[-1])

    def _view(self) -> Answers:
        # One view per state of the answers, so relevance and flags worked out while walking
        # the flow are reused by the next walk of the same step (a step walks it 4-5 times).
        now = self._clock()
        cached = self._cached_view
        if (
            cached is None
            or cached[0] != self._revision
            or cached[1] is not now
            or cached[2] is not self.facts  # the service may hand over new facts mid-step
        ):
            cached = self._cached_view = (
                self._revision,
                now,
                self.facts,
                Answers(self.flow, self.answers, now, facts_given=self.facts),
            )
        return cached[3]

    def _clock(self) -> datetime:
        if self._now is None:
            raise RuntimeError("the interview was used without a 'now'")
        return self._now

    @property
    def state_name(self) -> str:
        """Returns the state as the lifecycle machine reads it."""
        return self.state.value

    @state_name.setter
    def state_name(self, name: str) -> None:
        self.state = State(name)

    def _fire(self, trigger: Trigger) -> None:
        lifecycle().events[trigger.value].trigger(self)


def _with_changes(reply: Reply, changes: list[Change]) -> Reply:
    return replace(reply, changes=tuple(changes))


def _with_notices(reply: Reply, notices: tuple[str, ...]) -> Reply:
    return replace(reply, notices=(*reply.notices, *notices)) if notices else reply


def _with_prompt(reply: Reply, again: Reply) -> Reply:
    return replace(reply, prompt=again.prompt, progress=again.progress)


def _restored(change: Change, answer: Answer) -> Change:
    return replace(change, new=answer)
