"""The recovery flow (catalogue D1, D2): a second, short form run when a missing child is found.

It closes the episode. Its clock is the time the child was found; the debrief and the trafficking
screening are due within 24 hours of it and stay open items until their times are given.
``previous_episode`` turns a recovery record into the answers the next episode's "Earlier
episodes" section offers, so the worker confirms rather than retypes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flows.answers import format_value
from flows.conditions import Answered, JsonValue, When
from flows.missing_from_care import LOCATED_BY, SCREENING_RESULTS
from flows.recovery_loop import (
    INTERVIEWED_BY,
    LEAVING_REASONS,
    LOOP_DEADLINES,
    LOOP_STEPS,
    PLAN,
    RECOVERY_PHOTO,
    REPORTS,
    SCREENING_CONCERN,
    SCREENING_TOOL,
)
from flows.rules import ChecklistStep
from flows.schema import Answer, Choice, Deadline, Field, Flow, Kind, Section, Status
from flows.words import plural

TOLD = (
    Choice("law_enforcement", "Law enforcement (clear NCIC)"),
    Choice("ncmec", "NCMEC"),
    Choice("supervisor", "Supervisor"),
    Choice("parents", "Parents"),
    Choice("court", "Court / GAL / CASA"),
)
NOT_YET = "Not yet? Send skip: it stays an open item, due within 24 h"

FOUND = Section(
    "found",
    "Found",
    (
        Field(
            "found_at",
            Kind.DATETIME,
            "When was {child} found?",
            hint="e.g. today 9:30pm",
            label="Found at",
        ),
        Field(
            "found_where",
            Kind.TEXT,
            "Where was {child} found?",
            hint="Address, or: friend, partner, hotel, street, another city",
            label="Where found",
        ),
        Field(
            "found_by",
            Kind.CHOICE,
            "Who found {child}?",
            label="Located by",
            choices=LOCATED_BY,
        ),
        Field(
            "found_with",
            Kind.TEXT,
            "Who was {child} with? Names, ages, relationship.",
            hint="Or: alone",
            label="Found with",
        ),
        Field(
            "episode_experience",
            Kind.TEXT,
            "Where did {child} stay, and what happened to them while gone?",
            hint="Food, shelter, money, transport; any harm. Unknown until the debrief is fine.",
            label="What happened",
            sensitive=True,
        ),
        Field(
            "condition",
            Kind.TEXT,
            "How is {child} now? Any injuries?",
            label="Condition",
            sensitive=True,
        ),
        Field(
            "medical_needs",
            Kind.YES_NO,
            "Does {child} need medical care?",
            label="Medical needs",
        ),
        Field(
            "medical_details",
            Kind.TEXT,
            "What care, and is it arranged?",
            label="Medical care",
            relevant=When("medical_needs", "yes"),
            sensitive=True,
        ),
        RECOVERY_PHOTO,
    ),
)

TOLD_SECTION = Section(
    "told",
    "Who was told",
    (
        Field(
            "told",
            Kind.MULTI_CHOICE,
            "Who has been told {child} is found? Tap all that apply.",
            hint="Police must clear the NCIC entry; NCMEC closes its case",
            label="Told so far",
            choices=TOLD,
            required=False,
        ),
    ),
)

FOLLOW_UP = Section(
    "follow_up",
    "Follow-up within 24 h",
    (
        Field(
            "debrief_at",
            Kind.DATETIME,
            "When was the debrief (return interview) with {child}?",
            hint=NOT_YET,
            label="Debrief held",
            not_before="found_at",
        ),
        INTERVIEWED_BY,
        LEAVING_REASONS,
        Field(
            "screening_at",
            Kind.DATETIME,
            "When was {child} screened for trafficking?",
            hint=NOT_YET,
            label="Trafficking screening done",
            not_before="found_at",
        ),
        SCREENING_TOOL,
        Field(
            "screening_result",
            Kind.CHOICE,
            "What was the result of {child}'s trafficking screening?",
            label="Screening result",
            relevant=Answered("screening_at"),
            choices=SCREENING_RESULTS,
            sensitive=True,
        ),
        SCREENING_CONCERN,
    ),
)

RECOVERY = Flow(
    id="recovery",
    version="1",
    title="Child found",
    sections=(FOUND, TOLD_SECTION, FOLLOW_UP, REPORTS, PLAN),
    clock_field="found_at",
    # The service names the episode's child, so the title and the questions say who was found.
    subject_fact="child_name",
    facts=("child_name", "episode_report"),
    deadlines=(
        Deadline("debrief", "Debrief with the child", 24, done_field="debrief_at"),
        Deadline("screening", "Trafficking screening", 24, done_field="screening_at"),
        Deadline("ncic_clear", "Police clear the NCIC entry", 24),
        Deadline("ncmec_close", "NCMEC told, to close its case", 24),
        *LOOP_DEADLINES,
    ),
    # Police clear the NCIC entry and NCMEC closes its case only once told (D2 step 2).
    checklist=(
        ChecklistStep(
            "ncic_clear",
            "Tell police the child is found (they clear the NCIC entry)",
            done_when=When("told", "law_enforcement"),
            deadline="ncic_clear",
        ),
        ChecklistStep(
            "ncmec_close",
            "Tell NCMEC the child is found (it closes its case)",
            done_when=When("told", "ncmec"),
            deadline="ncmec_close",
        ),
        *LOOP_STEPS,
    ),
)

# The next episode's "Earlier episodes" answers, taken straight from this record.
COPIED = {
    "last_episode_where": "found_where",
    "last_episode_with": "found_with",
    "last_episode_located_by": "found_by",
    "last_episode_experience": "episode_experience",
    "last_episode_screening_result": "screening_result",
}


def previous_episode(
    episode: Mapping[str, Answer],
    recovery: Mapping[str, Answer],
    *,
    episode_number: int,
) -> dict[str, Answer]:
    """Returns the next episode's "Earlier episodes" answers from the last episode and its recovery.

    ``episode`` holds the last episode's answers (its count and case numbers), ``recovery`` the
    answers of its recovery record (empty when none was made).
    """
    answers = {"missing_before": Answer(Status.ANSWERED, "yes")}
    before = _value(episode, "prior_episode_count")
    counted = before + 1 if isinstance(before, int) else 0
    answers["prior_episode_count"] = Answer(Status.ANSWERED, max(counted, episode_number - 1))
    numbers = [
        f"{label} {value}"
        # NCMEC's first: it keeps the child's case team across episodes (issue 18).
        for label, key in (("NCMEC", "ncmec_case_number"), ("police", "le_case_number"))
        if isinstance(value := _value(episode, key), str)
    ]
    if isinstance(earlier := _value(episode, "prior_case_numbers"), str):
        numbers.append(earlier)
    if numbers:
        answers["prior_case_numbers"] = Answer(Status.ANSWERED, "; ".join(numbers))
    found = _value(recovery, "found_at")
    if isinstance(found, str):
        answers["last_episode_found"] = Answer(Status.ANSWERED, _found_text(episode, found))
    for target, source in COPIED.items():
        if (value := _value(recovery, source)) is not None:
            answers[target] = Answer(Status.ANSWERED, value)
    screened = _value(recovery, "screening_at")
    if screened is not None:
        answers["last_episode_screened"] = Answer(Status.ANSWERED, "yes")
    return answers


def _found_text(episode: Mapping[str, Answer], found: str) -> str:
    """Returns "found Sat Nov 28, 2026 21:30, gone 2 days 4 h" from the found and seen times."""
    at = datetime.fromisoformat(found)
    text = f"found {format_value(RECOVERY.field('found_at'), found)}"
    seen = _value(episode, "last_seen_at")
    if isinstance(seen, str):
        hours = max(int((at - datetime.fromisoformat(seen)).total_seconds() // 3600), 0)
        days, rest = divmod(hours, 24)
        text += f", gone {plural(days, 'day')} {rest} h" if days else f", gone {rest} h"
    return text


def _value(answers: Mapping[str, Answer], key: str) -> JsonValue:
    answer = answers.get(key)
    return answer.value if answer is not None and answer.status is Status.ANSWERED else None
