"""A report's photos: stored sealed, read back as decrypted copies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from storage import crypto
from storage.models import Photo
from storage.sealing import decrypt_failed, photo_context, session_keyring


def add_photo(
    session: Session,
    *,
    report_id: int,
    field_key: str,
    content: bytes,
    mime: str,
    now: datetime,
    file_id: str | None = None,
    file_unique_id: str | None = None,
) -> Photo:
    """Stores a photo's bytes and returns the row with its id (an existing duplicate if any)."""
    if file_unique_id is not None:
        existing = session.exec(
            select(Photo).where(
                Photo.report_id == report_id, Photo.file_unique_id == file_unique_id
            )
        ).first()
        if existing is not None:
            return existing
    # The row's id is part of what the bytes are bound to, so insert an empty row first; the
    # sealed bytes replace it in the same transaction, and plain bytes never reach the database.
    photo = Photo(
        report_id=report_id,
        field_key=field_key,
        file_id=file_id,
        file_unique_id=file_unique_id,
        mime=mime,
        content=b"",
        created_at=now,
    )
    session.add(photo)
    session.flush()
    photo.content = session_keyring(session).seal(content, context=photo_context(photo.id or 0))
    session.add(photo)
    session.flush()
    return photo


def load_photos(session: Session, *, photo_ids: Iterable[int]) -> list[Photo]:
    """Returns the photos with the given ids, in the order given, as detached decrypted copies.

    A photo whose bytes do not decrypt is left out (and audited).
    """
    wanted = list(photo_ids)
    rows = {p.id: p for p in session.exec(select(Photo).where(col(Photo.id).in_(wanted))).all()}
    photos: list[Photo] = []
    for photo_id in wanted:
        row = rows.get(photo_id)
        if row is None:
            continue
        try:
            content = open_photo(session, row)
        except crypto.DecryptError:
            decrypt_failed(session, report_id=row.report_id, what=f"photo:{photo_id}")
            continue
        photos.append(Photo.model_validate({**row.model_dump(), "content": content}))
    return photos


def open_photo(session: Session, row: Photo, *, legacy: bool = False) -> bytes:
    """Returns a photo row's plain bytes; unsealed bytes only for ``keys rotate`` (``legacy``)."""
    if row.content[:1] != crypto.VERSION:
        if not legacy:
            raise crypto.DecryptError("not sealed")
        return row.content
    return session_keyring(session).open(row.content, context=photo_context(row.id or 0))
