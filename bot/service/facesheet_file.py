"""Reads a face sheet the worker sent as a file: a text file, or a PDF with a text layer.

Anything else (a scan without text, an encrypted PDF, a file over 5 MB, another format) gets
one ``FaceSheetFileError`` whose message can be shown as it is, and nothing changes.
"""

from __future__ import annotations

import io
import logging
from enum import StrEnum

from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_BYTES = 5 * 1024 * 1024
# A page of a real face sheet has far more; fewer letters means a scanned image.
MIN_LETTERS = 20
_PDF_MAGIC = b"%PDF-"

log = logging.getLogger(__name__)


class Problem(StrEnum):
    """Why a file could not be read, each with the message the worker sees."""

    TOO_LARGE = "That file is over 5 MB, so I didn't read it. Nothing was changed."
    NO_TEXT = (
        "That PDF has no text in it (it looks like a scan or photo), so I can't read it. "
        "Nothing was changed. Copy the text from the case system and paste it instead."
    )
    ENCRYPTED = (
        "That PDF is password-protected, so I can't read it. Nothing was changed. Save it "
        "without a password, or paste its text instead."
    )
    NOT_SUPPORTED = (
        "I can read a face sheet as a PDF or a text file, not that kind of file. Nothing was "
        "changed."
    )


class FaceSheetFileError(Exception):
    """A face-sheet file that cannot be read; ``message`` is for the worker."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.message = problem.value


def face_sheet_text(data: bytes) -> str:
    """Returns the text of a face-sheet file, or raises FaceSheetFileError saying why not."""
    if len(data) > MAX_BYTES:
        raise FaceSheetFileError(Problem.TOO_LARGE)
    if data.startswith(_PDF_MAGIC):
        return _pdf_text(data)
    return _plain_text(data)


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise FaceSheetFileError(Problem.ENCRYPTED)
        pages = [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except FaceSheetFileError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        # A damaged PDF is the worker's to resend; the kind of damage is ours to see.
        log.info("face-sheet PDF unreadable: %s", type(exc).__name__)
        raise FaceSheetFileError(Problem.NOT_SUPPORTED) from exc
    text = "\n".join(pages)
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        raise FaceSheetFileError(Problem.NO_TEXT)
    return text


def _plain_text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise FaceSheetFileError(Problem.NOT_SUPPORTED)  # binary: an image, a Word file
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ch.isalpha() for ch in text) and not _controls(text):
            return text
    raise FaceSheetFileError(Problem.NOT_SUPPORTED)


def _controls(text: str) -> bool:
    """Tells whether the text holds control characters a real text file never has."""
    return any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)
