"""A bot process for the several-processes test: ``python -m tests.load_worker URL PROCESS``.

It plays the same scripted chats as every other such process against one shared database: the
first part with the very same update ids (as when Telegram re-delivers an update to another
process), the second with this process's own ids (as when a load balancer spreads one chat's
updates over several processes). It prints "ready", waits for "go" on stdin so all processes
start together, runs one thread per chat, and prints what it applied as JSON.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.service.intake import IntakeService, Outcome
from storage import repository as repo
from storage.crypto import Keyring
from tests.conftest import MINI_FLOW, NOW, ZONE

CHATS = 8
EDITS = 10  # second part: each process edits the name message this many times per chat
# The first part: a whole short report with taps, photos and an edit of a sent message.
SCRIPT = (
    "/start",
    "no",
    "2011-03-07",
    "Ana",
    "TAP 0",
    "today 09:00",
    "today 10:00",
    "no",
    "skip",
    "PHOTO",
    "PHOTO",
    "done",
    "yes",
    "Bo",
    "TAP STALE",
    "skip",
    "EDIT Ana Ruiz",
)
NAME_MESSAGE = SCRIPT.index("Ana")  # the step whose message answered the name question


@dataclass(frozen=True, slots=True)
class Step:
    """One update of one chat."""

    update_id: int
    text: str


def worker_of(chat: int) -> str:
    """Returns the worker id of a chat."""
    return f"tg:{7000 + chat}"


def shared_steps(chat: int) -> list[Step]:
    """Returns the first part's updates of a chat; every process gets the same ids."""
    return [Step(chat * 1000 + n, text) for n, text in enumerate(SCRIPT)]


def own_steps(chat: int, process: int) -> list[Step]:
    """Returns the second part's updates of a chat, with ids only this process uses."""
    base = chat * 1000 + 500 + process * 100
    return [Step(base + i, f"EDIT Ana p{process} e{i}") for i in range(EDITS)]


def play(service: IntakeService, chat: int, steps: list[Step]) -> tuple[int, int]:
    """Sends a chat's updates in order; returns how many were applied and how many repeats."""
    worker = worker_of(chat)
    applied = repeats = 0
    for step in steps:
        outcome = _send(service, worker, chat, step)
        if outcome.duplicate:
            repeats += 1
        else:
            applied += 1
    return applied, repeats


def _send(service: IntakeService, worker: str, chat: int, step: Step) -> Outcome:
    update_id, text = step.update_id, step.text
    if text == "/start":
        return service.start(worker, update_id=update_id)
    if text == "PHOTO":
        content = b"\xff\xd8\xff\xe0" + update_id.to_bytes(8, "big")
        return service.add_photo(
            worker, content=content, mime="image/jpeg", file_unique_id=f"u{update_id}",
            update_id=update_id,
        )  # fmt: skip
    if text.startswith("TAP"):
        report_id, version = _shown(service, worker)
        if text == "TAP STALE":
            version -= 1  # a button from the message before the last
            return service.handle_choice(worker, report_id, version, [0], update_id=update_id)
        index = int(text.split()[1])
        return service.handle_choice(worker, report_id, version, [index], update_id=update_id)
    if text.startswith("EDIT "):
        message_id = chat * 1000 + NAME_MESSAGE
        return service.edit_answer(worker, message_id, text[5:], update_id=update_id)
    return service.handle_text(worker, text, update_id=update_id, message_id=update_id)


def _shown(service: IntakeService, worker: str) -> tuple[int, int]:
    """Returns the report and version the worker's latest keyboard was sent for."""
    with Session(service.engine) as session:
        row = repo.list_reports(session, worker=worker)[0]
        return row.id or 0, row.version


# Every process of the test seals and opens with the same key, as one deployment would.
KEYRING = Keyring.parse(
    "t1:HIXwy1NFsDfODiReR/xV8uUORqvEugCBNkVtz6tVBlw=",
    derive="gnXRlDDjGQMAma1/HkMvR+7O7OtjgXKZDBoZE2RPwBY=",
)


def service_for(url: str, clock: Callable[[], datetime] = lambda: NOW) -> IntakeService:
    """Returns a service on the shared database."""
    engine = repo.make_engine(url, keyring=KEYRING)
    return IntakeService(flow=MINI_FLOW, engine=engine, clock=clock, zone=ZONE)


def main(url: str, process: int) -> int:
    """Plays every chat in its own thread once told to go; prints the tallies as JSON."""
    service = service_for(url)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 2

    def chat_run(chat: int) -> dict[str, object]:
        try:
            first = play(service, chat, shared_steps(chat))
            second = play(service, chat, own_steps(chat, process))
        except Exception as error:  # reported, so the test shows what failed where
            return {"chat": chat, "error": f"{type(error).__name__}: {error}"}
        return {"chat": chat, "shared": first, "own": second}

    with ThreadPoolExecutor(max_workers=CHATS) as pool:
        results = list(pool.map(chat_run, range(CHATS)))
    service.engine.dispose()
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
