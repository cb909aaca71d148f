"""The commands' work on the database alone, without opening the indexes: corpus figures,
a backup, forgetting and erasing what chats asked, removing and re-splitting articles, a
digest, the feeds' registry.

Apart from `Engine`, which opens the database and its indexes together: loading the indexes
(and checking every array) takes seconds of a large corpus, and a stale one would be rebuilt
and saved, for what one SQL read or write does. Each function opens a connection of its own
and closes it; no shell touches one (tests/test_layout.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path

import aiosqlite

from retrieval import retention
from retrieval.corpus import backup, removals, resplit
from retrieval.corpus.db import AIOSQLITE_OPTIONS, connect
from retrieval.corpus.removals import RemovalReport
from retrieval.corpus.resplit import ResplitReport
from retrieval.corpus.store import CorpusStats, CorpusStore
from retrieval.corpus.stored_authors import clean_stored_authors
from retrieval.digest.digest import DEFAULT_LIMIT, Digest, Period, build_digest
from retrieval.feeds.registry import FeedRegistry
from retrieval.index.tokens import Tokenizer
from retrieval.indexing import Progress


async def corpus_stats(db_path: str | os.PathLike[str]) -> CorpusStats:
    """The corpus's figures (`CorpusStore.stats`), read without opening the indexes, which
    they do not need: loading them (and checking every array) takes seconds of a
    7-million-sentence corpus, for one SQL read."""
    conn = await connect(db_path, reads_only=True)
    try:
        return await CorpusStore(conn).stats()
    finally:
        await conn.close()


async def corpus_sources(db_path: str | os.PathLike[str]) -> list[tuple[str | None, int]]:
    """`Engine.sources` without opening the indexes, as `corpus_stats` reads."""
    conn = await connect(db_path, reads_only=True)
    try:
        return await CorpusStore(conn).sources()
    finally:
        await conn.close()


async def back_up_database(
    db_path: Path, target: Path, replace: bool = False, forget_before: float | None = None
) -> backup.Backup:
    """A consistent copy of the database at `target` while others write it, in a worker
    thread (see `retrieval.corpus.backup`); the indexes, a cache of it, are not copied.
    With `forget_before`, what chats asked before then (NEWSBOT_KEEP_DAYS) is forgotten in
    the copy before it takes the place of `target` (`retention.forget_expired`): the
    database the copy is of may be read-only, or of an older schema, which it keeps."""

    def forget_in(copy: Path) -> None:
        if forget_before is not None:  # in the worker thread: a loop of its own
            asyncio.run(_forget_expired_at(copy, forget_before))

    return await asyncio.to_thread(backup.back_up, db_path, target, replace, forget_in)


async def _forget_expired_at(path: Path, before: float) -> int:
    """`retention.forget_expired` in the database at `path` as it is: not moved to this
    newsbot's schema, as `connect` would."""
    conn = await aiosqlite.connect(path, **AIOSQLITE_OPTIONS)
    try:
        await conn.execute("PRAGMA foreign_keys = ON")  # an answer's messages go with it
        return await retention.forget_expired(conn, before)
    finally:
        await conn.close()


async def forget_chat(db_path: str | os.PathLike[str], chat_id: int) -> int:
    """Erase every row naming a chat (`retention.forget_chat`); how many went."""
    return await _erase(db_path, retention.forget_chat, chat_id)


async def forget_user(db_path: str | os.PathLike[str], user_id: int) -> int:
    """Erase every row naming a user (`retention.forget_user`); how many went."""
    return await _erase(db_path, retention.forget_user, user_id)


async def _erase(
    db_path: str | os.PathLike[str],
    erase: Callable[[aiosqlite.Connection, int], Awaitable[int]],
    named: int,
) -> int:
    conn = await connect(db_path)
    try:
        return await erase(conn, named)
    finally:
        await conn.close()


async def forget_expired(db_path: str | os.PathLike[str], before: float) -> int:
    """Forget what chats asked before `before` (NEWSBOT_KEEP_DAYS ago), as a running bot
    does hourly (`retention.forget_expired`), without opening the indexes; how many rows
    went."""
    conn = await connect(db_path)
    try:
        return await retention.forget_expired(conn, before)
    finally:
        await conn.close()


async def remove_articles(
    db_path: str | os.PathLike[str], refs: Sequence[str], report: RemovalReport | None = None
) -> RemovalReport:
    """Take the articles `refs` name (ids or addresses) out of the corpus, without opening
    the indexes: each hides them when it is next loaded or refreshed (a running bot's
    within seconds; see `retrieval.corpus.removals`). `report`, if given, is filled once
    the removal is committed, and a cancel once it began waits for it."""
    conn = await connect(db_path)
    try:
        return await removals.remove_articles(conn, refs, report)
    finally:
        await conn.close()


async def resplit_articles(
    db_path: str | os.PathLike[str],
    progress: Progress | None = None,
    report: ResplitReport | None = None,
) -> ResplitReport:
    """Split the articles stored by an older splitter again (`retrieval.corpus.resplit`),
    without opening the indexes: where sentences were replaced the saved ones no longer
    match, and the caller rebuilds them (`newsbot reindex`); any other opening does too."""
    conn = await connect(db_path)
    try:
        return await resplit.resplit_articles(conn, progress, report)
    finally:
        await conn.close()


async def clean_authors_stored(db_path: str | os.PathLike[str]) -> int:
    """Clean the authors older versions stored as an ingest cleans them now
    (`retrieval.corpus.stored_authors`); the number of articles whose authors changed."""
    conn = await connect(db_path)
    try:
        return await clean_stored_authors(conn)
    finally:
        await conn.close()


async def period_digest(
    db_path: str | os.PathLike[str],
    period: Period,
    keywords: Sequence[str] = (),
    limit: int = DEFAULT_LIMIT,
) -> Digest:
    """`Engine.digest` without opening the indexes: the digest reads the database alone,
    and tokenizes by the indexes' rules (`Tokenizer()`)."""
    conn = await connect(db_path, reads_only=True)
    try:
        return await build_digest(conn, period, keywords, limit, Tokenizer())
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def feed_registry(
    db_path: str | os.PathLike[str], reads_only: bool = False
) -> AsyncIterator[FeedRegistry]:
    """The database's feeds (`feeds add`, `list`, `remove`) without opening the indexes,
    which they do not need: a stale index would be rebuilt, and saved, to list the feeds."""
    conn = await connect(db_path, reads_only=reads_only)
    try:
        yield FeedRegistry(conn)
    finally:
        await conn.close()
