"""Renders the report as a US Letter PDF: alerts, the police read-out and photos, then the rest.

Text is set in the bundled DejaVu Sans (``fonts/``, licence in ``fonts/LICENSE.txt``): accents,
smart quotes, Greek, Cyrillic, Hebrew and Arabic print (the last two left to right). Each run of
characters the font lacks (most emoji, CJK) prints as one '□' instead of vanishing with a
warning; the Telegram summary and console export keep the original. Nothing is read as markdown.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode
from fpdf.fonts import TTFFont
from PIL import Image, ImageOps

from bot.render import report_html as view
from bot.render.report_html import Row
from flows.report import Report, flag_reasons

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
MISSING = "□"
CONFIDENTIAL = "CONFIDENTIAL — child welfare record"
RED = (170, 0, 0)
PALE_RED = (253, 236, 236)
GREY = (90, 90, 90)
ZEBRA = (242, 242, 242)
HEADING_FILL = (225, 230, 238)
PHOTO_WIDTH = 60.0
PHOTO_MAX_HEIGHT = 80.0
PHOTO_MIN_HEIGHT = 45.0
PHOTO_PIXELS = 900  # long side; ~380 dpi at 60 mm, plenty for print and small files
# An answer estimated taller than this many lines prints under its label, not in a table row:
# fpdf2 cannot split a table row across pages.
TALL_LINES = 25
# Zero-width joiners, variation selectors and skin tones only shape emoji; they never print.
_SHAPING = frozenset("\u200d\ufe0e\ufe0f") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


class _ReportPDF(FPDF):
    """The report's pages, with a confidentiality header and 'n / N' page numbers."""

    def __init__(self, running_title: str) -> None:
        super().__init__(format="letter", unit="mm")
        self.running_title = running_title
        self.section = ""
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.glyphs = {style: _cmap(self, style) for style in ("", "B")}
        self.set_margins(15, 16, 15)
        self.set_auto_page_break(auto=True, margin=16)
        self.set_image_filter("DCTDecode")

    def header(self) -> None:
        """Prints the confidentiality notice and the report title on every page."""
        self.set_y(7)
        self.set_font(FAMILY, "B", 8)
        self.set_text_color(*RED)
        self.cell(0, 4, CONFIDENTIAL)
        self.set_x(self.l_margin)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        running = f"{self.running_title} · {self.section}" if self.section else self.running_title
        self.cell(0, 4, self.clean(running), align="R")
        self.set_text_color(0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        """Prints 'n / N' at the foot of every page."""
        self.set_y(-11)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 4, CONFIDENTIAL, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0)

    def clean(self, text: str, style: str = "") -> str:
        """Returns the text with each run of characters the font cannot print as one '□'."""
        glyphs = self.glyphs[style]
        out: list[str] = []
        for char in unicodedata.normalize("NFC", text):
            if char in _SHAPING:
                continue
            if ord(char) in glyphs or char in "\n\t":
                out.append(char)
            elif not out or out[-1] != MISSING:
                out.append(MISSING)
        return "".join(out)

    def heading(self, text: str, *, room: float = 18) -> None:
        """Prints a shaded section heading, on a new page unless ``room`` mm follow it."""
        self.section = text
        if self.will_page_break(room):
            self.add_page()
        self.ln(3)
        self.set_font(FAMILY, "B", 12)
        self.set_fill_color(*HEADING_FILL)
        self.cell(0, 7.5, self.clean(text, "B"), fill=True, new_x="LMARGIN", new_y="NEXT")
        self.set_fill_color(255)
        self.ln(1.5)

    def paragraph(self, text: str, *, size: float = 10, bold: bool = False) -> None:
        """Prints wrapped text across the page width."""
        style = "B" if bold else ""
        self.set_font(FAMILY, style, size)
        self.multi_cell(0, size * 0.5, self.clean(text, style), align="L")
        self.set_x(self.l_margin)

    def rows(self, rows: Sequence[Row], *, size: float = 10, bold_values: bool = False) -> None:
        """Prints label | value [code] rows as a table; very long values go under their label."""
        short: list[Row] = []
        for item in rows:
            # ~60 characters fit a line of the value column at 10 pt.
            if sum(len(x) // 60 + 1 for x in item.value.split("\n")) <= TALL_LINES:
                short.append(item)
                continue
            self._table(short, size, bold_values)
            short = []
            self.paragraph(item.label, size=size, bold=True)
            self.paragraph(_with_code(item), size=size)
            self.ln(1)
        self._table(short, size, bold_values)

    def _table(self, rows: Sequence[Row], size: float, bold_values: bool) -> None:
        if not rows:
            return
        style = "B" if bold_values else ""
        self.set_font(FAMILY, "", size)
        with self.table(
            col_widths=(0.34, 0.66),
            first_row_as_headings=False,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            cell_fill_color=ZEBRA,
            cell_fill_mode=TableCellFillMode.ROWS,
            line_height=size * 0.5,
            padding=(1.2, 1.5),
            text_align="LEFT",
        ) as table:
            for item in rows:
                cells = table.row()
                cells.cell(self.clean(item.label), style=FontFace(color=GREY))
                cells.cell(self.clean(_with_code(item), style), style=FontFace(emphasis=style))
        self.ln(1)


def render_pdf(report: Report, *, now: datetime, photos: Sequence[bytes] = ()) -> bytes:
    """Renders the full report as PDF bytes; a photo that cannot be decoded is left out."""
    _, status = view.heading(report)
    number = f" #{report.report_id}" if report.report_id is not None else ""
    pdf = _ReportPDF(f"Report{number} — {report.subject}")
    pdf.set_title(f"Missing child report{number}")
    pdf.set_creator("missing-child-intake")
    pdf.set_creation_date(now)
    pdf.add_page()
    pdf.paragraph(f"Missing child report{number} — {report.subject}", size=18, bold=True)
    pdf.paragraph(status, size=10)
    _glance(pdf, report, now)
    pdf.ln(2)
    for alert in report.alerts:
        _alert(pdf, f"⚠ {alert}")
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
    return bytes(pdf.output())


def _glance(pdf: _ReportPDF, report: Report, now: datetime) -> None:
    """Prints the next open deadline and the open-item count under the title."""
    items = len(report.open_items)
    text = f"{items} open item{'' if items == 1 else 's'}"
    pending = [view.due(d, now) for d in report.deadlines if not d.done]
    if pending:
        text = f"Next deadline: {pending[0].label} — {pending[0].left} · {text}"
    pdf.set_text_color(*(RED if pending and pending[0].overdue else (0, 0, 0)))
    pdf.paragraph(text, size=11, bold=True)
    pdf.set_text_color(0)


def _alert(pdf: _ReportPDF, text: str) -> None:
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.set_fill_color(*PALE_RED)
    pdf.set_text_color(*RED)
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(
        0, 6.5, pdf.clean(text, "B"), border=1, fill=True, align="L", padding=3,
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.set_text_color(0)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.ln(2)


def _photos(pdf: _ReportPDF, photos: Sequence[bytes]) -> None:
    images = [img for data in photos if (img := _decode(data)) is not None]
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


def _decode(data: bytes) -> Image.Image | None:
    """Returns the photo upright, RGB and at most PHOTO_PIXELS on its long side, or None."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            img = ImageOps.exif_transpose(opened) or opened
            img.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
            return img.convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def _flags(pdf: _ReportPDF, report: Report) -> None:
    pdf.heading("RISK FLAGS" if report.flags else "RISK FLAGS: none raised")
    for flag in report.flags:
        # Keep a flag's title with its reasons and first follow-ups.
        if pdf.will_page_break(16 + 7 * min(len(flag.details), 3)):
            pdf.add_page()
        pdf.set_text_color(*RED)
        pdf.paragraph(f"▲ {view.flag_title(flag)}", size=11, bold=True)
        pdf.set_text_color(0)
        if reasons := flag_reasons(flag):
            pdf.paragraph(f"Why: {reasons}", size=10)
        pdf.ln(1)
        pdf.rows([view.row(x) for x in flag.details])


def _duties(pdf: _ReportPDF, report: Report, now: datetime) -> None:
    items = report.open_items
    pdf.heading(f"OPEN ITEMS ({len(items)})" if items else "OPEN ITEMS: none")
    rows = [((i.section, i.label, i.status), False) for i in items]
    _grid(pdf, ("Section", "Question", "Status"), (0.3, 0.5, 0.2), rows)
    clock = view.clock_text(report)
    pdf.heading(f"DEADLINES ({clock})" if report.deadlines else f"DEADLINES: {clock or 'none'}")
    dues = [view.due(d, now) for d in report.deadlines]
    rows = [((d.label, d.due, d.left), d.overdue) for d in dues]
    _grid(pdf, ("Duty", "Due", "Time left"), (0.4, 0.3, 0.3), rows)
    _checklist(pdf, report, now)


def _checklist(pdf: _ReportPDF, report: Report, now: datetime) -> None:
    """Prints the checklist as one table, in its order, then the state's extra duties."""
    if not report.checklist:
        return
    pdf.heading(f"CHECKLIST ({report.profile_title})" if report.profile_title else "CHECKLIST")
    rows = [((s.mark, s.text), s.overdue) for s in view.checklist(report, now)]
    _grid(pdf, ("", "Step"), (0.06, 0.94), rows)
    if report.profile_notes:
        pdf.paragraph("Also required:", size=10, bold=True)
    for note in report.profile_notes:
        pdf.paragraph(f"+ {note}", size=10)


def _grid(
    pdf: _ReportPDF,
    headings: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[tuple[tuple[str, ...], bool]],
) -> None:
    """Prints a table with a heading row; rows marked urgent print in bold red."""
    if not rows:
        return
    pdf.set_font(FAMILY, "", 10)
    urgent = FontFace(emphasis="B", color=RED)
    with pdf.table(
        col_widths=tuple(widths),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="B", fill_color=HEADING_FILL),
        line_height=5,
        padding=(1.2, 1.5),
        text_align="LEFT",
    ) as table:
        table.row([pdf.clean(h, "B") for h in headings])
        for cells, is_urgent in rows:
            style = "B" if is_urgent else ""
            table.row([pdf.clean(c, style) for c in cells], style=urgent if is_urgent else None)
    pdf.ln(1)


def _cmap(pdf: FPDF, style: str) -> frozenset[int]:
    font = pdf.fonts[f"{FAMILY.lower()}{style}"]
    return frozenset(font.cmap) if isinstance(font, TTFFont) else frozenset()


def _with_code(item: Row) -> str:
    return f"{item.value}  [{item.code}]" if item.code else item.value
