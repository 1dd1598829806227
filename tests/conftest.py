"""Shared fixtures: a small flow, a fixed clock, and a helper that reads like a chat."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from flows.conditions import AgeBelow, Flag, When
from flows.engine import Interview, Reply
from flows.schema import (
    Alert,
    Choice,
    Field,
    Flow,
    Kind,
    Milestone,
    Repeat,
    RiskFlag,
    Section,
    Trigger,
)
from tests.databases import db_url, engine, postgres_url  # noqa: F401  (shared fixtures)

ZONE = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=ZONE)
# Tests match children under a fixed key; production derives it from a secret.
MATCH_KEY = b"test-child-match-key"

MINI_FLOW = Flow(
    id="mini",
    version="1",
    title="Mini report",
    sections=(
        Section(
            "triage",
            "Triage",
            (
                Field("danger", Kind.YES_NO, "Is the child in immediate danger?"),
                Field("dob", Kind.DATE, "Date of birth?", min_value=0, max_value=21),
            ),
        ),
        Section(
            "child",
            "The child",
            (
                Field("child_name", Kind.TEXT, "Full name?", max_length=100, label="Name"),
                Field(
                    "hair",
                    Kind.CHOICE,
                    "Hair colour of {child}?",
                    label="Hair",
                    choices=(Choice("brown", "Brown", "BRO"), Choice("black", "Black", "BLK")),
                ),
                Field("last_seen", Kind.DATETIME, "When was {child} last seen?", label="Last seen"),
                Field(
                    "missed_at",
                    Kind.DATETIME,
                    "When was the absence noticed?",
                    label="Noticed missing",
                    not_before="last_seen",
                ),
                Field("medical", Kind.YES_NO, "Any medical condition?", label="Medical"),
                Field(
                    "medical_detail",
                    Kind.TEXT,
                    "Which condition?",
                    label="Condition",
                    relevant=Flag("medical"),
                    sensitive=True,
                ),
                Field(
                    "nic",
                    Kind.TEXT,
                    "NIC number?",
                    label="NIC",
                    required=False,
                    pattern=r"M\d{9}",
                    pattern_message="A NIC is M and 9 digits.",
                ),
                Field("photo", Kind.PHOTO, "Send a photo.", label="Photo", multiple=True),
                Field("with_someone", Kind.YES_NO, "Was anyone with the child?", label="With"),
            ),
        ),
        Section(
            "companions",
            "Companions",
            (
                Repeat(
                    "companions",
                    "companion",
                    (
                        Field("companion_name", Kind.TEXT, "Companion's name?", label="Name"),
                        Field(
                            "companion_phone",
                            Kind.PHONE,
                            "Companion's phone?",
                            label="Phone",
                            required=False,
                            multiple=True,
                        ),
                    ),
                    relevant=When("with_someone", "yes"),
                    max_items=3,
                ),
            ),
        ),
    ),
    risk_flags=(
        RiskFlag(
            "medical", "Medical condition", (Trigger(When("medical", "yes"), "Medical"),), "01"
        ),
    ),
    alerts=(
        Alert(
            "call_911",
            "CALL 911 NOW",
            (
                Trigger(When("danger", "yes"), "Immediate danger"),
                Trigger(AgeBelow("dob", 13), "Child is under 13"),
            ),
        ),
    ),
    milestones=(Milestone("call_ready", "You can call the police now.", ("child_name", "hair")),),
    readout=("child_name", "dob", "hair", "last_seen"),
    subject_field="child_name",
)


@pytest.fixture
def mini() -> Flow:
    """Returns the small test flow."""
    return MINI_FLOW


def say(interview: Interview, *inputs: str) -> Reply:
    """Sends each input in turn and returns the last reply."""
    reply = interview.start(now=NOW) if interview.state == "new" else interview.resume(now=NOW)
    for text in inputs:
        reply = interview.handle(text, now=NOW)
    return reply


def asked(reply: Reply) -> str:
    """Returns the storage key of the question a reply asks (or '' when none)."""
    return reply.prompt.key if reply.prompt else ""


def transcript(interview: Interview, inputs: Iterable[str]) -> list[str]:
    """Returns the chat as lines: each bot message, then what the worker sent."""
    reply = interview.start(now=NOW)
    lines = [_text(reply)]
    for text in inputs:
        lines.append(f"> {text}")
        reply = interview.handle(text, now=NOW)
        lines.append(_text(reply))
    return lines


def _text(reply: Reply) -> str:
    parts = [*reply.notices, *reply.alerts]
    if reply.error:
        parts.append(reply.error)
    if reply.prompt:
        parts.append(reply.prompt.text)
    return "\n".join(parts)
