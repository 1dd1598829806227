"""The outbox sender: claims due rows, renders each at send time, sends, and records the result.

Delivery is at-least-once with the mark AFTER the send: a row is leased (attempts + 1,
``next_attempt_at`` pushed past the lease) in one short transaction, sent, then marked sent in
another; each part of a multi-part message is recorded as it is accepted (``outbox_parts``), so
a retry sends only the parts not yet accepted. A crash between Telegram accepting a part and its
record means that part is sent again (at start-up, ``resume`` makes rows left in flight due at
once; another live sender would wait for the lease to run out): at most one duplicate of one
part, carrying the same report number. Marking before
the send would instead risk losing an alert for a missing child, which is worse than a repeat;
Telegram offers no idempotency key that would let us have neither.

The same loop fires due reminders and queues escalations, so everything planned in the database
resumes after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.service.intake import IntakeService, ReportNotFound
from bot.service.outbox_rows import Notification
from bot.telegram.notification_text import Message, render
from bot.telegram.outbox_parts import Parts, send_parts
from flows.schema import FlowDefinitionError

log = logging.getLogger(__name__)

MAX_BACKOFF = 60.0
# Recipients served at once: a few keep the lag down while staying well under Telegram's 30/s.
LANES = 4
T = TypeVar("T")
ACK_PREFIX = "ack"
FULL_PREFIX = "full"


def ack_data(report_id: int, notification_id: int) -> str:
    """Returns the Acknowledge button's callback data (well under Telegram's 64 bytes)."""
    return f"{ACK_PREFIX}:{report_id}:{notification_id}"


def full_data(report_id: int) -> str:
    """Returns the "Full report" button's callback data (well under Telegram's 64 bytes)."""
    return f"{FULL_PREFIX}:{report_id}"


class Delivery:
    """Sends the outbox through one bot; ``run_once`` is one pass, ``run`` loops until stopped."""

    def __init__(
        self,
        service: IntakeService,
        bot: Bot,
        *,
        ack_wait: timedelta = timedelta(minutes=15),
        minimal_summary: bool = False,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.service = service
        self.bot = bot
        self.ack_wait = ack_wait
        self.minimal_summary = minimal_summary
        self.jitter = jitter
        # Its own threads: in asyncio's default pool (6 on 2 cores) lanes would delay replies.
        self._pool = ThreadPoolExecutor(LANES + 1, thread_name_prefix="outbox")

    async def _db(self, step: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Runs one database step of the sender in the sender's own threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(step, *args, **kwargs))

    # -- the loop ------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event, *, interval: float = 1.0) -> None:
        """Delivers until ``stop`` is set; a failing pass is logged and retried next interval."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as error:  # the loop must outlive any one bad row or outage
                log.error("outbox.pass_failed error=%s", type(error).__name__)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    def resume(self) -> int:
        """At start-up, makes rows a killed sender left in flight due now; returns how many.

        They may have reached Telegram before the crash: this is the at-most-one duplicate.
        """
        return self.service.outbox_resume()

    async def run_once(self) -> int:
        """Queues due escalations and reminders, then sends every due row; returns rows tried."""
        service = self.service
        await self._db(service.outbox_plan, ack_wait=self.ack_wait)
        tried = 0
        lanes = asyncio.Semaphore(LANES)
        while ids := await self._db(service.outbox_claim):
            queues: dict[int, list[int]] = {}
            for row_id, recipient in await self._db(_recipients, service, ids):
                queues.setdefault(recipient, []).append(row_id)
            lines = [self._lane(queue, lanes) for queue in queues.values()]
            # One recipient needs no task (so a crash mid-send reaches the caller as it is).
            done = [await lines[0]] if len(lines) == 1 else await asyncio.gather(*lines)
            tried += sum(done)
        return tried

    async def _lane(self, ids: list[int], lanes: asyncio.Semaphore) -> int:
        """Sends one recipient's rows in order; a row left to retry holds back the rest."""
        async with lanes:
            for index, row_id in enumerate(ids):
                if not await self._deliver(row_id):
                    await self._db(self.service.outbox_unlease, ids[index + 1 :])
                    return index + 1
            return len(ids)

    def render(self, row: Notification) -> Message:
        """Renders a row's message from the database as it is now (nothing was stored rendered)."""
        return render(self.service, row, minimal_summary=self.minimal_summary)

    # -- one row -------------------------------------------------------------------------------
    async def _deliver(self, row_id: int) -> bool:
        """Tries one row; False when it is left to retry (its recipient's next rows must wait)."""
        service = self.service
        row = await self._db(service.outbox_row, row_id)
        if row is None:
            return True
        try:
            message = await self._db(self.render, row)
        except (ReportNotFound, FlowDefinitionError) as error:
            await self._db(service.outbox_failed, row_id, error=type(error).__name__)
            return True
        try:
            message_id = await self._send(row, message)
        except RetryAfter as error:
            # Telegram said when: wait that long (plus up to 10 %), not counted as a failure.
            wait = _seconds(error.retry_after) * (1 + 0.1 * self.jitter())
            return await self._retry(row_id, wait, "RetryAfter", failure=False)
        except Forbidden:
            await self._db(service.outbox_failed, row_id, error="Forbidden")
        except BadRequest:
            if row.last_error != "BadRequest":  # perhaps HTML Telegram could not parse
                return await self._retry(row_id, 0.0, "BadRequest", failure=True)
            await self._db(service.outbox_failed, row_id, error="BadRequest")  # plain failed too
        except (NetworkError, TelegramError) as error:  # 5xx, timeouts, connection errors
            wait = min(MAX_BACKOFF, 2.0**row.failures) * (1 + 0.1 * self.jitter())
            return await self._retry(row_id, wait, type(error).__name__, failure=True)
        else:
            await self._db(service.outbox_sent, row_id, message_id=message_id)
        return True

    async def _retry(self, row_id: int, wait: float, error: str, *, failure: bool) -> bool:
        await self._db(self.service.outbox_retry, row_id, wait=wait, error=error, failure=failure)
        return False

    async def _send(self, row: Notification, message: Message) -> int:
        buttons = []
        if message.ack:
            data = ack_data(row.report_id, row.id or 0)
            buttons.append(InlineKeyboardButton("Acknowledge", callback_data=data))
        if message.full_report:
            data = full_data(row.report_id)
            buttons.append(InlineKeyboardButton("Full report", callback_data=data))
        markup = InlineKeyboardMarkup([buttons]) if buttons else None
        plain = row.last_error == "BadRequest"
        parts = Parts(message.parts, message.pdf, markup, plain)
        service = self.service

        def record(row_id: int, parts_sent: int, message_id: int) -> None:
            service.outbox_part_sent(row_id, parts_sent=parts_sent, message_id=message_id)

        return await send_parts(self.bot, row, parts, record=record)


def _recipients(service: IntakeService, ids: list[int]) -> list[tuple[int, int]]:
    """Returns each still-pending row's id and recipient, in the claim's order."""
    rows = (service.outbox_row(row_id) for row_id in ids)
    return [(row.id, row.recipient) for row in rows if row is not None and row.id is not None]


def _seconds(value: object) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]
