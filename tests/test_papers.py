"""The papers that go out: the "if found" card, the public-safe flyer and the NCMEC record."""

from __future__ import annotations

import argparse
import io
from collections.abc import Mapping
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy import text as sql
from sqlmodel import Session

from bot.render.paper_pdf import render_card, render_flyer
from bot.service.intake import FlyerNotAuthorized, ReportNotFound
from bot.terminal import export_cli
from flows.missing_from_care import FLOW
from flows.ncmec_record import NCMEC_ORDER, OTHER, ncmec_record, render_ncmec_text
from flows.papers import build_flyer, flyer_allowed, if_found_card, render_card_text
from flows.report import Report, build_report
from flows.schema import Answer, Flow, Repeat, Status
from tests.conftest import NOW
from tests.test_intake import service_for
from tests.test_report_render import answered, rich_answers

# Answers NCMEC keeps private, each with a value no public paper may print (seed: no foster care
# or state custody, no medical or mental-health details, no trafficking, no case numbers).
PRIVATE = {
    "placement_type": "group_home",
    "caregiver": "Harmony House staff PRIV-CAREGIVER",
    "custody_basis": "Juvenile Court custody order PRIV-DOCKET-2023",
    "pickup_order": "custody_order",
    "agency_case_number": "PRIV-AGENCY-0117",
    "le_case_number": "PRIV-POLICE-311",
    "nic_number": "M123456789",
    "ncmec_case_number": "PRIV-NCMEC-1489",
    "prior_case_numbers": "PRIV-EARLIER-77",
    "medical_condition_details": "Type 1 diabetes PRIV-MEDICAL",
    "medication_details": "Insulin PRIV-MEDICATION",
    "mental_health_diagnosis": "PTSD PRIV-MENTAL",
    "csec_exploiters": "Tre PRIV-EXPLOITER",
    "csec_places": "Red Roof Inn PRIV-CSEC-PLACE",
    "last_seen_place": "Harmony House, 14 Elm St PRIV-ADDRESS",
    "if_found_not_to": "Birth father PRIV-BARRED",
    "guardian_name": "Angela Brooks PRIV-GUARDIAN",
    "gender_identity": "Transgender girl PRIV-GENDER",
}
PRIVATE_WORDS = ("foster", "custody", "group home", "placement", "traffick", "exploit", "medical")
PUBLIC = {
    "publication_authorized_by": "Angela Brooks, caseworker",
    "public_last_seen_area": "Dayton, OH",
    "le_agency": "Dayton PD, 937-555-0100",
    "clothing": "Black hoodie, grey sweatpants",
}


def report_with(changes: Mapping[str, Answer]) -> Report:
    stored = {**rich_answers(), **changes}
    return build_report(FLOW, stored, now=NOW, report_id=7)


@pytest.fixture(scope="module")
def full() -> Report:
    """A report with every private answer and the publication authority filled in."""
    guardian = {"is_legal_guardian": "no", "guardian_phones": ["+19375550125"]}
    return report_with({k: answered(v) for k, v in {**PRIVATE, **PUBLIC, **guardian}.items()})


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 400), "steelblue").save(out, "JPEG")
    return out.getvalue()


def pdf_pages(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_flyer_prints_no_answer_ncmec_keeps_private(full: Report) -> None:
    flyer = build_flyer(full)
    assert flyer is not None
    pages, text = pdf_pages(render_flyer(flyer, now=NOW, photos=[photo()]))
    assert pages == 1
    leaked = [k for k, v in PRIVATE.items() if v.split()[-1] in text]
    assert leaked == []
    assert [w for w in PRIVATE_WORDS if w in text.lower()] == []
    assert "M123456789" not in text and "PRIV-" not in text


def test_the_flyer_shows_name_age_description_clothing_last_seen_and_the_police(
    full: Report,
) -> None:
    flyer = build_flyer(full)
    assert flyer is not None
    _, text = pdf_pages(render_flyer(flyer, now=NOW))
    for shown in ("MISSING", "Ana María Ruiz", "Age: 15", "Female", "Brown", "Blue", "Dayton, OH"):
        assert shown in text
    assert "Black hoodie" in text and "937-555-0100" in text
    assert "(BRO)" not in text  # the public reads words, not NCIC codes


def test_no_flyer_is_offered_until_someone_authorizes_publication() -> None:
    report = report_with({"publication_authorized_by": Answer(Status.SKIPPED)})
    assert not flyer_allowed(report)
    assert build_flyer(report) is None


def test_the_card_has_the_read_out_the_cautions_in_words_and_the_if_found_plan(
    full: Report,
) -> None:
    card = if_found_card(FLOW, full)
    pages, text = pdf_pages(render_card(card, now=NOW, photos=[photo()]))
    assert pages == 1
    assert "POLICE USE" in text and "IF FOUND" in text
    for shown in ("Ruiz, Ana María", "5'4\"", "PRIV-MEDICAL", "Birth father", "Custody order"):
        assert shown in text
    assert "CAUTIONS" in text and "Medical condition" in text
    assert "Harmony House staff" not in text  # the caregiver is not on the card


def test_the_card_falls_back_to_the_guardians_phones_for_the_24_7_number() -> None:
    report = report_with(
        {"if_found_call": Answer(Status.SKIPPED), "reporter_phones": answered(["+19375550160"])}
    )
    plan = {x.label: x.value for x in if_found_card(FLOW, report).plan}
    assert plan["Call 24/7 if found"] == "(937) 555-0160"


def test_the_card_text_for_telegram_leads_with_the_name_and_ends_with_the_plan(
    full: Report,
) -> None:
    text = render_card_text(if_found_card(FLOW, full))
    assert text.startswith("IF FOUND — Ruiz, Ana María · report #7")
    assert text.index("READ-OUT") < text.index("CAUTIONS") < text.rindex("IF FOUND")
    assert "Photo:" not in text


def test_the_ncmec_record_follows_ncmecs_order_top_to_bottom(full: Report) -> None:
    titles = [s.title for s in ncmec_record(FLOW, full)]
    expected = [t for t, _ in NCMEC_ORDER if t in titles]
    assert titles[: len(expected)] == expected
    assert titles[:4] == [
        "Earlier NCMEC case (repeat episode)",
        "Reporting party",
        "Investigating police agency",
        "Legal guardian",
    ]
    text = render_ncmec_text(FLOW, full)
    order = ["PRIV-EARLIER", "PRIV-AGENCY", "PRIV-POLICE", "PRIV-GUARDIAN", "Name: Ruiz"]
    assert [text.index(x) for x in order] == sorted(text.index(x) for x in order)
    assert text.index("Height:") < text.index("PRIV-MEDICAL") < text.index("Last seen:")


def test_the_ncmec_record_keeps_each_phones_carrier_and_plan_with_its_number() -> None:
    phones = {
        "child_phones": answered(["+19375550199", "+19375550143"]),
        "phone_details.0.phone_number": answered(["+19375550199"]),
        "phone_details.0.phone_carrier": answered("T-Mobile"),
        "phone_details.0._more": answered("yes"),
        "phone_details.1.phone_number": answered(["+19375550143"]),
        "phone_details.1.phone_carrier": answered("Cricket"),
        "phone_details.1._more": answered("no"),
    }
    text = render_ncmec_text(FLOW, report_with(phones))
    order = ["Phone 1: Number", "T-Mobile", "Phone 2: Number", "Cricket", "Items taken"]
    assert [text.index(x) for x in order] == sorted(text.index(x) for x in order)


def test_the_ncmec_record_loses_no_answer_of_the_report(full: Report) -> None:
    keys = {x.key for s in full.sections for x in s.lines}
    record = ncmec_record(FLOW, full)
    listed = [x.key for s in record for x in s.lines]
    assert keys <= set(listed)
    assert len(listed) == len(set(listed))  # each answer once
    assert record[-1].title == OTHER or all(s.title != OTHER for s in record)


def test_every_name_in_the_ncmec_order_is_a_field_repeat_group_or_section_of_the_flow() -> None:
    sections = {s.name for s in FLOW.sections}
    groups = {i.name for s in FLOW.sections for i in s.items if isinstance(i, Repeat)}
    report_only = {"age", "category", "ncic_flags"}
    unknown = [
        name
        for _, names in NCMEC_ORDER
        for name in names
        if not (name[1:] in sections if name.startswith("@") else FLOW.has_field(name))
        and name not in report_only | groups
    ]
    assert unknown == []


def test_the_service_gives_papers_of_own_reports_only_and_audits_them(
    mini: Flow, engine: Engine, tmp_path: Path
) -> None:
    service = service_for(mini, engine)
    report_id = service.start("telegram:1").report_id
    for text in ("no", "2011-03-07", "Ana Ruiz"):
        service.handle_text("telegram:1", text)
    card, photos = service.card(report_id, actor="telegram:1", worker="telegram:1")
    assert card.name == "Ana Ruiz" and photos == []
    with pytest.raises(ReportNotFound):
        service.card(report_id, actor="telegram:2", worker="telegram:2")
    with pytest.raises(FlyerNotAuthorized):  # nobody authorized publication
        service.flyer(report_id, actor="telegram:1", worker="telegram:1")
    with Session(engine) as session:
        events = session.exec(  # type: ignore[call-overload]
            sql("SELECT reason FROM audit_event WHERE event = 'report.exported'")
        ).all()
    assert [e[0] for e in events] == ["card"]
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(
        report_id=report_id, format="card", output=tmp_path / "card.pdf", minimal=False
    )
    assert export_cli.run(args, service, actor="console:sup", out=out, err=err) == 0
    assert pdf_pages((tmp_path / "card.pdf").read_bytes())[0] == 1
    args = argparse.Namespace(
        report_id=report_id, format="flyer", output=tmp_path / "f.pdf", minimal=False
    )
    assert export_cli.run(args, service, actor="console:sup", out=out, err=err) == 1
    assert "No flyer" in err.getvalue() and not (tmp_path / "f.pdf").exists()
    args = argparse.Namespace(report_id=report_id, format="ncmec", output=None, minimal=False)
    assert export_cli.run(args, service, actor="console:sup", out=out, err=err) == 0
    assert out.getvalue().startswith(f"NCMEC RECORD #{report_id} — Ana Ruiz")
