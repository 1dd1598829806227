"""The composition root: settings → keys → database engine → migrations → the one service.

Both entry points call it: the command line (``bot.terminal.cli``) and the Telegram application
(``bot.telegram.app``), so neither imports the other.
"""

from __future__ import annotations

from bot.config import Settings
from bot.service.intake import IntakeService
from bot.service.keys import production_keyring
from flows.missing_from_care import FLOW
from flows.validation import validate_flow
from storage.clock import Clock, system_clock
from storage.crypto import Keyring
from storage.migrate import upgrade
from storage.repository import make_engine


def build_service(
    settings: Settings, *, keyring: Keyring | None = None, clock: Clock = system_clock
) -> IntakeService:
    """Wires the flow, the database, the keys and the clock into the service."""
    keys = keyring or production_keyring(settings)
    engine = make_engine(
        settings.database_url, synchronous=settings.sqlite_synchronous, keyring=keys
    )
    upgrade(engine)  # migrations to head, once per start; concurrent starts wait for each other
    return IntakeService(
        flow=validate_flow(FLOW),
        engine=engine,
        clock=clock,
        zone=settings.zone,
        profile=settings.deadline_profile,
        long_term_days=settings.long_term_days,
        effort_days=settings.search_effort_reminder_days,
        refresh_months=settings.on_file_refresh_months,
    )
