"""Behaviour of flows.phones: phone lists as workers write them, labels and extensions kept."""

from __future__ import annotations

import pytest

from flows.answers import InvalidAnswer, format_value, parse_answer
from flows.missing_from_care import FLOW
from flows.phones import format_phone, phone_label
from flows.schema import Field, Kind
from tests.conftest import NOW

PHONES = FLOW.field("guardian_phones")
ONE_PHONE = Field("best_phone", Kind.PHONE, "Best number?")


def stored(text: str) -> object:
    return parse_answer(PHONES, text, now=NOW)


def refusal(text: str) -> str:
    with pytest.raises(InvalidAnswer) as caught:
        stored(text)
    return caught.value.message


def test_a_list_with_labels_after_the_numbers_is_taken_whole_where_it_was_refused() -> None:
    # Issue 15 quotes this list refused four times with "Number 1 is not a complete phone number".
    assert stored("(502) 555-0119 office, (502) 555-0177 cell") == [
        "+15025550119 (office)",
        "+15025550177 (cell)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "office (502) 555-0119, cell (502) 555-0177",
            ["+15025550119 (office)", "+15025550177 (cell)"],
        ),
        ("cell: 502-555-0177", ["+15025550177 (cell)"]),
        ("after hours 502 555 0100", ["+15025550100 (after hours)"]),
        ("502.555.0100 after-hours", ["+15025550100 (after hours)"]),
        ("Work 502-555-0119; Home 502-555-0188", ["+15025550119 (work)", "+15025550188 (home)"]),
        ("mobile phone 502 555 0177", ["+15025550177 (mobile)"]),
        ("office 5025550119 cell 502.555.0177", ["+15025550119 (office)", "+15025550177 (cell)"]),
        ("502-555-0119 (o) 502-555-0177 (c)", ["+15025550119 (office)", "+15025550177 (cell)"]),
    ],
)
def test_labels_before_or_after_each_number_are_kept(text: str, expected: list[str]) -> None:
    assert stored(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(502) 555-0119 x123 office", ["+15025550119 ext. 123 (office)"]),
        ("work (502) 555-0119 ext. 12", ["+15025550119 ext. 12 (work)"]),
        ("502-555-0119 ext12, 502-555-0177 cell", ["+15025550119 ext. 12", "+15025550177 (cell)"]),
    ],
)
def test_extensions_are_kept_with_their_number_and_label(text: str, expected: list[str]) -> None:
    assert stored(text) == expected


def test_a_label_after_the_last_number_joins_a_label_written_before_it() -> None:
    assert stored("cell 502-555-0177 text only") == ["+15025550177 (cell text only)"]


def test_the_same_number_twice_keeps_the_first_label_written() -> None:
    assert stored("502-555-0119, (502) 555-0119 office") == ["+15025550119 (office)"]


def test_an_incomplete_number_after_labelled_ones_is_named_by_its_place() -> None:
    message = refusal("(502) 555-0119 office, 555-0177 cell")
    assert message.startswith("Number 2 is not a complete phone number.")


def test_stray_digits_beside_a_number_are_refused_not_taken_as_its_label() -> None:
    assert refusal("office 12 502-555-0119").startswith("Number 1 is not a complete phone number.")


def test_a_long_sentence_beside_a_number_is_refused_without_echoing_it() -> None:
    message = refusal("502-555-0119 is the number of the foster mother's sister in Ohio")
    assert "too many words" in message
    assert "sister" not in message and "Ohio" not in message


def test_a_field_taking_one_number_still_refuses_a_labelled_pair() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        parse_answer(ONE_PHONE, "502-555-0119 office, 502-555-0177 cell", now=NOW)
    assert "one phone number and I found 2" in caught.value.message


def test_labelled_numbers_read_back_with_their_label() -> None:
    value = stored("(502) 555-0119 x123 office, +44 20 7946 0958 home")
    assert format_value(PHONES, value) == "(502) 555-0119 ext. 123 office, +44 20 7946 0958 home"


def test_numbers_stored_before_labels_read_back_unchanged() -> None:
    assert format_phone("+15025550119 ext. 12") == "(502) 555-0119 ext. 12"
    assert phone_label("+15025550119 ext. 12") == ""
    assert phone_label("+15025550119 (after hours)") == "after hours"
