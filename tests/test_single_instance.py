"""AC-15: one polling instance per bot; a second one exits non-zero before it calls Telegram."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage import repository as repo
from storage.instance_lock import AlreadyRunning, single_instance
from tests.fake_bot_api import FakeBotApi

ROOT = Path(__file__).parent.parent
START = {
    "message_id": 1,
    "date": 0,
    "chat": {"id": 111, "type": "private"},
    "from": {"id": 111, "is_bot": False, "first_name": "Ana"},
    "text": "/start",
    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
}


def test_a_second_holder_is_refused_until_the_first_lets_go(db_url: str) -> None:
    first, second = repo.make_engine(db_url), repo.make_engine(db_url)
    try:
        with single_instance(first, "polling:123"):
            with pytest.raises(AlreadyRunning), single_instance(second, "polling:123"):
                pass
            with single_instance(second, "polling:456"):  # another bot may poll
                pass
        with single_instance(second, "polling:123"):
            pass
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.slow
def test_a_second_polling_bot_exits_before_calling_telegram(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    api = FakeBotApi()
    api.start()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "123:TEST",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api.port}/bot",
        "TELEGRAM_API_FILE_URL": f"http://127.0.0.1:{api.port}/file/bot",
        "DATABASE_URL": db_url,
        "LOG_LEVEL": "INFO",
        "ENCRYPTION_KEYS": f"t1:{base64.b64encode(os.urandom(32)).decode()}",
        "ENCRYPTION_DERIVE_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    command = [sys.executable, "-m", "bot", "run"]
    first = subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE)
    try:
        # deleteWebhook is the last call before polling starts (getUpdates is not recorded).
        api.wait_for(lambda calls: any(c[0] == "deleteWebhook" for c in calls), timeout=30)
        calls_before = len(api.calls)
        second = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, timeout=60, check=False
        )
        assert second.returncode == 3
        assert b"already polling" in second.stderr
        assert api.calls[calls_before:] == []  # not even getMe from the second
        api.queue("message", START)  # and the first one still answers
        api.wait_for(lambda calls: any(c[0] == "sendMessage" for c in calls), timeout=30)
    finally:
        first.send_signal(signal.SIGTERM)
        try:
            code = first.wait(timeout=15)
        finally:
            first.kill()
            first.communicate()
            api.stop()
    assert code == 0
