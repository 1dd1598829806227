"""Parses every kind of answer but dates and phones: text, numbers, choices, e-mails, measures."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from flows.answer_basics import CM_PER_IN, KG_PER_LB, NUMBER_WORDS, InvalidAnswer, clean, fail, num
from flows.conditions import JsonValue
from flows.schema import Choice, Field

# Bidi overrides/isolates and zero-width characters can hide or reorder text in a report.
_HIDDEN = frozenset(
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0xFEFF)
)
_JOINERS = "\u200c\u200d"


def _joins(s: str, i: int) -> bool:
    # Emoji sequences (🏳️‍🌈) and Persian or Indic words use joiners legitimately.
    if not 0 < i < len(s) - 1:
        return False
    a, b = unicodedata.category(s[i - 1]), unicodedata.category(s[i + 1])
    emoji = (a in ("So", "Sk") or s[i - 1] == "\ufe0f") and b == "So"
    script = min(ord(s[i - 1]), ord(s[i + 1])) > 0x24F and a[0] in "LM" and b[0] in "LM"
    return emoji or script


def parse_text(field: Field, text: str, now: datetime) -> JsonValue:
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
    if field.describes and _key(value) in _BARE_YES_NO:
        raise InvalidAnswer(
            "This asks for a name or a description, not a yes or no. Please type it; "
            "'unknown' or 'skip' is fine if you don't have it yet."
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
        rule = f"from {num(lo)} to {num(hi)}"
    else:
        rule = f"at least {num(lo)}" if lo is not None else f"at most {num(hi or 0)}"
    raise fail(f"{shown} is out of range; please give a number {rule}.", field)


def parse_integer(field: Field, text: str, now: datetime) -> JsonValue:
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", clean(text)).rstrip(".")
    if re.fullmatch(r"[+-]?\d{1,15}", s):
        n = int(s)
    elif s in NUMBER_WORDS:
        n = NUMBER_WORDS[s]
    else:
        raise fail("Please answer with a whole number.", field)
    _check_range(field, n, f"{n:,}", field.min_value, field.max_value)
    return n


def _key(text: str) -> str:
    return " ".join(clean(text).casefold().strip(" .!").split())


def _options(choices: tuple[Choice, ...] | list[Choice]) -> str:
    labels = [c.label for c in choices]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _key(text))


def _named(choice: Choice, key: str) -> bool:
    """Tells whether ``key`` is the choice's value, label, synonym or (2+ letters) code."""
    names = (
        choice.value,
        choice.label,
        *choice.synonyms,
        *([choice.code] * (len(choice.code) > 1)),
    )
    return key in (_key(name) for name in names)


def _resolve(field: Field, raw: str, *, part: bool = False) -> Choice:
    key, choices = _key(raw), field.choices
    exact = [c for c in choices if _named(c, key)]
    if not exact and key.isdigit() and 1 <= int(key) <= len(choices):
        return choices[int(key) - 1]  # the console numbers the options
    words = _words(key)
    # Leading whole words of a label ("taken by a parent") are that label; a letter, a yes or a
    # no never is: "n" once picked "Taken by a parent" and "no" picked "Not clear yet".
    if not exact and len(key) >= 3 and key not in _YES | _NO:
        exact = [c for c in choices if _words(c.label)[: len(words)] == words]
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise fail(f"That could mean {_options(exact)}; please type more of it.", field)
    # What was typed is described, not echoed back (PR-11: it may be a sensitive detail).
    which = "One of those is not one of the options. " if part else ""
    raise fail(
        f"{which}Please choose one of: {_options(choices)} (tap it or send its number). "
        "If you don't know yet, send 'unknown'.",
        field,
    )


def parse_choice(field: Field, text: str, now: datetime) -> JsonValue:
    return _resolve(field, text).value


def _labels_with_commas(field: Field, text: str) -> tuple[set[str], str]:
    """Takes out the labels that hold a comma, which splitting on commas would break apart."""
    chosen: set[str] = set()
    rest = clean(text).casefold()
    for choice in field.choices:
        label = _key(choice.label)
        if re.search(r"[,;]", label) and label in rest:
            chosen.add(choice.value)
            rest = rest.replace(label, ",")
    return chosen, rest


def parse_multi(field: Field, text: str, now: datetime) -> JsonValue:
    s = clean(text)
    if _key(s) in ("none", "nothing", "n/a", "none of these"):
        named: list[JsonValue] = [
            c.value for c in field.choices if _key(s) in (_key(c.value), _key(c.label))
        ]
        return named[:1]
    chosen, s = _labels_with_commas(field, s)
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
        raise fail(f"Please choose from: {_options(field.choices)}.", field)
    alone = [c for c in field.choices if c.exclusive and c.value in chosen]
    if alone and len(chosen) > 1:
        raise fail(f"'{alone[0].label}' goes alone; send it by itself, or only the others.", field)
    ordered: list[JsonValue] = [c.value for c in field.choices if c.value in chosen]
    return ordered


# What a bare yes or no looks like where words are asked for (digits may be a house number).
_BARE_YES_NO = {"y", "yes", "yeah", "yep", "yup", "n", "no", "nope", "nah"}
_YES = {"y", "yes", "yeah", "yea", "yep", "yup", "true", "1", "sure", "correct"}
_NO = {"n", "no", "nope", "nah", "false", "2", "not"}


def parse_yes_no(field: Field, text: str, now: datetime) -> JsonValue:
    if field.choices:
        return parse_choice(field, text, now)
    key = _key(text)
    if key in _YES:
        return "yes"
    if key in _NO:
        return "no"
    raise fail("Please answer yes or no (or unknown).", field)


_EMAIL = re.compile(r"(?P<local>[\w.!#$%&'*+/=?^`{|}~-]+)@(?P<domain>(?:[\w-]+\.)+[^\W\d_]{2,})")


def parse_email(field: Field, text: str, now: datetime) -> JsonValue:
    s = unicodedata.normalize("NFC", text).strip().removeprefix("mailto:")
    match = _EMAIL.fullmatch(s)
    if len(s) > 254 or match is None:
        raise fail("That does not look like an email address.", field)
    return f"{match['local']}@{match['domain'].lower()}"


def height_text(inches: float) -> str:
    feet, rest = divmod(round(inches, 1), 12)
    return f"{feet:.0f}'{num(rest)}\" ({inches * CM_PER_IN:.0f} cm)"


def parse_height(field: Field, text: str, now: datetime) -> JsonValue:
    s = clean(text).replace(",", ".")
    s = re.sub("[’‘′`´]", "'", re.sub("[”“″]", '"', s)).replace("''", '"')
    n = r"(\d{1,3}(?:\.\d+)?)"
    if m := re.fullmatch(
        rf"(\d\d?) ?(?:'|ft\.?|feet|foot|-| )(?: ?{n} ?(?:\"|in\.?|inch|inches)?)?", s
    ):
        inches = int(m[1]) * 12 + float(m[2] or 0)
        if float(m[2] or 0) >= 12:
            raise fail("The inches part should be under 12.", field)
    elif m := re.fullmatch(rf"{n} ?(?:\"|in\.?|inch|inches)", s):
        inches = float(m[1])
    elif m := re.fullmatch(rf"{n} ?(?:cm|centimet(?:er|re)s?)", s):
        inches = float(m[1]) / CM_PER_IN
    elif m := re.fullmatch(rf"{n} ?(?:m|met(?:er|re)s?)", s):
        inches = float(m[1]) * 100 / CM_PER_IN
    else:
        raise fail("Please give the height with its unit (feet and inches, inches or cm).", field)
    return _bounded(field, inches, (12.0, 96.0), height_text)


def weight_text(pounds: float) -> str:
    return f"{num(round(pounds, 1))} lb ({pounds * KG_PER_LB:.0f} kg)"


def parse_weight(field: Field, text: str, now: datetime) -> JsonValue:
    s = clean(text).replace(",", ".")
    if m := re.fullmatch(r"(\d{1,4}(?:\.\d+)?) ?(?:lbs?\.?|pounds?|#)?", s):
        pounds = float(m[1])
    elif m := re.fullmatch(r"(\d{1,4}(?:\.\d+)?) ?(?:kgs?\.?|kilos?|kilograms?)", s):
        pounds = float(m[1]) / KG_PER_LB
    else:
        raise fail("Please give the weight as a number of pounds or kilograms.", field)
    return _bounded(field, pounds, (4.0, 700.0), weight_text)


def _bounded(
    field: Field, amount: float, defaults: tuple[float, float], shown: Callable[[float], str]
) -> float:
    """Returns the measurement rounded, or refuses it outside the field's (or default) range."""
    lo = defaults[0] if field.min_value is None else field.min_value
    hi = defaults[1] if field.max_value is None else field.max_value
    if not lo <= amount <= hi:
        raise fail(f"{shown(amount)} is outside {shown(lo)} to {shown(hi)}.", field)
    return round(amount, 1)


def parse_photo(field: Field, text: str, now: datetime) -> JsonValue:
    raise InvalidAnswer("Please send a photo (or say unknown / skip).")
