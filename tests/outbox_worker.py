"""An outbox sender process for the two-senders test: ``python -m tests.outbox_worker URL OUTFILE``.

It builds the service and a ``Delivery`` on the shared database, over a PTB ``Bot`` whose
requests go to an in-process fake Bot API. The fake answers every call with canned OK JSON,
sleeps a few random milliseconds per send (so the two processes overlap), and appends every
``sendMessage``/``sendDocument`` to OUTFILE as one JSON line: the chat, the outbox row named by
the Acknowledge button (None for messages without one) and the text; a pass that raises is
recorded as ``{"error": ...}`` and the loop goes on, as ``Delivery.run`` does. It prints
"ready", waits for "go" on stdin so both processes start together, then runs passes until two in
a row send nothing, and prints how many rows it tried as JSON.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.request import RequestData

from bot.service.intake import IntakeService
from bot.telegram import delivery as delivery_module
from bot.telegram.delivery import ACK_PREFIX, Delivery
from storage import repository as repo
from tests.conftest import MINI_FLOW, NOW, ZONE
from tests.load_worker import KEYRING
from tests.memory_api import BOT, GET_ME, MemoryRequest, ok

SENDS = ("sendMessage", "sendDocument")
IDLE_PASSES = 2  # stop after this many passes in a row that tried nothing
# Rows per claim. Production claims 20 at a time, so two senders' claims rarely meet; claiming one
# row at a time makes every send a claim, and the claims collide hundreds of times per run.
CLAIM_BATCH = 1
MAX_ERRORS = 5  # failed passes (recorded in OUTFILE as {"error": ...}) before giving up


class FakeApi(MemoryRequest):
    """A Bot API that answers from memory and appends every send to a JSON-lines file."""

    def __init__(self, outfile: Path) -> None:
        self.outfile = outfile
        self.message_id = 1000

    async def answer(
        self, url: str, endpoint: str, params: dict[str, Any], request_data: RequestData | None
    ) -> tuple[int, bytes]:
        """Answers one call with canned OK JSON, recording it first when it is a send."""
        if endpoint in SENDS:
            await asyncio.sleep(random.uniform(0.001, 0.005))  # a slow Telegram: overlap
            self._record(endpoint, params)
        return ok(self._result(endpoint, params))

    def _record(self, endpoint: str, params: dict[str, Any]) -> None:
        line = {
            "method": endpoint,
            "chat_id": int(params.get("chat_id", 0)),
            "row": _row_of(params.get("reply_markup")),
            "text": params.get("text"),
        }
        _append(self.outfile, line)

    def _result(self, endpoint: str, params: dict[str, Any]) -> object:
        if endpoint == "getMe":
            return GET_ME
        if endpoint.startswith(("send", "edit")):
            self.message_id += 1
            return {
                "message_id": self.message_id,
                "date": 0,
                "chat": {"id": params.get("chat_id", 0), "type": "private"},
                "from": BOT,
                "text": params.get("text", ""),
            }
        return True


def _append(outfile: Path, line: dict[str, object]) -> None:
    """Appends one JSON line to OUTFILE."""
    with outfile.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _row_of(markup: object) -> int | None:
    """Returns the outbox row id an Acknowledge button names, or None without one."""
    if not isinstance(markup, dict):
        return None
    for line in markup.get("inline_keyboard", []):
        for button in line:
            prefix, _, rest = str(button.get("callback_data", "")).partition(":")
            if prefix == ACK_PREFIX:
                return int(rest.rsplit(":", 1)[-1])
    return None


async def deliver(url: str, outfile: Path) -> int:
    """Sends until two passes in a row try nothing; returns how many rows this process tried."""
    delivery_module.BATCH = CLAIM_BATCH
    engine = repo.make_engine(url, keyring=KEYRING)
    service = IntakeService(flow=MINI_FLOW, engine=engine, clock=lambda: NOW, zone=ZONE)
    bot = Bot("123:TEST", request=FakeApi(outfile), get_updates_request=FakeApi(outfile))
    delivery = Delivery(service, bot, jitter=lambda: 0.0)
    tried = idle = errors = 0
    async with bot:
        while idle < IDLE_PASSES and errors < MAX_ERRORS:
            try:
                count = await delivery.run_once()
            except Exception as error:  # as ``Delivery.run``: log it, carry on with the next pass
                errors += 1
                _append(outfile, {"error": f"{type(error).__name__}: {error}"[:300]})
                continue
            tried += count
            idle = 0 if count else idle + 1
    engine.dispose()
    return tried


def main(url: str, outfile: str) -> int:
    """Waits for "go", delivers, and prints this process's tally as JSON."""
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 2
    tried = asyncio.run(deliver(url, Path(outfile)))
    print(json.dumps({"tried": tried}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
