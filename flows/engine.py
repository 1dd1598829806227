"""The interview: one report's conversation as a pure step function.

Theory of operation: the stored report is restored into an ``Interview`` (see
``flows.interview_core``); the adapter feeds it one input with ``now``; the interview returns a
``Reply`` that carries the changed answers, which the service commits before anything is shown.
A service that learns something from the answers (a known child, new facts) says so through the
interview's ``learner``, inside the same step, so one call makes the whole reply.
"""

from __future__ import annotations

from datetime import datetime

from flows.answer_checks import answer_value
from flows.answers import InvalidAnswer, format_value
from flows.commands import COMMAND_HELP, Command, parse_command
from flows.conditions import JsonValue
from flows.error_hints import also_fine
from flows.interview_core import Learner
from flows.lifecycle import OPEN_STATES, TAKES_INPUT, State, Trigger, lifecycle_diagram
from flows.lookup import lookup
from flows.not_yet import not_yet_note, settled_notice
from flows.on_file import LOOK, Step, decide
from flows.prefill import keeps_all
from flows.replies import (
    ANSWER_EVENTS,
    CANCEL_PROMPT,
    CLOSED,
    NOTHING_ASKED,
    YES_WORDS,
    Context,
    Event,
    Prompt,
    Reply,
    View,
)
from flows.say_once import SayOnce
from flows.schema import Answer, Field, Kind, Status
from flows.slots import Slot, find_slot, next_slot, walk

__all__ = [
    "ANSWER_EVENTS",
    "OPEN_STATES",
    "Context",
    "Event",
    "Interview",
    "Learner",
    "Prompt",
    "Reply",
    "State",
    "lifecycle_diagram",
]


class Interview(SayOnce):
    """One report's conversation, restored from stored values and stepped one input at a time."""

    # -- public steps ------------------------------------------------------------------------
    def start(self, *, now: datetime) -> Reply:
        """Begins a new interview and asks the first question."""
        self._now = now
        if self.state == State.NEW:
            self._fire(Trigger.BEGIN)
        return self._ask(Event.STARTED)

    def resume(self, *, now: datetime) -> Reply:
        """Asks the current question again, e.g. after a restart."""
        self._now = now
        if self.pending:
            return Reply(self.state, Event.RESUMED, prompt=self._pending_prompt())
        return self._ask(Event.RESUMED)

    def handle(self, text: str, *, now: datetime) -> Reply:
        """Takes one message (an answer or a command) and returns what to show next."""
        self._begin_step(now)
        if self.state == State.NEW:
            self._fire(Trigger.BEGIN)
        if self.state not in TAKES_INPUT:
            return Reply(self.state, Event.CLOSED, error=CLOSED)
        return self._finish(self._take(text))

    def add_photo(self, photo_id: int, *, now: datetime) -> Reply:
        """Adds a stored photo to the photo question being asked."""
        self._begin_step(now)
        return self._finish(self._add_photo(photo_id))

    def revise(self, key: str, text: str, *, now: datetime) -> Reply:
        """Changes one earlier answer in place and goes on with the question being asked."""
        self._begin_step(now)
        if self.state not in TAKES_INPUT:
            return Reply(self.state, Event.CLOSED, error=CLOSED)
        return self._finish(self._revise(key, text))

    def _add_photo(self, photo_id: int) -> Reply:
        slot = self._current()
        if slot is None or slot.field.kind is not Kind.PHOTO:
            return self._ask(Event.PHOTO_UNEXPECTED, error="I'm not asking for a photo right now.")
        old = self.answers.get(slot.key)
        ids = list(old.value) if old and isinstance(old.value, list) else []
        if photo_id not in ids:
            ids.append(photo_id)
        self._set(slot.key, Answer(Status.ANSWERED, list(ids)))
        self.focus = slot.key if slot.field.multiple else None
        note = f"✓ Photo {len(ids)} saved."
        if not slot.field.multiple:
            return self._advance(Event.PHOTO_ADDED, notices=(note,))
        return self._ask(Event.PHOTO_ADDED, notices=(f"{note} Send another, or tap Done.",))

    def _revise(self, key: str, text: str) -> Reply:
        slot = find_slot(self.flow, self._view(), key)
        if slot is None or slot.field.kind is Kind.PHOTO or parse_command(text) is not None:
            return self._ask(Event.REVISE_REFUSED, error="That edit can't change an answer.")
        try:
            value = self._value(slot.field, text)
        except InvalidAnswer as exc:
            return self._ask(Event.REVISE_INVALID, error=f"Not changed. {exc.message}")
        self._set(slot.key, Answer(Status.ANSWERED, value))
        notice = f"✓ Changed: {slot.label}: {format_value(slot.field, value)}"
        return self._advance(Event.REVISED, notices=(notice,))

    # -- one message -------------------------------------------------------------------------
    def _take(self, text: str) -> Reply:
        command = parse_command(text)
        if self.pending == "cancel":
            return self._confirm_cancel(command, text)
        if (said := self._said_once(text, command)) is not None:
            return said
        offered = self._offer()
        # "keep", "change" and "done" are commands elsewhere; here they answer what is on file.
        if offered is not None and (
            keeps_all(text) is not None
            or command is None
            or command.name in ("skip", "unknown", "done")
        ):
            return self._decide(offered, text)
        if command is not None:
            return self._command(command)
        return self._answer(text)

    def _command(self, command: Command) -> Reply:
        name = command.name
        if name in ("skip", "unknown"):
            return self._settle_without_answer(Status.SKIPPED if name == "skip" else Status.UNKNOWN)
        if name == "back":
            return self._back()
        if name == "edit":
            return self._edit(command.argument)
        if name == "keep":
            return self._keep()
        if name == "done":
            if self.focus is not None and self._field(self.focus).kind is Kind.PHOTO:
                self.focus = None
                return self._advance(Event.PHOTOS_DONE, notices=("✓ Photos saved.",))
            return self._ask(Event.DONE_NOTHING, error="There is nothing to finish here.")
        if name in (View.REVIEW, View.POLICE, View.STATUS):
            return self._ask(Event(name), view=View(name))
        if name == "help":
            return self._ask(Event.HELP, notices=(COMMAND_HELP,))
        if name == "cancel":
            if self.state == State.SUBMITTED:
                return self._ask(
                    Event.CANCEL_REFUSED, error="A submitted report cannot be cancelled."
                )
            self.pending = "cancel"
            return Reply(self.state, Event.CANCEL_ASKED, prompt=CANCEL_PROMPT)
        if name == "submit":
            return self._submit()
        return self._ask(Event.UNKNOWN_COMMAND, error=f"I don't know that command.\n{COMMAND_HELP}")

    def _keep(self) -> Reply:
        slot = self._current()
        if self.focus is None and slot is not None and slot.key in self._unsettled_carried():
            self._set(slot.key, self.carried[slot.key], source="prefill")
            return self._advance(Event.KEPT, notices=(f"✓ Kept: {slot.label}.",))
        if self.focus is None:
            return self._ask(Event.KEEP_NOTHING, error="There is nothing to keep right now.")
        self.focus = None
        return self._advance(Event.KEPT, notices=("Kept as it was.",))

    def _confirm_cancel(self, command: Command | None, text: str) -> Reply:
        self.pending = None
        if command is None and text.strip().lower() in YES_WORDS:
            self._fire(Trigger.CANCEL)
            notice = "Report cancelled. Nothing was lost."
            return Reply(self.state, Event.CANCELLED, notices=(notice,))
        return self._ask(Event.CANCEL_DECLINED, notices=("Not cancelled.",))

    def _submit(self) -> Reply:
        if self.state == State.SUBMITTED:
            return self._ask(Event.SUBMIT_AGAIN, notices=("This report was already submitted.",))
        if self.state != State.REVIEW or not self.done():
            return self._ask(
                Event.SUBMIT_EARLY, error="There are still questions to answer before submitting."
            )
        self._fire(Trigger.SUBMIT)
        return self._ask(Event.SUBMITTED, view=View.REVIEW)

    def _back(self) -> Reply:
        view = self._view()
        target = self.focus or (slot.key if (slot := next_slot(self.flow, view)) else None)
        previous: Slot | None = None
        for slot in walk(self.flow, view):
            if slot.key == target:
                break
            if slot.key in self.answers:
                previous = slot
        if previous is None:
            return self._ask(Event.BACK_AT_START, error="This is the first question.")
        self.focus = previous.key
        return self._advance(Event.BACK)

    def _edit(self, target: str) -> Reply:
        slot = lookup(self.flow, self._view(), target)
        if slot is None:
            return self._ask(
                Event.EDIT_UNKNOWN,
                error="I can't find that question. Send 'review' to see the answers, then "
                "'edit' and the number or name shown there.",
            )
        self.focus = slot.key
        return self._advance(Event.EDIT)

    # -- answers -----------------------------------------------------------------------------
    def _answer(self, text: str) -> Reply:
        if self.state == State.REVIEW and self.focus is None:
            return self._ask(
                Event.REVIEW_TEXT, error="Send 'submit' to finish, or 'edit' and a question number."
            )
        slot = self._current()
        if slot is None:
            return self._ask(Event.NOTHING_ASKED, error=NOTHING_ASKED)
        if (note := not_yet_note(slot.field, text)) is not None:
            return self._settle_without_answer(Status.NOT_YET, note)
        try:
            value = self._value(slot.field, text)
        except InvalidAnswer as exc:
            self.failures += 1
            message = also_fine(slot.field, exc.message)
            if self.failures >= 2:
                message += (
                    "\nIf you don't know, tap Unknown (or send 'unknown'); "
                    "you can fill it in later."
                )
            return self._ask(Event.INVALID, error=message)
        self._set(slot.key, Answer(Status.ANSWERED, value))
        self.focus = None
        notice = f"✓ {slot.label}: {format_value(slot.field, value)}"
        return self._advance(Event.ANSWERED, notices=(notice,))

    def _value(self, field: Field, text: str) -> JsonValue:
        return answer_value(self.flow, self._view(), field, text)

    def _settle_without_answer(self, status: Status, note: str = "") -> Reply:
        slot = self._current()
        if slot is None:
            return self._ask(Event.NOTHING_ASKED, error=NOTHING_ASKED)
        existing = self.answers.get(slot.key)
        if slot.field.kind is Kind.PHOTO and existing and existing.value:
            # Photos already sent are kept: "skip" or "unknown" here just means "no more".
            self.focus = None
            return self._advance(Event.PHOTOS_DONE, notices=("✓ Photos saved.",))
        self._set(slot.key, Answer(status, note or None))
        self.focus = None
        notice = settled_notice(slot.label, status, note, required=slot.field.required)
        return self._advance(Event(status.value), notices=(notice,))

    def _decide(self, step: Step, text: str) -> Reply:
        command = parse_command(text)
        if command is not None and command.name in ("skip", "unknown"):
            # At the look, skip or unknown asks the usual questions; later, nothing else changed.
            text = "change" if step.key == LOOK else "none"
        today, months = self._clock().date(), self.refresh_months
        decision = decide(step, text, self.flow, self.carried, self.answers, today, months)
        if decision.error:
            return self._ask(Event.PREFILL_UNCLEAR, error=decision.error)
        for key, answer in decision.stored.items():
            self._set(key, answer)
        for name in decision.kept:
            self._set(name, self.carried[name], source="prefill")
        event = Event.PREFILL_KEPT if decision.kept else Event.PREFILL_CHANGE
        return self._advance(event, notices=(decision.notice,) if decision.notice else ())
