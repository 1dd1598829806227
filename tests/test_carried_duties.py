"""What a known child's next episode carries from the police, NCMEC and notification sections."""

from __future__ import annotations

import pytest

from benchmarks import repeat_chain
from tests.test_not_yet import NOW, asked, at, open_item, step

Run = tuple[list[repeat_chain.Leg], list[str]]
STABLE = ("le_agency", "le_investigator", "ncmec_method", "has_gal_casa", "parents_status")
TONIGHT = ("le_reported_at", "le_case_number", "le_officer", "nic_number", "ncmec_reported_at")
TOLD = ("ncmec_contact", "court_notified", "gal_casa_notified", "parents_notified")


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Returns the repeat chain's legs and problems, run once for the module."""
    return repeat_chain.run(tmp_path_factory.mktemp("chain"))


def test_the_agency_the_investigator_the_method_the_gal_and_the_parents_are_kept_from_the_file(
    chain: Run,
) -> None:
    legs, _ = chain
    assert not set(STABLE) & set(legs[2].asked)
    assert set(STABLE) <= set(repeat_chain.carried_fields(repeat_chain.FLOW))


def test_tonights_reports_and_who_was_told_tonight_are_asked_afresh(
    chain: Run,
) -> None:
    legs, problems = chain
    assert {*TONIGHT, *TOLD} <= set(legs[2].asked)
    assert not problems


def test_police_report_not_made_yet_at_its_case_number_skips_the_rest_with_the_agency_known() -> (
    None
):
    interview, _ = at("le_case_number")
    reply = interview.handle("not yet; calling after the search", now=NOW)
    assert asked(reply) == "le_escalation"
    assert not {"le_reported_at", "le_officer", "nic_number"} & set(interview.answers)
    report = interview.report(now=NOW)
    assert step(report, "le_report") == "open"
    assert open_item(report, "le_case_number").startswith("not yet, due Tue Mar 3 19:30 EST")


def test_ncmec_report_not_made_yet_at_its_case_number_skips_the_rest_with_the_method_known() -> (
    None
):
    interview, _ = at("ncmec_case_number")
    reply = interview.handle("Not yet", now=NOW)
    assert asked(reply) == "court_notified"
    assert not {"ncmec_reported_at", "ncmec_contact", "photo_submitted"} & set(interview.answers)
    assert step(interview.report(now=NOW), "ncmec_report") == "open"
