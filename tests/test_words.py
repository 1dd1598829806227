"""Counted words read right: one of a thing, several things."""

from __future__ import annotations

from flows.words import plural


def test_one_of_a_thing_is_singular_and_more_are_plural() -> None:
    assert plural(1, "answer") == "1 answer"
    assert plural(0, "answer") == "0 answers"
    assert plural(12, "answer") == "12 answers"


def test_irregular_and_sibilant_nouns_take_their_own_plural() -> None:
    assert plural(2, "child") == "2 children"
    assert plural(3, "entry") == "3 entries"
    assert plural(2, "address") == "2 addresses"
    assert plural(1, "day") == "1 day"


def test_a_child_gone_one_day_is_not_gone_one_days() -> None:
    from flows.recovery import _found_text
    from flows.schema import Answer, Status

    seen = {"last_seen_at": Answer(Status.ANSWERED, "2026-11-27T06:00:00-05:00")}
    assert _found_text(seen, "2026-11-28T09:30:00-05:00").endswith("gone 1 day 3 h")
    assert _found_text(seen, "2026-11-29T10:30:00-05:00").endswith("gone 2 days 4 h")
