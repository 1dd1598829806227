"""Drives ``python -m bot console`` as a real subprocess, line by line, for end-to-end tests."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

PROMPT = "\n> "


class ConsoleProcess:
    """A running terminal intake whose screen can be read up to each '> ' prompt."""

    def __init__(self, workdir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'data' / 'intake.db'}",
            "TELEGRAM_BOT_TOKEN": "",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=workdir,
            env=environment,
        )
        self.buffer = ""

    def screen(self, timeout: float = 30.0) -> str:
        """Returns everything printed up to and including the next '> ' prompt."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while PROMPT not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no prompt; screen so far:\n{self.buffer[-2000:]}")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self.buffer += chunk.decode("utf-8")
        head, _, rest = self.buffer.partition(PROMPT)
        self.buffer = rest
        return head

    def send(self, text: str) -> None:
        """Types one line."""
        assert self.process.stdin is not None
        self.process.stdin.write(text.encode() + b"\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        """Kills the process with SIGKILL, as a crash or power cut would."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
