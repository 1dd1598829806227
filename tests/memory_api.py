"""A Bot API request object that answers from memory: no network I/O.

PTB's own testing approach (a ``BaseRequest`` subclass), shared by the tests' fakes and the
benchmark's: each subclass says only how it answers one call.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT = {"id": 999, "is_bot": True, "first_name": "Intake", "username": "IntakeBot"}
GET_ME = {**BOT, "can_join_groups": False, "can_read_all_group_messages": False}


def ok(result: object) -> tuple[int, bytes]:
    """Returns a successful Bot API answer carrying ``result``."""
    return 200, json.dumps({"ok": True, "result": result}).encode()


class MemoryRequest(BaseRequest):
    """Hands every Bot API call to ``answer`` as its method name and parameters."""

    @property
    def read_timeout(self) -> float | None:
        """Returns the default read timeout PTB asks every request for."""
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Splits the call into its method name and parameters and answers it."""
        params = dict(request_data.parameters) if request_data else {}
        return await self.answer(url, url.rsplit("/", 1)[-1], params, request_data)

    async def answer(
        self, url: str, endpoint: str, params: dict[str, Any], request_data: RequestData | None
    ) -> tuple[int, bytes]:
        """Returns the status and JSON body the Bot API would for one call."""
        raise NotImplementedError
