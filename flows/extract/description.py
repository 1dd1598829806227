"""A description line ("4'2 62 lb blond blue eyes fair", "5'4, 118, brown/brown") read at once.

Height and weight are found as measures; colours go to the question a label word names
("blue eyes", "hair brown"), and unlabelled ones to hair, eyes and complexion in that order,
each to the first that accepts it. Every value goes through that question's own parser.
"""

from __future__ import annotations

import re
from datetime import datetime

from flows.answers import InvalidAnswer, parse_answer
from flows.conditions import JsonValue
from flows.extract.proposal import Proposal
from flows.extract.targets import Code, targets
from flows.schema import Field, Flow

COLOURS = (Code.HAIR, Code.EYES, Code.SKIN)
MEASURES = (Code.HEIGHT, Code.WEIGHT)
DESCRIPTION = MEASURES + COLOURS
_LABELS = {
    "hair": Code.HAIR,
    "eyes": Code.EYES,
    "eye": Code.EYES,
    "skin": Code.SKIN,
    "complexion": Code.SKIN,
    "comp": Code.SKIN,
    "tone": Code.SKIN,
}
# Spellings the choice labels do not carry.
_SPELLINGS = {"blonde": "blond", "grey": "gray", "brunette": "brown", "hazle": "hazel"}
# 'medium build' describes the body, not the skin.
_NOT_COLOURED = frozenset({"build", "frame", "length", "height", "size"})
_UNITS = frozenset({"lb", "lbs", "pounds", "pound", "kg", "kgs", "kilos", "in", "ft", "cm", "m"})
_INCHES = r"\d{1,2}(?:\.\d)?(?!\d)\s*(?:\"|''|”|″|in\b\.?|inch(?:es)?\b)?"
_HEIGHT = re.compile(
    rf"\b\d\s*(?:'|’|′|ft\b\.?|feet\b|foot\b)\s*(?:{_INCHES})?"
    r"|\b\d{2,3}\s*cm\b"
    r'|\b\d{2}\s*(?:in\b\.?|inches\b|")',
    re.I,
)
_WEIGHT = re.compile(
    r"\b\d{2,3}(?:\.\d)?(?!\d)\s*(?P<unit>lbs?\b\.?|pounds?\b|#|kgs?\b|kilos?\b)?", re.I
)
_WORD = re.compile(r"[^\W\d_]+")


def _first(
    fld: Field, spans: list[re.Match[str]], now: datetime
) -> tuple[JsonValue, re.Match[str]] | None:
    for match in spans:
        try:
            return parse_answer(fld, match[0].strip(), now=now), match
        except InvalidAnswer:
            continue
    return None


def colour(fld: Field, words: str, *, now: datetime) -> JsonValue:
    """Returns the choice ``words`` name for a colour question, or None when they name none."""
    said = " ".join(_SPELLINGS.get(w, w) for w in words.lower().split())
    if len(said) < 3:  # 'me' or 're' would match a label's start
        return None
    try:
        return parse_answer(fld, said, now=now)
    except InvalidAnswer:
        pass
    # 'auburn' is the second half of 'Red or auburn'.
    named = [c for c in fld.choices if re.search(rf"\b{re.escape(said)}\b", c.label.lower())]
    return parse_answer(fld, named[0].value, now=now) if len(named) == 1 else None


def description_line(
    flow: Flow, text: str, *, now: datetime, codes: tuple[Code, ...] = DESCRIPTION
) -> list[Proposal]:
    """Returns the height, weight, hair, eyes and complexion a description line gives."""
    fields = targets(flow, codes)
    found: dict[Code, Proposal] = {}
    used: list[tuple[int, int]] = []
    for code, pattern in ((Code.HEIGHT, _HEIGHT), (Code.WEIGHT, _WEIGHT)):
        if code not in fields:
            continue
        spans = [m for m in pattern.finditer(text) if not _inside(m.span(), used)]
        if code is Code.WEIGHT:  # a number with its unit is surer than a bare one
            spans.sort(key=lambda m: m["unit"] is None)
        if (hit := _first(fields[code], spans, now)) is not None:
            value, match = hit
            span = (match.start(), match.start() + len(match[0].rstrip()))
            found[code] = Proposal(fields[code].name, value, span)
            used.append(span)
    words = [m for m in _WORD.finditer(text) if not _inside(m.span(), used)]
    words = [m for m in words if m[0].lower() not in _UNITS]
    _colours(fields, text, words, found, now)
    return sorted(found.values(), key=lambda p: p.span)


def _colours(
    fields: dict[Code, Field],
    text: str,
    words: list[re.Match[str]],
    found: dict[Code, Proposal],
    now: datetime,
) -> None:
    taken: set[int] = set()  # indexes of words used

    def attempt(code: Code, start: int, size: int) -> bool:
        picked = words[start : start + size]
        if (
            code in found
            or code not in fields
            or len(picked) < size
            or start < 0
            or any(start + k in taken for k in range(size))
            or any(w[0].lower() in _LABELS for w in picked)
            or (size == 2 and _barrier(text, picked[0], picked[1]))
            or (start + size < len(words) and words[start + size][0].lower() in _NOT_COLOURED)
        ):
            return False
        value = colour(fields[code], " ".join(w[0] for w in picked), now=now)
        if value is None:
            return False
        found[code] = Proposal(fields[code].name, value, (picked[0].start(), picked[-1].end()))
        taken.update(range(start, start + size))
        return True

    labels = [(i, _LABELS[w[0].lower()]) for i, w in enumerate(words) if w[0].lower() in _LABELS]
    for i, code in labels:
        taken.add(i)
        before_ok = i > 0 and not _barrier(text, words[i - 1], words[i])
        after_ok = i + 1 < len(words) and not _barrier(text, words[i], words[i + 1])
        tries = [(i - 2, 2), (i - 1, 1)] if before_ok else []
        tries += [(i + 1, 2), (i + 1, 1)] if after_ok else []
        any(attempt(code, start, size) for start, size in tries)
    for i in range(len(words)):
        any(attempt(code, i, size) for size in (2, 1) for code in COLOURS)


def _barrier(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    """Tells whether a comma or semicolon stands between two words."""
    return bool(re.search(r"[,;]", text[a.end() : b.start()]))


def _inside(span: tuple[int, int], used: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in used)
