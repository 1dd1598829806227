"""The audit trail: appended in the caller's transaction, and any tampering is found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text

from storage import audit
from storage.repository import transaction

T0 = datetime(2026, 11, 28, 17, 0, tzinfo=UTC)


def _engine_with_events(engine: Engine, count: int) -> Engine:
    for i in range(count):
        with transaction(engine) as session:
            audit.record(
                session,
                event="report.viewed",
                at=T0 + timedelta(minutes=i),
                actor="tg:1",
                object_id=i,
            )
    return engine


def test_an_untouched_chain_verifies(engine: Engine) -> None:
    _engine_with_events(engine, 5)
    with transaction(engine) as session:
        check = audit.verify(session)
    assert check.ok and check.rows == 5


def test_a_changed_row_is_named(engine: Engine) -> None:
    _engine_with_events(engine, 5)
    with transaction(engine) as session:
        session.exec(text("UPDATE audit_event SET actor='tg:2' WHERE id=3"))  # type: ignore[call-overload]
    with transaction(engine) as session:
        check = audit.verify(session)
    assert check.first_bad_id == 3 and check.problem == "the row was changed"


def test_a_deleted_row_breaks_the_chain_at_the_next_one(engine: Engine) -> None:
    _engine_with_events(engine, 5)
    with transaction(engine) as session:
        session.exec(text("DELETE FROM audit_event WHERE id=2"))  # type: ignore[call-overload]
    with transaction(engine) as session:
        check = audit.verify(session)
    assert check.first_bad_id == 3


def test_an_event_rolled_back_with_its_step_leaves_no_row(engine: Engine) -> None:
    _engine_with_events(engine, 1)
    try:
        with transaction(engine) as session:
            audit.record(session, event="report.exported", at=T0, actor="tg:1")
            raise RuntimeError("the step failed")
    except RuntimeError:
        pass
    with transaction(engine) as session:
        assert audit.verify(session).rows == 1
