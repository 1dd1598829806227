"""Strangers cannot grow the audit table: refusals are counted per sender and window, in the
database, so the once-per-ten-minutes reply also holds across a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.service.access import REFUSAL, Access
from storage import audit, denials
from storage import repository as repo
from storage.audit import AuditEvent
from tests.conftest import NOW
from tests.test_outbox import Clock, FaultyApi, _office

STRANGERS = [{"id": 7000 + n, "is_bot": False, "first_name": f"S{n}"} for n in range(3)]


def denied_rows(engine: Engine) -> int:
    with Session(engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.event == "auth.denied"))
        return len(list(rows))


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def test_a_flood_from_three_strangers_adds_three_audit_rows_and_a_chain_that_verifies(
    db_url: str, clock: Clock
) -> None:
    api = FaultyApi()
    async for office in _office(db_url, api, clock):
        chat, engine = office.chat, office.chat.engine
        for n in range(40):
            for stranger in STRANGERS:
                await chat.send(f"let me in {n}", user=stranger)
            clock.advance(seconds=10)  # 400 s in all: still inside the first window
        assert denied_rows(engine) == 3
        with Session(engine) as session:
            assert [w.count for w in denials.windows(session)] == [40, 40, 40]
            [window] = denials.windows(session, sender=STRANGERS[0]["id"])
            assert (window.first_at, window.last_at) == (NOW, NOW + timedelta(seconds=390))
            assert audit.verify(session).ok
        assert [p["text"] for p in api.sent()] == [REFUSAL] * 3


async def test_a_restart_does_not_tell_a_stranger_again_within_ten_minutes(
    db_url: str, clock: Clock
) -> None:
    api = FaultyApi()
    async for office in _office(db_url, api, clock):
        await office.chat.send("/start", user=STRANGERS[0])
    clock.advance(minutes=5)
    async for office in _office(db_url, api, clock):  # a new process: nothing kept in memory
        chat, engine = office.chat, office.chat.engine
        chat.next_id = 100
        await chat.send("/start", user=STRANGERS[0])
        assert len(api.sent()) == 1
        clock.advance(minutes=5)  # ten minutes after the first refusal: a new window
        await chat.send("/start", user=STRANGERS[0])
        assert [p["text"] for p in api.sent()] == [REFUSAL, REFUSAL]
        assert denied_rows(engine) == 2
        with Session(engine) as session:
            windows = denials.windows(session, sender=STRANGERS[0]["id"])
            assert [w.count for w in windows] == [2, 1]


def test_windows_count_first_and_last_and_old_ones_are_purged(engine: Engine) -> None:
    access = Access(engine, lambda: NOW)
    assert access.deny(None, update_type="other") is False  # no one to tell, counted under 0
    with repo.transaction(engine) as session:
        later = denials.count(session, sender=5, now=NOW, window=timedelta(minutes=10))
        again = denials.count(
            session, sender=5, now=NOW + timedelta(minutes=9), window=timedelta(minutes=10)
        )
        assert (later.opened, again.opened, again.count) == (True, False, 2)
    with repo.transaction(engine) as session:
        assert denials.purge(session, before=NOW + timedelta(minutes=1)) == 1  # the id-0 one
        [window] = denials.windows(session)
        assert (window.sender, window.count) == (5, 2)
    assert Access(engine, lambda: NOW + timedelta(days=8)).forget_old_denials() == 1
