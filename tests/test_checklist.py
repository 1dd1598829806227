"""The crisis checklist: its steps in order, where they apply, when they are done, and /status."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine

from bot.render.report_html import render_html
from bot.render.report_pdf import render_pdf
from bot.service.intake import IntakeService
from flows.conditions import Answered, JsonValue, When
from flows.deadline_profiles import FEDERAL, PROFILES, DeadlineProfile
from flows.duties import DONE, NOT_APPLICABLE, OPEN, DeadlineStatus
from flows.engine import Interview
from flows.missing_from_care import FLOW
from flows.report import Report, build_report, render_police_text, render_status_text
from flows.schema import Answer, ChecklistStep, Deadline, FlowDefinitionError, Status
from flows.validation import validate_flow
from storage import repository as repo
from tests.conftest import MINI_FLOW
from tests.test_telegram_app import _chat

CHICAGO = ZoneInfo("America/Chicago")
TOLD = datetime(2026, 11, 28, 0, 0, tzinfo=CHICAGO)  # the agency was told at midnight
NOW = TOLD + timedelta(minutes=40)


def answered(**values: JsonValue) -> dict[str, Answer]:
    return {key: Answer(Status.ANSWERED, value) for key, value in values.items()}


CLOCK = answered(child_name="Destiny Alvarez", agency_notified_at=TOLD.isoformat())
POLICE = answered(le_agency="Dayton PD", le_case_number="25-004512")


def report(
    stored: Mapping[str, Answer],
    *,
    profile: DeadlineProfile = FEDERAL,
    now: datetime = NOW,
    facts: Mapping[str, str] | None = None,
) -> Report:
    return build_report(FLOW, stored, now=now, profile=profile, facts=facts)


def states(rep: Report) -> dict[str, str]:
    return {step.name: step.state for step in rep.checklist}


def step_lines(text: str) -> list[str]:
    block = text.split("CHECKLIST (", 1)[1].split("\n\n", 1)[0]
    return block.splitlines()[1:]


def test_the_steps_follow_the_on_call_order_of_the_domain_checklist() -> None:
    assert [step.name for step in report(CLOCK).checklist] == [
        "le_report",
        "ncmec_report",
        "supervisor",
        "notify_court",
        "notify_gal_casa",
        "notify_parents",
        "notify_tribe",
        "ncic_entry",
    ]


def test_the_real_flow_and_its_checklist_pass_validation() -> None:
    assert validate_flow(FLOW) is FLOW


def test_the_tribe_is_a_step_only_for_a_child_who_may_be_an_indian_child() -> None:
    assert states(report({**CLOCK, **answered(tribal_member="no")}))["notify_tribe"] == (
        NOT_APPLICABLE
    )
    assert states(report({**CLOCK, **answered(tribal_member="yes")}))["notify_tribe"] == OPEN
    # Not known yet: the step stays open until someone rules it out.
    unknown = {**CLOCK, "tribal_member": Answer(Status.UNKNOWN)}
    assert states(report(unknown))["notify_tribe"] == OPEN


@pytest.mark.parametrize("why", ["tpr", "relinquished", "unlocatable"])
def test_parents_are_not_a_step_when_rights_ended_or_they_cannot_be_found(why: str) -> None:
    assert states(report({**CLOCK, **answered(parents_status=why)}))["notify_parents"] == (
        NOT_APPLICABLE
    )


def test_parents_are_a_step_when_they_must_be_told() -> None:
    stored = {**CLOCK, **answered(parents_status="notify")}
    assert states(report(stored))["notify_parents"] == OPEN
    stored |= answered(parents_notified="Mother, Rosa Alvarez, by phone 00:30")
    assert states(report(stored))["notify_parents"] == DONE


def test_the_gal_casa_step_applies_unless_the_child_has_none() -> None:
    assert states(report({**CLOCK, **answered(has_gal_casa="no")}))["notify_gal_casa"] == (
        NOT_APPLICABLE
    )
    stored = {**CLOCK, **answered(has_gal_casa="yes", gal_casa_notified="GAL Paul Dunn")}
    assert states(report(stored))["notify_gal_casa"] == DONE


def test_the_police_step_needs_the_agency_and_the_case_number() -> None:
    assert states(report({**CLOCK, **answered(le_agency="Dayton PD")}))["le_report"] == OPEN
    done = report({**CLOCK, **POLICE})
    assert states(done)["le_report"] == DONE
    assert done.checklist[0].detail == "Dayton PD · 25-004512"


def test_ncic_is_done_once_entry_is_confirmed_and_the_nic_number_given() -> None:
    confirmed = {**CLOCK, **answered(ncic_entry_confirmed="yes")}
    assert states(report(confirmed))["ncic_entry"] == OPEN
    rep = report({**confirmed, **answered(nic_number="M123456789")})
    assert states(rep)["ncic_entry"] == DONE
    assert rep.checklist[-1].detail == "M123456789"


def test_ncmec_is_done_by_its_case_number() -> None:
    assert states(report({**CLOCK, **answered(ncmec_case_number="1523364")}))["ncmec_report"] == (
        DONE
    )


def test_the_supervisor_step_is_done_by_a_fact_not_by_an_answer() -> None:
    assert states(report(CLOCK))["supervisor"] == OPEN
    rep = report(CLOCK, facts={"supervisor_reached": "J. Smith, 00:14"})
    assert states(rep)["supervisor"] == DONE
    assert rep.checklist[2].detail == "J. Smith, 00:14"


def test_open_steps_count_in_the_open_items_once() -> None:
    stored = {**CLOCK, "le_case_number": Answer(Status.UNKNOWN), **answered(le_agency="PD")}
    items = {(i.section, i.key): i.status for i in report(stored).open_items}

    # The police step waits for the case number, which is already an open item itself.
    assert items[("Police report", "le_case_number")] == "unknown"
    assert ("Checklist", "le_report") not in items
    # Nothing the worker can answer settles the supervisor step, so it is listed as a step.
    assert items[("Checklist", "supervisor")] == "open"
    done = report(stored, facts={"supervisor_reached": "J. Smith"})
    assert ("Checklist", "supervisor") not in {(i.section, i.key) for i in done.open_items}


def test_a_step_waiting_for_the_question_that_rules_it_in_or_out_is_not_listed_twice() -> None:
    items = {(i.section, i.key) for i in report(CLOCK).open_items}

    assert ("Notifications", "has_gal_casa") in items
    assert ("Checklist", "notify_gal_casa") not in items


def test_an_open_step_past_its_deadline_is_an_overdue_item() -> None:
    rep = report(CLOCK, profile=PROFILES["TX"])
    items = {i.key: i.status for i in rep.open_items if i.section == "Checklist"}
    assert items["supervisor"] == "overdue"  # Texas: immediately


def test_profile_hours_reach_the_report_deadlines() -> None:
    rep = report({**CLOCK, **POLICE}, profile=PROFILES["MO"])

    due = {d.name: (d.due_at, d.done) for d in rep.deadlines}
    assert due == {
        "le_report": (TOLD + timedelta(hours=2), True),
        "ncmec_report": (TOLD + timedelta(hours=2), False),
    }
    assert rep.deadlines[1].remaining == timedelta(hours=1, minutes=20)


def test_deadlines_of_steps_that_do_not_apply_are_left_out() -> None:
    stored = {**CLOCK, **answered(tribal_member="no", parents_status="tpr", has_gal_casa="yes")}

    names = [d.name for d in report(stored, profile=PROFILES["AZ"]).deadlines]

    assert "notify_tribe" not in names and "notify_parents" not in names
    assert {"notify_court", "notify_gal_casa"} <= set(names)


def test_a_deadline_is_done_when_every_step_that_names_it_is_done() -> None:
    stored = {**CLOCK, **answered(has_gal_casa="yes")}
    assert not _deadline(report(stored, profile=PROFILES["TX"]), "notify_gal_casa").done
    stored |= answered(gal_casa_notified="GAL by voicemail")
    assert _deadline(report(stored, profile=PROFILES["TX"]), "notify_gal_casa").done


def test_the_federal_profile_sets_no_time_for_the_supervisor_or_the_notifications() -> None:
    assert [d.name for d in report(CLOCK).deadlines] == ["le_report", "ncmec_report"]
    assert all(step.deadline is None for step in report(CLOCK).checklist[2:])


def test_deadlines_are_shown_in_the_agency_zone_whatever_offset_the_clock_answer_has() -> None:
    eastern = {**CLOCK, **answered(agency_notified_at="2026-11-28T01:00:00-05:00")}

    rep = report(eastern, profile=PROFILES["MO"])

    assert rep.deadlines[0].due_at.tzinfo == CHICAGO
    assert "  Report to law enforcement: due 02:00 CST — 1 h 20 min left" in render_status_text(
        rep, now=NOW
    )


def test_status_shows_each_step_with_its_time_left_counted_from_the_clock() -> None:
    rep = report(
        {**CLOCK, **answered(ncmec_case_number="1523364", tribal_member="no")},
        profile=PROFILES["MO"],
    )

    text = render_status_text(rep, now=NOW)

    assert "CHECKLIST (Missouri (MO) deadlines)" in text
    assert step_lines(text)[:3] == [
        "  ○ Report to law enforcement: due 02:00 CST — 1 h 20 min left",
        "  ✓ Report to NCMEC — 1523364",
        "  ○ Reach a supervisor — open",
    ]
    assert "  – Notify the tribe (Indian child) — not applicable" in step_lines(text)
    assert "    + Notify the juvenile officer and the Highway Patrol." in text
    later = render_status_text(rep, now=TOLD + timedelta(hours=2, minutes=10))
    assert "  ○ Report to law enforcement: due 02:00 CST — OVERDUE by 10 min" in later


def test_status_says_immediately_for_a_duty_the_law_gives_no_time() -> None:
    text = render_status_text(report(CLOCK, profile=PROFILES["TX"]), now=NOW)

    assert (
        "  ○ Reach a supervisor: due immediately — not done yet, 40 min since notified"
        in step_lines(text)
    )


def test_status_lists_the_earliest_deadline_first_and_before_the_checklist() -> None:
    text = render_status_text(report(CLOCK, profile=PROFILES["TX"]), now=NOW)

    deadlines = text.split("DEADLINES (", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert deadlines[0] == (
        "  Reach a supervisor: due immediately — not done yet, 40 min since notified"
    )
    assert deadlines[1].startswith(
        "  Report to law enforcement: due Sun Nov 29 00:00 CST — 23 h 20"
    )
    assert text.index("DEADLINES (") < text.index("CHECKLIST (") < text.index("RISK FLAGS")


def test_status_before_the_clock_starts_shows_the_steps_without_times() -> None:
    text = render_status_text(report(answered(child_name="Destiny")), now=NOW)

    assert "DEADLINES: start when 'agency notified' is answered" in text
    assert step_lines(text)[0] == "  ○ Report to law enforcement — open"


def test_the_police_read_out_leaves_the_checklist_out() -> None:
    assert "CHECKLIST" not in render_police_text(report({**CLOCK, **POLICE}))


def test_the_supervisor_summary_shows_the_checklist_with_overdue_steps_marked() -> None:
    html = "".join(render_html(report(CLOCK, profile=PROFILES["TX"]), now=NOW))

    assert "<b>CHECKLIST</b> (Texas (TX) deadlines)" in html
    assert "⏰ ○ <b>Reach a supervisor: due immediately — not done yet, 40 min since" in html
    assert "○ Report to NCMEC: due Sun Nov 29 00:00 CST — 23 h 20 min left" in html
    assert "  + Notify the special investigator." in html


def test_the_pdf_prints_the_checklist_as_one_table_after_the_deadlines() -> None:
    rep = report({**CLOCK, **POLICE}, profile=PROFILES["GA"])

    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(rep, now=NOW))).pages
    )

    assert text.index("DEADLINES") < text.index("CHECKLIST (Georgia (GA) deadlines)")
    assert "Report to law enforcement — Dayton PD · 25-004512" in text
    assert "NCIC entry confirmed (NIC number): due Sun Nov 29 00:00 CST — 23 h 20 min left" in text
    assert "+ Update NCMEC once the police report exists." in text


async def test_telegram_status_shows_the_checklist(engine: Engine) -> None:
    async for chat in _chat(engine, FLOW):
        await chat.send("/start")
        await chat.send("/status")
        status = next(t for t in reversed(chat.api.sent()) if "CHECKLIST" in t["text"])
        assert "CHECKLIST (Federal 24-hour deadlines)" in status["text"]
        assert "○ Report to law enforcement — open" in status["text"]
        assert "DEADLINES: start when &#x27;agency notified&#x27; is answered" in status["text"]


def test_the_interview_status_command_uses_its_profile_and_facts() -> None:
    interview = Interview(
        FLOW,
        state="intake",
        answers={**CLOCK, **POLICE},
        profile=PROFILES["ND"],
        facts={"supervisor_reached": "J. Smith, 00:14"},
    )

    reply = interview.handle("status", now=NOW)

    assert reply.view == "status" and reply.report is not None
    assert states(reply.report)["supervisor"] == DONE
    assert reply.report.profile_title == "North Dakota (ND) deadlines"
    text = render_status_text(reply.report, now=NOW)
    assert "  ✓ Reach a supervisor — J. Smith, 00:14" in step_lines(text)
    assert "  ○ Report to NCMEC: due 12:00 CST — 11 h 20 min left" in step_lines(text)


def test_the_service_builds_reports_with_the_agency_profile(tmp_path: Path) -> None:
    engine = repo.make_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    repo.create_tables(engine)
    service = IntakeService(
        flow=FLOW, engine=engine, clock=lambda: NOW, zone=CHICAGO, profile=PROFILES["KS"]
    )
    report_id = service.start("worker-1").report_id

    rep = service.report(report_id)

    assert rep.profile_title == "Kansas (KS) deadlines"
    assert "    + Notify the Special Response Team within 2 h." in render_status_text(rep, now=NOW)


def test_the_service_refuses_a_profile_that_does_not_fit_its_flow(tmp_path: Path) -> None:
    engine = repo.make_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    lax = replace(PROFILES["KS"], hours={"le_report": 48})
    with pytest.raises(FlowDefinitionError, match="le_report of 48 h"):
        IntakeService(flow=FLOW, engine=engine, clock=lambda: NOW, zone=CHICAGO, profile=lax)


# -- definition checks ----------------------------------------------------------------------------

STEP = ChecklistStep("named", "Name given", done_field="child_name")


def with_checklist(*steps: ChecklistStep, deadlines: tuple[Deadline, ...] = ()) -> None:
    validate_flow(replace(MINI_FLOW, checklist=steps, deadlines=deadlines))


def test_a_valid_mini_checklist_passes() -> None:
    with_checklist(
        STEP,
        ChecklistStep(
            "hair", "Hair", done_when=Answered("hair"), relevant=When("danger", "no"), deadline="d"
        ),
        deadlines=(Deadline("d", "Due", 2),),
    )


def test_a_step_naming_an_unknown_field_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="'checklist step named' refers to an unknown"):
        with_checklist(replace(STEP, done_field="nobody"))


def test_a_step_naming_an_unknown_deadline_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="unknown deadline 'soon'"):
        with_checklist(replace(STEP, deadline="soon"))


def test_a_step_with_no_way_to_be_done_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="has no done_field, done_when or done_fact"):
        with_checklist(ChecklistStep("never", "Never done"))


def test_a_step_defined_twice_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="'checklist step named' is defined twice"):
        with_checklist(STEP, STEP)


def test_a_step_shown_by_an_unknown_field_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="unknown field 'ghost'"):
        with_checklist(replace(STEP, show=("ghost",)))


def _deadline(rep: Report, name: str) -> DeadlineStatus:
    return next(d for d in rep.deadlines if d.name == name)
