"""A small fake Telegram Bot API over real HTTP, for end-to-end runs of ``python -m bot run``.

It keeps a queue of updates for long-polling ``getUpdates`` (offset and timeout semantics as
Telegram's), answers the send/edit methods with synthesized messages, serves one file for
``getFile`` downloads, and records every call so a test can wait for the bot's replies.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests import images

PNG = images.png()  # downloads are decoded, so it must be a real image
BOT = {"id": 999, "is_bot": True, "first_name": "Intake", "username": "IntakeBot"}


class FakeBotApi:
    """The fake server: start it, queue updates, wait for calls, stop it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.next_message_id = 500
        self.changed = threading.Condition()
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        """Returns the port the server listens on."""
        return int(self.server.server_address[1])

    def start(self) -> None:
        """Starts serving in a background thread."""
        self.thread.start()

    def stop(self) -> None:
        """Stops serving and wakes any waiting long poll."""
        with self.changed:
            self.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()

    def queue(self, kind: str, payload: dict[str, Any]) -> int:
        """Queues one update (``message``, ``callback_query``...) and returns its update_id."""
        with self.changed:
            update_id = self.next_update_id
            self.next_update_id += 1
            self.updates.append({"update_id": update_id, kind: payload})
            self.changed.notify_all()
        return update_id

    def wait_for(
        self, test: Callable[[list[tuple[str, dict[str, Any]]]], bool], timeout: float = 10
    ) -> None:
        """Waits until ``test`` holds for the recorded calls, or fails after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not test(self.calls):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out; calls: {[c[0] for c in self.calls]}")
                self.changed.wait(left)

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Returns the parameters of every recorded call of one method."""
        with self.changed:
            return [params for name, params in self.calls if name == method]

    # -- the Bot API ---------------------------------------------------------------------------
    def call(self, method: str, params: dict[str, Any]) -> object:
        """Answers one Bot API method (called from the server threads)."""
        if method == "getUpdates":
            return self._get_updates(params)
        with self.changed:
            self.calls.append((method, params))
            self.changed.notify_all()
            if method == "getMe":
                return {**BOT, "can_join_groups": False, "can_read_all_group_messages": False}
            if method == "getFile":
                return {
                    "file_id": params.get("file_id"),
                    "file_unique_id": "f",
                    "file_size": len(PNG),
                    "file_path": "photos/file_1.png",
                }
            if method.startswith(("send", "edit")):
                self.next_message_id += 1
                return {
                    "message_id": int(params.get("message_id", self.next_message_id)),
                    "date": int(time.time()),
                    "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                    "from": BOT,
                    "text": params.get("text", ""),
                }
            return True

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self.changed:
            # Telegram forgets every update below the offset: that is the confirmation.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self.changed.wait(min(0.2, deadline - time.monotonic()))
            return list(self.updates)


class _Server(ThreadingHTTPServer):
    """The HTTP server, with a listen backlog that holds a burst of the bot's connections."""

    # socketserver's 5 refuses a burst (50 chats' first replies at once): the bot's sends then
    # failed as NetworkError and those workers waited in vain; Telegram takes such a burst.
    request_queue_size = 256


def _handler(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/file/bot"):
                with api.changed:
                    api.calls.append(("download", {"path": self.path}))
                self._reply(200, PNG, "application/octet-stream")
                return
            self._api({})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            self._api(_params(self.headers.get("Content-Type", ""), body))

        def _api(self, params: dict[str, Any]) -> None:
            match = re.fullmatch(r"/bot[^/]+/(\w+)", self.path.split("?", 1)[0])
            if match is None:
                self._reply(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
                return
            result = api.call(match.group(1), params)
            self._reply(200, json.dumps({"ok": True, "result": result}).encode())

        def _reply(self, status: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    """Decodes a Bot API request body: JSON, a form, or multipart with files."""
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if part.get_filename():
                params[str(name)] = {"filename": part.get_filename(), "content": payload}
            else:
                params[str(name)] = _json_or_text(
                    payload.decode() if isinstance(payload, bytes) else ""
                )
        return params
    return {k: _json_or_text(v) for k, v in parse_qsl(body.decode())}


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
