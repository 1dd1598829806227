"""A face sheet sent or forwarded as a document (a text file or a PDF), at any question.

The handler only moves bytes: whether a file is read, and what it says, is the service's.
"""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.service.face_sheets import too_large
from bot.telegram.chat import Context, forget, message_of, runtime_of, show, worker_of


async def on_document(update: Update, context: Context) -> None:
    """Hands the document's bytes and size to the service; a file over 5 MB is not downloaded."""
    message, service = message_of(update), runtime_of(context).service
    document = message.document
    if document is None:
        return
    size = document.file_size
    # Too large: the service refuses it by its size, so it is never fetched from Telegram.
    content = (
        b""
        if too_large(size) is not None
        else bytes(await (await document.get_file()).download_as_bytearray())
    )
    outcome = await asyncio.to_thread(
        service.send_face_sheet_file,
        worker_of(update),
        content,
        size=size,
        update_id=update.update_id,
    )
    await show(context, message.chat_id, outcome)
    await forget(context, message, outcome)
