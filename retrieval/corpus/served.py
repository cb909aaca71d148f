"""Which bot a database serves, by the bot's public id (its token's number before the colon,
never the secret after it) and its username, in `meta`.

A database holds the chats one bot talks to: their subscriptions, their conversations. A
second bot run on it (a staging bot pointed at the production file) cannot reach those chats,
and stopped every digest subscription of them for good ("Telegram does not know the chat").
The first bot that runs on a database is recorded (a database made before this was recorded
takes the first that runs on it), and another is refused unless it takes the database over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from retrieval.corpus.db import connect, transaction

_READ = "SELECT key, value FROM meta WHERE key IN ('bot_id', 'bot_username')"


@dataclass(frozen=True, slots=True)
class ServedBot:
    """A bot, by its id and its username (None: not known)."""

    id: int
    username: str | None = None

    def __str__(self) -> str:
        return f"bot {self.id}" + (f" (@{self.username})" if self.username else "")


async def served_bot(conn: aiosqlite.Connection) -> ServedBot | None:
    """The bot this database serves; None if it serves none yet."""
    async with conn.execute(_READ) as cur:
        values = {str(key): str(value) for key, value in await cur.fetchall()}
    if "bot_id" not in values:
        return None
    return ServedBot(int(values["bot_id"]), values.get("bot_username"))


async def serve(
    conn: aiosqlite.Connection, bot: ServedBot, take_over: bool = False
) -> ServedBot | None:
    """Record that this database serves `bot` if it serves no bot yet, or `bot` already (its
    username may have changed), or `take_over`. Returns the bot it served before when that
    was another, None otherwise: when it is another and not `take_over`, nothing is written.
    One transaction, so two bots starting at once on a new database cannot both take it."""
    async with transaction(conn):
        before = await served_bot(conn)
        if before is not None and before.id != bot.id and not take_over:
            return before
        await conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('bot_id', ?)", (str(bot.id),)
        )
        if bot.username:
            await conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('bot_username', ?)",
                (bot.username,),
            )
        else:
            await conn.execute("DELETE FROM meta WHERE key = 'bot_username'")
    return before if before is not None and before.id != bot.id else None


async def serve_at(path: Path, bot: ServedBot, take_over: bool = False) -> ServedBot | None:
    """`serve` on a connection of its own to the database at `path`: the bot's start-up
    asks before its engine opens, so that another bot is refused before the index loads."""
    conn = await connect(path)
    try:
        return await serve(conn, bot, take_over)
    finally:
        await conn.close()
