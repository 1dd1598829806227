"""Say it once: a message or a face sheet that answers several questions, confirmed with one tap.

What was understood is not written at once: it waits, stored like an answer under
``_understood`` (so a restart shows it again), as a queue of groups: one for a message, one per
section for a face sheet. "Yes, all correct" stores the first group; "Change" drops it, so its
questions are asked as usual; any other message drops the whole queue and is taken as itself.
An answer to a question that does not apply yet is stored, and reads as absent until it does.
"""

from __future__ import annotations

import re
from datetime import datetime

from flows.commands import Command
from flows.conditions import JsonValue
from flows.extract.facesheet import NotAFaceSheet, read_face_sheet
from flows.extract.message import read_message
from flows.extract.proposal import Conflict, Proposal, Understanding, settle, understood
from flows.interview_core import InterviewCore
from flows.kept_notes import NOTES_KEY
from flows.lifecycle import LIVE_STATES, OPEN_STATES, State, Trigger
from flows.replies import CANCEL_PROMPT, CLOSED, Event, Prompt, Reply
from flows.schema import Answer, Choice, Kind, Status
from flows.slots import Slot

UNDERSTOOD = "understood"  # the interview's ``pending`` while a group awaits its tap
QUEUE_KEY = "_understood"
ALL_CORRECT = Choice("yes", "Yes, all correct")
CHANGE = Choice("change", "Change")
CONFIRM_WORDS = frozenset({"yes", "y", "1", "yes, all correct", "all correct", "correct"})
CHANGE_WORDS = frozenset({"change", "2", "no", "n"})
# A pasted text is a face sheet when this many of its lines start with a label the flow knows.
PASTED_LABELS = 3
FACE_SHEET_HEADING = "{section} — from face sheet — confirm:"
MESSAGE_HEADING = "I understood:"


class SayOnce(InterviewCore):
    """The interview's steps for messages that say more than the question asked."""

    def face_sheet(self, text: str, *, now: datetime) -> Reply:
        """Reads a face sheet sent at any question; a text that is none changes nothing."""
        self._begin_step(now)
        if self.state not in (*OPEN_STATES, State.SUBMITTED):
            return Reply(self.state, Event.CLOSED, error=CLOSED)
        return self._finish(self._read_sheet(text))

    def _read_sheet(self, text: str) -> Reply:
        now = self._clock()
        try:
            sheet = read_face_sheet(self.flow, self.flow.extract_hints, text, now=now)
        except NotAFaceSheet as exc:
            return self._ask(Event.FACE_SHEET_REFUSED, error=exc.message)
        groups: list[dict[str, JsonValue]] = []
        for part in sheet.sections:
            found = settle(part.proposals, asked=None, stored=self.answers)
            if found.keys():
                heading = FACE_SHEET_HEADING.format(section=part.section.title)
                groups.append(_group(heading, "facesheet", found))
        if sheet.notes:
            old = self.answers.get(NOTES_KEY)
            kept = list(old.value) if old and isinstance(old.value, list) else []
            kept += [n for n in sheet.notes if n not in kept]
            self._set(NOTES_KEY, Answer(Status.ANSWERED, list(kept)), source="facesheet")
        notes = (f"{len(sheet.notes)} other face-sheet lines kept in the report.",)
        if not groups:
            return self._ask(Event.FACE_SHEET, notices=("Nothing new on that face sheet.", *notes))
        return self._queue(groups, notices=notes)

    def _pending_prompt(self) -> Prompt:
        """Returns the confirmation a restart shows again."""
        if self.pending == UNDERSTOOD and (group := self._first()) is not None:
            return _prompt(self, group)
        return CANCEL_PROMPT

    def _said_once(self, text: str, command: Command | None) -> Reply | None:
        """Takes the tap on what was understood, or a pasted face sheet; None: not one of these."""
        if self.pending == UNDERSTOOD:
            said = text.strip().lower()
            if command is None and said in CONFIRM_WORDS:
                return self._confirm()
            if said in CHANGE_WORDS:
                return self._drop_first()
            self._drop_all()  # anything else is a new message, taken as itself
        if command is not None:
            return None
        if _labelled_lines(self, text) >= PASTED_LABELS:
            return self._read_sheet(text)
        answering = self._offer() is None and not (self.state == State.REVIEW and not self.focus)
        slot = self._current() if answering else None
        return self._understand(slot, text) if slot is not None else None

    def _understand(self, slot: Slot, text: str) -> Reply | None:
        """Offers what a message says beyond the question, or None when it is a plain answer."""
        if not self.flow.has_field(slot.field.name) or slot.field.kind is Kind.PHOTO:
            return None  # "add another?" is the engine's own question
        hints = self.flow.extract_hints
        found = read_message(
            self.flow, hints, slot.key, text, now=self._clock(), stored=self.answers
        )
        if found is None:
            return None
        return self._queue([_group(MESSAGE_HEADING, "message", found)])

    # -- the queue ---------------------------------------------------------------------------
    def _queue(self, groups: list[dict[str, JsonValue]], *, notices: tuple[str, ...] = ()) -> Reply:
        self._set(QUEUE_KEY, Answer(Status.ANSWERED, list[JsonValue](groups)))
        self.pending = UNDERSTOOD
        return Reply(
            self.state, Event.UNDERSTOOD_ASKED, prompt=_prompt(self, groups[0]), notices=notices
        )

    def _first(self) -> dict[str, JsonValue] | None:
        stored = self.answers.get(QUEUE_KEY)
        groups = stored.value if stored is not None else None
        if isinstance(groups, list) and groups and isinstance(groups[0], dict):
            return groups[0]
        return None

    def _rest(self) -> Reply | None:
        stored = self.answers.get(QUEUE_KEY)
        groups = list(stored.value[1:]) if stored and isinstance(stored.value, list) else []
        self._set(QUEUE_KEY, Answer(Status.ANSWERED, groups))
        if groups and isinstance(groups[0], dict):
            return Reply(self.state, Event.UNDERSTOOD_ASKED, prompt=_prompt(self, groups[0]))
        self.pending = None
        return None

    def _confirm(self) -> Reply:
        group = self._first()
        found = _understanding(group) if group is not None else Understanding()
        source = str(group.get("source", "message")) if group is not None else "message"
        for p in (*found.taken, *(c.proposal for c in found.conflicts)):
            self._set(p.key, Answer(Status.ANSWERED, p.value), source=source)
        self.focus = None
        notice = f"✓ Saved {len(found.keys())} answers."
        follow = self._rest()
        if follow is not None:
            return _with_notice(follow, notice)
        return self._advance(Event.UNDERSTOOD_TAKEN, notices=(notice,))

    def _drop_first(self) -> Reply:
        follow = self._rest()
        notice = "Not saved. Those questions will be asked one at a time."
        if follow is not None:
            return _with_notice(follow, notice)
        return self._ask(Event.UNDERSTOOD_CHANGE, notices=(notice,))

    def _drop_all(self) -> None:
        self._set(QUEUE_KEY, Answer(Status.ANSWERED, []))
        self.pending = None

    # -- what the service asks about the interview --------------------------------------------
    def recover(self, *, now: datetime) -> bool:
        """Closes the episode as recovered; False when the report is not open or submitted."""
        self._now = now
        if self.state not in LIVE_STATES:
            return False
        self._fire(Trigger.RECOVER)
        return True

    def current_key(self, *, now: datetime) -> str | None:
        """Returns the storage key of the question being asked, if any."""
        self._now = now
        slot = self._current()
        return slot.key if slot else None

    def expects_photo(self, *, now: datetime) -> bool:
        """Tells whether the question being asked takes photos."""
        self._now = now
        slot = self._current()
        return slot is not None and slot.field.kind is Kind.PHOTO


def _group(heading: str, source: str, found: Understanding) -> dict[str, JsonValue]:
    """Returns one confirmation as stored: JSON, so it survives a restart."""
    return {
        "heading": heading,
        "source": source,
        "taken": [[p.key, p.value] for p in found.taken],
        "conflicts": [[c.proposal.key, c.proposal.value, c.was] for c in found.conflicts],
    }


def _understanding(group: dict[str, JsonValue]) -> Understanding:
    taken, conflicts = group.get("taken"), group.get("conflicts")
    return Understanding(
        tuple(
            Proposal(str(item[0]), item[1], (0, 0))
            for item in (taken if isinstance(taken, list) else [])
            if isinstance(item, list)
        ),
        tuple(
            Conflict(Proposal(str(item[0]), item[1], (0, 0)), item[2])
            for item in (conflicts if isinstance(conflicts, list) else [])
            if isinstance(item, list)
        ),
    )


def _prompt(interview: InterviewCore, group: dict[str, JsonValue]) -> Prompt:
    heading = str(group.get("heading", MESSAGE_HEADING))
    text = understood(interview.flow, _understanding(group), heading=heading)
    hint = "Tap Yes if it is all right; Change to answer these one at a time."
    # One key per group, so each confirmation is its own question to an adapter.
    key = f"{QUEUE_KEY}.{heading}"
    return Prompt(key, text, hint, Kind.CHOICE, (ALL_CORRECT, CHANGE), "")


def _with_notice(reply: Reply, notice: str) -> Reply:
    return Reply(reply.state, reply.event, prompt=reply.prompt, notices=(notice, *reply.notices))


def _labelled_lines(interview: InterviewCore, text: str) -> int:
    """Counts the lines of a text that start with a face-sheet label (a paste, not an answer)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < PASTED_LABELS:
        return 0
    labels = {s.lower() for rule in interview.flow.extract_hints.face_sheet for s in rule.labels}
    return sum(
        1
        for line in lines
        if (m := re.match(r"\s*([^:]{1,40}):", line)) and " ".join(m[1].lower().split()) in labels
    )
