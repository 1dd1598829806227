"""Reading hints for the missing-from-care flow: face-sheet labels and the last-seen pair, as data.

Labels are matched in any case, with or without the colon's spacing; list every spelling a
case-management system prints. A label not listed here leaves its line among the other
face-sheet notes, so adding one is the whole change for a new system's face sheet.
"""

from __future__ import annotations

from flows.extract.hints import Hints, LabelRule, Mode, TimePlace

FACE_SHEET = (
    LabelRule(
        ("name", "child name", "child's name", "youth name", "client name", "full name",
         "legal name", "name of child"),
        ("child_name",),
    ),
    LabelRule(("aka", "a.k.a.", "alias", "aliases", "nickname", "goes by", "preferred name"),
              ("aliases",)),
    LabelRule(("dob", "d.o.b.", "d.o.b", "date of birth", "birth date", "birthdate"),
              ("date_of_birth",)),
    LabelRule(("sex", "gender"), ("sex",)),
    LabelRule(("race",), ("race",)),
    LabelRule(("ethnicity",), ("ethnicity",)),
    LabelRule(("height/weight", "height / weight", "ht/wt", "ht./wt."), ("height", "weight"),
              Mode.MEASURES),
    LabelRule(("height", "ht"), ("height",), Mode.MEASURES),
    LabelRule(("weight", "wt"), ("weight",), Mode.MEASURES),
    LabelRule(("hair/eyes", "hair / eyes", "hair/eye color", "hair & eyes"), ("hair", "eyes"),
              Mode.MEASURES),
    LabelRule(("hair", "hair color", "hair colour"), ("hair",), Mode.MEASURES),
    LabelRule(("eyes", "eye color", "eye colour"), ("eyes",), Mode.MEASURES),
    LabelRule(("complexion", "skin tone", "skin"), ("complexion",), Mode.MEASURES),
    LabelRule(("place of birth", "birthplace", "pob"), ("place_of_birth",)),
    LabelRule(("ssn", "ss#", "social security #", "social security number"), ("ssn",)),
    LabelRule(
        ("case #", "case no.", "case no", "case number", "case id", "agency case #",
         "agency case number", "case"),
        ("agency_case_number",),
    ),
    LabelRule(
        ("placement", "placement type", "current placement", "living arrangement"),
        ("placement_type", "caregiver"),
        Mode.PICK,
        words=(("foster home", "foster_family"), ("therapeutic foster", "foster_family"),
               ("relative", "kinship"), ("treatment", "residential"), ("rtc", "residential"),
               ("congregate", "group_home"), ("shelter", "other_placement")),
    ),
    LabelRule(
        ("caregiver", "caregivers", "foster parent", "foster parents", "foster parent(s)",
         "placement provider", "provider", "placement address", "placement phone"),
        ("caregiver",),
        keep_label=True,
    ),
    LabelRule(
        ("caseworker", "case worker", "assigned worker", "assigned caseworker", "worker",
         "case manager", "ongoing worker", "caseworker name", "worker name"),
        ("guardian_name",),
    ),
    LabelRule(
        ("worker phone", "caseworker phone", "worker's phone", "worker phones",
         "case manager phone"),
        ("guardian_phones",),
    ),
    LabelRule(("agency", "placing agency", "county agency"), ("agency_name",)),
    LabelRule(("medications", "medication", "meds", "current medications"),
              ("medication_details",), Mode.GATED),
    LabelRule(("allergies", "allergy"), ("medical_condition_details",), Mode.GATED,
              none_is_no=False, keep_label=True),
    LabelRule(("medical", "medical conditions", "medical condition", "health conditions"),
              ("medical_condition_details",), Mode.GATED, keep_label=True),
    LabelRule(("diagnoses", "diagnosis", "mental health", "mh diagnosis"),
              ("mental_health_diagnosis",), Mode.GATED, none_is_no=False),
    LabelRule(("school", "school/grade", "school & grade", "school / grade"), ("school",)),
    LabelRule(
        ("court/judge", "court / judge", "court", "judge", "court case", "legal status",
         "custody"),
        ("custody_basis",),
        keep_label=True,
    ),
    LabelRule(("gal/casa", "gal / casa", "gal", "casa", "guardian ad litem", "gal/casa/attorney"),
              ("has_gal_casa",), Mode.PRESENCE, note=True),
    LabelRule(
        ("parents", "parent(s)", "birth parents", "parents/guardians"),
        ("parents_status",),
        Mode.PICK,
        note=True,
        words=(("tpr", "tpr"), ("terminated", "tpr"), ("relinquish", "relinquished"),
               ("whereabouts unknown", "unlocatable"), ("unable to locate", "unlocatable")),
    ),
    LabelRule(("icwa", "icwa status", "tribe", "tribal affiliation"), ("tribe_name",),
              Mode.GATED),
    LabelRule(("child phone", "child's phone", "youth phone", "youth cell", "child cell"),
              ("child_phones",)),
    LabelRule(("child email", "youth email"), ("child_email",)),
    LabelRule(("glasses",), ("glasses_details",), Mode.GATED),
    LabelRule(("tattoos",), ("tattoo_details",), Mode.GATED),
    LabelRule(("scars/marks", "scars", "marks", "scars / marks"), ("scar_details",), Mode.GATED),
    LabelRule(("probation officer",), ("probation_officer",), Mode.GATED),
)  # fmt: skip

HINTS = Hints(
    face_sheet=FACE_SHEET,
    time_places=(TimePlace("last_seen_at", "last_seen_place"),),
    face_sheet_notes="Other face-sheet notes",
)
