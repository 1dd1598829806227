"""Renders the report as a US Letter PDF: alerts, the police read-out and photos, then the rest.

The pages, font and drawing are in ``pdf_document``; this module puts the sections on them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from PIL import Image, ImageOps

from bot.render import pdf_document as doc
from bot.render import report_html as view
from flows.efforts import TIMELINE
from flows.report import Report, flag_reasons, stamp

PHOTO_WIDTH = 60.0
PHOTO_MAX_HEIGHT = 80.0
PHOTO_MIN_HEIGHT = 45.0
PHOTO_PIXELS = 900  # long side; ~380 dpi at 60 mm, plenty for print and small files


def render_pdf(report: Report, *, now: datetime, photos: Sequence[bytes] = ()) -> bytes:
    """Renders the full report as PDF bytes; a photo that cannot be decoded is left out."""
    _, status = view.heading(report)
    number = f" #{report.report_id}" if report.report_id is not None else ""
    pdf = doc.ReportPDF(f"Report{number} — {report.subject}")
    pdf.set_title(f"Missing child report{number}")
    pdf.set_creator("missing-child-intake")
    pdf.set_creation_date(now)
    pdf.add_page()
    pdf.paragraph(f"Missing child report{number} — {report.subject}", size=18, bold=True)
    pdf.paragraph(status, size=10)
    _glance(pdf, report, now)
    pdf.ln(2)
    for alert in report.alerts:
        doc.alert(pdf, f"⚠ {alert}")
    police = view.police_rows(report)
    if police:
        pdf.heading("POLICE READ-OUT (NCIC)")
        pdf.rows(police, size=13, bold_values=True)
    _photos(pdf, photos)
    _flags(pdf, report)
    for section in report.sections:
        pdf.heading(section.title.upper())
        pdf.rows([view.row(x) for x in section.lines])
    _duties(pdf, report, now)
    _efforts(pdf, report)
    return bytes(pdf.output())


def _glance(pdf: doc.ReportPDF, report: Report, now: datetime) -> None:
    """Prints the next open deadline and the open-item count under the title."""
    items = len(report.open_items)
    text = f"{items} open item{'' if items == 1 else 's'}"
    pending = [view.due(d, now) for d in report.deadlines if not d.done]
    if pending:
        text = f"Next deadline: {pending[0].label} — {pending[0].left} · {text}"
    pdf.set_text_color(*(doc.RED if pending and pending[0].overdue else (0, 0, 0)))
    pdf.paragraph(text, size=11, bold=True)
    pdf.set_text_color(0)


def _photos(pdf: doc.ReportPDF, photos: Sequence[bytes]) -> None:
    images = [img for data in photos if (img := decode_photo(data)) is not None]
    if not images:
        return
    # Shrink the first row to the room left on the page rather than orphan the heading.
    pdf.heading("PHOTOS", room=14 + PHOTO_MIN_HEIGHT)
    cap = min(PHOTO_MAX_HEIGHT, pdf.page_break_trigger - pdf.get_y() - 2)
    x, top, tallest = pdf.l_margin, pdf.get_y(), 0.0
    for img in images:
        w, h = _fit(img, cap)
        if x + w > pdf.w - pdf.r_margin + 0.01:
            x, top, tallest, cap = pdf.l_margin, top + tallest + 3, 0.0, PHOTO_MAX_HEIGHT
            w, h = _fit(img, cap)
        if top + h > pdf.page_break_trigger:
            pdf.add_page()
            x, top, tallest = pdf.l_margin, pdf.get_y(), 0.0
        pdf.image(img, x=x, y=top, w=w, h=h)
        x, tallest = x + w + 3, max(tallest, h)
    pdf.set_xy(pdf.l_margin, top + tallest + 2)


def _fit(img: Image.Image, cap: float) -> tuple[float, float]:
    """Returns the photo's size in mm: PHOTO_WIDTH wide, or narrower to stay ``cap`` tall."""
    h = PHOTO_WIDTH * img.height / img.width
    return (PHOTO_WIDTH, h) if h <= cap else (PHOTO_WIDTH * cap / h, cap)


def decode_photo(data: bytes) -> Image.Image | None:
    """Returns the photo upright, RGB and at most PHOTO_PIXELS on its long side, or None."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            img = ImageOps.exif_transpose(opened) or opened
            img.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
            return img.convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def _flags(pdf: doc.ReportPDF, report: Report) -> None:
    pdf.heading("RISK FLAGS" if report.flags else "RISK FLAGS: none raised")
    for flag in report.flags:
        # Keep a flag's title with its reasons and first follow-ups.
        if pdf.will_page_break(16 + 7 * min(len(flag.details), 3)):
            pdf.add_page()
        pdf.set_text_color(*doc.RED)
        pdf.paragraph(f"▲ {view.flag_title(flag)}", size=11, bold=True)
        pdf.set_text_color(0)
        if reasons := flag_reasons(flag):
            pdf.paragraph(f"Why: {reasons}", size=10)
        pdf.ln(1)
        pdf.rows([view.row(x) for x in flag.details])


def _duties(pdf: doc.ReportPDF, report: Report, now: datetime) -> None:
    items = report.open_items
    pdf.heading(f"OPEN ITEMS ({len(items)})" if items else "OPEN ITEMS: none")
    rows = [((i.section, i.label, i.status), False) for i in items]
    doc.grid(pdf, ("Section", "Question", "Status"), (0.3, 0.5, 0.2), rows)
    clock = view.clock_text(report)
    pdf.heading(f"DEADLINES ({clock})" if report.deadlines else f"DEADLINES: {clock or 'none'}")
    dues = [view.due(d, now) for d in report.deadlines]
    rows = [((d.label, d.due, d.left), d.overdue) for d in dues]
    doc.grid(pdf, ("Duty", "Due", "Time left"), (0.4, 0.3, 0.3), rows)
    _checklist(pdf, report, now)


def _checklist(pdf: doc.ReportPDF, report: Report, now: datetime) -> None:
    """Prints the checklist as one table, in its order, then the state's extra duties."""
    if not report.checklist:
        return
    pdf.heading(f"CHECKLIST ({report.profile_title})" if report.profile_title else "CHECKLIST")
    rows = [((s.mark, s.text), s.overdue) for s in view.checklist(report, now)]
    doc.grid(pdf, ("", "Step"), (0.06, 0.94), rows)
    if report.profile_notes:
        pdf.paragraph("Also required:", size=10, bold=True)
    for note in report.profile_notes:
        pdf.paragraph(f"+ {note}", size=10)


def _efforts(pdf: doc.ReportPDF, report: Report) -> None:
    """Prints the search-efforts log as a timeline, oldest first."""
    if not report.efforts:
        pdf.heading(f"{TIMELINE}: none logged yet")
        return
    pdf.heading(TIMELINE)
    rows = [((stamp(e.at), e.label, e.by, e.outcome or "—"), False) for e in report.efforts]
    doc.grid(pdf, ("When", "What", "By", "Outcome"), (0.25, 0.25, 0.15, 0.35), rows)
