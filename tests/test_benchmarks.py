"""The benchmark the README quotes runs end to end in a tiny configuration, so it cannot rot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import telegram_vs_bare


@pytest.mark.slow
def test_benchmark_walks_the_flow_through_both_bots_and_measures_memory_and_start_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "figures.json"
    tiny = ["--chats", "3", "--steps", "10", "--open-reports", "50", "--startups", "2"]
    telegram_vs_bare.main([*tiny, "--synchronous", "NORMAL", "--json", str(out)])
    figures = json.loads(out.read_text())
    [full], bare = figures["runs"], figures["bare"]
    assert full["updates"] == bare["updates"] == 30  # the same updates went to both bots
    assert full["errors"] == bare["errors"] == figures["floor"]["errors"] == 0
    assert figures["floor"]["committed"] == figures["floor"]["updates"] == 30
    assert 0 < full["committed"] <= full["updates"]
    assert full["api_calls"] >= full["updates"] and bare["api_calls"] >= bare["updates"]
    assert figures["memory_SQLite"]["reports"] == 50
    assert figures["startup_SQLite"]["ready_s"] > figures["startup_SQLite"]["import_s"] > 0
    table = capsys.readouterr().out
    assert "| full path, SQLite WAL synchronous=NORMAL | 30 |" in table
    assert "| SQLite | 50 |" in table


def test_an_unreachable_postgresql_is_skipped_with_the_reason() -> None:
    why = telegram_vs_bare.postgres_ready("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert why is not None and "cannot connect" in why
