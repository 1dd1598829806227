"""Behaviour of the face-sheet reader: three sheets of different shapes, pasted or as PDFs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from bot.service.facesheet_file import MAX_BYTES, FaceSheetFileError, Problem, face_sheet_text
from flows.conditions import JsonValue
from flows.extract.facesheet import FaceSheet, NotAFaceSheet, read_face_sheet
from flows.extract.proposal import settle
from flows.missing_from_care import FLOW
from flows.missing_from_care_extract import FACE_SHEET, HINTS
from flows.schema import Answer, Kind, Status
from tests.conftest import NOW

SHEETS = Path(__file__).parent / "facesheets"
NAMES = ("county_labelled", "state_columns", "agency_narrative")


def sheet(name: str) -> str:
    return (SHEETS / f"{name}.txt").read_text(encoding="utf-8")


def read(text: str) -> FaceSheet:
    return read_face_sheet(FLOW, HINTS, text, now=NOW)


def values(result: FaceSheet) -> dict[str, JsonValue]:
    return {p.key: p.value for p in result.proposals()}


def pdf_of(text: str) -> bytes:
    pdf = FPDF(format="letter")
    pdf.add_page()
    pdf.set_font("Courier", size=8)
    for line in text.splitlines():
        pdf.cell(
            0, 4, line.encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output())


def test_a_county_sheet_with_one_label_a_line_fills_every_labelled_field() -> None:
    assert values(read(sheet("county_labelled"))) == {
        "date_of_birth": "2011-03-14",
        "child_name": "Destiny Marie Jones",
        "sex": "female",
        "height": 59.0,
        "weight": 92.0,
        "hair": "brown",
        "eyes": "hazel",
        "medical_condition_details": "Allergies: Penicillin (rash)",
        "medication_details": "Concerta 36 mg every morning; melatonin 3 mg at bedtime",
        "agency_case_number": "JC-2024-004417",
        "guardian_name": "Dana Ruiz",
        "guardian_phones": ["+15025550119 (office)", "+15025550177 (cell)"],
        "custody_basis": "Court/Judge: Jefferson Family Court, Judge A. Patel, 24-J-00881",
        "tribal_member": "no",
        "school": "Western Middle School, 8th grade",
        "placement_type": "group_home",
        "caregiver": "Brightwater Youth Residence, 1420 Elm St, Louisville KY",
        "has_gal_casa": "yes",
        "parents_status": "tpr",
    }


def test_unrecognised_lines_and_partly_read_ones_are_kept_as_notes() -> None:
    notes = read(sheet("county_labelled")).notes
    assert notes == (
        "JEFFERSON COUNTY DEPARTMENT OF CHILDREN'S SERVICES",
        "CHILD FACE SHEET - CONFIDENTIAL",
        "GAL/CASA: CASA volunteer Mark Ellison, (502) 555-0150",
        "Parents: Mother Tanya Jones (rights terminated 2023); father unknown",
        "Emergency Contact Name: Aunt Kay Morris, 502-555-0133",
        'Last visit noted 11/20: doing well in school, new friend "Jay" at the bus stop',
    )


def test_a_two_column_sheet_in_capitals_reads_both_labels_of_each_line() -> None:
    found = values(read(sheet("state_columns")))
    assert found["child_name"] == "MARCUS DEWAYNE HOLLOWAY"
    assert found["date_of_birth"] == "2010-07-02"
    assert (found["sex"], found["race"]) == ("male", "black")
    assert (found["height"], found["weight"]) == (65.0, 131.0)  # 'HEIGHT (IN)', 'WEIGHT (LBS)'
    assert found["placement_type"] == "foster_family"
    assert found["caregiver"] == (
        "FOSTER PARENT(S): Linda and Ray Carter; PLACEMENT ADDRESS: 88 Poplar Ln, Shively KY"
    )
    assert found["guardian_phones"] == ["+15025550182 ext. 214"]
    assert (found["tribal_member"], found["has_gal_casa"]) == ("no", "no")
    assert "medication_details" not in found  # 'None' leaves the medication caution to ask
    assert (found["on_probation"], found["probation_officer"]) == (
        "yes", "PO Denise Tran, 502-555-0110",
    )  # fmt: skip


def test_an_allergy_list_saying_none_is_a_note_not_a_no_to_medical_conditions() -> None:
    result = read(sheet("state_columns"))
    assert "medical_condition_details" not in values(result)
    assert "ALLERGIES: NKA" in result.notes


def test_a_narrative_profile_with_long_labels_fills_its_fields() -> None:
    found = values(read(sheet("agency_narrative")))
    assert found["date_of_birth"] == "2012-03-03"
    assert found["aliases"] == "Lee"
    assert found["complexion"] == "medium_brown"
    assert (found["placement_type"], found["caregiver"]) == (
        "kinship",
        "with maternal grandmother (Rosa Reyes), 415 Vine St, Lexington KY, 859-555-0164",
    )
    assert found["guardian_phones"] == ["+18595550120 (work)", "+18595550199 (after hours)"]
    # Glasses and tattoos are ticked on the marks checklist: details wait for the tick.
    assert found["glasses_details"] == "purple frames" and "marks" not in found
    assert "tattoo_details" not in found
    assert found["parents_status"] == "unlocatable"


def test_a_hedged_tribal_line_answers_nothing_and_is_kept() -> None:
    result = read(sheet("agency_narrative"))
    assert "tribal_member" not in values(result)
    assert "ICWA status: Inquiry made - no tribal affiliation known" in result.notes


def test_a_colour_with_more_words_keeps_the_line_as_a_note_too() -> None:
    result = read(sheet("agency_narrative"))
    assert values(result)["hair"] == "black"
    assert "Hair color: Black with purple tips" in result.notes


@pytest.mark.parametrize("name", NAMES)
def test_no_line_of_a_sheet_is_lost(name: str) -> None:
    text = sheet(name)
    result = read(text)
    covered = [text[slice(*p.span)] for p in result.proposals()]
    for line in filter(str.strip, text.splitlines()):
        assert any(part in line for part in covered) or any(n in line for n in result.notes), line


@pytest.mark.parametrize("name", NAMES)
def test_proposals_are_grouped_by_the_flows_sections_in_flow_order(name: str) -> None:
    result = read(sheet(name))
    order = [s.name for s in FLOW.sections]
    shown = [group.section.name for group in result.sections]
    assert shown == sorted(shown, key=order.index)
    for group in result.sections:
        assert all(FLOW.locate(p.key)[1] is group.section for p in group.proposals)


def test_labels_are_matched_in_any_case_and_spelling() -> None:
    text = "D.O.B.: 03/14/2011\nDate of Birth: 03/14/2011\nCASE NO.: A-1\nWeight (lbs): 62"
    assert values(read(text)) == {
        "date_of_birth": "2011-03-14", "agency_case_number": "A-1", "weight": 62.0,
    }  # fmt: skip


def test_a_second_different_value_for_one_field_keeps_the_line() -> None:
    result = read("DOB: 03/14/2011\nDate of Birth: 04/15/2011")
    assert values(result) == {"date_of_birth": "2011-03-14"}
    assert result.notes == ("Date of Birth: 04/15/2011",)


def test_text_without_labels_is_refused_with_one_clear_message() -> None:
    with pytest.raises(NotAFaceSheet) as caught:
        read("she ran off after dinner, probably to her boyfriend's")
    assert "nothing was changed" in caught.value.message


def test_face_sheet_proposals_never_overwrite_confirmed_answers() -> None:
    stored = {"child_name": Answer(Status.ANSWERED, "Destiny Jones")}
    result = settle(read(sheet("county_labelled")).proposals(), asked=None, stored=stored)
    assert [(c.proposal.key, c.was) for c in result.conflicts] == [("child_name", "Destiny Jones")]
    assert "child_name" not in [p.key for p in result.taken]


def test_every_label_rule_names_real_fields_of_the_flow() -> None:
    for rule in FACE_SHEET:
        for name in rule.fields:
            assert FLOW.has_field(name), name
    assert FLOW.field(HINTS.time_places[0].time).kind is Kind.DATETIME
    assert FLOW.field(HINTS.time_places[0].place).kind is Kind.TEXT


# --- the file -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_a_pdf_face_sheet_reads_the_same_as_its_text(name: str) -> None:
    text = face_sheet_text(pdf_of(sheet(name)))
    assert values(read(text)) == values(read(sheet(name)))


def test_a_text_file_is_read_in_utf8_or_windows_encoding() -> None:
    assert face_sheet_text("Name: Zoë Peña\n".encode()) == "Name: Zoë Peña\n"
    assert (
        face_sheet_text("Name: Zoë Peña Álvarez\n".encode("cp1252")) == "Name: Zoë Peña Álvarez\n"
    )


def test_a_pdf_without_a_text_layer_is_refused() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100, style="F")  # a scan is an image: no text at all
    with pytest.raises(FaceSheetFileError) as caught:
        face_sheet_text(bytes(pdf.output()))
    assert caught.value.problem is Problem.NO_TEXT


def test_an_encrypted_pdf_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(sheet("county_labelled")))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(FaceSheetFileError) as caught:
        face_sheet_text(out.getvalue())
    assert caught.value.problem is Problem.ENCRYPTED
    assert "password" in caught.value.message


def test_a_file_over_5_mb_is_refused_before_reading() -> None:
    with pytest.raises(FaceSheetFileError) as caught:
        face_sheet_text(b"Name: x\n" * (MAX_BYTES // 8 + 1))
    assert caught.value.problem is Problem.TOO_LARGE


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"PK\x03\x04" + b"\x00" * 64,
        b"%PDF-1.7 broken",
        b"\x01\x02 12 34",
    ],
)
def test_a_file_that_is_not_a_pdf_or_text_is_refused(data: bytes) -> None:
    with pytest.raises(FaceSheetFileError) as caught:
        face_sheet_text(data)
    assert caught.value.problem is Problem.NOT_SUPPORTED
