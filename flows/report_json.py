"""Turns a report value into JSON-ready data (datetimes ISO, timedeltas as seconds)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime, timedelta

from flows.conditions import JsonValue
from flows.report_values import Report


def report_to_dict(report: Report) -> dict[str, JsonValue]:
    """Returns a JSON-ready dict of the report (datetimes ISO, timedeltas as seconds)."""
    result = _plain(report)
    assert isinstance(result, dict)
    return result


def _plain(value: object) -> JsonValue:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot serialise {type(value).__name__}")
