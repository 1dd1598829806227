"""Behaviour of flows.extract: several facts in one message, read against the real flow."""

from __future__ import annotations

import itertools

import pytest

from flows.conditions import JsonValue, When
from flows.extract.description import description_line
from flows.extract.gate import follow_ups, gate_of, gate_with_details
from flows.extract.identity import name_birth_sex
from flows.extract.proposal import Proposal, settle, understood
from flows.extract.sighting import time_and_place
from flows.missing_from_care import FLOW
from flows.schema import Answer, Field, Flow, Kind, Repeat, Section, Status
from tests.conftest import NOW


def values(proposals: list[Proposal]) -> dict[str, JsonValue]:
    return {p.key: p.value for p in proposals}


def said(text: str, proposals: list[Proposal]) -> dict[str, str]:
    return {p.key: text[slice(*p.span)] for p in proposals}


# --- yes, <details> ---------------------------------------------------------------------------


def test_yes_with_details_fills_the_gate_and_its_first_follow_up() -> None:
    text = "Yes: a man in a gray truck waved her over"
    found = gate_with_details(FLOW, "foul_play_suspected", text, now=NOW)
    details = "a man in a gray truck waved her over"
    assert values(found) == {"foul_play_suspected": "yes", "foul_play_details": details}
    assert said(text, found) == {"foul_play_suspected": "Yes", "foul_play_details": details}


@pytest.mark.parametrize(
    ("gate", "text", "follow_up", "details"),
    [
        ("vehicle_access", "yes, silver Honda Civic", "child_vehicle", "silver Honda Civic"),
        ("tribal_member", "yes - Cherokee Nation", "tribe_name", "Cherokee Nation"),
        ("on_probation", "Yeah PO Denise Tran", "probation_officer", "PO Denise Tran"),
        (
            "is_legal_guardian",
            "no, Dana Ruiz at the county",
            "guardian_name",
            "Dana Ruiz at the county",
        ),
    ],
)
def test_the_follow_up_is_found_from_the_flow_through_flags_and_conditions(
    gate: str, text: str, follow_up: str, details: str
) -> None:
    found = values(gate_with_details(FLOW, gate, text, now=NOW))
    assert found[follow_up] == details
    assert len(found) == 2


def test_a_yes_to_a_repeat_gate_fills_the_first_item_of_the_group() -> None:
    found = values(gate_with_details(FLOW, "had_companions", "yes, her boyfriend Marcus", now=NOW))
    assert found == {"had_companions": "yes", "companions.0.companion_name": "her boyfriend Marcus"}


def test_a_gate_inside_a_repeat_item_fills_the_follow_up_of_the_same_item() -> None:
    # The real flow has no gate inside a repeat group yet; a person record (issue 15) will.
    flow = Flow(
        "people",
        "1",
        "People",
        (
            Section(
                "people",
                "People",
                (
                    Repeat(
                        "people",
                        "person",
                        (
                            Field("armed", Kind.YES_NO, "Armed?"),
                            Field("weapon", Kind.TEXT, "Which?", relevant=When("armed", "yes")),
                        ),
                    ),
                ),
            ),
        ),
    )
    found = gate_with_details(flow, "people.2.armed", "yes, a knife", now=NOW)
    assert values(found) == {"people.2.armed": "yes", "people.2.weapon": "a knife"}


def test_details_a_number_follow_up_refuses_go_to_the_first_text_follow_up() -> None:
    found = values(gate_with_details(FLOW, "missing_before", "yes, twice this fall", now=NOW))
    assert found["missing_before"] == "yes"
    assert FLOW.field(next(k for k in found if k != "missing_before")).kind == "text"


@pytest.mark.parametrize("text", ["yes", "maybe, not sure", "", "12, 13"])
def test_a_plain_or_unreadable_answer_proposes_nothing(text: str) -> None:
    assert gate_with_details(FLOW, "foul_play_suspected", text, now=NOW) == []


def test_a_question_that_is_no_gate_proposes_nothing() -> None:
    assert gate_with_details(FLOW, "child_name", "yes, Destiny", now=NOW) == []


def test_a_yes_that_opens_nothing_proposes_nothing_so_the_details_are_not_lost() -> None:
    assert gate_with_details(FLOW, "devices_secured", "yes, phone in the office", now=NOW) == []


def test_gate_of_finds_the_question_that_opens_a_detail_field() -> None:
    gate, value = gate_of(FLOW, "probation_officer", now=NOW) or (None, "")
    assert gate is not None and (gate.name, value) == ("on_probation", "yes")
    assert gate_of(FLOW, "medication_details", now=NOW) is None  # a caution's tick opens it
    assert gate_of(FLOW, "child_name", now=NOW) is None


def test_follow_ups_keep_flow_order() -> None:
    gate = FLOW.field("foul_play_suspected")
    names = [f.field.name for f in follow_ups(FLOW, gate, "yes", now=NOW)]
    assert names[:2] == ["foul_play_details", "abductor_identity"]


# --- description line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "4'2 62 lb blond blue eyes fair",
            {"height": 50.0, "weight": 62.0, "hair": "blond", "eyes": "blue", "complexion": "fair"},
        ),
        (
            "5'4, 118, brown/brown",
            {"height": 64.0, "weight": 118.0, "hair": "brown", "eyes": "brown"},
        ),
        (
            "5 ft 4 in, 118 lbs, hair brown, eyes hazel",
            {"height": 64.0, "weight": 118.0, "hair": "brown", "eyes": "hazel"},
        ),
        ("brown eyes, blonde hair, 4'11\"", {"height": 59.0, "hair": "blond", "eyes": "brown"}),
        (
            "auburn hair green eyes 150 cm 40 kg",
            {"height": 59.1, "weight": 88.2, "hair": "red", "eyes": "green"},
        ),
        (
            "5'1\" 95 lbs black hair brown eyes medium brown skin",
            {
                "height": 61.0,
                "weight": 95.0,
                "hair": "black",
                "eyes": "brown",
                "complexion": "medium_brown",
            },
        ),
    ],
)
def test_a_description_line_fills_each_measure_and_colour(
    text: str, expected: dict[str, JsonValue]
) -> None:
    assert values(description_line(FLOW, text, now=NOW)) == expected


def test_each_description_value_comes_from_its_own_span() -> None:
    text = "4'2 62 lb blond blue eyes fair"
    found = description_line(FLOW, text, now=NOW)
    assert said(text, found) == {
        "height": "4'2",
        "weight": "62 lb",
        "hair": "blond",
        "eyes": "blue",
        "complexion": "fair",
    }
    spans = sorted(p.span for p in found)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_a_build_word_is_not_taken_for_a_complexion() -> None:
    assert "complexion" not in values(description_line(FLOW, "5'4 medium build", now=NOW))


def test_an_impossible_height_is_refused_by_the_height_parser_not_taken() -> None:
    assert "height" not in values(description_line(FLOW, "9'9 blond", now=NOW))


# --- name, birth date, sex --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Destiny Marie Jones, 3/14/2011, F",
        "Destiny Marie Jones DOB 3/14/2011 female",
        "DOB: 3/14/2011; Destiny Marie Jones; F",
    ],
)
def test_a_name_with_birth_date_and_sex_fills_all_three(text: str) -> None:
    assert values(name_birth_sex(FLOW, text, now=NOW)) == {
        "child_name": "Destiny Marie Jones",
        "date_of_birth": "2011-03-14",
        "sex": "female",
    }


def test_a_name_alone_is_left_to_the_name_question() -> None:
    assert name_birth_sex(FLOW, "Destiny Marie Jones", now=NOW) == []


def test_a_name_like_mae_is_not_read_as_male() -> None:
    found = values(name_birth_sex(FLOW, "Mae Lynn Carter, 2/2/2012", now=NOW))
    assert found == {"child_name": "Mae Lynn Carter", "date_of_birth": "2012-02-02"}


def test_a_birth_date_in_the_future_is_not_proposed() -> None:
    assert "date_of_birth" not in values(name_birth_sex(FLOW, "Ann Lee, 3/14/2031, F", now=NOW))


# --- time and place ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "when", "where"),
    [
        (
            "last seen 22:40 at the back door of the group home",
            "2026-11-27T22:40:00-05:00",
            "the back door of the group home",
        ),
        (
            "at Walmart on Dixie Hwy at 10:40 pm",
            "2026-11-27T22:40:00-05:00",
            "Walmart on Dixie Hwy",
        ),
        (
            "Last seen yesterday 9:15pm near the Kroger on Bardstown Rd",
            "2026-11-27T21:15:00-05:00",
            "near the Kroger on Bardstown Rd",
        ),
        ("back porch around 11pm", "2026-11-27T23:00:00-05:00", "back porch"),
    ],
)
def test_a_time_with_a_place_fills_both(text: str, when: str, where: str) -> None:
    found = values(time_and_place(FLOW, "last_seen_at", "last_seen_place", text, now=NOW))
    assert found == {"last_seen_at": when, "last_seen_place": where}


@pytest.mark.parametrize("text", ["22:40", "at the back door", "22:40, 23:10"])
def test_a_time_or_a_place_alone_proposes_nothing(text: str) -> None:
    assert time_and_place(FLOW, "last_seen_at", "last_seen_place", text, now=NOW) == []


# --- settling and showing ---------------------------------------------------------------------


def test_the_question_asked_wins_a_span_two_extractors_read() -> None:
    text = "brown"
    hair, eyes = Proposal("hair", "brown", (0, 5)), Proposal("eyes", "brown", (0, 5))
    assert settle([hair, eyes], asked="eyes", stored={}).taken == (eyes,)
    assert settle([hair, eyes], asked=None, stored={}).taken == (hair,)
    assert text


def test_one_question_takes_one_value_the_first_read() -> None:
    first, second = Proposal("hair", "brown", (0, 5)), Proposal("hair", "black", (6, 11))
    assert settle([first, second], asked=None, stored={}).taken == (first,)


def test_a_confirmed_answer_is_never_overwritten_but_returned_as_a_conflict() -> None:
    stored = {"weight": Answer(Status.ANSWERED, 60.0), "hair": Answer(Status.ANSWERED, "blond")}
    found = description_line(FLOW, "4'2 62 lb blond", now=NOW)
    result = settle(found, asked="height", stored=stored)
    assert [p.key for p in result.taken] == ["height"]
    assert [(c.proposal.key, c.was, c.proposal.value) for c in result.conflicts] == [
        ("weight", 60.0, 62.0)
    ]
    assert [p.key for p in result.already] == ["hair"]


def test_an_open_item_may_be_filled() -> None:
    stored = {"weight": Answer(Status.UNKNOWN)}
    result = settle([Proposal("weight", 62.0, (0, 5))], asked=None, stored=stored)
    assert [p.key for p in result.taken] == ["weight"]


def test_what_was_understood_is_one_short_list_with_changes_asked() -> None:
    stored = {"weight": Answer(Status.ANSWERED, 60.0)}
    found = description_line(FLOW, "4'2 62 lb blond blue eyes fair", now=NOW)
    assert understood(FLOW, settle(found, asked="height", stored=stored)) == (
        "I understood:\n"
        "• Height: 4'2\" (127 cm)\n"
        "• Hair: Blond or strawberry (BLN)\n"
        "• Eyes: Blue (BLU)\n"
        "• Complexion: Fair (FAR)\n"
        "• Weight: was 60 lb (27 kg), now 62 lb (28 kg)?"
    )


def test_sensitive_answers_are_not_repeated_in_chat() -> None:
    found = gate_with_details(FLOW, "has_own_child", "Yes: a baby boy, 8 months", now=NOW)
    shown = understood(FLOW, settle(found, asked="has_own_child", stored={}))
    assert "8 months" not in shown
    assert ": noted (not shown in chat)" in shown


def test_a_repeat_item_is_shown_with_its_number() -> None:
    found = gate_with_details(FLOW, "had_companions", "yes, Marcus", now=NOW)
    assert "• Companion 1: Name / description: Marcus" in understood(
        FLOW, settle(found, asked="had_companions", stored={})
    )
