"""A face sheet's text read into proposals for the flow's questions, grouped by section.

Labelled cells are found by the flow's ``LabelRule`` table, several to a line when a system
prints columns. Every line, or part of one, that no rule reads is kept as an "other face-sheet
notes" line, so nothing on the sheet is lost; only blank and ruler lines are passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flows.answers import InvalidAnswer, parse_answer
from flows.extract.description import description_line
from flows.extract.gate import gate_of
from flows.extract.hints import Hints, LabelRule, Mode
from flows.extract.picked import picked
from flows.extract.proposal import Proposal
from flows.extract.targets import Code
from flows.schema import Flow, Kind, Section

NONE_WORDS = frozenset({
    "none", "n/a", "na", "no", "nka", "nkda", "none known", "none reported", "not applicable",
    "does not apply", "not eligible", "no known allergies", "denies",
})  # fmt: skip
# Words a measure or gate value may carry that hold no fact of their own.
_SPARE = frozenset(
    {"and", "or", "with", "lb", "lbs", "in", "ft", "cm", "kg", "yes", "hair", "eyes"}
)
_NEGATION = re.compile(r"\b(?:no|not|none|never|denies|denied|negative)\b", re.I)
_ENDS_IN_GAP = re.compile(r"(?:\t|\s{2,}|\|)\s*$")
NOT_A_FACE_SHEET = (
    "I couldn't find any labelled lines (like 'Name:' or 'DOB:') in that, so nothing was "
    "changed. Paste the face sheet as it is, or send it as a PDF or text file."
)


class NotAFaceSheet(InvalidAnswer):
    """The text has no line a face-sheet rule reads; nothing may change."""


@dataclass(frozen=True, slots=True)
class SectionProposals:
    """The proposals of one section, for one "from face sheet — confirm"."""

    section: Section
    proposals: tuple[Proposal, ...]


@dataclass(frozen=True, slots=True)
class FaceSheet:
    """What a face sheet gave: proposals by section in flow order, and the lines kept as notes."""

    sections: tuple[SectionProposals, ...]
    notes: tuple[str, ...]

    def proposals(self) -> tuple[Proposal, ...]:
        """Returns every proposal, in flow order."""
        return tuple(p for s in self.sections for p in s.proposals)


@dataclass(frozen=True, slots=True)
class _Cell:
    rule: LabelRule
    label: str
    unit: str
    value: str
    start: int  # offset of the value in the whole text


def _label_pattern(hints: Hints) -> re.Pattern[str]:
    spellings = sorted({s for r in hints.face_sheet for s in r.labels}, key=len, reverse=True)
    alternatives = "|".join(
        r"\s*".join(re.escape(part) for part in s.split()).replace(r"\.", r"\.?") for s in spellings
    )
    return re.compile(
        rf"(?<![\w])(?P<label>{alternatives})\s*(?:\((?P<unit>[^)]{{1,12}})\))?\s*:", re.I
    )


def _rule_for(hints: Hints, label: str) -> LabelRule:
    said = " ".join(label.lower().split())
    squeezed = said.replace(".", "").replace(" ", "")
    return next(
        r
        for r in hints.face_sheet
        if any(squeezed == s.lower().replace(".", "").replace(" ", "") for s in r.labels)
    )


def read_face_sheet(flow: Flow, hints: Hints, text: str, *, now: datetime) -> FaceSheet:
    """Returns the proposals and notes of a face sheet, or raises NotAFaceSheet."""
    pattern = _label_pattern(hints)
    found: dict[str, Proposal] = {}
    notes: list[str] = []
    recognised = 0
    offset = 0
    for line in text.splitlines(keepends=True):
        start, body = offset, line.rstrip("\r\n")
        offset += len(line)
        if not re.search(r"[^\W_]", body):
            continue  # blank, or a ruler of dashes
        cells, rest = _cells(hints, pattern, body, start)
        recognised += len(cells)
        kept = [rest] if rest else []
        for cell in cells:
            if cell.value and (not _read(flow, cell, found, now) or cell.rule.note):
                kept.append(f"{cell.label}: {cell.value}")
        notes.extend(kept)
    if not recognised:
        raise NotAFaceSheet(NOT_A_FACE_SHEET)
    return FaceSheet(_by_section(flow, found), tuple(notes))


def _cells(
    hints: Hints, pattern: re.Pattern[str], body: str, start: int
) -> tuple[list[_Cell], str]:
    """Returns the labelled cells of one line and the text before them that no label claims."""
    matches = list(pattern.finditer(body))
    # 'Emergency Contact Name:' is not 'Name:': a first label must start its line or a column.
    while (
        matches
        and body[: matches[0].start()].strip()
        and not _ENDS_IN_GAP.search(body[: matches[0].start()])
    ):
        matches.pop(0)
    rest = body[: matches[0].start()].strip(" \t|") if matches else body.strip()
    cells = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        raw = body[m.end() : end]
        value = raw.strip(" \t|-–—")
        lead = len(raw) - len(raw.lstrip(" \t|-–—"))
        cells.append(
            _Cell(_rule_for(hints, m["label"]), m["label"].strip(), m["unit"] or "", value,
                  start + m.end() + lead)
        )  # fmt: skip
    return cells, rest


def _read(flow: Flow, cell: _Cell, found: dict[str, Proposal], now: datetime) -> bool:
    """Adds what one cell gives; False when the cell is kept as a note instead."""
    proposals = _proposals(flow, cell, now)
    if not proposals:
        return False
    complete = True
    for p in proposals:
        old = found.get(p.key)
        fld = flow.field(p.key.rsplit(".", 1)[-1])
        if old is None:
            found[p.key] = p
        elif old.value == p.value:
            continue
        elif fld.kind is Kind.TEXT and isinstance(old.value, str) and isinstance(p.value, str):
            merged = f"{old.value}; {p.value}"
            found[p.key] = Proposal(p.key, merged, (old.span[0], max(old.span[1], p.span[1])))
        else:
            complete = False  # a second, different value: the sheet's line is kept to show
    return complete and not _leftover(cell, proposals)


def _proposals(flow: Flow, cell: _Cell, now: datetime) -> list[Proposal]:
    rule, value = cell.rule, cell.value
    whole = (cell.start, cell.start + len(value))
    none = value.lower().strip(" .") in NONE_WORDS
    if rule.mode is Mode.MEASURES:
        if cell.unit and re.fullmatch(r"[\d.]+", value):
            value = f"{value} {cell.unit}"  # 'Weight (lbs): 62'
        codes = tuple(Code(flow.field(f).ncic) for f in rule.fields)
        found = description_line(flow, value, now=now, codes=codes)
        size = len(cell.value)  # a unit added above is not on the sheet
        return [
            Proposal(p.key, p.value, (cell.start + p.span[0], cell.start + min(p.span[1], size)))
            for p in found
        ]
    if rule.mode in (Mode.GATED, Mode.PRESENCE):
        return _gated(flow, cell, none, now)
    if rule.mode is Mode.PICK:
        return picked(flow, cell.rule, cell.value, cell.start, now=now)
    if none:
        return []
    for name in rule.fields:
        for said in (value, re.sub(r"\s*\([^)]*\)", "", value)):
            try:
                parsed = parse_answer(flow.field(name), _labelled(cell, said), now=now)
            except InvalidAnswer:
                continue
            return [Proposal(name, parsed, whole)]
    return []


def _labelled(cell: _Cell, value: str) -> str:
    return f"{cell.label}: {value}" if cell.rule.keep_label else value


def _gated(flow: Flow, cell: _Cell, none: bool, now: datetime) -> list[Proposal]:
    """Returns the gate's answer and, when the sheet gives details, the detail field's."""
    name = cell.rule.fields[0]
    fld = flow.field(name)
    gate, opens = (
        (fld, "yes")
        if cell.rule.mode is Mode.PRESENCE
        else (gate_of(flow, name, now=now) or (None, ""))
    )
    whole = (cell.start, cell.start + len(cell.value))
    if gate is None:
        # Opened by a checklist option (a caution, a mark): a 'None' there says nothing of the
        # other options, so only details are taken; stored, they wait until the option is ticked.
        return [] if none or _NEGATION.search(cell.value) else _detail(flow, cell, name, now)
    if none:
        return [Proposal(gate.name, "no", whole)] if cell.rule.none_is_no and opens == "yes" else []
    head = re.match(r"(yes|no)\b[\s,:;.\-–—]*", cell.value, re.I)
    if head and not cell.value[head.end() :].strip():
        return [Proposal(gate.name, parse_answer(gate, head[1], now=now), whole)]
    if not head and _NEGATION.search(cell.value):
        return []  # 'no tribal affiliation known' must not answer yes; the line is kept
    answer = parse_answer(gate, head[1], now=now) if head else opens
    if cell.rule.mode is Mode.PRESENCE or answer != opens:
        return [Proposal(gate.name, answer, whole)]
    details = cell.value[head.end() :] if head else cell.value
    try:
        parsed = parse_answer(fld, _labelled(cell, details), now=now)
    except InvalidAnswer:
        return []
    begin = cell.start + (head.end() if head else 0)
    return [Proposal(gate.name, answer, whole), Proposal(name, parsed, (begin, whole[1]))]


def _detail(flow: Flow, cell: _Cell, name: str, now: datetime) -> list[Proposal]:
    """Returns the detail field's proposal alone, or nothing when its parser refuses the value."""
    head = re.match(r"(yes|no)\b[\s,:;.\-–—]*", cell.value, re.I)
    details = cell.value[head.end() :] if head else cell.value
    if (head and head[1].lower() == "no") or not details.strip():
        return []
    try:
        parsed = parse_answer(flow.field(name), _labelled(cell, details), now=now)
    except InvalidAnswer:
        return []
    begin = cell.start + (head.end() if head else 0)
    return [Proposal(name, parsed, (begin, cell.start + len(cell.value)))]


def _leftover(cell: _Cell, proposals: list[Proposal]) -> bool:
    """Tells whether the cell says more than its proposals hold (then it is kept as a note)."""
    if cell.rule.mode is not Mode.MEASURES:
        return False
    covered = [(p.span[0] - cell.start, p.span[1] - cell.start) for p in proposals]
    words = [
        m for m in re.finditer(r"[^\W_]+", cell.value)
        if not any(a <= m.start() < b for a, b in covered) and m[0].lower() not in _SPARE
    ]  # fmt: skip
    return bool(words)


def _by_section(flow: Flow, found: dict[str, Proposal]) -> tuple[SectionProposals, ...]:
    order = {name: i for i, name in enumerate(flow.field_names())}
    groups: list[SectionProposals] = []
    for section in flow.sections:
        mine = sorted(
            (p for p in found.values() if flow.locate(p.key.rsplit(".", 1)[-1])[1] is section),
            key=lambda p: order[p.key.rsplit(".", 1)[-1]],
        )
        if mine:
            groups.append(SectionProposals(section, tuple(mine)))
    return tuple(groups)
