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
from storage import outbox, reminders
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
