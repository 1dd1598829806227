"""The repeat chain: one child's first report, its recovery, and her next episode days later.

The first report is the runaway case's facts for another girl (her own name, birth date and
case numbers). ``RECOVERY`` is what the worker knows when she is found; ``NEXT`` is what the
worker on call knows the night she goes missing again: tonight's facts, the new police and NCMEC
reports, and the few stable facts that changed (``CHANGED``). Everything else the worker knows
from the last report, which is on file.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from benchmarks.cases import Case, runaway

ZONE = ZoneInfo("America/New_York")

FIRST = Case(
    name="repeat_first",
    title="Repeat chain: first report",
    now=datetime(2026, 3, 2, 23, 40, tzinfo=ZONE),
    photos=frozenset({"photo"}),
    facts={
        **runaway.CASE.facts,
        "child_name": "Brooks, Nevaeh Janelle",
        "date_of_birth": "05/02/2011",
        "aliases": "Vay",
        "agency_case_number": "CW-2025-0342",
        "child_phones": "937-555-0166",
        "le_case_number": "DPD-26-04502",
        "nic_number": "M223456781",
        "ncmec_case_number": "1502399",
        "prior_case_numbers": "NCMEC 1502399 opened Jan 2026",
    },
)

RECOVERY = Case(
    name="repeat_recovery",
    title="Repeat chain: recovery",
    now=datetime(2026, 3, 4, 14, 0, tzinfo=ZONE),
    facts={
        "found_at": "today 11:30am",
        "found_where": "Motel 6 on Wagner Ford Rd, room 112",
        "found_by": "law_enforcement",
        "found_with": "An adult man called Dre, about 24",
        "episode_experience": "Stayed two nights at the motel; Dre paid; no injuries reported",
        "condition": "Tired and hungry; blood sugar high, treated at Dayton Children's",
        "medical_needs": "yes",
        "medical_details": "Seen at Dayton Children's ER, insulin restarted, released",
        "told": ("law_enforcement", "ncmec", "supervisor"),
        "debrief_at": "today 1:30pm",
        "screening_at": "today 1:45pm",
        "screening_result": "suspected",
    },
)

# What changed since the last report: a new phone is an episode fact (asked anyway); the weight
# and the placement's last visit are stable facts the worker corrects through "Change…".
CHANGED = {
    "weight": "112",
    "last_caseworker_visit": "Mar 5, after her return; safety plan made",
}

NEXT = Case(
    name="repeat_next",
    title="Repeat chain: next episode",
    now=datetime(2026, 3, 7, 23, 30, tzinfo=ZONE),
    photos=frozenset(),
    facts={
        **CHANGED,
        # Tonight's facts.
        "triage": ("with_endangering_person",),
        "date_of_birth": "05/02/2011",
        "child_name": "Brooks, Nevaeh Janelle",
        "last_seen_at": "today 8:15pm",
        "last_seen_place": "Bus stop outside Belmont High School, Dayton, Montgomery County, OH",
        "clothing": "Red Bulls hoodie, blue jeans, black Crocs, small black backpack",
        "had_companions": "no",
        "missing_type": "runaway",
        "cautions": ("medical", "medication", "online_enticement", "csec"),
        "endangering_who": "'Dre', about 24, the same man she was found with on Mar 4",
        "endangering_contact": "Grey Nissan Altima, Ohio plate starting JKT",
        "child_phones": "937-555-0199",
        "discovered_missing_at": "today 9:00pm",
        "agency_notified_at": "today 9:10pm",
        "last_seen_by": "Bus driver, route 8, told the school resource officer",
        "what_happened": "Did not come home from school; texted a friend she was 'with Dre'",
        "medication_last_dose": "today 12:30pm",
        "medication_supply_taken": "No, insulin pens left at the group home",
        # The new reports: police and NCMEC (NCMEC keeps her case number).
        "le_reported_at": "today 9:40pm",
        "le_case_number": "DPD-26-05120",
        "nic_number": "M223456799",
        "ncmec_reported_at": "today 10:05pm",
        "ncmec_case_number": "1502399",
    },
)
