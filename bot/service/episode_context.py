"""What a report knows of its child's other episodes: whose recovery it is, when each began.

A recovery record has no name question of its own: it takes the child's name (and the episode's
report number) from the episode it belongs to, so its title and questions name the child. An
earlier episode is dated by when the child went missing (last seen), not when its report was made.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo

from sqlmodel import Session

from flows.conditions import JsonValue
from flows.schema import Answer, Flow, Status
from storage import children as kids
from storage import repository as repo
from storage.models import Report as ReportRow

# The recovery flow's facts: the child it belongs to and the episode's report number.
CHILD_NAME = "child_name"
EPISODE_REPORT = "episode_report"


def answers_of(session: Session, report_id: int) -> dict[str, Answer]:
    """Returns a stored report's answers as engine values."""
    stored = repo.load_answers(session, report_id=report_id)
    return {key: Answer(Status(status), value) for key, (status, value) in stored.items()}


def recovery_facts(session: Session, flow: Flow, recovery: ReportRow) -> dict[str, JsonValue]:
    """Returns the name of the child a recovery record belongs to, and its episode's number."""
    episode = kids.episode_of(session, recovery_id=recovery.id or 0)
    if episode is None or episode.id is None:
        return {}
    facts: dict[str, JsonValue] = {EPISODE_REPORT: episode.id}
    if flow.subject_field:
        name = answers_of(session, episode.id).get(flow.subject_field)
        if name is not None and name.status is Status.ANSWERED and isinstance(name.value, str):
            facts[CHILD_NAME] = name.value
    return facts


def went_missing(flow: Flow, row: ReportRow, answers: Mapping[str, Answer], zone: tzinfo) -> date:
    """Returns the day the child of an episode went missing (last seen), else its report's day."""
    seen = answers.get(flow.seen_field) if flow.seen_field else None
    if seen is not None and seen.status is Status.ANSWERED and isinstance(seen.value, str):
        return datetime.fromisoformat(seen.value).astimezone(zone).date()
    return row.created_at.astimezone(zone).date()


def day_text(day: date) -> str:
    """Returns "Nov 27, 2026"."""
    return f"{day:%b} {day.day}, {day:%Y}"
