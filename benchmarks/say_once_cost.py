"""Say it once, measured: the cost cases with several facts per message, and with a face sheet.

The burst worker types what a real worker types in one go where the question invites it: the
description in one line at the height question, name with birth date and sex at the name
question, the time with the place at the last-seen question, and "yes, <details>" at a yes/no
gate whose first follow-up the case knows. It finds those questions by NCIC code and by the
flow's own gate conditions, never by field name, and taps "Yes, all correct" on what the bot
understood. With ``--face-sheet`` it first pastes the case's face sheet
(``benchmarks/cases/<case>_face_sheet.txt``). Every other question is answered as in the plain run.

Run: ``.venv/bin/python -m benchmarks.say_once_cost`` (prints plain, say-it-once and face-sheet).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from tempfile import TemporaryDirectory

from benchmarks.cases import Case, all_cases
from benchmarks.interaction_cost import Figures, Stuck, run_case
from benchmarks.scripted_worker import TAP, TYPED, Move, Worker
from flows.engine import Prompt
from flows.extract.gate import follow_ups
from flows.missing_from_care import FLOW
from flows.schema import Flow, Kind

CASES = Path(__file__).parent / "cases"
# The baseline: messages to submit before issue 14, per case (README, issue 15).
BASELINE = {
    "runaway": 148,
    "autistic_wanderer": 155,
    "parental_abduction": 161,
    "kinship_gang": 140,
}
DESCRIPTION = ("HGT", "WGT", "HAI", "EYE", "SKN")


def face_sheet_of(case: Case) -> str:
    """Returns the case's face sheet as the worker would paste it."""
    return (CASES / f"{case.name}_face_sheet.txt").read_text(encoding="utf-8")


class BurstWorker(Worker):
    """A worker who says several facts at once where a real one would."""

    def __init__(self, case: Case, flow: Flow, *, face_sheet: bool = False) -> None:
        super().__init__(case, flow)
        self.sheet = face_sheet_of(case) if face_sheet else ""

    def move(self, prompt: Prompt) -> Move:
        """Returns one burst where the question invites it, else the plain answer."""
        if prompt.key.startswith("_understood."):
            return Move(TAP, "yes", (0,))  # "Yes, all correct"
        if self.sheet:
            sheet, self.sheet = self.sheet, ""
            return Move(TYPED, sheet)
        burst = self._burst(prompt)
        return Move(TYPED, burst) if burst else super().move(prompt)

    def _said(self, code: str) -> str:
        name = next((n for n in self.flow.field_names() if self.flow.field(n).ncic == code), "")
        fact = self.case.facts.get(name) if name else None
        return fact if isinstance(fact, str) else ""

    def _burst(self, prompt: Prompt) -> str:
        name = prompt.key.rsplit(".", 1)[-1]
        if not self.flow.has_field(name):
            return ""
        fld = self.flow.field(name)
        if fld.ncic == "HGT":
            parts = [self._said(c) for c in DESCRIPTION]
            weight = f"{parts[1]} lb" if parts[1] else ""
            hair = f"{parts[2]} hair" if parts[2] else ""
            eyes = f"{parts[3]} eyes" if parts[3] else ""
            words = [parts[0], weight, hair, eyes, parts[4].replace("_", " ")]
            return " ".join(w for w in words if w) if parts[0] else ""
        if fld.ncic == "NAM" and all(self._said(c) for c in ("NAM", "DOB", "SEX")):
            return f"{self._said('NAM')}, DOB {self._said('DOB')}, {self._said('SEX')}"
        if fld.ncic == "DLC":
            place = self.case.facts.get("last_seen_place")
            if isinstance(place, str) and self._said("DLC"):
                return f"{self._said('DLC')} at {place}"
        if fld.kind is Kind.YES_NO and self.fact(prompt.key) == "yes":
            now = self.case.now
            first = next(iter(follow_ups(self.flow, fld, "yes", now=now)), None)
            detail = self.fact(first.field.name) if first and first.repeat is None else None
            if isinstance(detail, str) and first and first.field.kind is Kind.TEXT:
                return f"yes, {detail}"
        return ""


def runs(cases: Sequence[Case], folder: Path) -> list[tuple[Figures, Figures, Figures]]:
    """Runs each case plain, with bursts, and with the face sheet first."""
    found = []
    for case in cases:
        plain = run_case(case, folder / "plain")
        burst = run_case(case, folder / "burst", worker=BurstWorker(case, FLOW))
        sheet = run_case(case, folder / "sheet", worker=BurstWorker(case, FLOW, face_sheet=True))
        found.append((plain, burst, sheet))
    return found


def table(found: Sequence[tuple[Figures, Figures, Figures]]) -> str:
    """Returns the README table: messages to the milestone and to submit, and facts, per mode."""
    out = [
        "| case | baseline | plain: milestone / submit / facts | say once: milestone / submit"
        " (% of baseline) / facts | face sheet: milestone / submit (% of baseline) / facts |",
        "|---|---:|---|---|---|",
    ]
    for plain, burst, sheet in found:
        base = BASELINE.get(plain.case, plain.to_submit)

        def cell(f: Figures, base: int = base) -> str:
            share = round(100 * f.to_submit / base)
            return f"{f.to_milestone or 'never'} / {f.to_submit} ({share} %) / {f.facts}"

        out.append(
            f"| {plain.title} | {base} | {plain.to_milestone or 'never'} / {plain.to_submit} / "
            f"{plain.facts} | {cell(burst)} | {cell(sheet)} |"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Prints the table; 1 when a worker got stuck."""
    names = set(argv or ())
    cases = [c for c in all_cases() if not names or c.name in names]
    try:
        with TemporaryDirectory() as folder:
            for mode in ("plain", "burst", "sheet"):
                (Path(folder) / mode).mkdir()
            print(table(runs(cases, Path(folder))))
    except Stuck as exc:
        print(f"say-once cost: stuck: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
