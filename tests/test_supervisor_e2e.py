"""Two phones over real HTTP: a worker reports, the on-call supervisor is alerted and acknowledges.

``python -m bot run`` against the fake Bot API, with the supervisor added by the admin in
Telegram (``/staff add``) and a stranger refused.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.access import REFUSAL
from tests.fake_bot_api import FakeBotApi

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
WORKER = {"id": 111, "is_bot": False, "first_name": "Ana"}
SUPERVISOR = {"id": 301, "is_bot": False, "first_name": "Jo"}
STRANGER = {"id": 666, "is_bot": False, "first_name": "Eve"}


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    server = FakeBotApi()
    server.start()
    yield server
    server.stop()


def to(api: FakeBotApi, chat_id: int) -> list[dict[str, Any]]:
    return [p for p in api.sent() if int(p.get("chat_id", 0)) == chat_id]


def message(user: dict[str, Any], n: int, body: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "message_id": n,
        "date": int(time.time()),
        "chat": {"id": user["id"], "type": "private"},
        "from": user,
        "text": body,
    }
    if body.startswith("/"):
        payload["entities"] = [{"type": "bot_command", "offset": 0, "length": len(body.split()[0])}]
    return payload


def tap(user: dict[str, Any], n: int, data: str, text: str) -> dict[str, Any]:
    shown = {"message_id": 900 + n, "date": 0, "chat": {"id": user["id"], "type": "private"}}
    return {
        "id": f"q{n}",
        "from": user,
        "chat_instance": "c",
        "data": data,
        "message": {**shown, "text": text, "from": {"id": 999, "is_bot": True, "first_name": "I"}},
    }


def test_the_supervisor_is_alerted_acknowledges_and_a_stranger_is_refused(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "123:TEST",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api.port}/bot",
        "TELEGRAM_API_FILE_URL": f"http://127.0.0.1:{api.port}/file/bot",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'intake.db'}",
        "ADMIN_IDS": "111",
    }
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        api.wait_for(lambda calls: any(c[0] == "setMyCommands" for c in calls), timeout=20)
        n = 1
        api.queue("message", message(STRANGER, n, "/start"))
        api.wait_for(lambda _: bool(to(api, 666)))
        assert [p["text"] for p in to(api, 666)] == [REFUSAL]
        api.queue("message", message(WORKER, 2, "/staff add 301 --role supervisor --name Jo"))
        api.wait_for(lambda _: any("Saved: 301" in p["text"] for p in to(api, 111)))
        api.queue("message", message(WORKER, 3, "/start"))
        # Answer every question (first button, or "unknown") until the supervisor is alerted.
        for n in range(4, 120):
            if to(api, 301):
                break
            before = len(to(api, 111))
            api.wait_for(lambda _, b=before: len(to(api, 111)) >= b and bool(to(api, 111)))
            last = next(
                (p for p in reversed(to(api, 111)) if isinstance(p.get("reply_markup"), dict)),
                None,
            )
            if last is not None and last is to(api, 111)[-1]:
                label = last["reply_markup"]["inline_keyboard"][0][0]["text"]
                api.queue("message", message(WORKER, n, label.removeprefix("✓ ")))
            else:
                api.queue("message", message(WORKER, n, "unknown"))
            api.wait_for(lambda _, b=before: len(to(api, 111)) > b or bool(to(api, 301)))
        api.wait_for(lambda _: bool(to(api, 301)), timeout=10)
        assert "MISSING CHILD" in to(api, 301)[0]["text"]
        api.wait_for(lambda _: any("reply_markup" in p for p in to(api, 301)))
        alert = next(p for p in to(api, 301) if "reply_markup" in p)
        api.wait_for(lambda _: any("was alerted" in p["text"] for p in to(api, 111)))
        data = alert["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        api.queue("callback_query", tap(SUPERVISOR, 500, data, alert["text"]))
        api.wait_for(lambda _: any("acknowledged at" in p["text"] for p in to(api, 111)))
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            code = bot.wait(timeout=15)
        finally:
            bot.kill()
            _, err = bot.communicate()
    assert code == 0, err.decode()[-3000:]
    assert b"123:TEST" not in err
