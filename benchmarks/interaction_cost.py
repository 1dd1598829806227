"""Interaction cost: how many worker messages a report takes, to the police call and to submit.

Each scripted case (``benchmarks/cases``) is driven through ``IntakeService`` on a temporary
SQLite file with the case's fixed clock, by a worker who answers what is asked from the facts
(``benchmarks/scripted_worker.py``). A message is one text, one tap or one photo; a multi-select
sent as one message ("1, 4, 6" in the terminal) is one message; the message that opens the
report counts. The run fails (exit 1) when the worker gets stuck or a conversation passes the cap.

    .venv/bin/python -m benchmarks.interaction_cost [--case NAME] [--json [PATH]] [--cap N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

from benchmarks.cases import Case, all_cases
from benchmarks.scripted_worker import PHOTO, TAP, Move, Worker
from bot.service.intake import IntakeService, Outcome
from flows.missing_from_care import FLOW
from flows.report import NOT_GIVEN, SKIPPED, UNKNOWN, Report
from flows.schema import Flow, Kind
from storage import repository as repo
from tests.episode_driver import tiny_png

ZONE = ZoneInfo("America/New_York")
KEY = b"interaction-cost-key"
WORKER = "on-call-1"
CAP = 400  # far above today's longest report (about 170 messages)
SAME_QUESTION_LIMIT = 3
EMPTY = frozenset({NOT_GIVEN, UNKNOWN, SKIPPED, ""})


class Stuck(RuntimeError):
    """The scripted worker could not get past a question, or the conversation ran away."""


@dataclass
class Figures:
    """One case's measured conversation."""

    case: str
    title: str
    to_alert: int | None = None  # message after which "call 911 now" was shown
    to_milestone: int | None = None  # message after which "You have what police need" came
    readout_complete_at_milestone: bool = False
    readout_missing_at_milestone: list[str] = field(default_factory=list)
    readout_complete_at: int | None = None
    to_submit: int = 0
    taps: int = 0
    typed: int = 0
    photos: int = 0
    yes_no_taps: int = 0  # the rows of yes/no gates issue 14 turns into checklists
    category_at_milestone: str = ""  # the NCIC category the read-out suggested then
    refused: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    open_items: int = 0
    facts: int = 0  # answered lines in the submitted report (open items not counted)
    asked: list[str] = field(default_factory=list)  # the key of each question, in order
    sent: list[str] = field(default_factory=list)  # what answered it: "tap yes", "typed ..."


def message_of(flow: Flow, kind: str, name: str) -> str:
    """Returns the text of the flow's alert or milestone called ``name``; fails if it is gone."""
    found = flow.alerts if kind == "alert" else flow.milestones
    for item in found:
        if item.name == name:
            return item.message
    raise Stuck(f"the flow has no {kind} called {name!r}; the benchmark cannot see it")


def readout_gaps(report: Report) -> list[str]:
    """Returns the read-out lines the officer would still be missing."""
    return [line.label for line in report.police if line.value.strip() in EMPTY]


def send(service: IntakeService, outcome: Outcome, move: Move) -> Outcome:
    """Sends one move as the worker would: a tap on the shown buttons, a text or a photo."""
    if move.how == PHOTO:
        return service.add_photo(WORKER, content=tiny_png(), mime="image/png")
    if move.how == TAP:
        return service.handle_choice(WORKER, outcome.report_id, outcome.version, move.indexes)
    return service.handle_text(WORKER, move.text)


def run_case(
    case: Case, folder: Path, *, flow: Flow = FLOW, cap: int = CAP, worker: Worker | None = None
) -> Figures:
    """Drives one case from the opening message to the submitted report."""
    engine = repo.make_engine(f"sqlite:///{folder / f'{case.name}.db'}")
    repo.create_tables(engine)
    service = IntakeService(
        flow=flow, engine=engine, clock=lambda: case.now, zone=ZONE, match_key=KEY
    )
    try:
        return _converse(service, case, flow, cap, worker or Worker(case, flow))
    finally:
        engine.dispose()


def _converse(service: IntakeService, case: Case, flow: Flow, cap: int, worker: Worker) -> Figures:
    alert = message_of(flow, "alert", "call_911")
    ready = message_of(flow, "milestone", "call_ready")
    figures = Figures(case.name, case.title, typed=1)
    outcome = service.start(WORKER, new=True)  # the worker's "/new"
    messages, last_key, same, refused = 1, "", 0, False
    while outcome.reply.state != "submitted":
        prompt = outcome.reply.prompt
        if prompt is None:
            raise Stuck(f"{case.name}: no question after message {messages}: {outcome.reply}")
        same = same + 1 if prompt.key == last_key else 1
        last_key = prompt.key
        figures.asked.append(prompt.key)
        if same >= SAME_QUESTION_LIMIT:
            raise Stuck(f"{case.name}: {prompt.key!r} asked {same} times in a row")
        move = worker.fallback(prompt, "refused") if refused else worker.move(prompt)
        outcome = send(service, outcome, move)
        figures.sent.append(f"{move.how} {move.text}")
        messages += 1
        if messages > cap:
            raise Stuck(f"{case.name}: more than {cap} messages")
        figures.taps += move.how == TAP
        figures.photos += move.how == PHOTO
        figures.typed += move.how not in (TAP, PHOTO)
        figures.yes_no_taps += move.how == TAP and prompt.kind is Kind.YES_NO
        if move.fallback:
            figures.fallbacks.append(f"{prompt.key}: {move.text} ({move.fallback})")
        if move.derived:
            figures.derived.append(move.derived)
        refused = outcome.reply.error is not None
        if refused:
            figures.refused.append(f"{prompt.key}: {move.text!r}: {outcome.reply.error}")
        _milestones(service, outcome, figures, messages, alert, ready)
    figures.to_submit = messages
    report = service.report(outcome.report_id)
    figures.open_items = len(report.open_items)
    figures.facts = sum(1 for s in report.sections for line in s.lines if line.value.strip())
    return figures


def _milestones(
    service: IntakeService,
    outcome: Outcome,
    figures: Figures,
    messages: int,
    alert: str,
    ready: str,
) -> None:
    """Notes the messages after which the alert, the milestone and a full read-out came."""
    alerts = outcome.reply.alerts
    if figures.to_alert is None and any(alert in a for a in alerts):
        figures.to_alert = messages
    reached = figures.to_milestone is None and any(ready in a for a in alerts)
    if figures.readout_complete_at is not None and not reached:
        return
    report = service.report(outcome.report_id)
    gaps = readout_gaps(report)
    if figures.readout_complete_at is None and not gaps:
        figures.readout_complete_at = messages
    if reached:
        figures.to_milestone = messages
        figures.readout_complete_at_milestone = not gaps
        figures.readout_missing_at_milestone = gaps
        figures.category_at_milestone = report.category.code if report.category else ""


def table(runs: Sequence[Figures]) -> str:
    """Returns the markdown table the README quotes, then each case's fallbacks and refusals."""
    out = [
        "| case | 911 alert at | milestone at | read-out complete at milestone (first complete at)"
        " | to submit | taps (yes/no) | typed | photos | refused | fallbacks |",
        "|---|---:|---:|---|---:|---|---:|---:|---:|---:|",
    ]
    for f in runs:
        done = (
            "yes"
            if f.readout_complete_at_milestone
            else "no: " + ", ".join(f.readout_missing_at_milestone)
        )
        out.append(
            f"| {f.title} | {f.to_alert or '–'} | {f.to_milestone or 'never'} | {done} "
            f"({f.readout_complete_at or 'never'}) | {f.to_submit} | {f.taps} ({f.yes_no_taps}) | "
            f"{f.typed} | "
            f"{f.photos} | {len(f.refused)} | {len(f.fallbacks)} |"
        )
    for f in runs:
        out += ["", f"{f.case}: fallbacks ({len(f.fallbacks)})"]
        out += [f"- {line}" for line in f.fallbacks] or ["- none"]
        if f.refused:
            out += [f"{f.case}: refused answers ({len(f.refused)})"]
            out += [f"- {line}" for line in f.refused]
        if f.derived:
            out += [f"{f.case}: checklists ticked from other facts"]
            out += [f"- {line}" for line in f.derived]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the cases and prints the table (or JSON); 1 when a worker got stuck."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", help="run only this case (repeatable)")
    parser.add_argument(
        "--json", nargs="?", const="-", metavar="PATH", help="write JSON (to stdout without PATH)"
    )
    parser.add_argument("--cap", type=int, default=CAP, help="most messages a report may take")
    args = parser.parse_args(argv)
    cases = [c for c in all_cases() if not args.case or c.name in args.case]
    if not cases:
        parser.error(f"no such case; known: {', '.join(c.name for c in all_cases())}")
    try:
        with TemporaryDirectory() as folder:
            runs = [run_case(case, Path(folder), cap=args.cap) for case in cases]
    except Stuck as exc:
        print(f"interaction cost: stuck: {exc}", file=sys.stderr)
        return 1
    if args.json is None:
        print(table(runs))
    else:
        text = json.dumps({"cases": [asdict(r) for r in runs]}, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
            print(table(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
