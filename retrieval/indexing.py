"""Keeping the index caught up with its database: loaded and verified, caught up, or rebuilt.

The bridge between the corpus and the index: it reads the stored sentences (`CorpusStore`)
and hands them to the index, whose files (`retrieval.index.files`) know nothing of the
database. The index is a cache of the database: what does not match is rebuilt, never trusted.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

from retrieval.corpus.db import database_id
from retrieval.corpus.store import CorpusStore
from retrieval.errors import IndexFileError, IndexWriteError
from retrieval.index.files import index_dir, load_segments, save_index
from retrieval.index.index import BM25Params, Index, SegmentBuilder
from retrieval.index.tokens import Tokenizer

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


async def open_index(
    store: CorpusStore, db_path: str | os.PathLike[str], progress: Progress | None = None
) -> Index:
    """The index for the database: loaded if the saved one is valid, else rebuilt; caught up.

    Sentences stored after the index was saved (by this or another process) are added; a
    rebuilt or extended index is written back for the next start, and when it cannot be
    (disk full, read-only folder), a warning says why and the index serves from memory.
    """
    tokenizer, params = Tokenizer(), BM25Params()
    folder = index_dir(db_path)
    db_id = await database_id(store.conn)
    probe = Index(tokenizer, params)
    expected: dict[str, object] = {"database_id": db_id, "signature": probe.signature}
    index: Index | None = None
    try:
        segments, watermark, count = load_segments(folder, expected)
        if await store.count_sentences_upto(watermark) != count:
            raise IndexFileError("the database no longer holds the indexed sentences")
        index = Index(tokenizer, params, segments, watermark)
        changed = False
    except IndexFileError as exc:
        if folder.exists() and str(exc) != "no index yet":
            log.warning("rebuilding the index: %s", exc)
        index = await rebuild(store, tokenizer, params, progress)
        changed = True
    if await catch_up(index, store, progress):
        changed = True
    if changed and len(index):
        index.compact()
        try:
            save_index(index, folder, db_id)
        except IndexWriteError as exc:
            log.warning("%s. Until then the index is built in memory at every start.", exc)
    return index


async def rebuild(
    store: CorpusStore,
    tokenizer: Tokenizer,
    params: BM25Params,
    progress: Progress | None = None,
) -> Index:
    """A fresh single-segment index of every sentence in the database."""
    builder = SegmentBuilder(tokenizer)
    watermark = 0
    async for rows in store.sentences_after(0):
        builder.add_many(rows)
        watermark = rows[-1][0]
        if progress:
            progress(len(rows))
    segments = [builder.build(params)] if len(builder) else []
    return Index(tokenizer, params, segments, watermark)


async def catch_up(index: Index, store: CorpusStore, progress: Progress | None = None) -> int:
    """Add the sentences stored since the index's watermark; returns how many.

    Tokenizing a batch takes about a second per 20,000 sentences, so it runs in a thread:
    a bot catching up with a large ingest keeps answering meanwhile. Callers must not run
    two catch-ups of one index at once (`Engine.refresh` serializes them).
    """
    added = 0
    async for rows in store.sentences_after(index.snapshot.watermark):
        added += await asyncio.to_thread(index.add, rows)
        if progress:
            progress(len(rows))
    return added
