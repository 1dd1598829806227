"""The README stays true: its diagram is the machine's, and it gives exactly two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

from flows.engine import lifecycle_diagram

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_diagram_is_the_lifecycle_machine() -> None:
    block = re.search(r"```mermaid\n(.*?)```", README, re.S)
    assert block is not None and block.group(1) == lifecycle_diagram()


def test_the_quick_start_has_one_command_to_run_and_one_to_test() -> None:
    quick = README.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == [
        "make run",
        "make test",
    ]
    assert "make test" in (Path(__file__).parent.parent / ".ci" / "run").read_text()
