"""What the outbox sender's results owe people: escalations, fallbacks, acknowledgements.

The sender (``bot.telegram.delivery``) calls these inside its own short transactions: a summary
nobody acknowledged goes to the next on-call tier, a message that cannot be delivered falls back
to someone who can act, and a supervisor's Acknowledge is recorded once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.service.notify import supervisors_for, telegram_id
from storage import audit, outbox
from storage import repository as repo
from storage import staff as staff_table
from storage.models import AnswerChange
from storage.models import Report as ReportRow


def escalations(session: Session, *, now: datetime, wait: timedelta) -> int:
    """Re-sends unacknowledged alerts to everyone told so far plus the next on-call rank.

    Returns how many reports were escalated. Each level is queued once (its dedupe key), and
    escalation stops after everyone asked has been reminded once more.
    """
    count = 0
    tiers = staff_table.on_call_tiers(session)
    # A day bounds the scan; by then every rank has long been asked.
    for report_id in outbox.unacknowledged_reports(session, since=now - timedelta(days=1)):
        rows = [
            r
            for r in outbox.for_report(session, report_id=report_id)
            if r.kind in ("alert", "summary", "escalation")
        ]
        level = max(r.level for r in rows)
        current = [r for r in rows if r.level == level]
        # Up to the last rank, then one more re-send to everyone asked (one rank: one re-send).
        if any(r.status == outbox.PENDING for r in current) or level >= len(tiers):
            continue
        since = min((r.sent_at or r.created_at) for r in current)
        if now - since < wait:
            continue
        blocked = {r.recipient for r in rows if r.status == outbox.FAILED}
        wanted = [s.telegram_id for tier in tiers[: level + 2] for s in tier]
        outbox.enqueue(
            session,
            kind="escalation",
            report_id=report_id,
            recipients=[i for i in wanted if i not in blocked],
            dedupe_key=f"escalation:{report_id}:{level + 1}",
            now=now,
            level=level + 1,
        )
        count += 1
    return count


def fallback(session: Session, failed: outbox.Notification, *, now: datetime) -> bool:
    """Queues a blocked supervisor's message for the next one by on-call rank.

    Returns False when no one is left to try under that message's dedupe key.
    """
    me = staff_table.get(session, failed.recipient)
    rank = me.on_call_rank if me is not None else 0
    have = {r.recipient for r in outbox.queued(session, dedupe_key=failed.dedupe_key)}
    for tier in staff_table.on_call_tiers(session):
        for member in tier:
            if member.on_call_rank > rank and member.telegram_id not in have:
                outbox.enqueue(
                    session,
                    kind=failed.kind,
                    report_id=failed.report_id,
                    recipients=[member.telegram_id],
                    dedupe_key=failed.dedupe_key,
                    now=now,
                    level=failed.level,
                    amendment=failed.amendment,
                    change_from=failed.change_from,
                    change_to=failed.change_to,
                    ref=failed.ref,
                )
                return True
    return False


def unreachable(
    session: Session, failed: outbox.Notification, *, worker: str, now: datetime
) -> None:
    """Tells the worker no supervisor was reached once every row of a message has failed."""
    rows = outbox.queued(session, dedupe_key=failed.dedupe_key)
    if any(r.status != outbox.FAILED for r in rows):
        return
    chat = telegram_id(worker)
    if chat is not None:
        outbox.enqueue(
            session,
            kind="unreached",
            report_id=failed.report_id,
            recipients=[chat],
            dedupe_key=f"unreached:{failed.dedupe_key}",
            now=now,
        )


def reached(session: Session, sent: outbox.Notification, *, worker: str, now: datetime) -> None:
    """Tells the worker, once per report, which supervisor was alerted and when."""
    chat = telegram_id(worker)
    if chat is None or sent.kind not in ("alert", "summary", "escalation"):
        return
    outbox.enqueue(
        session,
        kind="reached",
        report_id=sent.report_id,
        recipients=[chat],
        dedupe_key=f"reached:{sent.report_id}",
        now=now,
        subject=sent.recipient,
        ref=str(sent.id),
    )


def latest_changes(
    session: Session, *, first: int, last: int, report_id: int
) -> list[AnswerChange]:
    """Returns the answer changes an amendment covers, oldest first, decrypted."""
    return repo.history(session, report_id=report_id, first=first, last=last)


def acknowledge(
    session: Session, *, supervisor: int, report_id: int, notification_id: int, now: datetime
) -> str:
    """Records a supervisor's Acknowledge tap after re-checking it; returns the outcome.

    ``"acknowledged"``, ``"again"`` (already done) or ``"denied"``: the button must be on a
    message sent to this supervisor about this report, and they must still be a supervisor.
    """
    row = session.get(outbox.Notification, notification_id)
    member = staff_table.active(session, supervisor)
    if (
        row is None
        or row.recipient != supervisor
        or row.report_id != report_id
        or row.kind not in outbox.SUPERVISOR_KINDS
        or member is None
        or not member.has(staff_table.Role.SUPERVISOR)
    ):
        return "denied"
    if not outbox.acknowledge(session, report_id=report_id, supervisor=supervisor, now=now):
        return "again"
    audit.record(
        session,
        event="report.acknowledged",
        at=now,
        actor=f"telegram:{supervisor}",
        object_id=report_id,
    )
    report = session.get(ReportRow, report_id)
    worker = telegram_id(report.worker) if report is not None else None
    if worker is not None:
        outbox.enqueue(
            session,
            kind="acknowledged",
            report_id=report_id,
            recipients=[worker],
            dedupe_key=f"ack:{report_id}:{supervisor}",
            now=now,
            subject=supervisor,
        )
    return "acknowledged"


def long_term(session: Session, *, report_id: int, now: datetime) -> None:
    """Queues the long-term checklist once for the worker and the on-call supervisors."""
    row = session.get(ReportRow, report_id)
    if row is None:
        return
    dedupe_key = f"long_term:{report_id}"
    recipients, _ = supervisors_for(session, report_id)
    worker = telegram_id(row.worker)
    recipients = [*([worker] if worker is not None else []), *recipients]
    if recipients and not outbox.queued(session, dedupe_key=dedupe_key):
        outbox.enqueue(
            session,
            kind="long_term",
            report_id=report_id,
            recipients=list(dict.fromkeys(recipients)),
            dedupe_key=dedupe_key,
            now=now,
        )
