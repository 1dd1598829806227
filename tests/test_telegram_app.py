"""The real Telegram application over a recording fake Bot API: taps, photos, edits, safety."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql
from sqlmodel import Session, select
from telegram import Update
from telegram.request import RequestData

from bot.config import Settings
from bot.service.intake import IntakeService
from bot.telegram.app import COMMANDS, PerChatProcessor, build_application
from bot.telegram.keyboards import parse_tap, prompt_keyboard, toggle
from flows.engine import Prompt
from flows.missing_from_care import FLOW
from flows.schema import Choice, Field, Flow, Kind, Section
from storage import repository as repo
from storage import staff
from storage.audit import AuditEvent
from storage.staff import Role
from tests import images
from tests.conftest import MATCH_KEY, MINI_FLOW, NOW, ZONE
from tests.memory_api import BOT, GET_ME, MemoryRequest, ok

PNG = images.png()  # downloads are decoded, so it must be a real image
ANA = {"id": 111, "is_bot": False, "first_name": "Ana"}
BO = {"id": 222, "is_bot": False, "first_name": "Bo"}


class RecordingRequest(MemoryRequest):
    """A Bot API that answers from memory and records every call (PTB's own testing approach)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail: dict[str, list[dict[str, Any]]] = {}
        self.message_id = 1000

    async def answer(
        self, url: str, endpoint: str, params: dict[str, Any], request_data: RequestData | None
    ) -> tuple[int, bytes]:
        """Records the call, then fails it as told or answers it with canned JSON."""
        if "/file/bot" in url:
            self.calls.append(("download", {"url": url}))
            return 200, PNG
        if request_data and request_data.multipart_data:
            params["_files"] = dict(request_data.multipart_data)
        self.calls.append((endpoint, params))
        if self.fail.get(endpoint):
            error = self.fail[endpoint].pop(0)
            return error["error_code"], json.dumps(error).encode()
        return ok(self._result(endpoint, params))

    def _result(self, endpoint: str, params: dict[str, Any]) -> object:
        if endpoint == "getMe":
            return GET_ME
        if endpoint == "getFile":
            return {
                "file_id": params["file_id"],
                "file_unique_id": "u",
                "file_size": len(PNG),
                "file_path": "photos/file_1.png",
            }
        if endpoint.startswith(("send", "edit")):
            self.message_id += 1
            chat = params.get("chat_id", 0)
            message: dict[str, Any] = {
                "message_id": params.get("message_id", self.message_id),
                "date": 0,
                "chat": {"id": chat, "type": "private"},
                "from": BOT,
                "text": params.get("text", ""),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        return True

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Returns the parameters of every call of one method."""
        return [params for name, params in self.calls if name == method]


@dataclass
class Chat:
    """Drives the application as one or more users would from their phones."""

    app: Any
    api: RecordingRequest
    service: IntakeService
    engine: Engine
    next_id: int = 1
    messages: dict[int, int] = field(default_factory=dict)

    async def feed(self, payload: dict[str, Any]) -> None:
        await self.app.process_update(Update.de_json(payload, self.app.bot))

    def _update_id(self) -> int:
        self.next_id += 1
        return self.next_id

    async def send(
        self, text: str, *, user: dict[str, Any] = ANA, chat: dict[str, Any] | None = None
    ) -> int:
        """Sends a text message and returns its message id."""
        message_id = self._update_id() + 10_000
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": 0,
            "chat": chat or {"id": user["id"], "type": "private"},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        await self.feed({"update_id": self._update_id(), "message": message})
        return message_id

    async def edit(self, message_id: int, text: str, *, user: dict[str, Any] = ANA) -> None:
        message = {
            "message_id": message_id,
            "date": 0,
            "edit_date": 1,
            "chat": {"id": user["id"], "type": "private"},
            "from": user,
            "text": text,
        }
        await self.feed({"update_id": self._update_id(), "edited_message": message})

    async def photo(
        self, unique: str, *, group: str | None = None, user: dict[str, Any] = ANA
    ) -> None:
        sizes = [
            {
                "file_id": f"small-{unique}",
                "file_unique_id": f"s{unique}",
                "width": 90,
                "height": 90,
            },
            {"file_id": f"big-{unique}", "file_unique_id": unique, "width": 800, "height": 800},
        ]
        message: dict[str, Any] = {
            "message_id": self._update_id() + 10_000,
            "date": 0,
            "chat": {"id": user["id"], "type": "private"},
            "from": user,
            "photo": sizes,
        }
        if group:
            message["media_group_id"] = group
        await self.feed({"update_id": self._update_id(), "message": message})

    def keyboard_message(self) -> dict[str, Any]:
        """Returns the last message the bot sent with buttons."""
        return next(p for p in reversed(self.api.sent()) if "reply_markup" in p)

    async def tap(
        self,
        label: str,
        *,
        message: dict[str, Any] | None = None,
        user: dict[str, Any] = ANA,
        data: str | None = None,
    ) -> None:
        """Taps the button with ``label`` on the last keyboard (or on ``message``)."""
        shown = message or self.keyboard_message()
        if data is None:
            buttons = [b for row in shown["reply_markup"]["inline_keyboard"] for b in row]
            data = next(b["callback_data"] for b in buttons if b["text"] == label)
        query = {
            "id": f"q{self.next_id}",
            "from": user,
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 5,
                "date": 0,
                "chat": {"id": user["id"], "type": "private"},
                "from": BOT,
                "text": shown.get("text", ""),
                "reply_markup": shown.get("reply_markup"),
            },
        }
        await self.feed({"update_id": self._update_id(), "callback_query": query})

    def answers(self) -> dict[str, Any]:
        with Session(self.engine) as session:
            rows = repo.list_reports(session)
            if not rows:
                return {}
            return {
                k: v for k, (_, v) in repo.load_answers(session, report_id=rows[0].id or 0).items()
            }

    def count(self, table: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(sql(f"SELECT count(*) FROM {table}")).scalar_one())

    def last_text(self) -> str:
        return str(self.api.sent()[-1]["text"])


def file_engine(tmp_path: Path) -> Engine:
    """A SQLite file database, for tests that read the file's bytes."""
    engine = repo.make_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    repo.create_tables(engine)
    return engine


async def _chat(engine: Engine, flow: Flow) -> AsyncIterator[Chat]:
    with repo.transaction(engine) as session:
        for user in (ANA, BO):  # both may use the bot (the gate is tested in test_access.py)
            staff.put(session, telegram_id=user["id"], role=Role.STAFF, now=NOW)
    service = IntakeService(
        flow=flow, engine=engine, clock=lambda: NOW, zone=ZONE, match_key=MATCH_KEY
    )
    api = RecordingRequest()
    settings = Settings(_env_file=None, telegram_bot_token="123:TEST")
    app = build_application(
        settings,
        service=service,
        request=api,
        get_updates_request=RecordingRequest(),
        album_delay=0.25,  # the gate reads the staff table first, so photos come slower
        delivery_interval=None,  # the outbox is driven by hand in test_outbox.py
    )
    async with app:
        assert app.post_init is not None
        await app.post_init(app)  # run_polling calls it after initialize()
        await app.start()
        yield Chat(app, api, service, engine)
        await app.stop()


@pytest.fixture
async def chat(engine: Engine) -> AsyncIterator[Chat]:
    async for harness in _chat(engine, MINI_FLOW):
        yield harness


@pytest.fixture
async def real(engine: Engine) -> AsyncIterator[Chat]:
    async for harness in _chat(engine, FLOW):
        yield harness


def every_button(api: RecordingRequest) -> list[dict[str, Any]]:
    return [
        button
        for params in api.calls
        if isinstance(params[1].get("reply_markup"), dict)
        for row in params[1]["reply_markup"].get("inline_keyboard", [])
        for button in row
    ]


async def test_a_whole_short_report_is_given_with_taps_and_short_texts(chat: Chat) -> None:
    await chat.send("/start")
    assert "Report #1 started" in chat.last_text()
    await chat.tap("No")
    assert chat.api.sent("editMessageText")[-1]["text"].endswith("→ <b>No</b>")
    assert chat.api.sent("editMessageText")[-1].get("reply_markup") is None
    for text in ("2011-03-07", "Ana Ruiz"):
        await chat.send(text)
    await chat.tap("Black")
    for text in ("today 09:00", "today 10:00"):
        await chat.send(text)
    await chat.tap("No")  # medical
    await chat.tap("Skip")  # NIC
    await chat.photo("p1")
    await chat.tap("Done")
    await chat.tap("No")  # anyone with the child
    assert "✎ The child" in [b["text"] for b in every_button(chat.api)]
    await chat.tap("Submit report")

    assert chat.answers()["hair"] == "black" and chat.answers()["child_name"] == "Ana Ruiz"
    documents = chat.api.sent("sendDocument")
    assert len(documents) == 1
    files = documents[0]["_files"]
    (filename, content, _mime) = next(iter(files.values()))
    assert filename == "missing-child-report-1.pdf" and content.startswith(b"%PDF")
    assert any("Ana Ruiz" in p["text"] for p in chat.api.sent())
    for params in chat.api.sent():
        assert params["parse_mode"] == "HTML" and params["protect_content"] is True
        assert len(params["text"]) <= 4096
    assert documents[0]["protect_content"] is True
    assert all(len(b["callback_data"].encode()) <= 64 for b in every_button(chat.api))
    assert chat.api.sent("setMyCommands")[0]["commands"][0]["command"] == "start"


async def test_the_real_flow_asks_its_first_questions_with_buttons(real: Chat) -> None:
    await real.send("/start")
    first = real.keyboard_message()
    labels = [b["text"] for row in first["reply_markup"]["inline_keyboard"] for b in row]
    assert "Unknown" in labels and "Done" in labels and len(labels) >= 3
    # The triage checklist: a tap ticks an option, Done answers it.
    await real.tap(labels[0])
    marked = real.api.sent("editMessageReplyMarkup")[-1]["reply_markup"]
    real.api.sent()[-1]["reply_markup"] = marked  # the client shows the new keyboard
    await real.tap("Done")
    for _ in range(2):
        shown = real.keyboard_message()
        buttons = [b for row in shown["reply_markup"]["inline_keyboard"] for b in row]
        await real.tap(buttons[0]["text"])
    assert len(real.answers()) == 3
    assert all(len(b["callback_data"].encode()) <= 64 for b in every_button(real.api))


async def test_an_album_is_stored_whole_with_one_reply(chat: Chat) -> None:
    await chat.send("/start")
    for text in ("no", "2011-03-07", "Ana", "brown", "today 09:00", "today 10:00", "no", "skip"):
        await chat.send(text)
    # A wider gap than the fixture's: on a loaded machine one photo's step can outlast 50 ms.
    chat.app.bot_data["runtime"].album_delay = 0.5
    before = len(chat.api.sent())
    for unique in ("a1", "a2", "a3"):
        await chat.photo(unique, group="album-1")
    assert len(chat.api.sent()) == before  # nothing until the album is complete
    for _ in range(50):
        if len(chat.api.sent()) > before:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.6)  # and no second reply after the first
    replies = chat.api.sent()[before:]
    assert len(replies) == 1 and "Photo 3 saved" in replies[0]["text"]
    assert chat.count("photo") == 3 and len(chat.answers()["photo"]) == 3
    assert [c for c in chat.api.calls if c[0] == "download"]
    await chat.tap("Done")
    assert "Was anyone with the child?" in chat.last_text()


async def test_a_file_that_is_not_an_image_is_refused(chat: Chat) -> None:
    await chat.send("/start")
    document = {"file_id": "d", "file_unique_id": "du", "mime_type": "image/png", "file_size": 10}
    chat.api.fail = {}
    message = {"message_id": 77, "date": 0, "chat": {"id": 111, "type": "private"}, "from": ANA}
    original = chat.api.do_request

    async def not_png(url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if "/file/bot" in url:
            return 200, b"MZ\x90\x00 not an image"
        return await original(url, method, *args, **kwargs)

    chat.api.do_request = not_png  # type: ignore[method-assign]
    await chat.feed({"update_id": 500, "message": {**message, "document": document}})
    assert chat.last_text() == "Please send a JPEG, PNG or WebP photo."
    huge = {**document, "file_size": 25 * 1024 * 1024}
    await chat.feed({"update_id": 501, "message": {**message, "document": huge}})
    assert "over 20 MB" in chat.last_text() and chat.count("photo") == 0


async def test_editing_a_sent_answer_changes_it_and_is_confirmed(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("no")
    await chat.send("2011-03-07")
    name_message = await chat.send("Ana")
    await chat.edit(name_message, "Ana Ruiz")
    assert chat.answers()["child_name"] == "Ana Ruiz"
    assert "✓ Changed: Name: Ana Ruiz" in chat.last_text()
    assert "Hair colour of Ana?" in chat.last_text()  # the current question, with fresh buttons
    with Session(chat.engine) as session:
        last = repo.history(session, report_id=1)[-1]
    assert (last.key, last.source) == ("child_name", "message_edit")


async def test_a_tap_on_an_old_keyboard_is_refused_and_changes_nothing(chat: Chat) -> None:
    await chat.send("/start")
    old = chat.keyboard_message()
    await chat.tap("No")
    answers, versions = chat.answers(), _version(chat)
    await chat.tap("Yes", message=old)
    assert "expired" in chat.api.sent("answerCallbackQuery")[-1]["text"]
    assert chat.answers() == answers and _version(chat) == versions


async def test_a_forged_tap_on_another_workers_report_is_refused(chat: Chat) -> None:
    await chat.send("/start")
    data = chat.keyboard_message()["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    sent = len(chat.api.sent())
    await chat.tap("", data=data, user=BO)
    assert chat.api.sent("answerCallbackQuery")[-1]["text"] == "Not allowed."
    assert chat.answers() == {} and len(chat.api.sent()) == sent
    with Session(chat.engine) as session:
        events = [(e.event, e.actor) for e in session.exec(select(AuditEvent))]
    assert ("authz.denied", "telegram:222") in events  # AC-07
    await chat.tap("", data="c:1:999999:0;drop table")
    assert chat.answers() == {}


async def test_the_same_update_twice_is_applied_once_and_asks_its_question_again(
    chat: Chat,
) -> None:
    await chat.send("/start")
    payload = {
        "update_id": 4242,
        "message": {
            "message_id": 9,
            "date": 0,
            "chat": {"id": 111, "type": "private"},
            "from": ANA,
            "text": "no",
        },
    }
    sent = len(chat.api.sent())
    await chat.feed(payload)
    await chat.feed(payload)  # Telegram re-delivers it: the first reply may have been lost
    first, again = chat.api.sent()[sent:]
    assert first["text"].startswith("✓ Danger: No")
    assert first["text"].endswith(again["text"])  # the current question, asked again
    assert "Date of birth?" in again["text"]
    assert again.get("reply_markup") == first.get("reply_markup")
    assert chat.answers() == {"danger": "no"} and chat.count("answer_change") == 1


async def test_a_group_chat_is_told_once_and_nothing_is_stored(chat: Chat) -> None:
    group = {"id": -100, "type": "group", "title": "Team"}
    await chat.send("/start", chat=group)
    await chat.send("hello", chat=group)
    assert [p["text"] for p in chat.api.sent()] == [
        "I only work in private chats. Please message me directly."
    ]
    assert chat.api.sent("leaveChat") and chat.count("report") == 0
    assert chat.count("processed_update") == 0


async def test_a_429_on_send_message_is_retried_and_the_answer_stored_once(chat: Chat) -> None:
    await chat.send("/start")
    chat.api.fail["sendMessage"] = [
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
    ]
    await chat.send("no")
    texts = [p["text"] for p in chat.api.sent()]
    assert texts[-1] == texts[-2] and "Date of birth?" in texts[-1]  # refused, then sent
    assert chat.answers() == {"danger": "no"} and chat.count("answer_change") == 1


async def test_a_late_callback_answer_does_not_undo_the_tap(chat: Chat) -> None:
    await chat.send("/start")
    chat.api.fail["answerCallbackQuery"] = [
        {"ok": False, "error_code": 400, "description": "Bad Request: query is too old"}
    ]
    await chat.tap("Yes")
    assert chat.answers() == {"danger": "yes"}
    assert "CALL 911 NOW" in chat.last_text()


async def test_a_failing_step_tells_the_worker_their_answers_are_saved(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.send("/start")

    def broken(worker: str, text: str, **kwargs: Any) -> None:
        raise RuntimeError(f"failed on {text}")

    monkeypatch.setattr(chat.service, "handle_text", broken)
    with caplog.at_level(logging.ERROR, logger="bot.telegram.app"):
        await chat.send("Ana Ruiz")
    assert "up to the last ✓ are saved" in chat.last_text()
    assert "RuntimeError" in caplog.text and "Ana Ruiz" not in caplog.text


async def test_commands_pass_through_to_the_interview(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("/skip@IntakeBot")
    assert chat.answers() == {"danger": None}
    await chat.send("/help")
    assert "it becomes an open item" in chat.last_text()
    await chat.send("/new")
    assert "Report #2 started" in chat.last_text()
    assert {c.command for c in COMMANDS} >= {"start", "new", "resume", "edit", "cancel"}


async def test_a_stickers_or_forwards_are_not_taken_as_answers(chat: Chat) -> None:
    await chat.send("/start")
    sticker = {
        "file_id": "s",
        "file_unique_id": "su",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    message = {"message_id": 70, "date": 0, "chat": {"id": 111, "type": "private"}, "from": ANA}
    await chat.feed({"update_id": 600, "message": {**message, "sticker": sticker}})
    assert chat.last_text() == "Please answer with text, a tap or a photo."
    origin = {"type": "user", "date": 0, "sender_user": BO}
    await chat.feed(
        {"update_id": 601, "message": {**message, "text": "yes", "forward_origin": origin}}
    )
    assert "forwarding" in chat.last_text() and chat.answers() == {}


def _version(chat: Chat) -> int:
    with Session(chat.engine) as session:
        report = repo.get_report(session, report_id=1)
        return report.version if report else -1


# -- keyboards and ordering, without the network ---------------------------------------------
MULTI = Flow(
    id="multi",
    version="1",
    title="Multi",
    sections=(
        Section(
            "s",
            "Searches",
            (
                Field(
                    "searches",
                    Kind.MULTI_CHOICE,
                    "What was done? Tap all that apply.",
                    choices=(
                        Choice("home", "Home"),
                        Choice("school", "School"),
                        Choice("park", "Park"),
                    ),
                ),
                Field("note", Kind.TEXT, "Anything else?"),
            ),
        ),
    ),
)


async def test_a_multi_choice_question_takes_several_ticks_then_done(engine: Engine) -> None:
    async for chat in _chat(engine, MULTI):
        await chat.send("/start")
        for label in ("Home", "Park"):
            await chat.tap(label)
            marked = chat.api.sent("editMessageReplyMarkup")[-1]["reply_markup"]
            chat.api.sent()[-1]["reply_markup"] = marked  # the client shows the new keyboard
        await chat.tap("Done")
        assert sorted(chat.answers()["searches"]) == ["home", "park"]
        assert chat.api.sent("editMessageText")[-1]["text"].endswith("→ <b>Home, Park</b>")


def test_a_long_choice_list_fits_telegram_limits_in_rows_of_three() -> None:
    choices = tuple(Choice(f"c{i}", f"Colour {i}") for i in range(30))
    prompt = Prompt("k", "Which?", "", Kind.CHOICE, choices, "S")
    markup = prompt_keyboard(prompt, report_id=10**11, version=10**11)
    rows = markup.inline_keyboard
    assert all(len(row) <= 3 for row in rows) and sum(len(r) for r in rows) == 30
    assert all(len(str(b.callback_data).encode()) <= 64 for row in rows for b in row)
    multi = prompt_keyboard(
        Prompt("k", "Which?", "", Kind.MULTI_CHOICE, choices[:3], "S"), report_id=1, version=2
    )
    ticked = toggle(multi, parse_tap("t:1:2:2") or pytest.fail())
    done = next(b for row in ticked.inline_keyboard for b in row if b.text == "Done")
    assert done.callback_data == "m:1:2:4" and ticked.inline_keyboard[0][2].text == "✓ Colour 2"


async def test_one_chat_is_sequential_and_chats_run_side_by_side() -> None:
    processor = PerChatProcessor()
    order: list[str] = []

    async def step(name: str, delay: float) -> None:
        order.append(f"{name}+")
        await asyncio.sleep(delay)
        order.append(f"{name}-")

    def update(chat_id: int) -> Update:
        message = {"message_id": 1, "date": 0, "chat": {"id": chat_id, "type": "private"}}
        return Update.de_json({"update_id": chat_id, "message": message}, None)

    await asyncio.gather(
        processor.do_process_update(update(1), step("a1", 0.05)),
        processor.do_process_update(update(1), step("a2", 0)),
        processor.do_process_update(update(2), step("b1", 0)),
    )
    assert order.index("a1-") < order.index("a2+") and order.index("b1-") < order.index("a1-")


async def test_found_starts_the_recovery_record_of_the_workers_report(chat: Chat) -> None:
    await chat.send("/start")
    await chat.tap("No")
    await chat.send("/found")
    text = chat.last_text()
    assert "Recovery record #2: the child is found." in text
    assert "When was the child found?" in text
    await chat.send("/found 99")
    assert "No such report of yours." in chat.last_text()


async def test_a_known_child_gets_one_look_at_what_is_on_file_with_two_buttons(real: Chat) -> None:
    from tests.episode_driver import answer, converse

    worker = "telegram:111"
    converse(real.service, worker, real.service.start(worker, new=True), 1)
    await real.send("/new")
    outcome = real.service.start(worker)
    while outcome.reply.prompt is not None and outcome.reply.prompt.key != "child_name":
        outcome = real.service.handle_text(worker, answer(outcome.reply.prompt, 2))
    await real.send("Alvarez, Destiny Marie")
    text = real.last_text()
    assert "This child was reported missing before (report #1" in text
    assert "missing since" in text and "last seen?" in text  # tonight's facts come first
    outcome = real.service.start(worker)
    while outcome.reply.prompt is not None and not outcome.reply.prompt.is_sentinel:
        outcome = real.service.handle_text(worker, answer(outcome.reply.prompt, 2))
    assert outcome.reply.prompt is not None and outcome.reply.prompt.key == "_prefill._look"
    assert "On file from the last report:" in outcome.reply.prompt.text
    assert [c.label for c in outcome.reply.prompt.choices] == ["All still true", "Change…"]
