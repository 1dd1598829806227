"""The interview: one report's conversation as a pure step function.

Theory of operation: the stored report (lifecycle state, answers, focus, pending confirmation,
failure count) is restored into an ``Interview``; the adapter feeds it one input with ``now``;
the interview returns a ``Reply`` value and exposes the changed answers, which the service
commits before anything is shown. The next question is never cached: it is the first applicable,
unsettled question of the flow (``slots.next_slot``), unless the worker moved the focus back to
an earlier one with ``back`` or ``edit``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

from transitions import Machine

from flows.answers import InvalidAnswer, example, format_value, parse_answer
from flows.commands import COMMAND_HELP, Command, parse_command
from flows.conditions import JsonValue
from flows.deadline_profiles import FEDERAL, DeadlineProfile
from flows.prefill import CHANGE_SOME, KEEP_ALL, KEEP_ONE, decision_key, keeps_all, pending, summary
from flows.report import Report, build_report
from flows.schema import Answer, Choice, Field, Flow, Kind, Section, Status
from flows.slots import MORE, Answers, Slot, find_slot, next_slot, settled_slots, walk

TRIAGE = "triage"
UNKNOWN_CHOICE = Choice("unknown", "Unknown")
SKIP_CHOICE = Choice("skip", "Skip")
DONE_CHOICE = Choice("done", "Done")
SUBMIT_CHOICE = Choice("submit", "Submit report")

# The lifecycle, as a table. Which question comes next is not a state: it is computed.
STATES = ["new", "triage", "intake", "review", "submitted", "recovered", "cancelled"]
TRANSITIONS: list[dict[str, str | list[str] | None]] = [
    {"trigger": "begin", "source": "new", "dest": "triage"},
    {"trigger": "advance", "source": ["triage", "intake"], "dest": "review", "conditions": "done"},
    {"trigger": "advance", "source": "triage", "dest": "intake", "unless": "in_triage"},
    {"trigger": "advance", "source": "review", "dest": "intake", "unless": "done"},
    {"trigger": "advance", "source": ["triage", "intake", "review", "submitted"], "dest": None},
    {"trigger": "submit", "source": "review", "dest": "submitted", "conditions": "done"},
    {"trigger": "cancel", "source": ["new", "triage", "intake", "review"], "dest": "cancelled"},
    {
        "trigger": "recover",
        "source": ["triage", "intake", "review", "submitted"],
        "dest": "recovered",
    },
]
CHOICE_KINDS = (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.YES_NO)
# "The child has no phone" is an answer, not an open item.
NONE_WORDS = frozenset({"none", "no", "nothing", "has none", "no phone", "no photo"})
LIST_KINDS = (Kind.PHONE, Kind.PHOTO)
OPEN_STATES = frozenset({"new", "triage", "intake", "review"})


@cache
def lifecycle() -> Machine:
    """Returns the one lifecycle machine, built once and shared by every interview."""
    # model=None: no Machine per conversation (it costs ~2 ms and ~90 KiB each); events are
    # fired with machine.events[name].trigger(interview) on a plain object instead.
    return Machine(
        model=None,
        states=STATES,
        transitions=TRANSITIONS,
        initial="new",
        auto_transitions=False,
    )


def lifecycle_diagram() -> str:
    """Returns the lifecycle as a Mermaid state diagram (the README shows it)."""
    from transitions.extensions import GraphMachine

    class _Model:
        pass

    model = _Model()
    GraphMachine(
        model=model,
        states=STATES,
        transitions=TRANSITIONS,
        initial="new",
        auto_transitions=False,
        graph_engine="mermaid",
        show_conditions=True,
    )
    text: str = model.get_graph().draw(None)  # type: ignore[attr-defined]
    # Drop the title and the styling, which would highlight "new" as the current state.
    lines = [
        line.rstrip()
        for line in text.split("stateDiagram-v2", 1)[1].splitlines()
        if line.strip() and not line.strip().startswith(("classDef", "Class "))
    ]
    return "\n".join(["stateDiagram-v2", *lines]) + "\n"


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


CANCEL_PROMPT = Prompt(
    "_cancel",
    "Cancel this report? Everything stays in the record, but it will not be submitted.",
    "",
    Kind.YES_NO,
    (Choice("yes", "Yes, cancel"), Choice("no", "No, go on")),
    "",
)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the worker is: the section, and how many required answers are still to give."""

    section: str
    remaining: int
    settled: int


@dataclass(frozen=True, slots=True)
class Change:
    """One answer written by a step, with what it replaced (for the history)."""

    key: str
    old: Answer | None
    new: Answer
    source: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything an adapter renders after one step; it never carries an exception."""

    state: str
    event: str
    prompt: Prompt | None = None
    notices: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()
    error: str | None = None
    progress: Progress | None = None
    report: Report | None = None
    view: str = ""


class Interview:
    """One report's conversation, restored from stored values and stepped one input at a time."""

    def __init__(
        self,
        flow: Flow,
        *,
        state: str = "new",
        answers: Mapping[str, Answer] | None = None,
        focus: str | None = None,
        pending: str | None = None,
        failures: int = 0,
        report_id: int | None = None,
        profile: DeadlineProfile = FEDERAL,
        carried: Mapping[str, Answer] | None = None,
        facts: Mapping[str, JsonValue] | None = None,
    ) -> None:
        self.flow = flow
        self.profile = profile
        self.state = state
        self.answers: dict[str, Answer] = dict(answers or {})
        self.focus = focus
        self.pending = pending
        self.failures = failures
        self.report_id = report_id
        # A known child's answers from the last episode, offered section by section.
        self.carried: Mapping[str, Answer] = carried or {}
        self.facts: Mapping[str, JsonValue] = facts or {}
        self.changes: list[Change] = []
        self._now: datetime | None = None
        self._revision = 0  # bumped on every change of ``answers``
        self._cached_view: tuple[int, datetime, Mapping[str, JsonValue], Answers] | None = None

    # -- conditions the lifecycle table names ------------------------------------------------
    def done(self) -> bool:
        """Tells whether every applicable question is settled and nothing is being revisited."""
        return self.focus is None and next_slot(self.flow, self._view()) is None

    def in_triage(self) -> bool:
        """Tells whether a triage question is still open."""
        slot = next_slot(self.flow, self._view())
        return slot is not None and slot.section.name == TRIAGE

    # -- public steps ------------------------------------------------------------------------
    def start(self, *, now: datetime) -> Reply:
        """Begins a new interview and asks the first question."""
        self._now = now
        if self.state == "new":
            self._fire("begin")
        return self._ask("started")

    def resume(self, *, now: datetime) -> Reply:
        """Asks the current question again, e.g. after a restart."""
        self._now = now
        if self.pending == "cancel":
            return Reply(self.state, "resumed", prompt=CANCEL_PROMPT)
        return self._ask("resumed")

    def handle(self, text: str, *, now: datetime) -> Reply:
        """Takes one message (an answer or a command) and returns what to show next."""
        self._now = now
        self.changes = []
        if self.state == "new":
            self._fire("begin")
        if self.state not in OPEN_STATES and self.state != "submitted":
            return Reply(self.state, "closed", error="This report is closed.")
        command = parse_command(text)
        if self.pending == "cancel":
            return self._confirm_cancel(command, text)
        offered = self._offer()
        # "keep" and "change some" are commands elsewhere; here they answer "still accurate?".
        if offered is not None and (
            keeps_all(text) is not None or command is None or command.name in ("skip", "unknown")
        ):
            return self._decide(offered, text)
        if command is not None:
            return self._command(command)
        return self._answer(text)

    def add_photo(self, photo_id: int, *, now: datetime) -> Reply:
        """Adds a stored photo to the photo question being asked."""
        self._now = now
        self.changes = []
        slot = self._current()
        if slot is None or slot.field.kind is not Kind.PHOTO:
            return self._ask("photo_unexpected", error="I'm not asking for a photo right now.")
        old = self.answers.get(slot.key)
        ids = list(old.value) if old and isinstance(old.value, list) else []
        if photo_id not in ids:
            ids.append(photo_id)
        self._set(slot.key, Answer(Status.ANSWERED, list(ids)))
        self.focus = slot.key if slot.field.multiple else None
        note = f"✓ Photo {len(ids)} saved."
        if slot.field.multiple:
            note += " Send another, or tap Done."
        return self._ask("photo_added", notices=(note,))

    def revise(self, key: str, text: str, *, now: datetime) -> Reply:
        """Changes one earlier answer in place and goes on with the question being asked."""
        self._now = now
        self.changes = []
        slot = find_slot(self.flow, self._view(), key)
        if self.state not in OPEN_STATES and self.state != "submitted":
            return Reply(self.state, "closed", error="This report is closed.")
        if slot is None or slot.field.kind is Kind.PHOTO or parse_command(text) is not None:
            return self._ask("revise_refused", error="That edit can't change an answer.")
        try:
            value = self._value(slot.field, text)
        except InvalidAnswer as exc:
            return self._ask("revise_invalid", error=f"Not changed. {exc.message}")
        self._set(slot.key, Answer(Status.ANSWERED, value))
        notice = f"✓ Changed: {slot.label}: {format_value(slot.field, value)}"
        return self._advance("revised", notices=(notice,))

    def recover(self, *, now: datetime) -> bool:
        """Closes the episode as recovered; False when the report is not open or submitted."""
        self._now = now
        if self.state not in ("triage", "intake", "review", "submitted"):
            return False
        self._fire("recover")
        return True

    def offer_carried(self, reply: Reply, carried: Mapping[str, Answer], *, now: datetime) -> Reply:
        """Takes a known child's carried answers mid-step and re-asks with them on offer."""
        self._now = now
        self.carried = carried
        again = self._ask(reply.event)
        return replace(reply, prompt=again.prompt, progress=again.progress)

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

    def report(self, *, now: datetime) -> Report:
        """Builds the report as it stands."""
        return build_report(
            self.flow,
            self.answers,
            now=now,
            state=self.state,
            report_id=self.report_id,
            profile=self.profile,
            facts=self.facts,
        )

    # -- commands ----------------------------------------------------------------------------
    def _command(self, command: Command) -> Reply:
        name = command.name
        if name in ("skip", "unknown"):
            return self._settle_without_answer(Status.SKIPPED if name == "skip" else Status.UNKNOWN)
        if name == "back":
            return self._back()
        if name == "edit":
            return self._edit(command.argument)
        if name == "keep":
            slot = self._current()
            if self.focus is None and slot is not None and slot.key in self._unsettled_carried():
                self._set(slot.key, self.carried[slot.key], source="prefill")
                return self._advance("kept", notices=(f"✓ Kept: {slot.label}.",))
            if self.focus is None:
                return self._ask("keep_nothing", error="There is nothing to keep right now.")
            self.focus = None
            return self._advance("kept", notices=("Kept as it was.",))
        if name == "done":
            if self.focus is not None and self._field(self.focus).kind is Kind.PHOTO:
                self.focus = None
                return self._advance("photos_done", notices=("✓ Photos saved.",))
            return self._ask("done_nothing", error="There is nothing to finish here.")
        if name in ("review", "police"):
            return self._ask(name, report=True, view=name)
        if name == "status":
            return self._ask("status", report=True, view="status")
        if name == "help":
            return self._ask("help", notices=(COMMAND_HELP,))
        if name == "cancel":
            if self.state == "submitted":
                return self._ask("cancel_refused", error="A submitted report cannot be cancelled.")
            self.pending = "cancel"
            return Reply(self.state, "cancel_asked", prompt=CANCEL_PROMPT)
        if name == "submit":
            return self._submit()
        return self._ask("unknown_command", error=f"I don't know that command.\n{COMMAND_HELP}")

    def _confirm_cancel(self, command: Command | None, text: str) -> Reply:
        self.pending = None
        if command is None and text.strip().lower() in ("yes", "y", "1", "yes, cancel"):
            self._fire("cancel")
            return Reply(self.state, "cancelled", notices=("Report cancelled. Nothing was lost.",))
        return self._ask("cancel_declined", notices=("Not cancelled.",))

    def _submit(self) -> Reply:
        if self.state == "submitted":
            return self._ask("submit_again", notices=("This report was already submitted.",))
        if self.state != "review" or not self.done():
            return self._ask(
                "submit_early", error="There are still questions to answer before submitting."
            )
        self._fire("submit")
        return self._ask("submitted", report=True, view="review")

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
            return self._ask("back_at_start", error="This is the first question.")
        self.focus = previous.key
        return self._advance("back")

    def _edit(self, target: str) -> Reply:
        slot = self._lookup(target)
        if slot is None:
            return self._ask(
                "edit_unknown",
                error="I can't find that question. Send 'review' to see the answers, then "
                "'edit' and the number or name shown there.",
            )
        self.focus = slot.key
        return self._advance("edit")

    def _lookup(self, target: str) -> Slot | None:
        """Finds an applicable question by review number, storage key or label."""
        view = self._view()
        slots = settled_slots(self.flow, view)
        wanted = target.strip().lower()
        if wanted.isdigit() and 1 <= int(wanted) <= len(slots):
            return slots[int(wanted) - 1]
        normalised = re.sub(r"[\s-]+", "_", wanted)
        # By name, a question not yet settled can be reached too (an open item added later,
        # such as the long-term checklist of a submitted report).
        unsettled = [
            s for s in walk(self.flow, view) if s.key not in view.stored and s.field.name != MORE
        ]
        for candidates in (slots, unsettled):
            found = self._match(candidates, wanted, normalised)
            if found is not None:
                return found
        return None

    @staticmethod
    def _match(slots: list[Slot], wanted: str, normalised: str) -> Slot | None:
        for matches in (
            lambda s: s.key == normalised,
            lambda s: s.field.name == normalised,
            lambda s: s.label.lower() == wanted,
            lambda s: s.label.lower().startswith(wanted),
            lambda s: wanted in s.label.lower(),
        ):
            found = [s for s in slots if matches(s)]
            if len(found) == 1 or (found and normalised == found[0].field.name):
                return found[0]
        return None

    # -- answers -----------------------------------------------------------------------------
    def _answer(self, text: str) -> Reply:
        if self.state == "review" and self.focus is None:
            return self._ask(
                "review_text", error="Send 'submit' to finish, or 'edit' and a question number."
            )
        slot = self._current()
        if slot is None:
            return self._ask("nothing_asked", error="There is no question open right now.")
        try:
            value = self._value(slot.field, text)
        except InvalidAnswer as exc:
            self.failures += 1
            message = exc.message
            if self.failures >= 2:
                message += (
                    "\nIf you don't know, tap Unknown (or send 'unknown'); "
                    "you can fill it in later."
                )
            return self._ask("invalid", error=message)
        self._set(slot.key, Answer(Status.ANSWERED, value))
        self.focus = None
        notice = f"✓ {slot.label}: {format_value(slot.field, value)}"
        return self._advance("answered", notices=(notice,))

    def _value(self, field: Field, text: str) -> JsonValue:
        if field.kind in LIST_KINDS and text.strip().lower() in NONE_WORDS:
            return []
        value = parse_answer(field, text, now=self._clock())
        self._check(field, value)
        return value

    def _settle_without_answer(self, status: Status) -> Reply:
        slot = self._current()
        if slot is None:
            return self._ask("nothing_asked", error="There is no question open right now.")
        existing = self.answers.get(slot.key)
        if slot.field.kind is Kind.PHOTO and existing and existing.value:
            # Photos already sent are kept: "skip" or "unknown" here just means "no more".
            self.focus = None
            return self._advance("photos_done", notices=("✓ Photos saved.",))
        self._set(slot.key, Answer(status))
        self.focus = None
        word = "unknown" if status is Status.UNKNOWN else "skipped"
        open_item = " It is listed as an open item." if slot.field.required else ""
        return self._advance(word, notices=(f"✓ {slot.label}: {word}.{open_item}",))

    def _check(self, field: Field, value: JsonValue) -> None:
        """Applies the checks that need the flow: the pattern and the order of times."""
        if field.pattern and isinstance(value, str) and not re.fullmatch(field.pattern, value):
            raise InvalidAnswer(field.pattern_message or f"That doesn't look right. {field.hint}")
        if field.not_before and isinstance(value, str):
            earlier = self._view().value(field.not_before)
            if isinstance(earlier, str) and datetime.fromisoformat(value) < datetime.fromisoformat(
                earlier
            ):
                other = self.flow.field(field.not_before)
                raise InvalidAnswer(
                    f"{field.title} can't be before {other.title.lower()} "
                    f"({format_value(other, earlier)}). Example: {example(field)}"
                )

    # -- carried answers ---------------------------------------------------------------------
    def _offer(self) -> Section | None:
        """Returns the section whose carried answers await "still accurate?", if one does."""
        if not self.carried or self.focus is not None or self.state not in OPEN_STATES:
            return None
        slot = next_slot(self.flow, self._view())
        if slot is None or decision_key(slot.section) in self.answers:
            return None
        return slot.section if pending(slot.section, self.carried, self.answers) else None

    def _decide(self, section: Section, text: str) -> Reply:
        keep = keeps_all(text)
        if keep is None and parse_command(text) is not None:
            keep = False  # skip or unknown: ask the usual questions
        if keep is None:
            return self._ask(
                "prefill_unclear", error=f"Tap {KEEP_ALL.label} or {CHANGE_SOME.label}."
            )
        fields = pending(section, self.carried, self.answers)
        self._set(decision_key(section), Answer(Status.ANSWERED, "keep" if keep else "change"))
        if not keep:
            return self._advance(
                "prefill_change", notices=("Tap Keep on any answer that is still right.",)
            )
        for fld in fields:
            self._set(fld.name, self.carried[fld.name], source="prefill")
        return self._advance("prefill_kept", notices=(f"✓ Kept {len(fields)} answers.",))

    def _unsettled_carried(self) -> set[str]:
        return {key for key in self.carried if key not in self.answers}

    def _set(self, key: str, answer: Answer, *, source: str = "") -> None:
        old = self.answers.get(key)
        if old != answer:
            self.changes.append(Change(key, old, answer, source))
            self.answers[key] = answer
            self._revision += 1
        self.failures = 0

    # -- asking ------------------------------------------------------------------------------
    def _advance(self, event: str, *, notices: tuple[str, ...] = ()) -> Reply:
        before = self._alerts_and_milestones(exclude_new=True)
        self._fire("advance")
        after = self._alerts_and_milestones(exclude_new=False)
        fresh = tuple(a for a in after if a not in before)
        if self.state == "review" and self.focus is None:
            return self._ask(event, notices=notices, alerts=fresh, report=True, view="review")
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
        event: str,
        *,
        notices: tuple[str, ...] = (),
        alerts: tuple[str, ...] = (),
        error: str | None = None,
        report: bool = False,
        view: str = "",
    ) -> Reply:
        answers = self._view()
        slot = self._current()
        prompt = self._prompt(slot, answers) if slot else None
        if (offered := self._offer()) is not None:
            prompt = Prompt(
                decision_key(offered),
                summary(
                    offered,
                    pending(offered, self.carried, self.answers),
                    self.carried,
                    self._clock().date(),
                ),
                "",
                Kind.CHOICE,
                (KEEP_ALL, CHANGE_SOME),
                offered.title,
            )
        if prompt is None and self.state == "review":
            prompt = Prompt(
                "_submit",
                "That's every question. Check the report, then submit it.",
                "Send 'submit', or 'edit' and a question number to change an answer.",
                Kind.CHOICE,
                (SUBMIT_CHOICE,),
                "Review",
            )
        remaining = sum(
            1 for s in walk(self.flow, answers) if s.field.required and s.key not in self.answers
        )
        settled = sum(1 for key in self.answers if not key.startswith("_"))
        progress = Progress(slot.section.title if slot else "Review", remaining, settled)
        return Reply(
            self.state,
            event,
            prompt=prompt,
            notices=notices,
            alerts=alerts,
            error=error,
            progress=progress,
            report=self.report(now=self._clock()) if report else None,
            view=view,
        )

    def _prompt(self, slot: Slot, answers: Answers) -> Prompt:
        field = slot.field
        text = field.prompt.replace("{child}", self._child_name(answers))
        choices: tuple[Choice, ...] = field.choices
        if field.kind is Kind.YES_NO and not choices:
            choices = (Choice("yes", "Yes"), Choice("no", "No"))
        if field.kind is Kind.PHOTO and field.multiple and slot.key in self.answers:
            choices = (DONE_CHOICE,)
        choices = (*choices, UNKNOWN_CHOICE, SKIP_CHOICE)
        carried = self.carried.get(slot.key) if slot.key not in self.answers else None
        if carried is not None:
            choices = (KEEP_ONE, *choices)
        if slot.repeat is not None and slot.index is not None:
            text = f"{slot.repeat.title} {slot.index + 1} — {text}"
        existing = self.answers.get(slot.key)
        current = format_value(field, carried.value) if carried is not None else ""
        if existing is not None:
            current = (
                format_value(field, existing.value)
                if existing.status is Status.ANSWERED
                else existing.status.value
            )
        hint = field.hint
        # Free text needs no example; structured answers (dates, phones, heights) do.
        if not hint and field.kind not in (*CHOICE_KINDS, Kind.TEXT) and example(field):
            hint = f"Example: {example(field)}"
        return Prompt(slot.key, text, hint, field.kind, choices, slot.section.title, current)

    def _child_name(self, answers: Answers) -> str:
        name = answers.value(self.flow.subject_field) if self.flow.subject_field else None
        if not isinstance(name, str) or not name.strip():
            return "the child"
        first = name.split(",", 1)[1] if "," in name else name
        return first.split()[0] if first.split() else name

    # -- helpers -----------------------------------------------------------------------------
    def _current(self) -> Slot | None:
        view = self._view()
        if self.focus is not None:
            slot = find_slot(self.flow, view, self.focus)
            if slot is not None:
                return slot
            self.focus = None  # the revisited question no longer applies
        if self.state == "submitted":
            return None
        return next_slot(self.flow, view)

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

    def _fire(self, trigger: str) -> None:
        lifecycle().events[trigger].trigger(self)
