"""The database, corpus store, index and searcher, opened and closed together."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from retrieval.corpus.db import connect, database_id
from retrieval.corpus.ingest import IngestReport, ingest_paths
from retrieval.corpus.store import CorpusStore
from retrieval.index import kernels, layout
from retrieval.index.files import index_dir, save_index
from retrieval.index.index import Index
from retrieval.indexing import Progress, catch_up, open_index
from retrieval.search import Searcher


def _warm_up() -> None:
    kernels.warm_up()  # answering
    layout.warm_up()  # adding articles


@dataclass
class Engine:
    db_path: Path
    conn: aiosqlite.Connection
    store: CorpusStore
    index: Index
    searcher: Searcher
    _refresh_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)

    @classmethod
    async def open(
        cls, db_path: str | os.PathLike[str], progress: Progress | None = None
    ) -> Engine:
        """Open the database and its index (loaded, or rebuilt when missing or stale)."""
        conn = await connect(db_path)
        try:
            store = CorpusStore(conn)
            index = await open_index(store, db_path, progress=progress)
            await asyncio.to_thread(_warm_up)
        except BaseException:
            await conn.close()
            raise
        return cls(Path(db_path), conn, store, index, Searcher(store, index))

    async def refresh(self, progress: Progress | None = None) -> int:
        """Index sentences stored since the last refresh (by any process); returns how many.

        Concurrent calls (a periodic job, a feed poller) run one after the other, so no
        sentence is indexed twice. New sentences are searchable as soon as they are added;
        then small segments are merged (in a thread, searches go on meanwhile), so a bot
        refreshing every few seconds keeps a few segments, not one per refresh.
        """
        async with self._refresh_lock:
            added = await catch_up(self.index, self.store, progress)
            if added:
                await asyncio.to_thread(self.index.compact)
            return added

    async def seed_if_empty(self, seeds: Path) -> IngestReport | None:
        """Ingest the `seeds` folder when the database holds no article, and index it.

        Returns the ingest report, or None when there was nothing to do (articles already
        there, or no such folder); the caller says which, in its own way.
        """
        if not await self.store.is_empty() or not await asyncio.to_thread(seeds.is_dir):
            return None
        report = await ingest_paths(self.store, [seeds])
        await self.refresh()
        await self.save_index()
        return report

    async def save_index(self) -> None:
        """Merge small segments and write the index next to the database (off the loop)."""
        db_id = await database_id(self.conn)

        def work() -> None:
            self.index.compact()
            save_index(self.index, index_dir(self.db_path), db_id)

        await asyncio.to_thread(work)

    async def close(self) -> None:
        await self.conn.close()
