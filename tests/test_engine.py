"""The engine, as conversations: questions, follow-ups, commands and their effects."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from flows.engine import Context, Interview, Reply
from flows.schema import Answer, Flow, Status
from tests.conftest import NOW, asked, say, transcript

TRIAGE_OK = ("no", "2011-03-07")


def test_first_question_is_triage_and_state_moves_to_intake_after_it(mini: Flow) -> None:
    interview = Interview(mini)
    reply = interview.start(now=NOW)
    assert asked(reply) == "danger" and reply.state == "triage"
    reply = say(interview, *TRIAGE_OK)
    assert asked(reply) == "child_name" and reply.state == "intake"


def test_an_answer_is_confirmed_and_the_next_question_asked(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, *TRIAGE_OK, "Ana Maria Ruiz")
    assert "✓ Name: Ana Maria Ruiz" in reply.notices
    assert asked(reply) == "hair"
    assert reply.prompt is not None and reply.prompt.text == "Hair colour of Ana?"


def test_choices_carry_their_ncic_code_and_unknown_and_skip(mini: Flow) -> None:
    reply = say(Interview(mini), *TRIAGE_OK, "Ana Ruiz")
    assert reply.prompt is not None
    assert [c.value for c in reply.prompt.choices] == ["brown", "black", "unknown", "skip"]
    reply = say(Interview(mini), *TRIAGE_OK, "Ana Ruiz", "brown")
    assert "✓ Hair: Brown (BRO)" in reply.notices


def test_a_yes_in_triage_shows_the_call_911_alert_once_and_goes_on(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, "yes")
    assert reply.alerts == ("CALL 911 NOW",)
    assert asked(reply) == "dob"
    reply = say(interview, "2009-03-07")
    assert reply.alerts == ()


def test_a_child_under_13_raises_the_call_911_alert_from_the_date_of_birth(mini: Flow) -> None:
    reply = say(Interview(mini), "no", f"{NOW.year - 9}-01-01")
    assert reply.alerts == ("CALL 911 NOW",)


def test_the_milestone_is_announced_when_its_fields_are_settled(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, *TRIAGE_OK, "Ana Ruiz")
    assert "You can call the police now." not in reply.alerts
    reply = say(interview, "unknown")
    assert "You can call the police now." in reply.alerts


def test_medical_follow_up_is_asked_only_when_flagged(mini: Flow) -> None:
    base = (*TRIAGE_OK, "Ana Ruiz", "brown", "yesterday 23:30", "today 07:00")
    flagged = say(Interview(mini), *base, "yes")
    assert asked(flagged) == "medical_detail"
    not_flagged = say(Interview(mini), *base, "no")
    assert asked(not_flagged) == "nic"


def test_answering_no_after_yes_drops_the_follow_up_but_keeps_it_stored(mini: Flow) -> None:
    base = (*TRIAGE_OK, "Ana Ruiz", "brown", "yesterday 23:30", "today 07:00")
    interview = Interview(mini)
    say(interview, *base, "yes", "Type 1 diabetes")
    reply = say(interview, "edit medical", "no")
    assert interview.answers["medical_detail"].value == "Type 1 diabetes"
    report = interview.report(now=NOW)
    assert all("diabetes" not in line.value for s in report.sections for line in s.lines)
    assert asked(reply) == "nic"


def test_unknown_and_skip_settle_a_question_as_open_items(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, *TRIAGE_OK, "unknown")
    assert interview.answers["child_name"] == Answer(Status.UNKNOWN)
    assert "listed as an open item" in reply.notices[0]
    reply = say(interview, "/skip")
    assert interview.answers["hair"] == Answer(Status.SKIPPED)
    open_items = {item.key: item.status for item in interview.report(now=NOW).open_items}
    assert open_items["child_name"] == "unknown" and open_items["hair"] == "skipped"


def test_a_bad_answer_gets_one_specific_message_and_the_same_question(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, *TRIAGE_OK, "Ana", "purple")
    assert asked(reply) == "hair"
    assert reply.error is not None and "Brown" in reply.error
    assert "hair" not in interview.answers


def test_after_two_failures_the_worker_is_offered_unknown(mini: Flow) -> None:
    interview = Interview(mini)
    first = say(interview, *TRIAGE_OK, "Ana", "purple")
    assert first.error is not None and "tap Unknown" not in first.error
    second = say(interview, "green")
    assert second.error is not None and "tap Unknown" in second.error
    third = say(interview, "brown")
    assert third.error is None and interview.failures == 0


def test_a_time_before_the_last_sighting_is_refused_with_both_times_named(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, *TRIAGE_OK, "Ana", "brown", "today 09:00", "today 08:00")
    assert asked(reply) == "missed_at"
    assert reply.error is not None and "can't be before last seen" in reply.error


def test_a_pattern_rule_gives_its_own_message(mini: Flow) -> None:
    base = (*TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no")
    reply = say(Interview(mini), *base, "12345")
    # The question is optional, so the refusal says skipping it is fine (issue 14, item 5).
    assert reply.error == "A NIC is M and 9 digits.\nOr send 'skip' to leave it."
    reply = say(Interview(mini), *base, "M123456789")
    assert asked(reply) == "photo"


def test_back_revisits_the_previous_answer_and_returns_to_where_it_was(mini: Flow) -> None:
    interview = Interview(mini)
    say(interview, *TRIAGE_OK, "Ana Ruiz")
    reply = say(interview, "back")
    assert asked(reply) == "child_name"
    assert reply.prompt is not None and reply.prompt.current == "Ana Ruiz"
    reply = say(interview, "Ana María Ruiz")
    assert interview.answers["child_name"].value == "Ana María Ruiz"
    assert asked(reply) == "hair"


def test_back_twice_goes_two_questions_back_and_keep_leaves_it(mini: Flow) -> None:
    interview = Interview(mini)
    say(interview, *TRIAGE_OK, "Ana Ruiz")
    reply = say(interview, "back", "back")
    assert asked(reply) == "dob"
    reply = say(interview, "keep")
    assert asked(reply) == "hair" and interview.answers["dob"].value == "2011-03-07"


def test_back_at_the_first_question_says_so(mini: Flow) -> None:
    reply = say(Interview(mini), "back")
    assert reply.error == "This is the first question." and asked(reply) == "danger"


def test_edit_finds_a_question_by_name_label_or_review_number(mini: Flow) -> None:
    interview = Interview(mini)
    say(interview, *TRIAGE_OK, "Ana Ruiz", "brown")
    assert asked(say(interview, "edit hair")) == "hair"
    assert asked(say(interview, "keep", "edit Name")) == "child_name"
    assert asked(say(interview, "keep", "edit 2")) == "dob"
    reply = say(interview, "keep", "edit nonsense")
    assert reply.error is not None and "can't find" in reply.error


def test_a_photo_question_takes_several_photos_then_done(mini: Flow) -> None:
    interview = Interview(mini)
    say(interview, *TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip")
    assert interview.expects_photo(now=NOW)
    reply = interview.add_photo(7, now=NOW)
    assert asked(reply) == "photo" and "Photo 1 saved" in reply.notices[0]
    assert reply.prompt is not None and reply.prompt.choices[0].value == "done"
    interview.add_photo(8, now=NOW)
    interview.add_photo(8, now=NOW)  # the same photo twice counts once
    reply = say(interview, "done")
    assert interview.answers["photo"].value == [7, 8]
    assert asked(reply) == "with_someone"


def test_text_for_a_photo_question_asks_for_a_photo(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, *TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip")
    reply = say(interview, "a blue hoodie")
    assert reply.error is not None and "photo" in reply.error.lower()


def test_a_repeat_group_asks_each_item_then_add_another(mini: Flow) -> None:
    interview = Interview(mini)
    base = (*TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip", "skip")
    reply = say(interview, *base, "yes", "Jay", "312 555 0199")
    assert asked(reply) == "companions.0._more"
    reply = say(interview, "yes", "Kim")
    assert asked(reply) == "companions.1.companion_phone"
    assert reply.prompt is not None and reply.prompt.text.startswith("Companion 2")
    reply = say(interview, "skip", "no")
    assert reply.state == "review"
    assert interview.answers["companions.0.companion_phone"].value == ["+13125550199"]


def test_the_last_answer_leads_to_review_and_submit(mini: Flow) -> None:
    interview = Interview(mini)
    base = (*TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip", "skip")
    reply = say(interview, *base, "no")
    assert reply.state == "review" and reply.report is not None
    assert asked(reply) == "_submit"
    reply = say(interview, "submit")
    assert reply.state == "submitted" and reply.event == "submitted"


def test_submit_before_the_end_is_refused(mini: Flow) -> None:
    reply = say(Interview(mini), *TRIAGE_OK, "submit")
    assert reply.error is not None and reply.state == "intake"


def test_editing_in_review_goes_back_to_review_afterwards(mini: Flow) -> None:
    interview = Interview(mini)
    base = (*TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip", "skip", "no")
    say(interview, *base)
    reply = say(interview, "edit hair")
    assert reply.state == "intake" and asked(reply) == "hair"
    reply = say(interview, "black")
    assert reply.state == "review" and asked(reply) == "_submit"


def test_an_edit_that_opens_a_follow_up_asks_it_before_review(mini: Flow) -> None:
    interview = Interview(mini)
    base = (*TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip", "skip", "no")
    say(interview, *base)
    reply = say(interview, "edit medical", "yes")
    assert asked(reply) == "medical_detail" and reply.state == "intake"


def test_an_edit_after_submission_is_an_amendment(mini: Flow) -> None:
    interview = Interview(mini)
    base = (*TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip", "skip", "no")
    say(interview, *base, "submit")
    reply = say(interview, "edit hair", "black")
    assert reply.state == "submitted" and interview.answers["hair"].value == "black"
    assert "✓ Hair: Black (BLK)" in reply.notices


def test_cancel_asks_first_and_no_keeps_going(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, *TRIAGE_OK, "cancel")
    assert asked(reply) == "_cancel" and reply.state == "intake"
    reply = say(interview, "no")
    assert asked(reply) == "child_name" and "Not cancelled." in reply.notices
    reply = say(interview, "cancel", "yes")
    assert reply.state == "cancelled"
    assert say(interview, "Ana").error == "This report is closed."


def test_review_status_police_and_help_answer_without_changing_anything(mini: Flow) -> None:
    interview = Interview(mini)
    say(interview, *TRIAGE_OK, "Ana Ruiz")
    before = dict(interview.answers)
    for command, view in (("review", "review"), ("status", "status"), ("police", "police")):
        reply = say(interview, command)
        assert reply.view == view and reply.report is not None and asked(reply) == "hair"
    help_reply = say(interview, "/help")
    assert "unknown" in help_reply.notices[0] and asked(help_reply) == "hair"
    assert interview.answers == before and interview.changes == []


def test_an_unknown_slash_command_is_explained(mini: Flow) -> None:
    reply = say(Interview(mini), "/frobnicate")
    assert reply.error is not None and "don't know that command" in reply.error


def test_progress_names_the_section_and_counts_required_answers_left(mini: Flow) -> None:
    interview = Interview(mini)
    first = interview.start(now=NOW)
    assert first.progress is not None and first.progress.section == "Triage"
    after = say(interview, "no")
    assert after.progress is not None
    assert after.progress.remaining == first.progress.remaining - 1


def test_a_restored_interview_asks_the_same_question(mini: Flow) -> None:
    interview = Interview(mini)
    say(interview, *TRIAGE_OK, "Ana", "back")
    restored = Interview(
        mini, state=interview.state, answers=interview.answers, focus=interview.focus
    )
    assert asked(restored.resume(now=NOW + timedelta(hours=1))) == "child_name"


def test_the_transcript_reads_like_a_chat(mini: Flow) -> None:
    lines = transcript(Interview(mini), ["no", "2011-03-07", "Ana Ruiz"])
    assert lines[0] == "Is the child in immediate danger?"
    assert lines[-1].splitlines() == ["✓ Name: Ana Ruiz", "Hair colour of Ana?"]


def test_unknown_after_photos_keeps_the_photos(mini: Flow) -> None:
    interview = Interview(mini)
    say(interview, *TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip")
    interview.add_photo(7, now=NOW)
    reply = say(interview, "unknown")
    assert interview.answers["photo"].value == [7] and asked(reply) == "with_someone"


def test_none_is_an_answer_for_a_photo_question(mini: Flow) -> None:
    interview = Interview(mini)
    say(interview, *TRIAGE_OK, "Ana", "brown", "today 09:00", "today 10:00", "no", "skip")
    reply = say(interview, "none")
    assert interview.answers["photo"] == Answer(Status.ANSWERED, [])
    assert "✓ Photo: none" in reply.notices
    assert all(item.key != "photo" for item in interview.report(now=NOW).open_items)


def test_a_reply_carries_the_answers_it_wrote_and_the_report_it_built(mini: Flow) -> None:
    interview = Interview(mini)
    reply = say(interview, *TRIAGE_OK, "Ana Ruiz")
    assert [change.key for change in reply.changes] == ["child_name"]
    reply = interview.handle("review", now=NOW)
    assert reply.changes == () and reply.report is not None
    assert reply.report is interview.report(now=NOW)  # built once for the step, not again


def test_what_the_service_learns_from_an_answer_joins_the_same_reply(mini: Flow) -> None:
    seen: list[tuple[str, ...]] = []

    def learn(reply: Reply, answers: Mapping[str, Answer]) -> Context | None:
        seen.append(tuple(change.key for change in reply.changes))
        if "child_name" not in answers:
            return None
        stored = {"child_name": Answer(Status.ANSWERED, "Ana Maria Ruiz")}
        return Context(stored=stored, notices=("This child was reported missing before.",))

    interview = Interview(mini, learner=learn)
    reply = say(interview, *TRIAGE_OK, "Ana Ruiz")
    assert seen[-1] == ("child_name",)
    assert reply.notices[-1] == "This child was reported missing before."
    assert reply.changes[0].new == Answer(Status.ANSWERED, "Ana Maria Ruiz")
    assert interview.answers["child_name"].value == "Ana Maria Ruiz"
