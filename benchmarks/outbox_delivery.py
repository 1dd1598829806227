"""Measures the outbox sender: rows delivered per second through a Bot API that answers at once.

Run: .venv/bin/python benchmarks/outbox_delivery.py
The network is faked (no latency), so this is the sender's own cost: claim, render, mark.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.request import BaseRequest, RequestData

from bot.service.intake import IntakeService
from bot.telegram.delivery import Delivery
from flows.missing_from_care import FLOW
from storage import outbox, staff
from storage import repository as repo
from storage.staff import Role

ZONE = ZoneInfo("America/New_York")
REPORTS, SUPERVISORS = 20, 3


class InstantApi(BaseRequest):
    """Answers every Bot API call with success at once."""

    def __init__(self) -> None:
        self.count = 0

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        self.count += 1
        params = dict(request_data.parameters) if request_data else {}
        result: object = True
        if url.endswith("getMe"):
            result = {"id": 1, "is_bot": True, "first_name": "B", "username": "b"}
        elif "/send" in url:
            chat = {"id": params.get("chat_id", 0), "type": "private"}
            result = {"message_id": self.count, "date": 0, "chat": chat}
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def main() -> None:
    """Queues an alert for each supervisor of each report and times one delivery pass."""
    with tempfile.TemporaryDirectory() as folder:
        engine = repo.make_engine(f"sqlite:///{Path(folder) / 'intake.db'}")
        repo.create_tables(engine)
        now = datetime.now(UTC)
        service = IntakeService(flow=FLOW, engine=engine, clock=lambda: now, zone=ZONE)
        with repo.transaction(engine) as session:
            for n in range(SUPERVISORS):
                staff.put(session, telegram_id=500 + n, role=Role.SUPERVISOR, now=now)
        for n in range(REPORTS):
            report_id = service.start(f"console:w{n}").report_id
            for _ in range(12):
                service.handle_text(f"console:w{n}", "unknown")
            with repo.transaction(engine) as session:
                outbox.enqueue(
                    session,
                    kind="alert",
                    report_id=report_id,
                    recipients=[500 + i for i in range(SUPERVISORS)],
                    dedupe_key=f"bench:{report_id}",
                    now=now,
                )
        api = InstantApi()
        bot = Bot("1:BENCH", request=api)
        await bot.initialize()
        delivery = Delivery(service, bot, jitter=lambda: 0.0)
        started = time.perf_counter()
        rows = await delivery.run_once()
        took = time.perf_counter() - started
        await bot.shutdown()
        print(
            f"outbox: {rows} alert rows ({REPORTS} reports x {SUPERVISORS} supervisors) in "
            f"{took:.2f} s: {rows / took:.0f} rows/s, {took / rows * 1e3:.1f} ms per row"
        )


if __name__ == "__main__":
    asyncio.run(main())
