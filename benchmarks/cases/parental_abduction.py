"""Case 2: a 12-year-old is taken from school pickup by her father, whose rights were terminated."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from benchmarks.cases import Case

CASE = Case(
    name="parental_abduction",
    title="12-year-old taken by her father (rights terminated)",
    now=datetime(2026, 4, 14, 17, 25, tzinfo=ZoneInfo("America/New_York")),
    photos=frozenset({"photo", "abductor_photo"}),
    facts={
        # Triage: the foster mother saw him pull her into his truck.
        "immediate_danger": "yes",
        "date_of_birth": "06/03/2013",
        "incapacity": "no",
        "with_endangering_person": "yes",
        "dangerous_situation": "no",
        "identified_trafficking_victim": "no",
        "out_of_character_disappearance": "yes",
        # When and where
        "last_seen_at": "today 3:20pm",
        "discovered_missing_at": "today 3:20pm",
        "agency_notified_at": "today 3:35pm",
        "last_seen_place": "Pickup loop of Jefferson Elementary, 1200 Oak Ave, Lexington, "
        "Fayette County, KY",
        "last_seen_by": "Foster mother Angela Brooks, 859-555-0123",
        "what_happened": "Her father, Travis Hale, walked up as she reached the foster mother's "
        "car, pulled her into his red pickup and drove off north on Oak Ave.",
        "direction_of_travel": "North on Oak Ave toward I-75, in a red Ford F-150",
        "searches_made": ("called_texted", "friends_family", "school_work"),
        "hiding_places_searched": "no",
        "can_give_own_details": "yes",
        "goes_out_alone": "no",
        # The child
        "child_name": "Hale, Lily Ann",
        "aliases": "none",
        "sex": "female",
        "race": "white",
        "ethnicity": "not_hispanic",
        "height": "4'11\"",
        "weight": "88",
        "hair": "blond",
        "eyes": "blue",
        "complexion": "fair",
        "clothing": "Purple school hoodie, blue jeans, pink Skechers, purple backpack",
        "photo_date": "09/15/2025",
        # Risks
        "missing_type": "family_abduction",
        "has_medical_condition": "yes",
        "medical_condition_details": "Asthma",
        "medical_untreated_effect": "Attacks with exertion or stress; needs her inhaler within "
        "minutes",
        "medical_provider": "Dr. Singh, Bluegrass Pediatrics, 859-555-0160",
        "medical_supplies_taken": "Her inhaler is in her backpack",
        "takes_medication": "yes",
        "medication_details": "Albuterol inhaler as needed; Flovent twice a day",
        "medication_last_dose": "today 7:30am",
        "medication_supply_taken": "Albuterol inhaler only",
        "medication_missed_effect": "Missing Flovent for a few days raises the risk of an attack",
        "medication_prescriber": "Kroger Pharmacy Tates Creek, 859-555-0166",
        "has_mental_health_condition": "yes",
        "mental_health_diagnosis": "PTSD",
        "mental_health_current": "Nightmares after a court date in March",
        "mental_health_triggers": "Shouting upsets her; her stuffed rabbit calms her",
        "mental_health_provider": "Ms. Carter, therapist, 859-555-0170",
        "suicide_risk": "no",
        "uses_substances": "no",
        "is_pregnant": "no",
        "has_developmental_disability": "no",
        "gang_involved": "no",
        "online_enticement_risk": "no",
        "csec_indicators": "no",
        "endangering_who": "Her father Travis Hale, 38; his rights were terminated in 2024",
        "endangering_why": "Domestic violence history, a no-contact order, threatened to take "
        "her 'where nobody finds us'",
        "endangering_contact": "Red 2016 Ford F-150, KY plate 7HJ-442; cell 859-555-0191",
        "has_violence_or_weapons": "no",
        "exposure_risk": "no",
        "out_of_character_details": "She has never gone missing; she was taken in front of a "
        "witness",
        "other_danger": "no",
        # Reporter
        "agency_name": "Kentucky DCBS, Fayette County",
        "reporter_name": "Monica Reed",
        "reporter_phones": "859-555-0130",
        "reporter_email": "monica.reed@dcbs.example",
        "agency_case_number": "KY-22-88190",
        "is_legal_guardian": "yes",
        "custody_basis": "Court order, Fayette Family Court, 23-J-00412; TPR 2024",
        # More identifying details
        "place_of_birth": "Richmond, KY, USA",
        "tribal_member": "no",
        "school": "Jefferson Elementary, 6th grade",
        "build_mannerisms": "Small for her age; shy, hides behind her hair",
        "hair_description": "Long, straight, usually in two braids",
        "wears_glasses": "yes",
        "glasses_details": "Round pink plastic frames",
        "has_braces": "yes",
        "braces_details": "Upper and lower, purple bands",
        "has_piercings": "no",
        "has_tattoos": "no",
        "has_scars_marks": "yes",
        "scar_details": "Small scar through left eyebrow",
        "items_taken": ("bag", "medication"),
        "vehicle_access": "no",
        # Phones and online
        "child_phones": "none",
        "child_email": "none",
        "social_accounts": "none",
        "devices_secured": "yes",
        # Placement
        "placement_type": "foster_family",
        "caregiver": "Angela and Mark Brooks, 77 Tates Creek Rd, Lexington KY, 859-555-0123",
        "caregiver_reported": "yes",
        "caregiver_report_number": "Lexington Police by 911, report 26-118204",
        "last_caseworker_visit": "April 2, settled and doing well",
        "recent_changes": "Father released from jail last month",
        # Background
        "precipitating_factors": "Nothing on her side; father had been sending messages to the "
        "foster family through relatives",
        "possible_whereabouts": "His mother's house in Richmond KY; his girlfriend in Knoxville TN",
        "associates": "Paternal grandmother Donna Hale, 859-555-0195",
        "had_companions": "yes",
        "foul_play_suspected": "yes",
        "foul_play_details": "Her father took her by force in front of her foster mother",
        "on_probation": "no",
        # Suspected abductor
        "abductor_identity": "Travis Wayne Hale, father, DOB 02/11/1988, male",
        "abductor_description": "6'1\", about 210 lb, shaved head, beard, tattoo of an eagle "
        "on his right forearm; grey work jacket",
        "abductor_license": "KY D123-456-789",
        "abductor_phones": "859-555-0191",
        "abductor_vehicle": "Red 2016 Ford F-150, KY plate 7HJ-442, dent on tailgate",
        "abductor_places": "Mother's house, 14 Boone Trail, Richmond KY; girlfriend in "
        "Knoxville TN; works at a Berea tire shop",
        "abductor_international": "None known; no passport",
        "abductor_court_orders": "TPR 2024; no-contact order 24-DV-0771; DV conviction 2022",
        # Earlier episodes
        "missing_before": "no",
        # Police report
        "le_agency": "Lexington Police Department, 859-555-0102",
        "le_reported_at": "today 3:40pm",
        "le_officer": "Officer J. Ramos, badge 1187",
        "le_investigator": "Det. K. Wells, 859-555-0108",
        "le_case_number": "LPD-26-118204",
        "ncic_entry_confirmed": "yes",
        "nic_number": "M223344556",
        "le_category_used": "EME",
        "amber_evaluation": "Yes, asked at 3:45pm; KSP reviewing for an AMBER Alert",
        "le_escalation": "No",
        # NCMEC
        "ncmec_method": "call_center",
        "ncmec_reported_at": "today 4:30pm",
        "ncmec_case_number": "1510044",
        "ncmec_contact": "Mr. Daniels",
        "ncmec_le_on_file": "yes",
        "photo_submitted": "yes",
        "publication_authorized_by": "Regional administrator Paul Stone",
        "foster_status_withheld": "yes",
        # Notifications
        "court_notified": "Fayette Family Court, by e-mail to Judge Moore's office at 4:50pm",
        "has_gal_casa": "yes",
        "gal_casa_notified": "GAL attorney Beth Lyons, by phone at 4:55pm",
        "parents_status": "tpr",
        "notified_so_far": "Supervisor Greg Allen; foster-care licensing",
        # Long-term records
        "medical_records_available": "yes",
        "dental_records_available": "yes",
        "records_providers": "Dr. Singh, 859-555-0160; Bright Smiles Orthodontics 859-555-0172",
        "fingerprints_on_file": "no",
        "dna_relatives_available": "yes",
    },
    groups={
        "companions": (
            {
                "companion_name": "Travis Hale, her father",
                "companion_age": "38",
                "companion_relationship": "Father (parental rights terminated)",
                "companion_phones": "859-555-0191",
                "companion_vehicle": "Red 2016 Ford F-150, KY plate 7HJ-442",
            },
        ),
    },
)
