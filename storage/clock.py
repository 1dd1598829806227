"""The one clock storage reads: the service's, attached to its engine, else the system's.

Storage stamps a few rows it writes on its own (a value that no longer decrypts is audited when
it is read), so it needs "now" without every read taking a ``now`` argument. The service attaches
its injected clock to the engine, the way the keyring is attached, so tests and the command line
decide the time and nothing in storage reads the system clock behind their back.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session

Clock = Callable[[], datetime]

_CLOCKS: weakref.WeakKeyDictionary[Engine, Clock] = weakref.WeakKeyDictionary()


def system_clock() -> datetime:
    """Returns the real time, in UTC: the clock of the command line and the bot."""
    return datetime.now(UTC)


def attach(engine: Engine, clock: Clock) -> None:
    """Makes ``clock`` the one storage reads for rows written through ``engine``."""
    _CLOCKS[engine] = clock


def now(session: Session) -> datetime:
    """Returns the time by the clock attached to the session's engine."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _CLOCKS.get(engine, system_clock)()
