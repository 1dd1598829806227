"""The report's PDF pages: US Letter, the bundled font, the colours and the drawing they share.

Text is set in the bundled DejaVu Sans (``fonts/``, licence in ``fonts/LICENSE.txt``): accents,
smart quotes, Greek, Cyrillic, Hebrew and Arabic print (the last two left to right). Each run of
characters the font lacks (most emoji, CJK) prints as one '□' instead of vanishing with a
warning; the Telegram summary and console export keep the original. Nothing is read as markdown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode
from fpdf.fonts import TTFFont

from bot.render.report_html import Row

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
MISSING = "□"
CONFIDENTIAL = "CONFIDENTIAL — child welfare record"
RED = (170, 0, 0)
PALE_RED = (253, 236, 236)
GREY = (90, 90, 90)
ZEBRA = (242, 242, 242)
HEADING_FILL = (225, 230, 238)
# An answer estimated taller than this many lines prints under its label, not in a table row:
# fpdf2 cannot split a table row across pages.
TALL_LINES = 25
# Zero-width joiners, variation selectors and skin tones only shape emoji; they never print.
_SHAPING = frozenset("\u200d\ufe0e\ufe0f") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


class ReportPDF(FPDF):
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


def alert(pdf: ReportPDF, text: str) -> None:
    """Prints a boxed alert in bold red across the page width."""
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


def grid(
    pdf: ReportPDF,
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
    """Returns the code points the font of ``style`` can print."""
    font = pdf.fonts[f"{FAMILY.lower()}{style}"]
    return frozenset(font.cmap) if isinstance(font, TTFFont) else frozenset()


def _with_code(item: Row) -> str:
    """Returns the row's value with its code in brackets, when it has one."""
    return f"{item.value}  [{item.code}]" if item.code else item.value
