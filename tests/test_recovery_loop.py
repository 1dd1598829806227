"""The recovery closes the loop: interview, screening tool, reports owed, prevention plan."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flows.recovery import RECOVERY
from flows.report import Report, build_report
from flows.schema import Answer, Status
from flows.slots import Answers, walk

NOW = datetime(2026, 11, 28, 23, 0, tzinfo=ZoneInfo("America/New_York"))
FOUND_AT = NOW - timedelta(hours=3)


def stored(values: dict[str, str]) -> dict[str, Answer]:
    """Returns the answers of a child found three hours ago, with these answers too."""
    given = {"found_at": FOUND_AT.isoformat(), **values}
    return {k: Answer(Status.ANSWERED, v) for k, v in given.items()}


def record(**values: str) -> Report:
    """Returns the recovery record with these answers."""
    return build_report(RECOVERY, stored(values), now=NOW)


def asked(**values: str) -> set[str]:
    """Returns every question the recovery asks with these answers."""
    return {slot.key for slot in walk(RECOVERY, Answers(RECOVERY, stored(values), NOW))}


def duties(report: Report) -> dict[str, bool]:
    return {d.name: d.done for d in report.deadlines}


def test_the_recovery_asks_for_a_photo_taken_at_recovery_after_the_childs_condition() -> None:
    names = [f.name for f in RECOVERY.sections[0].items]  # type: ignore[union-attr]
    assert names.index("condition") < names.index("recovery_photo")
    assert not RECOVERY.field("recovery_photo").required


def test_who_interviewed_the_child_and_why_they_left_are_asked_once_the_debrief_is_held() -> None:
    assert not {"interviewed_by", "leaving_reasons"} & asked()
    held = asked(debrief_at=NOW.isoformat())
    assert {"interviewed_by", "leaving_reasons"} <= held


def test_the_screening_names_its_tool_and_level_of_concern() -> None:
    tools = [c.label for c in RECOVERY.field("screening_tool").choices]
    assert tools[:4] == ["CSE-IT 2.0", "CSE-IT Brief", "HTST", "Vera TVIT short form"]
    levels = [c.value for c in RECOVERY.field("screening_concern").choices]
    assert levels == ["no_concern", "possible_concern", "clear_concern"]
    assert {"screening_tool", "screening_concern"} <= asked(screening_at=NOW.isoformat())
    assert not {"screening_tool", "screening_concern"} & asked()


def test_no_abuse_or_crime_report_is_owed_until_one_is_indicated() -> None:
    owed = duties(record(abuse_identified="no", crime_identified="no"))
    assert "abuse_report" not in owed and "crime_report" not in owed
    assert "abuse_report" not in duties(record())


def test_indicated_abuse_and_crime_become_duties_due_24_hours_after_the_recovery() -> None:
    report = record(abuse_identified="yes", crime_identified="yes")
    due = {d.name: d for d in report.deadlines}
    assert due["abuse_report"].due_at == FOUND_AT + timedelta(hours=24)
    assert not due["abuse_report"].done and not due["crime_report"].done
    steps = {s.name: s.state for s in report.checklist}
    assert steps["abuse_report"] == steps["crime_report"] == "open"


def test_a_report_made_settles_its_duty_and_asks_the_police_case_number() -> None:
    report = record(
        abuse_identified="yes",
        abuse_reported_at=NOW.isoformat(),
        crime_identified="yes",
        crime_reported_at=NOW.isoformat(),
    )
    assert duties(report)["abuse_report"] and duties(report)["crime_report"]
    assert "crime_report_number" in asked(crime_identified="yes", crime_reported_at=NOW.isoformat())
    assert "crime_report_number" not in asked(crime_identified="yes")


def test_the_caregiver_is_asked_about_only_once_the_prevention_plan_is_updated() -> None:
    assert "caregiver_told_plan" not in asked(prevention_plan_updated="no")
    assert "caregiver_told_plan" in asked(prevention_plan_updated="yes")
