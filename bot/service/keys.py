"""Where the encryption keys come from: the environment in production, a local file in the demo.

Production (the Telegram bot, maintenance commands) refuses to run without ``ENCRYPTION_KEYS``.
The terminal demo creates a random key file beside the database once (mode 0600) and says so, so
a demo never stores plain text either.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from storage.crypto import KEY_BYTES, KeyConfigError, Keyring

__all__ = ["MISSING", "KeyConfigError", "demo_keyring", "production_keyring"]

DEMO_KEY_NAME = ".demo-key"
MISSING = (
    "ENCRYPTION_KEYS is not set. Generate a key with\n"
    "  python -c \"import base64,os; print('k1:' + base64.b64encode(os.urandom(32)).decode())\"\n"
    "and set ENCRYPTION_KEYS (and ENCRYPTION_DERIVE_KEY, base64 of 32 more random bytes).\n"
)


def production_keyring(settings: Settings) -> Keyring:
    """Returns the configured keyring; raises KeyConfigError when it is missing or unsafe."""
    if settings.encryption_keys is None or not settings.encryption_keys.get_secret_value():
        raise KeyConfigError("ENCRYPTION_KEYS is not set")
    if (
        settings.encryption_derive_key is None
        or not settings.encryption_derive_key.get_secret_value()
    ):
        # Children are matched across episodes under a key derived from it.
        raise KeyConfigError("ENCRYPTION_DERIVE_KEY is not set")
    derive = settings.encryption_derive_key
    return Keyring.parse(
        settings.encryption_keys.get_secret_value(),
        derive=derive.get_secret_value() if derive else None,
    )


def demo_keyring(settings: Settings, *, notice: TextIO) -> Keyring:
    """Returns the configured keyring, or the demo key file's (created once, with a notice)."""
    if settings.encryption_keys is not None and settings.encryption_keys.get_secret_value():
        return production_keyring(settings)
    path = demo_key_path(settings.database_url)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = (
            f"demo:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}\n"
            f"{base64.b64encode(os.urandom(KEY_BYTES)).decode()}\n"
        )
        # O_EXCL: two demos starting at once must not overwrite each other's key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(lines)
        notice.write(
            f"Demo mode: created the encryption key file {path} (readable only by you). "
            "Set ENCRYPTION_KEYS for real use.\n"
        )
    keys, derive = [*path.read_text(encoding="ascii").split(), "", ""][:2]
    return Keyring.parse(keys, derive=derive or None)


def demo_key_path(database_url: str) -> Path:
    """Returns where the demo key lives: beside an SQLite file, else under data/."""
    if database_url.startswith("sqlite:///") and database_url not in ("sqlite:///:memory:",):
        return Path(database_url.split("///", 1)[1]).parent / DEMO_KEY_NAME
    return Path("data") / DEMO_KEY_NAME
