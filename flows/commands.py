"""The built-in commands that work at every question, whatever the flow."""

from __future__ import annotations

from dataclasses import dataclass

# Words a worker types (or taps) instead of an answer. A leading "/" is optional so the console
# and Telegram share one vocabulary; multi-word phrases must be the whole message.
ALIASES = {
    "back": "back",
    "previous": "back",
    "skip": "skip",
    "n/a": "skip",
    "unknown": "unknown",
    "don't know": "unknown",
    "dont know": "unknown",
    "do not know": "unknown",
    "idk": "unknown",
    "not known": "unknown",
    "edit": "edit",
    "change": "edit",
    "review": "review",
    "summary": "review",
    "status": "status",
    "progress": "status",
    "help": "help",
    "?": "help",
    "cancel": "cancel",
    "done": "done",
    "finished": "done",
    "submit": "submit",
    "police": "police",
    "readout": "police",
    "keep": "keep",
}

COMMAND_HELP = (
    "You can send these at any question:\n"
    "  unknown — you don't know; it becomes an open item\n"
    "  skip — leave it for now; a required one becomes an open item\n"
    "  not yet — at a report or notification not made yet: it stays due, with its deadline\n"
    "  back — change the previous answer\n"
    "  edit <number or name> — change any answer (numbers are shown by 'review')\n"
    "  keep — leave the answer you are revisiting as it was\n"
    "  police — the read-out for the police call\n"
    "  review — the report so far\n"
    "  status — progress, open items and deadlines\n"
    "  cancel — stop this report (nothing is deleted)\n"
    "  /found — the child is found: record the recovery\n"
    "Every answer is saved the moment you send it."
)


@dataclass(frozen=True, slots=True)
class Command:
    """A built-in command the worker sent instead of an answer."""

    name: str
    argument: str = ""


def parse_command(text: str) -> Command | None:
    """Returns the command in ``text``, or None when the text is an answer."""
    body = text.strip()
    slashed = body.startswith("/")
    if slashed:
        body = body[1:]
    word, _, argument = body.partition(" ")
    word = word.split("@", 1)[0].lower()  # Telegram sends "/skip@SomeBot" in menus
    whole = " ".join([word, *argument.split()]).lower() if argument else word
    if whole in ALIASES:
        return Command(ALIASES[whole])
    if ALIASES.get(word) == "edit":
        return Command("edit", argument.strip())
    if slashed:
        return Command(ALIASES.get(word, "invalid"), argument.strip())
    return None
