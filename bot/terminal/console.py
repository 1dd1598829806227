"""The same conversation in the terminal: for demos, training and end-to-end tests.

Choices are numbered; piped input works (each line is one message, echoed so a transcript reads
like a chat); a photo question takes the path of an image file; ``paste`` takes a face sheet,
line by line, until an empty line.
"""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.service.intake import IntakeService, Outcome
from bot.service.photos import clean
from bot.terminal.views import NUMBERED_KINDS, render_reply
from flows.engine import Prompt, Reply
from flows.lifecycle import State
from flows.replies import Event
from flows.schema import Kind

PASTE = "paste"
PASTE_HINT = "Paste the face sheet, then send an empty line."


def run_console(
    service: IntakeService,
    *,
    worker: str,
    stdin: TextIO,
    stdout: TextIO,
    new: bool = False,
    echo: bool = False,
    found: int | None = None,
) -> int:
    """Runs one worker's report until it is cancelled or the input ends (amending after submit).

    With ``found`` it runs the recovery record of that report instead.
    """
    if found is not None:
        outcome = service.found(worker, found, any_worker=True)
        if outcome.reply.error:
            stdout.write(outcome.reply.error + "\n")
            return 1
        stdout.write(f"Recovery record #{outcome.report_id} for report #{found}.\n")
    else:
        outcome = service.start(worker, new=new)
        banner = "Started" if outcome.reply.event == Event.STARTED else "Resumed"
        stdout.write(f"{banner} report #{outcome.report_id}. Send 'help' for commands.\n")
    while True:
        stdout.write(render_reply(outcome.reply, numbered=True) + "\n")
        if outcome.reply.state == State.CANCELLED:
            return 0
        stdout.write("> ")
        stdout.flush()
        line = stdin.readline()
        if not line:
            if outcome.reply.state == State.SUBMITTED:
                stdout.write(f"\nReport #{outcome.report_id} is submitted and saved.\n")
            else:
                stdout.write(
                    f"\nEverything is saved. Run the same command again to resume report "
                    f"#{outcome.report_id}.\n"
                )
            return 0
        text = line.rstrip("\r\n")
        if echo:
            stdout.write(text + "\n")
        if text.strip().lower() == PASTE:
            outcome = service.paste_face_sheet(worker, _pasted(stdin, stdout, echo=echo))
            continue
        outcome = _step(service, worker, outcome, text)


def _pasted(stdin: TextIO, stdout: TextIO, *, echo: bool) -> str:
    """Reads pasted lines until an empty line (or the end of the input)."""
    stdout.write(PASTE_HINT + "\n")
    lines: list[str] = []
    while (line := stdin.readline().rstrip("\r\n")).strip():
        lines.append(line)
        if echo:
            stdout.write(line + "\n")
    return "\n".join(lines)


def _step(service: IntakeService, worker: str, last: Outcome, text: str) -> Outcome:
    prompt = last.reply.prompt
    if text.strip().lower() == "/found":
        return service.found(worker)
    if prompt and prompt.kind is Kind.PHOTO and _as_path(text).is_file():
        return _photo(service, worker, last, _as_path(text))
    # Anything else (none, done, unknown, a command) is for the engine to answer.
    return service.handle_text(worker, _choice_value(prompt, text))


def _as_path(text: str) -> Path:
    return Path(text.strip().strip("'\"")).expanduser()


def _choice_value(prompt: Prompt | None, text: str) -> str:
    """Turns '2' (or '1, 3' for several) into the values of the numbered choices shown."""
    if prompt is None or (prompt.kind not in NUMBERED_KINDS and not prompt.is_sentinel):
        return text
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() and 1 <= int(p) <= len(prompt.choices) for p in parts):
        return text
    return ", ".join(prompt.choices[int(p) - 1].value for p in parts)


def _photo(service: IntakeService, worker: str, last: Outcome, path: Path) -> Outcome:
    photo = clean(path.read_bytes())
    if photo is None:
        guess = mimetypes.guess_type(path.name)[0] or "unknown type"
        return Outcome(
            last.report_id,
            _with_error(last, f"That file is not a JPEG, PNG or WebP photo ({guess})."),
        )
    return service.add_photo(worker, content=photo.content, mime=photo.mime)


def _with_error(last: Outcome, message: str) -> Reply:
    return replace(last.reply, error=message, notices=(), alerts=(), report=None, view="")
