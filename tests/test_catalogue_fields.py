"""The fields issue 18 adds to the catalogue: where they sit, what they ask and what they raise."""

from __future__ import annotations

import pytest

from flows.answers import parse_answer
from flows.efforts import EFFORT_LABELS, EffortAction
from flows.missing_from_care import FLOW
from flows.schema import Level
from tests.test_flow_definition import NOW, POSITION, asked, born_years_ago, places

# Every question issue 18 section 2 adds; the phone group's fields are asked per phone.
ADDED = (
    "preferred_name",
    "gender_identity",
    "measured_on",
    "travel_documents",
    "dna_items_secured",
    "phone_number",
    "phone_carrier",
    "phone_plan",
    "phone_location_sharing",
    "medical_release_signed",
)
# The phone's number names the item; the NCIC entry guide asks for the signed release.
REQUIRED = {"phone_number", "medical_release_signed"}
A_PHONE = {"child_phones": ["+19375550199"]}


def choice_values(name: str) -> set[str]:
    return {c.value for c in FLOW.field(name).choices}


def test_every_added_question_comes_after_the_police_call_milestone() -> None:
    (milestone,) = FLOW.milestones
    last_needed = max(POSITION[name] for name in milestone.requires)
    sections = {p.field.name: p.section.name for p in places()}
    for name in ADDED:
        assert POSITION[name] > last_needed, name
        assert sections[name] not in ("triage", "call"), name


def test_the_added_questions_are_optional_except_the_phone_number_and_the_records_release() -> None:
    assert {name for name in ADDED if FLOW.field(name).required} == REQUIRED


def test_gender_identity_and_the_medical_records_release_are_kept_at_p3() -> None:
    assert FLOW.field("gender_identity").classification is Level.P3
    assert FLOW.field("gender_identity").sensitive
    assert FLOW.field("medical_release_signed").classification is Level.P3


def test_the_records_release_waits_for_the_long_term_update_with_the_records() -> None:
    section = next(p.section for p in places() if p.field.name == "medical_release_signed")
    assert section.long_term
    assert POSITION["dental_records_available"] < POSITION["medical_release_signed"]


def test_a_parent_who_absconded_with_the_child_opens_the_family_abduction_questions() -> None:
    fled = {"missing_type": "absconded", "date_of_birth": born_years_ago(8)}
    assert asked("abductor_international", fled)
    assert asked("abductor_court_orders", fled)
    assert not asked("hiding_places_searched", fled)
    assert not asked("foul_play_suspected", fled)


def test_refusing_to_return_and_lost_or_injured_are_missing_types_police_code_themselves() -> None:
    codes = {c.value: c.code for c in FLOW.field("missing_type").choices}
    assert {"absconded", "refuses_return", "lost_injured"} <= set(codes)
    assert not any(codes[v] for v in ("absconded", "refuses_return", "lost_injured"))


def test_placements_include_shelter_hospital_detention_and_a_trial_home_visit() -> None:
    added = {"shelter", "hospital_psychiatric", "detention", "trial_home_visit"}
    assert added <= choice_values("placement_type")
    assert FLOW.field("placement_type").choices[-1].value == "other_placement"


def test_searches_made_offer_the_places_and_people_the_efforts_log_names_alike() -> None:
    added = {"hospitals", "shelters", "former_placements", "therapist", "probation_officer"}
    assert added <= choice_values("searches_made")
    labels = {c.value: c.label for c in FLOW.field("searches_made").choices}
    assert labels["hospitals"] == EFFORT_LABELS[EffortAction.HOSPITALS]
    assert labels["shelters"] == EFFORT_LABELS[EffortAction.SHELTERS]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("Asian", "asian"),
        ("pacific islander", "pacific_islander"),
        ("Native Hawaiian", "pacific_islander"),
    ],
)
def test_asian_and_pacific_islander_are_separate_race_answers(typed: str, value: str) -> None:
    assert parse_answer(FLOW.field("race"), typed, now=NOW) == value


def test_each_phone_is_asked_for_carrier_plan_and_location_sharing_only_when_there_is_one() -> None:
    for name in ("phone_number", "phone_carrier", "phone_plan", "phone_location_sharing"):
        assert asked(name, A_PHONE), name
        assert not asked(name, {"child_phones": []}), name
    assert choice_values("phone_plan") == {"prepaid", "contract"}


def test_the_measurement_date_is_asked_only_when_a_height_or_weight_was_given() -> None:
    assert asked("measured_on", {"height": 65})
    assert asked("measured_on", {"weight": 120})
    assert not asked("measured_on", {})
