"""'Not yet' and 'none' are answers: a duty still due keeps its deadline; no phone is a list."""

from __future__ import annotations

import pytest

from benchmarks.cases.runaway import CASE
from benchmarks.scripted_worker import PHOTO, Worker
from flows.answer_checks import answer_value
from flows.answers import InvalidAnswer
from flows.engine import Interview, Reply
from flows.missing_from_care import FLOW
from flows.none_answers import is_list
from flows.report import Report
from flows.schema import Answer, Kind, Status
from flows.slots import Answers

NOW = CASE.now  # the case's own clock: its answers say "today 7:30pm"


def at(key: str) -> tuple[Interview, Reply]:
    """Returns an interview of the runaway case answered as its worker would, up to ``key``."""
    worker = Worker(CASE, FLOW)
    interview = Interview(FLOW)
    reply = interview.start(now=NOW)
    while reply.prompt is not None and reply.prompt.key != key:
        move = worker.move(reply.prompt)
        reply = interview.handle("skip" if move.how == PHOTO else move.text, now=NOW)
    assert reply.prompt is not None, f"{key} was never asked"
    return interview, reply


def asked(reply: Reply) -> str:
    assert reply.prompt is not None
    return reply.prompt.key


def open_item(report: Report, key: str) -> str:
    return next(item.status for item in report.open_items if item.key == key)


def step(report: Report, name: str) -> str:
    return next(s.state for s in report.checklist if s.name == name)


def test_the_police_question_offers_a_not_yet_tap() -> None:
    _, reply = at("le_agency")
    assert reply.prompt is not None
    assert [c.label for c in reply.prompt.choices] == ["Not yet", "Unknown", "Skip"]


def test_police_not_reported_yet_skips_the_officer_and_case_number_and_stays_due() -> None:
    interview, _ = at("le_agency")
    reply = interview.handle("not_yet", now=NOW)  # the tap
    assert "Police agency: not yet" in reply.notices[0] and "deadline" in reply.notices[0]
    # Nothing that needs the report made is asked: on to "did police decline or delay?".
    assert asked(reply) == "le_escalation"
    skipped = ("le_reported_at", "le_officer", "le_case_number", "nic_number")
    assert not any(key in interview.answers for key in skipped)
    report = interview.report(now=NOW)
    assert interview.answers["le_agency"] == Answer(Status.NOT_YET)
    assert step(report, "le_report") == "open"
    # Told at 7:30pm, so the 24-hour police report is due at 7:30pm tomorrow.
    assert open_item(report, "le_agency") == "not yet, due Tue Mar 3 19:30 EST (19 h 50 min left)"
    assert [i.key for i in report.open_items].count("le_report") == 0  # listed once


def test_the_police_report_made_later_brings_its_questions_back() -> None:
    interview, _ = at("le_agency")
    assert asked(interview.handle("not yet", now=NOW)) == "le_escalation"
    reply = interview.handle("edit le_agency", now=NOW)
    reply = interview.handle("Dayton Police Department, 937-555-0101", now=NOW)
    assert asked(reply) == "le_case_number"


def test_ncmec_not_reported_yet_skips_the_case_number_and_is_listed_once_with_its_deadline() -> (
    None
):
    interview, reply = at("ncmec_method")
    assert reply.prompt is not None and "Not yet" in [c.label for c in reply.prompt.choices]
    reply = interview.handle("Not yet", now=NOW)
    assert asked(reply) == "court_notified"
    report = interview.report(now=NOW)
    assert step(report, "ncmec_report") == "open"
    assert open_item(report, "ncmec_method").startswith("not yet, due Tue Mar 3 19:30 EST")
    assert "ncmec_report" not in [i.key for i in report.open_items]


def test_court_not_told_yet_with_a_note_keeps_the_court_step_open() -> None:
    interview, _ = at("court_notified")
    reply = interview.handle("Not yet; Juvenile Court by e-mail in the morning", now=NOW)
    assert reply.notices[0].startswith(
        "✓ Court notified: not yet (Juvenile Court by e-mail in the morning)."
    )
    report = interview.report(now=NOW)
    assert step(report, "notify_court") == "open"
    line = next(li for s in report.sections for li in s.lines if li.key == "court_notified")
    assert line.value == "Not yet — Juvenile Court by e-mail in the morning"


def test_not_yet_is_an_ordinary_answer_where_the_question_is_no_duty() -> None:
    interview, _ = at("recent_changes")
    reply = interview.handle("not yet", now=NOW)
    assert interview.answers["recent_changes"] == Answer(Status.ANSWERED, "not yet")
    assert reply.prompt is not None and "Not yet" not in [c.label for c in reply.prompt.choices]


def test_every_checklist_step_settled_by_an_answer_has_a_question_that_takes_not_yet() -> None:
    by_answer = {s.name for s in FLOW.checklist if s.done_field or s.done_when is not None}
    taking = {FLOW.field(n).not_yet for n in FLOW.field_names() if FLOW.field(n).not_yet}
    assert taking == by_answer  # and none names a step the flow does not have


def test_a_refused_nic_number_says_not_yet_and_skip_are_fine() -> None:
    interview, _ = at("nic_number")
    reply = interview.handle("12345", now=NOW)
    assert reply.error is not None and reply.error.endswith(
        "Or send 'not yet' if it isn't done yet or 'skip' to leave it."
    )


def test_a_refused_phone_list_says_none_is_fine() -> None:
    interview, _ = at("child_phones")
    reply = interview.handle("her mum has it", now=NOW)
    assert reply.error is not None and "'none' if there are none" in reply.error


LIST_FIELDS = [n for n in FLOW.field_names() if is_list(FLOW.field(n))]


def test_the_list_questions_are_the_phone_photo_email_and_checklist_ones() -> None:
    kinds = {FLOW.field(n).kind for n in LIST_FIELDS}
    assert kinds == {Kind.PHONE, Kind.PHOTO, Kind.EMAIL, Kind.MULTI_CHOICE}
    assert {"child_phones", "child_email", "items_taken", "marks"} <= set(LIST_FIELDS)


@pytest.mark.parametrize("name", LIST_FIELDS)
@pytest.mark.parametrize("text", ["none", "None.", "none known", "Nothing"])
def test_none_answers_every_list_question(name: str, text: str) -> None:
    field = FLOW.field(name)
    try:
        value = answer_value(FLOW, Answers(FLOW, {}, NOW), field, text)
    except InvalidAnswer as refused:
        pytest.fail(f"{name} refused {text!r}: {refused.message}")
    none_option = [c.value for c in field.choices if c.exclusive and not c.open_item]
    assert value in ([], "none", none_option[:1])
