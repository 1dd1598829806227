"""Turns a worker's typed answer into the stored value, and a stored value back into text.

Everything here is pure: ``now`` is passed in and nothing reads the clock, files or network, so
the engine can replay a conversation and the tests can pin the time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import phonenumbers

from flows.answer_basics import MONTHS, InvalidAnswer, example, format_datetime
from flows.conditions import JsonValue
from flows.parse_dates import parse_date, parse_datetime
from flows.parse_values import (
    height_text,
    parse_choice,
    parse_email,
    parse_height,
    parse_integer,
    parse_multi,
    parse_photo,
    parse_text,
    parse_weight,
    parse_yes_no,
    weight_text,
)
from flows.phones import format_phone, parse_phone
from flows.schema import Field, Kind

__all__ = ["InvalidAnswer", "example", "format_value", "ncic_name", "ncic_value", "parse_answer"]


_PARSERS: dict[Kind, Callable[[Field, str, datetime], JsonValue]] = {
    Kind.TEXT: parse_text,
    Kind.INTEGER: parse_integer,
    Kind.DATE: parse_date,
    Kind.DATETIME: parse_datetime,
    Kind.CHOICE: parse_choice,
    Kind.MULTI_CHOICE: parse_multi,
    Kind.YES_NO: parse_yes_no,
    Kind.PHONE: parse_phone,
    Kind.EMAIL: parse_email,
    Kind.HEIGHT: parse_height,
    Kind.WEIGHT: parse_weight,
    Kind.PHOTO: parse_photo,
}


def parse_answer(field: Field, text: str, *, now: datetime) -> JsonValue:
    """Turns the worker's text into the stored value for ``field``, or raises InvalidAnswer."""
    return _PARSERS[field.kind](field, text, now)


def format_value(field: Field, value: JsonValue) -> str:
    """Returns the value as a person reads it in a confirmation, a review or the report."""
    if value is None or value == "":
        return ""
    labels = {c.value: c for c in field.choices}
    kind = field.kind
    try:
        if kind == Kind.DATE and isinstance(value, str):
            d = date.fromisoformat(value)
            return f"{value} ({MONTHS[d.month - 1][:3]} {d.day}, {d.year})"
        if kind == Kind.DATETIME and isinstance(value, str):
            return format_datetime(datetime.fromisoformat(value))
        if kind in (Kind.CHOICE, Kind.YES_NO) and isinstance(value, str) and value in labels:
            c = labels[value]
            return f"{c.label} ({c.code})" if c.code else c.label
        if kind == Kind.YES_NO and value in ("yes", "no"):
            return str(value).capitalize()
        if kind == Kind.MULTI_CHOICE and isinstance(value, list):
            return ", ".join(labels[v].label if v in labels else str(v) for v in value) or "none"
        if kind == Kind.PHONE and isinstance(value, list):
            return ", ".join(format_phone(str(v)) for v in value) or "none"
        if kind == Kind.HEIGHT and isinstance(value, int | float):
            return height_text(value)
        if kind == Kind.WEIGHT and isinstance(value, int | float):
            return weight_text(value)
        if kind == Kind.PHOTO and isinstance(value, list):
            if not value:
                return "none"
            return f"{len(value)} photo" + ("" if len(value) == 1 else "s")
    except (ValueError, phonenumbers.NumberParseException):
        pass  # an old or hand-edited value still shows, just unformatted
    return str(value)


def ncic_value(field: Field, value: JsonValue) -> str:
    """Returns the NCIC form of the value (HGT 504, WGT 095, choice codes, DOB CCYYMMDD), or ''."""
    if field.kind == Kind.HEIGHT and isinstance(value, int | float) and not isinstance(value, bool):
        feet, inches = divmod(round(value), 12)
        return f"{feet}{inches:02d}" if feet <= 9 else ""
    if field.kind == Kind.WEIGHT and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{min(round(value), 999):03d}"
    if field.kind == Kind.DATE and isinstance(value, str):
        return value.replace("-", "")
    if field.kind == Kind.DATETIME and isinstance(value, str):
        return value[:10].replace("-", "")  # NCIC DLC is the date alone, CCYYMMDD
    if field.kind == Kind.CHOICE and isinstance(value, str):
        return next((c.code for c in field.choices if c.value == value), "")
    if field.kind == Kind.MULTI_CHOICE and isinstance(value, list):
        codes = [c.code for c in field.choices if c.value in value and c.code]
        return " ".join(dict.fromkeys(codes))
    if field.ncic == "NAM" and isinstance(value, str):
        return ncic_name(value)
    return ""


def ncic_name(name: str) -> str:
    """Returns a name as NCIC NAM wants it: LAST, FIRST MIDDLE (a name without comma is turned)."""
    if "," in name:
        last, _, rest = name.partition(",")
    else:
        *rest_parts, last = name.split() or [""]
        rest = " ".join(rest_parts)
    return f"{last.strip()}, {rest.strip()}".strip(", ").upper()
