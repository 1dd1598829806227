"""Who may use the bot: the allowlist gate, refusals, roles, revocation and staff commands."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from sqlmodel import Session, select

from bot.config import Settings
from bot.service.access import REFUSAL, Access
from bot.service.intake import IntakeService
from bot.telegram.app import build_application
from bot.terminal import admin_cli
from bot.terminal.cli import _parser
from storage import denials, staff
from storage import repository as repo
from storage.audit import AuditEvent
from storage.staff import Role
from tests.conftest import MINI_FLOW, NOW, ZONE
from tests.load_worker import KEYRING
from tests.test_telegram_app import ANA, Chat, RecordingRequest

STRANGER = {"id": 666, "is_bot": False, "first_name": "Ana", "username": "ana_worker"}
ADMIN = {"id": 900, "is_bot": False, "first_name": "Ad"}
TABLES = ("report", "answer", "answer_change", "photo", "processed_update", "outbox", "reminder")


@pytest.fixture
async def chat(db_url: str) -> AsyncIterator[Chat]:
    engine = repo.make_engine(db_url, keyring=KEYRING)
    repo.create_tables(engine)
    with repo.transaction(engine) as session:
        staff.put(session, telegram_id=ANA["id"], role=Role.STAFF, now=NOW, name="Ana W.")
    service = IntakeService(flow=MINI_FLOW, engine=engine, clock=lambda: NOW, zone=ZONE)
    api = RecordingRequest()
    settings = Settings(_env_file=None, telegram_bot_token="123:TEST", admin_ids="900")
    app = build_application(
        settings,
        service=service,
        request=api,
        get_updates_request=RecordingRequest(),
        delivery_interval=None,
    )
    async with app:
        await app.post_init(app)  # type: ignore[misc]
        yield Chat(app, api, service, engine)
    engine.dispose()


def audit_rows(chat: Chat) -> list[tuple[str, str | None, str | None]]:
    with Session(chat.engine) as session:
        return [(e.event, e.actor, e.reason) for e in session.exec(select(AuditEvent))]


def stored(chat: Chat) -> dict[str, int]:
    return {table: chat.count(table) for table in TABLES}


NOTHING = dict.fromkeys(TABLES, 0)


@pytest.mark.parametrize("kind", ["message", "photo", "callback_query", "edited_message"])
async def test_a_stranger_is_refused_and_only_an_audit_row_is_written(
    chat: Chat, kind: str
) -> None:
    before = len(audit_rows(chat))
    if kind == "message":
        await chat.send("/start", user=STRANGER)
    elif kind == "photo":
        await chat.photo("p1", user=STRANGER)
    elif kind == "callback_query":
        await chat.tap("", message={"text": "x"}, data="c:1:1:0", user=STRANGER)
    else:
        await chat.edit(10_001, "Ana Ruiz", user=STRANGER)
    assert stored(chat) == NOTHING
    assert audit_rows(chat)[before:] == [
        ("auth.denied", "telegram:666", kind.replace("photo", "message"))
    ]
    if kind == "callback_query":
        assert chat.api.sent("answerCallbackQuery")[-1]["text"] == REFUSAL
    else:
        assert [p["text"] for p in chat.api.sent()] == [REFUSAL]
    assert not [c for c in chat.api.calls if c[0] in ("download", "getFile")]


async def test_an_allowed_worker_gets_the_interview(chat: Chat) -> None:
    await chat.send("/start")
    assert "Report #1 started" in chat.last_text() and chat.count("report") == 1
    assert not [a for a in audit_rows(chat) if a[0] == "auth.denied"]


async def test_the_same_stranger_is_told_once_in_ten_minutes_and_every_try_is_counted(
    chat: Chat,
) -> None:
    for n in range(50):
        await chat.send(f"hello {n}", user=STRANGER)
    assert len(chat.api.sent()) == 1
    denied = [a for a in audit_rows(chat) if a[0] == "auth.denied"]
    assert len(denied) == 1  # one audit row per sender and window, not one per update
    with Session(chat.engine) as session:
        [window] = denials.windows(session, sender=STRANGER["id"])
    assert (window.count, window.first_at, window.last_at) == (50, NOW, NOW)
    assert all("hello" not in str(a) for a in audit_rows(chat))  # never the text


async def test_a_username_that_matches_staff_grants_nothing(chat: Chat) -> None:
    await chat.send("/start", user={**STRANGER, "username": "ana", "first_name": "Ana"})
    assert stored(chat) == NOTHING


async def test_anonymous_and_bot_senders_are_refused(chat: Chat) -> None:
    await chat.send("/start", user={"id": 1087968824, "is_bot": True, "first_name": "Group"})
    await chat.send("/start", user={**ANA, "is_bot": True})
    assert stored(chat) == NOTHING


async def test_removing_a_worker_takes_effect_on_their_next_update(chat: Chat) -> None:
    await chat.send("/start")
    await chat.send("no")
    access: Access = chat.app.bot_data["access"]
    access.remove(ANA["id"], actor="test")
    await chat.send("2011-03-07")
    assert chat.last_text() == REFUSAL
    assert chat.answers() == {"danger": "no"}  # the draft is kept
    assert ("staff.removed", "test", None) in audit_rows(chat)


async def test_admin_ids_seed_admins_who_manage_staff_in_telegram(chat: Chat) -> None:
    await chat.send("/staff add 301 --role supervisor --name 'J. Smith' --rank 1", user=ADMIN)
    assert chat.last_text() == "Saved: 301 supervisor, on-call rank 1."
    await chat.send("/staff list", user=ADMIN)
    listing = chat.last_text()
    assert "301 supervisor on call #1 J. Smith" in listing and "900 admin" in listing
    await chat.send("/staff remove 301", user=ADMIN)
    assert "Removed 301" in chat.last_text()
    await chat.send("/staff fire everyone", user=ADMIN)
    assert chat.last_text().startswith("Usage: /staff")
    with Session(chat.engine) as session:
        member = staff.get(session, 301)
    assert member is not None and not member.active


async def test_a_worker_cannot_manage_staff(chat: Chat) -> None:
    await chat.send("/staff add 777 --role admin")
    assert chat.last_text() == "Not allowed."
    assert ("authz.denied", "telegram:111", "staff_command") in audit_rows(chat)
    with Session(chat.engine) as session:
        assert staff.get(session, 777) is None


@pytest.mark.parametrize(
    ("role", "files", "alerted", "manages"),
    [
        (Role.STAFF, True, False, False),
        (Role.SUPERVISOR, True, True, False),
        (Role.ADMIN, True, True, True),
    ],
)
def test_roles_include_the_ones_below(
    role: Role, files: bool, alerted: bool, manages: bool
) -> None:
    member = staff.Staff(telegram_id=1, role=role.value, created_at=NOW, updated_at=NOW)
    assert (
        member.has(Role.STAFF),
        member.has(Role.SUPERVISOR),
        member.has(Role.ADMIN),
    ) == (files, alerted, manages)
    member.active = False
    assert not member.has(Role.STAFF)


def test_the_command_line_adds_lists_and_removes_staff(db_url: str) -> None:
    engine = repo.make_engine(db_url, keyring=KEYRING)
    repo.create_tables(engine)
    access = Access(engine, lambda: NOW)

    def run(*argv: str) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        code = admin_cli.run(_parser().parse_args(["staff", *argv]), access, out=out, err=err)
        return code, out.getvalue() + err.getvalue()

    assert run("add", "301", "--role", "supervisor", "--name", "J. Smith") == (
        0,
        "Saved: 301 supervisor, on-call rank 1.\n",
    )
    assert run("add", "111", "--role", "staff")[0] == 0
    assert run("list") == (0, "111 staff not on call\n301 supervisor on call #1 J. Smith\n")
    assert run("remove", "301") == (0, "Removed 301; their next message is refused.\n")
    assert run("remove", "301")[1] == "301 is not an active member.\n"
    assert run("add", "5", "--role", "staff", "--rank", "-1")[0] == 2
    with pytest.raises(SystemExit):
        _parser().parse_args(["staff", "add", "@ana", "--role", "staff"])  # ids, not usernames
    engine.dispose()


def test_admin_ids_must_be_numeric() -> None:
    assert Settings(_env_file=None, admin_ids="1, 22").admins == (1, 22)
    with pytest.raises(ValueError, match="numeric"):
        Settings(_env_file=None, admin_ids="@boss")


async def test_messages_sent_as_a_channel_or_via_a_bot_are_refused(chat: Chat) -> None:
    base = {"message_id": 5, "date": 0, "chat": {"id": 111, "type": "private"}, "from": ANA}
    channel = {"id": -100500, "type": "channel", "title": "News"}
    inline_bot = {"id": 77, "is_bot": True, "first_name": "Inline"}
    await chat.feed(
        {"update_id": 700, "message": {**base, "text": "/start", "sender_chat": channel}}
    )
    await chat.feed(
        {"update_id": 701, "message": {**base, "text": "/start", "via_bot": inline_bot}}
    )
    assert stored(chat) == NOTHING
    assert [a[0] for a in audit_rows(chat)].count("auth.denied") == 2


async def test_a_removed_supervisor_is_no_longer_on_call(chat: Chat) -> None:
    access: Access = chat.app.bot_data["access"]
    access.add(301, Role.SUPERVISOR, actor="test", name="J. Smith")
    access.add(302, Role.SUPERVISOR, actor="test", rank=2)
    with Session(chat.engine) as session:
        assert [[s.telegram_id for s in tier] for tier in staff.on_call_tiers(session)] == [
            [301],
            [302],
        ]
    access.remove(301, actor="test")
    with Session(chat.engine) as session:
        assert [[s.telegram_id for s in tier] for tier in staff.on_call_tiers(session)] == [[302]]
