"""Phone answers the way people write them: several numbers, extensions, and labels kept.

A stored phone answer is a list of strings, one per number: the E.164 number, then
`` ext. N`` when an extension was given, then `` (label)`` when the worker wrote one, e.g.
``+15025550119 ext. 12 (office)``. Answers stored before labels were kept are the same form
without the label, so they read back unchanged.
"""

from __future__ import annotations

import re
from datetime import datetime

import phonenumbers

from flows.answer_basics import clean, fail
from flows.conditions import JsonValue
from flows.schema import Field

# 'office, cell' separates numbers; ' or ' and ' and ' join them in speech.
_PARTS = re.compile(r"[,;\n]+| or | and ")
_STORED = re.compile(r"(?P<number>.+?)(?: \((?P<label>[^()]+)\))?")
# Words that say "this is a phone" rather than which phone it is.
_FILLER = frozenset({"phone", "number", "num", "no", "tel", "telephone", "ph", "is", "#"})
# The one-letter marks contact lists and face sheets use.
_SHORT = {"c": "cell", "m": "mobile", "o": "office", "w": "work", "h": "home", "ah": "after hours"}
MAX_LABEL_WORDS = 4
MAX_LABEL_CHARS = 30


def parse_phone(field: Field, text: str, now: datetime) -> JsonValue:
    """Returns the stored numbers of a phone answer, or raises InvalidAnswer naming the bad one."""
    found: dict[str, str] = {}  # number (with extension) -> label, in the order given
    parts = [p.strip() for p in _PARTS.split(clean(text)) if p.strip()]
    for part in parts:
        matches = list(
            phonenumbers.PhoneNumberMatcher(part, "US", leniency=phonenumbers.Leniency.VALID)
        )
        if not matches:
            which = "That" if not found and len(parts) == 1 else f"Number {len(found) + 1}"
            raise fail(f"{which} is not a complete phone number.", field)
        bounds = [0, *(i for m in matches for i in (m.start, m.end)), len(part)]
        gaps = [part[a:b] for a, b in zip(bounds[::2], bounds[1::2], strict=True)]
        # A label comes before its number when the part starts with one, else after it.
        before = bool(_words(gaps[0]))
        for index, match in enumerate(matches):
            ordinal = len(found) + 1
            gap = gaps[index] if before else gaps[index + 1]
            if before and index == len(matches) - 1:
                gap += " " + gaps[-1]  # 'cell 502-555-0177 text only'
            if re.search(r"\d", gap):
                raise fail(f"Number {ordinal} is not a complete phone number.", field)
            number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            if match.number.extension:
                number += f" ext. {match.number.extension}"
            label = _label(gap)
            if label is None:
                raise fail(
                    f"Number {ordinal} has too many words with it; label it briefly "
                    "(office, cell, after hours).",
                    field,
                )
            found[number] = found.get(number) or label
    if not found:
        raise fail("Please type a phone number.", field)
    if len(found) > 1 and not field.multiple:
        raise fail(
            f"This takes one phone number and I found {len(found)}; send the best one.", field
        )
    return [f"{number} ({label})" if label else number for number, label in found.items()]


def _words(gap: str) -> list[str]:
    return [w for w in re.split(r"[\s()\[\]:=.*/\-–—]+", gap) if w and w not in _FILLER]


def _label(gap: str) -> str | None:
    """Returns the label written beside a number ('' for none), or None when it is too long."""
    words = _words(gap)
    label = _SHORT.get(" ".join(words), " ".join(words))
    if len(words) > MAX_LABEL_WORDS or len(label) > MAX_LABEL_CHARS:
        return None
    return label


def format_phone(stored: str) -> str:
    """Returns a stored number as a person reads it: '(502) 555-0119 ext. 12 office'."""
    match = _STORED.fullmatch(stored)
    number_text, label = (match["number"], match["label"]) if match else (stored, None)
    number = phonenumbers.parse(number_text, "US")
    style = phonenumbers.PhoneNumberFormat
    shown = str(
        phonenumbers.format_number(
            number, style.NATIONAL if number.country_code == 1 else style.INTERNATIONAL
        )
    )
    return f"{shown} {label}" if label else shown


def phone_label(stored: str) -> str:
    """Returns the label kept with a stored number ('' when none was written)."""
    match = _STORED.fullmatch(stored)
    return (match["label"] or "") if match else ""
