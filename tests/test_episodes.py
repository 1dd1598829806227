"""Every episode is a new report: known children, carried answers, recovery and long-term cases."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.render.report_pdf import render_pdf
from bot.service.episodes import Episodes
from bot.service.intake import IntakeService
from flows.conditions import Answered
from flows.engine import Context, Interview, Reply
from flows.missing_from_care import FLOW
from flows.prefill import carried_answers
from flows.report import render_text
from flows.schema import Answer, Choice, Field, Flow, Kind, Section, Status
from storage import repository as repo
from storage.children import Child, ChildKey
from tests.conftest import NOW
from tests.episode_driver import (
    FIXED,
    START,
    YES,
    Clock,
    Run,
    answer,
    converse,
    service_for,
    two_episodes,
)

EP_FLOW = Flow(
    id="episodes",
    version="1",
    title="Mini",
    sections=(
        Section("triage", "Triage", (Field("danger", Kind.YES_NO, "Danger?"),)),
        Section(
            "child",
            "The child",
            (
                Field("child_name", Kind.TEXT, "Name?", label="Name"),
                Field(
                    "eyes",
                    Kind.CHOICE,
                    "Eyes?",
                    label="Eyes",
                    choices=(Choice("brown", "Brown"), Choice("blue", "Blue")),
                ),
                Field("clothing", Kind.TEXT, "Clothing?", label="Clothing", carry=False),
                Field("photo", Kind.PHOTO, "Photo?", label="Photo", dated_by="photo_date"),
                Field(
                    "photo_date",
                    Kind.DATE,
                    "When was it taken?",
                    label="Photo date",
                    relevant=Answered("photo"),
                ),
            ),
            carry="episode",
        ),
    ),
    subject_field="child_name",
)
CARRIED = {
    "eyes": Answer(Status.ANSWERED, "brown"),
    "photo": Answer(Status.ANSWERED, [7]),
    "photo_date": Answer(Status.ANSWERED, "2025-09-20"),
}


def known_child() -> Interview:
    """Returns an interview of a child the service has just recognised by name."""

    offered: list[str] = []

    def learner(reply: Reply, answers: Mapping[str, Answer]) -> Context | None:
        # As the service does: the child is recognised once the name is in, in that step.
        if "child_name" not in answers or offered:
            return None
        offered.append("child_name")
        return Context(carried=CARRIED)

    interview = Interview(EP_FLOW, learner=learner)
    interview.start(now=NOW)
    interview.handle("no", now=NOW)
    interview.handle("Ana Ruiz", now=NOW)
    return interview


# -- one look at what is on file (pure engine) -----------------------------------------------


def test_a_known_child_sees_what_is_on_file_in_one_look_with_the_photo_age() -> None:
    prompt = known_child().resume(now=NOW).prompt
    assert prompt is not None and prompt.key == "_prefill._look"
    assert "The child\n• Eyes: Brown" in prompt.text
    assert "(photo from Sep 20, 2025, 14 months ago — I'll ask again)" in prompt.text
    assert "Clothing" not in prompt.text  # an episode fact is never offered
    assert [c.label for c in prompt.choices] == ["All still true", "Change…"]


def test_all_still_true_keeps_what_is_on_file_and_asks_an_old_photo_again() -> None:
    interview = known_child()
    reply = interview.handle("keep_all", now=NOW)
    kept = {c.key: c.source for c in interview.changes if c.source}
    assert kept == {"eyes": "prefill"}
    assert reply.prompt is not None and reply.prompt.key == "clothing"
    assert reply.notices == ("✓ Kept 1 answer. 2 old answers to give again (older than 6 months).",)
    interview.handle("Grey hoodie", now=NOW)
    assert interview.current_key(now=NOW) == "photo"


def test_change_offers_the_sections_then_the_answers_and_asks_only_the_ticked_ones() -> None:
    interview = known_child()
    reply = interview.handle("change_some", now=NOW)
    assert reply.prompt is not None and reply.prompt.key == "_prefill._pick"
    assert [c.label for c in reply.prompt.choices] == ["The child", "Nothing else changed"]
    reply = interview.handle("child", now=NOW)
    assert reply.prompt is not None and reply.prompt.key == "_prefill._tick.child"
    assert [c.value for c in reply.prompt.choices][:1] == ["eyes"]
    reply = interview.handle("eyes", now=NOW)
    assert reply.prompt is not None and reply.prompt.key == "eyes"
    assert reply.prompt.current.startswith("Brown") and reply.prompt.choices[0].label == "Keep"
    reply = interview.handle("blue", now=NOW)  # changed
    assert interview.answers["eyes"].value == "blue" and interview.changes[0].source == ""
    assert reply.prompt is not None and reply.prompt.key == "clothing"
    assert reply.prompt.current == "" and "keep" not in [c.value for c in reply.prompt.choices]


def test_keep_on_a_ticked_question_takes_the_old_answer() -> None:
    interview = known_child()
    for text in ("change", "child", "eyes"):
        interview.handle(text, now=NOW)
    reply = interview.handle("keep", now=NOW)
    assert interview.answers["eyes"] == CARRIED["eyes"]
    assert interview.changes[-1].source == "prefill"
    assert reply.prompt is not None and reply.prompt.key == "clothing"


def test_an_unclear_reply_to_the_look_says_what_to_tap() -> None:
    reply = known_child().handle("maybe", now=NOW)
    assert reply.error == "Tap All still true or Change…"


def test_episode_facts_are_never_carried_from_the_last_report() -> None:
    previous = {
        name: Answer(Status.ANSWERED, "x")
        for name in (
            "last_seen_at",
            "clothing",
            "le_case_number",
            "nic_number",
            "ncmec_case_number",
            "height",
            "weight",
            "what_happened",
            "missing_type",
            "eyes",
            "agency_case_number",
        )
    }
    carried = carried_answers(FLOW, previous, now=NOW)
    # Height and weight are description: carried, and shown in the look at what is on file.
    # The NCMEC number is offered with a Keep button (NCMEC keeps the case), never kept untapped.
    assert set(carried) == {"eyes", "agency_case_number", "height", "weight", "ncmec_case_number"}


# -- known children through the service, on the real flow ------------------------------------


@dataclass
class Story:
    """Three episodes of one child, each recovered, on one database."""

    service: IntakeService
    clock: Clock
    first: Run
    recovery: Run
    second: Run
    third: Run


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    clock = Clock()
    folder = tmp_path_factory.mktemp("episodes")
    service = service_for(f"sqlite:///{folder / 'episodes.db'}", clock)
    first, recovery, second = two_episodes(service, clock)
    clock.now += timedelta(days=1)
    converse(service, "w1", service.found("w1"), 2)
    clock.now += timedelta(days=20)
    third = converse(service, "w1", service.start("w1", new=True), 3)
    yield Story(service, clock, first, recovery, second, third)
    service.engine.dispose()


def answers_of(service: IntakeService, report_id: int) -> dict[str, object]:
    with Session(service.engine) as session:
        stored = repo.load_answers(session, report_id=report_id)
    return {key: value for key, (status, value) in stored.items() if status == "answered"}


def test_a_known_child_is_asked_tonights_facts_and_numbers_first_then_one_look_at_the_file(
    story: Story,
) -> None:
    asked = story.second.asked
    look = asked.index("_prefill._look")
    assert asked[:look] == [
        "triage",
        "date_of_birth",
        "child_name",
        "last_seen_at",
        "last_seen_place",
        "clothing",
        "had_companions",
        "missing_type",
        "cautions",
        "ncmec_case_number",
        "le_case_number",
    ]
    assert [k for k in asked if k.startswith("_prefill.")] == ["_prefill._look"]
    assert not any(k.startswith("_prefill.") for k in story.first.asked)


def test_the_second_episode_keeps_stable_facts_and_asks_the_episode_afresh(story: Story) -> None:
    asked = set(story.second.asked)
    assert {"last_seen_at", "clothing", "le_case_number", "nic_number"} <= asked
    assert {"ncmec_case_number", "what_happened", "missing_type"} <= asked
    assert not {"sex", "eyes", "height", "photo", "guardian_name", "medication_details"} & asked
    second = answers_of(story.service, story.second.report_id)
    first = answers_of(story.service, story.first.report_id)
    assert second["guardian_name"] == first["guardian_name"]
    # The kept photo is the new report's own copy: the old report may be deleted one day.
    assert second["photo"] != first["photo"]
    assert story.service.photos(story.second.report_id) == story.service.photos(
        story.first.report_id
    )
    assert second["le_case_number"] == "DPD-26-00002" != first["le_case_number"]
    assert second["ncmec_case_number"] == "NCMEC-0000002"
    with Session(story.service.engine) as session:
        sources = {c.key: c.source for c in repo.history(session, report_id=story.second.report_id)}
    assert sources["eyes"] == "prefill" and sources["le_case_number"] == "answer"


def test_the_second_episode_needs_far_fewer_messages(story: Story) -> None:
    assert story.second.messages < 0.6 * story.first.messages


def test_the_previous_recovery_is_in_the_new_report(story: Story) -> None:
    second = answers_of(story.service, story.second.report_id)
    assert second["missing_before"] == "yes" and second["prior_episode_count"] == 1
    assert second["last_episode_where"] == "Motel 6 on Wagner Ford Rd"
    assert second["last_episode_with"] == "An adult man, about 22, called Tre"
    assert str(second["last_episode_found"]).startswith("found ")
    assert "gone 2 days 3 h" in str(second["last_episode_found"])
    assert second["prior_case_numbers"] == "police DPD-26-00001; NCMEC NCMEC-0000001"
    assert "last_episode_where" not in story.second.asked  # confirmed with one tap


def test_a_third_episode_raises_the_exploitation_flag_with_its_reason(story: Story) -> None:
    flags = {f.name: f for f in story.service.report(story.third.report_id).flags}
    assert "repeat_runaway" in flags
    reasons = flags["repeat_runaway"].reasons
    assert any(r.startswith("3rd missing episode since Mar 2, 2026") for r in reasons)
    assert "repeat_runaway" not in {
        f.name for f in story.service.report(story.first.report_id).flags
    }


def test_the_child_table_holds_only_keyed_digests(story: Story) -> None:
    with Session(story.service.engine) as session:
        children = session.exec(select(Child)).all()
        keys = session.exec(select(ChildKey)).all()
        reports = {r.child_id for r in repo.list_reports(session)}
    assert len(children) == 1 and reports == {children[0].id}
    assert len(keys) == 2
    for key in keys:
        assert len(key.digest) == 64 and int(key.digest, 16) >= 0
        for plain in ("alvarez", "destiny", "2011", "cw-2024", "0117"):
            assert plain not in key.digest.lower()


def test_a_different_child_is_not_matched(tmp_path: Path) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'a.db'}", clock)
    converse(service, "w1", service.start("w1", new=True), 1)
    other = {"child_name": "Baker, Liam", "agency_case_number": "CW-2025-0999"}
    run = converse(service, "w1", service.start("w1", new=True), 1, overrides=other)
    assert not any(k.startswith("_prefill.") for k in run.asked)
    twin = {
        "child_name": "Alvarez, Destiny Marie",
        "date_of_birth": "2012-04-02",
        "agency_case_number": "CW-2025-0555",
    }
    run = converse(service, "w1", service.start("w1", new=True), 1, overrides=twin)
    assert not any(k.startswith("_prefill.") for k in run.asked)  # same name, other birthday
    with Session(service.engine) as session:
        assert len(session.exec(select(Child)).all()) == 3
    service.engine.dispose()


def test_the_case_number_alone_finds_the_child_written_differently(tmp_path: Path) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'b.db'}", clock)
    converse(service, "w1", service.start("w1", new=True), 1)
    renamed = {"child_name": "Destiny Alvarez-Ruiz", "agency_case_number": "cw 2024 0117"}
    run = converse(service, "w1", service.start("w1", new=True), 2, overrides=renamed)
    # Known only once the case number is in: the description was asked, the rest is on file.
    assert "sex" in run.asked and "_prefill._look" in run.asked
    assert "guardian_name" not in run.asked
    service.engine.dispose()


def test_correcting_the_case_number_by_editing_the_message_finds_the_known_child(
    tmp_path: Path,
) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'e.db'}", clock)
    converse(service, "w1", service.start("w1", new=True), 1)
    clock.now += timedelta(days=2)
    typo = {"child_name": "Alvarez, Destinee", "agency_case_number": "CW-2024-0171"}
    outcome, message_id, sent = service.start("w1", new=True), 100, {}
    while "agency_case_number" not in sent:  # the worker types the case number wrong
        prompt = outcome.reply.prompt
        assert prompt is not None and not prompt.key.startswith("_prefill.")
        message_id += 1
        sent[prompt.key] = message_id
        text = answer(prompt, 2, overrides=typo)
        outcome = service.handle_text("w1", text, message_id=message_id)

    fixed = service.edit_answer("w1", sent["agency_case_number"], FIXED["agency_case_number"])

    assert any("reported missing before" in n for n in fixed.reply.notices)
    # Tonight's facts not yet asked come first; the look at what is on file follows them.
    assert fixed.reply.prompt is not None and fixed.reply.prompt.key in FLOW.episode_first
    with Session(service.engine) as session:
        assert len(session.exec(select(Child)).all()) == 1  # the typo's record was folded in
    service.engine.dispose()


def test_two_workers_naming_the_same_new_child_at_once_make_one_child(engine: Engine) -> None:
    episodes = Episodes(flow=FLOW, match_key=b"m" * 32, long_term_days=30)
    with repo.transaction(engine) as session:
        rows = [
            repo.add_report(
                session, worker=w, flow_id=FLOW.id, flow_version="1", state="asking", now=NOW
            )
            for w in ("w1", "w2")
        ]
    first, second = (row.id or 0 for row in rows)
    answers = {"agency_case_number": Answer(Status.ANSWERED, "CW-2026-0042")}
    changed = {"agency_case_number"}
    linked, outcome = threading.Event(), {}

    def other_worker() -> None:
        linked.wait(10)
        try:
            with repo.transaction(engine) as session:
                row = repo.get_report(session, report_id=second, lock=True)
                assert row is not None
                known = episodes.identify(session, row, answers, changed=changed, now=NOW)
                outcome["known"] = known
        except Exception as error:  # the test reports it below
            outcome["error"] = error

    thread = threading.Thread(target=other_worker)
    thread.start()
    with repo.transaction(engine) as session:
        row = repo.get_report(session, report_id=first, lock=True)
        assert row is not None
        assert not episodes.identify(session, row, answers, changed=changed, now=NOW)  # new
        linked.set()
        time.sleep(0.5)  # the other worker's step runs into this one, not yet committed
    thread.join(10)

    assert outcome == {"known": True}  # no duplicate key: it waited, then found the child
    with Session(engine) as session:
        assert len(session.exec(select(Child)).all()) == 1


# -- recovery ------------------------------------------------------------------------------


def test_found_runs_the_recovery_flow_closes_the_episode_and_schedules_its_duties(
    tmp_path: Path,
) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'r.db'}", clock)
    first = converse(service, "w1", service.start("w1", new=True), 1)
    clock.now += timedelta(days=2)
    recovery = converse(service, "w1", service.found("w1"), 1)
    assert recovery.asked[:4] == ["found_at", "found_where", "found_by", "found_with"]
    assert "told" in recovery.asked and {"debrief_at", "screening_at"} <= set(recovery.asked)
    assert service.report(first.report_id).state == "recovered"
    assert recovery.last is not None
    (notice,) = recovery.last.notifications
    assert notice.kind == "recovery" and notice.report_id == first.report_id
    assert "Debrief with the child due" in notice.text and "Alvarez" not in notice.text
    record = service.report(recovery.report_id)  # what Telegram renders on submit
    assert render_pdf(record, now=clock.now).startswith(b"%PDF")
    assert "Where found" in render_text(record, now=clock.now)

    found_at = clock.now - timedelta(hours=3)
    due = {d.kind: d for d in service.due_items()}
    # Police were told (they clear the NCIC entry); NCMEC was not, so its case stays open.
    assert set(due) == {"debrief", "screening", "ncmec_close"}
    assert due["debrief"].report_id == first.report_id
    assert due["debrief"].due_at == found_at + timedelta(hours=24)
    open_items = {i.key: i for i in service.report(first.report_id).open_items}
    assert open_items["debrief"].section == "Recovery"

    # The debrief is held the next morning: amending the recovery record settles that duty.
    clock.now += timedelta(hours=12)
    service.handle_text("w1", "edit debrief")
    service.handle_text("w1", "2 hours ago")
    assert {d.kind for d in service.due_items()} == {"screening", "ncmec_close"}
    assert "debrief" not in {i.key for i in service.report(first.report_id).open_items}
    service.engine.dispose()


def test_found_on_a_cancelled_report_changes_nothing(tmp_path: Path) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'c.db'}", clock)
    start = service.start("w1", new=True)
    service.handle_text("w1", "cancel")
    service.handle_text("w1", "yes")
    outcome = service.found("w1", start.report_id)
    assert outcome.reply.error == f"Report #{start.report_id} is cancelled: nothing to recover."
    assert service.found("w2", start.report_id).reply.error == "No such report of yours."
    service.engine.dispose()


# -- long-term -----------------------------------------------------------------------------


def test_the_long_term_checklist_opens_after_the_configured_days(tmp_path: Path) -> None:
    clock = Clock()
    service = service_for(f"sqlite:///{tmp_path / 'l.db'}", clock)
    first = converse(service, "w1", service.start("w1", new=True), 1, YES)
    checklist = "Long-term checklist"

    clock.now += timedelta(days=29)
    assert checklist not in {i.section for i in service.report(first.report_id).open_items}
    assert service.long_term_due() == []

    clock.now += timedelta(days=2)
    owed = [i for i in service.report(first.report_id).open_items if i.section == checklist]
    assert [i.key for i in owed] == [
        "medical_records_given",
        "dental_records_given",
        "fingerprints_given",
        "dna_reference_given",
        "ncmec_forensic_services",
    ]
    # The records police need for the 30-day update are asked now, not the first night.
    records = [i.key for i in service.report(first.report_id).open_items if i.long_term]
    assert {"medical_records_available", "fingerprints_on_file"} <= set(records)
    assert len(records) == 9
    (due,) = service.long_term_due()
    assert due.report_id == first.report_id and due.kind == "long_term"
    notified = (START - timedelta(hours=4)).astimezone(UTC) + timedelta(days=30)  # "4 hours ago"
    assert due.due_at == notified and due.label == "Long-term checklist: 9 items open"
    service.handle_text("w1", "edit medical records given")
    service.handle_text("w1", "given")
    left = [i.key for i in service.report(first.report_id).open_items if i.section == checklist]
    assert "medical_records_given" not in left and len(left) == 4
    service.engine.dispose()


def test_long_term_days_is_a_setting(tmp_path: Path) -> None:
    engine = repo.make_engine(f"sqlite:///{tmp_path / 's.db'}")
    repo.create_tables(engine)
    clock = Clock()
    service = IntakeService(
        flow=FLOW, engine=engine, clock=clock, zone=NOW.tzinfo, match_key=b"k", long_term_days=7
    )
    first = converse(service, "w1", service.start("w1", new=True), 1)
    clock.now += timedelta(days=8)
    assert [d.report_id for d in service.long_term_due()] == [first.report_id]
    engine.dispose()


def test_a_recovered_report_is_closed_to_answers() -> None:
    interview = Interview(EP_FLOW)
    interview.start(now=NOW)
    assert interview.recover(now=NOW) and interview.state == "recovered"
    assert interview.handle("yes", now=NOW).error == "This report is closed."
    assert not interview.recover(now=NOW)  # only once
    cancelled = Interview(EP_FLOW, state="cancelled")
    assert not cancelled.recover(now=NOW) and cancelled.state == "cancelled"
