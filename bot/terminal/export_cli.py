"""`intake-bot export ID --format text|json|ncmec|pdf|html|card|flyer [--minimal] [-o FILE]`.

The PDF and HTML are the ones supervisors get in Telegram, for the terminal user and the
supervisor's desktop; the "if found" card and the public flyer are the papers that go out (the
flyer only once publication is authorized). ``--minimal`` leaves sensitive answers and the flags'
follow-ups out, as the minimal supervisor summary does. Every export is audited
(``report.exported``, with its format).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from enum import StrEnum
from html import escape
from pathlib import Path
from typing import TextIO

from bot.render.report_html import render_html
from bot.service.intake import FlyerNotAuthorized, IntakeService, ReportNotFound
from flows.report import Report


class Format(StrEnum):
    """What an export can be written as."""

    TEXT = "text"
    JSON = "json"
    NCMEC = "ncmec"
    PDF = "pdf"
    HTML = "html"
    CARD = "card"
    FLYER = "flyer"


LEFT_OUT = "(left out)"
# Files a supervisor opens on a desktop: plain text and JSON may also go to the terminal.
FILE_ONLY = frozenset({Format.PDF, Format.HTML, Format.CARD, Format.FLYER})
NOT_AUTHORIZED = (
    "No flyer for report #{id}: nobody is recorded as authorizing publication "
    "(the NCMEC section's 'Publication authorized by').\n"
)
# Telegram's HTML keeps line breaks as newlines; the page keeps them too and reads on any screen.
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto;
       padding: 0 1rem; white-space: pre-wrap; }}
code {{ font-family: ui-monospace, monospace; }}
@media print {{ body {{ margin: 0; max-width: none; }} }}
</style>
</head>
<body>{body}</body>
</html>
"""


def add_arguments(export: argparse.ArgumentParser) -> None:
    """Adds the export command's arguments."""
    export.add_argument("report_id", type=int)
    export.add_argument("--format", choices=[f.value for f in Format], default=Format.TEXT.value)
    export.add_argument(
        "--minimal", action="store_true", help="leave sensitive answers out (pdf, html)"
    )
    export.add_argument("-o", "--output", type=Path, help="write to FILE (needed for pdf, html)")


def run(
    args: argparse.Namespace, service: IntakeService, *, actor: str, out: TextIO, err: TextIO
) -> int:
    """Writes one report in the asked format; returns the exit status."""
    fmt = Format(args.format)
    if fmt in FILE_ONLY and args.output is None:
        err.write(f"--format {fmt} writes a file: add -o FILE.\n")
        return 2
    try:
        if fmt in FILE_ONLY:
            data = document(service, args.report_id, fmt, minimal=args.minimal, actor=actor)
        else:
            data = service.export(args.report_id, fmt=fmt.value, actor=actor).encode()
    except ReportNotFound:
        err.write(f"No report #{args.report_id}.\n")
        return 1
    except FlyerNotAuthorized:
        err.write(NOT_AUTHORIZED.format(id=args.report_id))
        return 1
    if args.output is None:
        out.write(data.decode())
        return 0
    _write_private(args.output, data)
    err.write(f"Wrote report #{args.report_id} ({fmt}) to {args.output}.\n")
    return 0


def document(
    service: IntakeService, report_id: int, fmt: Format, *, minimal: bool, actor: str
) -> bytes:
    """Returns the report's PDF or HTML page, or a paper, audited as exported."""
    # fpdf2 and Pillow load on first use: importing them took ~0.25 s of every start-up.
    from bot.render.paper_pdf import render_card, render_flyer
    from bot.render.report_pdf import render_pdf

    now = service.now()
    if fmt is Format.CARD:
        card, photos = service.card(report_id, actor=actor)
        return render_card(card, now=now, photos=photos)
    if fmt is Format.FLYER:
        flyer, photos = service.flyer(report_id, actor=actor)
        return render_flyer(flyer, now=now, photos=photos)
    report = service.report(report_id)
    if fmt is Format.PDF:
        shown = minimal_report(report) if minimal else report
        data = render_pdf(shown, now=now, photos=service.photos(report_id))
    else:
        title = escape(f"Missing child report #{report_id} — {report.subject}")
        body = "\n\n".join(render_html(report, now=now, minimal=minimal))
        data = PAGE.format(title=title, body=body).encode()
    reason = f"{fmt}:minimal" if minimal else fmt.value
    service.record_export(report_id, fmt=reason, actor=actor)
    return data


def minimal_report(report: Report) -> Report:
    """Returns the report without sensitive answers and flag follow-ups (the minimal summary)."""
    sections = tuple(
        replace(s, lines=tuple(x for x in s.lines if not x.sensitive)) for s in report.sections
    )
    clock = report.clock
    if clock is not None and clock.sensitive:
        clock = replace(clock, value=LEFT_OUT)  # the deadlines still say what they count from
    category = report.category if report.category and not report.category.sensitive else None
    return replace(
        report,
        police=tuple(x for x in report.police if not x.sensitive),
        category=category,
        flags=tuple(replace(f, details=()) for f in report.flags),
        sections=tuple(s for s in sections if s.lines),
        clock=clock,
    )


def _write_private(path: Path, data: bytes) -> None:
    """Writes the file readable by its owner only: it holds a child's identifying details."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    descriptor = os.open(path, flags, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
