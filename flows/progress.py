"""Where the worker is: section n of N, and an estimate of the questions left that is honest.

The estimate counts every question that applies now and is not settled. It goes down by each
answer; it grows only when an answer opens follow-ups (a "yes", a date of birth that makes a
section apply), and the step then says by how many, so the worker never sees it rise unexplained.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.replies import Change, Progress
from flows.schema import Answer, Flow, Section
from flows.slots import Answers, walk
from flows.words import plural


def step_progress(
    flow: Flow,
    view: Answers,
    changes: Sequence[Change],
    section: Section | None,
    *,
    remaining: int,
    settled: int,
) -> Progress:
    """Returns the progress after a step: its section's place, the questions left, those opened."""
    left = _open(flow, view)
    opened = len(left - _open(flow, _before(flow, view, changes))) if changes else 0
    applying = [s for s in flow.sections if view.holds(s.relevant)]
    number = applying.index(section) + 1 if section in applying else len(applying)
    title = section.title if section is not None else "Review"
    return Progress(title, remaining, settled, len(left), opened, number, len(applying))


def progress_text(progress: Progress) -> str:
    """Returns the progress line: 'Police report · section 12 of 16 · about 9 questions left'."""
    out = f"{progress.section} · section {progress.number} of {progress.sections}"
    out += f" · about {plural(progress.left, 'question')} left"
    if progress.opened:
        out += f" (+{plural(progress.opened, 'follow-up')})"
    return out


def _open(flow: Flow, view: Answers) -> set[str]:
    """Returns the keys of the questions that apply and are not settled."""
    return {slot.key for slot in walk(flow, view) if slot.key not in view.stored}


def _before(flow: Flow, view: Answers, changes: Sequence[Change]) -> Answers:
    """Returns the answers as they stood before the step's changes."""
    stored: dict[str, Answer] = dict(view.stored)
    for change in reversed(changes):
        if change.old is None:
            stored.pop(change.key, None)
        else:
            stored[change.key] = change.old
    return Answers(flow, stored, view.now, facts_given=view.facts_given)
