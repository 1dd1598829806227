"""Hostile input over the Telegram adapter: inert markup, odd text, forged taps, wrong media,
groups and channels, and a webhook that refuses requests without the secret."""

from __future__ import annotations

import asyncio
import io
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import tornado.httpserver
from pydantic import ValidationError
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy import text as sql
from telegram import Bot
from telegram.ext._utils.webhookhandler import WebhookAppClass

from bot.config import Settings
from bot.telegram import webhook_guard
from tests import test_telegram_app as tg
from tests.conftest import MINI_FLOW

INJECTION = '<b>Ana</b> & <a href="tg://user?id=1">x</a></code> *_[]()~`>#+-=|{}.!'


@pytest.fixture
async def chat(engine: Engine) -> AsyncIterator[tg.Chat]:
    async for harness in tg._chat(engine, MINI_FLOW):
        yield harness


def rejected(chat: tg.Chat) -> list[tuple[object, ...]]:
    with chat.engine.connect() as connection:
        query = "SELECT reason FROM audit_event WHERE event='input.rejected' ORDER BY id"
        return [tuple(r) for r in connection.execute(sql(query))]


async def to_name(chat: tg.Chat) -> None:
    await chat.send("/start")
    await chat.tap("No")
    await chat.send("2011-03-07")


async def test_markup_in_an_answer_stays_literal_in_every_message_and_the_pdf(
    chat: tg.Chat,
) -> None:
    await to_name(chat)
    await chat.send(INJECTION)
    await chat.tap("Black")
    for text in ("today 09:00", "today 10:00"):
        await chat.send(text)
    await chat.tap("No")
    await chat.tap("Skip")
    await chat.photo("p1")
    await chat.tap("Done")
    await chat.tap("No")
    await chat.tap("Submit report")
    assert chat.answers()["child_name"] == INJECTION
    texts = [str(p.get("text", "")) for p in chat.api.sent()]
    assert any("&lt;b&gt;Ana&lt;/b&gt; &amp; &lt;a href=" in t for t in texts)
    assert not any("<a " in t or "<b>Ana" in t for t in texts)
    document = chat.api.sent("sendDocument")[0]
    (_name, content, _mime) = next(iter(document["_files"].values()))
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "<b>Ana</b>" in pdf_text.replace("\n", "")


async def test_overlong_text_is_refused_with_the_rule_and_nothing_is_stored(
    chat: tg.Chat,
) -> None:
    await to_name(chat)
    await chat.send("x" * 5000)
    assert "5,000 characters; the limit here is 100" in chat.last_text()
    assert "child_name" not in chat.answers()
    assert all(len(str(p.get("text", ""))) <= 4096 for p in chat.api.sent())


async def test_emoji_and_right_to_left_names_are_kept_exactly(chat: tg.Chat) -> None:
    await to_name(chat)
    name = "שירה 🏳️‍🌈 Zoë"
    await chat.send(name)
    assert chat.answers()["child_name"] == name


async def test_a_hidden_direction_override_is_refused_and_nothing_is_stored(
    chat: tg.Chat,
) -> None:
    await to_name(chat)
    await chat.send("Ana \u202egpj.exe")
    assert "invisible control characters" in chat.last_text()
    assert "child_name" not in chat.answers()


@pytest.mark.parametrize(
    "data",
    ["\x00\xff random bytes", "c:1:1:0" + "9" * 60, "c:2:1:0", "e:1:99:0", "c:1:1:-1"],
)
async def test_forged_callback_data_is_refused_audited_and_changes_nothing(
    chat: tg.Chat, data: str
) -> None:
    await chat.send("/start")
    before = chat.answers(), chat.count("answer_change")
    await chat.tap("", data=data)
    assert "expired" in chat.api.sent("answerCallbackQuery")[-1]["text"]
    assert (chat.answers(), chat.count("answer_change")) == before
    assert rejected(chat)


@pytest.mark.parametrize(
    "media",
    [
        {"voice": {"file_id": "v", "file_unique_id": "vu", "duration": 1}},
        {"location": {"latitude": 39.75, "longitude": -84.19}},
        {"contact": {"phone_number": "+19375550111", "first_name": "Tre"}},
        # A PDF document is a face sheet now (issue 15): tests/test_face_sheet_service.py.
        {
            "poll": {
                "id": "p",
                "question": "?",
                "options": [],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
    ],
)
async def test_wrong_media_is_refused_politely_and_never_downloaded(
    chat: tg.Chat, media: dict[str, Any]
) -> None:
    await chat.send("/start")
    message = {"message_id": 70, "date": 0, "chat": {"id": 111, "type": "private"}, "from": tg.ANA}
    await chat.feed({"update_id": 700, "message": {**message, **media}})
    assert chat.last_text() == "Please answer with text, a tap or a photo."
    assert not [c for c in chat.api.calls if c[0] in ("getFile", "download")]
    assert chat.count("photo") == 0 and chat.answers() == {}


async def test_a_document_that_is_no_readable_face_sheet_gets_one_message_and_changes_nothing(
    chat: tg.Chat,
) -> None:
    # A PDF or text file may be the child's face sheet (issue 15), so it is fetched and read;
    # one that cannot be read is refused in one message and nothing is stored.
    await chat.send("/start")
    message = {"message_id": 71, "date": 0, "chat": {"id": 111, "type": "private"}, "from": tg.ANA}
    document = {"file_id": "d", "file_unique_id": "du", "mime_type": "application/pdf"}
    await chat.feed({"update_id": 701, "message": {**message, "document": document}})
    assert "Nothing was changed" in chat.last_text()
    assert chat.count("photo") == 0 and chat.answers() == {}


async def test_a_channel_post_is_refused_and_nothing_is_stored(chat: tg.Chat) -> None:
    post = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": -1001, "type": "channel", "title": "News"},
        "text": "Ana Ruiz is missing",
    }
    await chat.feed({"update_id": 800, "channel_post": post})
    assert chat.api.sent("leaveChat") and chat.count("report") == 0


# -- webhook ---------------------------------------------------------------------------------
SECRET = "s3cret-token_" + "x" * 24


@pytest.fixture
async def webhook() -> AsyncIterator[tuple[str, asyncio.Queue[object]]]:
    """Serves PTB's own webhook application, with the guard installed, on a free local port."""
    webhook_guard.install()
    queue: asyncio.Queue[object] = asyncio.Queue()
    app = WebhookAppClass("/hook", Bot("123:TEST"), queue, SECRET)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.setblocking(False)
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets([sock])
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/hook", queue
    server.stop()
    await server.close_all_connections()


UPDATE = json.dumps(
    {
        "update_id": 1,
        "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "hi"},
    }
).encode()


@pytest.mark.parametrize(
    ("secret", "status"),
    [
        (None, 401),
        ("", 401),
        ("not-the-one", 403),
        (SECRET[:-1], 403),
        (SECRET + "x", 403),
        ("sécret".encode(), 403),
        (SECRET, 200),
    ],
)
async def test_the_webhook_accepts_only_the_exact_secret(
    webhook: tuple[str, asyncio.Queue[object]],
    secret: str | bytes | None,
    status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, queue = webhook
    headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
    if secret is not None:
        headers[webhook_guard.HEADER] = secret
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=UPDATE, headers=headers)
    assert response.status_code == status
    assert queue.qsize() == (1 if status == 200 else 0)  # the body is read only when allowed
    shown = secret.decode() if isinstance(secret, bytes) else secret
    if shown:
        assert all(shown not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("secret", ["short", "x" * 31, "has space" + "x" * 30])
def test_a_short_or_odd_webhook_secret_is_refused_at_start_up(secret: str) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, webhook_url="https://example.org/hook", webhook_secret=secret)
