"""How long the database keeps what chats said to the bot (NEWSBOT_KEEP_DAYS), and the
erasure of one chat's or one user's on request.

One step, `forget_expired`, forgets what is past those days: what chats asked, and the
subscriptions that ended (a channel's title, its keywords, who made it). The running bot takes
it hourly, `newsbot forget --expired` on demand (a database no bot runs on, cron), and
`newsbot backup` in the copy it makes, so that no backup holds what the database no longer
should. `forget_chat` and `forget_user` (`newsbot forget --chat/--user`) delete every row
naming one. What they delete is overwritten, and the write-ahead log emptied after, as
`newsbot remove` does for an article (`delete_securely`, `empty_log`). Each moves the count
of erasures on (`erasures`): a running bot, which keeps some of what it read of chats in
memory, reads it every few seconds and drops that when it has moved.

`forget_expired` runs on the schema it finds: a backup copies a database as an older newsbot
left it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection

import aiosqlite

from retrieval.corpus.db import delete_securely, empty_log, transaction

FORGET_BATCH = 1000
# The tables of what chats asked, and what holds a question's words in each: its rows are
# forgotten by when the oldest question they hold was asked (a follow-up's hold the ones it
# follows: `first_asked_ts`, migration 43), the others by when they were made. Answers: their
# messages, and the articles sent under them, go with them. A question a stop kept for the
# next start (`bot.resume`) is one too: a bot never started again kept it for ever.
_ASKED = ("query_log", "feedback", "answers", "question_replies", "prompts", "dropped_questions")


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
    if "stopped_ts" in await _columns(conn, "subscriptions"):  # their deliveries go too
        ended = "active = 0 AND stopped_ts < ?"
        gone += await _delete_in_batches(conn, "subscriptions", ended, (before,))
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


# Every row that names a chat, by its id: the answers last (their votes name them)
_OF_CHAT = (
    "DELETE FROM feedback WHERE chat_id = :id"
    " OR answer_id IN (SELECT id FROM answers WHERE chat_id = :id)",
    "DELETE FROM answer_messages WHERE chat_id = :id",
    "DELETE FROM article_messages WHERE chat_id = :id",
    "DELETE FROM answers WHERE chat_id = :id",
    "DELETE FROM query_log WHERE chat_id = :id",
    "DELETE FROM question_replies WHERE chat_id = :id",
    "DELETE FROM prompts WHERE chat_id = :id",
    "DELETE FROM dropped_questions WHERE chat_id = :id",
    "DELETE FROM deliveries WHERE chat_id = :id",
    "DELETE FROM subscriptions WHERE chat_id = :id",
    "DELETE FROM chats WHERE id = :id",
)


def _holding(answers: str) -> str:
    """SQL of the ids of the answers the query `answers` selects, and of every answer that
    holds the question of one of them, whoever asked it: a "More" page of it (`first_page`,
    and `follows` since migration 49), a follow-up read with it (`follows`), and so on down
    a chain."""
    return (
        f"WITH RECURSIVE held (id) AS ({answers} UNION SELECT a.id FROM answers a"
        " JOIN held h ON a.follows = h.id OR a.first_page = h.id) SELECT id FROM held"
    )


# A user's answers, and every answer holding the question of one of them
_THEIRS = _holding("SELECT id FROM answers WHERE user_id = :id")
# Every row that names a user elsewhere than in their private chat (whose id is theirs): what
# they asked and voted in groups, inline questions; a group's subscription they made stays
# the group's, without them. Another's vote on their answer holds their question, as does
# another's "More" page of it or follow-up read with it, its log line and the votes on it:
# they go too, before the answers they are found by.
_OF_USER = (
    f"DELETE FROM feedback WHERE user_id = :id OR answer_id IN ({_THEIRS})",
    f"DELETE FROM query_log WHERE user_id = :id OR follows IN ({_THEIRS})",
    f"DELETE FROM answers WHERE id IN ({_THEIRS})",
    "DELETE FROM question_replies WHERE user_id = :id",
    "DELETE FROM dropped_questions WHERE user_id = :id",
    "UPDATE subscriptions SET created_by = NULL WHERE created_by = :id",
)


# Answers given (a JSON list of ids), and every answer holding the question of one of them;
# the votes on each, and the log lines of those read with them: they go before the answers
# they are found by
_HELD = _holding("SELECT value FROM json_each(:ids)")
_OF_ANSWERS = (
    f"DELETE FROM feedback WHERE answer_id IN ({_HELD})",
    f"DELETE FROM query_log WHERE follows IN ({_HELD})",
    f"DELETE FROM answers WHERE id IN ({_HELD})",
)


async def forget_answers(conn: aiosqlite.Connection, answer_ids: Collection[int]) -> int:
    """Delete the answers `answer_ids` and every row that holds their questions, as
    `forget_user` does a user's (`_holding`): their "More" pages, the follow-ups read with
    them (anyone's), the votes on each and the log lines of those read with them (an
    answer's messages go with it); how many rows went. A statement at a time, each whole:
    run again after a failure, it deletes what is left. Overwritten where `conn` was made
    to (`delete_securely`: the bot's connection is)."""
    ids = {"ids": json.dumps(sorted(answer_ids))}
    gone = 0
    for statement in _OF_ANSWERS:
        cursor = await conn.execute(statement, ids)
        gone += max(cursor.rowcount, 0)
    return gone


async def forget_chat(conn: aiosqlite.Connection, chat_id: int) -> int:
    """Delete every row naming the chat `chat_id`, overwritten, in one transaction: its
    questions, answers, votes, the bot's replies and prompts in it, its subscription and
    deliveries, and its record; how many rows went."""
    return await _erase(conn, _OF_CHAT, chat_id)


async def forget_user(conn: aiosqlite.Connection, user_id: int) -> int:
    """Delete every row naming the user `user_id`, overwritten, in one transaction: their
    private chat's (`forget_chat`), and what they asked and voted in groups and inline,
    and what others' rows hold of their questions ("More" pages of their answers, follow-ups
    read with them: `_THEIRS`); how many rows went. The bot's replies to their questions in
    a group recorded before migration 44 name no sender, and a follow-up recorded before
    migration 49 (and a "More" page's log line) names no answer it holds the question of:
    they stay until NEWSBOT_KEEP_DAYS."""
    return await _erase(conn, (*_OF_CHAT, *_OF_USER), user_id)


async def _erase(conn: aiosqlite.Connection, statements: tuple[str, ...], named: int) -> int:
    await delete_securely(conn)
    gone = 0
    async with transaction(conn):
        for statement in statements:
            cursor = await conn.execute(statement, {"id": named})
            gone += max(cursor.rowcount, 0)
        await conn.execute(_ERASED)
    await empty_log(conn)
    return gone


# How many erasures of a chat or a user the database has seen: no id, only that one was
_ERASED = (
    "INSERT INTO meta (key, value) VALUES ('erasures', 1)"
    " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)


async def erasures(conn: aiosqlite.Connection) -> int:
    """How many times a chat or a user was erased (`forget_chat`, `forget_user`), by any
    process; 0 before the first. One row read: a running bot reads it every few seconds."""
    async with conn.execute("SELECT value FROM meta WHERE key = 'erasures'") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0
