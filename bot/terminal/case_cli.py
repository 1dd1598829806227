"""The day after on the command line: ``handover``, ``open`` and ``effort``.

The terminal is run by whoever holds the database, so it acts as a supervisor does (as ``staff``
and ``purge`` do); every call is audited under the operator's login.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from bot.render.case_text import actions_text, logged_text, open_cases_text
from bot.service.intake import IntakeService
from bot.service.people import worker_for
from flows.efforts import EffortAction, parse_action

COMMANDS = ("handover", "open", "effort")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds ``handover REPORT --to ID``, ``open`` and ``effort REPORT`` to the command line."""
    handover = commands.add_parser("handover", help="hand an open report to another worker")
    handover.add_argument("report_id", type=int)
    handover.add_argument(
        "--to", required=True, help="a staff member's Telegram id, or a terminal worker's login"
    )
    commands.add_parser("open", help="list every open episode, overdue first")
    effort = commands.add_parser("effort", help="log a search effort for an open episode")
    effort.add_argument("report_id", type=int)
    effort.add_argument("--action", default=None, help=", ".join(a.value for a in EffortAction))
    effort.add_argument("--outcome", default=None, help="what came of it")


def run(
    args: argparse.Namespace, service: IntakeService, *, actor: str, stdin: TextIO, out: TextIO
) -> int:
    """Runs one day-after command and returns the exit code."""
    if args.command == "open":
        cases = service.open_cases(actor)
        out.write(
            ("Not allowed." if cases is None else open_cases_text(cases, service.now())) + "\n"
        )
        return 0 if cases is not None else 1
    if args.command == "handover":
        handed = service.handover(actor, args.report_id, worker_for(args.to))
        out.write(handed.message + "\n")
        return 0 if handed.done else 1
    action = _action(args.action, stdin=stdin, out=out)
    if action is None:
        out.write("No such action. " + actions_text() + "\n")
        return 2
    outcome = args.outcome if args.outcome is not None else _ask("What came of it? ", stdin, out)
    logged = service.add_effort(actor, args.report_id, action, outcome)
    out.write(logged_text(logged) + "\n")
    return 0 if logged.entry is not None else 1


def _action(given: str | None, *, stdin: TextIO, out: TextIO) -> EffortAction | None:
    """Returns the action named on the command line, or the one picked from the numbered list."""
    if given is not None:
        return parse_action(given)
    out.write(actions_text() + "\n")
    return parse_action(_ask("> ", stdin, out))


def _ask(question: str, stdin: TextIO, out: TextIO) -> str:
    out.write(question)
    out.flush()
    return stdin.readline().strip()
