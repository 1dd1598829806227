"""Drives the real flow through the service like a worker would, counting the messages sent.

Used by the repeat-episode tests and, run as ``python -m tests.episode_driver``, to print the
figures the README quotes: messages for a child's first episode vs a second one in which every
stable section is confirmed with one tap.
"""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from zoneinfo import ZoneInfo

from bot.service.intake import IntakeService, Outcome
from flows.engine import Prompt
from flows.missing_from_care import FLOW
from flows.schema import Kind
from storage import repository as repo

ZONE = ZoneInfo("America/New_York")
START = datetime(2026, 3, 2, 22, 0, tzinfo=ZONE)
KEY = b"episode-driver-key"

# Answers by field name; anything not listed gets a plain answer of its kind.
FIXED = {
    "date_of_birth": "2011-04-02",
    "child_name": "Alvarez, Destiny Marie",
    "photo_date": "2026-01-10",
    "agency_case_number": "CW-2024-0117",
    "reporter_name": "Sam Ortiz",
    "ssn": "skip",
    "nic_number": "M{n:09d}",
    "le_case_number": "DPD-26-{n:05d}",
    "ncmec_case_number": "NCMEC-{n:07d}",
    "last_seen_at": "6 hours ago",
    "discovered_missing_at": "5 hours ago",
    "agency_notified_at": "4 hours ago",
    "medication_last_dose": "8 hours ago",
    "le_reported_at": "2 hours ago",
    "ncmec_reported_at": "1 hour ago",
    "found_at": "3 hours ago",
    "found_where": "Motel 6 on Wagner Ford Rd",
    "found_with": "An adult man, about 22, called Tre",
    "episode_experience": "Stayed two nights at a motel paid by an adult",
    "debrief_at": "skip",
    "screening_at": "skip",
    "prior_episode_count": "1",
}
# The "realistic" worker's child (the group-home case of tests/transcripts): insulin-dependent,
# signs of exploitation, tattoos and piercings; these are ticked in the checklists and answered
# yes at a yes/no. The "minimal" worker ticks "None of these" and answers no to every yes/no.
YES = frozenset(
    {"medical", "medication", "online_enticement", "csec", "tattoos", "piercings", "glasses"}
)
BY_KIND = {
    Kind.TEXT: "Not known beyond what is on file",
    Kind.INTEGER: "2",
    Kind.DATE: "2025-06-01",
    Kind.DATETIME: "1 hour ago",
    Kind.PHONE: "937-555-0142",
    Kind.EMAIL: "oncall@agency.example",
    Kind.HEIGHT: "5'5\"",
    Kind.WEIGHT: "120",
    Kind.YES_NO: "no",
}


# The call-ready milestone's message starts with these words.
CALL_READY = "You have what police need"


def tiny_png() -> bytes:
    """Returns a valid 1x1 RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xb0\x80\x60")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@dataclass
class Clock:
    """An injected clock the test moves by hand."""

    now: datetime = START

    def __call__(self) -> datetime:
        """Returns the current test time."""
        return self.now


@dataclass
class Run:
    """One conversation: the messages sent and the keys of the questions they answered."""

    report_id: int = 0
    messages: int = 0
    seconds: float = 0.0
    asked: list[str] = field(default_factory=list)
    last: Outcome | None = None
    call_ready_at: int = 0  # the message after which police could be called (0: never)


def answer(
    prompt: Prompt,
    episode: int,
    yes: frozenset[str] = YES,
    overrides: Mapping[str, str] | None = None,
) -> str:
    """Returns what the scripted worker sends for a prompt."""
    if prompt.key.startswith("_prefill."):
        return "keep_all"
    if prompt.key == "_submit":
        return "submit"
    name = prompt.key.rsplit(".", 1)[-1]
    if overrides and name in overrides:
        return overrides[name]
    if name in FIXED:
        return FIXED[name].format(n=episode)
    if name in yes:
        return "yes"
    if prompt.kind is Kind.MULTI_CHOICE and any(c.exclusive for c in prompt.choices):
        ticked = [c.value for c in prompt.choices if c.value in yes]
        return ", ".join(ticked) or next(c.value for c in prompt.choices if c.exclusive)
    if prompt.kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
        return next(c.value for c in prompt.choices if c.value not in ("keep", "unknown", "skip"))
    return BY_KIND.get(prompt.kind, "skip")


def converse(
    service: IntakeService,
    worker: str,
    first: Outcome,
    episode: int,
    yes: frozenset[str] = YES,
    *,
    overrides: Mapping[str, str] | None = None,
) -> Run:
    """Answers every question until the report (or recovery record) is submitted."""
    run = Run(report_id=first.report_id, messages=1, last=first)
    outcome = first
    began = time.perf_counter()
    while outcome.reply.state != "submitted" and run.messages < 500:
        prompt = outcome.reply.prompt
        assert prompt is not None, outcome.reply
        run.asked.append(prompt.key)
        if (
            prompt.kind is Kind.PHOTO
            and prompt.key not in ("done",)
            and "done" not in [c.value for c in prompt.choices]
        ):
            outcome = service.add_photo(worker, content=tiny_png(), mime="image/png")
        elif prompt.kind is Kind.PHOTO:
            outcome = service.handle_text(worker, "done")
        else:
            text = answer(prompt, episode, yes, overrides)
            outcome = service.handle_text(worker, text)
            if outcome.reply.error and text != "skip":
                run.messages += 1
                outcome = service.handle_text(worker, "skip")
        run.messages += 1
        run.last = outcome
        if not run.call_ready_at and any(CALL_READY in a for a in outcome.reply.alerts):
            run.call_ready_at = run.messages
    run.seconds = time.perf_counter() - began
    return run


def service_for(url: str, clock: Clock) -> IntakeService:
    """Returns a service over a fresh database with the real flow."""
    engine = repo.make_engine(url)
    repo.create_tables(engine)
    return IntakeService(flow=FLOW, engine=engine, clock=clock, zone=ZONE, match_key=KEY)


def two_episodes(
    service: IntakeService, clock: Clock, worker: str = "w1", yes: frozenset[str] = YES
) -> tuple[Run, Run, Run]:
    """Reports a child missing, records the recovery, then reports the same child again."""
    first = converse(service, worker, service.start(worker, new=True), 1, yes)
    clock.now += timedelta(days=2)
    recovery = converse(service, worker, service.found(worker), 1, yes)
    clock.now += timedelta(days=12)
    second = converse(service, worker, service.start(worker, new=True), 2, yes)
    return first, recovery, second


def main() -> None:
    """Prints the message counts the README quotes."""
    for scenario, yes in (("realistic", YES), ("minimal", frozenset[str]())):
        with TemporaryDirectory() as folder:
            clock = Clock()
            service = service_for(f"sqlite:///{Path(folder) / 'episodes.db'}", clock)
            first, recovery, second = two_episodes(service, clock, yes=yes)
            service.engine.dispose()
        share = second.messages / first.messages
        ready = second.call_ready_at / first.call_ready_at
        print(
            f"{scenario}: first episode {first.messages} messages, recovery {recovery.messages}, "
            f"second episode {second.messages} ({share:.0%} of the first); police call-ready "
            f"after {first.call_ready_at} messages first, {second.call_ready_at} second "
            f"({ready:.0%}); mean step "
            f"{first.seconds / first.messages * 1e3:.1f} ms first, "
            f"{second.seconds / second.messages * 1e3:.1f} ms second"
        )


if __name__ == "__main__":
    main()
