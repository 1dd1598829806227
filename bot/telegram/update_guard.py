"""Skips an update python-telegram-bot cannot parse, audits it by id, and goes on with the rest.

PTB parses a ``getUpdates`` batch as a whole: one update it cannot parse (an older Bot API
server's poll without ``allows_revoting``) fails the batch, the offset never moves past it, and
every retry logs the raw batch, answers included, at CRITICAL; the bot answers no one again. In
webhook mode PTB logs the body the same way and answers 400, so Telegram sends it again.

Here each update is parsed on its own before PTB sees it. One that fails is replaced by a stub
holding only its ``update_id`` and a marker: PTB parses the stub, so the offset moves past it,
and ``skip_unparsed`` (the first handler) audits it by id and stops it. Its contents are dropped
unread and never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, cast

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.service.intake import IntakeService

log = logging.getLogger(__name__)

MARKER = "intake_unparsed"  # not a Bot API field: PTB keeps it in the stub's api_kwargs
EVENT = "update.unparsed"
GROUP = -3  # before the access gate (-2), which would count the stub as a stranger


def screen(update: object) -> object:
    """Returns the update as it is when PTB can parse it, else a stub with its id (or None)."""
    try:
        Update.de_json(cast(dict[str, Any], update), None)
    except Exception as error:  # any parse failure; PTB raises TypeError, KeyError, ValueError
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int):
            return None  # nothing to confirm it by: drop it
        return {"update_id": update_id, MARKER: type(error).__name__}
    return update


def screen_batch(body: bytes) -> bytes:
    """Returns a ``getUpdates`` answer with every unparsable update replaced by its stub."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body  # not JSON: PTB reports it as a network error without the body
    result = payload.get("result") if isinstance(payload, dict) else None
    if not isinstance(result, list):
        return body
    screened = [screen(update) for update in result]
    if all(new is old for new, old in zip(screened, result, strict=True)):
        return body
    payload["result"] = [update for update in screened if update is not None]
    return json.dumps(payload).encode()


def screen_webhook(body: bytes) -> bytes:
    """Returns a webhook body as it is when PTB can parse it, else the stub's JSON."""
    try:
        update = json.loads(body)
    except ValueError:
        return body
    screened = screen(update)
    if screened is update:
        return body
    # Without an id there is nothing to audit it by; 0 still keeps its contents out of PTB's log.
    stub = screened if screened is not None else {"update_id": 0, MARKER: "NoUpdateId"}
    return json.dumps(stub).encode()


def screening(request: BaseRequest | None) -> ScreeningRequest:
    """Returns the ``getUpdates`` request (PTB's default when None) wrapped in the screen."""
    return ScreeningRequest(request or HTTPXRequest(connection_pool_size=1))


class ScreeningRequest(BaseRequest):
    """Wraps the ``getUpdates`` request so PTB only ever parses updates it can."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        """Returns the wrapped request's read timeout."""
        return self.inner.read_timeout

    async def initialize(self) -> None:
        """Opens the wrapped request."""
        await self.inner.initialize()

    async def shutdown(self) -> None:
        """Closes the wrapped request."""
        await self.inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Makes the call, then screens the batch of a successful ``getUpdates``."""
        code, body = await self.inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if code == 200 and url.endswith("/getUpdates"):
            body = await asyncio.to_thread(screen_batch, body)
        return code, body


def install(app: Application[Any, Any, Any, Any, Any, Any], service: IntakeService) -> None:
    """Adds the first handler, which audits and stops each stub."""

    async def skip_unparsed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = update.api_kwargs.get(MARKER)
        if error is None:
            return
        await asyncio.to_thread(_audit, service, update.update_id, str(error))
        raise ApplicationHandlerStop

    app.add_handler(TypeHandler(Update, skip_unparsed), group=GROUP)


def _audit(service: IntakeService, update_id: int, error: str) -> None:
    # The audit row's object is the update (its id), not a report; the actor is Telegram itself.
    service.record(EVENT, report_id=update_id, actor="telegram", outcome="skipped", reason=error)
    log.warning("%s update=%s error=%s", EVENT, update_id, error)
