"""Two phones over real HTTP: a worker reports, the on-call supervisor is alerted and acknowledges.

``python -m bot run`` against the fake Bot API, with the supervisor added by the admin in
Telegram (``/staff add``) and a stranger refused.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.service.access import REFUSAL
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


# One deployment's key, shared by every process the test starts.
KEYS = f"t1:{base64.b64encode(os.urandom(32)).decode()}"
DERIVE = base64.b64encode(os.urandom(32)).decode()


def start_bot(api: FakeBotApi, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "123:TEST",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api.port}/bot",
        "TELEGRAM_API_FILE_URL": f"http://127.0.0.1:{api.port}/file/bot",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'intake.db'}",
        "ADMIN_IDS": "111",
        "ENCRYPTION_KEYS": KEYS,
        "ENCRYPTION_DERIVE_KEY": DERIVE,
    }
    before = len([c for c in api.calls if c[0] == "setMyCommands"])
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    api.wait_for(
        lambda calls: len([c for c in calls if c[0] == "setMyCommands"]) > before, timeout=20
    )
    return bot


def stop_bot(bot: subprocess.Popen[bytes]) -> tuple[int, bytes]:
    bot.send_signal(signal.SIGTERM)
    try:
        code = bot.wait(timeout=15)
    finally:
        bot.kill()
        _, err = bot.communicate()
    return code, err


def answer_until(api: FakeBotApi, done: Callable[[], bool], first: int) -> None:
    """Answers every question (first button's label, or "unknown") until ``done`` holds."""
    api.queue("message", message(WORKER, first, "/start"))
    for n in range(first + 1, first + 120):
        if done():
            return
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
        api.wait_for(lambda _, b=before: len(to(api, 111)) > b or done())
    api.wait_for(lambda _: done(), timeout=10)


def test_the_supervisor_is_alerted_acknowledges_and_a_stranger_is_refused(
    api: FakeBotApi, tmp_path: Path
) -> None:
    bot = start_bot(api, tmp_path)
    try:
        api.queue("message", message(STRANGER, 1, "/start"))
        api.wait_for(lambda _: bool(to(api, 666)))
        assert [p["text"] for p in to(api, 666)] == [REFUSAL]
        api.queue("message", message(WORKER, 2, "/staff add 301 --role supervisor --name Jo"))
        api.wait_for(lambda _: any("Saved: 301" in p["text"] for p in to(api, 111)))
        answer_until(api, lambda: bool(to(api, 301)), 3)
        assert "MISSING CHILD" in to(api, 301)[0]["text"]
        api.wait_for(lambda _: any("reply_markup" in p for p in to(api, 301)))
        alert = next(p for p in to(api, 301) if "reply_markup" in p)
        api.wait_for(lambda _: any("was alerted" in p["text"] for p in to(api, 111)))
        data = alert["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        api.queue("callback_query", tap(SUPERVISOR, 500, data, alert["text"]))
        api.wait_for(lambda _: any("acknowledged at" in p["text"] for p in to(api, 111)))
    finally:
        code, err = stop_bot(bot)
    assert code == 0, err.decode()[-3000:]
    assert b"123:TEST" not in err


class DroppingApi(FakeBotApi):
    """Drops the connection on every send to the supervisor while ``down`` is set."""

    down = True

    def __init__(self) -> None:
        super().__init__()
        self.server.handle_error = lambda *_: None  # type: ignore[method-assign]  # expected drops

    def call(self, method: str, params: dict[str, Any]) -> object:
        if self.down and method.startswith("send") and int(params.get("chat_id", 0)) == 301:
            with self.changed:
                self.calls.append((f"{method}!", params))
                self.changed.notify_all()
            raise ConnectionAbortedError("dropped")  # the client sees a network error
        return super().call(method, params)


def test_killing_the_bot_while_telegram_fails_loses_no_alert(tmp_path: Path) -> None:
    api = DroppingApi()
    api.start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'intake.db'}",
        "ENCRYPTION_KEYS": KEYS,
        "ENCRYPTION_DERIVE_KEY": DERIVE,
    }
    subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add", "301", "--role", "supervisor"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    try:
        bot = start_bot(api, tmp_path)
        try:
            answer_until(api, lambda: bool(api.sent("sendMessage!")), 1)
        finally:
            bot.kill()  # SIGKILL while the alert is failing
            bot.communicate()
        assert not to(api, 301)
        api.down = False
        bot = start_bot(api, tmp_path)
        try:
            api.wait_for(lambda _: any("MISSING CHILD" in p["text"] for p in to(api, 301)))
            api.wait_for(lambda _: any("was alerted" in p["text"] for p in to(api, 111)))
            time.sleep(2)  # two more passes of the sender: nothing is sent again
        finally:
            code, err = stop_bot(bot)
        assert code == 0, err.decode()[-3000:]
        alerts = [p for p in to(api, 301) if "MISSING CHILD" in p["text"].split("\n")[0]]
        assert len(alerts) == 1
    finally:
        api.stop()
