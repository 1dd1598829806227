"""The next episode: a recovery that knows its child, duties until done, dates and counted words."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from benchmarks import repeat_chain
from flows.engine import Context, Interview, Reply
from flows.missing_from_care import FLOW
from flows.recovery import RECOVERY
from flows.schema import Answer, Choice, Field, Flow, Kind, Section, Status
from tests.conftest import NOW
from tests.episode_driver import Clock, converse, service_for

# "1 answers", "1 days": a count of one followed by a plural noun.
ONE_PLURAL = re.compile(r"(?<![\d.,])1 (answers|days|hours|items|months|photos|episodes)\b")


def test_the_recovery_names_its_child_in_its_title_and_questions(tmp_path: Path) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'n.db'}", clock)
    converse(service, "w1", service.start("w1", new=True), 1)
    clock.now += timedelta(days=2)
    started = service.found("w1")
    assert started.reply.prompt is not None
    assert started.reply.prompt.text == "When was Destiny found?"
    assert service.report(started.report_id).subject == "Alvarez, Destiny Marie"
    service.engine.dispose()


def test_who_was_told_answered_unknown_leaves_police_and_ncmec_open(tmp_path: Path) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'u.db'}", clock)
    first = converse(service, "w1", service.start("w1", new=True), 1)
    clock.now += timedelta(days=2)
    recovery = converse(service, "w1", service.found("w1"), 1, overrides={"told": "unknown"})
    assert recovery.last is not None
    (notice,) = recovery.last.notifications
    assert "Police clear the NCIC entry due" in notice.text
    assert "NCMEC told, to close its case due" in notice.text
    assert "no duties open" not in notice.text
    items = {i.key for i in service.report(first.report_id).open_items}
    assert {"ncic_clear", "ncmec_close"} <= items
    service.engine.dispose()


def test_the_screening_result_question_says_which_screening() -> None:
    assert "trafficking screening" in RECOVERY.field("screening_result").prompt


def test_the_known_child_notice_dates_the_last_episode_by_when_she_went_missing(
    tmp_path: Path,
) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'd.db'}", clock)
    # Last seen six days before the report was made (Mar 2): the episode began Feb 24.
    converse(
        service, "w1", service.start("w1", new=True), 1, overrides={"last_seen_at": "6 days ago"}
    )
    clock.now += timedelta(days=9)
    outcome = service.start("w1", new=True)
    for text in ("none", "2011-04-02", "Alvarez, Destiny Marie"):
        outcome = service.handle_text("w1", text)
    (seen,) = [n for n in outcome.reply.notices if "reported missing before" in n]
    assert "missing since Feb 24, 2026" in seen
    service.engine.dispose()


def test_no_message_of_the_flows_counts_one_with_a_plural() -> None:
    texts = [
        text
        for flow in (FLOW, RECOVERY)
        for name in flow.field_names()
        for text in (flow.field(name).prompt, flow.field(name).hint)
    ]
    texts += [a.message for a in FLOW.alerts] + [m.message for m in FLOW.milestones]
    assert texts and not [t for t in texts if ONE_PLURAL.search(t)]


def test_keeping_one_answer_on_file_says_one_answer() -> None:
    flow = Flow(
        id="one",
        version="1",
        title="One",
        sections=(
            Section("a", "A", (Field("name", Kind.TEXT, "Name?"),)),
            Section(
                "b",
                "B",
                (Field("eyes", Kind.CHOICE, "Eyes?", choices=(Choice("brown", "Brown"),)),),
                carry="episode",
            ),
        ),
        subject_field="name",
    )
    carried = {"eyes": Answer(Status.ANSWERED, "brown")}

    def learner(reply: Reply, answers: object) -> Context | None:
        return Context(carried=carried) if reply.changes else None

    interview = Interview(flow, learner=learner)
    interview.start(now=NOW)
    interview.handle("Ana", now=NOW)
    reply = interview.handle("keep_all", now=NOW)
    assert reply.notices == ("✓ Kept 1 answer.",)
    assert not [n for n in reply.notices if ONE_PLURAL.search(n)]
    assert ONE_PLURAL.search("✓ Kept 1 answers.")  # the check itself catches the old wording


def test_the_repeat_chain_puts_every_new_fact_in_the_report_and_carries_none_stale(
    tmp_path: Path,
) -> None:
    legs, problems = repeat_chain.run(tmp_path)
    first, recovery, second = legs
    assert not problems
    assert first.messages > second.messages > 0 and recovery.messages > 0
    assert second.asked.count("_prefill._look") == 1


def test_an_episode_fact_carried_without_being_asked_is_reported_stale() -> None:
    first = {"clothing": "Red hoodie"}
    assert repeat_chain.problems(first, {**first}, asked=[])[-1] == "stale: clothing = 'Red hoodie'"
    assert "stale: clothing = 'Red hoodie'" not in repeat_chain.problems(
        first, {**first}, asked=["clothing"]
    )
