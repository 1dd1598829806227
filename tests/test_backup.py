"""`intake-bot backup FILE` and `restore FILE`: a restored database exports the same reports and
its audit chain verifies; a half-made or foreign file is refused."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.terminal.cli import main
from storage import crypto
from tests.test_data_protection import cli_env, engine_at, fill, service_for  # noqa: F401


def keyring() -> crypto.Keyring:
    return crypto.Keyring.parse(
        os.environ["ENCRYPTION_KEYS"], derive=os.environ["ENCRYPTION_DERIVE_KEY"]
    )


def exports(path: Path, *report_ids: int) -> list[str]:
    """Each report as text and JSON, from the database at ``path`` (fixed clock: comparable)."""
    engine = engine_at(path, keyring())
    service = service_for(engine)
    try:
        return [service.export(i, fmt=f) for i in report_ids for f in ("text", "json")]
    finally:
        engine.dispose()


def test_a_restored_database_exports_the_same_reports_and_passes_audit_verify(
    cli_env: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = engine_at(cli_env, keyring())
    service = service_for(engine)
    ids = [fill(service, "console:ana"), fill(service, "console:bo", submit=False)]
    engine.dispose()
    before = exports(cli_env, *ids)
    saved = tmp_path / "backups" / "intake-2026-12-02.db"
    saved.parent.mkdir()

    assert main(["backup", str(saved)]) == 0
    assert "Backed up 2 reports" in capsys.readouterr().out
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert b"ZZCANARY-NAME-7f3a" not in saved.read_bytes()  # answers stay sealed in the copy
    assert main(["backup", str(saved)]) == 1  # never over an existing file
    assert "exists" in capsys.readouterr().err

    elsewhere = tmp_path / "restored" / "intake.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{elsewhere}")
    assert main(["restore", str(saved)]) == 0
    assert "Restored 2 reports" in capsys.readouterr().out
    assert exports(elsewhere, *ids) == before
    assert main(["audit", "verify"]) == 0
    assert "Audit trail intact" in capsys.readouterr().out


def test_restore_refuses_to_overwrite_a_database_without_replace_and_a_file_that_is_not_one(
    cli_env: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = engine_at(cli_env, keyring())
    first = fill(service_for(engine))
    engine.dispose()
    saved = tmp_path / "saved.db"
    assert main(["backup", str(saved)]) == 0
    engine = engine_at(cli_env, keyring())
    fill(service_for(engine), "console:bo")  # a report made after the backup
    engine.dispose()

    assert main(["restore", str(saved)]) == 1
    assert "add --replace" in capsys.readouterr().err
    assert main(["restore", str(saved), "--replace"]) == 0
    assert exports(cli_env, first) and len(exports(cli_env, first)) == 2
    with sqlite3.connect(cli_env) as connection:
        assert connection.execute("SELECT count(*) FROM report").fetchone() == (1,)

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["restore", str(junk), "--replace"]) == 1
    assert "is not an SQLite database" in capsys.readouterr().err
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (x)")
    assert main(["restore", str(other), "--replace"]) == 1
    assert "not a database of this assistant" in capsys.readouterr().err


def test_postgresql_is_pointed_at_pg_dump(
    cli_env: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://intake@db.example:5432/intake")
    assert main(["backup", "x.dump"]) == 2
    assert "pg_dump --format=custom" in capsys.readouterr().err
    assert not Path("x.dump").exists()
