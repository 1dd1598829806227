"""``python -m bot`` (or ``intake-bot``): the command line, in ``bot.terminal.cli``."""

import sys

from bot.terminal.cli import main

if __name__ == "__main__":
    sys.exit(main())
