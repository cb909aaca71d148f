"""How the bot's bookkeeping meets a database that cannot take a write for now: a write
tried again while another process holds the write lock, for BOOKKEEPING_WAIT_S at most, and
bookkeeping (the chats seen, the query log, an answer's record for its buttons) logged and
left out when the database cannot take it (a full disk, a lock held too long).

Apart from the tables it writes (`retrieval.conversations`): this is a policy of waiting
and giving up, not a statement; each write it is handed is one. The wait is its own, a
statement at a time, and not SQLite's busy timeout: a write waiting out 30 seconds held the
connection, and every read of the bot's behind it, so nobody was answered until the lock
was released.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from retrieval.corpus.db import kept_locked

log = logging.getLogger(__name__)

T = TypeVar("T")


_FOREIGN_KEY = 787  # SQLITE_CONSTRAINT_FOREIGNKEY: a row of an answer deleted meanwhile
# What keeps a database from taking a write for now, not a fault of the write itself (an
# SQL error, a missing table: raised, so that a bug is seen)
_CANNOT_WRITE_NOW = frozenset(
    {
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    }
)


# The bot's writes (`Conversations.open`): how long one waits for another process's write
# lock before it is given up (bookkeeping: left out; a claim: the update fails, and the
# user is told the database is busy), read when called; each try waits ATTEMPT_S of it in
# SQLite, then the connection is free for the reads behind it for as long
BOOKKEEPING_WAIT_S = 2.0
ATTEMPT_S = 0.1


async def retried(write: Callable[[], Awaitable[T]], waits: bool) -> T:
    """`write()`, tried again while another connection holds the write lock, for
    BOOKKEEPING_WAIT_S at most when `waits` (else once: the connection's busy timeout
    waits)."""
    deadline = time.monotonic() + BOOKKEEPING_WAIT_S
    while True:
        try:
            return await write()
        except sqlite3.OperationalError as exc:
            if not waits or not kept_locked(exc) or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(ATTEMPT_S)


async def bookkeeping(what: str, write: Callable[[], Awaitable[T]], waits: bool) -> T | None:
    """`write()`'s result (`retried`), or None (logged) when the database cannot take it
    now, or when the answer it records for was forgotten meanwhile
    (`Conversations.forget_before`)."""
    try:
        return await retried(write, waits)
    except (sqlite3.OperationalError, sqlite3.IntegrityError) as exc:
        code = getattr(exc, "sqlite_errorcode", -1)
        if code != _FOREIGN_KEY and (code & 0xFF) not in _CANNOT_WRITE_NOW:
            raise
        log.warning("could not record %s: %s", what, exc)
        return None
