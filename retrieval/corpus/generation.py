"""The index generation: a count in `meta` that says whose indexes may be saved.

Every process that opens the database (the bot, an ingest, `newsbot reindex`) holds its
indexes in memory and may save them beside the database (`retrieval.index.files`). Two
changes leave what a running process holds stale:
- articles split again into other sentences (`resplit`): its index keeps their old
  sentences, which are gone, and its article docs were read from them;
- `newsbot reindex` saving indexes built anew (say without a removed article's words):
  one loaded before must not replace them.
Each moves the generation on: a re-split batch in its own transaction, a reindex once its
indexes are written. A process notes the generation when it opens the database, before it
reads anything to index, and saves its indexes only while the generation is still the one
it noted, checked under the index folders' lock; so whichever process saves last, the saved
indexes never go back to older ones than the database's.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite

from retrieval.corpus.db import busy_timeout

_READ = "SELECT value FROM meta WHERE key = 'index_generation'"
# in a re-split batch's transaction (`resplit`)
MOVE_ON = (
    "INSERT INTO meta (key, value) VALUES ('index_generation', 1)"
    " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)


async def generation(conn: aiosqlite.Connection) -> int:
    """The database's index generation now (0 until anything moved it on)."""
    async with conn.execute(_READ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


def generation_of(conn: sqlite3.Connection) -> int:
    """`generation` through a plain sqlite3 connection (a worker thread's, under a lock).
    Every row is fetched, so the statement ends with it: a statement left open keeps its
    read transaction, and the next call would see the database as it was then."""
    rows = conn.execute(_READ).fetchall()
    return int(rows[0][0]) if rows else 0


def move_on_from(db_path: Path, made_at: int) -> bool:
    """Move the generation on from `made_at`, after `newsbot reindex` saved indexes made at
    it; False, moving nothing, when something else moved it on since (articles split again
    meanwhile: the indexes just saved are stale, and rebuilt when next loaded). One
    statement, on a connection of its own: it runs in a worker thread."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute(busy_timeout())
        moved = conn.execute(
            "INSERT INTO meta (key, value) VALUES ('index_generation', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            " WHERE CAST(value AS INTEGER) = ?",
            (made_at + 1, made_at),
        ).rowcount
    finally:
        conn.close()
    return bool(moved)
