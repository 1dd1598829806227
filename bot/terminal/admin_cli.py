"""Staff management, the same commands on the command line and in Telegram (``/staff``).

``staff add ID --role R [--name N] [--rank K]``, ``staff remove ID``, ``staff list``.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Sequence
from typing import TextIO

from bot.service.access import Access
from storage.staff import Role

USAGE = (
    "Usage: /staff add ID --role staff|supervisor|admin [--name NAME] [--rank N]\n"
    "       /staff remove ID\n"
    "       /staff list\n"
    "Rank 1 is alerted first, rank 2 next; 0 is not on call."
)


class UsageError(ValueError):
    """The staff command was not understood."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``staff add|remove|list`` to the command line."""
    staff = commands.add_parser("staff", help="manage who may use the bot")
    _fill(staff)


def _fill(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a member or change one")
    add.add_argument("telegram_id", type=int, help="numeric Telegram user id (not the username)")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--name", default=None, help="the member's name as others see it")
    add.add_argument("--rank", type=int, default=None, help="on-call order (1 first; 0 = off)")
    remove = actions.add_parser("remove", help="revoke a member's access")
    remove.add_argument("telegram_id", type=int)
    actions.add_parser("list", help="list members")


def apply(args: argparse.Namespace, access: Access, *, actor: str) -> str:
    """Runs one parsed staff command and returns what to tell the operator."""
    if args.action == "add":
        if args.telegram_id <= 0 or (args.rank is not None and args.rank < 0):
            raise UsageError("ids are positive and ranks are 0 or more")
        row = access.add(
            args.telegram_id, Role(args.role), actor=actor, name=args.name, rank=args.rank
        )
        return f"Saved: {row.telegram_id} {row.role}, on-call rank {row.on_call_rank}."
    if args.action == "remove":
        if access.remove(args.telegram_id, actor=actor):
            return f"Removed {args.telegram_id}; their next message is refused."
        return f"{args.telegram_id} is not an active member."
    return "\n".join(access.listing()) or "No staff yet."


def run(args: argparse.Namespace, access: Access, *, out: TextIO, err: TextIO) -> int:
    """Runs ``intake-bot staff ...`` and returns the exit code."""
    try:
        out.write(apply(args, access, actor="console:admin") + "\n")
    except UsageError as error:
        err.write(f"{error}\n")
        return 2
    return 0


def telegram(text: str, access: Access, *, actor: str) -> str:
    """Runs ``/staff ...`` typed in Telegram and returns the reply text."""
    parser = _Parser(prog="/staff", add_help=False)
    _fill(parser)
    words: Sequence[str]
    try:
        words = shlex.split(text)[1:]
        return apply(parser.parse_args(words), access, actor=actor)
    except (UsageError, ValueError, SystemExit):
        return USAGE
