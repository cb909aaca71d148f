"""Work a stop must not leave halfway (a removal's transaction, an ingest's batch, a
reindex's save): waited for whatever cancels come meanwhile (`finished`), and whether any
such work is under way (`finishing`), which a second Ctrl-C or a SIGTERM waits for too.

Apart from the database (`corpus.db`), whose transactions are one kind of such work among
others: an index's save on disk is another.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

_T = TypeVar("_T")

# How many `finished` waits are under way: a stop told again meanwhile (a second Ctrl-C,
# SIGTERM after Ctrl-C) waits for them too (`bot.cli.main`), not ending the process halfway
_finishing = 0


def finishing() -> bool:
    """Whether work that must not be left halfway is under way (`finished`)."""
    return _finishing > 0


async def finished(work: Awaitable[_T]) -> _T:
    """`work`'s outcome, waited for whatever cancels come meanwhile, each of them (a second
    Ctrl-C's too): a removal's transaction, a reindex's save, once begun, end as they would
    have, and what the caller then says of them is what the database or the disk holds.
    Cancelled meanwhile, the cancel goes on once `work` is done (its error, if it failed)."""
    global _finishing
    task = asyncio.ensure_future(work)
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
                stopped = True
    finally:
        _finishing -= 1
    if stopped:
        raise asyncio.CancelledError
    return result
