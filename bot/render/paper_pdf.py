"""Renders the papers that go out: the one-page "if found" card and the public-safe flyer.

The card is a phone-shaped page in large type for a patrol officer; the type shrinks step by
step until everything fits one page. The flyer is a US Letter page with no confidential header:
it prints only what ``flows.papers.Flyer`` holds, which is public-safe by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PIL import Image

from bot.render import pdf_document as doc
from bot.render.report_pdf import decode_photo
from flows.papers import Flyer, IfFoundCard
from flows.report_values import Line

CARD_PAGE = (100.0, 200.0)  # mm, about a phone screen's shape (1:2)
CARD_SIZES = (17.0, 15.0, 13.5, 12.0, 11.0, 10.0, 9.0, 8.0)  # points, largest that fits wins
FLYER_SIZES = (20.0, 18.0, 16.0, 14.0, 12.0, 10.0)
POLICE_ONLY = "POLICE USE — not for public release"


class PaperPDF(doc.ReportPDF):
    """A page without the report's confidential header; the card sets its own line on top."""

    def __init__(self, title: str, *, top_line: str = "") -> None:
        super().__init__(title)
        self.top_line = top_line

    def header(self) -> None:
        """Prints the card's police-only line, or nothing on the flyer."""
        if not self.top_line:
            return
        self.set_y(3)
        self.set_font(doc.FAMILY, "B", 7)
        self.set_text_color(*doc.RED)
        self.cell(0, 3, self.clean(self.top_line, "B"), align="C")
        self.set_text_color(0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        """Prints nothing: a paper is one page and carries no page number."""


def render_card(card: IfFoundCard, *, now: datetime, photos: Sequence[bytes] = ()) -> bytes:
    """Renders the "if found" card as a one-page PDF in the largest type that fits."""
    photo = _first_photo(photos)
    return _largest(CARD_SIZES, lambda size: _card(card, now, photo, size))


def render_flyer(flyer: Flyer, *, now: datetime, photos: Sequence[bytes] = ()) -> bytes:
    """Renders the public flyer as a one-page PDF."""
    photo = _first_photo(photos)
    return _largest(FLYER_SIZES, lambda size: _flyer(flyer, now, photo, size))


def _largest(sizes: Sequence[float], build: Callable[[float], PaperPDF]) -> bytes:
    """Returns the PDF in the first size that fits one page (the smallest size otherwise)."""
    data = b""
    for size in sizes:
        pdf = build(size)
        # Output even a discarded try: it is what releases the font files fpdf2 opened.
        data = bytes(pdf.output())
        if pdf.pages_count <= 1:
            break
    return data


def _card(card: IfFoundCard, now: datetime, photo: Image.Image | None, size: float) -> PaperPDF:
    pdf = _page(f"If found — {card.name}", now, top_line=POLICE_ONLY, page=CARD_PAGE, margin=5)
    _banner(pdf, f"IF FOUND — {card.name}", size * 1.15)
    if photo is not None:
        _photo(pdf, photo, width=size * 2.6, max_height=size * 3.4)
    _block(pdf, card.readout, size)
    if card.cautions:
        pdf.set_text_color(*doc.RED)
        _title(pdf, "CAUTIONS", size)
        _block(pdf, card.cautions, size)
        pdf.set_text_color(0)
    _title(pdf, "IF FOUND", size)
    if card.plan:
        _block(pdf, card.plan, size)
    else:
        pdf.paragraph("No plan recorded: call the reporting agency.", size=size, bold=True)
    return pdf


def _flyer(flyer: Flyer, now: datetime, photo: Image.Image | None, size: float) -> PaperPDF:
    pdf = _page(f"Missing — {flyer.name}", now, top_line="", page=None, margin=15)
    _banner(pdf, "MISSING", size * 2.4)
    pdf.paragraph(flyer.name, size=size * 1.5, bold=True)
    pdf.ln(2)
    if photo is not None:
        _photo(pdf, photo, width=80, max_height=100)
    _block(pdf, flyer.description, size)
    if flyer.clothing:
        _block(pdf, (Line("clothing", "Last wearing", flyer.clothing),), size)
    if flyer.last_seen:
        _block(pdf, (Line("last_seen", "Last seen", flyer.last_seen),), size)
    if flyer.call:
        pdf.ln(3)
        pdf.paragraph("If you have seen this child, call the police:", size=size, bold=True)
        pdf.paragraph(flyer.call, size=size * 1.3, bold=True)
    return pdf


def _page(
    title: str, now: datetime, *, top_line: str, page: tuple[float, float] | None, margin: float
) -> PaperPDF:
    pdf = PaperPDF(title, top_line=top_line)
    pdf.set_title(title)
    pdf.set_creator("missing-child-intake")
    pdf.set_creation_date(now)
    pdf.set_margins(margin, margin + 2, margin)
    pdf.set_auto_page_break(auto=True, margin=margin)
    if page is None:
        pdf.add_page()
    else:
        pdf.add_page(format=page)
    return pdf


def _banner(pdf: PaperPDF, text: str, size: float) -> None:
    """Prints white bold text on a red band across the page."""
    pdf.set_fill_color(*doc.RED)
    pdf.set_text_color(255)
    pdf.set_font(doc.FAMILY, "B", size)
    pdf.multi_cell(0, size * 0.5, pdf.clean(text, "B"), fill=True, align="C", padding=2)
    pdf.set_text_color(0)
    pdf.set_fill_color(255)
    pdf.ln(2)


def _title(pdf: PaperPDF, text: str, size: float) -> None:
    pdf.ln(1)
    pdf.paragraph(text, size=size * 0.9, bold=True)


def _block(pdf: PaperPDF, lines: Sequence[Line], size: float) -> None:
    """Prints each line as 'Label: value' in one run, the value bold, wrapped across the page."""
    height = size * 0.48
    for line in lines:
        pdf.set_font(doc.FAMILY, "", size * 0.8)
        pdf.write(height, pdf.clean(f"{line.label}: "))
        pdf.set_font(doc.FAMILY, "B", size)
        pdf.write(height, pdf.clean(line.value, "B"))
        pdf.ln(height + 0.8)


def _photo(pdf: PaperPDF, photo: Image.Image, *, width: float, max_height: float) -> None:
    """Prints the photo centred, at most ``width`` wide and ``max_height`` tall."""
    w, h = width, width * photo.height / photo.width
    if h > max_height:
        w, h = w * max_height / h, max_height
    pdf.image(photo, x=(pdf.w - w) / 2, y=pdf.get_y(), w=w, h=h)
    pdf.set_y(pdf.get_y() + h + 2)


def _first_photo(photos: Sequence[bytes]) -> Image.Image | None:
    return next((img for data in photos if (img := decode_photo(data)) is not None), None)
