"""The report as Telegram HTML and as a PDF: escaping, splitting, order, minimal mode, photos."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.render.report_html import MAX_MESSAGE_LENGTH, OMITTED, render_html, split_html
from bot.render.report_pdf import render_pdf
from flows.answers import parse_answer
from flows.conditions import JsonValue
from flows.missing_from_care import FLOW as REAL
from flows.report import Report, build_report
from flows.schema import Answer, Field, Kind, Status
from flows.slots import MORE, Answers, next_slot
from tests.conftest import MINI_FLOW, NOW

TELEGRAM_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"}
SECRET = "ZEBRA-SECRET-4471"


def answered(value: JsonValue) -> Answer:
    return Answer(Status.ANSWERED, value)


MINI = {
    "danger": answered("yes"),
    "dob": answered("2015-03-07"),
    "child_name": answered("Ana <script>alert(1)</script> & </b> Ruiz"),
    "hair": answered("brown"),
    "last_seen": answered("2026-11-27T23:30:00-05:00"),
    "missed_at": answered("2026-11-27T23:50:00-05:00"),
    "medical": answered("yes"),
    "medical_detail": answered(f"Type 1 diabetes {SECRET}"),
    "nic": Answer(Status.UNKNOWN),
    "photo": answered(["p1"]),
    "with_someone": answered("no"),
}


def mini_report(**changes: Answer) -> Report:
    return build_report(MINI_FLOW, {**MINI, **changes}, now=NOW, report_id=12)


def _fake(field: Field, key: str) -> JsonValue:
    """Returns a plausible stored value; sensitive free text carries SECRET."""
    if field.kind is Kind.YES_NO:
        return "no" if field.name == MORE else "yes"
    if field.kind is Kind.CHOICE:
        return field.choices[0].value
    if field.kind is Kind.MULTI_CHOICE:
        return [field.choices[0].value]
    if field.kind is Kind.INTEGER:
        low, high = field.min_value or 0, field.max_value or 99
        return int(min(max(low, 3), high))
    return {
        Kind.DATE: "2026-10-01",
        Kind.DATETIME: "2026-11-27T22:00:00-05:00",
        Kind.PHONE: ["+13125550199"],
        Kind.EMAIL: "worker@agency.gov",
        Kind.HEIGHT: 64.0,
        Kind.WEIGHT: 95.0,
        Kind.PHOTO: ["photo-1", "photo-2"],
    }.get(field.kind, f"{SECRET} {key}" if field.sensitive else f"Note on {key} “quoted” — ok")


def rich_answers() -> dict[str, Answer]:
    """Answers the real flow the way a long, worrying report goes: most risks are 'yes'."""
    typed = {
        "triage": "1",
        "child_name": "Ruiz, Ana María",
        "date_of_birth": "03/07/2011",
        "sex": "female",
        "race": "white",
        "height": "5'4\"",
        "weight": "95",
        "eyes": "blue",
        "hair": "brown",
        "last_seen_at": "yesterday 23:30",
        "last_seen_place": "12 Oak St, Dayton, Montgomery County, OH",
        "agency_notified_at": "yesterday 23:50",
    }
    stored = {n: answered(parse_answer(REAL.field(n), t, now=NOW)) for n, t in typed.items()}
    stored["ncmec_case_number"] = Answer(Status.UNKNOWN)  # law enforcement done, NCMEC not
    while (slot := next_slot(REAL, Answers(REAL, stored, NOW))) is not None:
        stored[slot.key] = answered(_fake(slot.field, slot.key))
    return stored


@pytest.fixture(scope="module")
def rich() -> Report:
    return build_report(REAL, rich_answers(), now=NOW, report_id=7)


class TagChecker(HTMLParser):
    """Collects the text and checks that tags are Telegram's and properly nested."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.seen: set[str] = set()
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)
        self.seen.add(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text += data


def check(parts: list[str]) -> str:
    """Asserts every part fits and is valid on its own; returns the parts' text joined."""
    texts = []
    for part in parts:
        assert 0 < len(part.encode("utf-16-le")) // 2 <= MAX_MESSAGE_LENGTH
        checker = TagChecker()
        checker.feed(part)
        checker.close()
        assert checker.stack == [], f"unclosed {checker.stack}"
        assert checker.seen <= TELEGRAM_TAGS
        for tag in ("b", "i", "code", "pre"):
            assert part.count(f"<{tag}>") == part.count(f"</{tag}>")
        texts.append(checker.text)
    return "\n".join(texts)


def test_html_escapes_user_text_so_it_never_becomes_a_tag() -> None:
    parts = render_html(mini_report(), now=NOW)
    joined = "".join(parts)

    assert "Ana &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;/b&gt; Ruiz" in joined
    assert "<script>" not in joined
    assert "Ana <script>alert(1)</script> & </b> Ruiz" in check(parts)


def test_html_blocks_follow_the_text_report_order() -> None:
    joined = "".join(render_html(mini_report(), now=NOW))
    order = [
        "<b>MISSING CHILD REPORT #12 — Ana",
        "⚠ <b>CALL 911 NOW (reasons: Immediate danger; Child is under 13)</b>",
        "<b>POLICE READ-OUT (NCIC)</b>",
        "<b>RISK FLAGS</b>",
        "<b>TRIAGE</b>",
        "<b>THE CHILD</b>",
        "<b>OPEN ITEMS:</b> none",
        "<b>DEADLINES:</b> none",
    ]
    positions = [joined.index(block) for block in order]
    assert positions == sorted(positions)
    assert "Status: in progress · generated Sat Nov 28, 2026 12:00" in joined
    assert "❗ <b>Medical condition [CMC 01]</b> — Medical" in joined


def test_police_read_out_puts_ncic_codes_in_code_tags_and_counts_down(rich: Report) -> None:
    joined = "".join(render_html(rich, now=NOW))

    assert "Date of birth: <b>2011-03-07 (Mar 7, 2011)</b> <code>DOB 20110307</code>" in joined
    assert "Hair: <b>Brown</b> <code>HAI BRO</code>" in joined
    assert "Height: <b>" in joined and "<code>HGT 504</code>" in joined
    later = "".join(render_html(rich, now=NOW + timedelta(hours=12)))
    assert "<b>OVERDUE by 10 min</b>" in later
    check(render_html(rich, now=NOW))


def test_a_rich_report_splits_into_valid_parts_in_order(rich: Report) -> None:
    parts = render_html(rich, now=NOW)
    text = check(parts)

    headings = ["POLICE READ-OUT (NCIC)", "RISK FLAGS", "TRIAGE", "OPEN ITEMS", "DEADLINES"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert parts[0].startswith("<b>MISSING CHILD REPORT #7 — ")


def test_a_10000_character_answer_splits_into_several_valid_parts() -> None:
    words = " ".join(f"w{i}&<x>" for i in range(1200))[:10_000]
    parts = render_html(mini_report(nic=answered(words)), now=NOW)
    text = check(parts)

    assert len(parts) >= 3
    # Nothing is lost or cut inside an entity: the words come back whole, in order.
    assert re.sub(r"\s+", " ", words) in re.sub(r"\s+", " ", text)


def test_an_unbroken_answer_is_cut_between_characters_never_inside_an_entity() -> None:
    value = "a&b\"c'" * 2000
    parts = render_html(mini_report(nic=answered(value)), now=NOW)
    text = check(parts)

    assert len(parts) >= 3
    assert value in re.sub(r"\n", "", text)


def test_split_html_closes_and_reopens_tags_at_each_cut() -> None:
    link = '<a href="https://example.org/?a=1&amp;b=2">'
    parts = split_html("<b>" + "word " * 400 + link + "link " * 400 + "</a></b>", 500)

    check(parts)
    assert len(parts) > 4
    assert all(p.startswith("<b>") for p in parts)
    assert all(len(p) <= 500 for p in parts)
    assert any(p.startswith("<b>" + link) for p in parts[1:])
    assert split_html("short <i>one</i>") == ["short <i>one</i>"]


def test_split_html_prefers_block_boundaries_and_never_cuts_an_entity() -> None:
    blocks = [f"<b>BLOCK {i}</b>\n" + "line\n" * 30 for i in range(6)]
    parts = split_html("\n".join(blocks), 400)

    assert all(re.match(r"<b>BLOCK \d</b>", p) for p in parts)
    amps = split_html("&amp;" * 500, 64)
    assert all(re.fullmatch(r"(&amp;)+", p) for p in amps)
    assert "".join(amps) == "&amp;" * 500


def test_minimal_leaves_out_sensitive_answers_and_flag_details() -> None:
    full = "".join(render_html(mini_report(), now=NOW))
    minimal = "".join(render_html(mini_report(), now=NOW, minimal=True))

    assert SECRET in full
    assert SECRET not in minimal
    assert OMITTED in minimal and OMITTED not in full
    assert "Medical condition [CMC 01]" in minimal  # the flag itself stays
    assert "Hair: Brown" in minimal and "HAI" not in minimal  # mini flow has no NCIC codes


def test_minimal_keeps_the_non_sensitive_answers_of_the_real_flow(rich: Report) -> None:
    full = check(render_html(rich, now=NOW))
    minimal = check(render_html(rich, now=NOW, minimal=True))

    assert SECRET in full
    assert SECRET not in minimal
    assert "Ruiz, Ana María" in minimal and "DOB 20110307" in minimal
    assert "Note on clothing “quoted” — ok" in minimal
    assert all(f.label in minimal for f in rich.flags)
    assert len(minimal) < len(full)


def jpeg(size: tuple[int, int] = (300, 400), color: str = "red", kind: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_the_child_the_ncic_codes_and_page_furniture(rich: Report) -> None:
    data = render_pdf(rich, now=NOW)
    reader, text = pdf_text(data)

    assert data.startswith(b"%PDF")
    assert "Missing child report #7 — Ruiz, Ana María" in text
    for code in (
        "POLICE READ-OUT (NCIC)",
        "[NAM RUIZ, ANA MARÍA]",
        "DOB 20110307",
        "HAI BRO",
        "HGT 504",
    ):
        assert code in text
    assert "CONFIDENTIAL — child welfare record" in text
    pages = len(reader.pages)
    assert f"1 / {pages}" in text and f"{pages} / {pages}" in text
    assert text.index("POLICE READ-OUT") < text.index("RISK FLAGS") < text.index("DEADLINES")


def test_pdf_embeds_photos_and_skips_one_it_cannot_decode() -> None:
    report = mini_report()
    bare = render_pdf(report, now=NOW)
    photos = [jpeg(), b"\xff\xd8\xff not really a jpeg", jpeg((500, 300), "blue", "PNG")]
    with_photos = render_pdf(report, now=NOW, photos=photos)

    images = [img for page in PdfReader(io.BytesIO(with_photos)).pages for img in page.images]
    assert len(images) == 2
    assert len(with_photos) > len(bare)
    assert not any(p.images for p in PdfReader(io.BytesIO(bare)).pages)


@pytest.mark.parametrize(
    "name",
    [
        "Zoë “Zee” O’Brien — niña",
        "Ana 😀❤️👨‍👩‍👧 🏳️‍🌈 Ruiz",
        "שלום Ana مرحبا",
        "王小明",
        "<script>alert(1)</script> **not bold** _x_ --strike--",
    ],
)
def test_pdf_survives_any_text_and_prints_markup_literally(name: str) -> None:
    report = mini_report(child_name=answered(name), nic=answered("word " * 2000))
    data = render_pdf(report, now=NOW)
    _, text = pdf_text(data)

    assert data.startswith(b"%PDF")
    if name.startswith(("Zoë", "<script>")):
        assert name in text
    if name.startswith("Ana 😀"):
        assert "Ana 😀❤□ □ Ruiz" in text  # each run of what DejaVu lacks prints as one "□"


@pytest.mark.parametrize("value", ["line\n" * 300, "x" * 10_000, "word " * 2000])
def test_pdf_prints_very_tall_answers_across_pages(value: str) -> None:
    reader, text = pdf_text(render_pdf(mini_report(nic=answered(value)), now=NOW))

    assert len(reader.pages) >= 2
    assert text.count(value.strip()[:40]) >= 1


def test_split_html_keeps_emoji_sequences_and_accents_whole() -> None:
    family = "👨\u200d👩\u200d👧"
    parts = split_html("<i>" + family * 500 + "</i>", 100)

    assert all(p.startswith("<i>👨") and p.endswith("👧</i>") for p in parts)
    assert all(len(p.encode("utf-16-le")) // 2 <= 100 for p in parts)
    accents = split_html("e\u0301" * 500, 64)
    assert not any(p.startswith("\u0301") for p in accents)


def test_minimal_also_leaves_out_special_category_answers_not_marked_sensitive() -> None:
    stored = {
        "parents_status": Answer(Status.ANSWERED, "notify"),  # custody: P3
        "placement_type": Answer(Status.ANSWERED, "group_home"),  # foster status: P3
    }
    report = build_report(REAL, stored, now=NOW)
    lines = {line.key: line for section in report.sections for line in section.lines}
    assert lines["placement_type"].sensitive and lines["parents_status"].sensitive
    assert "Group home" in "".join(render_html(report, now=NOW))
    assert "Group home" not in "".join(render_html(report, now=NOW, minimal=True))


def test_every_time_in_the_report_says_its_time_zone(rich: Report) -> None:
    from flows.report_text import render_text

    for text in (render_text(rich, now=NOW), check(render_html(rich, now=NOW))):
        times = re.findall(r"\d\d:\d\d(?: (?:UTC[+-]\d\d:\d\d|[A-Z]{3,4}))?", text)
        assert times and all(" " in t for t in times), [t for t in times if " " not in t]
    assert "generated Sat Nov 28, 2026 12:00 EST" in render_text(rich, now=NOW)


def test_a_mnemonic_with_no_code_prints_no_empty_code_in_the_read_out() -> None:
    answers = {**rich_answers(), "missing_type": answered("undetermined")}
    html = "".join(render_html(build_report(REAL, answers, now=NOW, report_id=7), now=NOW))
    assert "Missing type: <b>Not clear yet</b>" in html
    assert "<code>MPC</code>" not in html and "<code></code>" not in html
