"""A Bot API that does no network I/O, and chats that walk the real flow through it.

``CannedRequest`` answers every Bot API method from memory (PTB's own testing approach: a
``BaseRequest`` subclass) and remembers, per chat, the last message the bot showed, so a
``Walker`` can read the question and its buttons and answer the way a worker would: a tap on a
button, a realistic typed value, or 'unknown'.
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.request import RequestData

from flows.schema import Field, Flow, Kind
from tests.memory_api import BOT, GET_ME, MemoryRequest, ok

COMMAND_LABELS = frozenset({"Unknown", "Skip", "Done"})


@dataclass
class Screen:
    """The last message the bot sent to one chat, as the worker's phone shows it."""

    message_id: int = 0
    text: str = ""
    markup: dict[str, Any] | None = None


class CannedRequest(MemoryRequest):
    """Answers sendMessage, editMessage*, answerCallbackQuery and the rest with canned JSON."""

    def __init__(self, *, keep_screens: bool = True) -> None:
        self.message_id = 1000
        self.calls = 0
        self.keep_screens = keep_screens  # off when measuring the bot's own memory
        self.screens: dict[int, Screen] = {}

    async def answer(
        self, url: str, endpoint: str, params: dict[str, Any], request_data: RequestData | None
    ) -> tuple[int, bytes]:
        """Returns what the Bot API would, and keeps each chat's screen up to date."""
        self.calls += 1
        return ok(self._result(endpoint, params))

    def _result(self, endpoint: str, params: dict[str, Any]) -> object:
        if endpoint == "getMe":
            return GET_ME
        if endpoint == "getUpdates":
            return []
        if not endpoint.startswith(("send", "edit")):
            return True  # answerCallbackQuery, setMyCommands, deleteWebhook...
        chat = int(params.get("chat_id", 0))
        screen = self.screens.setdefault(chat, Screen()) if self.keep_screens else Screen()
        if endpoint.startswith("send"):
            self.message_id += 1
            screen.message_id, screen.markup = self.message_id, params.get("reply_markup")
            screen.text = str(params.get("text", ""))
        else:  # edits change the question shown: its text, its buttons or both
            if "text" in params:
                screen.text = str(params["text"])
            screen.markup = params.get("reply_markup")
        return {
            "message_id": screen.message_id,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": BOT,
            "text": screen.text,
            **({"reply_markup": screen.markup} if screen.markup else {}),
        }


def _pattern(prompt: str) -> re.Pattern[str]:
    return re.compile(re.escape(prompt).replace(re.escape("{child}"), ".+?"))


@dataclass
class Walker:
    """One worker: reads what the bot shows and builds the next update, as JSON."""

    user_id: int
    flow: Flow
    zone: ZoneInfo
    rng: random.Random
    api: CannedRequest
    update_ids: list[int]
    started: bool = False
    failed_key: str = ""
    toggled: bool = False
    sent: list[dict[str, Any]] = field(default_factory=list)

    def next_update(self) -> dict[str, Any] | None:
        """Returns the worker's next update, or None once the report is ready for review."""
        if not self.started:
            self.started = True
            return self._message("/start", command=True)
        screen = self.api.screens.get(self.user_id)
        if screen is None:
            return None
        buttons = [b for row in (screen.markup or {}).get("inline_keyboard", []) for b in row]
        if any(b["callback_data"].startswith("e:") for b in buttons):
            return None  # the review screen: every question has been asked
        found = self._field(screen.text)
        if found is None:
            return self._message("unknown")
        retry = "✗" in screen.text and self.failed_key == found.name
        self.failed_key = found.name
        if found.kind in (Kind.CHOICE, Kind.YES_NO, Kind.MULTI_CHOICE) and buttons:
            return self._tap(screen, buttons, multi=found.kind is Kind.MULTI_CHOICE)
        if retry or found.kind is Kind.PHOTO or self.rng.random() < 0.25:
            unknown = [b for b in buttons if b["text"] == "Unknown"]
            if unknown and self.rng.random() < 0.5:
                return self._query(screen, unknown[0]["callback_data"])
            return self._message("unknown")
        return self._message(self._value(found))

    def _field(self, text: str) -> Field | None:
        exact, patterns = _prompts(self.flow)
        for bold in re.findall(r"<b>(.*?)</b>", text, flags=re.S):
            plain = html.unescape(bold)
            if plain in exact:
                return exact[plain]
            for pattern, candidate in patterns:
                if pattern.fullmatch(plain):
                    return candidate
        return None

    def _value(self, found: Field) -> str:
        now = datetime.now(self.zone)
        values = {
            Kind.INTEGER: str(self.rng.randint(1, 5)),
            Kind.DATE: f"{now.year - self.rng.randint(8, 16)}-0{self.rng.randint(1, 9)}-12",
            Kind.DATETIME: (now - timedelta(hours=self.rng.randint(2, 6))).strftime(
                "%Y-%m-%d %H:%M"
            ),
            Kind.PHONE: f"(212) 555-01{self.rng.randint(10, 99)}",
            Kind.EMAIL: "on.call@agency.example",
            Kind.HEIGHT: f"5 ft {self.rng.randint(0, 11)} in",
            Kind.WEIGHT: f"{self.rng.randint(80, 160)} lb",
        }
        return values.get(found.kind, self.rng.choice(TEXTS))

    def _tap(self, screen: Screen, buttons: list[dict[str, Any]], *, multi: bool) -> dict[str, Any]:
        options = [b for b in buttons if b["text"] not in COMMAND_LABELS]
        if multi:
            done = next((b for b in buttons if b["callback_data"].startswith("m:")), None)
            if self.toggled and done is not None:
                self.toggled = False
                return self._query(screen, done["callback_data"])
            self.toggled = True
            toggles = [b for b in options if b["callback_data"].startswith("t:")]
            return self._query(screen, self.rng.choice(toggles)["callback_data"])
        return self._query(screen, self.rng.choice(options or buttons)["callback_data"])

    def _chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private"}

    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": "Worker"}

    def _update_id(self) -> int:
        self.update_ids[0] += 1
        return self.update_ids[0]

    def _message(self, text: str, *, command: bool = False) -> dict[str, Any]:
        update_id = self._update_id()
        message: dict[str, Any] = {
            "message_id": update_id,
            "date": 0,
            "chat": self._chat(),
            "from": self._user(),
            "text": text,
        }
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
        return self._keep({"update_id": update_id, "message": message})

    def _query(self, screen: Screen, data: str) -> dict[str, Any]:
        update_id = self._update_id()
        message = {
            "message_id": screen.message_id,
            "date": 0,
            "chat": self._chat(),
            "from": BOT,
            "text": re.sub(r"<[^>]+>", "", screen.text),
            "reply_markup": screen.markup,
        }
        query = {
            "id": f"q{update_id}",
            "from": self._user(),
            "chat_instance": "ci",
            "data": data,
            "message": message,
        }
        return self._keep({"update_id": update_id, "callback_query": query})

    def _keep(self, update: dict[str, Any]) -> dict[str, Any]:
        self.sent.append(update)
        return update


_PROMPTS: dict[str, tuple[dict[str, Field], list[tuple[re.Pattern[str], Field]]]] = {}


def _prompts(flow: Flow) -> tuple[dict[str, Field], list[tuple[re.Pattern[str], Field]]]:
    """Returns the flow's fields by literal prompt, and patterns for prompts naming the child."""
    if flow.id not in _PROMPTS:
        fields = [flow.field(name) for name in flow.field_names()]
        exact = {f.prompt: f for f in reversed(fields) if "{child}" not in f.prompt}
        patterns = [(_pattern(f.prompt), f) for f in fields if "{child}" in f.prompt]
        _PROMPTS[flow.id] = (exact, patterns)
    return _PROMPTS[flow.id]


TEXTS = (
    "Jordan",
    "Lee Ann Carter",
    "Maple Street group home, room 4",
    "Left after dinner with a friend from school",
    "Blue hoodie, black jeans, white sneakers",
    "Has asthma and carries an inhaler",
)
