"""The report: police read-out first, then flags, sections, open items and deadlines."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import pytest

from flows.conditions import AgeBelow, Flag, JsonValue, When
from flows.report import Line, Report, build_report, render_text, report_to_dict
from flows.schema import (
    Alert,
    Answer,
    Category,
    Choice,
    Deadline,
    Field,
    Flow,
    Kind,
    Repeat,
    RiskFlag,
    Section,
    Status,
    Trigger,
)
from flows.validation import validate_flow

CENTRAL = timezone(timedelta(hours=-6))
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=CENTRAL)

FLOW = validate_flow(
    Flow(
        id="mini",
        version="1",
        title="Missing child report",
        sections=(
            Section(
                "triage",
                "Triage",
                (
                    Field("child_name", Kind.TEXT, "Child's full name?", label="Name", ncic="NAM"),
                    Field("dob", Kind.DATE, "Date of birth?", label="Date of birth", ncic="DOB"),
                    Field(
                        "hair",
                        Kind.CHOICE,
                        "Hair colour?",
                        ncic="HAI",
                        choices=(Choice("brown", "Brown", "BRO"), Choice("black", "Black", "BLK")),
                    ),
                    Field("nickname", Kind.TEXT, "Nickname?", required=False),
                    Field("medical", Kind.YES_NO, "Any medical condition?", label="Medical"),
                    Field("with_adult", Kind.YES_NO, "With an adult who may endanger them?"),
                ),
            ),
            Section(
                "episode",
                "Episode",
                (
                    Field("last_seen", Kind.DATETIME, "Last seen when?", ncic="DLC"),
                    Field(
                        "notified",
                        Kind.DATETIME,
                        "When was the agency told?",
                        label="Agency notified",
                    ),
                    Field("circumstances", Kind.TEXT, "What happened?"),
                ),
            ),
            Section(
                "risks",
                "Risk follow-ups",
                (
                    Field("condition", Kind.TEXT, "Which condition?", relevant=Flag("medical")),
                    Field(
                        "untreated",
                        Kind.TEXT,
                        "What happens without treatment?",
                        label="Without treatment",
                        relevant=Flag("medical"),
                    ),
                    Repeat(
                        "adults",
                        "adult",
                        (
                            Field("adult_name", Kind.TEXT, "Adult's name?", label="Name"),
                            Field(
                                "adult_phone", Kind.PHONE, "Phone?", label="Phone", required=False
                            ),
                        ),
                        relevant=Flag("with_adult"),
                    ),
                ),
            ),
            Section(
                "police",
                "Law enforcement",
                (
                    Field("le_case", Kind.TEXT, "LE case number?", label="LE case number"),
                    Field("photos", Kind.PHOTO, "Photos?", required=False, multiple=True),
                ),
            ),
        ),
        risk_flags=(
            RiskFlag("under_13", "Under 13", (Trigger(AgeBelow("dob", 13), "Child is under 13"),)),
            RiskFlag(
                "medical",
                "Medical condition",
                (Trigger(When("medical", "yes"), "Worker reported a medical condition"),),
                cmc="80",
            ),
            RiskFlag(
                "with_adult",
                "With a dangerous adult",
                (Trigger(When("with_adult", "yes"), "With an adult who may endanger them"),),
            ),
        ),
        alerts=(
            Alert(
                "call_911",
                "CALL 911 NOW: the child may be in danger",
                (
                    Trigger(AgeBelow("dob", 13), "Child is under 13"),
                    Trigger(When("with_adult", "yes"), "With an adult who may endanger them"),
                ),
            ),
        ),
        categories=(
            Category("EMJ", "Juvenile"),
            Category("EME", "Endangered", when=Flag("with_adult")),
        ),
        readout=("child_name", "dob", "hair", "last_seen"),
        subject_field="child_name",
        clock_field="notified",
        deadlines=(
            Deadline("le", "Law-enforcement report", 24, done_field="le_case"),
            Deadline("supervisor", "Supervisor told", 2),
        ),
    )
)


def answered(value: JsonValue) -> Answer:
    return Answer(Status.ANSWERED, value)


UNKNOWN = Answer(Status.UNKNOWN)
SKIPPED = Answer(Status.SKIPPED)

ANA = {
    "child_name": answered("Ana Maria Ruiz"),
    "dob": answered("2011-03-07"),
    "hair": answered("brown"),
    "nickname": SKIPPED,
    "medical": answered("yes"),
    "with_adult": answered("no"),
    "last_seen": answered("2026-11-27T23:30:00-06:00"),
    "notified": answered("2026-11-27T23:50:00-06:00"),
    "circumstances": answered("Left after dinner.\nTook her backpack."),
    "condition": answered("Type 1 diabetes"),
    "untreated": UNKNOWN,
    "le_case": UNKNOWN,
    "photos": answered([101, 102]),
}


def report_for(
    stored: Mapping[str, Answer],
    *,
    state: str = "intake",
    report_id: int | None = None,
    deadline_hours: Mapping[str, float] | None = None,
) -> Report:
    return build_report(
        FLOW, stored, now=NOW, state=state, report_id=report_id, deadline_hours=deadline_hours
    )


def line(lines: tuple[Line, ...], key: str) -> Line:
    return next(x for x in lines if x.key == key)


def test_police_read_out_follows_the_flow_readout_with_ncic_codes() -> None:
    report = report_for(ANA)

    assert [x.key for x in report.police] == ["child_name", "dob", "age", "hair", "last_seen"]
    assert line(report.police, "child_name").ncic == "NAM"
    dob = line(report.police, "dob")
    assert (dob.ncic, dob.code) == ("DOB", "20110307")
    assert "2011-03-07" in dob.value
    assert line(report.police, "hair").code == "BRO"


def test_unanswered_read_out_fields_still_appear_for_the_officer() -> None:
    report = report_for({**ANA, "hair": UNKNOWN, "last_seen": SKIPPED, "dob": UNKNOWN})

    assert line(report.police, "hair").value == "Unknown"
    assert line(report.police, "last_seen").value == "Not yet given"
    assert line(report.police, "age").value == "Unknown"
    assert line(report_for({}).police, "child_name").value == "Not yet given"


def test_age_is_derived_from_the_date_of_birth_never_asked() -> None:
    assert line(report_for(ANA).police, "age").value == "15"
    day_before_birthday = {**ANA, "dob": answered("2011-11-29")}
    assert line(report_for(day_before_birthday).police, "age") == Line("age", "Age", "14")


def test_category_rule_picks_endangered_over_the_juvenile_default() -> None:
    assert report_for(ANA).category == Line(
        "category", "Category (MKE)", "Juvenile", "EMJ", ncic="MKE"
    )
    with_adult = {**ANA, "with_adult": answered("yes")}
    category = report_for(with_adult).category
    assert category is not None
    assert (category.code, category.value) == ("EME", "Endangered")


def test_raised_flags_carry_their_reasons_and_follow_up_answers() -> None:
    stored = {
        **ANA,
        "dob": answered("2015-01-02"),
        "with_adult": answered("yes"),
        "adults.0.adult_name": answered("Jay Doe"),
        "adults.0.adult_phone": SKIPPED,
        "adults.0._more": answered("no"),
    }
    report = report_for(stored)

    assert [f.name for f in report.flags] == ["under_13", "medical", "with_adult"]
    medical = report.flags[1]
    assert (medical.label, medical.cmc) == ("Medical condition", "80")
    assert medical.reasons == ("Worker reported a medical condition",)
    assert [(x.label, x.value) for x in medical.details] == [
        ("Condition", "Type 1 diabetes"),
        ("Without treatment", "Unknown"),
    ]
    # A skipped follow-up says nothing about the danger, so it is left out of the details.
    assert [x.label for x in report.flags[2].details] == ["Adult 1: Name"]
    assert report.flags[0].details == ()
    assert report.alerts == (
        "CALL 911 NOW: the child may be in danger (reasons: Child is under 13; "
        "With an adult who may endanger them)",
    )


def test_an_answer_made_irrelevant_by_a_later_edit_drops_out_of_the_report() -> None:
    edited = {**ANA, "medical": answered("no")}  # the condition answer stays in storage
    report = report_for(edited)

    keys = {x.key for s in report.sections for x in s.lines}
    assert "condition" not in keys
    assert "untreated" not in keys
    assert [f.name for f in report.flags] == []
    assert [s.title for s in report.sections] == ["Triage", "Episode", "Law enforcement"]
    assert "Type 1 diabetes" not in render_text(report, now=NOW)
    # Settled-but-empty answers that still apply are shown for what they are.
    assert line(report.sections[0].lines, "nickname").value == "Skipped"
    assert line(report.sections[2].lines, "le_case").value == "Unknown"


def test_open_items_list_unknown_skipped_and_missing_required_questions_only() -> None:
    stored = {**ANA, "circumstances": SKIPPED}
    del stored["photos"]
    del stored["child_name"]
    report = report_for(stored)

    assert [(i.key, i.section, i.status) for i in report.open_items] == [
        ("child_name", "Triage", "missing"),
        ("circumstances", "Episode", "skipped"),
        ("untreated", "Risk follow-ups", "unknown"),
        ("le_case", "Law enforcement", "unknown"),
    ]
    assert report.subject == "Unknown child"


def test_deadlines_count_down_from_the_agency_clock_and_show_overdue_and_done() -> None:
    report = report_for(ANA)

    assert [(d.name, d.done) for d in report.deadlines] == [("supervisor", False), ("le", False)]
    supervisor, le = report.deadlines
    assert supervisor.due_at == datetime(2026, 11, 28, 1, 50, tzinfo=CENTRAL)
    assert supervisor.remaining == -timedelta(hours=10, minutes=10)
    assert le.remaining == timedelta(hours=11, minutes=50)

    done = report_for({**ANA, "le_case": answered("24-118832")})
    assert [d.done for d in done.deadlines] == [False, True]


def test_deadline_hours_can_be_overridden_by_a_state_profile() -> None:
    report = report_for(ANA, deadline_hours={"le": 2})

    assert [d.name for d in report.deadlines] == ["le", "supervisor"]
    assert report.deadlines[0].due_at == datetime(2026, 11, 28, 1, 50, tzinfo=CENTRAL)


def test_deadlines_wait_for_the_clock_question() -> None:
    report = report_for({**ANA, "notified": UNKNOWN})

    assert report.deadlines == ()
    assert "DEADLINES: start when 'agency notified' is answered" in render_text(report, now=NOW)


def test_render_text_reads_police_then_flags_sections_open_items_and_deadlines() -> None:
    text = render_text(report_for(ANA, report_id=12), now=NOW)

    assert text.startswith("MISSING CHILD REPORT #12 — Ana Maria Ruiz\nStatus: in progress · ")
    order = [
        "POLICE READ-OUT (NCIC)",
        "RISK FLAGS",
        "TRIAGE",
        "EPISODE",
        "OPEN ITEMS (2)",
        "DEADLINES (from agency notified",
    ]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert "  Name ............. Ana Maria Ruiz [NAM RUIZ, ANA MARIA]\n" in text
    assert "[DOB 20110307]\n" in text
    assert "  Age .............. 15\n" in text
    assert "  Hair ............. Brown [HAI BRO]\n" in text
    assert "  Category (MKE) ... Juvenile [MKE EMJ]\n" in text
    assert "  ! Medical condition [CMC 80] — Worker reported a medical condition\n" in text
    assert "      Condition: Type 1 diabetes\n" in text
    assert "  - Law enforcement › LE case number — unknown\n" in text
    assert (
        "  Supervisor told: due Sat Nov 28, 2026 01:50 UTC-06:00 — OVERDUE by 10 h 10 min\n" in text
    )
    assert (
        "  Law-enforcement report: due Sat Nov 28, 2026 23:50 UTC-06:00 — 11 h 50 min left\n"
        in text
    )
    assert all(len(x) <= 100 for x in text.splitlines())


def test_render_text_counts_down_from_the_time_it_is_rendered() -> None:
    report = report_for(ANA)
    later = render_text(report, now=NOW + timedelta(hours=12))

    assert (
        "Law-enforcement report: due Sat Nov 28, 2026 23:50 UTC-06:00 — OVERDUE by 10 min" in later
    )


def test_render_text_shows_markup_and_line_breaks_verbatim() -> None:
    stored = {**ANA, "circumstances": answered("<script>alert(1)</script>\nthen & left")}
    text = render_text(report_for(stored), now=NOW)

    assert "  Circumstances: <script>alert(1)</script>\n" in text
    assert "\n                 then & left\n" in text


def test_long_free_text_is_wrapped_under_its_label() -> None:
    stored = {**ANA, "circumstances": answered("word " * 60)}
    lines = render_text(report_for(stored), now=NOW).splitlines()

    start = lines.index(next(x for x in lines if x.startswith("  Circumstances: word")))
    assert lines[start + 1].startswith(" " * 17 + "word")
    assert all(len(x) <= 100 for x in lines)


def test_photos_are_counted_never_listed() -> None:
    report = report_for(ANA)
    text = render_text(report, now=NOW)

    assert "  Photos: 2 photos\n" in text
    assert "101" not in text
    assert "101" not in json.dumps(report_to_dict(report))


def test_report_to_dict_is_ready_for_json() -> None:
    data = json.loads(json.dumps(report_to_dict(report_for(ANA, report_id=12))))

    assert data["report_id"] == 12
    assert data["generated_at"] == "2026-11-28T12:00:00-06:00"
    assert data["deadlines"][1]["remaining"] == 11 * 3600 + 50 * 60
    assert data["police"][0] == {
        "key": "child_name",
        "label": "Name",
        "value": "Ana Maria Ruiz",
        "code": "RUIZ, ANA MARIA",
        "sensitive": False,
        "ncic": "NAM",
    }


@pytest.mark.parametrize("state", ["review", "submitted"])
def test_status_line_names_the_lifecycle_state(state: str) -> None:
    text = render_text(report_for(ANA, state=state), now=NOW)

    assert f"Status: {'in review' if state == 'review' else 'submitted'} · " in text


def test_the_real_flow_reads_the_ncic_core_to_police_in_order() -> None:
    from flows.answers import parse_answer
    from flows.missing_from_care import FLOW as REAL

    typed = {
        "triage": "1",
        "child_name": "Ruiz, Ana Maria",
        "date_of_birth": "03/07/2011",
        "sex": "female",
        "race": "white",
        "height": "5'4\"",
        "weight": "95",
        "eyes": "blue",
        "hair": "brown",
        "last_seen_at": "yesterday 23:30",
        "last_seen_place": "12 Oak St, Dayton, Montgomery County, OH",
        "agency_notified_at": "yesterday 23:50",
    }
    stored = {
        name: answered(parse_answer(REAL.field(name), text, now=NOW))
        for name, text in typed.items()
    }
    report = build_report(REAL, stored, now=NOW, report_id=7)
    text = render_text(report, now=NOW)

    assert [(x.key, x.ncic, x.code) for x in report.police] == [
        ("child_name", "NAM", "RUIZ, ANA MARIA"),
        ("date_of_birth", "DOB", "20110307"),
        ("age", "", ""),
        ("sex", "SEX", "F"),
        ("race", "RAC", "W"),
        ("height", "HGT", "504"),
        ("weight", "WGT", "095"),
        ("eyes", "EYE", "BLU"),
        ("hair", "HAI", "BRO"),
        ("clothing", "", ""),
        ("last_seen_at", "DLC", "20261127"),
        ("last_seen_place", "", ""),
        ("missing_type", "MPC", ""),
        ("cautions", "CMC", ""),
        ("child_phones", "", ""),
        ("photo", "", ""),
    ]
    assert line(report.police, "age").value == "15"
    assert report.category is not None and report.category.code == "EME"
    assert report.alerts and "(reasons: Immediate danger or abduction seen)" in report.alerts[0]
    assert [d.name for d in report.deadlines] == ["le_report", "ncmec_report"]
    assert report.deadlines[0].remaining == timedelta(hours=11, minutes=50)
    assert text.index("POLICE READ-OUT") < text.index("OPEN ITEMS") < text.index("DEADLINES")
    assert all(len(x) <= 100 for x in text.splitlines())
    json.dumps(report_to_dict(report))


def test_a_flag_reason_names_the_facts_supplied_and_marks_a_missing_one() -> None:
    from flows.conditions import Fact
    from flows.schema import Field, Flow, Kind, RiskFlag, Section, Trigger

    flag = RiskFlag("f", "F", (Trigger(Fact("n", 3), "{ordinal} time since {since}"),))
    flow = Flow(
        id="t",
        version="1",
        title="T",
        sections=(Section("s", "S", (Field("a", Kind.TEXT, "A?"),)),),
        risk_flags=(flag,),
        facts=("n", "ordinal", "since"),
    )
    report = build_report(flow, {}, now=NOW, facts={"n": 3, "ordinal": "3rd"})
    assert report.flags[0].reasons == ("3rd time since ?",)
    assert build_report(flow, {}, now=NOW, facts={"n": 2}).flags == ()
