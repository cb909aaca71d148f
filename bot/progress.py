"""Progress of long runs: a bar on a terminal, and a line in the log every little while."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Protocol

log = logging.getLogger("newsbot.progress")

LOG_EVERY = 10.0  # seconds between progress lines in the log


class Tick(Protocol):
    def __call__(self, n: int = 1) -> None: ...


@contextmanager
def progress_bar(
    total: int | None, unit: str, enabled: bool, label: str | None = None
) -> Iterator[Tick]:
    """Yield `tick(n=1)`: it moves a tqdm bar when stderr is a terminal, and, with a `label`,
    logs "label: N unit" every LOG_EVERY seconds and at the end -- so a run under cron or
    systemd shows its progress in the log too. Log lines print above the bar. Not `enabled`
    (`--quiet`): neither bar nor lines, only counting. A `total` the count passes grows
    with it, so progress never reads past 100%.
    """
    if not enabled:
        label = None
    done = 0
    grow: Callable[[int], object] = lambda total: None  # noqa: E731
    last_logged = time.monotonic()
    with ExitStack() as stack:
        update: Callable[[int], object] = lambda n: None  # noqa: E731
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            bar = stack.enter_context(tqdm(total=total, unit=unit, file=sys.stderr, leave=False))
            stack.enter_context(logging_redirect_tqdm())
            update = bar.update

            def grow(to: int) -> None:
                bar.total = to
                bar.refresh()

        def tick(n: int = 1) -> None:
            nonlocal done, last_logged, total
            done += n
            if total and done > total:  # more came meanwhile (another process's, left before)
                total = done
                grow(total)
            update(n)
            if label and time.monotonic() - last_logged >= LOG_EVERY:
                last_logged = time.monotonic()
                log.info("%s: %s", label, _count(done, total, unit))

        yield tick
        if label and done:
            log.info("%s: %s, done", label, _count(done, total, unit))


def _count(done: int, total: int | None, unit: str) -> str:
    """ "3/10 articles read", "12 articles read", "1 article read": `unit` opens with a
    plural in s ("feeds", "sentences indexed"), dropped for one."""
    if not total and done == 1:
        first, _, rest = unit.partition(" ")
        unit = " ".join(filter(None, (first.removesuffix("s"), rest)))
    return f"{done:,}/{total:,} {unit}" if total else f"{done:,} {unit}"
