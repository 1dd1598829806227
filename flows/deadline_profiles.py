"""State deadline profiles: how many hours each reporting duty has, by the agency's state.

Built from the domain research (missing-from-care.md, section C2, "verify current text"). The
flow's deadlines are the federal default (42 U.S.C. 671(a)(35)(B): law enforcement and NCMEC
immediately, no later than 24 hours); a profile only overrides them by name and sets the duties
federal law gives no time for (supervisor, notifications, NCIC follow-up). 0 hours means
'immediately'. What a state adds that the checklist does not track is kept as ``notes``.

Where the law says "immediately, no later than N hours" the profile holds N: the due time shown
is the latest lawful one, and the wording still says "immediately" in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flows.schema import Flow, FlowDefinitionError

FEDERAL_SOURCE = "42 U.S.C. 671(a)(35)(B); 34 U.S.C. 41308"


@dataclass(frozen=True, slots=True)
class DeadlineProfile:
    """One state's deadlines: hours per flow deadline name, notes and the sources they come from."""

    code: str
    name: str
    hours: Mapping[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    source: str = FEDERAL_SOURCE

    @property
    def title(self) -> str:
        """Returns the name shown with the checklist, e.g. 'Texas (TX) deadlines'."""
        return f"{self.name} ({self.code}) deadlines" if self.code else f"{self.name} deadlines"


FEDERAL = DeadlineProfile("", "Federal 24-hour")

PROFILES: dict[str, DeadlineProfile] = {
    p.code: p
    for p in (
        DeadlineProfile(
            "MO",
            "Missouri",
            {"le_report": 2, "ncmec_report": 2},
            (
                "Notify the juvenile officer and the Highway Patrol.",
                "Contacts with law enforcement monthly while the child is missing.",
            ),
            "[MO-210.795]; [MO-4.8.3]; [MO-NCMEC-list]",
        ),
        DeadlineProfile(
            "KS",
            "Kansas",
            {"le_report": 2, "ncmec_report": 24},
            (
                "Notify the Special Response Team within 2 h.",
                "Send the full descriptive packet to police, the Special Response Team and NCMEC"
                " within 24 h.",
            ),
            "[KS]",
        ),
        DeadlineProfile(
            "KY",
            "Kentucky",
            {"le_report": 12, "ncmec_report": 24},
            ("If police do not enter the child in LINK/NCIC, file an affidavit.",),
            "[KY]",
        ),
        DeadlineProfile(
            "ND",
            "North Dakota",
            {"le_report": 12, "ncmec_report": 12, "supervisor": 12},
            ("Police, NCMEC and the Regional Supervisor: immediately, no later than 12 h.",),
            "[ND]",
        ),
        DeadlineProfile(
            "FL",
            "Florida",
            {"le_report": 4},
            (
                "Any exigent criterion (the triage questions): report to police immediately.",
                "Police enter FCIC/NCIC within 2 h and may not demand a custody order.",
                "Enter the FSFN missing-child report within 24 h.",
            ),
            "[FL-65C]; [FL-937]; [FL-rule-notice]",
        ),
        DeadlineProfile(
            "TX",
            "Texas",
            {
                "le_report": 24,
                "ncmec_report": 24,
                "supervisor": 0,
                "notify_court": 24,
                "notify_gal_casa": 24,
                "notify_parents": 24,
            },
            (
                "Police: immediately, no later than 24 h.",
                "Notify the special investigator.",
                "Ask police for an AMBER Alert if the child was taken unwillingly.",
                "If police decline the report, contact CSCAL within 8 h.",
            ),
            "[TX-264.123]; [TX-DFPS]; [TX-HB]",
        ),
        DeadlineProfile(
            "CA",
            "California",
            {
                "le_report": 24,
                "ncmec_report": 24,
                "notify_parents": 24,
                "notify_court": 24,
                "notify_gal_casa": 24,
                "notify_tribe": 24,
            },
            ("Police and the parties under AB 2108: immediately, no later than 24 h.",),
            "[CA]; [CA-AB2108]; [CDSS]",
        ),
        DeadlineProfile(
            "OR",
            "Oregon",
            {"le_report": 24, "ncmec_report": 24},
            (
                "Police and NCMEC: immediately, no later than 24 h.",
                "Notify the court and legal parties as soon as practicable, unless that would"
                " endanger the child or an investigation.",
            ),
            "[OR-OAR]; [OR-proc]",
        ),
        DeadlineProfile(
            "IL",
            "Illinois",
            {"le_report": 24, "ncmec_report": 24, "notify_parents": 24, "notify_court": 24},
            (
                "After hours, caregivers report to the State Central Register.",
                "File an unusual incident report.",
            ),
            "[IL-329]; [IL-CWIG]",
        ),
        DeadlineProfile(
            "NY",
            "New York",
            {"le_report": 24, "ncmec_report": 24},
            (
                "Police and NCMEC: immediately, no later than 24 h.",
                "A child identified as a trafficking victim: tell police within 24 h.",
            ),
            "[NY]; [NY-ADM]",
        ),
        DeadlineProfile(
            "WA",
            "Washington",
            {"le_report": 24, "ncmec_report": 24, "notify_tribe": 24},
            (
                "For an Indian child, report to tribal police too within 24 h.",
                "Notify people important to the youth within 24 h.",
                "Supervisor staffing within 2 calendar days; notify the attorney if overnight.",
            ),
            "[WA-4550]; [WA-CWIG]",
        ),
        DeadlineProfile(
            "GA",
            "Georgia",
            {"le_report": 24, "ncmec_report": 24, "ncic_entry": 24, "notify_court": 48},
            (
                "Notify the DFCS Missing Children Team within 24 h.",
                "Update NCMEC once the police report exists.",
                "Runaway report to the juvenile court within 2 business days; shown as 48 h,"
                " the earliest that can fall.",
            ),
            "[GA]; [GA-PAMMS]",
        ),
        DeadlineProfile(
            "AZ",
            "Arizona",
            {
                "le_report": 24,
                "ncmec_report": 24,
                "notify_parents": 24,
                "notify_court": 24,
                "notify_gal_casa": 24,
                "notify_tribe": 24,
            },
            (
                "Get the police DR number.",
                "Written and phone notice within 24 h, to the caregiver too.",
                "File a pick-up order motion within 24 h.",
            ),
            "[AZ]",
        ),
    )
}


class UnknownAgencyState(ValueError):
    """AGENCY_STATE names a state with no deadline profile."""


def profile_for(code: str) -> DeadlineProfile:
    """Returns the profile for a two-letter state code; empty means the federal default."""
    key = code.strip().upper()
    if not key:
        return FEDERAL
    try:
        return PROFILES[key]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UnknownAgencyState(
            f"no deadline profile for AGENCY_STATE={code!r}; use one of {known},"
            " or leave it empty for the federal 24 hours"
        ) from None


def check_profile(flow: Flow, profile: DeadlineProfile) -> DeadlineProfile:
    """Returns the profile, or raises FlowDefinitionError if it could mislead a worker.

    Every name must be one of the flow's deadlines, and no profile may give more time than
    the flow's (federal) default: a state can shorten a deadline, never lengthen it.
    """
    defaults = {d.name: d.hours for d in flow.deadlines}
    for name, hours in profile.hours.items():
        if name not in defaults:
            raise FlowDefinitionError(f"profile {profile.code!r}: unknown deadline {name!r}")
        limit = defaults[name]
        if hours < 0 or (limit is not None and hours > limit):
            raise FlowDefinitionError(
                f"profile {profile.code!r}: {name} of {hours} h is outside 0-{limit} h"
            )
    return profile
