"""The agency's side of the service: acknowledgements, key rotation, the audit trail, purge."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from bot.service import escalation
from bot.service.core import ServiceCore
from storage import audit, retention, rotation
from storage import repository as repo
from storage.instance_lock import AlreadyRunning, single_instance

__all__ = ["Administration", "AlreadyRunning", "Rotated"]


@dataclass(frozen=True, slots=True)
class Rotated:
    """What ``keys rotate`` did: rows re-encrypted, batches, failures and rows still behind."""

    rotated: int
    batches: int
    failed: int
    left: int


class Administration(ServiceCore):
    """Calls made for supervisors and administrators rather than for one worker's step."""

    def acknowledge(self, supervisor: int, report_id: int, notification_id: int) -> str:
        """Records a supervisor's acknowledgement: acknowledged, again, or denied."""
        with repo.transaction(self.engine) as session:
            return escalation.acknowledge(
                session,
                supervisor=supervisor,
                report_id=report_id,
                notification_id=notification_id,
                now=self.now(),
            )

    def rotate_keys(self, *, batch_size: int) -> Rotated:
        """Re-encrypts every stored value with the newest key, batch by batch."""
        done = rotation.rotate(self.engine, clock=self.clock, batch_size=batch_size)
        return Rotated(done.rotated, done.batches, done.failed, rotation.pending(self.engine))

    def verify_audit(self) -> audit.ChainCheck:
        """Checks the audit trail's hash chain and names the first bad row."""
        with repo.transaction(self.engine) as session:
            return audit.verify(session)

    def purge(self, *, older_than_days: int) -> retention.Purge:
        """Empties every closed report untouched for that many days (audit rows stay)."""
        return retention.purge(
            self.engine, older_than=timedelta(days=older_than_days), now=self.clock()
        )

    @contextmanager
    def only_instance(self, name: str) -> Iterator[None]:
        """Holds the database's lock named ``name``; AlreadyRunning when another process does."""
        with single_instance(self.engine, name):
            yield
