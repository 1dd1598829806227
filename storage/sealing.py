"""Answer values and photo bytes sealed for storage, bound to where they are stored."""

from __future__ import annotations

import json
import logging
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from storage import audit, clock, crypto

log = logging.getLogger(__name__)


def encode(value: Any) -> str | None:
    """Turns an answer value into JSON text (sealed by ``seal_value`` before it is stored)."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def decode(text: str | None) -> Any:
    """Turns JSON text (opened by ``open_value`` after it is read) back into the answer value."""
    return None if text is None else json.loads(text)


def value_context(table: str, column: str, report_id: int, key: str) -> str:
    """Returns what an answer value is bound to: its table, column, report and question."""
    return f"{table}|{column}|{report_id}|{key}"


def photo_context(photo_id: int) -> str:
    """Returns what a photo's bytes are bound to: the photo row."""
    return f"photo|content|{photo_id}"


def seal_value(session: Session, value: Any, *, context: str) -> str | None:
    """Encodes and encrypts an answer value for storage (None stays None: nothing to hide)."""
    text = encode(value)
    return None if text is None else session_keyring(session).seal_text(text, context=context)


def open_value(session: Session, stored: str | None, *, context: str, legacy: bool = False) -> Any:
    """Decrypts and decodes a stored answer value; raises crypto.DecryptError if tampered.

    Plain text is refused like a tampered value (anyone who can write to the database could
    plant it), except for ``keys rotate`` (``legacy``), which seals values stored before
    encryption was enabled.
    """
    if stored is None:
        return None
    if not stored.startswith(crypto.TEXT_PREFIX):
        if not legacy:
            raise crypto.DecryptError("not sealed")
        return decode(stored)
    return decode(session_keyring(session).open_text(stored, context=context))


def session_keyring(session: Session) -> crypto.Keyring:
    """Returns the keyring that seals the values of the session's engine."""
    bind = session.get_bind()
    return crypto.keyring_for(bind if isinstance(bind, Engine) else bind.engine)


# Set on a session that read a value which did not open.
DECRYPT_FAILED = "intake_decrypt_failed"


def decrypt_failed(session: Session, *, report_id: int, what: str) -> None:
    """Audits a value that did not open (it is then hidden) and carries on (F16)."""
    log.warning("crypto.decrypt_failed report=%s what=%s", report_id, what)
    session.info[DECRYPT_FAILED] = True  # what this step read is not the whole report
    audit.record(
        session,
        event="crypto.decrypt_failed",
        at=clock.now(session),
        component="storage",
        object_id=report_id,
        outcome="failed",
        reason=what,
    )
