"""Turns a worker's typed answer into the stored value, and a stored value back into text.

Everything here is pure: ``now`` is passed in and nothing reads the clock, files or network, so
the engine can replay a conversation and the tests can pin the time.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dateparser
import phonenumbers

from flows.conditions import JsonValue, age_on
from flows.schema import Choice, Field, Kind


class InvalidAnswer(Exception):
    """The worker's answer cannot be used; ``message`` says what is wrong and gives an example."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Our own names, not calendar.month_name: those follow the server's locale.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_NUMBER_WORDS = {
    word: n
    for n, word in enumerate((
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
        "nineteen", "twenty",
    ))
}  # fmt: skip
# Phone clocks drift and "just now" answers arrive a minute late, so allow a little slack.
_SLACK = timedelta(minutes=5)
_OLDEST = timedelta(days=5 * 366)
_CM_PER_IN = 2.54
_KG_PER_LB = 0.45359237
# Bidi overrides/isolates and zero-width characters can hide or reorder text in a report.
_HIDDEN = frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0xFEFF)
)
_JOINERS = "\u200c\u200d"


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _clean(text: str) -> str:
    # Non-text answers are never stored verbatim, so fold full-width digits, drop the invisible
    # marks phones add when copying numbers, and compare in lower case.
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == "\n")
    return re.sub(r"[ \t]+", " ", text).strip().lower()


def _fail(problem: str, field: Field) -> InvalidAnswer:
    return InvalidAnswer(f"{problem} Example: {example(field)}")


def _joins(s: str, i: int) -> bool:
    # Emoji sequences (🏳️‍🌈) and Persian or Indic words use joiners legitimately.
    if not 0 < i < len(s) - 1:
        return False
    a, b = unicodedata.category(s[i - 1]), unicodedata.category(s[i + 1])
    emoji = (a in ("So", "Sk") or s[i - 1] == "\ufe0f") and b == "So"
    script = min(ord(s[i - 1]), ord(s[i + 1])) > 0x24F and a[0] in "LM" and b[0] in "LM"
    return emoji or script


def _text(field: Field, text: str, now: datetime) -> JsonValue:
    value = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not value:
        raise InvalidAnswer("Please type an answer (or say unknown / skip).")
    for i, ch in enumerate(value):
        if (
            (unicodedata.category(ch) == "Cc" and ch not in "\n\t")
            or ch in _HIDDEN
            or (ch in _JOINERS and not _joins(value, i))
        ):
            raise InvalidAnswer(
                "That text contains invisible control characters; please type it again."
            )
    if len(value) > field.max_length:
        raise InvalidAnswer(
            f"That is {len(value):,} characters; the limit here is {field.max_length:,}. "
            "Please shorten it."
        )
    return value


def _check_range(field: Field, n: float, shown: str, lo: float | None, hi: float | None) -> None:
    if (lo is None or n >= lo) and (hi is None or n <= hi):
        return
    if lo is not None and hi is not None:
        rule = f"from {_num(lo)} to {_num(hi)}"
    else:
        rule = f"at least {_num(lo)}" if lo is not None else f"at most {_num(hi or 0)}"
    raise _fail(f"{shown} is out of range; please give a number {rule}.", field)


def _integer(field: Field, text: str, now: datetime) -> JsonValue:
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", _clean(text)).rstrip(".")
    if re.fullmatch(r"[+-]?\d{1,15}", s):
        n = int(s)
    elif s in _NUMBER_WORDS:
        n = _NUMBER_WORDS[s]
    else:
        raise _fail("Please answer with a whole number.", field)
    _check_range(field, n, f"{n:,}", field.min_value, field.max_value)
    return n


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _month(name: str) -> int | None:
    name = name.rstrip(".")
    for i, full in enumerate(_MONTHS, start=1):
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
        raise _fail("Please give the full date: month, day and year.", field)
    parts = match.groupdict()
    month = _month(parts["mn"]) if parts.get("mn") else int(parts["m"])
    day, year = int(parts["d"]), int(parts["y"])
    if month is None or not 1 <= month <= 12:
        raise _fail("I couldn't read the month; dates go month/day/year here.", field)
    if len(parts["y"]) == 2:
        # Pick the century that puts the date in the past: '09' is 2009, '85' is 1985.
        year += 2000 if (2000 + year, month, day) <= (today.year, today.month, today.day) else 1900
    if year < 1900:
        raise _fail(f"The year {year} looks like a typo.", field)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise _fail(f"{_MONTHS[month - 1]} {year} has no {_ordinal(day)} day.", field)
    return date(year, month, day)


def _date(field: Field, text: str, now: datetime) -> JsonValue:
    s, today = _clean(text), now.date()
    if s in ("today", "yesterday"):
        born = today - timedelta(days=s == "yesterday")
    else:
        born = _calendar_date(field, re.sub(r" ?, ?", ", ", s), today)
    if born > today:
        raise _fail("That date is in the future.", field)
    age = age_on(born, today)
    if field.max_value is not None and age > field.max_value:
        raise _fail(
            f"That date of birth makes the child {age}; this report is for children and youth "
            f"up to {_num(field.max_value)}.",
            field,
        )
    if field.min_value is not None and age < field.min_value:
        raise _fail(
            f"That date of birth makes the child {age}; the youngest age accepted here is "
            f"{_num(field.min_value)}.",
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
            raise _fail("That is not a time on the clock.", field)
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
    if result > now + _SLACK and (not day or (evening and day != "last night" and now.hour < 6)):
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


def _datetime(field: Field, text: str, now: datetime) -> JsonValue:
    s = _clean(text)
    if len(s) > 80:
        raise _fail("That is too long for a time.", field)
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
            raise _fail("I couldn't read that as a date and time.", field)
        if not has_time:
            raise _fail("Please include the time too, even roughly.", field)
        if found < now - timedelta(days=180) and not re.search(r"\d{4}|\d/\d+/\d", s):
            # dateparser quietly takes '11/29' said on Nov 28 as last year; ask instead.
            raise _fail(f"That would be {_format_datetime(found)}; please add the year.", field)
        result = found
    result = result.replace(second=0, microsecond=0)
    if result > now + _SLACK:
        raise _fail(f"That time is in the future ({_format_datetime(result)}).", field)
    if result < now - _OLDEST:
        raise _fail(f"That is more than 5 years ago ({_format_datetime(result)}).", field)
    return result.isoformat(timespec="seconds")


def _key(text: str) -> str:
    return " ".join(_clean(text).casefold().strip(" .!").split())


def _options(choices: tuple[Choice, ...] | list[Choice]) -> str:
    labels = [c.label for c in choices]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _resolve(field: Field, raw: str, *, part: bool = False) -> Choice:
    key, choices = _key(raw), field.choices
    exact = [c for c in choices if key in (_key(c.value), _key(c.label), _key(c.code))]
    if not exact and key.isdigit() and 1 <= int(key) <= len(choices):
        return choices[int(key) - 1]  # the console numbers the options
    if not exact and len(key) >= 2:
        exact = [c for c in choices if _key(c.label).startswith(key)]
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise _fail(f"That could mean {_options(exact)}; please type more of it.", field)
    # What was typed is described, not echoed back (PR-11: it may be a sensitive detail).
    which = "One of those is not one of the options. " if part else ""
    raise _fail(f"{which}Please choose one of: {_options(choices)}.", field)


def _choice(field: Field, text: str, now: datetime) -> JsonValue:
    return _resolve(field, text).value


def _multi(field: Field, text: str, now: datetime) -> JsonValue:
    s = _clean(text)
    if _key(s) in ("none", "nothing", "n/a", "none of these"):
        named: list[JsonValue] = [
            c.value for c in field.choices if _key(s) in (_key(c.value), _key(c.label))
        ]
        return named[:1]
    chosen: set[str] = set()
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]+", s))):
        if part.replace(" ", "").isdigit():  # '1 3' typed at the numbered console list
            chosen.update(_resolve(field, n, part=True).value for n in part.split())
            continue
        tokens = re.split(r"( (?:and|&|\+) )", part)  # separators kept at odd positions
        i = 0
        while i < len(tokens):
            # 'salt and pepper' may be one label, so try the longest run of pieces first.
            for j in range(min(len(tokens), i + 7), i, -2):
                try:
                    chosen.add(_resolve(field, "".join(tokens[i:j]), part=True).value)
                    break
                except InvalidAnswer:
                    if j <= i + 1:
                        raise
            i = j + 1
    if not chosen:
        raise _fail(f"Please choose from: {_options(field.choices)}.", field)
    ordered: list[JsonValue] = [c.value for c in field.choices if c.value in chosen]
    return ordered


_YES = {"y", "yes", "yeah", "yea", "yep", "yup", "true", "1", "sure", "correct"}
_NO = {"n", "no", "nope", "nah", "false", "2", "not"}


def _yes_no(field: Field, text: str, now: datetime) -> JsonValue:
    if field.choices:
        return _choice(field, text, now)
    key = _key(text)
    if key in _YES:
        return "yes"
    if key in _NO:
        return "no"
    raise _fail("Please answer yes or no (or unknown).", field)


def _phone(field: Field, text: str, now: datetime) -> JsonValue:
    numbers: list[str] = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]+| or | and ", _clean(text)))):
        # '312/555-0199' is one number; '312 555 0199 / 312 555 0100' is two.
        for piece in [part] if _phone_ok(part) or "/" not in part else part.split("/"):
            piece = piece.strip()
            if not _phone_ok(piece):
                alone = not numbers and _clean(text) == piece
                which = "That" if alone else f"Number {len(numbers) + 1}"
                raise _fail(f"{which} is not a complete phone number.", field)
            number = phonenumbers.parse(piece, "US")
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            e164 += f" ext. {number.extension}" if number.extension else ""
            numbers.append(e164)
    if not numbers:
        raise _fail("Please type a phone number.", field)
    numbers = list(dict.fromkeys(numbers))
    if len(numbers) > 1 and not field.multiple:
        raise _fail(
            f"This takes one phone number and I found {len(numbers)}; send the best one.", field
        )
    return list(numbers)


def _phone_ok(text: str) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(text, "US")))
    except phonenumbers.NumberParseException:
        return False


_EMAIL = re.compile(r"(?P<local>[\w.!#$%&'*+/=?^`{|}~-]+)@(?P<domain>(?:[\w-]+\.)+[^\W\d_]{2,})")


def _email(field: Field, text: str, now: datetime) -> JsonValue:
    s = unicodedata.normalize("NFC", text).strip().removeprefix("mailto:")
    match = _EMAIL.fullmatch(s)
    if len(s) > 254 or match is None:
        raise _fail("That does not look like an email address.", field)
    return f"{match['local']}@{match['domain'].lower()}"


def _height_text(inches: float) -> str:
    feet, rest = divmod(round(inches, 1), 12)
    return f"{feet:.0f}'{_num(rest)}\" ({inches * _CM_PER_IN:.0f} cm)"


def _height(field: Field, text: str, now: datetime) -> JsonValue:
    s = _clean(text).replace(",", ".")
    s = re.sub("[’‘′`´]", "'", re.sub("[”“″]", '"', s)).replace("''", '"')
    n = r"(\d{1,3}(?:\.\d+)?)"
    if m := re.fullmatch(
        rf"(\d\d?) ?(?:'|ft\.?|feet|foot|-| )(?: ?{n} ?(?:\"|in\.?|inch|inches)?)?", s
    ):
        inches = int(m[1]) * 12 + float(m[2] or 0)
        if float(m[2] or 0) >= 12:
            raise _fail("The inches part should be under 12.", field)
    elif m := re.fullmatch(rf"{n} ?(?:\"|in\.?|inch|inches)", s):
        inches = float(m[1])
    elif m := re.fullmatch(rf"{n} ?(?:cm|centimet(?:er|re)s?)", s):
        inches = float(m[1]) / _CM_PER_IN
    elif m := re.fullmatch(rf"{n} ?(?:m|met(?:er|re)s?)", s):
        inches = float(m[1]) * 100 / _CM_PER_IN
    else:
        raise _fail("Please give the height with its unit (feet and inches, inches or cm).", field)
    return _bounded(field, inches, (12.0, 96.0), _height_text)


def _weight_text(pounds: float) -> str:
    return f"{_num(round(pounds, 1))} lb ({pounds * _KG_PER_LB:.0f} kg)"


def _weight(field: Field, text: str, now: datetime) -> JsonValue:
    s = _clean(text).replace(",", ".")
    if m := re.fullmatch(r"(\d{1,4}(?:\.\d+)?) ?(?:lbs?\.?|pounds?|#)?", s):
        pounds = float(m[1])
    elif m := re.fullmatch(r"(\d{1,4}(?:\.\d+)?) ?(?:kgs?\.?|kilos?|kilograms?)", s):
        pounds = float(m[1]) / _KG_PER_LB
    else:
        raise _fail("Please give the weight as a number of pounds or kilograms.", field)
    return _bounded(field, pounds, (4.0, 700.0), _weight_text)


def _bounded(
    field: Field, amount: float, defaults: tuple[float, float], shown: Callable[[float], str]
) -> float:
    """Returns the measurement rounded, or refuses it outside the field's (or default) range."""
    lo = defaults[0] if field.min_value is None else field.min_value
    hi = defaults[1] if field.max_value is None else field.max_value
    if not lo <= amount <= hi:
        raise _fail(f"{shown(amount)} is outside {shown(lo)} to {shown(hi)}.", field)
    return round(amount, 1)


def _photo(field: Field, text: str, now: datetime) -> JsonValue:
    raise InvalidAnswer("Please send a photo (or say unknown / skip).")


_PARSERS: dict[Kind, Callable[[Field, str, datetime], JsonValue]] = {
    Kind.TEXT: _text,
    Kind.INTEGER: _integer,
    Kind.DATE: _date,
    Kind.DATETIME: _datetime,
    Kind.CHOICE: _choice,
    Kind.MULTI_CHOICE: _multi,
    Kind.YES_NO: _yes_no,
    Kind.PHONE: _phone,
    Kind.EMAIL: _email,
    Kind.HEIGHT: _height,
    Kind.WEIGHT: _weight,
    Kind.PHOTO: _photo,
}


def parse_answer(field: Field, text: str, *, now: datetime) -> JsonValue:
    """Turns the worker's text into the stored value for ``field``, or raises InvalidAnswer."""
    return _PARSERS[field.kind](field, text, now)


def example(field: Field) -> str:
    """Returns a short example answer for the field's kind, used in hints and error messages."""
    if field.kind in (Kind.CHOICE, Kind.MULTI_CHOICE) or (
        field.kind == Kind.YES_NO and field.choices
    ):
        labels = [c.label for c in field.choices[: 2 if field.kind == Kind.MULTI_CHOICE else 1]]
        return ", ".join(labels) or "1"
    if field.kind == Kind.INTEGER:
        lo, hi = field.min_value, field.max_value
        return _num(min(max(3, lo if lo is not None else 3), hi if hi is not None else 3))
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


def _format_datetime(dt: datetime) -> str:
    return f"{_WEEKDAYS[dt.weekday()]} {_MONTHS[dt.month - 1][:3]} {dt.day}, {dt.year} {dt:%H:%M}"


def _format_phone(stored: str) -> str:
    number = phonenumbers.parse(stored, "US")
    style = phonenumbers.PhoneNumberFormat
    return str(
        phonenumbers.format_number(
            number, style.NATIONAL if number.country_code == 1 else style.INTERNATIONAL
        )
    )


def format_value(field: Field, value: JsonValue) -> str:
    """Returns the value as a person reads it in a confirmation, a review or the report."""
    if value is None or value == "":
        return ""
    labels = {c.value: c for c in field.choices}
    kind = field.kind
    try:
        if kind == Kind.DATE and isinstance(value, str):
            d = date.fromisoformat(value)
            return f"{value} ({_MONTHS[d.month - 1][:3]} {d.day}, {d.year})"
        if kind == Kind.DATETIME and isinstance(value, str):
            return _format_datetime(datetime.fromisoformat(value))
        if kind in (Kind.CHOICE, Kind.YES_NO) and isinstance(value, str) and value in labels:
            c = labels[value]
            return f"{c.label} ({c.code})" if c.code else c.label
        if kind == Kind.YES_NO and value in ("yes", "no"):
            return str(value).capitalize()
        if kind == Kind.MULTI_CHOICE and isinstance(value, list):
            return ", ".join(labels[v].label if v in labels else str(v) for v in value) or "none"
        if kind == Kind.PHONE and isinstance(value, list):
            return ", ".join(_format_phone(str(v)) for v in value) or "none"
        if kind == Kind.HEIGHT and isinstance(value, int | float):
            return _height_text(value)
        if kind == Kind.WEIGHT and isinstance(value, int | float):
            return _weight_text(value)
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
    if field.kind == Kind.CHOICE and isinstance(value, str):
        return next((c.code for c in field.choices if c.value == value), "")
    return ""
