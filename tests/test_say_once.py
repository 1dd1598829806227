"""Say it once: a message or a face sheet that answers several questions, confirmed with one tap."""

from __future__ import annotations

from pathlib import Path

from flows.engine import Interview
from flows.missing_from_care import FLOW
from flows.say_once import NOTES_KEY, QUEUE_KEY, UNDERSTOOD
from flows.schema import Answer, Status
from flows.slots import Answers
from tests.conftest import NOW, asked

SHEETS = Path(__file__).parent / "facesheets"
TRIAGED = {
    "triage": Answer(Status.ANSWERED, ["none"]),
    "date_of_birth": Answer(Status.ANSWERED, "2011-03-14"),
}


def at(question: str, **more: Answer) -> Interview:
    """Returns an interview asking ``question``, every earlier police-call question answered."""
    answers = dict(TRIAGED)
    for name in FLOW.field_names()[3 : FLOW.field_names().index(question)]:
        answers[name] = Answer(Status.SKIPPED)
    answers.update(more)
    interview = Interview(FLOW, state="intake", answers=answers)
    assert asked(interview.resume(now=NOW)) == question
    return interview


def test_a_description_line_at_the_height_question_is_shown_once_then_stored_with_one_tap() -> None:
    interview = at("height")
    reply = interview.handle("4'2 62 lb blond blue eyes", now=NOW)
    assert reply.prompt is not None and reply.prompt.text.startswith("I understood:")
    assert [c.label for c in reply.prompt.choices] == ["Yes, all correct", "Change"]
    assert "height" not in interview.answers  # nothing is written before the tap
    reply = interview.handle("yes", now=NOW)
    assert {k: interview.answers[k].value for k in ("height", "weight", "hair", "eyes")} == {
        "height": 50.0, "weight": 62.0, "hair": "blond", "eyes": "blue",
    }  # fmt: skip
    assert asked(reply) == "clothing"
    assert "✓ Saved 4 answers." in reply.notices
    assert {c.source for c in reply.changes if c.key == "height"} == {"message"}


def test_change_drops_what_was_understood_and_asks_the_question_again() -> None:
    interview = at("height")
    interview.handle("5'4, 118, brown/brown", now=NOW)
    reply = interview.handle("change", now=NOW)
    assert asked(reply) == "height" and "height" not in interview.answers
    assert interview.pending is None


def test_another_message_drops_the_understanding_and_is_taken_as_itself() -> None:
    interview = at("height")
    interview.handle("5'4, 118, brown/brown", now=NOW)
    reply = interview.handle("5'5", now=NOW)
    assert interview.answers["height"].value == 65.0 and "weight" not in interview.answers
    assert asked(reply) == "weight"


def test_what_was_understood_waits_through_a_restart() -> None:
    first = at("last_seen_at")
    first.handle("22:40 at the back door of the group home", now=NOW)
    assert first.pending == UNDERSTOOD
    again = Interview(FLOW, state=first.state, answers=first.answers, pending=first.pending)
    assert again.resume(now=NOW).prompt == first.resume(now=NOW).prompt
    again.handle("Yes, all correct", now=NOW)
    assert again.answers["last_seen_place"].value == "the back door of the group home"


def test_yes_with_details_at_a_gate_fills_the_gate_and_its_follow_up() -> None:
    interview = at("vehicle_access")
    interview.handle("yes, silver Honda Civic OH ABC1234", now=NOW)
    interview.handle("yes", now=NOW)
    assert interview.answers["vehicle_access"].value == "yes"
    assert interview.answers["child_vehicle"].value == "silver Honda Civic OH ABC1234"


def test_a_plain_answer_takes_the_plain_path() -> None:
    interview = at("height")
    reply = interview.handle("4'2", now=NOW)
    assert asked(reply) == "weight" and interview.pending is None


def test_a_pasted_face_sheet_is_confirmed_one_section_at_a_time_and_never_asked_again() -> None:
    interview = at("child_name")
    reply = interview.handle((SHEETS / "county_labelled.txt").read_text(), now=NOW)
    assert reply.prompt is not None
    assert reply.prompt.text.startswith("For the police call — from face sheet — confirm:")
    taps = 0
    while interview.pending == UNDERSTOOD:
        reply = interview.handle("yes", now=NOW)
        taps += 1
    assert taps >= 3  # one tap a section, not one a fact
    assert interview.answers["child_name"].value == "Destiny Marie Jones"
    assert interview.answers["medication_details"].value.startswith("Concerta")
    assert asked(reply) not in ("child_name", "sex", "height", "weight", "hair", "eyes")
    notes = interview.answers[NOTES_KEY].value
    assert (
        isinstance(notes, list) and "Emergency Contact Name: Aunt Kay Morris, 502-555-0133" in notes
    )


def test_a_face_sheet_detail_waits_until_its_checklist_option_is_ticked() -> None:
    interview = at("child_name")
    interview.face_sheet((SHEETS / "county_labelled.txt").read_text(), now=NOW)
    while interview.pending == UNDERSTOOD:
        interview.handle("yes", now=NOW)
    assert Answers(FLOW, interview.answers, NOW).value("medication_details") is None
    ticked = {**interview.answers, "cautions": Answer(Status.ANSWERED, ["medication"])}
    assert str(Answers(FLOW, ticked, NOW).value("medication_details")).startswith("Concerta")


def test_a_text_that_is_no_face_sheet_changes_nothing_and_says_why() -> None:
    interview = at("child_name")
    before = dict(interview.answers)
    reply = interview.face_sheet("hello, the child ran off", now=NOW)
    assert reply.error is not None and "couldn't find any labelled lines" in reply.error
    assert interview.answers == before and reply.changes == ()
    assert QUEUE_KEY not in interview.answers
