"""Profiles the full path of ``telegram_vs_bare`` and counts the SQL statements per update.

Run: .venv/bin/python benchmarks/profile_step.py [--database-url URL] [--chats 20] [--steps 40]
The steps run in worker threads, which cProfile does not see: for a profile of every thread run
it under a sampling profiler, e.g. ``py-spy record --threads --idle -o out.svg -- <the command>``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, event

from benchmarks import telegram_vs_bare as bench

STATEMENTS: Counter[str] = Counter()


def _count_statements(engine: Engine) -> None:
    """Counts every statement the engine sends, by its first words."""

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        STATEMENTS[" ".join(statement.split()[:4])[:60]] += 1


def main() -> None:
    """Runs the full path once; prints its CPU per update and the statements it sent."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    made = bench._full_app

    def counted(*a: Any, **k: Any) -> Any:
        app, request = made(*a, **k)
        _count_statements(app.bot_data["runtime"].service.engine)
        return app, request

    bench._full_app = counted  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'intake.db'}"
        figures, _sent = asyncio.run(
            bench.run_full("full", url, "FULL", chats=args.chats, steps=args.steps)
        )
    print(f"{figures.updates} updates, {figures.cpu_ms:.2f} ms CPU/update")
    total = sum(STATEMENTS.values())
    print(f"{total} statements, {total / max(figures.updates, 1):.2f} per update (warm-up incl.)")
    for statement, count in STATEMENTS.most_common(25):
        print(f"{count:7d}  {statement}")


if __name__ == "__main__":
    main()
