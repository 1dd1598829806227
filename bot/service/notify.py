"""What a committed step owes supervisors and the worker: outbox rows and reminders.

Called by ``IntakeService`` inside the step's transaction, so an answer and the notifications it
causes are committed together or not at all. Rows hold ids only; ``bot.telegram.delivery``
renders them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from flows.report import Report
from flows.schema import Answer, Flow
from flows.slots import Answers
from storage import audit, outbox, reminders
from storage import repository as repo
from storage import staff as staff_table
from storage.models import AnswerChange
from storage.models import Report as ReportRow

CALL_READY = "call_ready"
# Worker reminders this long before each deadline, earliest first.
REMINDER_OFFSETS = (timedelta(hours=2), timedelta(minutes=30))


def telegram_id(worker: str) -> int | None:
    """Returns the Telegram user id of a ``telegram:<id>`` worker, None for console workers."""
    kind, _, ident = worker.partition(":")
    return int(ident) if kind == "telegram" and ident.isdigit() else None


def last_change_id(session: Session, *, report_id: int) -> int:
    """Returns the id of the report's latest answer change (0 when none)."""
    query = select(func.max(AnswerChange.id)).where(AnswerChange.report_id == report_id)
    return int(session.exec(query).one() or 0)


def call_ready(flow: Flow, answers: Mapping[str, Answer], now: datetime) -> bool:
    """True when the flow's call-ready milestone holds (each question settled or not applying)."""
    view = Answers(flow, answers, now)
    return any(
        m.name == CALL_READY
        and all(name in answers or not view.applies(name) for name in m.requires)
        for m in flow.milestones
    )


def after_step(
    session: Session,
    *,
    flow: Flow,
    row: ReportRow,
    answers: Mapping[str, Answer],
    report: Callable[[], Report],
    changed: set[str],
    before_state: str,
    changes_after: int,
    now: datetime,
) -> None:
    """Queues the alert, summary or amendment a step caused, and re-plans the reminders.

    ``changed`` holds the keys the step changed. ``report`` builds the report only when a
    deadline may have moved: its clock, a done answer or the report's state changed. Reminders
    are checked against the report again when they fire, so nothing stale is ever sent.
    """
    report_id = row.id or 0
    if (
        changed
        and call_ready(flow, answers, now)
        and not outbox.queued(session, dedupe_key=f"alert:{report_id}")
    ):
        _to_supervisors(session, row, kind="alert", dedupe_key=f"alert:{report_id}", now=now)
    if row.state == "submitted" and before_state != "submitted":
        _to_supervisors(session, row, kind="summary", dedupe_key=f"summary:{report_id}", now=now)
    elif before_state == "submitted":
        last = last_change_id(session, report_id=report_id)
        if last > changes_after:
            number = outbox.next_amendment(session, report_id=report_id)
            _to_supervisors(
                session,
                row,
                kind="amendment",
                dedupe_key=f"amendment:{report_id}:{number}",
                now=now,
                amendment=number,
                change_from=changes_after + 1,
                change_to=last,
            )
    watched = {flow.clock_field, *(d.done_field for d in flow.deadlines)}
    if flow.deadlines and (changed & watched or row.state != before_state):
        plan_reminders(session, row=row, report=report(), now=now)


def supervisors_for(session: Session, report_id: int) -> tuple[list[int], int]:
    """Returns who hears about a report now (the first on-call rank and anyone already told,
    except those who blocked the bot) and the report's escalation level."""
    rows = [
        r
        for r in outbox.for_report(session, report_id=report_id)
        if r.kind in outbox.SUPERVISOR_KINDS
    ]
    blocked = {
        r.recipient for r in rows if r.status == outbox.FAILED and r.last_error == "Forbidden"
    }
    tiers = staff_table.on_call_tiers(session)
    first = [s.telegram_id for s in tiers[0]] if tiers else []
    told = [r.recipient for r in rows]
    level = max((r.level for r in rows), default=0)
    return [i for i in dict.fromkeys([*first, *told]) if i not in blocked], level


def _to_supervisors(
    session: Session, row: ReportRow, *, kind: str, dedupe_key: str, now: datetime, **fields: object
) -> None:
    report_id = row.id or 0
    recipients, level = supervisors_for(session, report_id)
    if recipients:
        outbox.enqueue(
            session,
            kind=kind,
            report_id=report_id,
            recipients=recipients,
            dedupe_key=dedupe_key,
            now=now,
            level=level,
            **fields,
        )
        return
    worker = telegram_id(row.worker)
    if worker is not None:
        # No one is on call: say so now rather than let the worker believe someone was told.
        outbox.enqueue(
            session,
            kind="unreached",
            report_id=report_id,
            recipients=[worker],
            dedupe_key=dedupe_key,
            now=now,
        )


def plan_reminders(session: Session, *, row: ReportRow, report: Report, now: datetime) -> None:
    """Plans (or moves) each open deadline's reminders and cancels those of done deadlines."""
    if not report.deadlines:
        return  # the clock has not started
    report_id = row.id or 0
    planned = {
        (r.deadline, r.kind, r.offset_minutes): r
        for r in reminders.of_report(session, report_id=report_id)
    }
    for deadline in report.deadlines:
        if deadline.done or row.state == "cancelled":
            if any(
                k[0] == deadline.name and r.status == reminders.PENDING for k, r in planned.items()
            ):
                reminders.cancel(session, report_id=report_id, deadline=deadline.name, now=now)
            continue
        wanted = [("passed", 0, deadline.due_at)]
        if telegram_id(row.worker) is not None:
            wanted += [
                ("before", int(offset.total_seconds() // 60), deadline.due_at - offset)
                for offset in REMINDER_OFFSETS
            ]
        for kind, minutes, due_at in wanted:
            have = planned.get((deadline.name, kind, minutes))
            if have is not None and have.due_at == due_at and have.status != reminders.CANCELLED:
                continue  # already planned for this time (most steps change no deadline)
            reminders.plan(
                session,
                report_id=report_id,
                deadline=deadline.name,
                kind=kind,
                offset_minutes=minutes,
                due_at=due_at,
                now=now,
            )


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


def facts(session: Session, *, report_id: int, zone: ZoneInfo) -> dict[str, str]:
    """Returns what the checklist knows from outside the answers: who acknowledged, and when."""
    first = outbox.first_acknowledgement(session, report_id=report_id)
    if first is None:
        return {}
    supervisor, acked_at = first
    member = staff_table.get(session, supervisor)
    who = member.name if member is not None else f"#{supervisor}"
    when = acked_at.astimezone(zone).strftime("%a %b %d %H:%M")
    return {"supervisor_reached": f"{who} acknowledged {when}"}


def episode_closed(session: Session, *, report_id: int, now: datetime) -> None:
    """Cancels every pending reminder of an episode whose child was found."""
    for row in reminders.of_report(session, report_id=report_id):
        if row.status == reminders.PENDING:
            reminders.cancel(session, report_id=report_id, deadline=row.deadline, now=now)


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
