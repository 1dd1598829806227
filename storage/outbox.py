"""The outbox: notifications to send, written in the same transaction as the step that caused them.

A row holds ids and counters only, never rendered text or an answer: the sender renders each
message from the database when it sends it. ``(dedupe_key, recipient)`` is unique, so one event
is queued at most once per person however often the step that causes it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BigInteger, Column, UniqueConstraint, bindparam, func
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, SQLModel, col, select

from storage.models import _when
from storage.statements import insert_for

PENDING, SENT, FAILED = "pending", "sent", "failed_permanent"
# Kinds that go to supervisors and carry the Acknowledge button.
SUPERVISOR_KINDS = ("alert", "summary", "amendment", "escalation", "deadline_passed")


class Notification(SQLModel, table=True):
    """One message to one recipient, and how far its delivery got."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("dedupe_key", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)
    report_id: int = Field(foreign_key="report.id", index=True, ondelete="CASCADE")
    recipient: int = Field(sa_column=Column(BigInteger, nullable=False))
    dedupe_key: str = Field(max_length=120)
    # Escalation level: 0 for the first on-call tier, n after n escalations.
    level: int = 0
    amendment: int | None = None
    change_from: int | None = None  # answer_change ids covered by an amendment
    change_to: int | None = None
    subject: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    ref: str | None = Field(default=None, max_length=120)  # a deadline name, a reminder id
    attempts: int = 0
    failures: int = 0
    in_flight: bool = False  # leased by a sender that has not recorded the outcome yet
    status: str = Field(default=PENDING, index=True, max_length=20)
    next_attempt_at: datetime = _when()
    last_error: str | None = Field(default=None, max_length=40)  # an error class, never text
    sent_message_id: int | None = None
    # How many of the message's parts (its texts, then its PDF) Telegram has accepted: a retry
    # sends the rest only, so a failed PDF does not send the summary's texts again.
    parts_sent: int = 0
    created_at: datetime = _when()
    sent_at: datetime | None = _when(nullable=True)


class Acknowledgement(SQLModel, table=True):
    """A supervisor's acknowledgement of a report: who and when."""

    __tablename__ = "report_ack"

    report_id: int = Field(foreign_key="report.id", primary_key=True, ondelete="CASCADE")
    supervisor: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    acked_at: datetime = _when()


_ACK = SQLModel.metadata.tables["report_ack"]
# Built once: the step's facts read it on every step.
_FIRST_ACK = (
    select(_ACK.c.supervisor, _ACK.c.acked_at)
    .where(_ACK.c.report_id == bindparam("report_id"))
    .order_by(_ACK.c.acked_at)
    .limit(1)
)


def enqueue(
    session: Session,
    *,
    kind: str,
    report_id: int,
    recipients: Sequence[int],
    dedupe_key: str,
    now: datetime,
    **fields: object,
) -> list[Notification]:
    """Queues one notification per recipient not already queued under ``dedupe_key``.

    INSERT .. ON CONFLICT DO NOTHING: two processes queueing the same message at once (say, the
    "supervisor was alerted" note after two alerts are sent) must not fail one of the steps on
    the unique key, which would roll back that step's own work and send it again later.
    """
    insert = insert_for(session.get_bind().dialect.name)
    ids: list[int] = []
    for recipient in dict.fromkeys(recipients):
        statement = (
            insert(Notification)
            .values(
                kind=kind,
                report_id=report_id,
                recipient=recipient,
                dedupe_key=dedupe_key,
                next_attempt_at=now,
                created_at=now,
                **fields,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key", "recipient"])
            .returning(col(Notification.id))
        )
        new = session.exec(statement).first()
        if new is not None:
            ids.append(int(new[0]))
    if not ids:
        return []
    query = select(Notification).where(col(Notification.id).in_(ids))
    return list(session.exec(query.order_by(col(Notification.id))))


def queued(session: Session, *, dedupe_key: str) -> list[Notification]:
    """Returns every row queued under a dedupe key."""
    query = select(Notification).where(Notification.dedupe_key == dedupe_key)
    return list(session.exec(query.order_by(col(Notification.id))))


def for_report(session: Session, *, report_id: int) -> list[Notification]:
    """Returns every row of a report, oldest first."""
    query = select(Notification).where(Notification.report_id == report_id)
    return list(session.exec(query.order_by(col(Notification.id))))


def claim_due(session: Session, *, now: datetime, lease_until: datetime, limit: int) -> list[int]:
    """Leases up to ``limit`` due rows to this sender and returns their ids.

    The lease moves ``next_attempt_at`` forward, so another sender (or this one after a crash)
    takes the row again only once the lease has run out. A row waits while an earlier row of its
    recipient backs off, so each recipient gets its rows in order (an alert
    before its summary) even when sent concurrently with others'; due rows come oldest first.
    """
    earlier = aliased(Notification)
    blocked = select(earlier.id).where(
        earlier.recipient == Notification.recipient,
        earlier.status == PENDING,
        col(earlier.id) < col(Notification.id),
        col(earlier.next_attempt_at) > now,
        col(earlier.in_flight).is_(False),  # leased rows are their sender's lane to keep in order
    )
    query = (
        select(Notification)
        .where(
            Notification.status == PENDING,
            col(Notification.next_attempt_at) <= now,
            ~blocked.exists(),
        )
        .order_by(col(Notification.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(session.exec(query))
    for row in rows:
        row.attempts += 1
        row.in_flight = True
        row.next_attempt_at = lease_until
        session.add(row)
    session.flush()
    return [row.id for row in rows if row.id is not None]


def record_part(session: Session, *, row_id: int, parts_sent: int, message_id: int) -> None:
    """Records that Telegram accepted the row's parts up to ``parts_sent`` (the first's id kept)."""
    row = session.get(Notification, row_id)
    if row is None:
        return
    row.parts_sent = parts_sent
    row.sent_message_id = row.sent_message_id or message_id
    session.add(row)


def unlease(session: Session, *, ids: Sequence[int], now: datetime) -> None:
    """Gives back leased rows that were not tried (an earlier row of theirs must go first)."""
    for row in session.exec(select(Notification).where(col(Notification.id).in_(ids))):
        row.attempts -= 1
        row.in_flight, row.next_attempt_at = False, now
        session.add(row)


def release(session: Session, *, now: datetime) -> int:
    """Makes rows left in flight by a crashed sender due now; returns how many.

    Only safe at start-up with one active instance (AC-15): with several senders sharing the
    table, let the lease run out instead.
    """
    rows = list(
        session.exec(
            select(Notification).where(
                Notification.status == PENDING, col(Notification.in_flight).is_(True)
            )
        )
    )
    for row in rows:
        row.in_flight, row.next_attempt_at = False, now
        session.add(row)
    return len(rows)


def next_amendment(session: Session, *, report_id: int) -> int:
    """Returns the number the report's next amendment gets (the first is 1)."""
    query = select(func.max(Notification.amendment)).where(Notification.report_id == report_id)
    return int(session.exec(query).one() or 0) + 1


def acknowledge(session: Session, *, report_id: int, supervisor: int, now: datetime) -> bool:
    """Records an acknowledgement; False when this supervisor had acknowledged already."""
    if session.get(Acknowledgement, (report_id, supervisor)) is not None:
        return False
    session.add(Acknowledgement(report_id=report_id, supervisor=supervisor, acked_at=now))
    session.flush()
    return True


def acknowledgements(session: Session, *, report_id: int) -> list[Acknowledgement]:
    """Returns the report's acknowledgements, earliest first."""
    query = select(Acknowledgement).where(Acknowledgement.report_id == report_id)
    return list(session.exec(query.order_by(col(Acknowledgement.acked_at))))


def first_acknowledgement(session: Session, *, report_id: int) -> tuple[int, datetime] | None:
    """Returns who acknowledged the report first and when (every step asks; one indexed read)."""
    row = session.connection().execute(_FIRST_ACK, {"report_id": report_id}).first()
    return None if row is None else (row.supervisor, row.acked_at)


def unacknowledged_reports(session: Session, *, since: datetime) -> list[int]:
    """Returns the reports alerted since ``since`` that no one has acknowledged yet."""
    acked = select(Acknowledgement.report_id)
    query = (
        select(Notification.report_id)
        .where(
            col(Notification.kind).in_(("alert", "summary", "escalation")),
            col(Notification.created_at) >= since,
            col(Notification.report_id).not_in(acked),
        )
        .distinct()
    )
    return list(session.exec(query))
