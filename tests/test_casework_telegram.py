"""The day after on Telegram: hand a report over, the open cases, the summary, search efforts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.service.access import REFUSAL
from storage import repository as repo
from storage import staff
from storage.staff import Role
from tests.conftest import NOW
from tests.load_worker import KEYRING
from tests.test_outbox import (
    CALL_READY,
    FLOW_WITH_DEADLINE,
    REST,
    S1,
    Clock,
    FaultyApi,
    Office,
    _office,
    say,
    seed,
)
from tests.test_telegram_app import ANA, BO

EVE = {"id": 666, "is_bot": False, "first_name": "Eve"}


@pytest.fixture
def api() -> FaultyApi:
    return FaultyApi()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def office(db_url: str, api: FaultyApi, clock: Clock) -> AsyncIterator[Office]:
    seed(db_url)
    engine = repo.make_engine(db_url, keyring=KEYRING)
    with repo.transaction(engine) as session:
        staff.put(session, telegram_id=BO["id"], role=Role.STAFF, now=NOW, name="Bo K.")
    engine.dispose()
    async for harness in _office(db_url, api, clock, flow=FLOW_WITH_DEADLINE):
        yield harness


def buttons(message: dict[str, Any]) -> dict[str, str]:
    rows = message["reply_markup"]["inline_keyboard"]
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def last_to(office: Office, user: dict[str, Any]) -> dict[str, Any]:
    return next(p for p in reversed(office.api.sent()) if p["chat_id"] == user["id"])


async def test_a_report_handed_over_mid_question_is_continued_by_the_new_worker(
    office: Office,
) -> None:
    await say(office, "/start", "no", "2011-03-07")
    assert "Full name?" in office.api.texts(ANA["id"])[-1]
    await office.chat.send("/handover 1", user=S1)
    picker = last_to(office, S1)
    choices = buttons(picker)
    assert "Bo K." in choices and all(len(data.encode()) <= 64 for data in choices.values())
    await office.chat.tap("Bo K.", message=picker, user=S1)
    assert "Report #1 is now held by Bo K." in office.api.texts(S1["id"])[-1]
    await office.deliver()
    told = office.api.texts(BO["id"])[-1]
    assert "Report #1 is yours now, handed over by J. Smith (from Ana W.)" in told
    assert "Current question: Full name?" in told
    assert "handed over to Bo K. by J. Smith" in office.api.texts(ANA["id"])[-1]
    await office.chat.send("/resume", user=BO)
    assert "Report #1 resumed" in office.api.texts(BO["id"])[-1]
    await office.chat.send("Destiny", user=BO)
    assert "Hair colour of Destiny?" in office.api.texts(BO["id"])[-1]
    await office.chat.send("Ana", user=ANA)  # no longer hers: it starts a report of her own
    assert "Report #1" not in office.api.texts(ANA["id"])[-1]
    report = office.chat.service.report(1)
    assert report.subject == "Destiny"


async def test_a_stranger_or_a_plain_staff_member_is_refused_the_open_cases(
    office: Office,
) -> None:
    await say(office, *CALL_READY, *REST)
    await office.chat.send("/open", user=ANA)
    assert office.api.texts(ANA["id"])[-1] == "Not allowed."
    await office.chat.send("/open", user=EVE)
    assert office.api.texts(EVE["id"])[-1] == REFUSAL
    await office.chat.send("/open", user=S1)
    listing = office.api.texts(S1["id"])[-1]
    assert "#1 Ana — missing 3 h 0 min" in listing
    assert "Ana W. · NOT acknowledged · no effort logged" in listing
    assert ("authz.denied", "telegram:111", "open_cases") in office.audit()


async def test_the_submit_summary_fits_one_screen_and_the_full_report_comes_on_a_tap(
    office: Office,
) -> None:
    await say(office, *CALL_READY, *REST, "submit")
    await office.deliver()
    summary = next(p for p in office.api.sent() if "Submitted — report #1" in p["text"])
    assert summary["chat_id"] == S1["id"] and len(summary["text"].splitlines()) <= 15
    assert summary["text"].startswith("<b>📄 Submitted — report #1: Ana, 15</b>")
    assert "Next deadline: Report to law enforcement — 22 h 0 min left" in summary["text"]
    assert "On it: Ana W." in summary["text"]
    assert set(buttons(summary)) == {"Acknowledge", "Full report"}
    to_supervisor = [d for d in office.api.sent("sendDocument") if d["chat_id"] == S1["id"]]
    assert not to_supervisor  # the PDF waits for the tap
    await office.chat.tap("Full report", message=summary, user=BO)
    assert office.api.sent("answerCallbackQuery")[-1]["text"] == "Not allowed."
    await office.chat.tap("Full report", message=summary, user=S1)
    assert office.api.sent("sendDocument")[-1]["chat_id"] == S1["id"]
    assert any("POLICE READ-OUT" in t for t in office.api.texts(S1["id"]))
    assert ("report.viewed", "telegram:301", None) in office.audit()


async def test_search_efforts_are_logged_by_the_holder_and_asked_for_after_a_quiet_week(
    office: Office,
) -> None:
    await say(office, *CALL_READY, *REST, "submit")
    await office.chat.send("/effort 1 shelters not at Haven House")
    assert (
        "Logged for report #1: Sat Nov 28, 2026 12:00 EST — Checked shelters (Ana W.): not at"
        in (office.api.texts(ANA["id"])[-1])
    )
    await office.chat.send("/effort 1 flyer", user=BO)
    assert office.api.texts(BO["id"])[-1] == "Not allowed: that report is not yours."
    await office.chat.send("/effort")
    picker = last_to(office, ANA)
    await office.chat.tap("Checked hospitals", message=picker)
    assert "Checked hospitals (Ana W.)" in office.api.texts(ANA["id"])[-1]
    await office.chat.send("/report 1", user=S1)
    assert "Submitted — report #1" in office.api.texts(S1["id"])[-1]
    assert office.api.sent("sendDocument")[-1]["chat_id"] == S1["id"]
    office.clock.advance(days=7, minutes=1)
    await office.deliver()
    asked = "Report #1: no search effort logged since Sat Nov 28, 2026 12:00"
    assert any(asked in t for t in office.api.texts(ANA["id"]))
    office.clock.advance(hours=1)
    await office.deliver()
    reminders = [t for t in office.api.texts(ANA["id"]) if "no search effort logged" in t]
    assert len(reminders) == 1


async def test_a_supervisor_names_the_new_holder_by_id(office: Office) -> None:
    await say(office, "/start")
    await office.chat.send("/handover 1 222", user=S1)
    assert "Report #1 is now held by Bo K." in office.api.texts(S1["id"])[-1]
    await office.chat.send("/handover 1 111", user=ANA)
    assert office.api.texts(ANA["id"])[-1] == "Not allowed: that report is not yours."
