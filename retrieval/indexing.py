"""Keeping the indexes caught up with their database: loaded and verified, caught up, or rebuilt.

The bridge between the corpus and the index: it reads what is stored (`CorpusStore`) and
hands it to an index, whose files (`retrieval.index.files`) know nothing of the database.
Two indexes are kept, by one mechanism:
- the sentence index (`<database>.index`): a doc is a sentence; it finds the sentences that
  share the most with a question;
- the article index (`<database>.articles.index`): a doc is a whole article, its title
  repeated so it weighs more, then the sentences the sentence index holds of it (so no
  byline or promotion the splitter leaves out); it scores how much a story is about the
  question.
Each doc carries the time it counts from (published, else stored), so both answer as of a
moment, and whether that is a date: the last days' news (a search since a moment) is dated
news. An index is a cache of the database: what does not match is rebuilt, never trusted.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from array import array
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.corpus.dates import BARE_DATE_HOUR
from retrieval.corpus.db import database_id, snapshot
from retrieval.corpus.removals import Removed, removed_since
from retrieval.corpus.store import AHEAD_SLACK, CorpusStore
from retrieval.errors import IndexFileError, IndexWriteError
from retrieval.index.bm25 import BM25Params
from retrieval.index.builder import SegmentBuilder
from retrieval.index.files import Saving, index_dir, load_segments, save_indexes
from retrieval.index.index import MERGED_LIMIT, Index
from retrieval.index.tokens import Tokenizer
from retrieval.wording import agreeing, counted

log = logging.getLogger(__name__)

Progress = Callable[[int], None]

TITLE_REPEATS = 3  # in the article index a title counts this often: it says what the story is


@dataclass(frozen=True, slots=True)
class Docs:
    """One index of the database: its name in messages, its folder, what its signature adds
    to the index's own, and how many of its docs are stored up to a watermark."""

    name: str
    folder: Callable[[str | os.PathLike[str]], Path]
    signature: str
    count_upto: Callable[[CorpusStore, int], Awaitable[int]]
    removed: Callable[[Removed], Sequence[int]]  # its docs of removed articles


def add_article(
    documents: SegmentBuilder,
    article_id: int,
    title: str,
    when: float,
    sentences: SegmentBuilder,
    first: int,
    count: int,
    dated: bool = True,
) -> None:
    """Add an article to the article index's `documents`: its title `TITLE_REPEATS` times,
    then its sentences, the `count` docs of `sentences` (a builder of the same vocabulary)
    from `first`. Its terms are those of each part tokenized on its own, as the sentence
    index tokenizes a sentence, one part after the other, and its words theirs (split at
    whitespace); an article without sentences is its title alone. The sentences' token ids
    are taken as they are, so however they were read (`catch_up_both`), the doc is the same.
    """
    ids = array("i", documents.term_ids(documents.tokenizer(title)) * TITLE_REPEATS)
    ids.extend(sentences.doc_tokens(first, count))
    words = TITLE_REPEATS * len(title.split()) + sum(sentences.doc_words[first : first + count])
    documents.add_ids(article_id, ids, when, words, dated)


def article_index_dir(db_path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(db_path)}.articles.index")


# Each doc's time is its article's (`CorpusStore.sentences_after`); how a bare date is timed
# and how far ahead of the clock a date is taken for now are part of what an index holds, so
# an index made under another rule is rebuilt.
_TIMES = f":bare-date-hour={BARE_DATE_HOUR}:ahead-slack={AHEAD_SLACK:g}"
SENTENCES = Docs(
    "index",
    index_dir,
    _TIMES,
    lambda s, w: s.count_sentences_upto(w),
    lambda removed: removed.sentences,
)
ARTICLES = Docs(
    "article index",
    article_index_dir,
    # what an article's doc is made of (`add_article`): an index of other docs is rebuilt
    f":articles:title={TITLE_REPEATS}+sentences{_TIMES}",
    lambda s, w: s.count_articles_upto(w),
    lambda removed: removed.articles,
)


async def open_indexes(
    store: CorpusStore,
    db_path: str | os.PathLike[str],
    progress: Progress | None = None,
    anew: bool = False,
    resplit_batches: int = 0,
    current: Callable[[], bool] | None = None,
) -> tuple[Index, Index, int]:
    """The sentence and article indexes of the database, caught up.

    Each is loaded if its saved files are valid, else started empty; then both are caught up
    together (`catch_up_both`: one tokenization of what neither holds yet, so a rebuild or a
    format upgrade reads and tokenizes every sentence once, not once an index). A rebuilt
    or extended index is written back for the next start, and when it cannot be (disk full,
    read-only folder), a warning says why and the index serves from memory.

    `anew`: both are started empty whatever is saved, and the caller saves them
    (`Engine.save_index`), which replaces the saved files whole or leaves them as they were.

    `resplit_batches`: how many batches had split articles again when the caller looked
    (`resplit.replacements`), which a saved article index must have been made after
    (`articles_index_id`).

    `current`: asked under an index's lock before it is written back, whether the indexes
    read here may still replace the saved ones (`retrieval.corpus.generation`): when not,
    the saved one, newer, is left as it is.

    Returns both indexes and the number of the last removal they hide (`hide_removed`).
    """
    db_id = await database_id(store.conn)
    articles_id = articles_index_id(db_id, resplit_batches)
    tokenizer, params = Tokenizer(), BM25Params()
    # what both hide at least: each load reads the removals again, with its counts
    hidden_upto = (await removed_since(store.conn, 0)).removal
    if anew:
        sentences, articles = Index(tokenizer, params), Index(tokenizer, params)
        rebuilt_sentences = rebuilt_articles = True
    else:
        sentences, rebuilt_sentences = await _load(
            store, db_path, SENTENCES, db_id, tokenizer, params
        )
        articles, rebuilt_articles = await _load(
            store, db_path, ARTICLES, articles_id, tokenizer, params
        )
    building = (rebuilt_sentences or rebuilt_articles) and not anew  # anew: the caller tells
    began = time.monotonic()
    if building and (stored := await store.count_sentences()):
        # a bot's start on a database without its index files was silent for as long
        log.info(
            "building the search index: %d %s to read",
            stored,
            agreeing(stored, "sentence", "sentences"),
        )
    elif not (building or anew):
        await _tell_long_catch_up(store, sentences)
    added = await catch_up_both(sentences, articles, store, progress)
    if building and any(added):
        log.info("built the search index in %.1f s", time.monotonic() - began)
    for index, docs, index_id, changed in (
        (sentences, SENTENCES, db_id, rebuilt_sentences or added[0] > 0),
        (articles, ARTICLES, articles_id, rebuilt_articles or added[1] > 0),
    ):
        if changed and len(index) and not anew:  # rebuilt on purpose: the caller saves it
            index.compact()
            saving = Saving(index, docs.folder(db_path), index_id, signature(index, docs))
            try:
                save_indexes([saving], current)
            except IndexWriteError as exc:
                log.warning("%s. Until then the index is built in memory at every start.", exc)
    return sentences, articles, hidden_upto


# Sentences past a loaded index's watermark from which its catch-up is told (`open_indexes`).
# The BBC set's 38,781 added 2 s to an `ask` of 2.6 s (read, tokenized, saved; 7-30 s seen on
# a busy machine), said nowhere, as if it hung; a small ingest's few thousand pass unnoticed.
LONG_CATCH_UP = 10_000


async def _tell_long_catch_up(store: CorpusStore, sentences: Index) -> None:
    """Log, at INFO, how many sentences a loaded index is about to catch up with, when they
    are `LONG_CATCH_UP` or more: those another process stored since the index was last
    saved (a large ingest still running), which a command opening it reads before it does
    anything else."""
    behind = await store.count_sentences_after(sentences.snapshot.watermark)
    if behind >= LONG_CATCH_UP:
        log.info(
            "indexing %s stored since the search index was last saved",
            counted(behind, "sentence"),
        )


def articles_index_id(db_id: str, resplit_batches: int) -> str:
    """The database id a saved article index is made for: with the batches of articles
    split again before it was made. An article's doc is made of its sentences, so one
    split again since (a `newsbot reindex` stopped midway, a bot that kept the old ones in
    memory and saved them) leaves the saved docs stale, while their count, which tells a
    stale sentence index, stays as it was."""
    return f"{db_id}/re-split {resplit_batches}" if resplit_batches else db_id


async def hide_removed(store: CorpusStore, sentences: Index, articles: Index, after: int) -> int:
    """Hide in both indexes the articles removed since removal number `after` (by any
    process: `newsbot remove` beside a running bot); returns the last removal's number.

    Called after a catch-up: whatever it read of an article removed meanwhile is hidden."""
    removed = await removed_since(store.conn, after)
    if removed.articles:
        await asyncio.to_thread(sentences.hide, removed.sentences)
        await asyncio.to_thread(articles.hide, removed.articles)
    return removed.removal


async def _load(
    store: CorpusStore,
    db_path: str | os.PathLike[str],
    docs: Docs,
    db_id: str,
    tokenizer: Tokenizer,
    params: BM25Params,
) -> tuple[Index, bool]:
    """The saved index of `docs` if it is valid for the database, else an empty one to
    rebuild; and whether it is that empty one.

    The docs of removed articles are hidden in it (the index holds them, the database no
    longer does), and it is valid when the docs it holds otherwise are those the database
    holds up to its watermark, and it hides no other doc (one saved hidden, of a database
    since restored from a backup made before the removal). The removals and the count are
    read in one snapshot: a removal committed between them would look like a lost doc."""
    folder = docs.folder(db_path)
    expected: dict[str, object] = {
        "database_id": db_id,
        "signature": signature(Index(tokenizer, params), docs),
    }
    try:
        segments, watermark, count = load_segments(folder, expected)
        index = Index(tokenizer, params, segments, watermark)
        async with snapshot(store.conn):
            removed = await removed_since(store.conn, 0)
            stored = await docs.count_upto(store, watermark)
        held = await asyncio.to_thread(index.hide, docs.removed(removed))
        if index.hidden != held:
            raise IndexFileError("it hides docs the database does not say were removed")
        if stored != count - held:
            raise IndexFileError("the database no longer holds the indexed docs")
    except IndexFileError as exc:
        if folder.exists() and str(exc) != "no index yet":
            log.warning("rebuilding the %s: %s", docs.name, exc)
        return Index(tokenizer, params), True
    return index, False


# docs a catch-up gathers into one segment before publishing it: as many as a merge makes
SEGMENT_LIMIT = MERGED_LIMIT
# sentences a catch-up reads from the database at a time
READ_CHUNK = 20_000


async def catch_up_both(
    sentences: Index, articles: Index, store: CorpusStore, progress: Progress | None = None
) -> tuple[int, int]:
    """Add the sentences and the articles stored since each index's watermark, from one
    tokenization; returns how many sentences and articles were added.

    An article's doc is its title and its sentences (`add_article`). One whose sentences
    this catch-up tokenizes, all of them in one run (every article newsbot stores), is made
    of their token ids and its title's terms, the sentences read once for both indexes. Any
    other (one without sentences; one whose sentences an earlier catch-up read, as when the
    article index is rebuilt alone; one cut by a segment's end) has its sentences read again
    and tokenized (`_add_stored`). Either way the doc is the same: that of tokenizing each
    of its parts on its own.

    Tokenizing takes about a second per 50,000 sentences, so it runs in a thread: a bot
    catching up with a large ingest keeps answering meanwhile. What is read goes into one
    segment an index, searchable once the catch-up ends (or every `SEGMENT_LIMIT` docs): a
    segment per batch read would leave fifty to merge after a million-sentence ingest. Callers
    must not run two catch-ups of one index at once (`Engine.refresh` serializes them).
    """
    return await CatchUp(sentences, articles, store).finish(progress)


class CatchUp:
    """A catch-up of both indexes (`catch_up_both`), which may read ahead (`read_ahead`)
    while a large ingest still writes: its sentences are then tokenized while its worker
    process splits the next batch, not all after the ingest. Read ahead or not, it reads
    the same rows in the same chunks (`READ_CHUNK` sentences, whole ones only ahead), so the
    indexes it makes are the same, array for array.

    What it reads stays here, unsearchable, until `finish` (but a segment full at
    `SEGMENT_LIMIT`, published as `catch_up_both` publishes it): stopped before (Ctrl-C,
    killed), nothing of it is in the indexes or their files, and the next catch-up reads
    it again."""

    def __init__(self, sentences: Index, articles: Index, store: CorpusStore) -> None:
        self._sentences, self._articles, self._store = sentences, articles, store
        self._vocab: dict[str, int] = {}  # shared: a sentence's token ids are its article's too
        self._builder = SegmentBuilder(sentences.tokenizer, self._vocab)
        self._documents = SegmentBuilder(articles.tokenizer, self._vocab)
        self._after = articles.snapshot.watermark
        self._last = sentences.snapshot.watermark  # the last sentence read
        self._published = self._last  # the sentence index's watermark, as left here
        self._unfinished: dict[int, _Unfinished] = {}
        self._done: set[int] = set()
        self._added = 0  # sentences published
        self.read = 0  # sentences read (ahead, or by `finish`)

    def current(self) -> bool:
        """Whether the indexes are still as this catch-up left them (nothing else caught
        them up meanwhile): only then may it go on."""
        return (
            self._sentences.snapshot.watermark == self._published
            and self._articles.snapshot.watermark == self._after
        )

    async def read_ahead(self, done: Callable[[], bool] = lambda: False) -> None:
        """Read the sentences stored since, as far as whole chunks of `READ_CHUNK` go (the
        rest, with the articles, by `finish`), or until `done()`, asked before each chunk
        (an ingest's batch back from its worker, to be written first)."""
        while not done() and await self._store.sentences_stored_after(self._last, READ_CHUNK):
            await self._add(await self._store.sentence_rows_after(self._last, READ_CHUNK))

    async def finish(self, progress: Progress | None = None) -> tuple[int, int]:
        """Read the rest and publish both indexes' segments; how many sentences and articles
        were added. Told to `progress`: every sentence this catch-up read, ahead too."""
        if progress and self.read:
            progress(self.read)
        while rows := await self._store.sentence_rows_after(self._last, READ_CHUNK):
            await self._add(rows)
            if progress:
                progress(len(rows))
        if len(self._builder):
            self._added += await asyncio.to_thread(_publish, self._sentences, self._builder)
        self._builder = SegmentBuilder(self._sentences.tokenizer, self._vocab)
        # articles without sentences, or not all of them in one run of this catch-up
        documents, after = self._documents, self._after
        rest = [i for i in await self._store.article_ids_after(after) if i not in self._done]
        for start in range(0, len(rest), 500):
            chunk = rest[start : start + 500]
            found = await self._store.articles_by_id(chunk)
            texts = await self._store.sentence_texts(chunk)
            await asyncio.to_thread(_add_stored, documents, found, texts)
        articles_added = len(documents)
        if articles_added:
            await asyncio.to_thread(_publish, self._articles, documents)
        return self._added, articles_added

    async def _add(self, rows: list[tuple[int, str, float, int, int]]) -> None:
        wanted = {row[3] for row in rows if row[3] > self._after}
        wanted -= self._done | self._unfinished.keys()
        for article_id, article in (await self._store.articles_by_id(sorted(wanted))).items():
            self._unfinished[article_id] = _Unfinished(article, -1, 0)
        await asyncio.to_thread(
            _add_sentences, self._builder, self._documents, self._unfinished, self._done, rows
        )
        self._last = rows[-1][0]
        self.read += len(rows)
        if len(self._builder) >= SEGMENT_LIMIT:
            self._added += await asyncio.to_thread(_publish, self._sentences, self._builder)
            self._published = self._sentences.snapshot.watermark
            self._builder = SegmentBuilder(self._sentences.tokenizer, self._vocab)
            self._unfinished.clear()  # their sentences' tokens are gone: read again at the end


@dataclass(slots=True)
class _Unfinished:
    """An article whose sentences a catch-up is reading: (title, time, number of sentences,
    dated),
    its first doc in the sentence builder (-1: its sentences are not one run there), and how
    many of its sentences were read."""

    article: tuple[str, float, int, bool]
    first: int
    read: int


def _add_sentences(
    builder: SegmentBuilder,
    documents: SegmentBuilder,
    unfinished: dict[int, _Unfinished],
    done: set[int],
    rows: list[tuple[int, str, float, int, int]],
) -> None:
    """Add sentences to `builder`, and to `documents` each article whose last sentence they
    hold and whose sentences are one run in `builder` (see `catch_up_both`)."""
    if not rows:
        return
    first_doc = len(builder)
    sentence_ids, texts, times, article_ids, dated = zip(*rows, strict=True)
    builder.add_columns(sentence_ids, texts, times, dated)
    # an article's sentences come in runs (all of them, in news): one step a run
    owners = np.fromiter(article_ids, dtype=np.int64, count=len(article_ids))
    cuts = (np.flatnonzero(owners[1:] != owners[:-1]) + 1).tolist()
    for start, end in zip([0, *cuts], [*cuts, len(owners)], strict=True):
        article_id = article_ids[start]
        reading = unfinished.get(article_id)
        if reading is None:
            continue
        doc = first_doc + start
        if not reading.read:
            reading.first = doc
        elif reading.first >= 0 and reading.first + reading.read != doc:
            reading.first = -1
        title, when, count, has_date = reading.article
        reading.read = min(count, reading.read + end - start)
        if reading.read < count:
            continue
        del unfinished[article_id]
        if reading.first >= 0:  # else its sentences are read again (`catch_up_both`)
            done.add(article_id)
            add_article(
                documents, article_id, title, when, builder, reading.first, count, has_date
            )


def _add_stored(
    documents: SegmentBuilder,
    found: dict[int, tuple[str, float, int, bool]],
    texts: dict[int, list[str]],
) -> None:
    """Add to `documents` the articles `found` (title, time, number of sentences, dated), their
    sentences' stored `texts` tokenized here as the sentence index tokenizes them."""
    parts = SegmentBuilder(documents.tokenizer, documents.vocab)
    runs = [
        (i, title, when, dated, texts.get(i, [])) for i, (title, when, _, dated) in found.items()
    ]
    flat = [text for *_, run in runs for text in run]
    parts.add_columns(range(len(flat)), flat, [0.0] * len(flat))
    first = 0
    for article_id, title, when, dated, run in runs:
        add_article(documents, article_id, title, when, parts, first, len(run), dated)
        first += len(run)


def _publish(index: Index, builder: SegmentBuilder) -> int:
    index.add_segment(builder.build())
    return len(builder)


def signature(index: Index, docs: Docs) -> str:
    """The signature `docs`'s index is saved under."""
    return index.signature + docs.signature
