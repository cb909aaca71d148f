"""Why no article can be stored now (a full disk, a read-only or failing database, one
another process keeps locked), and what to do: one message for every command that writes
in batches (ingest, reindex's re-split and authors, a feed's poll).

Apart from the ingest, whose faults these first were, because the others stop on them alike.
"""

from __future__ import annotations

import sqlite3

from retrieval.corpus.db import locked_too_long

INGEST_AGAIN = "run the same ingest again: what is stored already is skipped as a duplicate"


def storage_fault(exc: sqlite3.DatabaseError, again: str = INGEST_AGAIN) -> str | None:
    """Why no article can be stored at all now, and what to do (`again`: how to go on once
    that is fixed), or None when the fault may be one batch's.

    A full disk, a read-only or failing database, or one another process keeps locked,
    refuses every write alike: retrying each article of every later batch would only list
    them all as failures (a lock held for good: 30 seconds an article).
    """
    code = getattr(exc, "sqlite_errorcode", None)
    locked = locked_too_long()
    why = {
        sqlite3.SQLITE_BUSY: locked,
        sqlite3.SQLITE_LOCKED: locked,
        sqlite3.SQLITE_FULL: ("the disk holding the database is full", "free some space"),
        sqlite3.SQLITE_READONLY: (
            "the database is read-only",
            "make it and its folder writable by this user",
        ),
        sqlite3.SQLITE_IOERR: (f"the database cannot be written ({exc})", "check the disk"),
        sqlite3.SQLITE_CANTOPEN: (
            f"the database's files cannot be opened ({exc})",
            "check its folder's permissions",
        ),
    }.get(code & 0xFF if isinstance(code, int) else -1)
    if why is None:
        return None
    return f"{why[0]}. The articles stored before are safe; {why[1]}, and {again}"
