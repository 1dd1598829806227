"""Behaviour of flows.extract.message: which readers a question invites, and when it is more."""

from __future__ import annotations

from flows.extract.message import read_message
from flows.missing_from_care import FLOW
from flows.missing_from_care_extract import HINTS
from flows.schema import Answer, Status
from tests.conftest import NOW


def keys(asked: str, text: str, **stored: Answer) -> tuple[str, ...] | None:
    result = read_message(FLOW, HINTS, asked, text, now=NOW, stored=stored)
    return None if result is None else result.keys()


def test_a_description_line_at_the_height_question_fills_the_whole_description() -> None:
    assert keys("height", "5'4, 118, brown/brown") == ("height", "weight", "hair", "eyes")


def test_a_name_line_at_the_birth_date_question_fills_name_and_sex_too() -> None:
    assert keys("date_of_birth", "Destiny Marie Jones, 3/14/2011, F") == (
        "child_name", "date_of_birth", "sex",
    )  # fmt: skip


def test_a_sighting_at_the_last_seen_question_fills_time_and_place() -> None:
    assert keys("last_seen_at", "22:40 at the back door") == ("last_seen_at", "last_seen_place")


def test_yes_with_details_at_a_gate_fills_gate_and_follow_up() -> None:
    said = "Yes: a man in a gray truck"
    assert keys("foul_play_suspected", said) == ("foul_play_suspected", "foul_play_details")


def test_a_plain_answer_is_left_to_the_question() -> None:
    assert keys("hair", "brown") is None
    assert keys("child_name", "Destiny Marie Jones") is None


def test_a_question_that_invites_no_reader_takes_the_text_as_it_is() -> None:
    assert keys("what_happened", "4'2 62 lb blond, left at 22:40 at the back door") is None


def test_a_changed_confirmed_answer_counts_as_more_to_say() -> None:
    assert keys("height", "4'2 62 lb", weight=Answer(Status.ANSWERED, 60.0)) == (
        "height", "weight",
    )  # fmt: skip
