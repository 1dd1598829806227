"""The progress line only goes down, unless an answer opens follow-ups, and then it says so."""

from __future__ import annotations

from itertools import pairwise

import pytest

from benchmarks.cases import Case, all_cases
from benchmarks.scripted_worker import PHOTO, Worker
from bot.terminal.views import render_reply
from flows.engine import Interview, Reply
from flows.missing_from_care import FLOW
from flows.replies import Progress, is_sentinel
from flows.schema import Flow
from tests.conftest import NOW, say


def progress_of(reply: Reply) -> Progress:
    assert reply.progress is not None
    return reply.progress


def answered(reply: Reply) -> int:
    """Returns how many questions the step settled for the first time."""
    return sum(1 for c in reply.changes if c.old is None and not is_sentinel(c.key))


def run(case: Case) -> list[Reply]:
    """Returns every reply of the case's interview, answered as its worker would, to submit."""
    worker, interview = Worker(case, FLOW), Interview(FLOW)
    replies = [interview.start(now=case.now)]
    while replies[-1].state != "submitted":
        prompt = replies[-1].prompt
        assert prompt is not None and len(replies) < 400
        move = worker.move(prompt)
        if move.how == PHOTO:
            replies.append(interview.add_photo(len(replies), now=case.now))
        else:
            replies.append(interview.handle(move.text, now=case.now))
    return replies


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_over_a_whole_report_the_estimate_grows_only_by_the_follow_ups_announced(
    case: Case,
) -> None:
    replies = run(case)
    grew = 0
    for before, after in pairwise(replies):
        was, now = progress_of(before), progress_of(after)
        assert now.left <= was.left - answered(after) + now.opened, after.prompt
        assert now.number >= was.number  # the worker never goes back here
        if now.left > was.left:
            grew += 1
            assert f"(+{now.opened} follow-up" in render_reply(after, numbered=True)
    assert progress_of(replies[-1]).left == 0
    assert grew > 0  # the cases do open follow-ups: the announcement is exercised


def test_the_first_question_says_which_section_of_how_many_and_how_many_are_left() -> None:
    reply = Interview(FLOW).start(now=NOW)
    progress = progress_of(reply)
    assert (progress.number, progress.section) == (1, "Triage")
    assert progress.left > 20 and progress.sections >= 10
    line = render_reply(reply, numbered=True).splitlines()[0]
    assert line == (
        f"[Triage · section 1 of {progress.sections} · about {progress.left} questions left]"
    )


def test_a_yes_that_opens_a_follow_up_says_plus_one_and_keeps_the_estimate(mini: Flow) -> None:
    interview = Interview(mini)
    before = say(interview, "no", "2011-03-07", "Ana Ruiz", "brown", "today 09:00", "today 10:00")
    reply = say(interview, "yes")  # medical condition: "which condition?" is opened
    assert progress_of(reply).opened == 1
    assert progress_of(reply).left == progress_of(before).left
    assert "(+1 follow-up)" in render_reply(reply, numbered=True)
    after = say(interview, "Type 1 diabetes")
    assert progress_of(after).opened == 0
    assert progress_of(after).left == progress_of(reply).left - 1
