"""Work a stop must not leave halfway (a removal's transaction, an ingest's batch, a
reindex's save): waited for whatever cancels come meanwhile (`finished`), and whether any
such work is under way (`finishing`), which a second Ctrl-C or a SIGTERM waits for too.

Apart from the database (`corpus.db`), whose transactions are one kind of such work among
others: an index's save on disk is another.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TypeVar

_T = TypeVar("_T")

# How many `finished` waits are under way: a stop told again meanwhile (a second Ctrl-C,
# SIGTERM after Ctrl-C) waits for them too (`bot.cli.main`), not ending the process halfway
_finishing = 0


def finishing() -> bool:
    """Whether work that must not be left halfway is under way (`finished`)."""
    return _finishing > 0


@dataclass(slots=True)
class Unlocked:
    """`finished` work that writes nothing before its first transaction holds the lock (or
    `Engine.seed_if_empty`'s seeding, which a stop ends whenever it comes)."""

    locked: bool = False  # its first transaction began: from now on it is finished


# The `finished` work this task is, when a cancel may end it until it holds the write lock
# (`corpus.db.transaction` marks it locked, and waits for the lock in slices meanwhile, so
# that the cancel is heard)
unlocked_work: contextvars.ContextVar[Unlocked | None] = contextvars.ContextVar(
    "unlocked_work", default=None
)


async def finished(work: Awaitable[_T], until_locked: bool = False) -> _T:
    """`work`'s outcome, waited for whatever cancels come meanwhile, each of them (a second
    Ctrl-C's too): a removal's transaction, a reindex's save, once begun, end as they would
    have, and what the caller then says of them is what the database or the disk holds.
    Cancelled meanwhile, the cancel goes on once `work` is done (its error, if it failed).

    `until_locked`: `work` writes nothing before its first `transaction` takes the write
    lock, which another process may hold for the busy timeout (30 s); a cancel before then
    ends it, heard within LOCK_SLICE_S, nothing written. Every stop was heard only once
    that wait was over. (Inside a transaction of this task's, `Engine.seed_if_empty`'s, the
    lock is held already.)"""
    global _finishing
    unlocked = Unlocked() if until_locked else None
    told = unlocked_work.set(unlocked)
    try:
        task = asyncio.ensure_future(work)  # the task's context holds `unlocked`
    finally:
        unlocked_work.reset(told)
    _finishing += 1
    stopped = False
    try:
        while True:
            try:
                result = await asyncio.shield(task)
                break
            except asyncio.CancelledError:
                if task.done():  # `work` itself was cancelled, not this wait
                    raise
                if unlocked is not None and not unlocked.locked and not stopped:
                    task.cancel()  # in its wait for the lock, or before it
                stopped = True
    finally:
        _finishing -= 1
    if stopped:
        raise asyncio.CancelledError
    return result
