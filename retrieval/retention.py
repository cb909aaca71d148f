"""How long the database keeps what chats said to the bot: NEWSBOT_KEEP_DAYS.

One step, `forget_expired`, forgets what is past those days: the running bot takes it
hourly, `newsbot forget --expired` on demand (a database no bot runs on, cron), and
`newsbot backup` in the copy it makes, so that no backup holds what the database no longer
should. What it deletes is overwritten, and the write-ahead log emptied after, as
`newsbot remove` does for an article (`delete_securely`, `empty_log`).

It runs on the schema it finds: a backup copies a database as an older newsbot left it.
"""

from __future__ import annotations

import asyncio

import aiosqlite

from retrieval.corpus.db import delete_securely, empty_log

FORGET_BATCH = 1000
# The tables of what chats asked, and what holds a question's words in each: its rows are
# forgotten by when the oldest question they hold was asked (a follow-up's hold the ones it
# follows: `first_asked_ts`, migration 43), the others by when they were made. Answers: their
# messages, and the articles sent under them, go with them.
_ASKED = ("query_log", "feedback", "answers", "question_replies", "prompts")


async def forget_expired(conn: aiosqlite.Connection, before: float) -> int:
    """Delete what chats asked before `before` (Unix time: NEWSBOT_KEEP_DAYS ago),
    overwritten, then empty the write-ahead log; how many rows went. In batches of
    FORGET_BATCH rows, each a statement of its own (`conn` is in autocommit mode): the first
    forgetting of a year of questions would hold the connection, and every answer, for
    minutes."""
    await delete_securely(conn)
    gone = 0
    for table in _ASKED:
        columns = await _columns(conn, table)
        if not columns:  # a copy of an older database
            continue
        dated = "created_ts"
        if "first_asked_ts" in columns:
            dated = "min(created_ts, coalesce(first_asked_ts, created_ts))"
        gone += await _delete_in_batches(conn, table, f"{dated} < ?", (before,))
    if gone:
        await empty_log(conn)
    return gone


async def _delete_in_batches(
    conn: aiosqlite.Connection, table: str, where: str, values: tuple[float | int, ...]
) -> int:
    """Delete the rows of `table` where `where` holds, FORGET_BATCH a statement; how many
    went. Rows are in time order, so each batch of old ones is found at once."""
    gone = 0
    while True:
        cursor = await conn.execute(
            f"DELETE FROM {table} WHERE id IN"
            f" (SELECT id FROM {table} WHERE {where} LIMIT {FORGET_BATCH})",
            values,
        )
        gone += max(cursor.rowcount, 0)
        if cursor.rowcount < FORGET_BATCH:
            return gone
        await asyncio.sleep(0)  # the handlers' statements go between two batches


async def _columns(conn: aiosqlite.Connection, table: str) -> set[str]:
    """The columns of `table`; none when there is no such table."""
    async with conn.execute(f"PRAGMA table_info({table})") as cursor:
        return {str(row[1]) for row in await cursor.fetchall()}
