"""Parses dates and times: birth dates, and "yesterday 23:30" or "2 hours ago" for events."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dateparser

from flows.answer_basics import (
    MONTHS,
    OLDEST,
    SLACK,
    InvalidAnswer,
    clean,
    fail,
    format_datetime,
    num,
)
from flows.conditions import JsonValue, age_on
from flows.schema import Field


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _month(name: str) -> int | None:
    name = name.rstrip(".")
    for i, full in enumerate(MONTHS, start=1):
        if (len(name) >= 3 and full.lower().startswith(name)) or (name == "sept" and i == 9):
            return i
    return None


_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(r"(?P<m>\d{1,2})[-/.](?P<d>\d{1,2})[-/.](?P<y>\d{4}|\d{2})"),
    re.compile(r"(?P<mn>[a-z]{3,9}\.?) (?P<d>\d{1,2})(?:st|nd|rd|th)?,? (?P<y>\d{4})"),
    re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)? (?:of )?(?P<mn>[a-z]{3,9}\.?),? (?P<y>\d{4})"),
)


def _calendar_date(field: Field, s: str, today: date) -> date:
    match = next((m for form in _DATE_FORMS if (m := form.fullmatch(s))), None)
    if match is None:
        raise fail("Please give the full date: month, day and year.", field)
    parts = match.groupdict()
    month = _month(parts["mn"]) if parts.get("mn") else int(parts["m"])
    day, year = int(parts["d"]), int(parts["y"])
    if month is None or not 1 <= month <= 12:
        raise fail("I couldn't read the month; dates go month/day/year here.", field)
    if len(parts["y"]) == 2:
        # Pick the century that puts the date in the past: '09' is 2009, '85' is 1985.
        year += 2000 if (2000 + year, month, day) <= (today.year, today.month, today.day) else 1900
    if year < 1900:
        raise fail(f"The year {year} looks like a typo.", field)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise fail(f"{MONTHS[month - 1]} {year} has no {_ordinal(day)} day.", field)
    return date(year, month, day)


def parse_date(field: Field, text: str, now: datetime) -> JsonValue:
    s, today = clean(text), now.date()
    if s in ("today", "yesterday"):
        born = today - timedelta(days=s == "yesterday")
    else:
        born = _calendar_date(field, re.sub(r" ?, ?", ", ", s), today)
    if born > today:
        raise fail("That date is in the future.", field)
    age = age_on(born, today)
    if field.max_value is not None and age > field.max_value:
        raise fail(
            f"That date of birth makes the child {age}; this report is for children and youth "
            f"up to {num(field.max_value)}.",
            field,
        )
    if field.min_value is not None and age < field.min_value:
        raise fail(
            f"That date of birth makes the child {age}; the youngest age accepted here is "
            f"{num(field.min_value)}.",
            field,
        )
    return born.isoformat()


_FILLER = re.compile(
    r"\b(?:around|about|approx|approximately|roughly|circa|at)\b\.?|~|(?<=\S)ish\b"
)
_DAY_WORD = re.compile(
    r"\b(today|yesterday|tonight|last night|this (?:morning|afternoon|evening))\b"
)
_CLOCK = re.compile(
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))? ?(?:(?P<ap>[ap])\.? ?m?\.?)?|noon|midnight"
)
_AGO = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|an?|one|half an?) ?(?P<u>m|mins?|minutes?|h|hrs?|hours?) ago"
)


# '2026-11-28 22:15', as a phone's date picker or a copied log line writes it: no need to ask
# dateparser, which takes 15-30 ms per answer.
_ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _clock(field: Field, day: str, time: re.Match[str], now: datetime) -> datetime:
    evening = day in ("last night", "tonight", "this evening")
    if time[0] in ("noon", "midnight"):
        hour, minute = (12 if time[0] == "noon" else 0), 0
    else:
        hour, minute, ap = int(time["h"]), int(time["m"] or 0), time["ap"]
        if (ap and not 1 <= hour <= 12) or hour > 23 or minute > 59:
            raise fail("That is not a time on the clock.", field)
        if ap:
            hour = hour % 12 + (12 if ap == "p" else 0)
        elif day == "last night" and hour <= 12:  # evening hours are pm, 12 is midnight
            hour = hour + 12 if 6 <= hour <= 11 else hour % 12
        elif evening and 1 <= hour <= 12:
            hour = (hour + 12) % 24
        elif day == "this afternoon" and 1 <= hour < 12:
            hour += 12
        elif time["m"] is None and 1 <= hour <= 12 and day != "this morning":
            said = f"{day} {hour}".strip()
            raise InvalidAnswer(f"Is that {hour} am or {hour} pm? Example: '{said}pm'")
    today = now.date()
    if day == "yesterday" or (day == "last night" and hour >= 12):
        on = today - timedelta(days=1)
    else:
        on = today
    result = datetime(on.year, on.month, on.day, hour, minute, tzinfo=now.tzinfo)
    # A bare '23:30' at noon means last night; so does 'tonight 11pm' said at 1 am.
    if result > now + SLACK and (not day or (evening and day != "last night" and now.hour < 6)):
        result -= timedelta(days=1)  # wall-clock arithmetic: ZoneInfo re-derives the offset
    return result


def _dateparser(text: str, now: datetime) -> datetime | None:
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "DATE_ORDER": "MDY",
        # No 'timestamp' parser: a bare '1234567890' must not become a date in 2009.
        "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
    }
    key = getattr(now.tzinfo, "key", None)
    if isinstance(key, str):
        settings |= {"TIMEZONE": key, "RETURN_AS_TIMEZONE_AWARE": True}
    found = dateparser.parse(text, languages=["en"], settings=settings)
    if found is None:
        return None
    return (
        found.replace(tzinfo=now.tzinfo) if found.tzinfo is None else found.astimezone(now.tzinfo)
    )


def _iso_stamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # '2026-02-30 10:00': let dateparser word the refusal
        return None


def parse_datetime(field: Field, text: str, now: datetime) -> JsonValue:
    s = clean(text)
    if len(s) > 80:
        raise fail("That is too long for a time.", field)
    s = " ".join(_FILLER.sub(" ", s).split())
    day_match = _DAY_WORD.search(s)
    day = day_match[1] if day_match else ""
    rest = " ".join(_DAY_WORD.sub(" ", s).split())
    if s in ("now", "just now", "right now"):
        result = now
    elif ago := _AGO.fullmatch(s):
        n = {"a": 1.0, "an": 1.0, "one": 1.0, "half a": 0.5, "half an": 0.5}.get(ago["n"])
        amount = float(ago["n"]) if n is None else n
        unit = timedelta(hours=1) if ago["u"].startswith("h") else timedelta(minutes=1)
        # Subtract real elapsed time in UTC so a DST change does not shift the answer an hour.
        result = (now.astimezone(UTC) - amount * unit).astimezone(now.tzinfo)
    elif time := _CLOCK.fullmatch(rest):
        result = _clock(field, day, time, now)
    elif _ISO_STAMP.fullmatch(s) and (stamp := _iso_stamp(s)) is not None:
        result = stamp.replace(tzinfo=now.tzinfo)
    else:
        has_time = re.search(r"\d[:.]\d\d|\d ?[ap]\.?m\b|\bnoon\b|\bmidnight\b|\bago\b", s)
        try:
            found = _dateparser(s.replace("last night", "yesterday"), now)
        except (ValueError, OverflowError, TypeError, AttributeError, IndexError, KeyError):
            found = None  # dateparser trips on some odd strings; treat them as unreadable
        if found is None:
            raise fail("I couldn't read that as a date and time.", field)
        if not has_time:
            raise fail("Please include the time too, even roughly.", field)
        if found < now - timedelta(days=180) and not re.search(r"\d{4}|\d/\d+/\d", s):
            # dateparser quietly takes '11/29' said on Nov 28 as last year; ask instead.
            raise fail(f"That would be {format_datetime(found)}; please add the year.", field)
        result = found
    result = result.replace(second=0, microsecond=0)
    if result > now + SLACK:
        raise fail(f"That time is in the future ({format_datetime(result)}).", field)
    if result < now - OLDEST:
        raise fail(f"That is more than 5 years ago ({format_datetime(result)}).", field)
    return result.isoformat(timespec="seconds")
