"""The one service both adapters call: load the report, step the engine, commit, then reply.

``bot.service`` is the only package that knows both ``flows`` and ``storage``. The service is
one object made of its sides: the worker's conversation, the outbox sender's database steps, the
read side (reports, photos, exports, what is due), the day after (handover, the open cases, the
search efforts) and the agency's administration (acknowledgements, keys, audit, purge).
"""

from __future__ import annotations

from bot.service.admin import Administration
from bot.service.conversation import Conversation
from bot.service.efforts import Efforts
from bot.service.face_sheets import FaceSheets
from bot.service.outbox_rows import OutboxRows
from bot.service.outcome import DUPLICATE, EXPIRED, NOT_ALLOWED, Outcome, ReportNotFound
from bot.service.papers import FlyerNotAuthorized, Paper, Papers
from bot.service.records import Records

__all__ = [
    "DUPLICATE",
    "EXPIRED",
    "NOT_ALLOWED",
    "FlyerNotAuthorized",
    "IntakeService",
    "Outcome",
    "Paper",
    "ReportNotFound",
]


class IntakeService(Conversation, FaceSheets, OutboxRows, Efforts, Records, Papers, Administration):
    """Runs the intake conversation for any number of workers over one database."""
