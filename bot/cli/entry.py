"""The `newsbot` command's entry point, which imports nothing of newsbot's until it runs:
the command line's modules take a second or more to import (numpy, lxml, the compiled
kernels), and a Ctrl-C meanwhile printed a traceback from inside one of them."""

from __future__ import annotations

import signal
import sys

STOPPED_STARTING = "newsbot: stopped by SIGINT during start-up"


def main() -> int:
    """Run the command line (`bot.cli.main.main`); a Ctrl-C before it hears signals itself
    ends it with one line and the status a shell gives a command SIGINT ended."""
    try:
        from bot.cli.main import main as run_command

        return run_command()
    except KeyboardInterrupt:
        print(STOPPED_STARTING, file=sys.stderr)
        return 128 + signal.SIGINT
