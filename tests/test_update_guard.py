"""An update the library cannot parse is skipped and audited by id; the bot answers the rest.

Driven over real HTTP: PTB's own Updater long-polls the fake Bot API, and PTB's own webhook
handler takes a POST. A poll without ``persistent_id``/``allows_revoting`` (as an older Bot API
server sends it) must neither stop the bot nor put its contents in any log line.
"""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.service.intake import IntakeService
from bot.telegram import update_guard, webhook_guard
from bot.telegram.app import build_application
from storage import repository as repo
from storage import staff
from storage.staff import Role
from tests import test_canary, test_hostile_input
from tests.conftest import MINI_FLOW, NOW, ZONE
from tests.fake_bot_api import FakeBotApi

logs = test_canary.logs  # the fixtures, shared
webhook = test_hostile_input.webhook
ANA = {"id": 111, "is_bot": False, "first_name": "Ana"}
CANARY = "ZZCANARY-POLL-QUESTION-0e7d"
# A poll as a Bot API server older than 9.6 sends it: PTB 22 requires two fields it lacks.
OLD_POLL = {
    "id": "5",
    "question": CANARY,
    "options": [{"text": f"{CANARY}-option", "voter_count": 0}],
    "total_voter_count": 0,
    "is_closed": False,
    "is_anonymous": True,
    "type": "regular",
    "allows_multiple_answers": False,
}


App = Application[Any, Any, Any, Any, Any, Any]


def message(text: str) -> dict[str, Any]:
    return {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": ANA["id"], "type": "private"},
        "from": ANA,
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
    }


def audited(engine: Engine, event: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        query = "SELECT object_id, outcome, reason FROM audit_event WHERE event=:e ORDER BY id"
        return [tuple(r) for r in connection.execute(sql(query), {"e": event})]


@pytest.fixture
async def polling(
    engine: Engine,
) -> AsyncIterator[tuple[FakeBotApi, Application[Any, Any, Any, Any, Any, Any]]]:
    """The bot long-polling a fake Bot API over HTTP with PTB's default requests."""
    with repo.transaction(engine) as session:
        staff.put(session, telegram_id=ANA["id"], role=Role.STAFF, now=NOW)
    server = FakeBotApi()
    server.start()
    settings = Settings(
        _env_file=None,
        telegram_bot_token="123:TEST",
        telegram_api_base_url=f"http://127.0.0.1:{server.port}/bot",
        telegram_api_file_url=f"http://127.0.0.1:{server.port}/file/bot",
    )
    service = IntakeService(flow=MINI_FLOW, engine=engine, clock=lambda: NOW, zone=ZONE)
    app = build_application(settings, service=service, delivery_interval=None)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        yield server, app
        await app.updater.stop()
        await app.stop()
    server.stop()


async def replies(server: FakeBotApi, count: int) -> None:
    await asyncio.to_thread(
        server.wait_for, lambda calls: sum(c[0] == "sendMessage" for c in calls) >= count
    )


async def test_a_poll_ptb_cannot_parse_is_skipped_and_the_update_after_it_answered(
    polling: tuple[FakeBotApi, Any], engine: Engine, logs: io.StringIO
) -> None:
    server, _ = polling
    bad = server.queue("poll", OLD_POLL)
    server.queue("message", message("/start"))
    await replies(server, 1)
    assert "Report #1 started" in server.sent()[0]["text"]
    assert audited(engine, "update.unparsed") == [(str(bad), "skipped", "TypeError")]
    assert audited(engine, "auth.denied") == []  # not mistaken for a stranger
    assert CANARY not in logs.getvalue() and "update.unparsed update=" in logs.getvalue()


async def test_a_bad_update_last_in_its_batch_is_confirmed_and_never_fetched_again(
    polling: tuple[FakeBotApi, Any], engine: Engine, logs: io.StringIO
) -> None:
    server, _ = polling
    server.queue("message", message("/start"))
    bad = server.queue("poll", OLD_POLL)
    await replies(server, 1)
    await asyncio.sleep(0.3)  # a few more polls: a batch retried forever would show here
    server.queue("message", message("/new"))
    await replies(server, 2)
    assert audited(engine, "update.unparsed") == [(str(bad), "skipped", "TypeError")]
    assert all(u["update_id"] > bad for u in server.updates)
    assert CANARY not in logs.getvalue()


def test_a_batch_every_update_of_which_parses_is_passed_on_untouched() -> None:
    body = json.dumps({"ok": True, "result": [{"update_id": 3, "message": message("/start")}]})
    assert update_guard.screen_batch(body.encode()) == body.encode()
    mixed = {"ok": True, "result": [{"update_id": 4, "poll": OLD_POLL}, {"no": "id"}]}
    screened = json.loads(update_guard.screen_batch(json.dumps(mixed).encode()))
    assert screened["result"] == [{"update_id": 4, update_guard.MARKER: "TypeError"}]


async def test_a_webhook_post_ptb_cannot_parse_is_answered_200_as_a_stub_and_not_logged(
    webhook: tuple[str, asyncio.Queue[object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    url, queue = webhook
    headers = {"Content-Type": "application/json", webhook_guard.HEADER: test_hostile_input.SECRET}
    body = json.dumps({"update_id": 42, "poll": OLD_POLL}).encode()
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=body, headers=headers)
    assert response.status_code == 200  # a 400 would make Telegram send it again
    update = await asyncio.wait_for(queue.get(), 5)
    assert isinstance(update, Update) and update.update_id == 42
    assert update.api_kwargs == {update_guard.MARKER: "TypeError"}
    assert CANARY not in caplog.text
