"""Data protection at the service: tampering, key rotation, purge, the audit trail and its CLI."""

from __future__ import annotations

import base64
import io
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy import text as sql
from sqlmodel import Session, select

from bot.service.intake import IntakeService
from bot.terminal.cli import main
from flows.engine import OPEN_STATES
from flows.schema import Flow
from storage import audit, crypto, retention, rotation
from storage import repository as repo
from storage.audit import AuditEvent
from tests.conftest import MINI_FLOW, NOW, ZONE

JPEG = b"\xff\xd8\xff\xe0" + b"ZZCANARY-PHOTO" + b"0" * 32
MINI_REPORT = (
    "no",
    "2011-03-07",
    "ZZCANARY-NAME-7f3a",
    "black",
    "today 09:00",
    "today 10:00",
    "yes",
    "ZZCANARY-MED-91c2",
    "skip",
)


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def engine_at(path: Path, keyring: crypto.Keyring) -> Engine:
    engine = repo.make_engine(f"sqlite:///{path}", keyring=keyring)
    repo.create_tables(engine)
    return engine


def service_for(engine: Engine, flow: Flow = MINI_FLOW) -> IntakeService:
    return IntakeService(flow=flow, engine=engine, clock=lambda: NOW, zone=ZONE)


def fill(service: IntakeService, worker: str = "console:ana", *, submit: bool = True) -> int:
    """Gives a whole mini report (with a photo) and submits it; returns its id."""
    report_id = service.start(worker, new=True).report_id
    for text in MINI_REPORT:
        service.handle_text(worker, text)
    service.add_photo(worker, content=JPEG, mime="image/jpeg")
    for text in ("done", "no", *(("submit",) if submit else ())):
        service.handle_text(worker, text)
    return report_id


def events(engine: Engine) -> list[tuple[str, str | None, str | None]]:
    with Session(engine) as session:
        rows = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
        return [(r.event, r.object_id, r.reason) for r in rows]


def raw(engine: Engine, query: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sql(query))]


def test_answers_history_and_photos_are_stored_sealed(tmp_path: Path) -> None:
    engine = engine_at(tmp_path / "intake.db", crypto.Keyring.generate())
    report_id = fill(service_for(engine))
    values = raw(engine, "SELECT value FROM answer WHERE value IS NOT NULL")
    assert values and all(str(v[0]).startswith("enc1:") for v in values)
    changes = raw(engine, "SELECT old_value, new_value FROM answer_change")
    assert all(v is None or str(v).startswith("enc1:") for row in changes for v in row)
    assert all(crypto.key_id(bytes(c[0])) == "k1" for c in raw(engine, "SELECT content FROM photo"))
    service = service_for(engine)
    assert service.photos(report_id) == [JPEG]
    assert "ZZCANARY-MED-91c2" in service.export(report_id, fmt="text")


def test_a_flipped_byte_hides_that_answer_is_audited_and_the_bot_keeps_going(
    tmp_path: Path,
) -> None:
    engine = engine_at(tmp_path / "intake.db", crypto.Keyring.generate())
    service = service_for(engine)
    report_id = fill(service, submit=False)
    stored = raw(engine, "SELECT value FROM answer WHERE key='medical_detail'")[0][0]
    blob = bytearray(crypto.text_blob(str(stored)))
    blob[-1] ^= 1
    forged = crypto.TEXT_PREFIX + base64.b64encode(bytes(blob)).decode()
    with engine.begin() as connection:
        connection.execute(
            sql("UPDATE answer SET value=:v WHERE key='medical_detail'"), {"v": forged}
        )
    report = service.report(report_id)
    assert "ZZCANARY-MED-91c2" not in str(report)
    assert ("crypto.decrypt_failed", str(report_id), "answer:medical_detail") in events(engine)
    assert service.handle_text("console:ana", "status").reply.event == "status"


def test_a_ciphertext_swapped_between_reports_or_fields_does_not_open(tmp_path: Path) -> None:
    engine = engine_at(tmp_path / "intake.db", crypto.Keyring.generate())
    service = service_for(engine)
    first, second = fill(service, "console:ana"), fill(service, "console:bo")
    with engine.begin() as connection:
        name = connection.execute(
            sql("SELECT value FROM answer WHERE report_id=:r AND key='child_name'"), {"r": first}
        ).scalar_one()
        connection.execute(
            sql("UPDATE answer SET value=:v WHERE report_id=:r AND key='child_name'"),
            {"v": name, "r": second},
        )
        connection.execute(
            sql("UPDATE answer SET value=:v WHERE report_id=:r AND key='medical_detail'"),
            {"v": name, "r": first},
        )
        photo = connection.execute(sql("SELECT content FROM photo WHERE id=1")).scalar_one()
        connection.execute(sql("UPDATE photo SET content=:c WHERE id=2"), {"c": photo})
    with Session(engine) as session:
        assert "child_name" not in repo.load_answers(session, report_id=second)
        assert "medical_detail" not in repo.load_answers(session, report_id=first)
    assert service.photos(second) == []
    failed = [e for e in events(engine) if e[0] == "crypto.decrypt_failed"]
    assert (str(second), "photo:2") in [(e[1], e[2]) for e in failed]


def test_rotation_killed_half_way_finishes_on_the_next_run(tmp_path: Path) -> None:
    old, new, root = key(), key(), key()
    path = tmp_path / "intake.db"
    before = engine_at(path, crypto.Keyring.parse(f"k1:{old}", derive=root))
    ids = [fill(service_for(before), f"console:w{n}") for n in range(3)]
    both = engine_at(path, crypto.Keyring.parse(f"k2:{new},k1:{old}", derive=root))
    total = rotation.pending(both)
    assert total > 0

    def killed(progress: rotation.Rotation) -> None:
        raise KeyboardInterrupt  # the operator's Ctrl-C after the first batch

    with pytest.raises(KeyboardInterrupt):
        rotation.rotate(both, clock=lambda: NOW, batch_size=4, after_batch=killed, pause=0)
    assert rotation.pending(both) == total - 4  # the first batch of four is committed
    done = rotation.rotate(both, clock=lambda: NOW, batch_size=4, pause=0)
    assert done.failed == 0 and rotation.pending(both) == 0
    again = rotation.rotate(both, clock=lambda: NOW, batch_size=4, pause=0)
    assert again.rotated == 0  # idempotent

    only_new = engine_at(path, crypto.Keyring.parse(f"k2:{new}", derive=root))
    service = service_for(only_new)
    for report_id in ids:
        assert "ZZCANARY-NAME-7f3a" in service.export(report_id, fmt="text")
        assert service.photos(report_id) == [JPEG]
    assert not [e for e in events(only_new) if e[0] == "crypto.decrypt_failed"]
    assert [e[0] for e in events(only_new)].count("keys.rotated") == 2


def test_rotation_runs_while_the_service_keeps_answering(tmp_path: Path) -> None:
    old, new = key(), key()
    path = tmp_path / "intake.db"
    root = key()
    before = engine_at(path, crypto.Keyring.parse(f"k1:{old}", derive=root))
    for n in range(4):
        fill(service_for(before), f"console:w{n}")
    both = engine_at(path, crypto.Keyring.parse(f"k2:{new},k1:{old}", derive=root))
    service = service_for(both)
    service.start("console:live", new=True)
    answered: list[str] = []

    def answer_between_batches(progress: rotation.Rotation) -> None:
        answered.append(service.handle_text("console:live", "no").reply.event)

    worker = threading.Thread(
        target=lambda: [service.handle_text("console:other", "status") for _ in range(20)]
    )
    worker.start()
    rotation.rotate(both, clock=lambda: NOW, batch_size=3, after_batch=answer_between_batches)
    worker.join()
    assert answered and rotation.pending(both) == 0
    with Session(both) as session:
        live = repo.latest_open_report(session, worker="console:live", open_states=OPEN_STATES)
        assert live is not None
        assert repo.load_answers(session, report_id=live.id or 0)


def test_purge_empties_old_closed_reports_keeps_open_ones_and_the_audit_trail(
    tmp_path: Path,
) -> None:
    engine = engine_at(tmp_path / "intake.db", crypto.Keyring.generate())
    service = service_for(engine)
    closed = fill(service, "console:ana")
    open_one = fill(service, "console:bo", submit=False)
    sealed = [
        str(v[0]).encode()
        for v in raw(engine, f"SELECT value FROM answer WHERE report_id={closed}")
        if v[0] is not None
    ]
    later = NOW + timedelta(days=100)
    done = retention.purge(engine, older_than=timedelta(days=90), now=later)
    assert done.report_ids == (closed,) and done.wal_truncated is True
    for table in ("answer", "answer_change", "photo"):
        assert raw(engine, f"SELECT count(*) FROM {table} WHERE report_id={closed}") == [(0,)]
    assert raw(engine, f"SELECT state FROM report WHERE id={closed}") == [("purged",)]
    assert raw(engine, f"SELECT count(*) FROM answer WHERE report_id={open_one}")[0][0] > 0
    assert ("report.purged", str(closed), "older_than_days=90") in events(engine)
    assert retention.purge(engine, older_than=timedelta(days=90), now=later).report_ids == ()
    assert (tmp_path / "intake.db-wal").stat().st_size == 0
    data = (tmp_path / "intake.db").read_bytes()
    assert sealed and not any(blob in data for blob in sealed)  # overwritten, not just unlinked
    with Session(engine) as session:
        assert audit.verify(session).ok


def test_a_young_closed_report_is_not_purged(tmp_path: Path) -> None:
    engine = engine_at(tmp_path / "intake.db", crypto.Keyring.generate())
    fill(service_for(engine))
    assert retention.purge(engine, older_than=timedelta(days=90), now=NOW).report_ids == ()


def test_the_service_audits_creation_edits_views_submission_and_export(tmp_path: Path) -> None:
    engine = engine_at(tmp_path / "intake.db", crypto.Keyring.generate())
    service = service_for(engine)
    report_id = fill(service, submit=False)
    service.handle_text("console:ana", "edit child_name")
    service.handle_text("console:ana", "ZZCANARY-OTHER-NAME")
    service.handle_text("console:ana", "review")
    service.handle_text("console:ana", "submit")
    service.handle_text("console:ana", "edit hair")
    service.handle_text("console:ana", "brown")
    service.export(report_id, fmt="json", actor="console:sup")
    names = [e[0] for e in events(engine)]
    for name in (
        "report.created",
        "report.answer_edited",
        "report.viewed",
        "report.submitted",
        "report.amended",
        "report.exported",
    ):
        assert name in names, name
    assert ("report.answer_edited", str(report_id), "?:child_name") in events(
        engine
    )  # mini flow: unclassified
    assert not any("ZZCANARY" in str(e) for e in events(engine))


def test_cancelling_is_audited(tmp_path: Path) -> None:
    engine = engine_at(tmp_path / "intake.db", crypto.Keyring.generate())
    service = service_for(engine)
    report_id = service.start("console:ana").report_id
    service.handle_text("console:ana", "cancel")
    service.handle_text("console:ana", "yes")
    assert ("report.cancelled", str(report_id), None) in events(engine)


# -- the command line ------------------------------------------------------------------------
@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'intake.db'}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("ENCRYPTION_KEYS", f"k1:{key()}")
    monkeypatch.setenv("ENCRYPTION_DERIVE_KEY", key())
    return tmp_path / "intake.db"


def test_audit_verify_passes_then_names_a_changed_row_and_a_deleted_last_row(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = engine_at(
        cli_env,
        crypto.Keyring.parse(
            os.environ["ENCRYPTION_KEYS"], derive=os.environ["ENCRYPTION_DERIVE_KEY"]
        ),
    )
    fill(service_for(engine))
    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    last = raw(engine, "SELECT max(id) FROM audit_event")[0][0]
    with engine.begin() as connection:
        connection.execute(sql(f"DELETE FROM audit_event WHERE id={last}"))
    assert main(["audit", "verify"]) == 1
    assert f"row {last}:" in capsys.readouterr().out
    with engine.begin() as connection:
        connection.execute(sql("UPDATE audit_event SET actor='console:eve' WHERE id=2"))
    assert main(["audit", "verify"]) == 1
    assert "row 2: the row was changed" in capsys.readouterr().out


def test_keys_rotate_and_purge_run_from_the_command_line(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = os.environ["ENCRYPTION_KEYS"]
    fill(
        service_for(
            engine_at(
                cli_env, crypto.Keyring.parse(first, derive=os.environ["ENCRYPTION_DERIVE_KEY"])
            )
        )
    )
    monkeypatch.setenv("ENCRYPTION_KEYS", f"k2:{key()},{first}")
    assert main(["keys", "rotate", "--batch", "5"]) == 0
    out = capsys.readouterr().out
    assert "did not decrypt" in out and "0 not under the newest key" in out
    # The command line takes the suite's clock: on any real date the report was submitted
    # moments ago, and a day later it is old enough to go.
    assert main(["purge", "--older-than", "1"], clock=lambda: NOW) == 0
    assert "Purged 0 closed reports" in capsys.readouterr().out
    assert main(["purge", "--older-than", "1"], clock=lambda: NOW + timedelta(days=2)) == 0
    assert "Purged 1 closed reports" in capsys.readouterr().out


def test_the_bot_refuses_to_start_without_a_usable_key(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:TEST")
    for bad in ("", "k1:" + base64.b64encode(bytes(32)).decode()):
        monkeypatch.setenv("ENCRYPTION_KEYS", bad)
        assert main(["run"]) == 2
        assert "Refusing to start" in capsys.readouterr().err
    assert not cli_env.exists()  # nothing was written


def test_the_console_demo_makes_a_private_key_file_once_and_says_so(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ENCRYPTION_KEYS")
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))
    assert main(["console", "--worker", "ana"]) == 0
    key_file = cli_env.parent / ".demo-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert "created the encryption key file" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["console", "--worker", "ana"]) == 0
    captured = capsys.readouterr()
    assert "created" not in captured.err and "Resumed report #1" in captured.out


def test_plain_text_planted_in_the_database_is_hidden_until_rotation_seals_it(
    tmp_path: Path,
) -> None:
    engine = engine_at(tmp_path / "intake.db", crypto.Keyring.generate())
    service = service_for(engine)
    report_id = fill(service, submit=False)
    with engine.begin() as connection:
        connection.execute(
            sql("UPDATE answer SET value=:v WHERE key='child_name'"), {"v": '"Planted Name"'}
        )
        connection.execute(sql("UPDATE photo SET content=:c"), {"c": JPEG})
    assert "Planted Name" not in service.export(report_id, fmt="text")
    assert service.photos(report_id) == []
    # An upgrade from before encryption: rotation seals what it finds in plain text.
    rotation.rotate(engine, clock=lambda: NOW, pause=0)
    assert rotation.pending(engine) == 0
    assert "Planted Name" in service.export(report_id, fmt="text")
    assert service.photos(report_id) == [JPEG]
