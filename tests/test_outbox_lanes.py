"""A recipient's rows stay in order when the sender serves several recipients at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import crypto, outbox
from storage import repository as repo
from storage.models import Report

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_a_row_waits_while_an_earlier_row_of_its_recipient_backs_off(tmp_path: Path) -> None:
    engine = repo.make_engine(f"sqlite:///{tmp_path / 'o.db'}", keyring=crypto.Keyring.generate())
    repo.create_tables(engine)
    with repo.transaction(engine) as session:
        report = Report(
            worker="telegram:1",
            flow_id="f",
            flow_version="1",
            state="submitted",
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(report)
        session.flush()
        for kind in ("alert", "summary"):
            outbox.enqueue(
                session,
                kind=kind,
                report_id=report.id or 0,
                recipients=[7, 8],
                dedupe_key=f"{kind}:1",
                now=NOW,
            )
    with repo.transaction(engine) as session:
        first = outbox.claim_due(session, now=NOW, lease_until=NOW + timedelta(minutes=2), limit=1)
        assert len(first) == 1  # the alert to 7, oldest first
        alert = session.get(outbox.Notification, first[0])
        assert alert is not None
        alert.in_flight = False  # as a retry leaves it: backing off until the lease time
        later = NOW + timedelta(seconds=1)
        rest = outbox.claim_due(session, now=later, lease_until=later, limit=20)
        # 7's summary waits for 7's alert; 8 gets its alert and its summary in order.
        rows = {i: session.get(outbox.Notification, i) for i in rest}
        assert [(r.recipient, r.kind) for r in rows.values() if r] == [(8, "alert"), (8, "summary")]
        outbox.unlease(session, ids=rest, now=later)
        assert all(r and not r.in_flight and r.attempts == 0 for r in rows.values())
