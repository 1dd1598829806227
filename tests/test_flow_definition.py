"""The missing-from-care flow definition: names, order, NCIC codes, flags and milestones.

These tests read the real ``FLOW`` as data (the domain catalogue is the reference), so they stay
useful whatever the engine does with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from flows.commands import ALIASES
from flows.conditions import Condition, JsonValue
from flows.engine import Interview
from flows.missing_from_care import FLOW
from flows.schema import Field, Kind, Repeat, RiskFlag, Section
from flows.validation import validate_flow

NOW = datetime(2026, 11, 28, 23, 0, tzinfo=ZoneInfo("America/New_York"))

# Triage 0.1, 0.3-0.7: the options of the one triage checklist.
TRIAGE_DANGER_QUESTIONS = (
    "immediate_danger",
    "incapacity",
    "with_endangering_person",
    "dangerous_situation",
    "identified_trafficking_victim",
    "out_of_character",
)

# A10: the two checklists and the choice that stand for every risk question.
RISK_QUESTIONS = ("triage", "missing_type", "cautions")

# Section B rows, by the flag that stands for each.
SECTION_B_FLAGS = (
    "under_13",
    "disability",
    "medical",
    "medication",
    "mental_health",
    "suicide",
    "substance_use",
    "pregnancy",
    "csec",
    "online_enticement",
    "gang",
    "endangering_company",
    "family_abduction",
    "non_family_abduction",
    "exposure",
    "out_of_character",
    "violence",
)

SENSITIVE_FLAGS = (
    "medical",
    "medication",
    "mental_health",
    "suicide",
    "substance_use",
    "pregnancy",
    "csec",
    "gang",
    "online_enticement",
)

NCIC_HAIR = {"BLK", "BLN", "BLU", "BRO", "GRY", "ONG", "PLE", "PNK", "RED", "SDY", "XXX"}
NCIC_EYES = {"BLK", "BLU", "BRO", "GRN", "GRY", "HAZ", "MAR", "MUL", "PNK"}
NCIC_SKIN = {
    *("ALB", "BLK", "DBR", "DRK", "FAR", "LBR", "LGT"),
    *("MBR", "MED", "OLV", "RUD", "SAL", "YEL"),
}
NCIC_MKE = {"EMD", "EME", "EMI", "EMJ", "EMV", "EMO"}


# -- helpers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A field with where it sits: its position in flow order, section and repeat group."""

    field: Field
    section: Section
    repeat: Repeat | None
    position: int


def places() -> list[Place]:
    """Returns every field, repeat sub-fields included, in the order the engine asks them."""
    out: list[Place] = []
    for section in FLOW.sections:
        for item in section.items:
            subs = item.fields if isinstance(item, Repeat) else (item,)
            repeat = item if isinstance(item, Repeat) else None
            out.extend(Place(sub, section, repeat, len(out)) for sub in subs)
    return out


POSITION = {p.field.name: p.position for p in places()}
FLAGS = {flag.name: flag for flag in FLOW.risk_flags}


def guards(place: Place) -> Iterator[tuple[Condition, int]]:
    """Yields each condition deciding whether a field is asked, with the position it must
    look before: the section's first field, the group's first field, or the field itself."""
    if place.section.relevant is not None:
        first = place.section.items[0]
        name = first.fields[0].name if isinstance(first, Repeat) else first.name
        yield place.section.relevant, POSITION[name]
    if place.repeat is not None and place.repeat.relevant is not None:
        yield place.repeat.relevant, POSITION[place.repeat.fields[0].name]
    if place.field.relevant is not None:
        yield place.field.relevant, place.position


def flag_reads(flag: RiskFlag) -> set[str]:
    """Returns the fields a flag's triggers read."""
    return {name for trigger in flag.triggers for name in trigger.when.fields()}


def follow_up_flags(place: Place) -> set[str]:
    """Returns the flags a field's own (or its group's) relevant reads: it is their follow-up."""
    conditions = (place.field.relevant, place.repeat.relevant if place.repeat else None)
    return {name for c in conditions if c is not None for name in c.flags()}


def codes(name: str) -> list[str]:
    """Returns the NCIC codes of a choice field, in order."""
    return [choice.code for choice in FLOW.field(name).choices]


@dataclass
class Ctx:
    """A minimal condition context: plain answers, flags computed from the real triggers."""

    answers: dict[str, JsonValue]
    now: datetime = NOW
    facts: dict[str, JsonValue] = field(default_factory=dict)

    def value(self, name: str) -> JsonValue:
        """Returns the answer given, if any."""
        return self.answers.get(name)

    def fact(self, name: str) -> JsonValue:
        """Returns a fact the service would supply, if any."""
        return self.facts.get(name)

    def flag(self, name: str) -> bool:
        """Tells whether any trigger of the flag holds."""
        return any(trigger.when.holds(self) for trigger in FLAGS[name].triggers)


def born_years_ago(years: int) -> str:
    """Returns an ISO date of birth for a child who turned ``years`` a month ago."""
    today = NOW.date()
    month = today.month - 1 or 12
    return date(today.year - years - (today.month == 1), month, 1).isoformat()


def category(answers: dict[str, JsonValue]) -> str:
    """Returns the first NCIC category whose rule holds, else the default."""
    ctx = Ctx(answers)
    ruled = [c for c in FLOW.categories if c.when is not None and c.when.holds(ctx)]
    default = [c for c in FLOW.categories if c.when is None]
    return (ruled or default)[0].code


def alert_holds(answers: dict[str, JsonValue]) -> bool:
    """Tells whether the call-911 alert fires for these answers."""
    (alert,) = FLOW.alerts
    return any(trigger.when.holds(Ctx(answers)) for trigger in alert.triggers)


def asked(name: str, answers: dict[str, JsonValue]) -> bool:
    """Tells whether a field's section, group and own conditions hold for these answers."""
    place = next(p for p in places() if p.field.name == name)
    return all(condition.holds(Ctx(answers)) for condition, _ in guards(place))


# -- names and references --------------------------------------------------------------------------


def test_every_field_name_is_unique_across_the_whole_flow_including_repeat_items() -> None:
    names = [p.field.name for p in places()]
    assert len(names) == len(set(names)), {n for n in names if names.count(n) > 1}


def test_field_names_are_snake_case_storage_keys() -> None:
    for place in places():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", place.field.name), place.field.name


def test_section_repeat_and_flag_names_are_unique() -> None:
    sections = [s.name for s in FLOW.sections]
    repeats = [i.name for s in FLOW.sections for i in s.items if isinstance(i, Repeat)]
    assert len(sections) == len(set(sections))
    assert len(repeats) == len(set(repeats))
    assert len(FLAGS) == len(FLOW.risk_flags)


def test_every_condition_names_existing_fields_and_flags() -> None:
    conditions: list[Condition] = [c for p in places() for c, _ in guards(p)]
    conditions += [t.when for f in FLOW.risk_flags for t in f.triggers]
    conditions += [t.when for a in FLOW.alerts for t in a.triggers]
    conditions += [c.when for c in FLOW.categories if c.when is not None]
    for condition in conditions:
        for name in condition.fields():
            assert name in POSITION, name
        for flag in condition.flags():
            assert flag in FLAGS, flag


def test_milestones_readout_clock_subject_and_deadlines_name_existing_fields() -> None:
    names = [n for m in FLOW.milestones for n in m.requires]
    names += [*FLOW.readout, FLOW.clock_field, FLOW.subject_field]
    names += [d.done_field for d in FLOW.deadlines if d.done_field]
    for name in names:
        assert name in POSITION, name


def test_risk_flags_are_raised_by_answers_only_never_by_other_flags() -> None:
    for flag in FLOW.risk_flags:
        assert flag.triggers, flag.name
        for trigger in flag.triggers:
            assert not list(trigger.when.flags()), flag.name
            assert trigger.reason, flag.name


# -- order -----------------------------------------------------------------------------------------


def test_every_relevant_only_looks_at_earlier_fields() -> None:
    for place in places():
        for condition, before in guards(place):
            for name in condition.fields():
                assert POSITION[name] < before, f"{place.field.name} reads later {name}"


def test_every_flag_a_question_depends_on_is_decided_by_earlier_answers() -> None:
    for place in places():
        for condition, before in guards(place):
            for flag in condition.flags():
                late = [n for n in flag_reads(FLAGS[flag]) if POSITION[n] >= before]
                assert not late, f"{place.field.name} uses {flag}, raised by later {late}"


def test_not_before_names_an_earlier_datetime_field() -> None:
    for place in places():
        if place.field.not_before is not None:
            other = FLOW.field(place.field.not_before)
            assert other.kind is Kind.DATETIME, place.field.name
            assert POSITION[other.name] < place.position, place.field.name


def test_the_three_episode_clocks_run_last_seen_then_noticed_then_agency_told() -> None:
    assert FLOW.field("discovered_missing_at").not_before == "last_seen_at"
    assert FLOW.field("agency_notified_at").not_before == "discovered_missing_at"


def test_flow_passes_the_engine_validator() -> None:
    assert validate_flow(FLOW) is FLOW


# -- choices and NCIC codes ------------------------------------------------------------------------


def test_every_choice_field_has_choices_with_unique_values_and_no_other_field_has_any() -> None:
    for place in places():
        fld = place.field
        values = [c.value for c in fld.choices]
        if fld.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
            assert values, fld.name
            assert len(values) == len(set(values)), fld.name
            assert all(c.label for c in fld.choices), fld.name
        else:
            assert not values, fld.name


def test_no_choice_value_or_label_is_a_command_word_a_tap_would_trigger() -> None:
    for place in places():
        for choice in place.field.choices:
            assert choice.value.lower() not in ALIASES, (place.field.name, choice.value)
            assert choice.label.lower() not in ALIASES, (place.field.name, choice.label)


def test_sex_uses_ncic_m_and_f() -> None:
    assert codes("sex") == ["M", "F"]
    assert FLOW.field("sex").ncic == "SEX"


# Issue 18 changes this: the NCIC/NIEM list gives Asian (A) and Pacific Islander (P) apart.
def test_race_uses_ncic_rac_codes_with_asian_and_pacific_islander_apart() -> None:
    assert set(codes("race")) == {"A", "P", "B", "I", "W"}
    assert FLOW.field("race").ncic == "RAC"


def test_ethnicity_uses_ncic_h_and_n() -> None:
    assert codes("ethnicity") == ["H", "N"]


def test_hair_uses_the_ncic_hai_list_with_bald_as_xxx() -> None:
    hair = set(codes("hair"))
    assert hair >= NCIC_HAIR
    assert hair - NCIC_HAIR == {"GRN", "WHI"}
    bald = next(c for c in FLOW.field("hair").choices if c.code == "XXX")
    assert bald.value == "bald"


def test_eyes_use_the_ncic_eye_list() -> None:
    assert set(codes("eyes")) == NCIC_EYES
    assert {"BLU", "BRO", "GRN", "HAZ"} <= set(codes("eyes"))


def test_complexion_uses_the_ncic_skn_list() -> None:
    assert set(codes("complexion")) == NCIC_SKIN


def test_missing_type_maps_runaway_and_abductions_to_ncic_mpc() -> None:
    by_value = {c.value: c.code for c in FLOW.field("missing_type").choices}
    assert by_value["runaway"] == "R"
    assert by_value["family_abduction"] == "N"
    assert by_value["non_family_abduction"] == "S"
    assert {code for code in by_value.values() if code} == {"R", "N", "S"}


def test_readout_follows_the_ncic_order_for_the_officer() -> None:
    ncic = [FLOW.field(name).ncic for name in FLOW.readout]
    assert ncic[:8] == ["NAM", "DOB", "SEX", "RAC", "HGT", "WGT", "EYE", "HAI"]
    assert [FLOW.field(n).ncic for n in FLOW.readout[9:11]] == ["DLC", ""]
    assert FLOW.readout[-1] == "photo"


def test_categories_go_involuntary_endangered_disability_other_then_juvenile_default() -> None:
    assert [c.code for c in FLOW.categories] == ["EMI", "EME", "EMD", "EMO", "EMJ"]
    assert {c.code for c in FLOW.categories} <= NCIC_MKE
    assert [c.code for c in FLOW.categories if c.when is None] == ["EMJ"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"date_of_birth": born_years_ago(15), "missing_type": "runaway"}, "EMJ"),
        ({"date_of_birth": born_years_ago(19)}, "EMO"),
        ({"age_band": "18_20"}, "EMO"),
        ({}, "EMJ"),
        ({"missing_type": "non_family_abduction", "date_of_birth": born_years_ago(19)}, "EMI"),
        ({"triage": ["with_endangering_person"]}, "EME"),
        ({"triage": ["identified_trafficking_victim"]}, "EME"),
        ({"cautions": ["suicide"]}, "EME"),
        ({"triage": ["incapacity"]}, "EMD"),
        ({"missing_type": "family_abduction", "triage": ["immediate_danger"]}, "EMI"),
    ],
)
def test_category_suggestion_matches_the_circumstances(
    answers: dict[str, JsonValue], expected: str
) -> None:
    assert category(answers) == expected


# -- triage and the 911 alert ----------------------------------------------------------------------


def test_triage_is_the_first_section_and_holds_the_immediate_report_questions() -> None:
    triage = FLOW.sections[0]
    assert triage.name == "triage"
    assert triage.relevant is None
    names = [i.name for i in triage.items if isinstance(i, Field)]
    assert names[0] == "triage"
    checklist = FLOW.field("triage")
    assert checklist.kind is Kind.MULTI_CHOICE and checklist.required and not checklist.relevant
    assert set(TRIAGE_DANGER_QUESTIONS) <= {c.value for c in checklist.choices}
    assert {"date_of_birth", "age_band"} <= set(names)


def test_date_of_birth_is_asked_in_triage_for_ages_0_to_21() -> None:
    dob = FLOW.field("date_of_birth")
    assert (dob.kind, dob.min_value, dob.max_value, dob.ncic) == (Kind.DATE, 0, 21, "DOB")


def test_age_band_is_asked_only_when_the_date_of_birth_is_not_known() -> None:
    assert asked("age_band", {})
    assert not asked("age_band", {"date_of_birth": born_years_ago(12)})


@pytest.mark.parametrize("question", TRIAGE_DANGER_QUESTIONS)
def test_a_yes_to_any_triage_danger_question_says_call_911(question: str) -> None:
    assert alert_holds({"triage": [question]})
    assert not alert_holds({"triage": ["none"]})


def test_a_child_under_13_by_date_of_birth_says_call_911() -> None:
    assert alert_holds({"date_of_birth": born_years_ago(12)})
    assert not alert_holds({"date_of_birth": born_years_ago(13)})


def test_the_under_13_age_band_counts_only_when_the_date_of_birth_is_unknown() -> None:
    assert alert_holds({"age_band": "under_13"})
    assert not alert_holds({"age_band": "13_17"})
    assert not alert_holds({"age_band": "under_13", "date_of_birth": born_years_ago(15)})


def test_the_911_alert_gives_a_short_reason_for_each_trigger() -> None:
    (alert,) = FLOW.alerts
    assert alert.name == "call_911"
    assert "911" in alert.message
    assert all(0 < len(t.reason) <= 40 for t in alert.triggers)


# -- call-ready milestone --------------------------------------------------------------------------


def call_ready() -> tuple[str, ...]:
    (milestone,) = (m for m in FLOW.milestones if m.name == "call_ready")
    return milestone.requires


def test_call_ready_milestone_covers_the_readout_clothing_and_missing_type() -> None:
    always = {n for n in FLOW.readout if FLOW.field(n).relevant is None}
    assert always - {"child_phones"} <= set(call_ready())
    assert POSITION["child_phones"] < POSITION["photo"]
    assert "police" in FLOW.milestones[0].message


def test_call_ready_milestone_lists_only_questions_that_are_always_asked() -> None:
    # The engine counts a question as settled once it has an entry; one that is skipped as
    # not applicable would hold the milestone back for ever.
    for name in call_ready():
        place = next(p for p in places() if p.field.name == name)
        assert not list(guards(place)), name


def test_call_ready_milestone_waits_for_the_checklists_but_not_their_follow_ups() -> None:
    last_required = max(POSITION[name] for name in call_ready())
    assert all(POSITION[name] <= last_required for name in RISK_QUESTIONS)
    assert set(RISK_QUESTIONS) <= set(call_ready())


def test_call_ready_is_announced_for_a_boy_right_after_the_photo() -> None:
    interview = Interview(FLOW)
    reply = interview.start(now=NOW)
    answers = {"date_of_birth": "03/07/2011", "sex": "male", "state": "OH"}
    fallback = {
        Kind.YES_NO: "no",
        Kind.DATETIME: "now",
        Kind.HEIGHT: "5'4\"",
        Kind.WEIGHT: "110",
        Kind.PHOTO: "skip",
    }
    announced_after = ""
    for _ in range(80):
        assert reply.prompt is not None
        key, kind = reply.prompt.key, reply.prompt.kind
        if (kind is Kind.MULTI_CHOICE and key not in answers) or kind is Kind.PHONE:
            text = "none"
        elif kind in (Kind.CHOICE, Kind.MULTI_CHOICE) and key not in answers:
            text = reply.prompt.choices[0].value
        else:
            text = answers.get(key, fallback.get(kind, "Some details"))
        reply = interview.handle(text, now=NOW)
        assert reply.error is None, (key, reply.error)
        if any("NCIC entry" in alert for alert in reply.alerts):
            announced_after = key
            break
    assert announced_after == "photo"


# -- risk flags and follow-ups ---------------------------------------------------------------------


def test_every_section_b_risk_flag_exists_and_has_a_follow_up_question() -> None:
    follow_ups = {flag for p in places() for flag in follow_up_flags(p)}
    for name in SECTION_B_FLAGS:
        assert name in FLAGS, name
        assert name in follow_ups, name


def test_every_defined_flag_is_used_by_a_follow_up_question() -> None:
    follow_ups = {flag for p in places() for flag in follow_up_flags(p)}
    assert set(FLAGS) <= follow_ups


def test_follow_ups_of_the_cautions_come_after_the_milestone_in_one_run() -> None:
    last_required = max(POSITION[name] for name in call_ready())
    for flag in ("medical", "medication", "mental_health", "suicide", "substance_use", "gang"):
        assert flag_reads(FLAGS[flag]) == {"cautions"}
        users = [p.position for p in places() if flag in follow_up_flags(p)]
        assert users == list(range(users[0], users[0] + len(users)))
        assert users[0] > last_required


def test_ncic_caution_codes_are_suggested_only_where_a_yes_supports_them() -> None:
    cmc = {flag.name: flag.cmc for flag in FLOW.risk_flags}
    assert cmc["medication"] == "80"
    assert cmc["suicide"] == "70"
    assert cmc["substance_use"] == "20"
    assert cmc["medical"] == "01"
    assert cmc["violence"] in ("00", "05")
    assert cmc["gang"] == ""  # a gang alone does not say "violent tendencies"
    codes = {c.value: c.code for c in FLOW.field("cautions").choices}
    assert (codes["diabetic"], codes["epileptic"], codes["heart_condition"]) == ("90", "65", "50")


def test_third_or_later_episode_raises_the_repeat_runaway_flag() -> None:
    ctx = Ctx({"missing_before": "yes", "prior_episode_count": 2})
    assert ctx.flag("repeat_runaway")
    assert not Ctx({"missing_before": "yes", "prior_episode_count": 1}).flag("repeat_runaway")
    counted, _ = FLAGS["repeat_runaway"].triggers
    assert "Third or later" in counted.reason


def test_a_third_known_episode_raises_the_repeat_runaway_flag_without_a_count() -> None:
    assert Ctx({}, facts={"episode_number": 3}).flag("repeat_runaway")
    assert not Ctx({}, facts={"episode_number": 2}).flag("repeat_runaway")
    assert not Ctx({}).flag("repeat_runaway")


def test_csec_follow_ups_do_not_wait_for_the_episode_count_asked_later() -> None:
    assert "prior_episode_count" not in flag_reads(FLAGS["csec"])
    assert POSITION["csec_exploiters"] < POSITION["prior_episode_count"]


def test_questions_triage_already_answered_are_never_asked_again() -> None:
    triage = {n for n in POSITION if FLOW.locate(n)[1].name == "triage"}
    for flag in ("endangering_company", "out_of_character"):
        assert flag_reads(FLAGS[flag]) <= triage, flag
    assert "developmental_disability" not in {c.value for c in FLOW.field("cautions").choices}
    assert Ctx({"triage": ["incapacity"]}).flag("disability")
    assert Ctx({"triage": ["identified_trafficking_victim"]}).flag("csec")
    assert Ctx({"triage": ["dangerous_situation"]}).flag("danger")


def test_pregnancy_follow_ups_are_asked_only_when_pregnant_is_ticked() -> None:
    assert asked("pregnancy_details", {"cautions": ["pregnant", "medical"]})
    assert not asked("pregnancy_details", {"cautions": ["medical"]})


def test_young_child_follow_ups_are_asked_only_for_a_child_under_13() -> None:
    assert asked("hiding_places_searched", {"date_of_birth": born_years_ago(8)})
    assert not asked("hiding_places_searched", {"date_of_birth": born_years_ago(14)})


# -- conditional sections --------------------------------------------------------------------------


def test_guardian_questions_are_asked_only_when_the_reporter_is_not_the_guardian() -> None:
    for name in ("guardian_name", "guardian_agency", "guardian_phones", "guardian_email"):
        assert asked(name, {"is_legal_guardian": "no"}), name
        assert not asked(name, {"is_legal_guardian": "yes"}), name


def test_abductor_questions_are_asked_only_when_an_abduction_is_suspected() -> None:
    assert not asked("abductor_identity", {"missing_type": "runaway"})
    assert asked("abductor_identity", {"missing_type": "family_abduction"})
    assert asked("abductor_identity", {"missing_type": "non_family_abduction"})
    assert asked("abductor_identity", {"missing_type": "runaway", "foul_play_suspected": "yes"})
    assert asked("abduction_witnesses", {"missing_type": "non_family_abduction"})
    assert not asked("abduction_witnesses", {"missing_type": "family_abduction"})


def test_companions_are_a_repeat_group_opened_by_a_yes() -> None:
    _, _, repeat = FLOW.locate("companion_name")
    assert repeat is not None and repeat.name == "companions" and repeat.noun == "companion"
    assert asked("companion_name", {"had_companions": "yes"})
    assert not asked("companion_name", {"had_companions": "no"})
    phones = FLOW.field("companion_phones")
    assert phones.kind is Kind.PHONE and phones.multiple and not phones.required


def test_publication_authority_is_asked_whenever_a_photo_went_to_ncmec() -> None:
    assert asked("publication_authorized_by", {"photo_submitted": "yes"})
    assert not asked("publication_authorized_by", {"photo_submitted": "no"})
    assert FLOW.field("publication_authorized_by").required


def test_long_term_records_are_required_so_unknown_stays_an_open_item() -> None:
    for name in (
        "medical_records_available",
        "dental_records_available",
        "fingerprints_on_file",
        "dna_relatives_available",
    ):
        fld = FLOW.field(name)
        assert fld.kind is Kind.YES_NO and fld.required, name


# -- sensitivity -----------------------------------------------------------------------------------


def test_medical_mental_health_and_exploitation_questions_are_sensitive() -> None:
    for place in places():
        if follow_up_flags(place) & set(SENSITIVE_FLAGS):
            assert place.field.sensitive, place.field.name
    for flag in SENSITIVE_FLAGS:
        for name in flag_reads(FLAGS[flag]):
            assert FLOW.field(name).sensitive, name


def test_custody_sexual_and_past_episode_details_are_sensitive() -> None:
    for name in (
        "custody_basis",
        "abductor_court_orders",
        "foul_play_details",
        "last_episode_experience",
        "ssn",
    ):
        assert FLOW.field(name).sensitive, name


def test_the_photo_is_one_message_and_more_photos_can_follow_later() -> None:
    photo, more = FLOW.field("photo"), FLOW.field("more_photos")
    assert photo.kind is Kind.PHOTO and more.kind is Kind.PHOTO
    assert photo.sensitive and photo.required and not photo.multiple
    assert more.sensitive and more.multiple and not more.required
    assert asked("photo_date", {"photo": [1]})
    assert not asked("photo_date", {})


# -- flow-level settings ---------------------------------------------------------------------------


def test_subject_is_the_childs_name_and_the_clock_is_when_the_agency_was_told() -> None:
    assert FLOW.subject_field == "child_name"
    assert FLOW.field("child_name").max_length == 100
    assert FLOW.clock_field == "agency_notified_at"
    assert FLOW.field(FLOW.clock_field).kind is Kind.DATETIME


def test_police_and_ncmec_reports_are_due_in_24_hours_and_done_by_their_case_numbers() -> None:
    due = {d.name: (d.hours, d.done_field) for d in FLOW.deadlines if d.hours is not None}
    assert due == {
        "le_report": (24, "le_case_number"),
        "ncmec_report": (24, "ncmec_case_number"),
    }


def test_federal_law_sets_no_time_for_the_other_checklist_deadlines() -> None:
    untimed = [d.name for d in FLOW.deadlines if d.hours is None]
    assert untimed == [
        "supervisor",
        "notify_court",
        "notify_gal_casa",
        "notify_parents",
        "notify_tribe",
        "ncic_entry",
    ]


def test_the_nic_number_must_be_m_and_nine_digits() -> None:
    nic = FLOW.field("nic_number")
    assert re.fullmatch(nic.pattern, "M123456789")
    assert not re.fullmatch(nic.pattern, "123456789")
    assert not re.fullmatch(nic.pattern, "M12345678")
    assert "M123456789" in nic.hint


def test_phone_fields_that_may_hold_several_numbers_take_several() -> None:
    for name in ("child_phones", "reporter_phones", "guardian_phones", "abductor_phones"):
        fld = FLOW.field(name)
        assert fld.kind is Kind.PHONE and fld.multiple, name


# -- wording ---------------------------------------------------------------------------------------


def test_prompts_are_short_questions_that_use_only_the_child_placeholder() -> None:
    for place in places():
        prompt = place.field.prompt
        assert set(re.findall(r"\{[^}]*\}", prompt)) <= {"{child}"}, place.field.name
        assert not prompt.startswith("{child}"), place.field.name  # "the child" is lower case
        assert len(prompt) <= 120, place.field.name


def test_hints_are_under_80_characters_and_never_use_the_placeholder() -> None:
    for place in places():
        assert len(place.field.hint) <= 80, place.field.name
        assert "{" not in place.field.hint, place.field.name


def test_every_field_has_a_short_report_label() -> None:
    for place in places():
        assert place.field.label, place.field.name
        assert len(place.field.label) <= 40, place.field.name
