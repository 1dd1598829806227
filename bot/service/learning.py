"""What a step's answers mean for the child's episodes, handed back to the engine in the step.

The engine calls ``learn`` (its learner) after it has applied a step's answers, inside the same
engine call: a submitted recovery record closes its episode; photos kept from the last episode
become this report's own copies; a newly identified child brings the last episode's answers on
offer. The engine takes the returned ``Context`` as data, so one call makes the whole reply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.service import notify
from bot.service.episode_context import day_text, went_missing
from bot.service.episodes import Episodes, Notification, load
from flows.conditions import JsonValue
from flows.lifecycle import State
from flows.replies import Change, Context, Reply
from flows.schema import Answer, Kind, Status
from storage import repository as repo
from storage.models import Report as ReportRow


@dataclass(frozen=True, slots=True)
class Step:
    """The step being learnt from: its transaction, report, worker, zone and time."""

    session: Session
    row: ReportRow
    worker: str
    zone: ZoneInfo
    now: datetime


def learn(
    episodes: Episodes,
    step: Step,
    reply: Reply,
    answers: Mapping[str, Answer],
    *,
    sent: list[Notification],
) -> Context | None:
    """Returns what the step's answers mean for the episode, or None when nothing."""
    session, row, now = step.session, step.row, step.now
    if row.flow_id == episodes.recovery.id:
        if reply.state != State.SUBMITTED or row.state == State.SUBMITTED:
            return None
        notice = episodes.close(session, row, actor=step.worker, now=now)
        if notice is None:
            return None
        # The child is found: the episode's reporting reminders stop. Supervisors get the
        # recovery record as its summary (queued by the step's save), with its own reminders.
        notify.episode_closed(session, report_id=notice.report_id, now=now)
        sent.append(notice)
        return Context(notices=(notice.text,))
    stored = copy_photos(episodes, step, reply.changes)
    known = {**answers, **stored}
    changed = {change.key for change in reply.changes}
    if not episodes.identify(session, row, known, changed=changed, now=now):
        return Context(stored=stored) if stored else None
    last = episodes.previous(session, row)
    # The earlier episode is known by the day the child went missing, not the report's.
    when = (
        went_missing(episodes.flow, last, load(session, last.id or 0), step.zone) if last else now
    )
    seen = (
        f"This child was reported missing before (report #{last.id if last else '?'}, "
        f"missing since {day_text(when)}). After tonight's facts I'll show what is on file."
    )
    return Context(
        carried=episodes.carried(session, row, now=now),
        facts=episodes.facts(session, row, known, now=now),
        stored=stored,
        notices=(seen,),
    )


def copy_photos(episodes: Episodes, step: Step, changes: Sequence[Change]) -> dict[str, Answer]:
    """Gives kept photos to the new report as its own copies, so it stands alone.

    Returns the answers as stored (the copies' ids), for the engine to take in the same step.
    """
    flow = episodes.flow
    stored: dict[str, Answer] = {}
    for change in changes:
        if change.source != "prefill" or not isinstance(change.new.value, list):
            continue
        if not flow.has_field(change.key) or flow.field(change.key).kind is not Kind.PHOTO:
            continue
        wanted = [v for v in change.new.value if isinstance(v, int)]
        copies: list[JsonValue] = [
            repo.add_photo(
                step.session,
                report_id=step.row.id or 0,
                field_key=change.key,
                content=photo.content,
                mime=photo.mime,
                now=step.now,
                file_id=photo.file_id,
                file_unique_id=photo.file_unique_id,
            ).id
            for photo in repo.load_photos(step.session, photo_ids=wanted)
        ]
        stored[change.key] = Answer(Status.ANSWERED, copies)
    return stored
