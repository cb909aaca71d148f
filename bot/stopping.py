"""How `newsbot run` stops on SIGINT (Ctrl-C) or SIGTERM, whenever it comes: at start-up as
while it polls.

python-telegram-bot stops `run_polling` on either, but only from when `run_polling` begins:
Ctrl-C while the start-up's getMe was retried (the Bot API unreachable) ended in a
KeyboardInterrupt that left the call pending (asyncio logged "Task was destroyed but it is
pending!" at exit), with no word of why, and SIGTERM then killed the process silently.
`StopSignals` handles both from before getMe, and keeps which came, so a start cut short
says so and exits 130 or 143; a bot that started stops as before, with status 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """While installed on `loop`: SIGINT or SIGTERM stops the bot, as python-telegram-bot's
    own handler would once it runs (`stop_running`), and before then, during start-up, by
    cancelling what runs: start-up is then all the loop runs, and each step (a retried
    getMe, post_init, deleteWebhook) closes what it opened as it ends. `by` is the signal
    that came first.

    (python-telegram-bot's handler raises SystemExit, which ends `run_until_complete` but
    leaves its task pending: it then closes that task's coroutine, which the task, woken,
    resumes: "RuntimeError: cannot reuse already awaited coroutine", logged at exit.)"""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        started: Callable[[], bool],
        stop_running: Callable[[], None],
    ) -> None:
        self.loop, self.started, self.stop_running = loop, started, stop_running
        self.by: signal.Signals | None = None
        self._installed: list[signal.Signals] = []

    def __enter__(self) -> StopSignals:
        for stop in SIGNALS:
            # a loop without signal handlers (Windows): Ctrl-C stays a KeyboardInterrupt
            with contextlib.suppress(NotImplementedError, RuntimeError):
                self.loop.add_signal_handler(stop, self._stop, stop)
                self._installed.append(stop)
        return self

    def __exit__(self, *exc: object) -> None:
        """Give the signals back: one during the shutdown that follows stops it at once."""
        for stop in self._installed:
            self.loop.remove_signal_handler(stop)
        self._installed.clear()

    def _stop(self, stop: signal.Signals) -> None:
        self.by = self.by or stop
        if self.started():
            self.stop_running()
            return
        for task in asyncio.all_tasks(self.loop):
            task.cancel()

    @property
    def status(self) -> int:
        """The exit status of a process the signal stopped, as a shell reports it."""
        return 128 + (self.by or signal.SIGINT)


def cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks a stop left pending in `loop`, and let them end (their `finally`
    and `except CancelledError` run): a signal ends `run_until_complete`, not the task it
    ran, which asyncio would otherwise destroy pending when the loop closes."""
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in left:
        task.cancel()
    if left:
        loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
