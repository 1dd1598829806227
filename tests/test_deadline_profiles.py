"""State deadline profiles: the hours of domain section C2, chosen by AGENCY_STATE."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.terminal.cli import main
from flows.deadline_profiles import (
    FEDERAL,
    PROFILES,
    DeadlineProfile,
    UnknownAgencyState,
    check_profile,
    profile_for,
)
from flows.missing_from_care import FLOW
from flows.schema import FlowDefinitionError

# Domain section C2, by state: (law enforcement, NCMEC, the other deadlines it sets in hours).
C2 = {
    "MO": (2, 2, {}),
    "KS": (2, 24, {}),
    "KY": (12, 24, {}),
    "ND": (12, 12, {"supervisor": 12}),
    "FL": (4, 24, {}),
    "TX": (
        24,
        24,
        {"supervisor": 0, "notify_court": 24, "notify_gal_casa": 24, "notify_parents": 24},
    ),
    "CA": (
        24,
        24,
        {"notify_parents": 24, "notify_court": 24, "notify_gal_casa": 24, "notify_tribe": 24},
    ),
    "OR": (24, 24, {}),
    "IL": (24, 24, {"notify_parents": 24, "notify_court": 24}),
    "NY": (24, 24, {}),
    "WA": (24, 24, {"notify_tribe": 24}),
    "GA": (24, 24, {"ncic_entry": 24, "notify_court": 48}),
    "AZ": (
        24,
        24,
        {"notify_parents": 24, "notify_court": 24, "notify_gal_casa": 24, "notify_tribe": 24},
    ),
}


def hours(profile: DeadlineProfile) -> dict[str, float | None]:
    """Returns every deadline's hours under the profile, None where none applies."""
    return {d.name: profile.hours.get(d.name, d.hours) for d in FLOW.deadlines}


@pytest.mark.parametrize("code", sorted(C2))
def test_each_state_profile_holds_the_hours_of_its_table_row(code: str) -> None:
    le, ncmec, others = C2[code]
    expected = {d.name: d.hours for d in FLOW.deadlines}
    expected |= {"le_report": le, "ncmec_report": ncmec, **others}

    profile = profile_for(code)

    assert profile.code == code
    assert hours(profile) == expected
    assert profile.source.startswith(f"[{code}")


def test_every_state_in_the_table_has_a_profile_and_no_other() -> None:
    assert sorted(PROFILES) == sorted(C2)


def test_an_empty_state_means_the_federal_24_hours_for_police_and_ncmec_only() -> None:
    assert profile_for("") is FEDERAL
    assert profile_for("  ") is FEDERAL
    assert hours(FEDERAL) == {
        "le_report": 24,
        "ncmec_report": 24,
        "supervisor": None,
        "notify_court": None,
        "notify_gal_casa": None,
        "notify_parents": None,
        "notify_tribe": None,
        "ncic_entry": None,
    }
    assert "671(a)(35)(B)" in FEDERAL.source


def test_a_state_code_is_read_in_any_case_and_spacing() -> None:
    assert profile_for(" tx ") is PROFILES["TX"]


def test_an_unknown_state_is_refused_naming_the_states_that_have_a_profile() -> None:
    with pytest.raises(UnknownAgencyState, match="AGENCY_STATE='ZZ'; use one of AZ, CA, FL, GA"):
        profile_for("ZZ")


@pytest.mark.parametrize("profile", [FEDERAL, *PROFILES.values()], ids=lambda p: p.code or "US")
def test_no_profile_gives_police_or_ncmec_more_than_the_federal_24_hours(
    profile: DeadlineProfile,
) -> None:
    assert check_profile(FLOW, profile) is profile
    assert profile.hours.get("le_report", 24) <= 24
    assert profile.hours.get("ncmec_report", 24) <= 24


def test_a_profile_longer_than_federal_law_is_refused() -> None:
    lax = replace(PROFILES["MO"], hours={"le_report": 36})
    with pytest.raises(FlowDefinitionError, match="le_report of 36 h is outside 0-24 h"):
        check_profile(FLOW, lax)


def test_a_profile_naming_an_unknown_deadline_is_refused() -> None:
    odd = replace(PROFILES["MO"], hours={"pickup_order": 24})
    with pytest.raises(FlowDefinitionError, match="unknown deadline 'pickup_order'"):
        check_profile(FLOW, odd)


def test_agency_state_setting_chooses_the_profile() -> None:
    settings = Settings(_env_file=None, agency_state="nd")

    assert settings.agency_state == "ND"
    assert settings.deadline_profile is PROFILES["ND"]
    assert Settings(_env_file=None).deadline_profile is FEDERAL


def test_agency_state_setting_refuses_an_unknown_state() -> None:
    with pytest.raises(ValidationError, match="no deadline profile for AGENCY_STATE='XX'"):
        Settings(_env_file=None, agency_state="XX")


def test_start_up_with_an_unknown_state_stops_with_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENCY_STATE", "Texas")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")

    assert main(["export", "1"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("AGENCY_STATE: no deadline profile for AGENCY_STATE='Texas'; use one of")
    assert "Traceback" not in err and err.count("\n") == 1
