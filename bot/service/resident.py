"""The answers of recently stepped reports, kept in memory between steps for one version each.

The database stays the only durable copy: an entry is kept only after its step committed, and is
used only while the report's stored ``version`` is the one it was kept at. Any other writer (a
second process, a purge) bumps the version, so its next step reads the database again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping

from sqlalchemy import event
from sqlalchemy.orm import Session

from flows.schema import Answer
from storage import repository as repo

# Enough for every report stepped in the last while; the least recently stepped go first.
CAPACITY = 4096
# Where a step leaves what to keep once its transaction commits.
TO_KEEP = "intake_resident_keep"


class Resident:
    """A bounded, thread-safe map of report id to (version, answers), least recently used out."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._held: OrderedDict[int, tuple[int, Mapping[str, Answer]]] = OrderedDict()
        self._lock = threading.Lock()  # steps of different chats run in different threads

    def get(self, report_id: int, version: int) -> Mapping[str, Answer] | None:
        """Returns the answers kept at exactly this version, or None (then read the database)."""
        with self._lock:
            held = self._held.get(report_id)
            if held is None or held[0] != version:
                return None
            self._held.move_to_end(report_id)
            return held[1]

    def keep(self, report_id: int, version: int, answers: Mapping[str, Answer]) -> None:
        """Keeps a committed step's answers as they stand at ``version``."""
        with self._lock:
            self._held[report_id] = (version, dict(answers))  # a copy: the step's dict moves on
            self._held.move_to_end(report_id)
            while len(self._held) > self.capacity:
                self._held.popitem(last=False)

    def __len__(self) -> int:
        return len(self._held)


def keep_on_commit(
    session: Session,
    resident: Resident,
    report_id: int,
    version: int,
    answers: Mapping[str, Answer],
) -> None:
    """Keeps a step's answers when its transaction commits; a rollback keeps nothing."""
    if session.info.get(repo.DECRYPT_FAILED):
        return  # a value that did not open is read, and audited, again on every step
    session.info.setdefault(TO_KEEP, []).append((resident, report_id, version, answers))


@event.listens_for(Session, "after_commit")
def _kept(session: Session) -> None:
    for resident, report_id, version, answers in session.info.pop(TO_KEEP, ()):
        resident.keep(report_id, version, answers)
