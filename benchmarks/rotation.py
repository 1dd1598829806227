"""Measures key rotation (rows re-sealed per second) and its effect on a live step's latency.

Run: .venv/bin/python benchmarks/rotation.py
"""

from __future__ import annotations

import base64
import os
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.service.intake import IntakeService
from flows.missing_from_care import FLOW
from storage import crypto, rotation
from storage import repository as repo

ZONE = ZoneInfo("America/New_York")
REPORTS = 20  # each with an answer (and a history row) for every field


def main() -> None:
    """Fills reports with one key, adds a key, rotates while a worker keeps answering."""
    old = f"k1:{base64.b64encode(os.urandom(32)).decode()}"
    new = f"k2:{base64.b64encode(os.urandom(32)).decode()}"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'intake.db'}"
        engine = repo.make_engine(url, keyring=crypto.Keyring.parse(old))
        repo.create_tables(engine)
        now = datetime.now(UTC)
        for n in range(REPORTS):
            with repo.transaction(engine) as session:
                report = repo.add_report(
                    session, worker=f"w{n}", flow_id="f", flow_version="1", state="intake", now=now
                )
                writes = [
                    repo.AnswerWrite(name, None, ("answered", f"value {n} of {name} " * 3))
                    for name in FLOW.field_names()
                ]
                repo.save_step(
                    session,
                    report=report,
                    writes=writes,
                    fields={},
                    actor="b",
                    source="answer",
                    now=now,
                )
        both = repo.make_engine(url, keyring=crypto.Keyring.parse(f"{new},{old}"))
        live = IntakeService(flow=FLOW, engine=both, clock=lambda: datetime.now(UTC), zone=ZONE)
        live.start("live", new=True)
        steps: list[float] = []
        done = threading.Event()

        def answer() -> None:
            while not done.is_set():
                start = time.perf_counter()
                live.handle_text("live", "status")
                steps.append(time.perf_counter() - start)

        worker = threading.Thread(target=answer)
        worker.start()
        start = time.perf_counter()
        result = rotation.rotate(both, clock=lambda: datetime.now(UTC))
        took = time.perf_counter() - start
        done.set()
        worker.join()
        steps.sort()
        print(
            f"rotation: {result.rotated} rows in {result.batches} batches, {took:.2f} s "
            f"({result.rotated / took:,.0f} rows/s); pending after: {rotation.pending(both)}"
        )
        print(
            f"live steps during rotation: {len(steps)}, p50 {steps[len(steps) // 2] * 1e3:.1f} ms, "
            f"max {steps[-1] * 1e3:.1f} ms"
        )


if __name__ == "__main__":
    main()
