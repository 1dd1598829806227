"""Finds the questions an extractor fills by what the flow says of them: NCIC code and kind."""

from __future__ import annotations

from enum import StrEnum

from flows.schema import Field, Flow, Kind


class Code(StrEnum):
    """The NCIC field codes the extractors look for on a flow's fields (``Field.ncic``)."""

    NAME = "NAM"
    BIRTH_DATE = "DOB"
    SEX = "SEX"
    HEIGHT = "HGT"
    WEIGHT = "WGT"
    HAIR = "HAI"
    EYES = "EYE"
    SKIN = "SKN"
    LAST_SEEN = "DLC"


# The kind a field must have for an extractor to fill it under that code.
KINDS = {
    Code.NAME: Kind.TEXT,
    Code.BIRTH_DATE: Kind.DATE,
    Code.SEX: Kind.CHOICE,
    Code.HEIGHT: Kind.HEIGHT,
    Code.WEIGHT: Kind.WEIGHT,
    Code.HAIR: Kind.CHOICE,
    Code.EYES: Kind.CHOICE,
    Code.SKIN: Kind.CHOICE,
    Code.LAST_SEEN: Kind.DATETIME,
}


def target(flow: Flow, code: Code) -> Field | None:
    """Returns the flow's first top-level field carrying ``code`` with the expected kind."""
    for name in flow.field_names():
        fld, _section, repeat = flow.locate(name)
        if repeat is None and fld.ncic == code and fld.kind is KINDS[code]:
            return fld
    return None


def targets(flow: Flow, codes: tuple[Code, ...]) -> dict[Code, Field]:
    """Returns the fields found for each code the flow has."""
    found = {code: target(flow, code) for code in codes}
    return {code: fld for code, fld in found.items() if fld is not None}
