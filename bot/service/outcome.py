"""What a service call hands back to an adapter: the committed step, or why nothing changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.service.episodes import Notification
from flows.replies import Event, Reply

EXPIRED = "This button has expired. Please use the latest question."
NOT_ALLOWED = "Not allowed."
# Telegram re-delivers an unconfirmed update for at most a day; keep a week to be safe.
KEEP_UPDATES = timedelta(days=7)


class ReportNotFound(LookupError):
    """No report has that id."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A committed step: which report it touched and what to show."""

    report_id: int
    reply: Reply
    version: int = 0
    duplicate: bool = False
    chosen: str = ""
    # The worker's message carried an identifying or special-category answer (P2/P3) or a photo.
    sensitive: bool = False
    notifications: tuple[Notification, ...] = ()


DUPLICATE = Outcome(0, Reply("", Event.DUPLICATE), duplicate=True)


def refused(
    report_id: int, event: Event, error: str, *, state: str = "", version: int = 0
) -> Outcome:
    """Returns the outcome of a call that changed nothing, with the message that says why."""
    return Outcome(report_id, Reply(state, event, error=error), version)
