"""Less in the chat: messages carrying identifying or special answers are deleted once stored,
and log lines are redacted and kept free of library chatter."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql

from bot import log_safety
from flows.missing_from_care import FLOW
from tests import test_telegram_app as tg

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"


@pytest.fixture
async def real(engine: Engine) -> AsyncIterator[tg.Chat]:
    async for harness in tg._chat(engine, FLOW):
        yield harness


def deleted(chat: tg.Chat) -> set[int]:
    return {int(p["message_id"]) for p in chat.api.sent("deleteMessage")}


async def test_an_identifying_answer_is_deleted_from_the_chat_and_a_command_is_not(
    real: tg.Chat,
) -> None:
    start = await real.send("/start")
    await real.send("none")  # the triage checklist (P3: it may name a trafficking victim)
    dob = await real.send("2011-03-07")  # P2: date of birth
    assert "date_of_birth" in real.answers()
    assert dob in deleted(real) and start not in deleted(real)


async def test_a_photo_message_is_deleted_once_stored(engine: Engine) -> None:
    async for chat in tg._chat(engine, tg.MINI_FLOW):
        await chat.send("/start")
        for text in (
            "no",
            "2011-03-07",
            "Ana",
            "black",
            "today 09:00",
            "today 10:00",
            "no",
            "skip",
        ):
            await chat.send(text)
        await chat.photo("p1")
        assert chat.count("photo") == 1
        assert chat.next_id + 10_000 - 1 in deleted(chat)  # the photo's message id


async def test_with_the_setting_off_nothing_is_deleted(real: tg.Chat) -> None:
    real.app.bot_data["runtime"].delete_sensitive = False
    await real.send("/start")
    await real.send("none")
    await real.send("2011-03-07")
    assert deleted(real) == set()


async def test_a_failed_deletion_is_audited_and_the_conversation_goes_on(real: tg.Chat) -> None:
    await real.send("/start")
    await real.send("none")
    failure = {"ok": False, "error_code": 400, "description": "Bad Request: can't be deleted"}
    real.api.fail = {"deleteMessage": [failure]}
    await real.send("2011-03-07")
    assert "date_of_birth" in real.answers()
    with real.engine.connect() as connection:
        rows = connection.execute(
            sql("SELECT outcome, reason FROM audit_event WHERE event='chat.delete_failed'")
        ).all()
    assert len(rows) == 1 and rows[0][0] == "failed" and "BadRequest" in rows[0][1]
    await real.send("Doe, Jane")
    assert len(real.answers()) == 3


def test_the_redaction_filter_masks_tokens_and_file_urls_in_messages_and_tracebacks() -> None:
    record = logging.LogRecord(
        "httpx",
        logging.WARNING,
        __file__,
        1,
        "GET %s failed",
        (f"https://x/bot{TOKEN}/getMe",),
        None,
    )
    try:
        raise RuntimeError(f"https://api.telegram.org/file/bot{TOKEN}/photos/file_1.jpg")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert log_safety.RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text and "photos/file_1.jpg" not in text
    assert "/bot[redacted]" in text and "/file/bot[redacted]" in text


def test_logging_set_up_redacts_and_keeps_libraries_at_warning() -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in log_safety.QUIET}
    stream = io.StringIO()
    try:
        log_safety.configure(logging.DEBUG, stream=stream)
        assert all(logging.getLogger(n).getEffectiveLevel() >= logging.WARNING for n in levels)
        logging.getLogger("httpx").info("GET /bot%s/getUpdates", TOKEN)
        logging.getLogger("bot.test").debug("token %s", TOKEN)
        output = stream.getvalue()
        assert "token [token]" in output and TOKEN not in output and "getUpdates" not in output
    finally:
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
