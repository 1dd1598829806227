"""The face sheet's lines no question took, kept whole as a report section of their own.

The engine stores them as one list answer under ``NOTES_KEY``; the flow's hints name the section
(``face_sheet_notes``), so the report shows them wherever it shows answers: text, HTML and PDF.
"""

from __future__ import annotations

from collections.abc import Mapping

from flows.report_values import Line, ReportSection
from flows.schema import Answer, Flow

NOTES_KEY = "_face_sheet.notes"


def notes_section(flow: Flow, stored: Mapping[str, Answer]) -> ReportSection | None:
    """Returns the section of kept face-sheet lines, or None when there are none."""
    title = flow.extract_hints.face_sheet_notes
    answer = stored.get(NOTES_KEY)
    notes = answer.value if answer is not None and isinstance(answer.value, list) else []
    if not title or not notes:
        return None
    # Sensitive: a line nobody recognised may name anyone; public copies leave them out.
    return ReportSection(
        title,
        tuple(
            Line(NOTES_KEY, f"Line {n}", str(note), sensitive=True)
            for n, note in enumerate(notes, 1)
        ),
    )
