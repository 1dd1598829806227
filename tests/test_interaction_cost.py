"""The interaction-cost benchmark still drives a case to submit, so its README figures can't rot."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import interaction_cost
from benchmarks.cases import Case
from benchmarks.cases.runaway import CASE
from benchmarks.scripted_worker import TYPED, Move, Worker
from flows.engine import Prompt
from flows.missing_from_care import FLOW
from flows.schema import Choice, Kind


def test_a_case_reaches_the_police_milestone_and_submits(tmp_path: Path) -> None:
    figures = interaction_cost.run_case(CASE, tmp_path)
    assert figures.to_milestone is not None and figures.to_alert is not None
    assert figures.to_alert < figures.to_milestone < figures.to_submit
    assert figures.readout_complete_at is not None
    assert figures.taps + figures.typed + figures.photos == figures.to_submit
    assert figures.asked[-1] == "_submit" and not figures.refused


def test_a_worker_asked_the_same_question_three_times_fails_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A date of birth that is always refused, with a fallback that is refused too.
    broken = Case("broken", "broken", CASE.now, {**CASE.facts, "date_of_birth": "soon"})
    monkeypatch.setattr(Worker, "fallback", lambda self, prompt, why: Move(TYPED, "soon"))
    with pytest.raises(interaction_cost.Stuck, match="asked 3 times in a row"):
        interaction_cost.run_case(broken, tmp_path)


def test_a_conversation_past_the_cap_fails_loudly(tmp_path: Path) -> None:
    with pytest.raises(interaction_cost.Stuck, match="more than 40 messages"):
        interaction_cost.run_case(CASE, tmp_path, cap=40)


def test_the_command_exits_non_zero_when_stuck(capsys: pytest.CaptureFixture[str]) -> None:
    assert interaction_cost.main(["--case", "runaway", "--cap", "10"]) == 1
    assert "stuck" in capsys.readouterr().err


def test_a_gate_checklist_the_flow_does_not_have_yet_is_ticked_from_the_facts() -> None:
    # Issue 14 turns the yes/no risk gates into one checklist; the cases need no change for it.
    options = ("medical", "medication", "gang", "csec", "none_of_these")
    checklist = Prompt(
        "risk_checklist",
        "Which of these apply?",
        "",
        Kind.MULTI_CHOICE,
        tuple(Choice(value, value) for value in options),
        "Risks",
    )
    ticked = Worker(CASE, FLOW).move(checklist)
    assert ticked.text == "medical, medication, csec" and ticked.derived and not ticked.fallback
    bare = Case("bare", "bare", CASE.now, {})
    untouched = Worker(bare, FLOW).move(checklist)
    assert untouched.text == "none_of_these" and untouched.fallback
