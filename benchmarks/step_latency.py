"""Measures one intake step through the service (engine + commit on SQLite) and the engine alone.

Run: .venv/bin/python benchmarks/step_latency.py
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.service.intake import IntakeService
from flows.engine import Interview
from flows.missing_from_care import FLOW
from storage import repository as repo

ZONE = ZoneInfo("America/New_York")


def service_steps() -> list[float]:
    """Answers 'unknown' to every question of one report and times each committed step."""
    with tempfile.TemporaryDirectory() as folder:
        engine = repo.make_engine(f"sqlite:///{Path(folder) / 'intake.db'}")
        repo.create_tables(engine)
        service = IntakeService(
            flow=FLOW,
            engine=engine,
            clock=lambda: datetime.now(UTC),
            zone=ZONE,
            match_key=b"benchmark-key",
        )
        service.start("bench")
        times: list[float] = []
        while True:
            start = time.perf_counter()
            outcome = service.handle_text("bench", "unknown")
            times.append(time.perf_counter() - start)
            if outcome.reply.state == "review":
                engine.dispose()
                return sorted(times)


def engine_steps() -> tuple[int, float]:
    """Returns the number of steps of a whole 'unknown' report and the mean engine time."""
    interview = Interview(FLOW)
    now = datetime.now(ZONE)
    interview.start(now=now)
    steps = 0
    start = time.perf_counter()
    while interview.state != "review":
        interview.handle("unknown", now=now)
        steps += 1
    return steps, (time.perf_counter() - start) / steps


def main() -> None:
    """Prints the figures the README quotes."""
    times = service_steps()
    p50, p99 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]
    print(
        f"service step (SQLite, synchronous=FULL): {len(times)} steps, "
        f"p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms"
    )
    steps, mean = engine_steps()
    print(f"engine step alone: {steps} steps, mean {mean * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
