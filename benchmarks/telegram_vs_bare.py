"""The full Telegram path against a bare python-telegram-bot bot, memory per report, start-up.

Run: .venv/bin/python benchmarks/telegram_vs_bare.py [--database-url postgresql+psycopg://...]

Full path: Update JSON → ``Update.de_json`` → the update processor → ``Application.process_update``
→ our handlers → engine → commit → replies through ``CannedRequest`` (no network I/O). Each of
``--chats`` workers walks the real flow concurrently, reading the bot's last question and
answering with a tap, a realistic value or 'unknown', until the review screen. The bare bot is a
``ConversationHandler`` with no storage that gets exactly the same update JSON, chat by chat,
through the same request class and the same per-chat update processor. A third run, the floor, is
that bare bot committing each update to plain SQLite in a worker thread: what durability alone
costs. All run with PTB's rate limiter off: Telegram's flood limits are not a cost of any.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# Run as a script, this folder is on the path but the project root (for ``benchmarks.``) is not.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text as sql
from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from benchmarks.canned_api import CannedRequest, Walker

App = Application[Any, Any, Any, Any, Any, Any]
# One timed run: each update's latency (s), wall and CPU seconds, and Bot API calls made.
Measured = tuple[list[float], float, float, int]
SQLITE = "sqlite"
ASK = 1
BARE_QUESTION = (
    "<i>The child · section 4 of 16 · about 42 questions left</i>\n"
    "<b>What is the child's first name?</b>"
)


@dataclass
class Figures:
    """One measured run: how many updates, how fast, and what it cost."""

    label: str
    updates: int
    committed: int
    wall_s: float
    cpu_s: float
    p50_ms: float
    p99_ms: float
    api_calls: int
    errors: int

    @classmethod
    def of(cls, label: str, measured: Measured, committed: int, errors: int) -> Figures:
        """Returns the figures of one timed run."""
        times, wall, cpu, calls = measured
        p50, p99 = _percentile(times, 0.5), _percentile(times, 0.99)
        return cls(label, len(times), committed, wall, cpu, p50, p99, calls, errors)

    @property
    def per_second(self) -> float:
        """Returns the updates handled per second of wall time."""
        return self.updates / self.wall_s

    @property
    def cpu_ms(self) -> float:
        """Returns the process CPU time per update (all threads), in milliseconds."""
        return self.cpu_s / self.updates * 1e3


def _percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1e3


async def _feed(app: App, payload: dict[str, Any], times: list[float]) -> None:
    start = time.perf_counter()
    update = Update.de_json(payload, app.bot)
    # What Application does with an update from its queue, awaited so it can be timed.
    await app.update_processor.process_update(update, app.process_update(update))
    times.append(time.perf_counter() - start)


async def _measure(
    app: App, request: CannedRequest, chats: list[Callable[[list[float]], Any]]
) -> Measured:
    times: list[float] = []
    calls = request.calls
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(chat(times) for chat in chats))
    return times, time.perf_counter() - wall, time.process_time() - cpu, request.calls - calls


ERRORS: Counter[str] = Counter()  # handler errors of every run, by exception type


def _errors(app: App) -> list[int]:
    # Counted, by type, and shown under the table; the bot's own error log would flood it.
    logging.getLogger("bot.telegram.app").setLevel(logging.CRITICAL)
    errors = [0]

    async def count(_update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors[0] += 1
        ERRORS[f"{type(context.error).__name__}: {str(context.error)[:80]}"] += 1

    app.add_error_handler(count)
    return errors


# -- the full path ---------------------------------------------------------------------------
def _full_app(
    url: str, synchronous: str, *, staff: range, keep_screens: bool = True
) -> tuple[App, CannedRequest]:
    from bot.config import Settings
    from bot.service.compose import build_service
    from bot.telegram.app import build_application
    from storage.crypto import Keyring

    settings = Settings(
        telegram_bot_token="123:bench",  # type: ignore[arg-type]
        database_url=url,
        sqlite_synchronous=synchronous,
        _env_file=None,  # type: ignore[call-arg]
    )
    request = CannedRequest(keep_screens=keep_screens)
    # Every answer is sealed (AES-GCM) as in production; the key is this run's own.
    service = build_service(settings, keyring=Keyring.generate("bench"))
    _enrol(service.engine, staff)
    app = build_application(
        settings,
        service=service,
        request=request,
        get_updates_request=request,
        rate_limited=False,
        # The outbox rows are written in each step (measured); sending them is background work.
        delivery_interval=None,
    )
    return app, request


def _enrol(engine: Any, ids: range) -> None:
    """Puts the benchmark's workers on the staff list, so the access gate lets them in."""
    from datetime import UTC, datetime

    from storage.staff import Staff
    from storage.statements import insert_for

    now = datetime.now(UTC)
    rows = [
        {
            "telegram_id": i,
            "role": "staff",
            "display_name": "",
            "on_call_rank": 0,
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for i in ids
    ]
    insert = insert_for(engine.dialect.name)
    with engine.begin() as connection:  # a start-up run again on the same database: no-op
        connection.execute(insert(Staff).on_conflict_do_nothing(), rows)


def _count(engine: Any, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sql(f"SELECT count(*) FROM {table}")).scalar_one())


async def _think(rng: random.Random, think: float) -> None:
    if think > 0:  # a worker reads the question and types; the pause is not timed
        await asyncio.sleep(rng.expovariate(1 / think))


async def run_full(
    label: str,
    url: str,
    synchronous: str,
    *,
    chats: int,
    steps: int,
    think: float = 0.0,
    seed: int = 7,
) -> tuple[Figures, list[list[dict[str, Any]]]]:
    """Walks ``chats`` workers through the flow at once; returns figures and the updates sent."""
    from flows.missing_from_care import FLOW

    app, request = _full_app(url, synchronous, staff=range(49_999, 50_000 + chats))
    errors = _errors(app)
    await app.initialize()
    service = app.bot_data["runtime"].service
    update_ids = [0]
    walkers = [
        Walker(50_000 + i, FLOW, service.zone, random.Random(seed + i), request, update_ids)
        for i in range(chats)
    ]

    harness = [0.0]

    def chat(walker: Walker, think: float = think) -> Callable[[list[float]], Any]:
        async def go(times: list[float]) -> None:
            for _ in range(steps):
                cpu = time.thread_time()
                payload = walker.next_update()
                harness[0] += time.thread_time() - cpu  # the worker's reading is not the bot's
                if payload is None:
                    return
                await _think(walker.rng, think)
                await _feed(app, payload, times)

        return go

    # One worker walks first, untimed and unpaused: the first date or phone parsed loads its
    # tables.
    warm = Walker(49_999, FLOW, service.zone, random.Random(seed), request, [10**9])
    await chat(warm, 0.0)([])
    before = _count(service.engine, "answer_change")
    harness[0] = 0.0
    times, wall, cpu, calls = await _measure(app, request, [chat(w) for w in walkers])
    committed = _count(service.engine, "answer_change") - before
    await app.shutdown()
    service.engine.dispose()
    measured = (times, wall, cpu - harness[0], calls)
    figures = Figures.of(label, measured, committed, errors[0])
    return figures, [w.sent for w in walkers]


# -- the bare bot ----------------------------------------------------------------------------
class Journal:
    """The least a bot that commits every answer does: one INSERT and COMMIT per update.

    Plain ``sqlite3`` in WAL mode, in a worker thread as any storage must be to keep the event
    loop free, one writer at a time. It measures what durability alone costs beside PTB.
    """

    def __init__(self, path: Path, synchronous: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={synchronous}")
        self.db.execute("CREATE TABLE IF NOT EXISTS answer (chat INTEGER, value TEXT)")
        self.lock = threading.Lock()

    def store(self, chat: int, value: str) -> None:
        """Commits one answer."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT INTO answer (chat, value) VALUES (?, ?)", (chat, value))
            self.db.execute("COMMIT")

    def count(self) -> int:
        """Returns how many answers are committed."""
        return int(self.db.execute("SELECT count(*) FROM answer").fetchone()[0])


async def _bare_store(update: Update, context: ContextTypes.DEFAULT_TYPE, value: str) -> None:
    context.user_data.setdefault("answers", []).append(value)  # type: ignore[union-attr]
    journal: Journal | None = context.bot_data.get("journal")
    if journal is not None:
        await asyncio.to_thread(journal.store, update.effective_chat.id, value)  # type: ignore[union-attr]


async def _bare_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    context.user_data["answers"] = []  # type: ignore[index]
    await _bare_store(update, context, "/start")  # ours commits the new report
    await update.effective_message.reply_text(BARE_QUESTION, reply_markup=_bare_keyboard())  # type: ignore[union-attr]
    return ASK


async def _bare_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _bare_store(update, context, update.effective_message.text or "")  # type: ignore[union-attr]
    await update.effective_message.reply_text(BARE_QUESTION, reply_markup=_bare_keyboard())  # type: ignore[union-attr]
    return ASK


async def _bare_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    await _bare_store(update, context, str(query.data))  # type: ignore[union-attr]
    await query.answer()  # type: ignore[union-attr]
    await query.edit_message_text(f"{query.message.text}\n→ <b>chosen</b>")  # type: ignore[union-attr]
    await query.message.reply_text(BARE_QUESTION, reply_markup=_bare_keyboard())  # type: ignore[union-attr]
    return ASK


def _bare_keyboard() -> Any:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    labels = ["Yes", "No", "Unknown", "Skip"]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=f"c:1:1:{i}") for i, t in enumerate(labels)]]
    )


def _bare_app(journal: Journal | None = None) -> tuple[App, CannedRequest]:
    from telegram.constants import ParseMode

    from bot.telegram.app import PerChatProcessor

    request = CannedRequest()
    app = (
        Application.builder()
        .token("123:bench")
        .defaults(Defaults(parse_mode=ParseMode.HTML, protect_content=True))
        .concurrent_updates(PerChatProcessor())
        .request(request)
        .get_updates_request(request)
        .build()
    )
    with warnings.catch_warnings():
        # per_message=False with a CallbackQueryHandler is what a bare bot does; PTB warns.
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CommandHandler("start", _bare_start)],
            states={
                ASK: [
                    MessageHandler(filters.TEXT, _bare_text),
                    CallbackQueryHandler(_bare_tap),
                ]
            },
            fallbacks=[],
        )
    app.add_handler(conversation)
    app.bot_data["journal"] = journal
    return app, request


async def run_bare(
    recorded: list[list[dict[str, Any]]],
    *,
    think: float = 0.0,
    seed: int = 7,
    journal: Journal | None = None,
) -> Figures:
    """Feeds the bare bot the full run's updates, chat by chat, as concurrently (committing
    each answer to ``journal`` when one is given)."""
    app, request = _bare_app(journal)
    errors = _errors(app)
    await app.initialize()
    for payload in recorded[0][:3]:  # untimed, as the full path's warm-up walk
        await _feed(app, {**payload, "update_id": 10**9 + payload["update_id"]}, [])

    def chat(updates: list[dict[str, Any]], rng: random.Random) -> Callable[[list[float]], Any]:
        async def go(times: list[float]) -> None:
            for payload in updates:
                await _think(rng, think)
                await _feed(app, payload, times)

        return go

    chats = [chat(u, random.Random(seed + i)) for i, u in enumerate(recorded)]
    before = journal.count() if journal else 0
    measured = await _measure(app, request, chats)
    await app.shutdown()
    label = "bare PTB ConversationHandler (no storage)"
    if journal is not None:
        label = "bare PTB + one plain SQLite commit per update (WAL, synchronous=FULL)"
    committed = journal.count() - before if journal else 0
    return Figures.of(label, measured, committed, errors[0])


# -- memory and start-up, each in a fresh process -----------------------------------------------
def _rss() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


async def child_memory(url: str, reports: int) -> dict[str, float]:
    """Opens ``reports`` reports through the application; returns bytes held per report."""
    # NORMAL: durability does not change what the process holds, and 10,000 fsyncs take long.
    app, _request = _full_app(url, "NORMAL", staff=range(1, reports + 2), keep_screens=False)
    await app.initialize()
    times: list[float] = []

    def start(user: int) -> dict[str, Any]:
        message = {
            "message_id": 1,
            "date": 0,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Worker"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
        return {"update_id": user, "message": message}

    await _feed(app, start(1), times)  # warms every code path before the baseline
    gc.collect()
    tracemalloc.start()
    rss = _rss()
    for batch in range(2, reports + 2, 100):
        users = range(batch, min(batch + 100, reports + 2))
        await asyncio.gather(*(_feed(app, start(u), times) for u in users))
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0]
    grown = _rss() - rss
    tracemalloc.stop()
    opened = _count(app.bot_data["runtime"].service.engine, "report") - 1  # less the warm-up
    await app.shutdown()
    return {
        "reports": opened,
        "traced_per_report": traced / opened,
        "rss_per_report": grown / opened,
    }


async def child_startup(url: str, started: float) -> dict[str, float]:
    """Builds the service and the application and polls once; returns when each was ready."""
    from bot.telegram.app import UPDATES

    imported = time.time()
    app, _request = _full_app(url, "FULL", staff=range(1, 2))
    await app.initialize()
    await app.bot.get_updates(timeout=0, allowed_updates=UPDATES)
    ready = time.time()
    await app.shutdown()
    return {"import_s": imported - started, "ready_s": ready - started}


def _child(mode: str, url: str, reports: int) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", mode, "--database-url", url]
    args += ["--open-reports", str(reports), "--started", repr(time.time())]
    done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} child failed:\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- databases -------------------------------------------------------------------------------
@contextmanager
def database(base: str | None, name: str) -> Iterator[str]:
    """Yields a fresh, empty database URL: a SQLite file, or a PostgreSQL schema of its own."""
    if base is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    from sqlalchemy import create_engine, make_url

    schema = f"bench_{name}_{os.getpid()}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(sql(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sql(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def postgres_ready(url: str) -> str | None:
    """Returns why PostgreSQL cannot be used, or None when it can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]')"
    from sqlalchemy import create_engine

    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(sql("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: skip, and say why
        return f"cannot connect ({type(error).__name__})"
    return None


# -- the run ---------------------------------------------------------------------------------
async def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Runs every measurement the arguments ask for and returns them as plain values."""
    out: dict[str, Any] = {
        "chats": args.chats,
        "steps": args.steps,
        "think": args.think,
        "runs": [],
        "notes": [],
    }
    bare_done = False
    targets: list[tuple[str, str | None, str]] = [
        (f"full path, SQLite WAL synchronous={s}", None, s) for s in args.synchronous
    ]
    if args.database_url:
        why = postgres_ready(args.database_url)
        if why is None:
            targets.append(("full path, PostgreSQL", args.database_url, "FULL"))
        else:
            out["notes"].append(f"PostgreSQL skipped: {why}")
    for label, base, synchronous in targets:
        with database(base, synchronous.lower()) as url:
            full, recorded = await run_full(
                label, url, synchronous, chats=args.chats, steps=args.steps, think=args.think
            )
        out["runs"].append(asdict(full))
        if not bare_done:
            bare = await run_bare(recorded, think=args.think)
            out["bare"] = asdict(bare)
            with tempfile.TemporaryDirectory() as folder:
                journal = Journal(Path(folder) / "journal.db", "FULL")
                floor = await run_bare(recorded, think=args.think, journal=journal)
                journal.db.close()
            out["floor"] = asdict(floor)
            bare_done = True
    out["errors"] = dict(ERRORS)
    for name, base in [("SQLite", None), ("PostgreSQL", args.database_url)]:
        if args.open_reports == 0:  # latency runs only (e.g. paced): no memory or start-up
            break
        if name == "PostgreSQL" and not any("PostgreSQL" in r["label"] for r in out["runs"]):
            continue
        with database(base, "memory") as url:
            memory = _child("memory", url, args.open_reports)
        with database(base, "startup") as url:
            starts = [_child("startup", url, 0) for _ in range(args.startups)]
        out[f"memory_{name}"] = memory
        out[f"startup_{name}"] = {
            "ready_s": statistics.median(s["ready_s"] for s in starts),
            "import_s": statistics.median(s["import_s"] for s in starts),
        }
    return out


def table(out: dict[str, Any]) -> str:
    """Renders the figures as the Markdown table the README quotes."""
    bare = out["bare"]
    bare_wall = bare["wall_s"] / bare["updates"]
    bare_cpu = bare["cpu_s"] / bare["updates"]
    lines = [
        f"{out['chats']} concurrent chats, each walking the flow to the review screen "
        f"(at most {out['steps']} updates each"
        + (f", pausing {out['think']} s on average before each" if out["think"] else "")
        + "); every answer committed.",
        "",
        "| path | updates | answers committed | updates/s | p50 ms | p99 ms "
        "| CPU ms/update | × bare (wall) | × bare (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in [*out["runs"], out["floor"], bare]:
        wall, cpu = run["wall_s"] / run["updates"], run["cpu_s"] / run["updates"]
        lines.append(
            f"| {run['label']} | {run['updates']} | {run['committed']} "
            f"| {run['updates'] / run['wall_s']:.0f} | {run['p50_ms']:.1f} | {run['p99_ms']:.1f} "
            f"| {cpu * 1e3:.2f} | {wall / bare_wall:.2f} | {cpu / bare_cpu:.2f} |"
        )
    lines.append("")
    if "memory_SQLite" in out:
        lines += [
            "| database | open reports | KiB/report (tracemalloc) | KiB/report (RSS) "
            "| start-up s |",
            "|---|---:|---:|---:|---:|",
        ]
    for name in ("SQLite", "PostgreSQL"):
        if f"memory_{name}" not in out:
            continue
        memory, startup = out[f"memory_{name}"], out[f"startup_{name}"]
        lines.append(
            f"| {name} | {memory['reports']:.0f} | {memory['traced_per_report'] / 1024:.2f} "
            f"| {memory['rss_per_report'] / 1024:.2f} | {startup['ready_s']:.2f} |"
        )
    errors = sum(r["errors"] for r in [*out["runs"], out["floor"], bare])
    kinds = "; ".join(f"{n} × {kind}" for kind, n in out.get("errors", {}).items())
    lines += ["", f"Handler errors: {errors}" + (f" ({kinds})." if kinds else "."), *out["notes"]]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=None, help="also measure this PostgreSQL")
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--steps", type=int, default=400, help="most updates per chat")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause in s before each update (0: none)"
    )
    parser.add_argument(
        "--open-reports", type=int, default=10_000, help="0: skip memory and start-up"
    )
    parser.add_argument("--startups", type=int, default=3, help="start-ups to take the median of")
    parser.add_argument(
        "--synchronous", type=lambda s: s.upper().split(","), default=["FULL", "NORMAL"]
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--child", choices=("memory", "startup"), help=argparse.SUPPRESS)
    parser.add_argument("--started", type=float, default=0.0, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measures, prints the table and returns the figures."""
    args = _parser().parse_args(argv)
    if args.child == "memory":
        print(json.dumps(asyncio.run(child_memory(args.database_url, args.open_reports))))
        return {}
    if args.child == "startup":
        print(json.dumps(asyncio.run(child_startup(args.database_url, args.started))))
        return {}
    out = asyncio.run(measure(args))
    print(table(out))
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return out


if __name__ == "__main__":
    main()
