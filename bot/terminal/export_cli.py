"""`intake-bot export ID --format text|json|ncmec|card|flyer [-o FILE]`: a report or a paper.

Text, JSON and the NCMEC record print to the terminal (or to ``-o FILE``); the "if found" card and
the public flyer are PDFs and need ``-o FILE``. Every export is audited by the service.
"""

from __future__ import annotations

import argparse
import os
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from bot.render.paper_pdf import render_card, render_flyer
from bot.service.intake import FlyerNotAuthorized, IntakeService, ReportNotFound


class Format(StrEnum):
    """What an export can be written as."""

    TEXT = "text"
    JSON = "json"
    NCMEC = "ncmec"
    CARD = "card"
    FLYER = "flyer"


PDFS = frozenset({Format.CARD, Format.FLYER})
NOT_AUTHORIZED = (
    "No flyer for report #{id}: nobody is recorded as authorizing publication "
    "(the NCMEC section's 'Publication authorized by').\n"
)


def add_arguments(export: argparse.ArgumentParser) -> None:
    """Adds the export command's arguments."""
    export.add_argument("report_id", type=int)
    export.add_argument("--format", choices=[f.value for f in Format], default=Format.TEXT.value)
    export.add_argument("-o", "--output", type=Path, help="write to FILE (needed for card, flyer)")


def run(
    args: argparse.Namespace, service: IntakeService, *, actor: str, out: TextIO, err: TextIO
) -> int:
    """Writes one report or paper in the asked format; returns the exit status."""
    fmt = Format(args.format)
    if fmt in PDFS and args.output is None:
        err.write(f"--format {fmt} writes a PDF: add -o FILE.\n")
        return 2
    try:
        data = _data(service, args.report_id, fmt, actor=actor)
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


def _data(service: IntakeService, report_id: int, fmt: Format, *, actor: str) -> bytes:
    now = service.now()
    if fmt is Format.CARD:
        card, photos = service.card(report_id, actor=actor)
        return render_card(card, now=now, photos=photos)
    if fmt is Format.FLYER:
        flyer, photos = service.flyer(report_id, actor=actor)
        return render_flyer(flyer, now=now, photos=photos)
    return service.export(report_id, fmt=fmt.value, actor=actor).encode()


def _write_private(path: Path, data: bytes) -> None:
    """Writes the file readable by its owner only: it holds a child's identifying details."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
