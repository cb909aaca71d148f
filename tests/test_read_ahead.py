"""A large ingest's sentences indexed while its worker process prepares the next batch
(`indexing.CatchUp.read_ahead`): the same indexes, array for array, as when all are read
after it; nothing of it kept when the ingest is stopped or the indexes were caught up
otherwise meanwhile."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import retrieval.indexing as indexing
from retrieval.corpus import ingest, prepare_worker
from retrieval.corpus.store import CorpusStore
from retrieval.engine import Engine
from retrieval.index.files import index_dir
from retrieval.index.index import Index
from retrieval.index.tokens import Tokenizer
from retrieval.indexing import catch_up_both
from tests.conftest import write_jsonl
from tests.test_prepare_worker import BATCH, SLOW_WORKER, _articles

WAIT = 30  # seconds a test waits for the ingest's thread at most


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "harbour.jsonl", _articles(6 * BATCH))


@pytest.fixture
def read_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of `BATCH` articles, prepared by a worker that takes its time over each
    (so this process always has one to wait for), sentences read 50 at a time."""
    monkeypatch.setattr(ingest, "BATCH", BATCH)
    monkeypatch.setattr(prepare_worker, "usable_cores", lambda: 2)
    monkeypatch.setattr(
        prepare_worker, "_worker_command", lambda: [sys.executable, "-P", "-c", SLOW_WORKER]
    )
    monkeypatch.setattr(indexing, "READ_CHUNK", 50)


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sentences each read from the database returned."""
    counts: list[int] = []
    reading = CorpusStore.sentence_rows_after

    async def counted(self: CorpusStore, watermark: int, limit: int) -> Any:
        rows = await reading(self, watermark, limit)
        counts.append(len(rows))
        return rows

    monkeypatch.setattr(CorpusStore, "sentence_rows_after", counted)
    return counts


def _saved_arrays(db_path: Path) -> list[Any]:
    """What both saved indexes hold: each segment's arrays (their checksums), the
    watermark and the number of docs; not the database's id or the segments' names."""
    saved = []
    for folder in (index_dir(db_path), indexing.article_index_dir(db_path)):
        manifest = json.loads((folder / "manifest.json").read_text())
        saved.append(
            (
                manifest["watermark"],
                manifest["sentences"],
                [segment["checksums"] for segment in manifest["segments"]],
            )
        )
    return saved


async def _rebuilt_arrays(db_path: Path, copy: Path) -> list[Any]:
    """`_saved_arrays` of both indexes built anew from a copy of the database, all its
    sentences read after it was written."""
    with closing(sqlite3.connect(db_path)) as source, closing(sqlite3.connect(copy)) as to:
        source.backup(to)
    engine = await Engine.open(copy)  # no saved index: built and saved
    await engine.close()
    return _saved_arrays(copy)


async def test_a_large_ingest_is_indexed_while_its_worker_prepares(
    articles: Path, tmp_path: Path, read_ahead: None, rows_read: list[int]
) -> None:
    """This process waited for the worker half a large ingest, and read and tokenized
    every sentence after it, alone."""
    db_path = tmp_path / "news.db"
    engine = await Engine.open(db_path)
    try:
        report = await engine.ingest([articles])
        ahead = sum(rows_read)
        told: list[int] = []
        assert await engine.refresh(progress=told.append) == report.sentences
        await engine.save_index()
    finally:
        await engine.close()
    assert 0 < ahead < report.sentences
    assert sum(rows_read) == report.sentences  # each read once
    assert sum(told) == report.sentences  # the progress counts what was read ahead too
    assert _saved_arrays(db_path) == await _rebuilt_arrays(db_path, tmp_path / "copy.db")


async def test_an_ingest_stopped_leaves_nothing_read_ahead(
    articles: Path, tmp_path: Path, read_ahead: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped (Ctrl-C) while it read ahead, the ingest's catch-up is dropped: the chunk
    being tokenized in its thread goes on after the cancel, so that the catch-up no longer
    knows what it holds; a refresh after (a running bot's) reads every sentence again, once."""
    db_path = tmp_path / "news.db"
    loop = asyncio.get_running_loop()
    inside, added, cancelled = asyncio.Event(), asyncio.Event(), threading.Event()
    adding = indexing._add_sentences
    calls = 0

    def slow_third(*args: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # some sentences read ahead already
            loop.call_soon_threadsafe(inside.set)
            cancelled.wait(WAIT)
        adding(*args)
        if calls == 3:
            loop.call_soon_threadsafe(added.set)

    monkeypatch.setattr(indexing, "_add_sentences", slow_third)
    engine = await Engine.open(db_path)
    try:
        ingesting = asyncio.ensure_future(engine.ingest([articles]))
        await asyncio.wait_for(inside.wait(), WAIT)
        ingesting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await ingesting
        cancelled.set()
        await asyncio.wait_for(added.wait(), WAIT)  # the thread's chunk added
        await engine.refresh()
        await engine.save_index()
    finally:
        await engine.close()
    assert _saved_arrays(db_path) == await _rebuilt_arrays(db_path, tmp_path / "copy.db")


async def test_what_was_read_ahead_is_dropped_once_caught_up_otherwise(
    articles: Path, tmp_path: Path, read_ahead: None
) -> None:
    """A catch-up of the same indexes between the ingest and its refresh (a running bot's
    own) indexed what was read ahead: publishing it again would hold each sentence twice."""
    db_path = tmp_path / "news.db"
    engine = await Engine.open(db_path)
    try:
        report = await engine.ingest([articles])
        assert engine._ahead is not None and engine._ahead.read
        await catch_up_both(engine.index, engine.articles, engine._store)
        assert await engine.refresh() == 0
        assert len(engine.index) == report.sentences
        await engine.save_index()
    finally:
        await engine.close()
    assert _saved_arrays(db_path) == await _rebuilt_arrays(db_path, tmp_path / "copy.db")


async def test_reading_ahead_stops_once_the_worker_is_done(
    articles: Path, tmp_path: Path, read_ahead: None
) -> None:
    """Read on to the last whole chunk after the worker's batch was back, this process
    wrote it, and handed the worker its next one, that much later: the worker, the bound of
    the ingest, stood idle meanwhile."""
    db_path = tmp_path / "news.db"
    engine = await Engine.open(db_path)
    try:
        await engine.ingest([articles])
        asked: list[int] = []

        def done_after_two() -> bool:
            asked.append(1)
            return len(asked) > 2

        fresh = indexing.CatchUp(Index(Tokenizer()), Index(Tokenizer()), engine._store)
        await fresh.read_ahead(done_after_two)
        assert fresh.read == 2 * 50
        await fresh.read_ahead()
        assert fresh.read == 950  # every whole chunk of 960 sentences
    finally:
        await engine.close()
