"""What every answer parser shares: the error, text clean-up, examples and shown dates."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from flows.schema import Field, Kind


class InvalidAnswer(Exception):
    """The worker's answer cannot be used; ``message`` says what is wrong and gives an example."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Our own names, not calendar.month_name: those follow the server's locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NUMBER_WORDS = {
    word: n
    for n, word in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty",
    ))
}  # fmt: skip
# Phone clocks drift and "just now" answers arrive a minute late, so allow a little slack.
SLACK = timedelta(minutes=5)
OLDEST = timedelta(days=5 * 366)
CM_PER_IN = 2.54
KG_PER_LB = 0.45359237


def num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def clean(text: str) -> str:
    # Non-text answers are never stored verbatim, so fold full-width digits, drop the invisible
    # marks phones add when copying numbers, and compare in lower case.
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\n")
    return re.sub(r"[ \t]+", " ", text).strip().lower()


def fail(problem: str, field: Field) -> InvalidAnswer:
    return InvalidAnswer(f"{problem} Example: {example(field)}")


def example(field: Field) -> str:
    """Returns a short example answer for the field's kind, used in hints and error messages."""
    if field.kind in (Kind.CHOICE, Kind.MULTI_CHOICE) or (
        field.kind == Kind.YES_NO and field.choices
    ):
        labels = [c.label for c in field.choices[: 2 if field.kind == Kind.MULTI_CHOICE else 1]]
        return ", ".join(labels) or "1"
    if field.kind == Kind.INTEGER:
        lo, hi = field.min_value, field.max_value
        return num(min(max(3, lo if lo is not None else 3), hi if hi is not None else 3))
    return {
        Kind.TEXT: "Red hoodie, black jeans",
        Kind.DATE: "2009-03-07",
        Kind.DATETIME: "'yesterday 23:30' or '2 hours ago'",
        Kind.YES_NO: "yes",
        Kind.PHONE: "(312) 555-0199 or +1 312 555 0199",
        Kind.EMAIL: "name@agency.gov",
        Kind.HEIGHT: "5'4\" or 163 cm",
        Kind.WEIGHT: "120 lb or 54 kg",
        Kind.PHOTO: "a photo from the camera or gallery",
    }[field.kind]


def format_datetime(dt: datetime) -> str:
    """Returns 'Sat Nov 28, 2026 22:40 EST': a time read out on the phone needs its zone."""
    day = f"{WEEKDAYS[dt.weekday()]} {MONTHS[dt.month - 1][:3]} {dt.day}, {dt.year} {dt:%H:%M}"
    return f"{day} {zone_name(dt)}".rstrip()


def zone_name(dt: datetime) -> str:
    """Returns the zone's abbreviation ('EST'), or its offset ('UTC-05:00') when it has none."""
    return dt.tzname() or ""
