"""Behaviour of flows.answers: what a worker may type per kind of question, and what is stored."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.answers import InvalidAnswer, example, format_value, ncic_value, parse_answer
from flows.conditions import JsonValue
from flows.missing_from_care import FLOW
from flows.schema import Choice, Field, Kind

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=NY)

HAIR = (
    Choice("black", "Black", "BLK"),
    Choice("blond", "Blond or strawberry", "BLN"),
    Choice("blue", "Blue", "BLU"),
    Choice("brown", "Brown", "BRO"),
    Choice("salt_pepper", "Salt and pepper", "SDY"),
)


def field(kind: Kind, **options: object) -> Field:
    return Field("answer", kind, "Question?", **options)  # type: ignore[arg-type]


def parse(kind: Kind, text: str, now: datetime = NOW, **options: object) -> JsonValue:
    return parse_answer(field(kind, **options), text, now=now)


def rejection(kind: Kind, text: str, now: datetime = NOW, **options: object) -> str:
    with pytest.raises(InvalidAnswer) as caught:
        parse(kind, text, now, **options)
    return caught.value.message


# --- text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("  Red hoodie, black jeans \n", "Red hoodie, black jeans"),
        ("line one\r\nline two\tand a tab", "line one\nline two\tand a tab"),
        ("Cafe\u0301", "Café"),  # decomposed accent is normalised to NFC
        ("Wearing a 🧢 and 👟", "Wearing a 🧢 and 👟"),
        ("Rainbow 🏳️\u200d🌈 shirt", "Rainbow 🏳️\u200d🌈 shirt"),  # ZWJ inside an emoji
        ("اسمه أحمد", "اسمه أحمد"),
        ("שמה נועה", "שמה נועה"),
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian ZWNJ inside a word
    ],
)
def test_text_is_stored_normalised_and_stripped(text: str, stored: str) -> None:
    assert parse(Kind.TEXT, text) == stored


@pytest.mark.parametrize(
    "text",
    [
        "Ali\x00ce",
        "bell\x07",
        "esc\x1b[31m",
        "c1\x85control",
        "evil\u202eedoc",
        "isolate\u2066x\u2069",
        "zero\u200bwidth",
        "joined\u200dlatin",
        "word\u2060joiner",
        "\ufeffbom",
    ],
)
def test_text_rejects_invisible_control_characters(text: str) -> None:
    assert rejection(Kind.TEXT, text) == (
        "That text contains invisible control characters; please type it again."
    )


def test_text_rejects_an_empty_answer() -> None:
    assert "Please type an answer" in rejection(Kind.TEXT, "  \n ")


def test_text_over_the_limit_says_the_length_and_the_limit() -> None:
    message = rejection(Kind.TEXT, "x" * 1234)
    assert message == "That is 1,234 characters; the limit here is 1,000. Please shorten it."
    assert parse(Kind.TEXT, "x" * 20, max_length=20) == "x" * 20
    assert "limit here is 20" in rejection(Kind.TEXT, "x" * 21, max_length=20)


# --- integer ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [("3", 3), (" 3 ", 3), ("three", 3), ("Twenty", 20), ("0", 0), ("zero", 0), ("１２", 12)],
)
def test_integer_accepts_digits_and_number_words(text: str, stored: int) -> None:
    assert parse(Kind.INTEGER, text, min_value=0, max_value=20) == stored


@pytest.mark.parametrize("text", ["21", "-1", "1,000"])
def test_integer_out_of_range_states_the_range(text: str) -> None:
    message = rejection(Kind.INTEGER, text, min_value=0, max_value=20)
    assert "from 0 to 20" in message
    assert message.endswith("Example: 3")


@pytest.mark.parametrize("text", ["a few", "3.5", "", "3 kids"])
def test_integer_rejects_non_numbers(text: str) -> None:
    assert rejection(Kind.INTEGER, text) == "Please answer with a whole number. Example: 3"


# --- date -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2009-03-07",
        "3/7/2009",
        "03/07/2009",
        "03/07/09",
        "3-7-2009",
        "March 7 2009",
        "march 7, 2009",
        "7 March 2009",
        "7th of March 2009",
        "Mar 7, 2009",
        "Mar. 7th, 2009",
    ],
)
def test_date_accepts_iso_us_and_written_forms(text: str) -> None:
    assert parse(Kind.DATE, text, min_value=0, max_value=21) == "2009-03-07"


@pytest.mark.parametrize(
    ("text", "stored"),
    [("03/07/85", "1985-03-07"), ("11/28/26", "2026-11-28"), ("12/01/26", "1926-12-01")],
)
def test_date_two_digit_years_pick_the_century_in_the_past(text: str, stored: str) -> None:
    assert parse(Kind.DATE, text) == stored


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2/31/2012", "February 2012 has no 31st day."),
        ("2/29/2010", "February 2010 has no 29th day."),
        ("4/31/2009", "April 2009 has no 31st day."),
        ("23/04/2010", "I couldn't read the month; dates go month/day/year here."),
        ("Smarch 7 2009", "I couldn't read the month"),
        ("12/1/2026", "That date is in the future."),
        ("March 2009", "Please give the full date"),
        ("3/7", "Please give the full date"),
        ("1/1/1850", "looks like a typo"),
    ],
)
def test_date_rejects_impossible_future_and_partial_dates(text: str, problem: str) -> None:
    message = rejection(Kind.DATE, text)
    assert problem in message
    assert message.endswith("Example: 2009-03-07")


def test_date_accepts_february_29_in_a_leap_year() -> None:
    assert parse(Kind.DATE, "2/29/2012") == "2012-02-29"


def test_date_of_birth_outside_the_age_range_says_the_age_and_the_limit() -> None:
    message = rejection(Kind.DATE, "1991-05-01", min_value=0, max_value=21)
    assert message == (
        "That date of birth makes the child 35; this report is for children and youth up to 21. "
        "Example: 2009-03-07"
    )
    assert "youngest age accepted here is 2" in rejection(Kind.DATE, "2025-06-01", min_value=2)


def test_date_age_bound_counts_whole_years_on_now() -> None:
    # Turns 22 on Nov 29, so on Nov 28 the youth is still 21.
    assert parse(Kind.DATE, "11/29/2004", max_value=21) == "2004-11-29"
    assert "makes the child 22" in rejection(Kind.DATE, "11/28/2004", max_value=21)


# --- datetime ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("now", "2026-11-28T12:00:00-05:00"),
        ("2026-11-27 23:30", "2026-11-27T23:30:00-05:00"),
        ("2026-07-01 09:00", "2026-07-01T09:00:00-04:00"),  # that day's offset (summer time)
        ("2026-11-27T23:30:00-05:00", "2026-11-27T23:30:00-05:00"),
        ("11/27 11:30pm", "2026-11-27T23:30:00-05:00"),
        ("11/27/2026 23:30", "2026-11-27T23:30:00-05:00"),
        ("yesterday 23:30", "2026-11-27T23:30:00-05:00"),
        ("Yesterday at 11:30 PM", "2026-11-27T23:30:00-05:00"),
        ("last night 11pm", "2026-11-27T23:00:00-05:00"),
        ("11pm last night", "2026-11-27T23:00:00-05:00"),
        ("last night around 11", "2026-11-27T23:00:00-05:00"),
        ("last night 11:30", "2026-11-27T23:30:00-05:00"),
        ("last night around midnight", "2026-11-28T00:00:00-05:00"),
        ("last night at 2am", "2026-11-28T02:00:00-05:00"),
        ("2 hours ago", "2026-11-28T10:00:00-05:00"),
        ("20 min ago", "2026-11-28T11:40:00-05:00"),
        ("half an hour ago", "2026-11-28T11:30:00-05:00"),
        ("an hour ago", "2026-11-28T11:00:00-05:00"),
        ("23:30", "2026-11-27T23:30:00-05:00"),
        ("11:30 pm", "2026-11-27T23:30:00-05:00"),
        ("11:30 a.m.", "2026-11-28T11:30:00-05:00"),
        ("12:03", "2026-11-28T12:03:00-05:00"),  # within the clock-drift slack: still today
        ("12:30", "2026-11-27T12:30:00-05:00"),  # later than now today, so yesterday
        ("this morning 9", "2026-11-28T09:00:00-05:00"),
        ("Nov 27 at 10:45pm", "2026-11-27T22:45:00-05:00"),
        ("about 9pm", "2026-11-27T21:00:00-05:00"),
        ("approx. 9 pm", "2026-11-27T21:00:00-05:00"),
        ("~9pm", "2026-11-27T21:00:00-05:00"),
        ("Thursday 9pm", "2026-11-26T21:00:00-05:00"),
    ],
)
def test_datetime_accepts_the_ways_workers_say_when(text: str, stored: str) -> None:
    assert parse(Kind.DATETIME, text) == stored


def test_datetime_refuses_a_day_the_calendar_does_not_have() -> None:
    assert "couldn't read that as a date and time" in rejection(Kind.DATETIME, "2026-02-30 10:00")


def test_datetime_drops_seconds_from_now() -> None:
    now = NOW.replace(minute=7, second=42, microsecond=123)
    assert parse(Kind.DATETIME, "now", now) == "2026-11-28T12:07:00-05:00"


def test_datetime_tonight_said_after_midnight_means_the_evening_just_gone() -> None:
    small_hours = datetime(2026, 11, 28, 1, 15, tzinfo=NY)
    assert parse(Kind.DATETIME, "tonight 11pm", small_hours) == "2026-11-27T23:00:00-05:00"
    assert parse(Kind.DATETIME, "last night 11pm", small_hours) == "2026-11-27T23:00:00-05:00"
    late = datetime(2026, 11, 28, 23, 0, tzinfo=NY)
    assert parse(Kind.DATETIME, "tonight 9pm", late) == "2026-11-28T21:00:00-05:00"


def test_datetime_uses_the_offset_in_force_on_that_day() -> None:
    # The worker answers in November (EST) about a time in October (EDT).
    assert parse(Kind.DATETIME, "10/30 23:30") == "2026-10-30T23:30:00-04:00"
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=NY)
    assert parse(Kind.DATETIME, "yesterday 23:30", summer) == "2026-06-30T23:30:00-04:00"


def test_datetime_hours_ago_counts_real_time_across_a_clock_change() -> None:
    # 03:00 EST on the night clocks went back: 01:00 happened twice, an hour apart.
    after_change = datetime(2026, 11, 1, 3, 0, tzinfo=NY)
    assert parse(Kind.DATETIME, "2 hours ago", after_change) == "2026-11-01T01:00:00-05:00"
    assert parse(Kind.DATETIME, "3 hours ago", after_change) == "2026-11-01T01:00:00-04:00"


def test_datetime_works_with_a_fixed_offset_clock() -> None:
    utc_now = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)
    assert parse(Kind.DATETIME, "yesterday 23:30", utc_now) == "2026-11-27T23:30:00+00:00"
    assert parse(Kind.DATETIME, "Nov 27 at 10:45pm", utc_now) == "2026-11-27T22:45:00+00:00"


def test_datetime_keeps_the_agency_zone_for_an_answer_given_in_utc() -> None:
    assert parse(Kind.DATETIME, "2026-11-27T23:30:00Z") == "2026-11-27T18:30:00-05:00"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tonight 9pm", "That time is in the future (Sat Nov 28, 2026 21:00 EST)."),
        ("today 18:00", "That time is in the future"),
        ("11/29/2026 10pm", "That time is in the future"),
        ("11/29 10pm", "That would be Sat Nov 29, 2025 22:00 EST; please add the year."),
        ("2019-06-01 10:00", "more than 5 years ago"),
        ("yesterday", "Please include the time too"),
        ("Nov 27", "Please include the time too"),
        ("after school sometime", "I couldn't read that as a date and time."),
        ("25:00", "That is not a time on the clock."),
        ("13pm", "That is not a time on the clock."),
        ("x" * 200, "too long for a time"),
    ],
)
def test_datetime_rejections_say_why_and_give_an_example(text: str, problem: str) -> None:
    message = rejection(Kind.DATETIME, text)
    assert problem in message
    assert message.endswith("Example: 'yesterday 23:30' or '2 hours ago'")


@pytest.mark.parametrize(
    ("text", "suggestion"), [("11", "'11pm'"), ("yesterday 9", "'yesterday 9pm'")]
)
def test_datetime_asks_am_or_pm_for_a_bare_hour(text: str, suggestion: str) -> None:
    message = rejection(Kind.DATETIME, text)
    assert "am or" in message
    assert message.endswith(f"Example: {suggestion}")


def test_datetime_does_not_turn_a_long_number_into_a_timestamp() -> None:
    assert "couldn't read" in rejection(Kind.DATETIME, "1764300000")


# --- choices ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("brown", "brown"),
        ("BROWN", "brown"),
        ("Salt and pepper", "salt_pepper"),
        ("salt_pepper", "salt_pepper"),
        ("BLN", "blond"),
        ("sdy", "salt_pepper"),
        ("4", "brown"),
        ("1", "black"),
        ("salt", "salt_pepper"),
        ("  blue. ", "blue"),
    ],
)
def test_choice_accepts_value_label_code_number_or_the_leading_words_of_a_label(
    text: str, stored: str
) -> None:
    assert parse(Kind.CHOICE, text, choices=HAIR) == stored


@pytest.mark.parametrize("text", ["br", "Blo", "sa", "bl"])
def test_a_few_letters_of_a_choice_are_refused_with_the_options_shown(text: str) -> None:
    message = rejection(Kind.CHOICE, text, choices=HAIR)
    assert "Black, Blond or strawberry, Blue, Brown or Salt and pepper" in message


@pytest.mark.parametrize("text", ["purple", "b", "6", "0", ""])
def test_choice_unknown_answer_lists_the_options(text: str) -> None:
    message = rejection(Kind.CHOICE, text, choices=HAIR)
    assert "Black, Blond or strawberry, Blue, Brown or Salt and pepper" in message
    assert message.endswith("Example: Black")


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("black, brown", ["black", "brown"]),
        ("brown and black", ["black", "brown"]),
        ("brown; black\nblue", ["black", "blue", "brown"]),
        ("1 4", ["black", "brown"]),
        ("1, 4, 4", ["black", "brown"]),
        ("salt and pepper", ["salt_pepper"]),
        ("salt and pepper and blue", ["blue", "salt_pepper"]),
        ("BLK & BRO", ["black", "brown"]),
        ("none", []),
        ("None", []),
    ],
)
def test_multi_choice_splits_resolves_and_orders_the_choices(text: str, stored: list[str]) -> None:
    assert parse(Kind.MULTI_CHOICE, text, choices=HAIR) == stored


def test_multi_choice_keeps_a_label_that_contains_and_or_ampersand() -> None:
    choices = (Choice("drugs", "Drugs & alcohol"), Choice("gangs", "Gangs"), Choice("x", "X"))
    stored = parse(Kind.MULTI_CHOICE, "gangs & drugs & alcohol", choices=choices)
    assert stored == ["drugs", "gangs"]


def test_multi_choice_none_picks_a_real_none_option_when_there_is_one() -> None:
    choices = (Choice("drugs", "Drugs"), Choice("none", "None"))
    assert parse(Kind.MULTI_CHOICE, "none", choices=choices) == ["none"]


def test_multi_choice_says_a_part_did_not_match_without_echoing_it() -> None:
    message = rejection(Kind.MULTI_CHOICE, "brown, purple", choices=HAIR)
    assert message.startswith("One of those is not one of the options.")
    assert "purple" not in message
    assert message.endswith("Example: Black, Blond or strawberry")


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("yes", "yes"),
        ("Y", "yes"),
        ("Yeah", "yes"),
        ("yep!", "yes"),
        ("true", "yes"),
        ("1", "yes"),
        ("no", "no"),
        ("N", "no"),
        ("nope", "no"),
        ("false", "no"),
        ("2", "no"),
    ],
)
def test_yes_no_accepts_common_words_and_console_numbers(text: str, stored: str) -> None:
    assert parse(Kind.YES_NO, text) == stored


def test_yes_no_rejects_anything_else_with_an_example() -> None:
    assert rejection(Kind.YES_NO, "maybe") == "Please answer yes or no (or unknown). Example: yes"


def test_yes_no_with_custom_choices_behaves_as_a_choice() -> None:
    choices = (Choice("yes", "Yes, police notified"), Choice("no", "Not yet"))
    assert parse(Kind.YES_NO, "not yet", choices=choices) == "no"
    assert parse(Kind.YES_NO, "1", choices=choices) == "yes"


# --- phone and email --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("(312) 555-0199", ["+13125550199"]),
        ("312-555-0199", ["+13125550199"]),
        ("312.555.0199", ["+13125550199"]),
        ("+1 312 555 0199", ["+13125550199"]),
        ("312/555-0199", ["+13125550199"]),
        ("\u202a+1 (312) 555-0199\u202c", ["+13125550199"]),  # marks added by copy from contacts
        ("+44 20 7946 0958", ["+442079460958"]),
        ("312 555 0199 ext. 12", ["+13125550199 ext. 12"]),
    ],
)
def test_phone_stores_a_list_of_e164_numbers(text: str, stored: list[str]) -> None:
    assert parse(Kind.PHONE, text) == stored


@pytest.mark.parametrize(
    "text",
    [
        "312 555 0199, 202-555-0123",
        "312 555 0199; 202-555-0123",
        "312 555 0199 or 202-555-0123",
        "312 555 0199 / 202-555-0123",
        "312 555 0199\n202-555-0123",
    ],
)
def test_phone_accepts_several_numbers_when_the_field_allows_it(text: str) -> None:
    assert parse(Kind.PHONE, text, multiple=True) == ["+13125550199", "+12025550123"]


def test_phone_rejects_two_numbers_where_one_is_wanted() -> None:
    message = rejection(Kind.PHONE, "312 555 0199, 202-555-0123")
    assert "one phone number and I found 2" in message
    assert message.endswith("Example: (312) 555-0199 or +1 312 555 0199")


def test_phone_counts_the_same_number_twice_as_one() -> None:
    assert parse(Kind.PHONE, "312 555 0199, (312) 555-0199") == ["+13125550199"]


@pytest.mark.parametrize(
    ("text", "bad"),
    [("555-0199", "That"), ("312 555 0199, 12345", "Number 2"), ("call mom", "That")],
)
def test_phone_says_which_number_is_incomplete_without_echoing_it(text: str, bad: str) -> None:
    message = rejection(Kind.PHONE, text, multiple=True)
    assert message == (
        f"{bad} is not a complete phone number. Example: (312) 555-0199 or +1 312 555 0199"
    )


def test_phone_error_never_echoes_what_was_typed() -> None:
    message = rejection(Kind.PHONE, "9" * 30 + " the foster mother's cell phone number")
    assert "foster" not in message and "999" not in message


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("case.worker@County.GOV", "case.worker@county.gov"),
        ("  Jo+intake@dcfs.example.org ", "Jo+intake@dcfs.example.org"),
        ("mailto:a@b.co", "a@b.co"),
    ],
)
def test_email_lowercases_the_domain_only(text: str, stored: str) -> None:
    assert parse(Kind.EMAIL, text) == stored


@pytest.mark.parametrize(
    "text", ["jane", "jane@", "jane@county", "jane doe@county.gov", "a@@b.com", "a@b.com\x00"]
)
def test_email_rejects_what_is_not_an_address(text: str) -> None:
    assert rejection(Kind.EMAIL, text) == (
        "That does not look like an email address. Example: name@agency.gov"
    )


def test_email_rejects_an_address_over_254_characters() -> None:
    assert "email address" in rejection(Kind.EMAIL, "a" * 250 + "@b.com")


# --- height and weight ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "5'4\"",
        "5'4",
        "5’4”",
        "5′4″",
        "5' 4''",
        "5 ft 4",
        "5 ft 4 in",
        "5ft4in",
        "5-4",
        "5 foot 4",
        "5 feet 4 inches",
        "64 in",
        '64"',
        "64 inches",
    ],
)
def test_height_accepts_feet_and_inches_with_smart_quotes(text: str) -> None:
    assert parse(Kind.HEIGHT, text) == 64.0


@pytest.mark.parametrize(
    ("text", "stored"),
    [("163 cm", 64.2), ("163cm", 64.2), ("1.63 m", 64.2), ("1,63 m", 64.2), ("5'", 60.0)],
)
def test_height_accepts_metric_and_converts_to_inches(text: str, stored: float) -> None:
    assert parse(Kind.HEIGHT, text) == stored


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("10 ft", "10'0\" (305 cm) is outside 1'0\" (30 cm) to 8'0\" (244 cm)."),
        ("8 in", '8" (20 cm) is outside'),
        ("5'13", "The inches part should be under 12."),
        ("64", "Please give the height with its unit"),
        ("tall", "Please give the height with its unit"),
    ],
)
def test_height_rejections_use_both_units_and_give_an_example(text: str, problem: str) -> None:
    message = rejection(Kind.HEIGHT, text)
    assert problem in message
    assert message.endswith("Example: 5'4\" or 163 cm")


def test_height_bounds_come_from_the_field() -> None:
    assert "outside 2'0\" (61 cm) to 7'0\" (213 cm)" in rejection(
        Kind.HEIGHT, "7'6", min_value=24, max_value=84
    )


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("120", 120.0),
        ("120 lb", 120.0),
        ("120 lbs", 120.0),
        ("120 pounds", 120.0),
        ("120.5 lbs", 120.5),
        ("54 kg", 119.0),
        ("54,5 kg", 120.2),
        ("54 kilos", 119.0),
    ],
)
def test_weight_accepts_pounds_and_kilograms(text: str, stored: float) -> None:
    assert parse(Kind.WEIGHT, text) == stored


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2", "2 lb (1 kg) is outside 4 lb (2 kg) to 700 lb (318 kg)."),
        ("800 kg", "is outside 4 lb (2 kg) to 700 lb (318 kg)."),
        ("heavy", "Please give the weight as a number of pounds or kilograms."),
    ],
)
def test_weight_rejections_use_both_units_and_give_an_example(text: str, problem: str) -> None:
    message = rejection(Kind.WEIGHT, text)
    assert problem in message
    assert message.endswith("Example: 120 lb or 54 kg")


def test_photo_field_never_accepts_text() -> None:
    assert rejection(Kind.PHOTO, "see attached") == "Please send a photo (or say unknown / skip)."


# --- format_value, ncic_value and example -----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "shown", "options"),
    [
        (Kind.TEXT, "Red hoodie", "Red hoodie", {}),
        (Kind.INTEGER, 3, "3", {}),
        (Kind.DATE, "2009-03-07", "2009-03-07 (Mar 7, 2009)", {}),
        (Kind.DATETIME, "2026-11-27T23:30:00-05:00", "Fri Nov 27, 2026 23:30 UTC-05:00", {}),
        (Kind.DATETIME, "2026-11-27T23:30:00+01:00", "Fri Nov 27, 2026 23:30 UTC+01:00", {}),
        (Kind.CHOICE, "brown", "Brown (BRO)", {"choices": HAIR}),
        (Kind.CHOICE, "x", "X", {"choices": (Choice("x", "X"),)}),
        (Kind.MULTI_CHOICE, ["black", "brown"], "Black, Brown", {"choices": HAIR}),
        (Kind.MULTI_CHOICE, [], "none", {"choices": HAIR}),
        (Kind.YES_NO, "yes", "Yes", {}),
        (Kind.YES_NO, "no", "No", {}),
        (Kind.PHONE, ["+13125550199", "+442079460958"], "(312) 555-0199, +44 20 7946 0958", {}),
        (Kind.PHONE, ["+13125550199 ext. 12"], "(312) 555-0199 ext. 12", {}),
        (Kind.EMAIL, "a@b.co", "a@b.co", {}),
        (Kind.HEIGHT, 64.0, "5'4\" (163 cm)", {}),
        (Kind.HEIGHT, 64.5, "5'4.5\" (164 cm)", {}),
        (Kind.WEIGHT, 120.0, "120 lb (54 kg)", {}),
        (Kind.PHOTO, ["id1"], "1 photo", {}),
        (Kind.PHOTO, ["id1", "id2"], "2 photos", {}),
        (Kind.TEXT, None, "", {}),
        (Kind.DATE, None, "", {}),
    ],
)
def test_format_value_reads_naturally(
    kind: Kind, value: JsonValue, shown: str, options: dict[str, object]
) -> None:
    assert format_value(field(kind, **options), value) == shown


@pytest.mark.parametrize(
    ("kind", "value", "code", "options"),
    [
        (Kind.HEIGHT, 64.0, "504", {}),
        (Kind.HEIGHT, 71.6, "600", {}),
        (Kind.HEIGHT, 48.0, "400", {}),
        (Kind.WEIGHT, 95.0, "095", {}),
        (Kind.WEIGHT, 120.4, "120", {}),
        (Kind.DATE, "2009-03-07", "20090307", {}),
        (Kind.CHOICE, "brown", "BRO", {"choices": HAIR}),
        (Kind.CHOICE, "x", "", {"choices": (Choice("x", "X"),)}),
        (Kind.YES_NO, "yes", "", {}),
        (Kind.TEXT, "anything", "", {}),
    ],
)
def test_ncic_value_gives_the_ncic_field_format(
    kind: Kind, value: JsonValue, code: str, options: dict[str, object]
) -> None:
    assert ncic_value(field(kind, **options), value) == code


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_a_short_example(kind: Kind) -> None:
    text = example(field(kind, choices=HAIR if "choice" in kind else ()))
    assert 0 < len(text) <= 40


def test_integer_example_respects_the_bounds() -> None:
    assert example(field(Kind.INTEGER, min_value=5, max_value=10)) == "5"
    assert example(field(Kind.INTEGER, max_value=1)) == "1"


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (Kind.DATE, "3/7/2009"),
        (Kind.DATETIME, "last night 11pm"),
        (Kind.HEIGHT, "5'4\""),
        (Kind.WEIGHT, "54 kg"),
        (Kind.PHONE, "(312) 555-0199"),
    ],
)
def test_parsed_values_round_trip_through_json(kind: Kind, text: str) -> None:
    value = parse(kind, text)
    assert json.loads(json.dumps(value)) == value


# --- properties -------------------------------------------------------------------------------

PIECES = st.sampled_from(
    [
        "5", "11", "2009", "0", "13", "'", '"', "’", "ft", "in", "cm", "kg", "lb", "am", "pm",
        ":", "/", "-", ".", ",", " ", " and ", " or ", "yesterday", "last night", "tonight",
        "ago", "hours", "min", "about", "Nov", "March", "+1", "555", "@", "ext", "\u200d",
        "\u202e", "\x00", "🏳️", "none", "bl", "yes",
    ]
)  # fmt: skip
ANSWERS = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=8).map("".join))


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(list(Kind)), text=ANSWERS)
def test_any_text_is_either_a_json_value_or_an_invalid_answer(kind: Kind, text: str) -> None:
    f = field(kind, choices=HAIR if "choice" in kind else (), multiple=True)
    try:
        value = parse_answer(f, text, now=NOW)
    except InvalidAnswer as error:
        assert error.message.strip()
        return
    assert json.loads(json.dumps(value)) == value
    assert isinstance(format_value(f, value), str)
    assert isinstance(ncic_value(f, value), str)


def test_a_checklist_label_with_a_comma_is_taken_whole_when_typed() -> None:
    triage = FLOW.field("triage")
    typed = "In immediate danger, or seen being taken, Going missing is out of character"
    assert parse_answer(triage, typed, now=NOW) == ["immediate_danger", "out_of_character"]
