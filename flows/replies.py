"""What one step of an interview returns: the event, the question to show, and the changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from flows.conditions import JsonValue
from flows.lifecycle import State
from flows.report_values import Report
from flows.schema import Answer, Choice, Kind


class Event(StrEnum):
    """What a step did; adapters choose their wording and keyboards by it."""

    # Beginning and resuming.
    STARTED = "started"
    RESUMED = "resumed"
    CLOSED = "closed"
    # Answers.
    ANSWERED = "answered"
    UNKNOWN = "unknown"
    SKIPPED = "skipped"
    NOT_YET = "not_yet"
    INVALID = "invalid"
    NOTHING_ASKED = "nothing_asked"
    REVIEW_TEXT = "review_text"
    REVISED = "revised"
    REVISE_REFUSED = "revise_refused"
    REVISE_INVALID = "revise_invalid"
    # Photos.
    PHOTO_ADDED = "photo_added"
    PHOTO_UNEXPECTED = "photo_unexpected"
    PHOTOS_DONE = "photos_done"
    DONE_NOTHING = "done_nothing"
    # Moving about.
    BACK = "back"
    BACK_AT_START = "back_at_start"
    EDIT = "edit"
    EDIT_UNKNOWN = "edit_unknown"
    KEPT = "kept"
    KEEP_NOTHING = "keep_nothing"
    # Carried answers.
    PREFILL_KEPT = "prefill_kept"
    PREFILL_CHANGE = "prefill_change"
    PREFILL_UNCLEAR = "prefill_unclear"
    # Several facts in one message, or a face sheet: understood, then confirmed with one tap.
    UNDERSTOOD_ASKED = "understood_asked"
    UNDERSTOOD_TAKEN = "understood_taken"
    UNDERSTOOD_CHANGE = "understood_change"
    FACE_SHEET = "face_sheet"
    FACE_SHEET_REFUSED = "face_sheet_refused"
    # Views and help.
    REVIEW = "review"
    POLICE = "police"
    STATUS = "status"
    HELP = "help"
    UNKNOWN_COMMAND = "unknown_command"
    # Cancelling and submitting.
    CANCEL_ASKED = "cancel_asked"
    CANCEL_DECLINED = "cancel_declined"
    CANCEL_REFUSED = "cancel_refused"
    CANCELLED = "cancelled"
    SUBMITTED = "submitted"
    SUBMIT_AGAIN = "submit_again"
    SUBMIT_EARLY = "submit_early"
    # Set by the service, before or instead of an engine step.
    EXPIRED = "expired"
    EDIT_UNLINKED = "edit_unlinked"
    NO_REPORT = "no_report"
    NOT_OPEN = "not_open"
    DUPLICATE = "duplicate"


# Events that settle the question being asked with a typed or tapped answer.
CLOSED = "This report is closed."
NOTHING_ASKED = "There is no question open right now."
YES_WORDS = ("yes", "y", "1", "yes, cancel")  # a cancel confirmed

ANSWER_EVENTS = frozenset({Event.ANSWERED, Event.UNKNOWN, Event.SKIPPED, Event.NOT_YET})


class View(StrEnum):
    """Which rendering of the report a step asks the adapter to show."""

    NONE = ""
    REVIEW = "review"
    POLICE = "police"
    STATUS = "status"


class Sentinel(StrEnum):
    """Prompt keys that are not questions of the flow: the engine's own confirmations."""

    CANCEL = "_cancel"
    SUBMIT = "_submit"


# Keys that name no field of the flow (sentinels, "add another?", carried-answer decisions).
SENTINEL_PREFIX = "_"


def is_sentinel(key: str) -> bool:
    """Tells whether an answer or prompt key is the engine's own, not a question of the flow."""
    return key.startswith(SENTINEL_PREFIX)


UNKNOWN_CHOICE = Choice("unknown", "Unknown")
SKIP_CHOICE = Choice("skip", "Skip")
NOT_YET_CHOICE = Choice("not_yet", "Not yet")
DONE_CHOICE = Choice("done", "Done")
SUBMIT_CHOICE = Choice("submit", "Submit report")


@dataclass(frozen=True, slots=True)
class Prompt:
    """The question to show: text, expected format, taps, and the answer it already has."""

    key: str
    text: str
    hint: str
    kind: Kind
    choices: tuple[Choice, ...]
    section: str
    current: str = ""

    @property
    def is_sentinel(self) -> bool:
        """Tells whether this prompt is the engine's own (a confirmation), not a flow question."""
        return is_sentinel(self.key)

    @property
    def is_submit(self) -> bool:
        """Tells whether this prompt asks to submit the finished report."""
        return self.key == Sentinel.SUBMIT


CANCEL_PROMPT = Prompt(
    Sentinel.CANCEL,
    "Cancel this report? Everything stays in the record, but it will not be submitted.",
    "",
    Kind.YES_NO,
    (Choice("yes", "Yes, cancel"), Choice("no", "No, go on")),
    "",
)
SUBMIT_PROMPT = Prompt(
    Sentinel.SUBMIT,
    "That's every question. Check the report, then submit it.",
    "Send 'submit', or 'edit' and a question number to change an answer.",
    Kind.CHOICE,
    (SUBMIT_CHOICE,),
    "Review",
)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the worker is: the section (``number`` of ``sections``) and what is left to ask.

    ``remaining`` counts required answers still to give; ``left`` every question still to ask
    (the estimate shown); ``opened`` the follow-ups the step just opened, the only way ``left``
    may grow.
    """

    section: str
    remaining: int
    settled: int
    left: int = 0
    opened: int = 0
    number: int = 0
    sections: int = 0


@dataclass(frozen=True, slots=True)
class Change:
    """One answer written by a step, with what it replaced (for the history)."""

    key: str
    old: Answer | None
    new: Answer
    source: str = ""


@dataclass(frozen=True, slots=True)
class Context:
    """What the service learnt from a step, handed back to the engine as data (None: unchanged).

    ``carried`` are a known child's answers from the last episode, offered section by section;
    ``facts`` the values the flow's ``Fact`` conditions read; ``stored`` the answers the service
    stores differently from how the step wrote them (kept photos become the report's own copies).
    ``notices`` are the service's own lines, shown after the step's.
    """

    carried: Mapping[str, Answer] | None = None
    facts: Mapping[str, JsonValue] | None = None
    stored: Mapping[str, Answer] = field(default_factory=dict)
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything an adapter renders after one step; it never carries an exception.

    ``changes`` are the answers the step wrote, which the service commits before anything is
    shown; ``report`` is the report as it stands when the step built one (at most once a step).
    """

    state: State | str
    event: Event | str
    prompt: Prompt | None = None
    notices: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()
    error: str | None = None
    progress: Progress | None = None
    report: Report | None = None
    view: View | str = View.NONE
    changes: tuple[Change, ...] = ()
