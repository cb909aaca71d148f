"""Articles split into sentences again, by the rules of now (`newsbot reindex`).

An article is split when it is stored, by the rules of then, whose version it records
(`articles.splitter`, see `splitter`). Splitting it again reads its stored text and splits it
as an ingest would now (`sentences.article_sentences`, and what each sentence names). Where
the sentences come out as they are stored, only the version is set: the rows, ids and all,
stay. Where they come out otherwise, the article's rows are replaced by the new ones under
new ids, past every id given: a sentence id names one text for good (the indexes, the
answers shown and the votes hold them), an article's sentences run from its
`first_sentence` on, and "id > watermark" still finds exactly what an index has not seen.

The indexes are left to the caller: a saved one no longer matches a database whose
sentences were replaced (the sentences it holds are gone), so it is rebuilt when next
loaded (`indexing`), and `newsbot reindex` rebuilds both after splitting. A process that
has the database open meanwhile (a bot) learns of it from a count in `meta` that each
batch which replaced sentences moves on (`replacements`), and reads its articles anew; each
such batch moves the index generation on too (`generation`), so that process never saves
the indexes it holds, which keep the old sentences, over the ones a reindex saves.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import aiosqlite

from retrieval.corpus.db import transaction
from retrieval.corpus.generation import MOVE_ON
from retrieval.corpus.ingest import BATCH_CHARS
from retrieval.corpus.rows_by_id import rows_for_ids
from retrieval.corpus.splitter import SPLITTER_VERSION
from retrieval.corpus.storage_faults import storage_fault
from retrieval.corpus.store import INSERT_SENTENCES, CorpusStore, SentenceRow, sentence_rows_of
from retrieval.errors import StoreError

RESPLIT_BATCH = 500  # articles a transaction: some 35,000 sentence rows of news
# ... and characters of text a transaction, as ingest's (`ingest.BATCH_CHARS`): a batch is
# read, split and written at once, at some 9 bytes of memory a character where its sentences
# come out otherwise (60 articles of 900,000 characters: 476 MB), so 500 of the longest an
# article may be (`records.MAX_ARTICLE_CHARS`) would take gigabytes, and hold the write lock
# for millions of rows. Of news a batch is still RESPLIT_BATCH articles.
RESPLIT_CHARS = BATCH_CHARS
AGAIN = "run newsbot reindex again: it goes on with the articles not split yet"


@dataclass(frozen=True, slots=True)
class SplitArticle:
    """An article's text split as an ingest splits it now: its (paragraph, sentence) pairs
    in reading order, and what each sentence names (`ranking.answers.packed`)."""

    sentences: list[tuple[int, str]]
    finds: list[bytes | None]


@dataclass(slots=True)
class ResplitReport:
    """What `resplit_articles` did so far (kept up as it goes: a caller stopped midway
    can tell what was done)."""

    older: int = 0  # articles of an older version when it began
    articles: int = 0  # split again: their version is now SPLITTER_VERSION
    replaced: int = 0  # of those, the articles whose sentences came out otherwise


async def older_articles(conn: aiosqlite.Connection) -> list[tuple[int, int]]:
    """The articles split by older rules, ascending: (id, characters of text) of each
    (found through the index on the version)."""
    async with conn.execute(
        "SELECT id, length(text) FROM articles WHERE splitter < ? ORDER BY id",
        (SPLITTER_VERSION,),
    ) as cur:
        return [(int(row[0]), int(row[1])) for row in await cur.fetchall()]


def batches(articles: list[tuple[int, int]], count: int, chars: int) -> Iterator[list[int]]:
    """The ids of `articles` ((id, characters)) in order, in batches of at most `count`
    articles and `chars` characters (or one article alone, however long)."""
    batch: list[int] = []
    size = 0
    for article_id, length in articles:
        if batch and (len(batch) >= count or size + length > chars):
            yield batch
            batch, size = [], 0
        batch.append(article_id)
        size += length
    if batch:
        yield batch


async def replacements(conn: aiosqlite.Connection) -> int:
    """How many batches have replaced articles' sentences in this database: a reader that
    keeps articles' runs of sentences in memory reads them again when it grows."""
    async with conn.execute("SELECT value FROM meta WHERE key = 'resplit_batches'") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def resplit_articles(
    conn: aiosqlite.Connection,
    progress: Callable[[int], None] | None = None,
    report: ResplitReport | None = None,
    batch: int | None = None,
) -> ResplitReport:
    """Split every article of an older version again (see the module's docstring), `batch`
    articles a transaction (RESPLIT_BATCH, read when called), fewer where they hold more
    than RESPLIT_CHARS characters of text, each article whole: stopped at any point, every
    article has its old sentences or its new ones, never none or both, and a call again
    goes on with the rest. `progress` is told each batch's number of articles.

    The texts are read and split before each transaction, off the event loop, so the write
    lock is held only to write; an article removed or split again by another process
    meanwhile is passed over. StoreError when the database takes no write (a full disk, a
    lock held too long), saying what to do."""
    report = report if report is not None else ResplitReport()
    batch = batch or RESPLIT_BATCH
    older = await older_articles(conn)
    report.older = len(older)
    store = CorpusStore(conn)
    for chunk in batches(older, batch, RESPLIT_CHARS):
        stored = await _stored_articles(conn, chunk)
        made = await asyncio.to_thread(_split_again, stored)
        try:
            async with transaction(conn):
                still = await rows_for_ids(
                    conn,
                    "SELECT id FROM articles WHERE id IN ({ids}) AND splitter < ?",
                    chunk,
                    SPLITTER_VERSION,
                )
                ids = sorted(int(row[0]) for row in still)
                replaced = [i for i in ids if i in made]
                await _replace_sentences(conn, store, {i: made[i] for i in replaced})
                await conn.executemany(
                    "UPDATE articles SET splitter = ? WHERE id = ?",
                    [(SPLITTER_VERSION, i) for i in ids],
                )
        except sqlite3.DatabaseError as exc:
            if (fault := storage_fault(exc, AGAIN)) is not None:
                raise StoreError(fault) from exc
            raise
        report.articles += len(ids)
        report.replaced += len(replaced)
        if progress:
            progress(len(chunk))
    return report


async def _stored_articles(
    conn: aiosqlite.Connection, article_ids: list[int]
) -> dict[int, tuple[str, list[tuple[int, str]]]]:
    """(text, its stored (paragraph, sentence) pairs in order) of each of these articles."""
    texts = await rows_for_ids(
        conn, "SELECT id, text FROM articles WHERE id IN ({ids})", article_ids
    )
    stored: dict[int, tuple[str, list[tuple[int, str]]]] = {
        int(row[0]): (str(row[1]), []) for row in texts
    }
    rows = await rows_for_ids(
        conn,
        "SELECT article_id, paragraph, text FROM sentences WHERE article_id IN ({ids})"
        " ORDER BY article_id, position",
        list(stored),
    )
    for article_id, paragraph, text in rows:
        stored[int(article_id)][1].append((int(paragraph), str(text)))
    return stored


def _split_again(
    stored: Mapping[int, tuple[str, list[tuple[int, str]]]],
) -> dict[int, SplitArticle]:
    """The articles of `stored` ((text, stored sentences) by id) whose text splits into
    other sentences now, split (as `store.complete_articles` splits a new one). CPU-bound:
    run it in a thread."""
    # Imported here, as the store imports them: NLTK takes seconds to import, and the
    # compiled reading of names, numbers and dates is the ranking's.
    from retrieval.corpus.sentences import article_sentences
    from retrieval.ranking.answers import packed

    changed: dict[int, list[tuple[int, str]]] = {}
    for article_id, (text, sentences) in stored.items():
        split = article_sentences(text)
        if split != sentences:
            changed[article_id] = split
    # the batch's sentences read at once, as an ingest reads them
    finds = iter(packed([text for split in changed.values() for _, text in split]))
    return {
        article_id: SplitArticle(split, [next(finds) for _ in split])
        for article_id, split in changed.items()
    }


async def _replace_sentences(
    conn: aiosqlite.Connection, store: CorpusStore, made: Mapping[int, SplitArticle]
) -> None:
    """Replace each article's sentence rows by those `made`, under new ids, inside the
    caller's transaction; each article's row says where its new run of sentences is."""
    if not made:
        return
    await conn.executemany("DELETE FROM sentences WHERE article_id = ?", [(i,) for i in made])
    next_sentence = await store.next_sentence_id()
    runs: list[tuple[int, int, int]] = []
    rows: list[SentenceRow] = []
    for article_id, split in made.items():
        runs.append((next_sentence, len(split.sentences), article_id))
        rows.extend(sentence_rows_of(next_sentence, article_id, split.sentences, split.finds))
        next_sentence += len(split.sentences)
    await conn.executemany(INSERT_SENTENCES, rows)
    await conn.executemany(
        "UPDATE articles SET first_sentence = ?, sentence_count = ? WHERE id = ?", runs
    )
    await conn.execute(
        "INSERT INTO meta (key, value) VALUES ('resplit_batches', 1)"
        " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )
    await conn.execute(MOVE_ON)  # the indexes read before are stale: never saved again
