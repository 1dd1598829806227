"""A face sheet sent at any question: pasted in the terminal, a text file, a PDF, or refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from sqlalchemy import Engine
from sqlmodel import Session

from bot.render.report_html import render_html
from bot.render.report_pdf import render_pdf
from bot.service.facesheet_file import MAX_BYTES, Problem
from bot.service.intake import IntakeService
from bot.terminal.console import run_console
from flows.missing_from_care import FLOW
from flows.replies import Event
from storage import repository as repo
from tests import test_telegram_app as tg
from tests.conftest import MATCH_KEY, NOW, ZONE
from tests.test_facesheet import pdf_of, sheet

WORKER = "console:ana"
CONFIRM = "from face sheet — confirm"


@pytest.fixture
def service(engine: Engine) -> IntakeService:
    return IntakeService(
        flow=FLOW, engine=engine, clock=lambda: NOW, zone=ZONE, match_key=MATCH_KEY
    )


def answers_of(engine: Engine) -> dict[str, tuple[str, object]]:
    with Session(engine) as session:
        (row,) = repo.list_reports(session)
        return repo.load_answers(session, report_id=row.id or 0)


def downloads(chat: tg.Chat) -> int:
    return sum(1 for name, _ in chat.api.calls if name == "download")


def no_text_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100)  # a scan: a picture of the page, no text layer
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(sheet("county_labelled")))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_face_sheet_pasted_in_the_terminal_ends_at_an_empty_line_and_is_confirmed_by_section(
    service: IntakeService, engine: Engine
) -> None:
    screen = io.StringIO()
    # The copied text without its blank lines: in the terminal an empty line ends the paste.
    pasted = "\n".join(line for line in sheet("county_labelled").splitlines() if line.strip())
    typed = f"paste\n{pasted}\n\nyes\nyes\n"  # triage's section, then the police call's
    run_console(service, worker=WORKER, stdin=io.StringIO(typed), stdout=screen)
    shown = screen.getvalue()
    assert "Paste the face sheet, then send an empty line." in shown
    assert CONFIRM in shown and "✓ Saved" in shown
    assert answers_of(engine)["child_name"][1] == "Destiny Marie Jones"


def test_a_text_file_sent_at_a_question_waits_for_the_tap_then_fills_its_section(
    service: IntakeService, engine: Engine
) -> None:
    service.start(WORKER)
    before = answers_of(engine)
    data = sheet("county_labelled").encode("utf-8")
    outcome = service.send_face_sheet_file(WORKER, data, size=len(data))
    assert outcome.reply.prompt is not None and CONFIRM in outcome.reply.prompt.text
    assert "child_name" not in answers_of(engine) and outcome.sensitive
    before_tap = {k: v for k, v in answers_of(engine).items() if not k.startswith("_")}
    assert before_tap == {k: v for k, v in before.items() if not k.startswith("_")}
    service.handle_text(WORKER, "yes")  # triage's section: the date of birth
    assert service.handle_text(WORKER, "yes").reply.notices == ("✓ Saved 6 answers.",)
    assert answers_of(engine)["child_name"][1] == "Destiny Marie Jones"


def test_a_pdf_with_a_text_layer_is_read_like_the_pasted_text(
    service: IntakeService, engine: Engine
) -> None:
    service.start(WORKER)
    data = pdf_of(sheet("state_columns"))
    outcome = service.send_face_sheet_file(WORKER, data, size=len(data))
    assert outcome.reply.prompt is not None and CONFIRM in outcome.reply.prompt.text


@pytest.mark.parametrize(
    ("content", "size", "problem"),
    [
        (no_text_pdf(), None, Problem.NO_TEXT),
        (encrypted_pdf(), None, Problem.ENCRYPTED),
        (b"", MAX_BYTES + 1, Problem.TOO_LARGE),
        (tg.PNG, None, Problem.NOT_SUPPORTED),
    ],
    ids=["scanned", "encrypted", "over-5-mb", "an-image"],
)
def test_a_file_that_cannot_be_read_gets_one_message_and_changes_nothing(
    service: IntakeService, engine: Engine, content: bytes, size: int | None, problem: Problem
) -> None:
    asked = service.start(WORKER).reply.prompt
    before = answers_of(engine)
    outcome = service.send_face_sheet_file(WORKER, content, size=size)
    assert outcome.reply.event == Event.FACE_SHEET_REFUSED
    assert outcome.reply.error == problem.value and not outcome.sensitive
    assert outcome.reply.prompt == asked  # the same question, asked again
    assert answers_of(engine) == before


async def test_a_face_sheet_forwarded_as_a_text_file_in_telegram_is_offered_for_confirmation(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tg, "PNG", sheet("county_labelled").encode("utf-8"))  # the download
    async for chat in tg._chat(engine, FLOW):
        await chat.send("/start")
        message: dict[str, Any] = {
            "message_id": 90,
            "date": 0,
            "chat": {"id": 111, "type": "private"},
            "from": tg.ANA,
            "forward_origin": {"type": "hidden_user", "date": 0, "sender_user_name": "Case system"},
        }
        document = {"file_id": "f", "file_unique_id": "fu", "mime_type": "text/plain"}
        sent = {**document, "file_name": "face_sheet.txt", "file_size": 900}
        await chat.feed({"update_id": 600, "message": {**message, "document": sent}})
        assert CONFIRM in chat.last_text() and downloads(chat) == 1
        huge = {**document, "file_name": "scan.pdf", "file_size": MAX_BYTES + 1}
        await chat.feed({"update_id": 601, "message": {**message, "document": huge}})
        assert "That file is over 5 MB" in chat.last_text() and downloads(chat) == 1


def test_face_sheet_lines_no_question_took_are_in_the_report_text_html_and_pdf(
    service: IntakeService,
) -> None:
    report_id = service.start(WORKER).report_id
    service.paste_face_sheet(WORKER, sheet("county_labelled"))
    report = service.report(report_id)
    (notes,) = [s for s in report.sections if s.title == "Other face-sheet notes"]
    line = "Emergency Contact Name: Aunt Kay Morris, 502-555-0133"
    assert line in [n.value for n in notes.lines]
    assert "OTHER FACE-SHEET NOTES" in service.export(report_id, fmt="text")
    assert line in service.export(report_id, fmt="text")
    html = "".join(render_html(report, now=NOW))
    assert "other face-sheet notes" in html.lower() and "Aunt Kay Morris" in html
    pdf = PdfReader(io.BytesIO(render_pdf(report, now=NOW)))
    pages = "".join(page.extract_text() for page in pdf.pages)
    assert "other face-sheet notes" in pages.lower() and "Aunt Kay Morris" in pages
