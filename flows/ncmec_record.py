"""The NCMEC record: the report's answers in the order NCMEC's call taker asks for them.

The order is data (``NCMEC_ORDER``), after NCMEC's "Making a NCMEC Report" guidance (seed): the
reporting party, the investigating police agency, the legal guardian, then the child, the
descriptors, risks, last seen, companions and abductor, online sites, photos and the publication
decision. A repeat episode's earlier case numbers come first: NCMEC keeps the same case team.
Whatever the order does not name follows under "Other answers", so nothing is lost.
"""

from __future__ import annotations

import textwrap

from flows.report_text import WIDTH
from flows.report_values import Line, Report, ReportSection
from flows.schema import Flow

# A name is a field (every repeat item's answer to it too), a repeat group (its items in turn),
# or "@section" for a whole section.
NCMEC_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Earlier NCMEC case (repeat episode)", ("prior_case_numbers",)),
    (
        "Reporting party",
        (
            "reporter_name",
            "agency_name",
            "reporter_role",
            "agency_case_number",
            "reporter_phones",
            "reporter_email",
            "is_legal_guardian",
        ),
    ),
    (
        "Investigating police agency",
        (
            "le_agency",
            "le_case_number",
            "le_officer",
            "le_investigator",
            "le_reported_at",
            "nic_number",
            "ncic_entry_confirmed",
        ),
    ),
    ("Legal guardian", ("guardian_name", "guardian_agency", "guardian_phones", "guardian_email")),
    (
        "The child",
        (
            "child_name",
            "aliases",
            "preferred_name",
            "gender_identity",
            "date_of_birth",
            "age",
            "sex",
            "race",
            "ethnicity",
            "place_of_birth",
            "tribal_member",
            "tribe_name",
            "school",
            "travel_documents",
        ),
    ),
    (
        "Descriptors",
        (
            "height",
            "weight",
            "measured_on",
            "hair",
            "hair_description",
            "eyes",
            "complexion",
            "build_mannerisms",
            "marks",
            "glasses_details",
            "braces_details",
            "piercing_details",
            "tattoo_details",
            "scar_details",
            "clothing",
            "child_phones",
            "phone_details",
            "items_taken",
            "child_vehicle",
            "video_link",
        ),
    ),
    ("Risks", ("cautions", "category", "ncic_flags", "@risks")),
    (
        "Last seen",
        (
            "last_seen_at",
            "last_seen_place",
            "last_seen_by",
            "discovered_missing_at",
            "missing_type",
            "what_happened",
            "direction_of_travel",
            "possible_whereabouts",
        ),
    ),
    (
        "Companions and abductor",
        ("had_companions", "@background", "endangering_who", "endangering_contact", "@abductor"),
    ),
    ("Online", ("child_email", "social_accounts", "devices_secured", "enticement_contacts")),
    ("Photos", ("photo", "photo_date", "more_photos", "photo_submitted")),
    (
        "Publication decision",
        ("publication_authorized_by", "public_last_seen_area", "foster_status_withheld"),
    ),
    (
        "NCMEC report",
        ("ncmec_method", "ncmec_reported_at", "ncmec_case_number", "ncmec_contact"),
    ),
)
OTHER = "Other answers"


def ncmec_record(flow: Flow, report: Report) -> tuple[ReportSection, ...]:
    """Returns the report's answers regrouped in NCMEC's order, the rest last."""
    titles = {s.name: s.title for s in flow.sections}
    pool = _pool(report)
    used: set[str] = set()
    flags = report.flags
    result: list[ReportSection] = []
    for title, names in NCMEC_ORDER:
        lines: list[Line] = []
        for name in names:
            lines += [
                x
                for section, x in pool
                if x.key not in used
                and (section == titles.get(name[1:]) if name.startswith("@") else _named(x, name))
            ]
            used.update(x.key for x in lines)
        if title == "Risks":
            lines += [Line(f"flag.{f.name}", "Flag", _flag(f.label, f.reasons)) for f in flags]
        if lines:
            result.append(ReportSection(title, tuple(lines)))
    rest = tuple(x for _, x in pool if x.key not in used)
    return (*result, ReportSection(OTHER, rest)) if rest else tuple(result)


def render_ncmec_text(flow: Flow, report: Report) -> str:
    """Renders the NCMEC record as plain text, read top to bottom on the call."""
    number = f" #{report.report_id}" if report.report_id is not None else ""
    out = [f"NCMEC RECORD{number} — {report.subject}", "In NCMEC's order; read it top to bottom."]
    out += [f"! {alert}" for alert in report.alerts]
    for section in ncmec_record(flow, report):
        out += ["", section.title.upper()]
        for line in section.lines:
            code = f" [{line.code}]" if line.code else ""
            text = f"  {line.label}: {line.value}{code}"
            out += [text] if len(text) <= WIDTH else _wrap(text)
    return "\n".join(out) + "\n"


def _pool(report: Report) -> list[tuple[str, Line]]:
    """Returns every line once with its section title: the sections, then age and category."""
    pool = [(s.title, x) for s in report.sections for x in s.lines]
    keys = {x.key for _, x in pool}
    extra = [x for x in report.police if x.key not in keys]
    extra += [report.category] if report.category is not None else []
    return pool + [("", x) for x in extra]


def _named(line: Line, name: str) -> bool:
    # A repeat item's key is "group.index.field": the field's name is its last part, the
    # group's its first, so a group keeps each item's answers together.
    parts = line.key.split(".")
    return parts[-1] == name or (len(parts) == 3 and parts[0] == name)


def _flag(label: str, reasons: tuple[str, ...]) -> str:
    return f"{label} ({'; '.join(reasons)})" if reasons else label


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, subsequent_indent="      ")
