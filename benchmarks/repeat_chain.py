"""The repeat chain: messages for a child's first report, her recovery and her next episode.

The first report and the recovery are answered from their cases (``benchmarks/cases/
repeat_chain.py``); the recovery starts with the service's ``found``. The next episode is
answered as a worker who knows her: tonight's facts and the new reports from ``NEXT``, the
stable facts on file confirmed in one look, the ones in ``CHANGED`` changed through "Change…".
The run checks that every fact of ``NEXT`` is in the report and that no episode fact of the
first report was carried into it.

    .venv/bin/python -m benchmarks.repeat_chain
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from benchmarks.cases import Case, Fact
from benchmarks.cases.repeat_chain import CHANGED, FIRST, NEXT, RECOVERY
from benchmarks.interaction_cost import CAP, KEY, WORKER, ZONE, Stuck, send
from benchmarks.scripted_worker import TAP, Move, Worker
from bot.service.intake import IntakeService, Outcome
from flows.engine import Prompt
from flows.missing_from_care import FLOW
from flows.on_file import LOOK, PICK, TICK
from flows.prefill import carried_fields
from flows.recovery import RECOVERY as RECOVERY_FLOW
from flows.schema import Flow, Status
from storage import repository as repo


@dataclass
class Leg:
    """One conversation of the chain."""

    name: str
    messages: int = 0
    report_id: int = 0
    asked: list[str] = field(default_factory=list)


class KnowsHer(Worker):
    """The next night's worker: tonight's facts, the record on file, and what changed."""

    def __init__(self, case: Case, flow: Flow, changed: Mapping[str, Fact]) -> None:
        super().__init__(case, flow)
        self.changed = changed

    def move(self, prompt: Prompt) -> Move:
        """Confirms what is on file in one look, changing only what changed."""
        names = [c.value for c in prompt.choices]
        if prompt.key == LOOK:
            return _pick(prompt, ["change_some" if self._listed(prompt) else "keep_all"])
        if prompt.key == PICK:
            wanted = {self.flow.locate(n)[1].name for n in self.changed}
            return _pick(prompt, [n for n in names if n in wanted] or ["none"])
        if prompt.key.startswith(TICK):
            return _pick(prompt, [n for n in names if n in self.changed] or ["none"])
        return super().move(prompt)

    def _listed(self, prompt: Prompt) -> bool:
        return any(f"• {self.flow.field(n).title}:" in prompt.text for n in self.changed)


def _pick(prompt: Prompt, values: list[str]) -> Move:
    indexes = tuple(i for i, c in enumerate(prompt.choices) if c.value in values)
    return Move(TAP, ", ".join(values), indexes)


def converse(service: IntakeService, first: Outcome, worker: Worker, leg: Leg) -> Outcome:
    """Answers until the report is submitted; the message that opened it counts."""
    outcome, leg.messages, leg.report_id = first, 1, first.report_id
    while outcome.reply.state != "submitted":
        prompt = outcome.reply.prompt
        if prompt is None or leg.messages > CAP:
            raise Stuck(f"{leg.name}: stuck after {leg.messages} messages: {outcome.reply}")
        leg.asked.append(prompt.key)
        outcome = send(service, outcome, worker.move(prompt))
        leg.messages += 1
        if outcome.reply.error:
            outcome = send(service, outcome, worker.fallback(prompt, "refused"))
            leg.messages += 1
    return outcome


def answers_of(service: IntakeService, report_id: int) -> dict[str, object]:
    """Returns a report's answered values by key."""
    with repo.transaction(service.engine) as session:
        stored = repo.load_answers(session, report_id=report_id)
    return {k: v for k, (status, v) in stored.items() if status == Status.ANSWERED}


def next_worker_case() -> Case:
    """Returns what the next night's worker knows: the stable facts on file, then tonight's."""
    stable = {n: FIRST.facts[n] for n in carried_fields(FLOW) if n in FIRST.facts}
    return Case(NEXT.name, NEXT.title, NEXT.now, {**stable, **NEXT.facts}, photos=NEXT.photos)


def run(folder: Path) -> tuple[list[Leg], list[str]]:
    """Drives the chain; returns its legs and the problems found in the next report."""
    now = [FIRST.now]
    clock: Callable[[], datetime] = lambda: now[0]  # noqa: E731 - the chain moves it by hand
    engine = repo.make_engine(f"sqlite:///{folder / 'chain.db'}")
    repo.create_tables(engine)
    service = IntakeService(flow=FLOW, engine=engine, clock=clock, zone=ZONE, match_key=KEY)
    try:
        legs = [Leg("first report"), Leg("recovery"), Leg("next episode")]
        converse(service, service.start(WORKER, new=True), Worker(FIRST, FLOW), legs[0])
        now[0] = RECOVERY.now
        converse(service, service.found(WORKER), Worker(RECOVERY, RECOVERY_FLOW), legs[1])
        now[0] = NEXT.now
        knows = KnowsHer(next_worker_case(), FLOW, CHANGED)
        converse(service, service.start(WORKER, new=True), knows, legs[2])
        first = answers_of(service, legs[0].report_id)
        second = answers_of(service, legs[2].report_id)
    finally:
        engine.dispose()
    return legs, problems(first, second, legs[2].asked)


def problems(
    first: Mapping[str, object], second: Mapping[str, object], asked: list[str]
) -> list[str]:
    """Returns NEXT's facts missing from the next report, and episode facts carried unasked.

    An episode fact (one the flow never carries) that the next report holds with the first
    report's value, without the worker having been asked it, came over stale.
    """
    found = [f"missing: {n}" for n in NEXT.facts if FLOW.has_field(n) and n not in second]
    carried = set(carried_fields(FLOW))
    derived = {f.name for s in FLOW.sections if s.carry == "recovery" for f in s.items}
    for name, value in second.items():
        if name in carried or name in derived or name in asked or not FLOW.has_field(name):
            continue
        if first.get(name) == value:
            found.append(f"stale: {name} = {value!r}")
    return found


def main() -> int:
    """Prints each leg's messages and the next episode's share of the first report."""
    with TemporaryDirectory() as folder:
        legs, found = run(Path(folder))
    first, recovery, second = legs
    print(
        f"repeat chain: first report {first.messages} messages, recovery {recovery.messages}, "
        f"next episode {second.messages} ({second.messages / first.messages:.0%} of the first)"
    )
    print(f"next episode asked: {', '.join(second.asked)}")
    for line in found:
        print(f"- {line}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
