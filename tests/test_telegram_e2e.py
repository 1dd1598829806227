"""`python -m bot run` over real HTTP against a fake Bot API: poll, answer, tap, SIGTERM."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text as sql

from storage.repository import make_engine
from tests.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
ANA = {"id": 111, "is_bot": False, "first_name": "Ana"}
CHAT = {"id": 111, "type": "private"}


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    server = FakeBotApi()
    server.start()
    yield server
    server.stop()


def keyboards(api: FakeBotApi) -> list[dict[str, Any]]:
    return [p for p in api.sent() if isinstance(p.get("reply_markup"), dict)]


def step(api: FakeBotApi, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Queues one update and returns the next question the bot sends."""
    before = len(keyboards(api))
    api.queue(kind, payload)
    api.wait_for(lambda _: len(keyboards(api)) > before)
    return keyboards(api)[-1]


def text(message_id: int, body: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": CHAT,
        "from": ANA,
        "text": body,
    }
    if body.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(body)}]
    return message


def tap(question: dict[str, Any], n: int) -> dict[str, Any]:
    button = question["reply_markup"]["inline_keyboard"][0][0]
    message = {"message_id": 900 + n, "date": 0, "chat": CHAT, "text": question["text"]}
    return {
        "id": f"q{n}",
        "from": ANA,
        "chat_instance": "c",
        "data": button["callback_data"],
        "message": {**message, "from": {"id": 999, "is_bot": True, "first_name": "I"}},
    }


def test_the_bot_takes_a_short_report_over_http_and_stops_on_sigterm(
    api: FakeBotApi, tmp_path: Path, db_url: str
) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123:TEST",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api.port}/bot",
        "TELEGRAM_API_FILE_URL": f"http://127.0.0.1:{api.port}/file/bot",
        "DATABASE_URL": db_url,  # an empty database: the bot migrates it at start-up
        "LOG_LEVEL": "INFO",
        "ENCRYPTION_KEYS": f"t1:{base64.b64encode(os.urandom(32)).decode()}",
        "ENCRYPTION_DERIVE_KEY": base64.b64encode(os.urandom(32)).decode(),
        "ADMIN_IDS": "111",
    }
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        api.wait_for(lambda calls: any(c[0] == "setMyCommands" for c in calls), timeout=20)
        question = step(api, "message", text(1, "/start"))
        question = step(api, "message", text(2, "none of these"))  # the triage checklist
        for n in range(3):
            question = step(api, "callback_query", tap(question, n))
        for n in range(3):
            question = step(api, "message", text(10 + n, "unknown"))
        step(api, "message", text(20, "review"))
        assert api.sent("editMessageText") and api.sent("answerCallbackQuery")
        assert all(p["protect_content"] is True for p in api.sent())
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            code = bot.wait(timeout=10)
        finally:
            bot.kill()
            _, err = bot.communicate()
    assert code == 0, err.decode()
    assert b"123:TEST" not in err  # the token never reaches the logs
    engine = make_engine(db_url)
    with engine.connect() as db:
        assert db.execute(sql("SELECT count(*) FROM answer")).scalar_one() == 7
        values = [v for (v,) in db.execute(sql("SELECT value FROM answer WHERE value IS NOT NULL"))]
        assert values and all(v.startswith("enc1:") for v in values)  # sealed with the env key
        assert db.execute(sql("SELECT count(*) FROM processed_update")).scalar_one() == 9
    engine.dispose()
