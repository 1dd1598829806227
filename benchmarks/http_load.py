"""Load over a real network shape: 50 workers at once against a fake Bot API with 100 ms per call.

Run: .venv/bin/python benchmarks/http_load.py [--workers 50] [--latency 0.1] [--limit 240]

The bot runs as in production: PTB's Updater long-polls ``getUpdates`` over HTTP on 127.0.0.1,
every reply and the outbox's alerts and summaries go over HTTP, and each call to the fake Bot API
(``tests/fake_bot_api.py``) waits ``--latency`` seconds before it is answered. Each worker thread
walks the real flow (``benchmarks/canned_api.Walker``), sends a photo for each photo question,
and taps Submit on the review screen; two on-call supervisors tap Acknowledge on every message
that carries the button. It prints errors, p50/p99 reply latency (queuing a worker's update → the
bot's next question or edit in that chat; the outbox's notices are no reply) and outbox lag.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import Session, select

from benchmarks.canned_api import Screen, Walker
from bot.config import Settings
from bot.service.intake import IntakeService
from bot.telegram.app import build_application
from flows.missing_from_care import FLOW
from flows.schema import Kind
from flows.validation import validate_flow
from storage import crypto, staff
from storage import repository as repo
from storage.outbox import Notification
from storage.staff import Role
from tests.fake_bot_api import FakeBotApi

SUPERVISORS = (9001, 9002)
SHOWN = ("sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup")


class SlowBotApi(FakeBotApi):
    """The fake Bot API, answering every call after a fixed latency and keeping each screen."""

    def __init__(self, latency: float) -> None:
        super().__init__()
        self.latency = latency
        self.screens: dict[int, Screen] = {}
        self.shown: dict[tuple[int, str], int] = {}  # sends and edits per chat: reply times
        self.acks: list[str] = []
        self.lock = threading.Lock()
        self.counter = [0]

    def call(self, method: str, params: dict[str, Any]) -> object:
        """Waits the latency, answers as the fake does, then updates the chat's screen."""
        time.sleep(self.latency)
        result = super().call(method, params)
        if method in SHOWN and isinstance(result, dict):
            self._show(method, params, result)
        return result

    def _show(self, method: str, params: dict[str, Any], result: dict[str, Any]) -> None:
        chat = int(params.get("chat_id", 0))
        markup = params.get("reply_markup")
        markup = json.loads(markup) if isinstance(markup, str) else markup
        buttons = [b for row in (markup or {}).get("inline_keyboard", []) for b in row]
        with self.changed:
            screen = self.screens.setdefault(chat, Screen())
            sent = method.startswith("send")
            # A question answers an answer, an edit a tick; an outbox notice mid-intake answers
            # nothing (counted as a reply, it put the walker out of step with the bot).
            notice = sent and not buttons and chat not in SUPERVISORS
            if sent and not notice:
                screen.message_id, screen.markup = int(result["message_id"]), markup
                screen.text = str(params.get("text", params.get("caption", "")))
            elif not sent and int(params.get("message_id", 0)) == screen.message_id:
                # Calls overlap over HTTP: an edit of an older message must not hide the question.
                screen.text = str(params.get("text", screen.text))
                screen.markup = markup
            kind = "notice" if notice else "send" if sent else "edit"
            self.shown[(chat, kind)] = self.shown.get((chat, kind), 0) + 1
            if chat in SUPERVISORS:
                self.acks += [b["callback_data"] for b in buttons if b["text"] == "Acknowledge"]
            self.changed.notify_all()

    def push(self, update: dict[str, Any]) -> None:
        """Queues one update as Telegram would, with the next update id."""
        with self.changed:
            self.next_update_id += 1
            update["update_id"] = self.next_update_id
            self.updates.append(update)
            self.changed.notify_all()


class PhotoWalker(Walker):
    """A worker who sends a photo for a photo question, then taps Done."""

    photos_sent: int = 0

    def next_update(self) -> dict[str, Any] | None:
        """Returns the next update: a photo when a photo is asked for the first time."""
        screen = self.api.screens.get(self.user_id)
        buttons = [
            b
            for row in ((screen.markup if screen else None) or {}).get("inline_keyboard", [])
            for b in row
        ]
        if any(b["text"] == "Submit report" for b in buttons):
            return None  # the review: the worker taps Submit next
        found = self._field(screen.text) if screen and self.started else None
        if found is not None and found.kind is Kind.PHOTO:
            done = [b for b in buttons if b["text"] == "Done"]
            if self.failed_key == found.name and done and screen is not None:
                return self._query(screen, done[0]["callback_data"])
            self.failed_key = found.name
            self.photos_sent += 1
            update = self._message("")
            message = update["message"]
            del message["text"]
            sizes = (90, 800)
            message["photo"] = [
                {
                    "file_id": f"f{self.user_id}-{self.photos_sent}-{s}",
                    "width": s,
                    "height": s,
                    "file_unique_id": f"u{self.user_id}-{self.photos_sent}-{s}",
                }
                for s in sizes
            ]
            return update
        return super().next_update()


def worker(api: SlowBotApi, walker: Walker, latencies: list[float], errors: list[str]) -> None:
    """Files one report through review and submit, timing each reply."""
    submitted = False
    while True:
        payload = walker.next_update()
        if payload is None:
            if submitted:
                return
            payload = walker._message("submit")  # what the review screen asks for
            submitted = True
        toggle = str(payload.get("callback_query", {}).get("data", "")).startswith("t:")
        kinds = ["edit"] if toggle else ["send", "notice"] if submitted else ["send"]
        keys = [(walker.user_id, k) for k in kinds]  # the submit's answer has no question
        with api.changed:
            before = sum(api.shown.get(key, 0) for key in keys)
        start = time.monotonic()
        api.push(payload)
        with api.changed:
            if not api.changed.wait_for(partial(_more, api, keys, before), 30):
                errors.append("no reply in 30 s")
                return
        latencies.append(time.monotonic() - start)
        if submitted:
            return


def _more(api: SlowBotApi, keys: list[tuple[int, str]], before: int) -> bool:
    return sum(api.shown.get(key, 0) for key in keys) > before


def supervisors(api: SlowBotApi, stop: threading.Event) -> int:
    """Taps Acknowledge on every message that offers it; returns how many taps."""
    taps = 0
    while not stop.is_set():
        with api.changed:
            api.changed.wait(0.2)
            pending, api.acks = api.acks, []
        for data in pending:
            chat = SUPERVISORS[taps % len(SUPERVISORS)]
            user = {"id": chat, "is_bot": False, "first_name": "Sup"}
            message = {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}}
            api.push(
                {
                    "callback_query": {
                        "id": f"a{taps}",
                        "from": user,
                        "chat_instance": "s",
                        "data": data,
                        "message": message,
                    }
                }
            )
            taps += 1
    return taps


def percentile(values: list[float], q: float) -> float:
    """Returns the q-th percentile (0-100) of the values, 0 for none."""
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Runs the load once and returns its figures."""
    logging.basicConfig(level=logging.ERROR)
    api = SlowBotApi(args.latency)
    api.start()
    folder = Path(tempfile.mkdtemp(prefix="http-load-"))
    engine = repo.make_engine(
        f"sqlite:///{folder / 'intake.db'}", keyring=crypto.Keyring.generate()
    )
    repo.create_tables(engine)
    rng = random.Random(args.seed)
    workers = [10_000 + i for i in range(args.workers)]
    now = datetime.now(UTC)
    with repo.transaction(engine) as session:
        for user in workers:
            staff.put(session, telegram_id=user, role=Role.STAFF, now=now)
        for user in SUPERVISORS:  # both on call at once, each acknowledging what they get
            staff.put(session, telegram_id=user, role=Role.SUPERVISOR, now=now, rank=1)
    service = IntakeService(
        flow=validate_flow(FLOW),
        engine=engine,
        clock=lambda: datetime.now(UTC),
        zone=Settings().zone,
    )
    base = f"http://127.0.0.1:{api.port}"
    settings = Settings(
        _env_file=None,
        telegram_bot_token="123:LOAD",
        telegram_api_base_url=f"{base}/bot",
        telegram_api_file_url=f"{base}/file/bot",
    )
    app = build_application(settings, service=service, delivery_interval=0.2, rate_limited=False)
    latencies: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    async with app:
        assert app.updater is not None and app.post_init is not None
        await app.post_init(app)
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        stop = threading.Event()
        # Threads of their own: in the default executor they would starve the bot's own steps.
        pool = ThreadPoolExecutor(max_workers=args.workers + 1, thread_name_prefix="phone")
        loop = asyncio.get_running_loop()
        acks = loop.run_in_executor(pool, supervisors, api, stop)
        walkers = [
            PhotoWalker(u, FLOW, service.zone, random.Random(rng.random()), api, api.counter)  # type: ignore[arg-type]
            for u in workers
        ]
        runs = [loop.run_in_executor(pool, worker, api, w, latencies, errors) for w in walkers]
        try:
            await asyncio.wait_for(asyncio.gather(*runs), args.limit)
        except TimeoutError:
            errors.append("time limit reached")
        filed = time.monotonic() - started
        await asyncio.sleep(3)  # the outbox's last rows and acknowledgements
        stop.set()
        taps = await acks
        pool.shutdown()
        await app.updater.stop()
        await app.stop()
    api.stop()
    with Session(engine) as session:
        rows = list(session.exec(select(Notification)))
        states = Counter(r.state for r in repo.list_reports(session))
        submitted = states["submitted"]
    lags = [(r.sent_at - r.created_at).total_seconds() for r in rows if r.sent_at]
    return {
        "workers": args.workers,
        "latency_per_call_ms": round(args.latency * 1000),
        "reports_submitted": submitted,
        "report_states": dict(states),
        "updates": len(latencies),
        "errors": len(errors) + sum(1 for r in rows if r.status == "failed_permanent"),
        "error_kinds": sorted(set(errors)),
        "reply_p50_ms": round(percentile(latencies, 50) * 1000),
        "reply_p99_ms": round(percentile(latencies, 99) * 1000),
        "outbox_rows": len(rows),
        "outbox_sent": len(lags),
        "outbox_lag_p50_ms": round(percentile(lags, 50) * 1000),
        "outbox_lag_p99_ms": round(percentile(lags, 99) * 1000),
        "outbox_lag_max_ms": round(max(lags, default=0) * 1000),
        "acknowledged": taps,
        "wall_s": round(filed, 1),
        "throughput_updates_per_s": round(len(latencies) / filed, 1) if filed else 0,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per Bot API call")
    parser.add_argument("--limit", type=float, default=240, help="seconds before giving up")
    parser.add_argument("--seed", type=int, default=16)
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
