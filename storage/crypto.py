"""Encryption at rest: a keyring of AES-256-GCM keys, newest first, and per-value sealing.

Every sealed value carries the id of the key that sealed it and is bound to where it lives: the
associated data is ``table|column|row identity|key id``, so a ciphertext copied to another row or
column, or a flipped byte, fails to open. Keys come from ``ENCRYPTION_KEYS`` (``kid:base64`` pairs,
newest first); the newest seals, any configured key opens. ``derive`` gives sub-keys for other
purposes (e.g. HMAC digests for look-ups) from a separate root that key rotation leaves alone.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import weakref
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = b"\x01"
TEXT_PREFIX = "enc1:"
KID = re.compile(r"[A-Za-z0-9_-]{1,32}")
# Keys that have appeared in documentation or examples must never protect real data.
DOCUMENTED_KEYS = frozenset(
    {
        base64.b64encode(bytes(range(32))).decode(),
        base64.b64encode(b"0123456789abcdef0123456789abcdef").decode(),
    }
)


class KeyConfigError(ValueError):
    """The configured keys are missing, malformed or unsafe; the message says which, not the key."""


class DecryptError(Exception):
    """A stored value did not open: tampered, moved, or sealed with a key no longer configured."""


@dataclass(frozen=True, slots=True)
class Keyring:
    """The configured keys, newest first, and the root that purpose keys are derived from."""

    keys: tuple[tuple[str, bytes], ...]
    derive_root: bytes | None = None
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyConfigError("no encryption key is configured")
        seen: set[str] = set()
        for kid, key in self.keys:
            if not KID.fullmatch(kid):
                raise KeyConfigError("a key id must be 1-32 of A-Z a-z 0-9 _ -")
            if kid in seen:
                raise KeyConfigError(f"key id {kid!r} appears twice")
            seen.add(kid)
            _check_key(key, what=f"key {kid!r}")
            self._ciphers[kid] = AESGCM(key)
        if self.derive_root is not None:
            _check_key(self.derive_root, what="the derivation key")

    def __repr__(self) -> str:
        return f"Keyring(kids={[kid for kid, _ in self.keys]})"

    @classmethod
    def parse(cls, keys: str, *, derive: str | None = None) -> Keyring:
        """Reads ``kid:base64key,kid:base64key`` (newest first) and an optional base64 root."""
        pairs: list[tuple[str, bytes]] = []
        for item in (part.strip() for part in keys.split(",")):
            if not item:
                continue
            kid, sep, encoded = item.partition(":")
            if not sep:
                raise KeyConfigError("ENCRYPTION_KEYS items must look like kid:base64key")
            pairs.append((kid.strip(), _b64(encoded.strip(), what=f"key {kid.strip()!r}")))
        root = _b64(derive.strip(), what="the derivation key") if derive else None
        return cls(tuple(pairs), root)

    @classmethod
    def generate(cls, kid: str = "k1") -> Keyring:
        """Returns a keyring with one fresh random key and root (for demos and tests)."""
        return cls(((kid, os.urandom(KEY_BYTES)),), os.urandom(KEY_BYTES))

    @property
    def newest(self) -> str:
        """Returns the id of the key that seals new values."""
        return self.keys[0][0]

    def seal(self, plaintext: bytes, *, context: str) -> bytes:
        """Encrypts with the newest key, bound to ``context`` (table|column|row)."""
        kid = self.newest
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[kid].encrypt(nonce, plaintext, _aad(context, kid))
        return VERSION + bytes([len(kid)]) + kid.encode("ascii") + nonce + sealed

    def open(self, blob: bytes, *, context: str) -> bytes:
        """Decrypts a sealed value; raises DecryptError when it does not belong here."""
        kid = key_id(blob)
        cipher = self._ciphers.get(kid or "")
        if kid is None or cipher is None:
            raise DecryptError("unknown format or key id")
        start = 2 + len(kid)
        nonce, sealed = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
        try:
            return cipher.decrypt(nonce, sealed, _aad(context, kid))
        except InvalidTag:
            raise DecryptError("authentication failed") from None

    def seal_text(self, text: str, *, context: str) -> str:
        """Encrypts text into printable stored text."""
        sealed = self.seal(text.encode("utf-8"), context=context)
        return TEXT_PREFIX + base64.b64encode(sealed).decode("ascii")

    def open_text(self, stored: str, *, context: str) -> str:
        """Decrypts stored text made by ``seal_text``."""
        return self.open(text_blob(stored), context=context).decode("utf-8")

    def derive(self, purpose: str) -> bytes:
        """Returns a 32-byte key for ``purpose`` (HKDF-SHA256); stable across key rotations."""
        if self.derive_root is None:
            raise KeyConfigError("ENCRYPTION_DERIVE_KEY is not configured")
        hkdf = HKDF(
            algorithm=hashes.SHA256(),
            length=KEY_BYTES,
            salt=b"missing-child-intake",
            info=purpose.encode("utf-8"),
        )
        return hkdf.derive(self.derive_root)


def key_id(blob: bytes) -> str | None:
    """Returns the id of the key a sealed value names, or None when it is not one."""
    if len(blob) < 2 or blob[:1] != VERSION:
        return None
    size = blob[1]
    kid = blob[2 : 2 + size]
    if len(kid) != size or len(blob) < 2 + size + NONCE_BYTES + 16:
        return None
    try:
        return kid.decode("ascii")
    except UnicodeDecodeError:
        return None


def text_blob(stored: str) -> bytes:
    """Returns the sealed bytes inside stored text (empty bytes when it is not sealed text)."""
    if not stored.startswith(TEXT_PREFIX):
        return b""
    try:
        return base64.b64decode(stored[len(TEXT_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return b""


def _aad(context: str, kid: str) -> bytes:
    return f"{context}|{kid}".encode()


def _b64(encoded: str, *, what: str) -> bytes:
    if encoded in DOCUMENTED_KEYS:
        raise KeyConfigError(f"{what} is an example key from documentation; generate your own")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigError(f"{what} is not valid base64") from None


def _check_key(key: bytes, *, what: str) -> None:
    if len(key) != KEY_BYTES:
        raise KeyConfigError(f"{what} must be {KEY_BYTES} bytes (base64 of 32 random bytes)")
    # Random 32-byte keys have about 30 distinct bytes; fewer than 16 means a made-up key.
    if len(set(key)) < 16:
        raise KeyConfigError(f"{what} is not random (all zeros or a repeated pattern)")


# Which keyring seals the values of which engine: the repository finds it from the session, so
# the callers of the repository never handle keys.
_KEYRINGS: weakref.WeakKeyDictionary[Engine, Keyring] = weakref.WeakKeyDictionary()


def attach(engine: Engine, keyring: Keyring) -> None:
    """Makes ``keyring`` the one that seals and opens values stored through ``engine``."""
    _KEYRINGS[engine] = keyring


def keyring_for(engine: Engine) -> Keyring:
    """Returns the engine's keyring; an engine made without one gets a throwaway random key."""
    keyring = _KEYRINGS.get(engine)
    if keyring is None:
        keyring = Keyring.generate("ephemeral")
        _KEYRINGS[engine] = keyring
    return keyring
