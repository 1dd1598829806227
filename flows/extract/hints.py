"""What a flow's own data cannot say about reading free text: face-sheet labels, time-place pairs.

A flow names its questions; these hints name which question a face-sheet label fills and which
place question goes with a time question. They are data, kept beside the flow they describe.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mode(StrEnum):
    """How a face-sheet value is read into the rule's fields."""

    WHOLE = "whole"  # the value to the first field whose parser accepts it
    MEASURES = "measures"  # height, weight and colours, by the description reader
    GATED = "gated"  # the field, and the yes/no question that opens it ('None' answers no)
    PRESENCE = "presence"  # a yes/no field: yes when anything is written, no for 'None'
    PICK = "pick"  # the first field's choice named in the value; the rest to the second field


@dataclass(frozen=True, slots=True)
class LabelRule:
    """Face-sheet labels (any spelling listed, any case) and the fields their value fills.

    ``note`` keeps the line among the other face-sheet notes as well, for a value the fields
    hold only part of. ``words`` names a choice for words its label lacks ('foster home').
    ``none_is_no`` lets 'None' answer the gate no; an allergy list saying 'None' does not
    mean there is no medical condition. ``keep_label`` stores 'Allergies: peanuts' rather than
    'peanuts' where several labels share one field.
    """

    labels: tuple[str, ...]
    fields: tuple[str, ...]
    mode: Mode = Mode.WHOLE
    note: bool = False
    words: tuple[tuple[str, str], ...] = ()
    none_is_no: bool = True
    keep_label: bool = False


@dataclass(frozen=True, slots=True)
class TimePlace:
    """A time question and the place question a message may answer with it."""

    time: str
    place: str


@dataclass(frozen=True, slots=True)
class Hints:
    """One flow's reading hints."""

    face_sheet: tuple[LabelRule, ...] = ()
    time_places: tuple[TimePlace, ...] = ()
    # The report section that keeps a face sheet's unrecognised lines ("" : none is shown).
    face_sheet_notes: str = ""
