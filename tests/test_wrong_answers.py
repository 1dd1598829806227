"""No silent wrong answers: a reply that is not clearly one of the options is asked again.

Each test is a short exchange with the real flow: the worker reaches a question, sends
something that only looks like an answer, and is shown the question again with what to send.
"""

from __future__ import annotations

import pytest

from flows.engine import Interview
from flows.missing_from_care import FLOW
from flows.replies import Reply
from flows.schema import Status
from tests.conftest import NOW


def reach(key: str, **given: str) -> tuple[Interview, Reply]:
    """Answers the questions before ``key`` as ``given``, else 'unknown'; returns it asked."""
    interview = Interview(FLOW)
    reply = interview.start(now=NOW)
    for _ in range(200):
        assert reply.prompt is not None, f"{key} was never asked"
        if reply.prompt.key == key:
            return interview, reply
        reply = interview.handle(given.get(reply.prompt.key, "unknown"), now=NOW)
    raise AssertionError(f"{key} was never asked")


@pytest.mark.parametrize("typed", ["no", "n", "No.", "y"])
def test_a_yes_or_no_at_how_the_child_went_missing_asks_again_with_the_options(
    typed: str,
) -> None:
    interview, _ = reach("missing_type")
    reply = interview.handle(typed, now=NOW)
    assert reply.error is not None and "Runaway" in reply.error
    assert "Taken by a parent or relative" in reply.error and "Not clear yet" in reply.error
    assert reply.prompt is not None and reply.prompt.key == "missing_type"
    assert "missing_type" not in interview.answers


def test_the_options_own_words_still_answer_how_the_child_went_missing() -> None:
    interview, _ = reach("missing_type")
    reply = interview.handle("taken by a parent or relative", now=NOW)
    assert reply.error is None
    assert interview.answers["missing_type"].value == "family_abduction"


@pytest.mark.parametrize(("typed", "stored"), [("boy", "male"), ("Girl", "female")])
def test_boy_or_girl_answers_the_childs_sex(typed: str, stored: str) -> None:
    interview, _ = reach("sex")
    reply = interview.handle(typed, now=NOW)
    assert reply.error is None
    assert interview.answers["sex"].value == stored


@pytest.mark.parametrize("key", ["child_name", "clothing", "last_seen_place", "endangering_who"])
@pytest.mark.parametrize("typed", ["yes", "no", "n"])
def test_a_bare_yes_or_no_where_a_name_or_description_is_asked_is_refused(
    key: str, typed: str
) -> None:
    # Triage says the child may be with someone dangerous, so "who?" is asked too.
    interview, _ = reach(key, triage="May be with someone who puts them in danger")
    reply = interview.handle(typed, now=NOW)
    assert reply.error is not None and "name or a description" in reply.error
    assert "'unknown' or 'skip' is fine" in reply.error
    assert reply.prompt is not None and reply.prompt.key == key
    assert key not in interview.answers


def test_a_text_question_asked_as_yes_or_no_still_takes_yes_or_no() -> None:
    interview, _ = reach("medical_supplies_taken", cautions="Other medical condition")
    reply = interview.handle("no", now=NOW)
    assert reply.error is None
    assert interview.answers["medical_supplies_taken"].value == "no"


def test_unknown_is_still_fine_where_a_name_is_asked() -> None:
    interview, _ = reach("child_name")
    interview.handle("unknown", now=NOW)
    assert interview.answers["child_name"].status is Status.UNKNOWN
