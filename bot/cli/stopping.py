"""How a command (not `newsbot run`: `bot.stopping`) stops on SIGTERM or Ctrl-C: cancelled,
what it did said and kept, with the status a shell gives a command the signal ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Coroutine
from typing import Any

from retrieval.finishing import finishing


class StopSignals:
    """While a command runs, SIGTERM (systemd's stop, `timeout`, a cron job's end) stops it
    as Ctrl-C does, by cancelling it: what it did is said and kept. It ended one without a
    word, status 143 from the kernel, an ingest's summary and the hint to run it again
    unprinted. Told again, it ends the command at once (SIGTERM by the kernel, Ctrl-C by
    KeyboardInterrupt), unless what must not be left halfway is under way (`finishing`)."""

    def __init__(self) -> None:
        self.by = signal.SIGINT  # what stopped the command
        self._told = False  # whether a stop was heard
        self._before: Any = None
        self._before_int: Any = None
        self._command: asyncio.Task[int] | None = None

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():  # where Python handles them
            self._before = signal.signal(signal.SIGTERM, self._terminated)
            # Ctrl-C as asyncio.run hears it, but for a second one while work that must
            # not be left halfway is under way (`finishing`): asyncio's raised
            # KeyboardInterrupt, and asyncio.run then cancelled every task, a removal's
            # transaction too, rolled back or committed unsaid. Left ignored where it is
            # (a job a shell starts in the background), as asyncio.run leaves it.
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                self._before_int = signal.signal(signal.SIGINT, self._interrupted)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._before is not None:
            signal.signal(signal.SIGTERM, self._before)
        if self._before_int is not None:
            signal.signal(signal.SIGINT, self._before_int)

    async def run(self, command: Coroutine[Any, Any, int]) -> int:
        """`command`, cancelled by SIGTERM, and by Ctrl-C where SIGINT is not ignored (as it
        is in a job a shell starts in the background)."""
        self._command = asyncio.current_task()
        return await command

    def _interrupted(self, signum: int, frame: Any) -> None:
        command = self._command
        if self._told and finishing():  # waited for, as the first stop waits
            return
        if self._told or command is None:  # told twice: as asyncio.run's handler does
            raise KeyboardInterrupt
        self._stop(signal.SIGINT, command)

    def _terminated(self, signum: int, frame: Any) -> None:
        command = self._command
        if self._told and finishing():  # waited for, as the first stop waits
            return
        if self.by == signal.SIGTERM or command is None:
            # not started yet, or told twice (a cancelled command waits for the work its
            # worker thread is doing: a first compile, a digest): ended by the kernel now
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.raise_signal(signal.SIGTERM)
        self._stop(signal.SIGTERM, command)

    def _stop(self, by: signal.Signals, command: asyncio.Task[int] | None) -> None:
        """Cancel `command`, stopped `by` a signal (said in the status)."""
        self.by = by
        self._told = True
        if command is not None and not command.done():
            with contextlib.suppress(RuntimeError):  # its loop closed: the command is over
                command.get_loop().call_soon_threadsafe(command.cancel)

    @property
    def status(self) -> int:
        return 128 + self.by  # as a shell reports a command the signal ended
