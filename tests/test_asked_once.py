"""Never ask what was already said or cannot apply.

Each test runs the real flow to its end, answering some questions as a worker would and the
rest 'unknown', and looks at what was asked and what was stored.
"""

from __future__ import annotations

from flows.engine import Interview
from flows.missing_from_care import FLOW
from flows.schema import Status
from tests.conftest import NOW

YOUNG = "2019-05-01"  # seven on NOW: the under-13 questions apply


def run(**given: str) -> tuple[Interview, list[str]]:
    """Answers the questions named in ``given`` so, the rest 'unknown'; returns what was asked."""
    interview = Interview(FLOW)
    reply = interview.start(now=NOW)
    asked: list[str] = []
    for _ in range(400):
        if reply.prompt is None or (reply.prompt.is_sentinel and "submit" in reply.prompt.key):
            break  # the review: every question was asked
        key = reply.prompt.key
        asked.append(key)
        text = given.get(key, "no" if key.endswith(".more") else "unknown")
        reply = interview.handle(text, now=NOW)
        assert reply.error is None, f"{key}: {text!r}: {reply.error}"
    return interview, asked


def test_a_young_child_taken_by_a_parent_is_not_searched_for_in_cupboards_nor_asked_why() -> None:
    _, asked = run(
        date_of_birth=YOUNG,
        triage="Going missing is out of character",
        missing_type="Taken by a parent or relative",
    )
    assert "can_give_own_details" in asked  # the under-13 questions are there
    for needless in ("hiding_places_searched", "out_of_character_details", "foul_play_suspected"):
        assert needless not in asked, needless


def test_a_young_runaway_still_has_the_hiding_places_searched() -> None:
    _, asked = run(date_of_birth=YOUNG, missing_type="Runaway")
    assert "hiding_places_searched" in asked and "foul_play_suspected" in asked


def test_a_diabetic_child_on_medication_is_asked_about_supplies_once() -> None:
    _, asked = run(cautions="Diabetic, Needs prescription medication")
    assert "medication_supply_taken" in asked
    assert "medical_supplies_taken" not in asked


def test_a_medical_condition_without_medication_still_asks_about_supplies() -> None:
    _, asked = run(cautions="Diabetic")
    assert "medical_supplies_taken" in asked


def test_same_copies_who_saw_the_child_last_into_the_caregiver() -> None:
    seen_by = "Keisha Brown, night youth care worker, 937-555-0172"
    interview, _ = run(last_seen_by=seen_by, caregiver="same")
    assert interview.answers["caregiver"].value == seen_by


def test_same_copies_the_workers_agency_into_the_guardians() -> None:
    interview, _ = run(
        agency_name="Montgomery County CS", is_legal_guardian="no", guardian_agency="Same"
    )
    assert interview.answers["guardian_agency"].value == "Montgomery County CS"


def test_the_caregivers_police_report_does_not_ask_for_the_number_again() -> None:
    _, asked = run(caregiver_reported="yes")
    assert "caregiver_report_number" in asked and "le_case_number" in asked
    assert "number" not in FLOW.field("caregiver_report_number").prompt


def test_a_nic_number_confirms_the_ncic_entry_without_asking() -> None:
    interview, asked = run(nic_number="M123456789")
    assert "ncic_entry_confirmed" not in asked and "le_category_used" in asked
    step = next(s for s in interview.report(now=NOW).checklist if s.name == "ncic_entry")
    assert step.state == "done" and step.detail == "M123456789"


def test_no_ncic_entry_asks_neither_the_number_again_nor_the_category() -> None:
    _, asked = run(ncic_entry_confirmed="no")
    assert asked.index("nic_number") < asked.index("ncic_entry_confirmed")
    assert "le_category_used" not in asked


def test_records_police_need_after_30_days_are_not_asked_the_first_night() -> None:
    _, asked = run()
    for later in ("medical_records_available", "dental_records_available", "fingerprints_on_file"):
        assert later not in asked
        assert FLOW.locate(later)[1].long_term


def test_none_is_an_answer_to_the_childs_email() -> None:
    interview, _ = run(child_email="none")
    answer = interview.answers["child_email"]
    assert answer.status is Status.ANSWERED and answer.value == "none"
