"""The missing-from-care intake: every question, risk flag and NCIC code, as data.

Source of truth: ``shared/domain/missing-from-care.md`` sections 0, A (A0-A16), B and F. The order
is a product decision: triage, then everything the police read-out and the call-ready milestone
need, then the rest of the NCMEC field set, then the reports themselves.

Conventions: prompts may say ``{child}`` (the engine puts in the first name once it is known);
hints are never formatted, so they never say it. No choice value may be a command word
(``unknown``, ``skip``, ``done``, ``police`` ...), because a tapped button sends its value.
"""

from __future__ import annotations

from flows.classification import require_levels
from flows.conditions import (
    AgeBelow,
    AllOf,
    Answered,
    AnyOf,
    AtLeast,
    Condition,
    Fact,
    Flag,
    Not,
    When,
)
from flows.missing_from_care_extract import HINTS
from flows.not_yet import NotYet
from flows.schema import (
    Alert,
    Category,
    ChecklistStep,
    Choice,
    Deadline,
    Field,
    Flow,
    Kind,
    Level,
    Milestone,
    Repeat,
    RiskFlag,
    Section,
    Trigger,
)

# -- Choices ---------------------------------------------------------------------------------------

AGE_BANDS = (
    Choice("under_13", "Under 13"),
    Choice("13_17", "13 to 17"),
    Choice("18_20", "18 to 20 (extended care)"),
)

SEARCHES = (
    Choice("called_texted", "Called / texted the child"),
    Choice("belongings", "Checked belongings"),
    Choice("home_area", "Searched home and area"),
    Choice("friends_family", "Contacted friends / family"),
    Choice("school_work", "Contacted school / employer"),
    Choice("social_media", "Checked social media"),
    # Issue 18 (state policy and police practice), as the search-efforts log on main offers
    # hospitals and shelters too (flows/efforts.py).
    Choice("hospitals", "Checked hospitals"),
    Choice("shelters", "Checked shelters"),
    Choice("former_placements", "Contacted former placements"),
    Choice("therapist", "Contacted the therapist"),
    Choice("probation_officer", "Contacted the probation officer"),
)

# NCIC SEX, RAC and ETN (section F). The engine offers "Unknown" on every question (an open
# item), so RAC "U" is not repeated as a button; see the note in the hand-over.
SEXES = (
    Choice("male", "Male", "M", synonyms=("m", "boy", "man")),
    Choice("female", "Female", "F", synonyms=("f", "girl", "woman")),
)

# Issue 18: the published NCIC/NIEM RAC list splits the old "A Asian or Pacific Islander" into
# A = Asian and P = Native Hawaiian or Other Pacific Islander.
RACES = (
    Choice("asian", "Asian", "A"),
    Choice(
        "pacific_islander",
        "Native Hawaiian or Other Pacific Islander",
        "P",
        synonyms=("pacific islander", "native hawaiian"),
    ),
    Choice("black", "Black", "B"),
    Choice("american_indian", "American Indian or Alaska Native", "I"),
    Choice("white", "White", "W"),
)

ETHNICITIES = (
    Choice("hispanic", "Hispanic or Latino", "H"),
    Choice("not_hispanic", "Not Hispanic or Latino", "N"),
)

# NCIC HAI, most common first; the dyed colours follow.
HAIR_COLORS = (
    Choice("brown", "Brown", "BRO"),
    Choice("black", "Black", "BLK"),
    Choice("blond", "Blond or strawberry", "BLN"),
    Choice("red", "Red or auburn", "RED"),
    Choice("sandy", "Sandy", "SDY"),
    Choice("gray", "Gray or partly gray", "GRY"),
    Choice("white", "White", "WHI"),
    Choice("blue", "Blue", "BLU"),
    Choice("green", "Green", "GRN"),
    Choice("orange", "Orange", "ONG"),
    Choice("pink", "Pink", "PNK"),
    Choice("purple", "Purple", "PLE"),
    Choice("bald", "Bald", "XXX"),
)

# NCIC EYE; "XXX unknown" is the engine's Unknown answer.
EYE_COLORS = (
    Choice("brown", "Brown", "BRO"),
    Choice("blue", "Blue", "BLU"),
    Choice("hazel", "Hazel", "HAZ"),
    Choice("green", "Green", "GRN"),
    Choice("gray", "Gray", "GRY"),
    Choice("black", "Black", "BLK"),
    Choice("maroon", "Maroon", "MAR"),
    Choice("multicolored", "Multicolored", "MUL"),
    Choice("pink", "Pink", "PNK"),
)

# NCIC SKN, light to dark, then the rest.
SKIN_TONES = (
    Choice("fair", "Fair", "FAR"),
    Choice("light", "Light", "LGT"),
    Choice("medium", "Medium", "MED"),
    Choice("olive", "Olive", "OLV"),
    Choice("light_brown", "Light brown", "LBR"),
    Choice("medium_brown", "Medium brown", "MBR"),
    Choice("dark_brown", "Dark brown", "DBR"),
    Choice("dark", "Dark", "DRK"),
    Choice("black", "Black", "BLK"),
    Choice("ruddy", "Ruddy", "RUD"),
    Choice("sallow", "Sallow", "SAL"),
    Choice("yellow", "Yellow", "YEL"),
    Choice("albino", "Albino", "ALB"),
)

# NCIC MPC: R runaway, N abducted by non-custodial parent, S abducted by stranger.
MISSING_TYPES = (
    Choice("runaway", "Runaway", "R"),
    Choice("family_abduction", "Taken by a parent or relative", "N"),
    Choice("non_family_abduction", "Taken by someone else", "S"),
    # Issue 18 (state policy): a parent or custodian with an open case fled with the child; and
    # California counts a child whose whereabouts are known but who will not come back as missing.
    # No MPC code: whether it is "N" depends on who holds custody, which police decide.
    Choice("absconded", "Absconded: a parent or custodian with an open case fled with them"),
    Choice("refuses_return", "Whereabouts known, refuses to return or at an unapproved place"),
    Choice("lost_injured", "Lost, injured or otherwise missing"),
    Choice("undetermined", "Not clear yet"),
)

CSEC_SIGNS = (
    Choice("older_partner", "Older boyfriend/girlfriend or adult friends"),
    Choice("cash_gifts", "Unexplained cash, gifts or prepaid cards"),
    Choice("hotel_keys", "Hotel keys or receipts"),
    Choice("extra_phones", "More than one phone"),
    Choice("ownership_tattoos", "Tattoos of $, barcodes or names"),
    Choice("online_ads", "Online ads"),
)

REPORTER_ROLES = (
    Choice("on_call", "On-call worker"),
    Choice("supervisor", "Supervisor"),
    Choice("other_staff", "Other agency staff"),
)

ITEMS_TAKEN = (
    Choice("bag", "Bag / backpack"),
    Choice("money_cards", "Money or cards"),
    Choice("id_documents", "ID or documents"),
    Choice("medication", "Medication"),
    Choice("phone_devices", "Phone or devices"),
    Choice("clothes", "Extra clothes"),
    Choice("jewelry", "Jewelry"),
)

PLACEMENT_TYPES = (
    Choice("foster_family", "Foster family"),
    Choice("kinship", "Kinship / relative"),
    Choice("group_home", "Group home"),
    Choice("residential", "Residential treatment"),
    Choice("independent_living", "Independent living"),
    # Issue 18 (state policy): where children in care also go missing from.
    Choice("shelter", "Shelter"),
    Choice("hospital_psychiatric", "Hospital or psychiatric unit"),
    Choice("detention", "Detention"),
    Choice("trial_home_visit", "Trial home visit / in-home"),
    Choice("other_placement", "Other"),
)

LOCATED_BY = (
    Choice("law_enforcement", "Law enforcement"),
    Choice("caregiver", "Caregiver"),
    Choice("agency_staff", "Agency staff"),
    Choice("self_return", "Came back on their own"),
    Choice("family_friend", "Family or friend"),
    Choice("other_finder", "Other"),
)

SCREENING_RESULTS = (
    Choice("not_indicated", "Not indicated"),
    Choice("suspected", "Suspected"),
    Choice("confirmed", "Confirmed"),
)

PARENT_STATUSES = (
    Choice("notify", "Yes, they must be told"),
    Choice("tpr", "No: parental rights terminated"),
    Choice("relinquished", "No: rights relinquished"),
    Choice("unlocatable", "No: they cannot be located"),
)
# Issue 18 ("if found" plan): Arizona and Oklahoma move for a pick-up order within a day of a
# run; Florida police may not require a custody order to enter the child (FL-937).
PICKUP_ORDERS = (
    Choice("custody_order", "Custody order on file"),
    Choice("pickup_issued", "Pick-up order issued"),
    Choice("pickup_applied", "Pick-up order applied for"),
    Choice("no_order", "No order (voluntary placement)"),
)
# Issue 18 (police practice): a prepaid phone has no subscriber on file to trace.
PHONE_PLANS = (
    Choice("prepaid", "Prepaid"),
    Choice("contract", "Contract"),
)
NCMEC_METHODS = (
    Choice("call_center", "Call center 1-800-843-5678"),
    Choice("web_form", "CMFC web form"),
    Choice("system", "System-to-system"),
)

# Checklists: a value names what it raises, so a flag's trigger reads like the option it ticks.
# "None of these" and "Not sure yet" are one tap each; "not sure" keeps the question open.
NONE_OF_THESE = Choice("none", "None of these", exclusive=True)
NOT_SURE = Choice("not_sure", "Not sure yet", exclusive=True, open_item=True)
TRIAGE_SIGNS = (
    Choice("immediate_danger", "In immediate danger, or seen being taken"),
    Choice("incapacity", "Physical or mental incapacity, developmental or behavioral need"),
    Choice("with_endangering_person", "May be with someone who puts them in danger"),
    Choice("dangerous_situation", "In a known dangerous or life-threatening situation"),
    Choice("identified_trafficking_victim", "Known or suspected trafficking victim"),
    Choice("out_of_character", "Going missing is out of character"),
    NONE_OF_THESE,
    NOT_SURE,
)
# CMC codes per the catalogue (section B): 90 diabetic, 65 epilepsy, 50 heart, 60 allergies.
CAUTIONS = (
    Choice("diabetic", "Diabetic", "90"),
    Choice("epileptic", "Epilepsy or seizures", "65"),
    Choice("heart_condition", "Heart condition", "50"),
    Choice("allergies", "Severe allergy", "60"),
    Choice("medical", "Other medical condition", "01"),
    Choice("medication", "Needs prescription medication", "80"),
    Choice("mental_health", "Mental-health condition", "01"),
    Choice("suicide", "Suicide attempts, talk or self-harm", "70"),
    Choice("substances", "Uses drugs or alcohol", "20"),
    Choice("pregnant", "Pregnant", "01"),
    Choice("gang", "Gang involvement"),
    Choice("violence_or_weapons", "Violent, or may have a weapon", "05"),
    Choice("online_enticement", "May have been lured online"),
    Choice("csec", "Signs of sexual exploitation or trafficking"),
    Choice("exposure", "At risk from weather, darkness, water or traffic"),
    Choice("other_danger", "Anything else that puts them in danger"),
    NONE_OF_THESE,
    NOT_SURE,
)
MEDICAL_CAUTIONS = ("diabetic", "epileptic", "heart_condition", "allergies", "medical")
MARKS = (
    Choice("glasses", "Glasses or contact lenses"),
    Choice("braces", "Braces"),
    Choice("piercings", "Piercings"),
    Choice("tattoos", "Tattoos"),
    Choice("scars_marks", "Scars, birthmarks or other marks"),
    NONE_OF_THESE,
    NOT_SURE,
)

# -- Conditions used more than once ----------------------------------------------------------------

DOB_UNKNOWN = Not(Answered("date_of_birth"))
ABDUCTION_SUSPECTED = AnyOf(
    Flag("family_abduction"),
    Flag("non_family_abduction"),
    When("foul_play_suspected", "yes"),
)
# Seen being taken, or taken by a parent: hiding places, "why out of character?" and "foul
# play?" would ask what is already known.
TAKEN = When("missing_type", "family_abduction", "non_family_abduction", "absconded")

# -- Risk flags (section B) ----------------------------------------------------------------------
# Flags that triage already answers (with someone dangerous, dangerous situation, trafficking
# victim, out of character, incapacity) are raised from the triage answer, so the same question
# is never asked twice; the A10 question, where one remains, only asks what triage did not.

UNDER_13 = RiskFlag(
    "under_13",
    "Child under 13",
    (
        Trigger(AgeBelow("date_of_birth", 13), "Child is under 13"),
        Trigger(AllOf(DOB_UNKNOWN, When("age_band", "under_13")), "Age band: under 13"),
    ),
)
NON_FAMILY_ABDUCTION = RiskFlag(
    "non_family_abduction",
    "Non-family abduction",
    (Trigger(When("missing_type", "non_family_abduction"), "Taken by a non-family member"),),
)
FAMILY_ABDUCTION = RiskFlag(
    "family_abduction",
    "Family abduction",
    (
        Trigger(When("missing_type", "family_abduction"), "Taken by a parent or relative"),
        # Issue 18: the parent who fled with the child is asked about like any family abductor.
        Trigger(
            When("missing_type", "absconded"),
            "A parent or custodian with an open case fled with them",
        ),
    ),
)
ENDANGERING_COMPANY = RiskFlag(
    "endangering_company",
    "With someone who may endanger them",
    (Trigger(When("triage", "with_endangering_person"), "With someone who may endanger them"),),
)
DANGER = RiskFlag(
    "danger",
    "Dangerous situation",
    (
        Trigger(
            When("triage", "dangerous_situation"), "Known dangerous or life-threatening situation"
        ),
        Trigger(When("cautions", "other_danger"), "Other danger reported"),
    ),
)
SUICIDE = RiskFlag(
    "suicide",
    "Suicide risk / self-harm",
    (Trigger(When("cautions", "suicide"), "Past attempts, suicidal statements or self-harm"),),
    cmc="70",
)
CSEC = RiskFlag(
    "csec",
    "Sexual exploitation / trafficking",
    (
        Trigger(
            When("triage", "identified_trafficking_victim"), "Known or suspected trafficking victim"
        ),
        Trigger(When("cautions", "csec"), "Signs of sexual exploitation or trafficking"),
    ),
)
# The catalogue auto-flags a third or later episode as a trafficking risk (B, D3). The episode
# count is asked late (A12), while the CSEC follow-ups belong with the risk questions, which a
# flag may only open when its triggers read earlier fields. So the count raises a flag of its own,
# whose follow-up sits after the count.
REPEAT_RUNAWAY = RiskFlag(
    "repeat_runaway",
    "Repeat runaway: 3 or more episodes",
    (
        Trigger(
            AtLeast("prior_episode_count", 2),
            "Third or later missing episode (an NCMEC-listed trafficking risk factor)",
        ),
        # The service knows the child's episodes even when the worker gives no count.
        Trigger(
            Fact("episode_number", 3),
            "{episode_ordinal} missing episode since {first_episode_on} "
            "(an NCMEC-listed trafficking risk factor)",
        ),
    ),
)
MEDICATION = RiskFlag(
    "medication",
    "Prescription medication",
    (Trigger(When("cautions", "medication"), "Takes prescription medication"),),
    cmc="80",
)
# CMC 50/60/65/85/90 name the condition; a yes/no cannot tell which, so "01 other".
MEDICAL = RiskFlag(
    "medical",
    "Medical condition",
    (Trigger(When("cautions", *MEDICAL_CAUTIONS), "Has a medical condition"),),
    cmc="01",
)
DISABILITY = RiskFlag(
    "disability",
    "Disability / incapacity",
    (Trigger(When("triage", "incapacity"), "Incapacity or developmental/behavioral challenge"),),
)
MENTAL_HEALTH = RiskFlag(
    "mental_health",
    "Mental-health condition",
    (Trigger(When("cautions", "mental_health"), "Has a mental-health condition"),),
    cmc="01",
)
SUBSTANCE_USE = RiskFlag(
    "substance_use",
    "Substance use",
    (Trigger(When("cautions", "substances"), "Uses drugs or alcohol"),),
    cmc="20",
)
PREGNANCY = RiskFlag(
    "pregnancy",
    "Pregnant",
    (Trigger(When("cautions", "pregnant"), "Pregnant"),),
    cmc="01",
)
ONLINE_ENTICEMENT = RiskFlag(
    "online_enticement",
    "Online enticement",
    (Trigger(When("cautions", "online_enticement"), "May have been lured online"),),
)
# "00 armed and dangerous" is a claim a tick cannot support and it changes how officers approach
# a child; "05 violent tendencies" is suggested for violence only: a gang alone does not say it.
GANG = RiskFlag(
    "gang",
    "Gang involvement",
    (Trigger(When("cautions", "gang"), "Involved with a gang"),),
)
VIOLENCE = RiskFlag(
    "violence",
    "Violence / weapons (officer safety)",
    (Trigger(When("cautions", "violence_or_weapons"), "Violence or access to weapons"),),
    cmc="05",
)
EXPOSURE = RiskFlag(
    "exposure",
    "Exposure (weather, water, traffic)",
    (Trigger(When("cautions", "exposure"), "At risk from weather, water or traffic"),),
)
OUT_OF_CHARACTER = RiskFlag(
    "out_of_character",
    "Out-of-character disappearance",
    (Trigger(When("triage", "out_of_character"), "Disappearance is out of character"),),
)

# -- Sections --------------------------------------------------------------------------------------

# A0: the questions that mean "call 911 now", then the state (deadline profile) and agency.
TRIAGE = Section(
    "triage",
    "Triage",
    (
        Field(
            "triage",
            Kind.MULTI_CHOICE,
            "Which of these apply to {child}? Tap all, then Done.",
            hint="'None of these' and 'Not sure yet' are one tap",
            label="Triage",
            choices=TRIAGE_SIGNS,
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "date_of_birth",
            Kind.DATE,
            "What is {child}'s date of birth?",
            hint="Month/day/year, e.g. 03/07/2011",
            label="Date of birth",
            min_value=0,
            max_value=21,
            ncic="DOB",
            classification=Level.P2,
        ),
        Field(
            "age_band",
            Kind.CHOICE,
            "Roughly how old is {child}?",
            label="Age band",
            relevant=DOB_UNKNOWN,
            choices=AGE_BANDS,
            classification=Level.P1,
        ),
    ),
)

# The police call (A4.1-4.6, A5.1-5.5, A6.1, A1.1-1.2, A9.1, B): exactly what the read-out and
# the NCIC entry need, so the milestone comes as soon as the officer can take the report.
CALL = Section(
    "call",
    "For the police call",
    (
        Field(
            "child_name",
            Kind.TEXT,
            "What is {child}'s full legal name?",
            hint="Last, first middle, e.g. Doe, Jane Ann",
            label="Name",
            max_length=100,
            ncic="NAM",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "sex",
            Kind.CHOICE,
            "What is {child}'s sex?",
            label="Sex",
            choices=SEXES,
            ncic="SEX",
            classification=Level.P2,
        ),
        Field(
            "race",
            Kind.CHOICE,
            "What is {child}'s race?",
            hint="As on the case record",
            label="Race",
            choices=RACES,
            ncic="RAC",
            classification=Level.P2,
        ),
        Field(
            "height",
            Kind.HEIGHT,
            "How tall is {child}?",
            hint="Feet and inches, e.g. 5'4\" or 5 ft 4",
            label="Height",
            min_value=12,
            max_value=90,
            ncic="HGT",
            classification=Level.P2,
        ),
        Field(
            "weight",
            Kind.WEIGHT,
            "About how much does {child} weigh?",
            hint="Pounds, e.g. 110",
            label="Weight",
            min_value=4,
            max_value=600,
            ncic="WGT",
            classification=Level.P2,
        ),
        Field(
            "hair",
            Kind.CHOICE,
            "What color is {child}'s hair?",
            hint="Dyed? Pick the color it is now",
            label="Hair",
            choices=HAIR_COLORS,
            ncic="HAI",
            classification=Level.P2,
        ),
        Field(
            "eyes",
            Kind.CHOICE,
            "What color are {child}'s eyes?",
            label="Eyes",
            choices=EYE_COLORS,
            ncic="EYE",
            classification=Level.P2,
        ),
        Field(
            "clothing",
            Kind.TEXT,
            "What was {child} wearing when last seen? Include shoes.",
            hint="Colors, brands, sizes, e.g. black Nike hoodie, gray jeans, white Vans",
            label="Clothing",
            carry=False,
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "last_seen_at",
            Kind.DATETIME,
            "When was {child} last seen?",
            hint="e.g. today 6:30pm, or 03/07 18:30. A best guess is fine",
            label="Last seen",
            ncic="DLC",
            carry=False,
            classification=Level.P1,
        ),
        Field(
            "last_seen_place",
            Kind.TEXT,
            "Where was {child} last seen? Address or description, with city, county and state.",
            hint="e.g. 12 Oak St, Dayton, Montgomery County, OH",
            label="Last seen at",
            carry=False,
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "missing_type",
            Kind.CHOICE,
            "What best describes how {child} went missing?",
            label="Missing type",
            choices=MISSING_TYPES,
            ncic="MPC",
            carry=False,
            classification=Level.P2,
        ),
        Field(
            "cautions",
            Kind.MULTI_CHOICE,
            "Which of these apply to {child}? Tap all, then Done.",
            hint="Officers read these as cautions. 'None of these' and 'Not sure yet' are one tap",
            label="Cautions",
            choices=CAUTIONS,
            ncic="CMC",
            carry=False,
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "endangering_who",
            Kind.TEXT,
            "Who may endanger {child}? Names or descriptions, ages, relationship.",
            label="Person of concern",
            relevant=Flag("endangering_company"),
            carry=False,
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "endangering_contact",
            Kind.TEXT,
            "Their phones, vehicle or addresses, if known?",
            label="Their phones / vehicle / address",
            required=False,
            relevant=Flag("endangering_company"),
            carry=False,
            classification=Level.P2,
        ),
        Field(
            "child_phones",
            Kind.PHONE,
            "What are {child}'s phone numbers?",
            hint="Several are fine. No phone? Send none",
            label="Child's phones",
            multiple=True,
            carry=False,
            classification=Level.P2,
        ),
        Field(
            "photo",
            Kind.PHOTO,
            "Send a recent, clear color photo of {child}.",
            hint="One is enough for now; more can follow later. Follow your agency's policy",
            label="Photo",
            sensitive=True,
            dated_by="photo_date",
            classification=Level.P3,
        ),
    ),
    carry="episode",
)

# A1: the three clocks, the place, and what happened. Young-child follow-ups (B) come here
# because searching hiding places cannot wait for the rest of the form.
TIMING = Section(
    "timing",
    "When and where",
    (
        Field(
            "discovered_missing_at",
            Kind.DATETIME,
            "When did someone notice {child} was missing?",
            hint="e.g. today 9pm, or 2 hours ago",
            label="Noticed missing",
            not_before="last_seen_at",
            classification=Level.P1,
        ),
        Field(
            "agency_notified_at",
            Kind.DATETIME,
            "When did your agency (or on-call) first hear {child} was missing?",
            hint="This starts the 24-hour clock. 'now' works if you just heard",
            label="Agency notified",
            not_before="discovered_missing_at",
            classification=Level.P1,
        ),
        Field(
            "last_seen_by",
            Kind.TEXT,
            "Who saw {child} last? Name, role and phone.",
            hint="e.g. Ann Lee, foster mother, 937-555-0134",
            label="Last seen by",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "what_happened",
            Kind.TEXT,
            "What happened? Who, what, where, when.",
            label="Circumstances",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "direction_of_travel",
            Kind.TEXT,
            "Which way did {child} go, and how?",
            hint="On foot, car, bus, ride-share; direction or destination",
            label="Direction / means",
            required=False,
            classification=Level.P2,
        ),
        Field(
            "searches_made",
            Kind.MULTI_CHOICE,
            "What has been done to find {child} so far? Tap all that apply.",
            label="Searches made",
            required=False,
            choices=SEARCHES,
            classification=Level.P1,
        ),
        Field(
            "hiding_places_searched",
            Kind.YES_NO,
            "Have places a young child could hide or get trapped been searched?",
            hint="Closets, appliances, cars and trunks, sheds, crawl spaces",
            label="Hiding places searched",
            relevant=AllOf(Flag("under_13"), Not(TAKEN)),
            classification=Level.P1,
        ),
        Field(
            "can_give_own_details",
            Kind.YES_NO,
            "Can {child} say their name, address and a phone number?",
            label="Can give own details",
            relevant=Flag("under_13"),
            classification=Level.P1,
        ),
        Field(
            "goes_out_alone",
            Kind.YES_NO,
            "Is {child} used to going out alone?",
            label="Used to going out alone",
            relevant=Flag("under_13"),
            classification=Level.P1,
        ),
    ),
)

# A4.1-4.6, A5.1-5.5, A6.1, A5.12: the NCIC read-out and what a searcher needs to recognise.
CHILD = Section(
    "child",
    "The child",
    (
        Field(
            "aliases",
            Kind.TEXT,
            "Any nicknames, aliases or street names? Send 'none' if none.",
            label="Aliases",
            ncic="AKA",
            classification=Level.P2,
        ),
        # Issue 18 (state policy): the name the child answers to, and who they are, so searchers
        # and the officer who finds them address them rightly.
        Field(
            "preferred_name",
            Kind.TEXT,
            "Does {child} go by another first name? Send 'none' if not.",
            label="Preferred name",
            required=False,
            max_length=100,
            classification=Level.P2,
        ),
        Field(
            "gender_identity",
            Kind.TEXT,
            "What gender identity and pronouns does the case record give for {child}?",
            hint="e.g. transgender girl, she/her. Follow your agency's policy",
            label="Gender identity",
            required=False,
            sensitive=True,
            max_length=100,
            classification=Level.P3,
        ),
        # Issue 18 (police practice): a height and weight from an old face sheet mislead; NCMEC
        # and police want to know how current they are.
        Field(
            "measured_on",
            Kind.DATE,
            "When were that height and weight measured?",
            hint="Month/day/year; a best guess is fine",
            label="Height / weight measured",
            required=False,
            relevant=AnyOf(Answered("height"), Answered("weight")),
            classification=Level.P2,
        ),
        Field(
            "ethnicity",
            Kind.CHOICE,
            "Is {child} Hispanic or Latino?",
            label="Ethnicity",
            required=False,
            choices=ETHNICITIES,
            ncic="ETN",
            classification=Level.P2,
        ),
        Field(
            "complexion",
            Kind.CHOICE,
            "What is {child}'s skin tone?",
            label="Complexion",
            choices=SKIN_TONES,
            ncic="SKN",
            classification=Level.P2,
        ),
        Field(
            "photo_date",
            Kind.DATE,
            "When was the photo taken?",
            hint="Month/day/year; a best guess is fine",
            label="Photo date",
            relevant=Answered("photo"),
            classification=Level.P2,
        ),
        Field(
            "more_photos",
            Kind.PHOTO,
            "Any more photos of {child}? Send them, then tap Done, or tap Skip.",
            label="More photos",
            required=False,
            sensitive=True,
            multiple=True,
            classification=Level.P3,
        ),
    ),
    carry="episode",
)

# A9.1 and A10, each risk question followed at once by its section-B follow-ups.
RISKS = Section(
    "risks",
    "Risks",
    (
        # Medical condition
        Field(
            "medical_condition_details",
            Kind.TEXT,
            "What is the condition?",
            label="Condition",
            relevant=Flag("medical"),
            sensitive=True,
            classification=Level.P3,
            describes=True,
        ),
        Field(
            "medical_untreated_effect",
            Kind.TEXT,
            "What happens without treatment, and how soon?",
            hint="Include signs a finder would notice, e.g. shaky, confused within hours",
            label="Without treatment",
            relevant=Flag("medical"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "medical_provider",
            Kind.TEXT,
            "Who treats {child}? Doctor or hospital, and phone.",
            label="Medical provider",
            required=False,
            relevant=Flag("medical"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "medical_supplies_taken",
            Kind.TEXT,
            "Did {child} take the supplies or devices they need?",
            hint="e.g. inhaler, insulin, EpiPen; 'none' if nothing",
            label="Supplies taken",
            # With medication too, the medication question asks for supplies as well.
            relevant=AllOf(Flag("medical"), Not(Flag("medication"))),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        # Prescription medication
        Field(
            "medication_details",
            Kind.TEXT,
            "Which medications, what dose, and when?",
            hint="e.g. lamotrigine 100 mg morning and night",
            label="Medications",
            relevant=Flag("medication"),
            sensitive=True,
            classification=Level.P3,
            describes=True,
        ),
        Field(
            "medication_last_dose",
            Kind.DATETIME,
            "When was {child}'s last dose?",
            hint="e.g. today 8am",
            label="Last dose",
            relevant=Flag("medication"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "medication_supply_taken",
            Kind.TEXT,
            "Did {child} take their medication and supplies with them? How much?",
            hint="e.g. one insulin pen, about 2 days; meter left behind; 'none' if nothing",
            label="Supply taken",
            relevant=Flag("medication"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "medication_missed_effect",
            Kind.TEXT,
            "What happens if doses are missed, and how soon?",
            hint="e.g. seizures, withdrawal, psychosis",
            label="Missed doses",
            relevant=Flag("medication"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "medication_prescriber",
            Kind.TEXT,
            "Prescriber or pharmacy: name and phone?",
            label="Prescriber",
            required=False,
            relevant=Flag("medication"),
            sensitive=True,
            classification=Level.P3,
        ),
        # Mental health
        Field(
            "mental_health_diagnosis",
            Kind.TEXT,
            "What is the diagnosis?",
            label="Diagnosis",
            relevant=Flag("mental_health"),
            sensitive=True,
            classification=Level.P3,
            describes=True,
        ),
        Field(
            "mental_health_current",
            Kind.TEXT,
            "Any recent crisis, hospital stay or worrying symptoms?",
            label="Recent crisis / symptoms",
            relevant=Flag("mental_health"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "mental_health_triggers",
            Kind.TEXT,
            "What upsets {child}, and what calms them?",
            label="Triggers",
            required=False,
            relevant=Flag("mental_health"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "mental_health_provider",
            Kind.TEXT,
            "Therapist or psychiatrist: name and phone?",
            label="Therapist",
            required=False,
            relevant=Flag("mental_health"),
            sensitive=True,
            classification=Level.P3,
        ),
        # Suicide / self-harm
        Field(
            "suicide_history",
            Kind.TEXT,
            "When and how were the past attempts or self-harm?",
            label="Past attempts",
            relevant=Flag("suicide"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "suicide_recent_signs",
            Kind.TEXT,
            "Any recent statements, notes or posts about suicide?",
            label="Recent signs",
            relevant=Flag("suicide"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "suicide_means_taken",
            Kind.TEXT,
            "Did {child} take anything they could hurt themselves with?",
            hint="e.g. pills, a knife, a gun; 'none' if nothing",
            label="Means taken",
            relevant=Flag("suicide"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "suicide_significant_places",
            Kind.TEXT,
            "Any places that mean a lot to {child}?",
            hint="e.g. a grave, a bridge, a former home",
            label="Places of significance",
            required=False,
            relevant=Flag("suicide"),
            sensitive=True,
            classification=Level.P3,
        ),
        # Substance use
        Field(
            "substance_details",
            Kind.TEXT,
            "What does {child} use, and how often?",
            label="Substances",
            relevant=Flag("substance_use"),
            sensitive=True,
            classification=Level.P3,
            describes=True,
        ),
        Field(
            "substance_overdose_risk",
            Kind.TEXT,
            "Any past overdoses, or risk of withdrawal?",
            label="Overdose / withdrawal",
            relevant=Flag("substance_use"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "substance_sources",
            Kind.TEXT,
            "Known suppliers, or places where {child} uses?",
            label="Suppliers / places",
            required=False,
            relevant=Flag("substance_use"),
            sensitive=True,
            classification=Level.P3,
        ),
        # Pregnancy: not asked when the recorded sex is male (saves a tap on most boys' reports).
        Field(
            "pregnancy_details",
            Kind.TEXT,
            "How far along (weeks or due date)? Any complications?",
            label="Pregnancy details",
            relevant=Flag("pregnancy"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "pregnancy_provider",
            Kind.TEXT,
            "Prenatal doctor or hospital?",
            label="Prenatal provider",
            required=False,
            relevant=Flag("pregnancy"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "pregnancy_partner",
            Kind.TEXT,
            "Partner's name and age?",
            label="Partner",
            relevant=Flag("pregnancy"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "has_own_child",
            Kind.YES_NO,
            "Does {child} have a baby or child of their own who may be with them?",
            hint="If yes, tell police: that child is missing too",
            label="Own child may be with them",
            relevant=Flag("pregnancy"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "own_child_details",
            Kind.TEXT,
            "That child's name, age and description?",
            label="Own child",
            relevant=When("has_own_child", "yes"),
            sensitive=True,
            classification=Level.P3,
        ),
        # Developmental disability: triage already said yes to incapacity? Then go straight on.
        Field(
            "disability_diagnosis",
            Kind.TEXT,
            "What is the disability or diagnosis?",
            label="Disability",
            relevant=Flag("disability"),
            sensitive=True,
            classification=Level.P3,
            describes=True,
        ),
        Field(
            "disability_communication",
            Kind.TEXT,
            "Can {child} talk, and do they respond to their name?",
            label="Communication",
            relevant=Flag("disability"),
            classification=Level.P3,
        ),
        Field(
            "disability_aids",
            Kind.TEXT,
            "Any mobility aids or medical devices?",
            hint="e.g. wheelchair, hearing aids, insulin pump; 'none' if none",
            label="Aids / devices",
            required=False,
            relevant=Flag("disability"),
            classification=Level.P3,
        ),
        Field(
            "disability_reactions",
            Kind.TEXT,
            "How might {child} react to strangers or police? Drawn to water or roads?",
            hint="e.g. hides from uniforms, runs toward water",
            label="Reactions / attractions",
            relevant=Flag("disability"),
            classification=Level.P3,
        ),
        # Gang activity
        Field(
            "gang_details",
            Kind.TEXT,
            "Which gang or set? Associates' names or street names?",
            label="Gang / associates",
            relevant=Flag("gang"),
            sensitive=True,
            classification=Level.P3,
            describes=True,
        ),
        Field(
            "gang_threats",
            Kind.TEXT,
            "Which areas? Any rivalries or threats against {child}?",
            label="Territory / threats",
            relevant=Flag("gang"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        # Online enticement
        Field(
            "enticement_contacts",
            Kind.TEXT,
            "Who has {child} been talking to online? Platform, username, any plan to meet.",
            label="Online contacts",
            relevant=Flag("online_enticement"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "enticement_threats",
            Kind.YES_NO,
            "Any threats, or demands for sexual images (sextortion)?",
            label="Sextortion / threats",
            relevant=Flag("online_enticement"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        # CSEC / trafficking: triage already said "known or suspected victim"? Go to the details.
        Field(
            "csec_signs",
            Kind.MULTI_CHOICE,
            "Which signs have you seen? Tap all that apply.",
            label="Signs seen",
            required=False,
            relevant=Flag("csec"),
            choices=CSEC_SIGNS,
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "csec_exploiters",
            Kind.TEXT,
            "Suspected exploiters: names, phones, vehicles?",
            label="Suspected exploiters",
            relevant=Flag("csec"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "csec_places",
            Kind.TEXT,
            "Hotels, truck stops or cities {child} may be taken to?",
            label="Places / travel",
            required=False,
            relevant=Flag("csec"),
            sensitive=True,
            classification=Level.P3,
        ),
        # With someone who may endanger them: triage 0.4 is the question.
        Field(
            "endangering_why",
            Kind.TEXT,
            "Why are they a danger?",
            hint="e.g. much older, criminal history, threats",
            label="Why a danger",
            relevant=Flag("endangering_company"),
            carry=False,
            classification=Level.P2,
        ),
        # Violence / weapons (officer safety)
        Field(
            "weapons_access",
            Kind.TEXT,
            "What weapons could {child} have?",
            hint="'none known' is a fine answer",
            label="Weapons",
            relevant=Flag("violence"),
            classification=Level.P2,
        ),
        Field(
            "violence_history",
            Kind.TEXT,
            "Any history of violence or escapes?",
            label="Violence / escape history",
            relevant=Flag("violence"),
            classification=Level.P2,
        ),
        # Exposure
        Field(
            "exposure_details",
            Kind.TEXT,
            "What are the risks? Weather, clothing, nearby water, highways or rail.",
            hint="e.g. 20°F tonight, no coat, river 200 yards away",
            label="Exposure details",
            relevant=Flag("exposure"),
            carry=False,
            classification=Level.P2,
        ),
        # Out of character: triage 0.7 is the question.
        Field(
            "out_of_character_details",
            Kind.TEXT,
            "How is this different from {child}'s usual behavior or past runs?",
            hint="Recent changes? New friends, more time online, a new phone",
            label="Why out of character",
            relevant=AllOf(Flag("out_of_character"), Not(TAKEN)),
            carry=False,
            classification=Level.P2,
        ),
        # Other endangerment: asked always (it is "anything else?"); the details follow either
        # this or triage 0.5.
        Field(
            "danger_details",
            Kind.TEXT,
            "What danger is {child} in? What, where, and how urgent?",
            label="Danger",
            relevant=Flag("danger"),
            carry=False,
            classification=Level.P2,
        ),
    ),
    carry="episode",
)

# A2 and A3. The agency name (A2.2) was asked in triage.
REPORTER = Section(
    "reporter",
    "You and the guardian",
    (
        Field(
            "agency_name",
            Kind.TEXT,
            "Which agency are you reporting for?",
            hint="e.g. Franklin County Children Services",
            label="Agency",
            max_length=200,
            classification=Level.P1,
            describes=True,
        ),
        Field(
            "reporter_name",
            Kind.TEXT,
            "What is your full name?",
            label="Reporter",
            max_length=100,
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "reporter_phones",
            Kind.PHONE,
            "Your phone numbers?",
            hint="Every number NCMEC and police can reach you on",
            label="Reporter phones",
            multiple=True,
            classification=Level.P2,
        ),
        Field(
            "reporter_email",
            Kind.EMAIL,
            "Your work email?",
            label="Reporter email",
            classification=Level.P2,
        ),
        Field(
            "agency_case_number",
            Kind.TEXT,
            "What is {child}'s case number at your agency?",
            label="Agency case number",
            max_length=100,
            classification=Level.P2,
        ),
        Field(
            "is_legal_guardian",
            Kind.YES_NO,
            "Are you {child}'s legal guardian (the assigned caseworker)?",
            label="Reporter is guardian",
            classification=Level.P1,
        ),
        Field(
            "reporter_role",
            Kind.CHOICE,
            "What is your role?",
            label="Reporter role",
            required=False,
            relevant=Not(When("is_legal_guardian", "yes")),
            choices=REPORTER_ROLES,
            classification=Level.P1,
        ),
        Field(
            "guardian_name",
            Kind.TEXT,
            "Legal guardian's (assigned caseworker's) full name?",
            label="Legal guardian",
            relevant=When("is_legal_guardian", "no"),
            max_length=100,
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "guardian_agency",
            Kind.TEXT,
            "Guardian's agency?",
            hint="'same' if it is your agency",
            label="Guardian's agency",
            same_as="agency_name",
            relevant=When("is_legal_guardian", "no"),
            max_length=200,
            classification=Level.P2,
        ),
        Field(
            "guardian_phones",
            Kind.PHONE,
            "Guardian's phone numbers?",
            hint="All of them: work, cell, after hours",
            label="Guardian phones",
            relevant=When("is_legal_guardian", "no"),
            multiple=True,
            classification=Level.P2,
        ),
        Field(
            "guardian_email",
            Kind.EMAIL,
            "Guardian's email?",
            label="Guardian email",
            relevant=When("is_legal_guardian", "no"),
            classification=Level.P2,
        ),
        # A3.4 is about the child, not the guardian, so it is asked whoever reports.
        Field(
            "custody_basis",
            Kind.TEXT,
            "Custody basis: court order or voluntary placement? Court and docket number?",
            hint="e.g. Franklin Co. Juvenile Court, 24JU-1234",
            label="Custody basis",
            required=False,
            sensitive=True,
            classification=Level.P3,
        ),
        # Issue 18: the "if found" plan, printed on the card a patrol officer holds; who must
        # not receive the child is what keeps a found child from a barred parent or exploiter.
        Field(
            "if_found_call",
            Kind.PHONE,
            "If {child} is found, which number answers day and night?",
            hint="The agency's 24/7 line or after-hours worker, for the finding officer",
            label="Call 24/7 if found",
            required=False,
            multiple=True,
            classification=Level.P2,
        ),
        Field(
            "if_found_take_to",
            Kind.TEXT,
            "If found, where should police take {child}, or hold them until staff arrive?",
            hint="e.g. the agency office, 41 N Perry St; or hold at the station for staff",
            label="Take the child to",
            required=False,
            max_length=300,
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "if_found_not_to",
            Kind.TEXT,
            "Who must NOT be given {child} if found? Name and relationship, or 'none'.",
            hint="e.g. a parent under a no-contact order, the person of concern",
            label="Do NOT release to",
            required=False,
            max_length=300,
            classification=Level.P2,
        ),
        Field(
            "pickup_order",
            Kind.CHOICE,
            "Custody or pick-up order for this run?",
            label="Custody / pick-up order",
            required=False,
            choices=PICKUP_ORDERS,
            classification=Level.P3,
            carry=False,
        ),
    ),
    carry="episode",
)

# A4.7-4.11, A5.6-5.13 (with the free-text half of A5.3, hair style), A6.2-6.3.
DETAILS = Section(
    "details",
    "More identifying details",
    (
        Field(
            "place_of_birth",
            Kind.TEXT,
            "Where was {child} born? City, state, country.",
            label="Place of birth",
            required=False,
            ncic="POB",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "ssn",
            Kind.TEXT,
            "What is {child}'s Social Security number?",
            hint="9 digits; shared with police only",
            label="SSN",
            required=False,
            sensitive=True,
            max_length=11,
            pattern=r"\d{3}[- ]?\d{2}[- ]?\d{4}",
            pattern_message="An SSN is 9 digits, e.g. 123-45-6789.",
            ncic="SOC",
            classification=Level.P3,
        ),
        Field(
            "state_id",
            Kind.TEXT,
            "State ID or driver's license: number and state?",
            label="State ID / license",
            required=False,
            max_length=100,
            ncic="OLN",
            classification=Level.P2,
        ),
        # Issue 18 (police practice): documents that let a child cross a border or board a plane.
        Field(
            "travel_documents",
            Kind.TEXT,
            "Passport or other travel documents: which, number, and where are they now?",
            hint="e.g. US passport 123456789, kept in the agency file. 'none' if none",
            label="Passport / travel documents",
            required=False,
            max_length=200,
            classification=Level.P2,
        ),
        # ICWA: asked as required so "unknown" becomes an open item (the tribe must be told).
        Field(
            "tribal_member",
            Kind.YES_NO,
            "Is {child} a member of, or eligible for, a tribe?",
            hint="For an Indian child (ICWA) the tribe must be notified",
            label="Tribal member / eligible",
            classification=Level.P2,
        ),
        Field(
            "tribe_name",
            Kind.TEXT,
            "Which tribe?",
            label="Tribe",
            relevant=When("tribal_member", "yes"),
            max_length=200,
            classification=Level.P2,
        ),
        Field(
            "school",
            Kind.TEXT,
            "School and grade?",
            label="School",
            required=False,
            max_length=200,
            classification=Level.P2,
        ),
        Field(
            "build_mannerisms",
            Kind.TEXT,
            "Build, handedness, or anything distinctive in how {child} moves or talks?",
            hint="e.g. slim, left-handed, stutters, walks with a limp",
            label="Build / mannerisms",
            required=False,
            ncic="MIS",
            classification=Level.P2,
        ),
        Field(
            "hair_description",
            Kind.TEXT,
            "How is {child}'s hair worn? Length, style, dyed?",
            hint="e.g. shoulder-length braids, dyed red at the ends",
            label="Hair description",
            required=False,
            ncic="MIS",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "marks",
            Kind.MULTI_CHOICE,
            "Which of these does {child} have? Tap all, then Done.",
            hint="'None of these' and 'Not sure yet' are one tap",
            label="Glasses, braces and marks",
            choices=MARKS,
            classification=Level.P2,
        ),
        Field(
            "glasses_details",
            Kind.TEXT,
            "Describe them.",
            hint="e.g. black square frames; or contacts only",
            label="Glasses / contacts details",
            relevant=When("marks", "glasses"),
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "braces_details",
            Kind.TEXT,
            "Describe the braces.",
            hint="e.g. top and bottom, blue bands",
            label="Braces details",
            relevant=When("marks", "braces"),
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "piercing_details",
            Kind.TEXT,
            "Where, and what kind?",
            hint="e.g. left nostril stud, 3 rings in each ear",
            label="Piercing details",
            relevant=When("marks", "piercings"),
            ncic="SMT",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "tattoo_details",
            Kind.TEXT,
            "Where, and what design or words?",
            hint="e.g. right wrist, 'KING' in script. $, barcode, names: trafficking sign",
            label="Tattoo details",
            relevant=When("marks", "tattoos"),
            ncic="SMT",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "scar_details",
            Kind.TEXT,
            "Where, and what do they look like?",
            hint="e.g. 2-inch scar over left eyebrow",
            label="Scar / mark details",
            relevant=When("marks", "scars_marks"),
            ncic="SMT",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "video_link",
            Kind.TEXT,
            "Link to a recent video of {child}, if any?",
            label="Video",
            required=False,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "items_taken",
            Kind.MULTI_CHOICE,
            "What did {child} take with them? Tap all that apply.",
            label="Items taken",
            required=False,
            choices=ITEMS_TAKEN,
            carry=False,
            classification=Level.P2,
        ),
        # Issue 18 (police practice): the child's own DNA, for identification, before it is
        # cleaned away; the family reference samples come later (long-term records).
        Field(
            "dna_items_secured",
            Kind.YES_NO,
            "Have {child}'s toothbrush, hairbrush or other DNA items been bagged for police?",
            hint="Don't wash them; a paper bag, labelled",
            label="DNA items secured",
            required=False,
            carry=False,
            classification=Level.P1,
        ),
        Field(
            "vehicle_access",
            Kind.YES_NO,
            "Did {child} take, or have use of, a vehicle?",
            label="Vehicle access",
            classification=Level.P1,
        ),
        Field(
            "child_vehicle",
            Kind.TEXT,
            "The vehicle: year, make, model, color, plate and state?",
            hint="e.g. 2014 Honda Civic, silver, OH ABC1234",
            label="Vehicle",
            relevant=When("vehicle_access", "yes"),
            classification=Level.P2,
        ),
    ),
    carry="episode",
)

# A7.
CONTACT = Section(
    "contact",
    "Phones and online",
    (
        Field(
            "child_email",
            Kind.EMAIL,
            "What is {child}'s email address?",
            label="Child's email",
            required=False,
            classification=Level.P2,
        ),
        Field(
            "social_accounts",
            Kind.TEXT,
            "Social media, chat and gaming accounts? Platform and username.",
            hint="e.g. Instagram @jdoe09, Snapchat jane.d. 'none' if none",
            label="Social / chat accounts",
            classification=Level.P2,
        ),
        Field(
            "devices_secured",
            Kind.YES_NO,
            "Have devices {child} left behind been kept safe for police?",
            hint="Don't search them: secure them and hand them to police",
            label="Devices secured",
            required=False,
            carry=False,
            classification=Level.P1,
        ),
        # Issue 18 (police practice): a phone's carrier and plan say where police send the
        # emergency request, and location sharing may find the child at once. Asked per phone.
        Repeat(
            "phone_details",
            "phone",
            (
                Field(
                    "phone_number",
                    Kind.PHONE,
                    "Which of {child}'s phones? Send its number.",
                    label="Number",
                    classification=Level.P2,
                ),
                Field(
                    "phone_carrier",
                    Kind.TEXT,
                    "Its carrier?",
                    hint="e.g. T-Mobile, Verizon, Cricket",
                    label="Carrier",
                    required=False,
                    max_length=100,
                    classification=Level.P2,
                ),
                Field(
                    "phone_plan",
                    Kind.CHOICE,
                    "Prepaid or on a contract?",
                    label="Plan",
                    required=False,
                    choices=PHONE_PLANS,
                    classification=Level.P2,
                ),
                Field(
                    "phone_location_sharing",
                    Kind.YES_NO,
                    "Is location sharing on for it (Find My, Google, Life360)?",
                    label="Location sharing on",
                    required=False,
                    classification=Level.P1,
                ),
            ),
            relevant=Answered("child_phones"),
        ),
    ),
    carry="episode",
)

# A8.
PLACEMENT = Section(
    "placement",
    "Placement",
    (
        Field(
            "placement_type",
            Kind.CHOICE,
            "Where was {child} placed?",
            label="Placement type",
            choices=PLACEMENT_TYPES,
            classification=Level.P3,
        ),
        Field(
            "caregiver",
            Kind.TEXT,
            "Caregiver or provider: name, address and phone? ('same' if it is who saw {child} "
            "last)",
            hint="e.g. Ann Lee, 12 Oak St, Dayton OH, 937-555-0134",
            label="Caregiver",
            same_as="last_seen_by",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "caregiver_reported",
            Kind.YES_NO,
            "Has the caregiver already reported {child} missing to police or NCMEC?",
            label="Caregiver reported",
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "caregiver_report_number",
            Kind.TEXT,
            "Reported to whom, and when?",
            hint="e.g. Dayton PD non-emergency line, 10:40 pm. The report number comes later",
            label="Caregiver's report",
            relevant=When("caregiver_reported", "yes"),
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "last_caseworker_visit",
            Kind.TEXT,
            "Last caseworker visit: when, and anything notable?",
            hint="e.g. Mon 3/3, said she was being bullied",
            label="Last caseworker visit",
            required=False,
            carry=False,
            classification=Level.P2,
        ),
        Field(
            "recent_changes",
            Kind.TEXT,
            "Any recent changes for {child}?",
            hint="Placement move, split from siblings, court date, conflict",
            label="Recent changes",
            required=False,
            carry=False,
            classification=Level.P2,
        ),
    ),
    carry="episode",
)

# A9.2-9.7.
BACKGROUND = Section(
    "background",
    "What was going on",
    (
        Field(
            "precipitating_factors",
            Kind.TEXT,
            "What was going on for {child} before they left?",
            hint="Running from something, or toward someone?",
            label="What was going on",
            carry=False,
            classification=Level.P2,
        ),
        Field(
            "possible_whereabouts",
            Kind.TEXT,
            "Where might {child} go? Places they hang out, habits.",
            label="Possible whereabouts",
            classification=Level.P2,
        ),
        Field(
            "associates",
            Kind.TEXT,
            "Friends, relatives or partners who may know where {child} is? Names, phones.",
            hint="e.g. Maria (friend) 937-555-0101; Aunt Kay, Elm St",
            label="Friends / relatives / associates",
            classification=Level.P2,
        ),
        Field(
            "had_companions",
            Kind.YES_NO,
            "Was anyone with {child} when last seen?",
            label="With someone when last seen",
            carry=False,
            classification=Level.P1,
        ),
        Repeat(
            "companions",
            "companion",
            (
                Field(
                    "companion_name",
                    Kind.TEXT,
                    "Their name, or a description?",
                    label="Name / description",
                    max_length=100,
                    classification=Level.P2,
                    describes=True,
                ),
                Field(
                    "companion_age",
                    Kind.TEXT,
                    "About how old?",
                    hint="e.g. 17, or early 20s",
                    label="Age",
                    max_length=30,
                    classification=Level.P2,
                ),
                Field(
                    "companion_relationship",
                    Kind.TEXT,
                    "How do they know {child}?",
                    label="Relationship",
                    max_length=200,
                    classification=Level.P2,
                ),
                Field(
                    "companion_phones",
                    Kind.PHONE,
                    "Their phone numbers?",
                    label="Phones",
                    required=False,
                    multiple=True,
                    classification=Level.P2,
                ),
                Field(
                    "companion_vehicle",
                    Kind.TEXT,
                    "Their vehicle: make, model, color, plate?",
                    label="Vehicle",
                    required=False,
                    classification=Level.P2,
                ),
            ),
            relevant=When("had_companions", "yes"),
        ),
        Field(
            "foul_play_suspected",
            Kind.YES_NO,
            "Do you suspect foul play, or that someone took {child}?",
            label="Foul play suspected",
            relevant=Not(TAKEN),
            carry=False,
            classification=Level.P1,
        ),
        Field(
            "foul_play_details",
            Kind.TEXT,
            "What makes you suspect it?",
            label="Why suspected",
            relevant=When("foul_play_suspected", "yes"),
            sensitive=True,
            carry=False,
            classification=Level.P3,
        ),
        Field(
            "on_probation",
            Kind.YES_NO,
            "Is {child} on probation or parole?",
            label="Probation / parole",
            classification=Level.P2,
        ),
        Field(
            "probation_officer",
            Kind.TEXT,
            "Probation officer's name and phone?",
            label="Probation officer",
            relevant=When("on_probation", "yes"),
            classification=Level.P2,
        ),
    ),
    carry="episode",
)

# A11, only when an abduction is suspected.
ABDUCTOR = Section(
    "abductor",
    "Suspected abductor",
    (
        Field(
            "abduction_witnesses",
            Kind.TEXT,
            "Who saw {child} being taken? Names and phones.",
            label="Witnesses",
            relevant=Flag("non_family_abduction"),
            classification=Level.P2,
        ),
        Field(
            "abductor_identity",
            Kind.TEXT,
            "Who do you think took {child}? Name, aliases, age or DOB, sex, relationship.",
            hint="Not known? Say so; the description comes next",
            label="Suspect",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "abductor_description",
            Kind.TEXT,
            "What does the suspect look like?",
            hint="Height, build, hair, clothing, marks",
            label="Suspect description",
            classification=Level.P2,
            describes=True,
        ),
        Field(
            "abductor_photo",
            Kind.PHOTO,
            "Send a photo of the suspect, if you have one.",
            label="Suspect photo",
            required=False,
            sensitive=True,
            multiple=True,
            classification=Level.P3,
        ),
        Field(
            "abductor_license",
            Kind.TEXT,
            "Suspect's driver's license: number and state?",
            label="Suspect license",
            max_length=100,
            classification=Level.P2,
        ),
        Field(
            "abductor_phones",
            Kind.PHONE,
            "Suspect's phone numbers?",
            label="Suspect phones",
            multiple=True,
            classification=Level.P2,
        ),
        Field(
            "abductor_vehicle",
            Kind.TEXT,
            "Suspect's vehicle: year, make, model, color, plate, state, marks?",
            hint="e.g. 2019 Ford F-150, black, KY 4ABC123, dent on tailgate",
            label="Suspect vehicle",
            classification=Level.P2,
        ),
        Field(
            "abductor_places",
            Kind.TEXT,
            "Suspect's addresses, workplace, relatives or likely destinations?",
            label="Suspect addresses / destinations",
            classification=Level.P2,
        ),
        Field(
            "abductor_international",
            Kind.TEXT,
            "Any foreign ties, passports, tickets or travel plans?",
            hint="Removal abroad likely? Also call State Dept 1-888-407-4747",
            label="International ties",
            relevant=Flag("family_abduction"),
            classification=Level.P2,
        ),
        Field(
            "abductor_court_orders",
            Kind.TEXT,
            "Custody or no-contact orders, threats, or domestic violence history?",
            label="Orders / threats / DV",
            relevant=Flag("family_abduction"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "abductor_other",
            Kind.TEXT,
            "Anything else that could help track them?",
            label="Other tracking information",
            required=False,
            classification=Level.P2,
        ),
    ),
    relevant=ABDUCTION_SUSPECTED,
)

# A12 with the D1 recovery record of the most recent episode.
HISTORY = Section(
    "history",
    "Earlier episodes",
    (
        Field(
            "missing_before",
            Kind.YES_NO,
            "Has {child} gone missing from care before?",
            label="Missing before",
            classification=Level.P1,
        ),
        Field(
            "prior_episode_count",
            Kind.INTEGER,
            "How many times before this one?",
            hint="Best count, e.g. 3",
            label="Earlier episodes",
            relevant=When("missing_before", "yes"),
            min_value=1,
            max_value=99,
            classification=Level.P1,
        ),
        Field(
            "last_episode_found",
            Kind.TEXT,
            "Last time: when was {child} found, and when back in care?",
            hint="e.g. found 3/2 10pm, back in care 3/3 9am",
            label="Last episode: found / returned",
            relevant=When("missing_before", "yes"),
            classification=Level.P2,
        ),
        Field(
            "last_episode_where",
            Kind.TEXT,
            "Where was {child} found last time?",
            hint="Address, or: friend, partner, hotel, street, another city",
            label="Last episode: where found",
            relevant=When("missing_before", "yes"),
            classification=Level.P2,
        ),
        Field(
            "last_episode_with",
            Kind.TEXT,
            "Who was {child} with last time? Names, ages, relationship.",
            label="Last episode: with whom",
            relevant=When("missing_before", "yes"),
            classification=Level.P2,
        ),
        Field(
            "last_episode_located_by",
            Kind.CHOICE,
            "Who found {child} last time?",
            label="Last episode: located by",
            relevant=When("missing_before", "yes"),
            choices=LOCATED_BY,
            classification=Level.P1,
        ),
        Field(
            "last_episode_experience",
            Kind.TEXT,
            "Where did {child} stay last time, and what happened to them?",
            hint="Food, shelter, money, transport; any harm",
            label="Last episode: what happened",
            relevant=When("missing_before", "yes"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "last_episode_screened",
            Kind.YES_NO,
            "Was {child} screened for trafficking after that episode?",
            label="Last episode: trafficking screening",
            relevant=When("missing_before", "yes"),
            classification=Level.P1,
        ),
        Field(
            "last_episode_screening_result",
            Kind.CHOICE,
            "What was the result?",
            label="Last episode: screening result",
            relevant=When("last_episode_screened", "yes"),
            choices=SCREENING_RESULTS,
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "repeat_pattern",
            Kind.TEXT,
            "Any pattern across earlier runs? Same places, people or times?",
            label="Pattern of runs",
            relevant=Flag("repeat_runaway"),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "prior_case_numbers",
            Kind.TEXT,
            "Earlier NCMEC or police case numbers?",
            label="Earlier case numbers",
            required=False,
            relevant=When("missing_before", "yes"),
            classification=Level.P2,
        ),
    ),
    carry="recovery",
)

# A13, filled in during or after the police call.
# "Not yet" at the first question of a report leaves its step due and skips what needs it made.
# A known child's agency and method are carried, so tonight's "not yet" is said at the report's
# case number instead (asked before the look): a carried answer never stands for tonight's report.
POLICE_AGENCY = Not(NotYet("le_agency"))
POLICE_REPORTED = AllOf(POLICE_AGENCY, Not(NotYet("le_case_number")))
NCMEC_METHOD = Not(NotYet("ncmec_method"))
NCMEC_REPORTED = AllOf(NCMEC_METHOD, Not(NotYet("ncmec_case_number")))


def report_time(name: str, prompt: str, label: str, relevant: Condition) -> Field:
    """Returns the question of when tonight's police or NCMEC report was made."""
    return Field(
        name,
        Kind.DATETIME,
        prompt,
        label=label,
        not_before="discovered_missing_at",
        relevant=relevant,
        classification=Level.P1,
        carry=False,  # every episode is a new report, made (or not yet) tonight
    )


LAW_ENFORCEMENT = Section(
    "law_enforcement",
    "Police report",
    (
        Field(
            "le_agency",
            Kind.TEXT,
            "Which police agency took the report? Name, phone, jurisdiction.",
            hint="e.g. Dayton PD, 937-555-0100. Not reported yet? Tap Not yet",
            label="Police agency",
            not_yet="le_report",
            classification=Level.P1,
            describes=True,
            # Carried: the jurisdiction follows the placement, so the same agency takes her
            # next report.
        ),
        Field(
            "le_case_number",
            Kind.TEXT,
            "Police case or report number?",
            hint="Not reported yet? Tap Not yet: it stays due, with its deadline",
            label="Police case number",
            max_length=100,
            ncic="OCA",
            relevant=POLICE_AGENCY,
            not_yet="le_report",
            classification=Level.P2,
            carry=False,  # every run is a new police case
        ),
        report_time(
            "le_reported_at",
            "When did you make the police report?",
            "Police report made",
            POLICE_REPORTED,
        ),
        Field(
            "le_officer",
            Kind.TEXT,
            "Officer who took the report: name and badge number?",
            label="Officer / badge",
            relevant=POLICE_REPORTED,
            classification=Level.P2,
            describes=True,
            carry=False,  # whoever answered tonight's call
        ),
        Field(
            "le_investigator",
            Kind.TEXT,
            "Assigned investigator: name and contact?",
            hint="Not assigned yet? Tap Unknown and update it later",
            label="Investigator",
            relevant=POLICE_REPORTED,
            classification=Level.P2,
            # Carried: a repeat runaway's report goes to the unit that holds her file.
        ),
        Field(
            "nic_number",
            Kind.TEXT,
            "Have police entered {child} in NCIC? Send the NIC number.",
            hint="M plus 9 digits, e.g. M123456789. Not issued yet? Send 'not yet'",
            label="NIC number",
            relevant=POLICE_REPORTED,
            not_yet="ncic_entry",
            required=False,
            max_length=10,
            pattern=r"[Mm]\d{9}",
            pattern_message="A NIC number is M followed by 9 digits, e.g. M123456789.",
            ncic="NIC",
            classification=Level.P2,
            carry=False,  # a new NCIC entry: the last one was cleared when she was found
        ),
        Field(
            "ncic_entry_confirmed",
            Kind.YES_NO,
            "Have police confirmed {child} is entered in NCIC?",
            hint="Entry is due within 2 hours of the report",
            label="NCIC entry confirmed",
            relevant=AllOf(POLICE_REPORTED, Not(Answered("nic_number"))),
            classification=Level.P1,
            carry=False,  # tonight's entry
        ),
        Field(
            "le_category_used",
            Kind.TEXT,
            "Which NCIC category and flags did police use?",
            hint="e.g. EME, flag CA",
            label="Category / flags used",
            relevant=AnyOf(Answered("nic_number"), When("ncic_entry_confirmed", "yes")),
            required=False,
            max_length=100,
            classification=Level.P1,
            carry=False,  # police choose the category for tonight's entry
        ),
        Field(
            "amber_issued",
            Kind.YES_NO,
            "Has an AMBER Alert been issued for {child}?",
            label="AMBER Alert issued",
            required=False,
            relevant=ABDUCTION_SUSPECTED,
            classification=Level.P1,
            carry=False,  # an alert is issued for one episode
        ),
        Field(
            "amber_evaluation",
            Kind.TEXT,
            "Did you ask police to evaluate an AMBER Alert? What was the outcome?",
            label="AMBER evaluation",
            relevant=ABDUCTION_SUSPECTED,
            classification=Level.P2,
            carry=False,  # evaluated for tonight's circumstances
        ),
        Field(
            "le_escalation",
            Kind.TEXT,
            "Did police decline or delay? Who did you escalate to?",
            hint="Supervisor, state police, state clearinghouse, NCMEC",
            label="Declined / escalation",
            required=False,
            classification=Level.P2,
            carry=False,  # how tonight's call went
        ),
    ),
    carry="episode",
)

# A14, filled in during the NCMEC report.
NCMEC = Section(
    "ncmec",
    "NCMEC report",
    (
        Field(
            "ncmec_method",
            Kind.CHOICE,
            "How did you report to NCMEC?",
            hint="Not reported yet? Tap Not yet: it stays due, with its deadline",
            label="NCMEC method",
            not_yet="ncmec_report",
            choices=NCMEC_METHODS,
            classification=Level.P1,
            # Carried: the agency reports a child to NCMEC the way its policy says.
        ),
        Field(
            "ncmec_case_number",
            Kind.TEXT,
            "NCMEC case number?",
            hint="Not reported yet? Tap Not yet: it stays due, with its deadline",
            label="NCMEC case number",
            max_length=100,
            relevant=NCMEC_METHOD,
            not_yet="ncmec_report",
            classification=Level.P2,
            # NCMEC keeps a child's case (and case team) across episodes: offered as one tap.
            offer_previous=True,
            carry=False,
        ),
        report_time(
            "ncmec_reported_at",
            "When did you report to NCMEC?",
            "NCMEC report made",
            NCMEC_REPORTED,
        ),
        Field(
            "ncmec_contact",
            Kind.TEXT,
            "Name of the NCMEC contact you spoke to?",
            label="NCMEC contact",
            max_length=100,
            relevant=NCMEC_REPORTED,
            classification=Level.P2,
            describes=True,
            carry=False,  # whoever took tonight's call
        ),
        Field(
            "ncmec_le_on_file",
            Kind.YES_NO,
            "Did NCMEC already have the police report on file?",
            hint="If not, update NCMEC once police give you a case number",
            label="Police report on file at NCMEC",
            relevant=NCMEC_REPORTED,
            classification=Level.P1,
            carry=False,  # tonight's police report, which is new
        ),
        Field(
            "photo_submitted",
            Kind.YES_NO,
            "Did you send NCMEC a photo?",
            hint="NCMEC may publish and age-progress any photo it is sent",
            label="Photo sent to NCMEC",
            required=False,
            relevant=NCMEC_REPORTED,
            classification=Level.P1,
            carry=False,  # sent with tonight's report, or not
        ),
        Field(
            "publication_authorized_by",
            Kind.TEXT,
            "Who in your agency authorizes NCMEC to publish the photo?",
            hint="Name and role. Don't assume consent: follow agency policy",
            label="Publication authorized by",
            relevant=When("photo_submitted", "yes"),
            max_length=200,
            classification=Level.P2,
            # Carried: a role in the agency, not a decision of one night.
        ),
        # Issue 18: the public flyer's place line. NCMEC never says a child is in care, so the
        # flyer names a town, never the placement's address (seed).
        Field(
            "public_last_seen_area",
            Kind.TEXT,
            "For a public flyer: the town and state {child} was last seen in?",
            hint="e.g. Dayton, OH. No street, no placement name",
            label="Last seen area (public)",
            required=False,
            relevant=Answered("publication_authorized_by"),
            max_length=100,
            classification=Level.P2,
            carry=False,  # where she was seen tonight
        ),
        Field(
            "foster_status_withheld",
            Kind.YES_NO,
            "Did you ask NCMEC not to say {child} is in foster care?",
            label="Asked not to name foster status",
            required=False,
            relevant=NCMEC_REPORTED,
            classification=Level.P3,
            carry=False,  # asked (or not) on tonight's call
        ),
    ),
    carry="episode",
)

# A15 and C3 step 8: who must be told within 24 hours. Each "notified" answer ticks its checklist
# step; "not yet" leaves the step open on the checklist, with its deadline.
PARENTS_EXCUSED = When("parents_status", "tpr", "relinquished", "unlocatable")
NOTIFICATIONS = Section(
    "notifications",
    "Notifications",
    (
        Field(
            "court_notified",
            Kind.TEXT,
            "Court notified? Which court, how and when?",
            hint="e.g. Judge Ortiz's clerk by email 10:15pm. Not told yet? Tap Not yet",
            label="Court notified",
            max_length=300,
            not_yet="notify_court",
            classification=Level.P2,
            carry=False,  # telling the court is tonight's duty
        ),
        Field(
            "has_gal_casa",
            Kind.YES_NO,
            "Does {child} have a guardian ad litem, CASA or attorney?",
            label="Has GAL / CASA / attorney",
            classification=Level.P1,
            # Carried: the court appoints a GAL or CASA for the case, not for one episode.
        ),
        Field(
            "gal_casa_notified",
            Kind.TEXT,
            "GAL, CASA or attorney notified? Who, how and when?",
            hint="e.g. GAL Paul Dunn by voicemail 10:20pm. Not told yet? Tap Not yet",
            label="GAL / CASA notified",
            relevant=When("has_gal_casa", "yes"),
            max_length=300,
            not_yet="notify_gal_casa",
            classification=Level.P2,
            carry=False,  # told of tonight's episode
        ),
        Field(
            "parents_status",
            Kind.CHOICE,
            "Must {child}'s parents or guardian be told?",
            hint="Not when parental rights are terminated or relinquished, or they can't be found",
            label="Parents to be told",
            choices=PARENT_STATUSES,
            classification=Level.P3,
            # Carried: termination, relinquishment or a parent not found is the case's legal
            # status; a change reaches the worker through the court.
        ),
        Field(
            "parents_notified",
            Kind.TEXT,
            "Parents or guardian notified? Who, how and when?",
            hint="e.g. mother, Rosa Alvarez, by phone 10:30pm. Not told yet? Tap Not yet",
            label="Parents notified",
            relevant=When("parents_status", "notify"),
            max_length=300,
            not_yet="notify_parents",
            classification=Level.P2,
            carry=False,  # told of tonight's episode
        ),
        Field(
            "tribe_notified",
            Kind.TEXT,
            "Tribe, Indian custodian and tribal police notified? Who, how and when?",
            hint="Required for an Indian child (ICWA). Not told yet? Tap Not yet",
            label="Tribe notified",
            relevant=When("tribal_member", "yes"),
            max_length=300,
            not_yet="notify_tribe",
            classification=Level.P2,
            carry=False,  # told of tonight's episode
        ),
        Field(
            "notified_so_far",
            Kind.TEXT,
            "Anyone else notified (caseworker, probation officer, caregiver's licensing…)?",
            hint="Who, how, when, e.g. caseworker Angela Brooks by text 9:40pm",
            label="Others notified",
            required=False,
            classification=Level.P2,
            carry=False,  # who was told tonight
        ),
    ),
    carry="episode",
)

# A16 (and A4.12, A5.14): required yes/no so "unknown" stays an open item for the 30-day update.
LONG_TERM = Section(
    "long_term",
    "Long-term records",
    (
        Field(
            "medical_records_available",
            Kind.YES_NO,
            "Can {child}'s medical records be obtained?",
            hint="Can be gathered later; police need them within 30 days",
            label="Medical records obtainable",
            classification=Level.P3,
        ),
        Field(
            "dental_records_available",
            Kind.YES_NO,
            "Can {child}'s dental records be obtained?",
            hint="Can be gathered later; police need them within 30 days",
            label="Dental records obtainable",
            classification=Level.P3,
        ),
        # Issue 18: the NCIC entry guide [NCIC-EG] asks the custodian to sign a release of the
        # medical and dental records; required like its neighbours so "unknown" stays open.
        Field(
            "medical_release_signed",
            Kind.YES_NO,
            "Has the custodian signed the release of {child}'s medical and dental records?",
            hint="The NCIC entry guide asks for it; police need the records within 30 days",
            label="Records release signed",
            classification=Level.P3,
        ),
        Field(
            "records_providers",
            Kind.TEXT,
            "Doctor and dentist: names and phones?",
            label="Doctor / dentist",
            required=False,
            relevant=AnyOf(
                When("medical_records_available", "yes"),
                When("dental_records_available", "yes"),
            ),
            sensitive=True,
            classification=Level.P3,
        ),
        Field(
            "fingerprints_on_file",
            Kind.YES_NO,
            "Are {child}'s fingerprints on file anywhere?",
            hint="Can be gathered later",
            label="Fingerprints on file",
            classification=Level.P1,
        ),
        Field(
            "fingerprints_where",
            Kind.TEXT,
            "Where are they held?",
            label="Fingerprints held by",
            required=False,
            relevant=When("fingerprints_on_file", "yes"),
            max_length=200,
            classification=Level.P2,
        ),
        Field(
            "dna_relatives_available",
            Kind.YES_NO,
            "Are biological relatives available to give police a DNA sample?",
            hint="Can be arranged later; police collect it",
            label="DNA family reference",
            classification=Level.P1,
        ),
        Field(
            "biometric_other",
            Kind.TEXT,
            "Blood type, implants or medical devices?",
            label="Blood type / implants / devices",
            required=False,
            sensitive=True,
            classification=Level.P3,
        ),
    ),
    # Not the first night: police need these for the 30-day NCIC update, so they wait for it.
    relevant=Fact("long_term"),
    carry="episode",
    long_term=True,
)

# A16 at LONG_TERM_DAYS: what police need for the 30-day NCIC update. The service supplies the
# "long_term" fact once the episode has been open that long; until each item is done it stays an
# open item on the report and the status.
DONE = (Choice("given", "Yes, given"),)
LONG_TERM_CHECKLIST = Section(
    "long_term_checklist",
    "Long-term checklist",
    (
        Field(
            "medical_records_given",
            Kind.CHOICE,
            "Have {child}'s medical records been given to police?",
            hint="Not yet? Send skip: it stays an open item",
            label="Medical records given to police",
            choices=DONE,
            classification=Level.P1,
        ),
        Field(
            "dental_records_given",
            Kind.CHOICE,
            "Have {child}'s dental records been given to police?",
            hint="Not yet? Send skip: it stays an open item",
            label="Dental records given to police",
            choices=DONE,
            classification=Level.P1,
        ),
        Field(
            "fingerprints_given",
            Kind.CHOICE,
            "Have {child}'s fingerprints (if any are held) been given to police?",
            hint="Not yet? Send skip: it stays an open item",
            label="Fingerprint records given to police",
            choices=DONE,
            classification=Level.P1,
        ),
        Field(
            "dna_reference_given",
            Kind.CHOICE,
            "Have biological relatives given police DNA reference samples?",
            hint="Not yet? Send skip: it stays an open item",
            label="DNA family references given",
            choices=DONE,
            classification=Level.P1,
        ),
        Field(
            "ncmec_forensic_services",
            Kind.CHOICE,
            "Has NCMEC's forensic services unit been asked for help (age progression, imaging)?",
            hint="Not yet? Send skip: it stays an open item",
            label="NCMEC forensic services asked",
            choices=DONE,
            classification=Level.P1,
        ),
    ),
    relevant=Fact("long_term"),
    long_term=True,
)

# -- The crisis checklist (domain section C3, in its order) ----------------------------------------

CHECKLIST = (
    ChecklistStep(
        "le_report",
        "Report to law enforcement",
        done_when=AllOf(Answered("le_agency"), Answered("le_case_number")),
        deadline="le_report",
        show=("le_agency", "le_case_number"),
    ),
    ChecklistStep(
        "ncmec_report",
        "Report to NCMEC",
        done_field="ncmec_case_number",
        deadline="ncmec_report",
        show=("ncmec_case_number",),
    ),
    # Not an answer: the service supplies it when a supervisor acknowledges the alert.
    ChecklistStep(
        "supervisor", "Reach a supervisor", done_fact="supervisor_reached", deadline="supervisor"
    ),
    ChecklistStep(
        "notify_court",
        "Notify the court",
        done_field="court_notified",
        deadline="notify_court",
        show=("court_notified",),
    ),
    # Unknown counts as applying: the step stays open until someone rules it out.
    ChecklistStep(
        "notify_gal_casa",
        "Notify the GAL / CASA / attorney",
        done_field="gal_casa_notified",
        relevant=Not(When("has_gal_casa", "no")),
        deadline="notify_gal_casa",
        show=("gal_casa_notified",),
    ),
    ChecklistStep(
        "notify_parents",
        "Notify the parents or guardian",
        done_field="parents_notified",
        relevant=Not(PARENTS_EXCUSED),
        deadline="notify_parents",
        show=("parents_notified",),
    ),
    ChecklistStep(
        "notify_tribe",
        "Notify the tribe (Indian child)",
        done_field="tribe_notified",
        relevant=Not(When("tribal_member", "no")),
        deadline="notify_tribe",
        show=("tribe_notified",),
    ),
    ChecklistStep(
        "ncic_entry",
        "NCIC entry confirmed (NIC number)",
        done_when=Answered("nic_number"),
        deadline="ncic_entry",
        show=("nic_number",),
    ),
)

# -- The flow --------------------------------------------------------------------------------------

# Every field must carry its sensitivity level; require_levels refuses the flow otherwise.
FLOW = require_levels(
    Flow(
        id="missing_from_care",
        version="1",
        title="Child missing from care",
        extract_hints=HINTS,
        sections=(
            TRIAGE,
            CALL,
            TIMING,
            CHILD,
            RISKS,
            REPORTER,
            DETAILS,
            CONTACT,
            PLACEMENT,
            BACKGROUND,
            ABDUCTOR,
            HISTORY,
            LAW_ENFORCEMENT,
            NCMEC,
            NOTIFICATIONS,
            LONG_TERM,
            LONG_TERM_CHECKLIST,
        ),
        # The report lists raised flags in this order: most urgent first.
        risk_flags=(
            UNDER_13,
            NON_FAMILY_ABDUCTION,
            FAMILY_ABDUCTION,
            ENDANGERING_COMPANY,
            DANGER,
            SUICIDE,
            CSEC,
            REPEAT_RUNAWAY,
            MEDICATION,
            MEDICAL,
            DISABILITY,
            MENTAL_HEALTH,
            SUBSTANCE_USE,
            PREGNANCY,
            ONLINE_ENTICEMENT,
            GANG,
            VIOLENCE,
            EXPOSURE,
            OUT_OF_CHARACTER,
        ),
        alerts=(
            Alert(
                "call_911",
                "Call 911 (or your local police) now — this child meets an immediate-report "
                "criterion. Keep going here while you wait; every answer is saved.",
                (
                    Trigger(
                        When("triage", "immediate_danger"), "Immediate danger or abduction seen"
                    ),
                    Trigger(When("triage", "incapacity"), "Incapacity or developmental need"),
                    Trigger(
                        When("triage", "with_endangering_person"), "With someone who may endanger"
                    ),
                    Trigger(When("triage", "dangerous_situation"), "Dangerous situation"),
                    Trigger(When("triage", "identified_trafficking_victim"), "Trafficking victim"),
                    Trigger(When("triage", "out_of_character"), "Out of character"),
                    Trigger(AgeBelow("date_of_birth", 13), "Child is under 13"),
                    Trigger(When("cautions", "suicide"), "Suicide risk"),
                    Trigger(AllOf(DOB_UNKNOWN, When("age_band", "under_13")), "Child is under 13"),
                ),
                report_text="Immediate law-enforcement report indicated",
            ),
        ),
        # The engine counts a field as settled only once it has an entry, so only questions that
        # are always asked are listed; the photo is the last question of the call section, so the
        # conditional ones before it (the person of concern) are settled by then too.
        milestones=(
            Milestone(
                "call_ready",
                "You have what police need for the NCIC entry. Call them now if you haven't — "
                'send "police" for the read-out. Then carry on here.',
                (
                    "triage",
                    "child_name",
                    "date_of_birth",
                    "sex",
                    "race",
                    "height",
                    "weight",
                    "hair",
                    "eyes",
                    "clothing",
                    "last_seen_at",
                    "last_seen_place",
                    "missing_type",
                    "cautions",
                    "photo",
                ),
            ),
        ),
        # The most specific rule wins (NCIC): a child taken by someone else, or by a parent or
        # relative (from care, no parent has custody), is EMI even when "immediate danger" also
        # holds. EMJ (no rule) is the default.
        categories=(
            Category(
                "EMI",
                "Involuntary",
                When("missing_type", "non_family_abduction", "family_abduction"),
                reason="taken by someone without custody",
            ),
            Category(
                "EME",
                "Endangered",
                AnyOf(
                    When("triage", "immediate_danger"),
                    Flag("endangering_company"),
                    Flag("danger"),
                    Flag("csec"),
                    Flag("suicide"),
                    Flag("online_enticement"),
                ),
                reason="in danger: see the cautions",
            ),
            Category("EMD", "Disability", Flag("disability"), reason="a disability or incapacity"),
            Category(
                "EMO",
                "Other (18 to 20)",
                AnyOf(
                    AllOf(Answered("date_of_birth"), Not(AgeBelow("date_of_birth", 18))),
                    AllOf(DOB_UNKNOWN, When("age_band", "18_20")),
                ),
                reason="aged 18 to 20",
            ),
            Category("EMJ", "Juvenile", reason="under 18, no danger named"),
        ),
        # NCIC flags suggested beside the category; police decide.
        ncic_flags=(
            Category(
                "CA",
                "Child abduction",
                When("missing_type", "non_family_abduction", "family_abduction"),
                reason="taken by someone",
            ),
            Category(
                "AA",
                "AMBER Alert issued",
                When("amber_issued", "yes"),
                reason="an AMBER Alert was issued",
            ),
        ),
        readout=(
            "child_name",
            "date_of_birth",
            "sex",
            "race",
            "height",
            "weight",
            "eyes",
            "hair",
            "clothing",
            "last_seen_at",
            "last_seen_place",
            "missing_type",
            "cautions",
            "endangering_who",
            "endangering_contact",
            "child_vehicle",
            "child_phones",
            "photo",
        ),
        # The cautions in words, added to the read-out as soon as they are answered.
        readout_details=(
            "medical_condition_details",
            "medical_supplies_taken",
            "medication_details",
            "disability_reactions",
            "suicide_history",
            "weapons_access",
            "exposure_details",
            "danger_details",
        ),
        subject_field="child_name",
        clock_field="agency_notified_at",
        seen_field="last_seen_at",
        # A known child's next episode: what police need new tonight, then the case numbers,
        # then one look at what is on file.
        episode_first=(
            "triage",
            "date_of_birth",
            "age_band",
            "child_name",
            "last_seen_at",
            "last_seen_place",
            "clothing",
            "had_companions",
            "missing_type",
            "cautions",
            "endangering_who",
            "endangering_contact",
            # "Not yet" at a case number skips the rest of tonight's report.
            "ncmec_case_number",
            "le_case_number",
        ),
        # Federal law (42 U.S.C. 671(a)(35)(B)) gives 24 hours to police and NCMEC and no time for
        # the rest; a state deadline profile (flows.deadline_profiles) shortens or sets them.
        facts=("episode_number", "episode_ordinal", "first_episode_on", "long_term"),
        child_keys=(("agency_case_number",), ("child_name", "date_of_birth")),
        deadlines=(
            Deadline("le_report", "Report to law enforcement", 24, done_field="le_case_number"),
            Deadline("ncmec_report", "Report to NCMEC", 24, done_field="ncmec_case_number"),
            Deadline("supervisor", "Reach a supervisor", None),
            Deadline("notify_court", "Notify the court", None),
            Deadline("notify_gal_casa", "Notify the GAL / CASA / attorney", None),
            Deadline("notify_parents", "Notify the parents or guardian", None),
            Deadline("notify_tribe", "Notify the tribe", None),
            Deadline("ncic_entry", "Confirm the NCIC entry", None),
        ),
        checklist=CHECKLIST,
    )
)
