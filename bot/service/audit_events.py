"""The service's audit events: which step of a report did what, naming categories, never values.

Part of the service (called inside each step's transaction by ``bot.service.intake``): a report
created, answers edited or amended, submitted, cancelled, viewed (review, police read-out,
status) and exported. Rows name field keys and their classification, which say what kind of data
was touched but not what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from flows.schema import Flow
from storage import audit

REASON_LIMIT = 200
EDIT_SOURCES = {"edit": "report.answer_edited", "message_edit": "report.answer_edited"}


def audit_created(session: Session, *, report_id: int, actor: str, now: datetime) -> None:
    """Records that a report was opened."""
    audit.record(session, event="report.created", at=now, actor=actor, object_id=report_id)


def audit_step(
    session: Session,
    *,
    flow: Flow,
    report_id: int,
    before: str,
    after: str,
    keys: Sequence[str],
    view: str,
    actor: str,
    source: str,
    now: datetime,
) -> None:
    """Records what one committed step did to a report that the audit trail must show."""
    if keys and (source in EDIT_SOURCES or source == "amendment"):
        event = "report.amended" if source == "amendment" else EDIT_SOURCES[source]
        audit.record(
            session,
            event=event,
            at=now,
            actor=actor,
            object_id=report_id,
            reason=categories(flow, keys),
        )
    if after != before and after in ("submitted", "cancelled"):
        audit.record(session, event=f"report.{after}", at=now, actor=actor, object_id=report_id)
    if view:
        audit.record(
            session, event="report.viewed", at=now, actor=actor, object_id=report_id, reason=view
        )


def audit_export(session: Session, *, report_id: int, fmt: str, actor: str, now: datetime) -> None:
    """Records that a report left the system as a file or printout."""
    audit.record(
        session, event="report.exported", at=now, actor=actor, object_id=report_id, reason=fmt
    )


def categories(flow: Flow, keys: Sequence[str]) -> str:
    """Names the touched fields with their level (``P2:child_name``), never their values."""
    names = []
    for key in keys:
        base = key.split(".")[-1]  # a repeat item is stored as group.index.field
        level = flow.field(base).classification if flow.has_field(base) else None
        names.append(f"{level.value if level else '?'}:{base}")
    text = ",".join(dict.fromkeys(names))
    return text if len(text) <= REASON_LIMIT else text[: REASON_LIMIT - 1] + "…"
