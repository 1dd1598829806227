"""A message of several parts (a summary's texts and PDF, a long alert) sends each part once.

Each part Telegram accepts is recorded before the next is sent, so a retry after a 429, a 5xx or
a network error sends only the parts not yet accepted, and a crash repeats at most one part.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from telegram.error import NetworkError
from telegram.request import RequestData

from bot.service.outbox_rows import OutboxRows
from bot.telegram.notification_text import Message
from storage.outbox import Notification
from tests.test_outbox import (
    BAD_GATEWAY,
    CALL_READY,
    REST,
    S1,
    Clock,
    FaultyApi,
    Office,
    _office,
    crash_before_the_record,
    say,
    seed,
    too_many,
)

SERVER_ERROR = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
PARTS = ["🚨 <b>part one</b>", "<b>part two</b>", "<b>part three</b>"]


class MethodFaultyApi(FaultyApi):
    """The fake Bot API, plus faults queued per send method to the supervisor S1."""

    def __init__(self) -> None:
        super().__init__()
        self.method_faults: dict[str, list[dict[str, Any] | Exception]] = {}
        self.let_through = 0  # sends to the supervisor that pass before the faults begin

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: Any
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        queue = self.method_faults.get(endpoint)
        if queue and int(params.get("chat_id", 0) or 0) == S1["id"]:
            if self.let_through:
                self.let_through -= 1
                return await super().do_request(url, method, request_data, **kwargs)
            fault = queue.pop(0)
            self.calls.append((f"{endpoint}!", params))
            if isinstance(fault, Exception):
                raise fault
            return int(fault["error_code"]), json.dumps(fault).encode()
        return await super().do_request(url, method, request_data, **kwargs)

    def documents(self, chat_id: int) -> int:
        return sum(1 for p in self.sent("sendDocument") if p.get("chat_id") == chat_id)


@pytest.fixture
def api() -> MethodFaultyApi:
    return MethodFaultyApi()


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def submit(office: Office) -> None:
    # A found child's summary still carries its PDF (a submitted report's waits for a tap):
    # give this one a PDF too, so the texts-then-PDF parts are what goes out.
    real = office.delivery.render

    def with_pdf(row: Notification) -> Message:
        message = real(row)
        return replace(message, pdf=b"%PDF-1.4 summary") if row.kind == "summary" else message

    office.delivery.render = with_pdf  # type: ignore[method-assign]
    await say(office, *CALL_READY, *REST)
    await office.deliver()
    await say(office, "submit")


async def retry_until_sent(office: Office, clock: Clock, kind: str) -> Notification:
    for _ in range(10):
        [row] = office.rows(kind=kind, recipient=S1["id"])
        if row.status == "sent":
            return row
        clock.advance(minutes=1)
        await office.deliver()
    raise AssertionError(f"the {kind} was never sent")


def summary_texts(api: FaultyApi) -> list[str]:
    return [t for t in api.texts(S1["id"]) if "Submitted — report #1" in t]


async def test_a_502_on_the_pdf_sends_the_pdf_again_but_not_the_summary_text(
    db_url: str, api: MethodFaultyApi, clock: Clock
) -> None:
    seed(db_url)
    api.method_faults["sendDocument"] = [BAD_GATEWAY]
    async for office in _office(db_url, api, clock):
        await submit(office)
        await office.deliver()
        [row] = office.rows(kind="summary", recipient=S1["id"])
        assert (row.status, row.last_error, row.parts_sent) == ("pending", "NetworkError", 1)
        assert len(summary_texts(api)) == 1 and api.documents(S1["id"]) == 0
        row = await retry_until_sent(office, clock, "summary")
        assert len(summary_texts(api)) == 1 and api.documents(S1["id"]) == 1
        assert row.parts_sent == 2 and row.sent_message_id is not None


async def test_a_500_then_a_502_then_a_429_on_the_pdf_still_send_each_part_once(
    db_url: str, api: MethodFaultyApi, clock: Clock
) -> None:
    seed(db_url)
    api.method_faults["sendDocument"] = [SERVER_ERROR, BAD_GATEWAY, too_many(3)]
    async for office in _office(db_url, api, clock):
        await submit(office)
        await office.deliver()
        await retry_until_sent(office, clock, "summary")
        assert len(summary_texts(api)) == 1 and api.documents(S1["id"]) == 1
        assert len([c for c in api.calls if c[0] == "sendDocument!"]) == 3


async def test_a_long_alert_that_fails_on_its_second_part_sends_its_first_part_once(
    db_url: str, api: MethodFaultyApi, clock: Clock
) -> None:
    seed(db_url)
    async for office in _office(db_url, api, clock):
        office.delivery.render = lambda row: Message(list(PARTS), ack=True)  # type: ignore[method-assign]
        # Part one goes through; part two meets a reset connection, then a 502.
        api.let_through = 1
        api.method_faults["sendMessage"] = [NetworkError("connection reset"), BAD_GATEWAY]
        await say(office, *CALL_READY)
        await office.deliver()
        row = await retry_until_sent(office, clock, "alert")
        texts = api.texts(S1["id"])
        assert texts == PARTS  # each part once, in order
        last = [p for p in api.sent() if p.get("chat_id") == S1["id"]][-1]
        assert last["reply_markup"]["inline_keyboard"][0][0]["text"] == "Acknowledge"
        assert row.parts_sent == 3


async def test_a_crash_between_two_parts_repeats_only_the_part_in_flight(
    db_url: str, api: MethodFaultyApi, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(db_url)
    async for office in _office(db_url, api, clock):
        office.delivery.render = lambda row: Message(list(PARTS), ack=True)  # type: ignore[method-assign]
        await say(office, *CALL_READY)

        # Part one is recorded; part two reaches Telegram and the process dies before its record.
        def record_then_crash(
            *args: Any, record: Any = OutboxRows.outbox_part_sent, **kwargs: Any
        ) -> None:
            record(*args, **kwargs)
            crash_before_the_record(monkeypatch)

        monkeypatch.setattr(OutboxRows, "outbox_part_sent", record_then_crash)
        with pytest.raises(KeyboardInterrupt):
            await office.deliver()
        assert api.texts(S1["id"]) == PARTS[:2]
    async for office in _office(db_url, api, clock):
        office.delivery.render = lambda row: Message(list(PARTS), ack=True)  # type: ignore[method-assign]
        assert office.delivery.resume() == 1
        await office.deliver()
        assert api.texts(S1["id"]) == [PARTS[0], PARTS[1], PARTS[1], PARTS[2]]
        [row] = office.rows(kind="alert", recipient=S1["id"])
        assert (row.status, row.parts_sent) == ("sent", 3)
