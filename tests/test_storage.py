"""Storage: answers, their history and photos survive a round trip; SQLite is set up durably."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from storage import repository as repo
from storage.models import Answer

NOW = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = repo.make_engine(f"sqlite:///{tmp_path / 'data' / 'intake.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_a_read_waits_for_no_step_being_written(engine: Engine) -> None:
    with repo.transaction(engine) as session:
        repo.add_report(  # this step now holds the write lock until it commits
            session, worker="console:ana", flow_id="f", flow_version="1", state="triage", now=NOW
        )
        started = time.perf_counter()
        with repo.reading(engine) as reader:  # the access gate's look-up, say
            seen = reader.connection().execute(text("SELECT count(*) FROM report")).scalar_one()
        assert seen == 0  # the last commit, not the step in flight
        assert time.perf_counter() - started < 1  # SQLite's busy timeout would be 5 s


def test_an_answer_and_its_history_round_trip(engine: Engine) -> None:
    with repo.transaction(engine) as session:
        report = repo.add_report(
            session, worker="console:ana", flow_id="f", flow_version="1", state="triage", now=NOW
        )
        writes = [repo.AnswerWrite("height", None, ("answered", 64.0))]
        repo.save_step(
            session,
            report=report,
            writes=writes,
            fields={"state": "intake"},
            actor="console:ana",
            source="answer",
            now=NOW,
        )
    later = NOW + timedelta(minutes=3)
    with repo.transaction(engine) as session:
        report = repo.get_report(session, report_id=report.id or 0, lock=True)
        assert report is not None and report.state == "intake" and report.version == 1
        writes = [repo.AnswerWrite("height", ("answered", 64.0), ("answered", 65.5))]
        repo.save_step(
            session,
            report=report,
            writes=writes,
            fields={},
            actor="console:bo",
            source="edit",
            now=later,
        )
    with repo.transaction(engine) as session:
        assert repo.load_answers(session, report_id=report.id or 0) == {
            "height": ("answered", 65.5)
        }
        changes = repo.history(session, report_id=report.id or 0)
    assert [(c.old_value, c.new_value, c.actor, c.source) for c in changes] == [
        (None, "64.0", "console:ana", "answer"),
        ("64.0", "65.5", "console:bo", "edit"),
    ]
    assert changes[1].changed_at == later and changes[1].changed_at.tzinfo is not None


def test_unicode_values_are_stored_exactly(engine: Engine) -> None:
    value = "Zoë «Z» 😀 שלום"
    with repo.transaction(engine) as session:
        report = repo.add_report(
            session, worker="w", flow_id="f", flow_version="1", state="triage", now=NOW
        )
        repo.save_step(
            session,
            report=report,
            writes=[repo.AnswerWrite("name", None, ("answered", value))],
            fields={},
            actor="w",
            source="answer",
            now=NOW,
        )
    with repo.transaction(engine) as session:
        assert repo.load_answers(session, report_id=report.id or 0)["name"] == ("answered", value)


def test_a_failed_step_leaves_nothing_behind(engine: Engine) -> None:
    with repo.transaction(engine) as session:
        report_id = repo.add_report(
            session, worker="w", flow_id="f", flow_version="1", state="triage", now=NOW
        ).id
    assert report_id is not None
    with pytest.raises(RuntimeError), repo.transaction(engine) as session:
        report = repo.get_report(session, report_id=report_id, lock=True)
        assert report is not None
        repo.save_step(
            session,
            report=report,
            writes=[repo.AnswerWrite("a", None, ("answered", 1))],
            fields={"state": "intake"},
            actor="w",
            source="answer",
            now=NOW,
        )
        session.flush()
        raise RuntimeError("crash before commit")
    with repo.transaction(engine) as session:
        assert repo.load_answers(session, report_id=report_id) == {}
        stored = repo.get_report(session, report_id=report_id)
        assert stored is not None and stored.state == "triage" and stored.version == 0
        assert repo.history(session, report_id=report_id) == []


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError), repo.transaction(engine) as session:
        session.add(Answer(report_id=999, key="x", status="answered", value="1", updated_at=NOW))


def test_several_workers_each_have_their_own_open_report(engine: Engine) -> None:
    with repo.transaction(engine) as session:
        for worker in ("console:ana", "console:bo"):
            repo.add_report(
                session, worker=worker, flow_id="f", flow_version="1", state="intake", now=NOW
            )
    with repo.transaction(engine) as session:
        ana = repo.latest_open_report(session, worker="console:ana", open_states=("intake",))
        bo = repo.latest_open_report(session, worker="console:bo", open_states=("intake",))
        assert ana is not None and bo is not None and ana.id != bo.id


def test_a_photo_is_stored_once_per_report_by_its_unique_id(engine: Engine) -> None:
    with repo.transaction(engine) as session:
        report = repo.add_report(
            session, worker="w", flow_id="f", flow_version="1", state="intake", now=NOW
        )
        first = repo.add_photo(
            session,
            report_id=report.id or 0,
            field_key="photo",
            content=b"\xff\xd8\xff1",
            mime="image/jpeg",
            now=NOW,
            file_unique_id="u1",
        )
        again = repo.add_photo(
            session,
            report_id=report.id or 0,
            field_key="photo",
            content=b"\xff\xd8\xff1",
            mime="image/jpeg",
            now=NOW,
            file_unique_id="u1",
        )
        assert first.id == again.id
        count = session.exec(text("SELECT count(*) FROM photo")).scalar()  # type: ignore[call-overload]
    assert count == 1


def test_naive_datetimes_never_reach_the_database(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive"), repo.transaction(engine) as session:
        repo.add_report(
            session,
            worker="w",
            flow_id="f",
            flow_version="1",
            state="new",
            now=datetime(2026, 11, 28, 12, 0),
        )


def test_photo_bytes_come_back_exactly_in_the_order_asked(engine: Engine) -> None:
    contents = [bytes(range(256)) * 4, b"\x00\xff\x00 nul bytes survive", b"\xff\xd8\xff"]
    with repo.transaction(engine) as session:
        report = repo.add_report(
            session, worker="w", flow_id="f", flow_version="1", state="intake", now=NOW
        )
        ids = [
            repo.add_photo(
                session, report_id=report.id or 0, field_key="photo", content=c, mime="x", now=NOW
            ).id
            or 0
            for c in contents
        ]
    with repo.transaction(engine) as session:
        photos = repo.load_photos(session, photo_ids=[ids[2], ids[0], 999_999, ids[1]])
    assert [p.content for p in photos] == [contents[2], contents[0], contents[1]]


def test_applied_updates_are_forgotten_after_a_while(engine: Engine) -> None:
    with repo.transaction(engine) as session:
        assert repo.claim_update(session, update_id=1, now=NOW - timedelta(days=8))
        assert repo.claim_update(session, update_id=2, now=NOW)
    with repo.transaction(engine) as session:
        repo.prune_updates(session, before=NOW - timedelta(days=7))
    with repo.transaction(engine) as session:
        assert repo.claim_update(session, update_id=1, now=NOW)  # forgotten: applies again
        assert not repo.claim_update(session, update_id=2, now=NOW)
