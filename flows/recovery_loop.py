"""The recovery questions that close the loop (issue 18, catalogue D1.7-D1.18, D2), as data.

Kept beside ``flows.recovery`` so that module stays short: the photo at recovery, who interviewed
the child and why they left, the screening tool and its level of concern, the abuse/neglect and
crime reports the interview may call for (each a duty with its deadline), and the updated
runaway prevention plan.
"""

from __future__ import annotations

from flows.conditions import Answered, When
from flows.rules import ChecklistStep
from flows.schema import Choice, Deadline, Field, Kind, Level, Section

# D1.9 [TX-Bexar-CSE-IT]: the tools Texas and federal guidance name; "Other" keeps the list short.
SCREENING_TOOLS = (
    Choice("cse_it_2", "CSE-IT 2.0"),
    Choice("cse_it_brief", "CSE-IT Brief"),
    Choice("htst", "HTST"),
    Choice("vera_tvit_short", "Vera TVIT short form"),
    Choice("other_tool", "Other tool"),
)
# The CSE-IT's own three levels; the other tools' results are read onto them by the screener.
CONCERN_LEVELS = (
    Choice("no_concern", "No concern"),
    Choice("possible_concern", "Possible concern"),
    Choice("clear_concern", "Clear concern"),
)
# [671-34] gives 24 h to report a trafficking victim to police; Texas [TX-6461.5] gives 8 h.
REPORT_HINT = "Texas: within 8 h. Not yet? Send skip: it stays an open item"

# D1.13, D2 step 3 [SCCFL]: Florida photographs the child at recovery.
RECOVERY_PHOTO = Field(
    "recovery_photo",
    Kind.PHOTO,
    "Send a photo of {child} taken now, at recovery.",
    hint="Follow your agency's policy. Not taken? Send skip",
    label="Photo at recovery",
    required=False,
    sensitive=True,
    classification=Level.P3,
)
# D1.14 [SCCFL]; [TX-6461.5]: who held the interview, or that the child declined it.
INTERVIEWED_BY = Field(
    "interviewed_by",
    Kind.TEXT,
    "Who interviewed {child}? Name and role.",
    hint="If the child declined to talk, send 'declined' and who offered",
    label="Interviewed by",
    relevant=Answered("debrief_at"),
    max_length=200,
    classification=Level.P2,
)
# D1.7 [671-35](ii): the agency must find what made the child run, so it is required.
LEAVING_REASONS = Field(
    "leaving_reasons",
    Kind.TEXT,
    "Why did {child} leave? What were they running from, or toward?",
    label="Reasons for leaving",
    relevant=Answered("debrief_at"),
    sensitive=True,
    classification=Level.P3,
)
SCREENING_TOOL = Field(
    "screening_tool",
    Kind.CHOICE,
    "Which screening tool was used?",
    label="Screening tool",
    relevant=Answered("screening_at"),
    choices=SCREENING_TOOLS,
    classification=Level.P2,
)
SCREENING_CONCERN = Field(
    "screening_concern",
    Kind.CHOICE,
    "What level of concern did the screening give?",
    label="Level of concern",
    relevant=Answered("screening_at"),
    choices=CONCERN_LEVELS,
    sensitive=True,
    classification=Level.P3,
)

ABUSE_INDICATED = When("abuse_identified", "yes")
CRIME_INDICATED = When("crime_identified", "yes")
# D1.10, D1.11, D2 step 5: what the interview or screening found must be reported on.
REPORTS = Section(
    "reports",
    "Reports made",
    (
        Field(
            "abuse_identified",
            Kind.YES_NO,
            "Was abuse or neglect of {child} while gone identified?",
            label="Abuse / neglect identified",
            classification=Level.P3,
        ),
        Field(
            "abuse_reported_at",
            Kind.DATETIME,
            "When was it reported to intake (the abuse hotline)?",
            hint=REPORT_HINT,
            label="Reported to intake",
            relevant=ABUSE_INDICATED,
            not_before="found_at",
            classification=Level.P1,
        ),
        Field(
            "crime_identified",
            Kind.YES_NO,
            "Was a crime against {child}, or trafficking, identified?",
            label="Crime / trafficking identified",
            classification=Level.P3,
        ),
        Field(
            "crime_reported_at",
            Kind.DATETIME,
            "When was it reported to police?",
            hint=REPORT_HINT,
            label="Crime reported to police",
            relevant=CRIME_INDICATED,
            not_before="found_at",
            classification=Level.P1,
        ),
        Field(
            "crime_report_number",
            Kind.TEXT,
            "The police case number for it?",
            label="Crime report number",
            required=False,
            relevant=Answered("crime_reported_at"),
            max_length=100,
            classification=Level.P2,
        ),
    ),
)

# D1.18, D2 step 7 [671-35](ii); [KY]: the causes addressed where the child lives now.
PLAN = Section(
    "plan",
    "Prevention plan",
    (
        Field(
            "prevention_plan_updated",
            Kind.YES_NO,
            "Has {child}'s runaway prevention plan been updated?",
            label="Prevention plan updated",
            classification=Level.P1,
        ),
        Field(
            "caregiver_told_plan",
            Kind.YES_NO,
            "Has the caregiver been told the updated plan?",
            label="Caregiver told the plan",
            relevant=When("prevention_plan_updated", "yes"),
            classification=Level.P1,
        ),
    ),
)

# Federal 24 h from the recovery [671-34]; a recovery record takes no state profile yet.
LOOP_DEADLINES = (
    Deadline("abuse_report", "Abuse / neglect reported to intake", 24),
    Deadline("crime_report", "Crime reported to police", 24),
)
# Duties only once indicated: a "no" or an unanswered question owes no report.
LOOP_STEPS = (
    ChecklistStep(
        "abuse_report",
        "Report the abuse or neglect to intake",
        done_field="abuse_reported_at",
        relevant=ABUSE_INDICATED,
        deadline="abuse_report",
    ),
    ChecklistStep(
        "crime_report",
        "Report the crime to police",
        done_field="crime_reported_at",
        relevant=CRIME_INDICATED,
        deadline="crime_report",
    ),
)
