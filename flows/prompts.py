"""Builds the prompt for a question, with the Keep button of a carried answer."""

from __future__ import annotations

from collections.abc import Mapping

from flows.answers import example, format_value
from flows.prefill import KEEP_ONE
from flows.replies import DONE_CHOICE, NOT_YET_CHOICE, SKIP_CHOICE, UNKNOWN_CHOICE, Prompt
from flows.schema import Answer, Choice, Flow, Kind, Status
from flows.slots import Answers, Slot

CHOICE_KINDS = (Kind.CHOICE, Kind.MULTI_CHOICE, Kind.YES_NO)
YES_NO_CHOICES = (Choice("yes", "Yes"), Choice("no", "No"))


def question_prompt(
    flow: Flow,
    slot: Slot,
    view: Answers,
    answers: Mapping[str, Answer],
    carried: Mapping[str, Answer],
) -> Prompt:
    """Returns the prompt for one question, with its taps and the answer it already has."""
    field = slot.field
    text = field.prompt.replace("{child}", child_name(flow, view))
    choices: tuple[Choice, ...] = field.choices
    if field.kind is Kind.YES_NO and not choices:
        choices = YES_NO_CHOICES
    if field.kind is Kind.PHOTO and field.multiple and slot.key in answers:
        choices = (DONE_CHOICE,)
    # A duty not done yet is an answer of its own, offered before "unknown".
    not_yet = (NOT_YET_CHOICE,) if field.not_yet else ()
    choices = (*choices, *not_yet, UNKNOWN_CHOICE, SKIP_CHOICE)
    offered = carried.get(slot.key) if slot.key not in answers else None
    if offered is not None:
        choices = (KEEP_ONE, *choices)
    if slot.repeat is not None and slot.index is not None:
        text = f"{slot.repeat.title} {slot.index + 1} — {text}"
    existing = answers.get(slot.key)
    current = format_value(field, offered.value) if offered is not None else ""
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


def child_name(flow: Flow, view: Answers) -> str:
    """Returns the child's first name for the questions, or "the child" before it is known."""
    name = view.value(flow.subject_field) if flow.subject_field else view.fact(flow.subject_fact)
    if not isinstance(name, str) or not name.strip():
        return "the child"
    first = name.split(",", 1)[1] if "," in name else name
    return first.split()[0] if first.split() else name
