"""`python -m bot run` over real HTTP against a fake Bot API: poll, answer, tap, SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123:TEST",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api.port}/bot",
        "TELEGRAM_API_FILE_URL": f"http://127.0.0.1:{api.port}/file/bot",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'intake.db'}",
        "LOG_LEVEL": "INFO",
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
    with sqlite3.connect(tmp_path / "intake.db") as db:
        assert db.execute("SELECT count(*) FROM answer").fetchone()[0] == 6
        assert db.execute("SELECT count(*) FROM processed_update").fetchone()[0] == 8
