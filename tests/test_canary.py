"""Canaries: distinctive values given through a whole report never reach a log or the DB in clear.

Run on both adapters. The app's loggers (and SQLAlchemy's statement log) are at DEBUG, the
libraries at the level the app sets them; the SQLite file and its write-ahead log are read as raw
bytes while the database is still open, so nothing has been checkpointed away yet.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import log_safety
from bot.service.intake import IntakeService
from bot.terminal.console import run_console
from flows.missing_from_care import FLOW
from storage import crypto
from storage import repository as repo
from tests import test_telegram_app as tg
from tests.conftest import MINI_FLOW, NOW, ZONE
from tests.test_console_e2e import tiny_png, transcript_messages

APP_LOGGERS = ("bot", "storage", "flows", "sqlalchemy.engine")
PHOTO_CANARY = b"ZZCANARY-PHOTO-51d0"


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Captures every log line at DEBUG for the app's loggers, as the app configures libraries."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in (*APP_LOGGERS, *log_safety.QUIET)}
    saved_root = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in APP_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    for name in log_safety.QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_root)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def leaks(canaries: list[str], *, logs: str, db: Path) -> list[str]:
    """Returns each canary found in the logs, the database file or its write-ahead log."""
    found = [f"log:{c}" for c in canaries if c in logs]
    for path in (db, db.with_name(db.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        found += [f"{path.name}:{c}" for c in canaries if c.encode() in data]
        found += [f"{path.name}:photo"] if PHOTO_CANARY in data else []
    return found


def test_a_whole_console_report_leaves_no_canary_in_logs_or_database(
    tmp_path: Path, logs: io.StringIO
) -> None:
    messages, photo = transcript_messages(tmp_path, today=NOW.date())
    Path(photo).write_bytes(tiny_png() + PHOTO_CANARY)
    db = tmp_path / "intake.db"
    engine = repo.make_engine(f"sqlite:///{db}", keyring=crypto.Keyring.generate())
    repo.create_tables(engine)
    service = IntakeService(flow=FLOW, engine=engine, clock=lambda: NOW, zone=ZONE)
    screen = io.StringIO()
    run_console(
        service,
        worker="console:ana",
        stdin=io.StringIO("\n".join(messages) + "\n"),
        stdout=screen,
    )
    assert "Alvarez, Destiny Marie" in screen.getvalue()  # the canaries really went through
    assert "is submitted and saved" in screen.getvalue()
    assert service.photos(1) == [tiny_png() + PHOTO_CANARY]
    canaries = [
        "Alvarez, Destiny Marie",
        "Destiny",
        "Type 1 diabetes",
        "tre.bandz937",
        "Priya Raman",
        "Harmony House",
        "9375550111",
        "937-555-0111",
    ]
    assert leaks(canaries, logs=logs.getvalue(), db=db) == []
    assert "report.created" in logs.getvalue()  # the capture itself works


async def test_a_whole_telegram_report_leaves_no_canary_in_logs_or_database(
    tmp_path: Path, logs: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tg, "PNG", tg.PNG + PHOTO_CANARY)
    async for chat in tg._chat(tg.file_engine(tmp_path), MINI_FLOW):
        await chat.send("/start")
        await chat.tap("No")
        dob = await chat.send("2011-03-07")
        name = await chat.send("ZZCANARY-NAME-7f3a")
        await chat.tap("Black")
        for text in ("today 09:00", "today 10:00"):
            await chat.send(text)
        await chat.tap("Yes")  # medical
        medical = await chat.send("ZZCANARY-MED-91c2 <b>&</b>")
        await chat.edit(medical, "ZZCANARY-MED-EDITED-3c1e")
        await chat.tap("Skip")  # NIC
        await chat.photo("p1")
        await chat.tap("Done")
        await chat.tap("No")
        await chat.tap("Submit report")
        assert chat.answers()["child_name"] == "ZZCANARY-NAME-7f3a"
        assert chat.answers()["medical_detail"] == "ZZCANARY-MED-EDITED-3c1e"
        deleted = {p["message_id"] for p in chat.api.sent("deleteMessage")}
        assert {dob, name, medical} <= deleted  # Telegram's copy of each is removed
        canaries = ["ZZCANARY-NAME-7f3a", "ZZCANARY-MED-91c2", "ZZCANARY-MED-EDITED-3c1e"]
        found = leaks(
            [*canaries, "2011-03-07", "123:TEST"], logs=logs.getvalue(), db=tmp_path / "intake.db"
        )
        assert found == []
        assert "report.step" in logs.getvalue()
