"""One look at what is on file: a known child's carried answers confirmed in one message.

The service hands the interview the answers it may carry from the child's last episode. Once the
episode's own facts are asked (the flow's ``episode_first``), one message lists every carried
answer by section with "All still true" and "Change…". "Change…" offers the sections, then each
ticked section's answers as a checklist; only the ticked answers are asked again (each with its
old answer and a Keep button). A photo or a measurement older than the refresh age is never kept
blindly: it is asked again. Each decision is stored like an answer (``_prefill.…``), so a
restart resumes at the same point.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flows.answers import format_value
from flows.conditions import JsonValue
from flows.prefill import pending
from flows.replies import Prompt
from flows.schema import Answer, Choice, Field, Flow, Kind, Section, Status
from flows.slots import Answers, Slot, walk
from flows.words import plural

LOOK = "_prefill._look"
PICK = "_prefill._pick"
TICK = "_prefill._tick."
# When the carried height and weight were measured (ISO date), carried beside them.
MEASURED = "_measured_on"
ALL_TRUE = Choice("keep_all", "All still true")
CHANGE = Choice("change_some", "Change…")
NOTHING = Choice("none", "Nothing else changed")
MEASURES = (Kind.HEIGHT, Kind.WEIGHT)
# The catalogue wants a photo under 180 days old for the 30-day NCIC update (A16).
REFRESH_MONTHS = 6
LONGEST = 45  # characters of an answer shown in the list; the report has it whole


@dataclass(frozen=True, slots=True)
class Step:
    """The confirmation being asked: the look, the sections, or one section's checklist."""

    key: str
    section: Section | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What a reply to a confirmation stores, and what to tell the worker."""

    stored: dict[str, Answer] = field(default_factory=dict)
    kept: tuple[str, ...] = ()  # carried answers kept as they were
    notice: str = ""
    error: str = ""


def groups(
    flow: Flow, carried: Mapping[str, Answer], answers: Mapping[str, Answer]
) -> list[tuple[Section, list[Field]]]:
    """Returns the sections with carried answers not yet settled, with those answers' fields."""
    found = [(s, pending(s, carried, answers)) for s in flow.sections]
    return [(section, fields) for section, fields in found if fields]


def due(flow: Flow, carried: Mapping[str, Answer], answers: Mapping[str, Answer]) -> Step | None:
    """Returns the confirmation to ask now, or None when there is none left."""
    waiting = groups(flow, carried, answers)
    if not waiting:
        return None
    if LOOK not in answers:
        return Step(LOOK)
    if answers[LOOK].value != CHANGE.value:
        return None
    if PICK not in answers:
        return Step(PICK)
    picked = answers[PICK].value
    for section, _ in waiting:
        if (
            isinstance(picked, list)
            and section.name in picked
            and TICK + section.name not in answers
        ):
            return Step(TICK + section.name, section)
    return None


def prompt(
    step: Step,
    flow: Flow,
    carried: Mapping[str, Answer],
    answers: Mapping[str, Answer],
    today: date,
    months: int,
) -> Prompt:
    """Returns the message for a confirmation, with its taps."""
    waiting = groups(flow, carried, answers)
    if step.key == LOOK:
        text = look_text(waiting, carried, today, months)
        return Prompt(LOOK, text, "", Kind.CHOICE, (ALL_TRUE, CHANGE), "On file")
    if step.section is None:
        choices = (*(Choice(s.name, s.title) for s, _ in waiting), NOTHING)
        text = "Which parts changed? Tick all, then Done."
        return Prompt(PICK, text, "", Kind.MULTI_CHOICE, choices, "On file")
    fields = next((f for s, f in waiting if s is step.section), [])
    choices = (*(Choice(f.name, f.title) for f in fields), NOTHING)
    text = f"{step.section.title}: which answers changed? Tick all, then Done."
    return Prompt(step.key, text, "", Kind.MULTI_CHOICE, choices, step.section.title)


def look_text(
    waiting: list[tuple[Section, list[Field]]],
    carried: Mapping[str, Answer],
    today: date,
    months: int,
) -> str:
    """Returns the one look: every carried answer by section, old photos and measures marked."""
    lines = ["On file from the last report:"]
    for section, fields in waiting:
        lines.append(f"\n{section.title}")
        for fld in fields:
            lines.append(
                f"• {fld.title}: {_shown(fld, carried)}{_age(fld, carried, today, months)}"
            )
    count = sum(len(fields) for _, fields in waiting)
    lines.append(f"\nAll still true? ({plural(count, 'answer')} on file)")
    return "\n".join(lines)


def decide(
    step: Step,
    text: str,
    flow: Flow,
    carried: Mapping[str, Answer],
    answers: Mapping[str, Answer],
    today: date,
    months: int,
) -> Decision:
    """Reads a reply to a confirmation: what it keeps, and what is asked again."""
    waiting = groups(flow, carried, answers)
    said = text.strip().lower()
    if step.key == LOOK:
        if said in ("keep_all", "yes", "y", "keep", "keep all", ALL_TRUE.label.lower()):
            return _keep(waiting, None, carried, today, months, LOOK, ALL_TRUE.value)
        if said in ("change_some", "change", "no", "n", "change some", CHANGE.label.lower()):
            return Decision({LOOK: Answer(Status.ANSWERED, CHANGE.value)})
        return Decision(error=f"Tap {ALL_TRUE.label} or {CHANGE.label}")
    options = [(s.name, s.title) for s, _ in waiting]
    if step.section is not None:
        options = [(f.name, f.title) for s, fs in waiting if s is step.section for f in fs]
    ticked = _ticked(said, options)
    if ticked is None:
        return Decision(error="Tick what changed, or tap Nothing else changed.")
    if step.section is None:
        kept = [(s, fs) for s, fs in waiting if s.name not in ticked]
        return _keep(kept, None, carried, today, months, PICK, [*ticked])
    kept_fields = [(step.section, [f for s, fs in waiting if s is step.section for f in fs])]
    return _keep(kept_fields, set(ticked), carried, today, months, step.key, [*ticked])


def stale(fld: Field, carried: Mapping[str, Answer], today: date, months: int) -> bool:
    """Tells whether a carried photo or measurement is older than the refresh age."""
    taken = _taken(fld, carried)
    return taken is not None and _months(taken, today) >= months


def _keep(
    waiting: list[tuple[Section, list[Field]]],
    changed: set[str] | None,
    carried: Mapping[str, Answer],
    today: date,
    months: int,
    key: str,
    value: JsonValue,
) -> Decision:
    stored = {key: Answer(Status.ANSWERED, value)}
    kept: list[str] = []
    again = 0
    # A new photo needs its own date: an old photo's date is asked with it.
    old = {f.dated_by for _, fs in waiting for f in fs if stale(f, carried, today, months)}
    for _, fields in waiting:
        for fld in fields:
            if changed is not None and fld.name in changed:
                continue
            if stale(fld, carried, today, months) or fld.name in old:
                again += 1
                continue
            kept.append(fld.name)
            if fld.kind in MEASURES and MEASURED in carried:
                stored[MEASURED] = carried[MEASURED]
    notice = f"✓ Kept {plural(len(kept), 'answer')}." if kept else ""
    if again:
        notice += f" {plural(again, 'old answer')} to give again (older than {months} months)."
    return Decision(stored, tuple(kept), notice.strip())


def _ticked(said: str, options: list[tuple[str, str]]) -> tuple[str, ...] | None:
    """Returns the option names a reply ticks (by name, label or number); None when unclear."""
    if said in (NOTHING.value, NOTHING.label.lower(), "nothing", "done"):
        return ()
    picked: list[str] = []
    for part in (p.strip() for p in said.split(",")):
        match = [
            name
            for number, (name, title) in enumerate(options, 1)
            if part in (name.lower(), title.lower(), str(number))
        ]
        if not match:
            return None
        picked += [m for m in match if m not in picked]
    return tuple(picked)


def _shown(fld: Field, carried: Mapping[str, Answer]) -> str:
    if fld.sensitive:
        return "on file"
    text = format_value(fld, carried[fld.name].value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def _age(fld: Field, carried: Mapping[str, Answer], today: date, months: int) -> str:
    taken = _taken(fld, carried)
    if taken is None:
        return ""
    what = "photo from" if fld.kind is Kind.PHOTO else "measured"
    age = _months(taken, today)
    shown = f"{taken:%b} {taken.day}, {taken:%Y}"
    if age >= months:
        return f" ({what} {shown}, {plural(age, 'month')} ago — I'll ask again)"
    return f" ({what} {shown})"


def _taken(fld: Field, carried: Mapping[str, Answer]) -> date | None:
    """Returns when a carried photo was taken or a carried measurement made, if known."""
    source = fld.dated_by if fld.kind is Kind.PHOTO else MEASURED if fld.kind in MEASURES else ""
    answer = carried.get(source) if source else None
    if answer is None or answer.status is not Status.ANSWERED or not isinstance(answer.value, str):
        return None
    return date.fromisoformat(answer.value[:10])


def _months(taken: date, today: date) -> int:
    return (today.year - taken.year) * 12 + today.month - taken.month - (today.day < taken.day)


def first_slot(flow: Flow, view: Answers) -> Slot | None:
    """Returns the first unsettled question of the flow's ``episode_first``, in that order."""
    if not flow.episode_first:
        return None
    waiting = {
        s.field.name: s for s in walk(flow, view) if s.repeat is None and s.key not in view.stored
    }
    return next((waiting[n] for n in flow.episode_first if n in waiting), None)
