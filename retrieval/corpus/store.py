"""The corpus store: articles and their sentences in SQLite, written in transactions.

Writing takes articles already prepared (`prepare_articles`: canonical URL, fingerprint and
sentences, made in a worker thread), so a write transaction does no CPU work on the event
loop. `CorpusStore` reads and writes through the engine's aiosqlite connection; the
synchronous reads that answer a question are `reader.CorpusReader`'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import cast

import aiosqlite
import numpy as np
import numpy.typing as npt

from retrieval.addresses import canonical_url, same_page
from retrieval.corpus.attributions import ATTRIBUTION_COLUMNS, attribution, newest_rows
from retrieval.corpus.copies import Copy, StoredCopies, ids_of_urls
from retrieval.corpus.db import transaction
from retrieval.corpus.prepare import (
    TITLE_TOKENS,
    PreparedArticle,
    complete_articles,
    titles_terms,
)
from retrieval.corpus.rows_by_id import rows_for_ids
from retrieval.corpus.splitter import SPLITTER_VERSION
from retrieval.corpus.text import paragraphs
from retrieval.models import ArticleDraft, Attribution
from retrieval.outlets import outlet_counts, outlet_key
from retrieval.wording import quoted

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What happened to one article handed to `add_articles`."""

    article_id: int
    added: bool  # False: a duplicate of `article_id`, nothing written
    sentences: int
    archived: bool = False  # archived by this call (not before it, nor by its copy above)
    # A duplicate found by its text at another address (or with none): the stored article
    # it copies, how alike the two texts are (1.0: the same words); None: not a duplicate,
    # or found by its address (an update of the page), or the same article given again
    copy: Copy | None = None
    # a duplicate by its address alone: its words are not the stored article's (an update)
    other_text: bool = False


@dataclass(frozen=True, slots=True)
class CorpusStats:
    articles: int
    sentences: int
    outlets: int
    first_published: float | None  # Unix time of the earliest dated article (None: no date)
    last_published: float | None
    undated: int = 0  # articles with no date: they count from when they were stored
    archived: int = 0  # articles kept out of digests (`ingest --archive`)
    ahead: int = 0  # dated days ahead (`counts_from`): not quoted before their dates
    older_splits: int = 0  # split by older sentence rules: `newsbot reindex` splits them again


# A sentence as stored: id, article, position in it, paragraph, text, finds
SentenceRow = tuple[int, int, int, int, str, bytes | None]
INSERT_SENTENCES = (
    "INSERT INTO sentences (id, article_id, position, paragraph, text, finds)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


def sentence_rows_of(
    first: int,
    article_id: int,
    sentences: Sequence[tuple[int, str]],
    finds: Sequence[bytes | None],
) -> Iterator[SentenceRow]:
    """An article's sentences ((paragraph, text) in order) as rows of `INSERT_SENTENCES`,
    their ids from `first` on: an article's sentences are one run of ids."""
    for position, ((paragraph, text), found) in enumerate(zip(sentences, finds, strict=True)):
        yield (first + position, article_id, position, paragraph, text, found)


# How far ahead of the clock a date may be and still be taken for now: a date's own slack.
# A bare date counts from 10:00 UTC, which is up to a day after its start in the zones east
# of UTC, and a local time given without its zone is up to 14 hours ahead; a story dated
# so is at hand, and hiding it from every question and digest until then would hide the
# morning's news in Sydney or Tokyo. Further ahead, the date is meant (an embargo, a story
# dated when it happens): as of any moment before it, the article is not yet published.
AHEAD_SLACK = 86_400.0


def counts_from(published: float | None, stored: float) -> float | None:
    """When an article published at `published` (None: no date) and stored at `stored`
    counts from: its date, or when it was stored if the date lies ahead of that by at most
    AHEAD_SLACK (None: no date, counted from when stored by the callers)."""
    if published is None:
        return None
    return published if published - stored > AHEAD_SLACK else min(published, stored)


def dated_ahead(
    article: PreparedArticle, article_id: int, now: float, *, from_feed: bool = False
) -> str | None:
    """What to say of an article just stored as `article_id` dated further ahead of `now`
    than AHEAD_SLACK (`counts_from`): no answer or digest quotes it until then, and `stats`
    alone counted it. None for any other. Said alike by `ingest` and a feed's poll, each
    with its own advice: a file's record can be put right and ingested again; a feed's entry
    is dated by its publisher, and once removed it is not stored again (it is seen)."""
    if article.published_ts is None or article.published_ts - now <= AHEAD_SLACK:
        return None
    advice = (
        f"newsbot remove {article_id} if the date is wrong; the feed's publisher dates it"
        if from_feed
        else f"a mistyped year? newsbot remove {article_id}, put its date right and ingest "
        "it again"
    )
    written = article.draft.published_as_written or article.draft.published
    return (
        f"{quoted(article.draft.title)} is dated {written}, ahead of now: "
        f"stored as article {article_id}, no answer or digest quotes it before then ({advice})"
    )


def dated_placeholder(article: PreparedArticle, article_id: int) -> str | None:
    """What to say of an article just stored as `article_id` whose source gave a date that
    stands for none (`PreparedArticle.placeholder`: 0001-01-01, the Unix epoch): it is
    stored undated, counted from now. None for any other. Said by `ingest` and a poll."""
    if article.placeholder is None:
        return None
    return (
        f"{quoted(article.draft.title)} is dated "
        f"{article.draft.published_as_written or article.placeholder}, a placeholder for no "
        f"date: stored undated as article {article_id}, counted from when it was stored"
    )


def _article_row(
    article_id: int, article: PreparedArticle, first_sentence: int
) -> tuple[object, ...]:
    """The `articles` row of a prepared article whose sentences get ids from
    `first_sentence` on, split by the rules of now, in the order `add_articles` inserts.

    `published_ts` is the time an article counts from (`counts_from`); `published` keeps
    the date as the source gave it."""
    draft = article.draft
    stored = time.time()
    published = article.published_ts
    return (
        article_id,
        draft.title,
        draft.source,
        json.dumps(list(draft.authors)),
        draft.published,
        counts_from(published, stored),
        article.url,
        draft.text,
        article.content_hash,
        stored,
        draft.origin,
        json.dumps(draft.extra, default=str),
        first_sentence,
        len(article.sentences),
        SPLITTER_VERSION,
    )


def note_ingest(db_path: str | os.PathLike[str]) -> None:
    """Record that an ingest of someone's articles began (committed at once, before its
    first batch): an empty database is then not one to seed (`CorpusStore.in_use`).

    Blocking, on a connection of its own that waits for no lock: a database another
    process holds locked gets no mark, and the ingest's own first write says why, once."""
    try:
        with contextlib.closing(sqlite3.connect(db_path, timeout=0)) as conn:
            if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM articles)").fetchone()[0]:
                with conn:
                    conn.execute(
                        "INSERT OR IGNORE INTO meta (key, value) VALUES ('ingest_begun', ?)",
                        (time.time(),),
                    )
    except sqlite3.Error:
        pass


class CorpusStore:
    """Articles and sentences over one aiosqlite connection (owned by the caller)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add_articles(
        self, articles: Sequence[PreparedArticle], archive: bool = False
    ) -> list[AddResult]:
        """Store articles with their sentences, skipping duplicates; one transaction.
        `archive`: the articles are kept out of digests (table `archived`), those found
        stored already too.

        A duplicate has the same words or the same page's address as a stored article (or
        as an earlier one of this batch), or a near-identical text of the same outlet
        (`copies`). Either all of the batch is written or none of it.
        The batch costs a few statements, not a few per article (each a hop to aiosqlite's
        thread): duplicates are looked up for all of it at once, and articles and sentences
        are inserted with one `executemany` each, their ids given as SQLite would give them
        (one past the largest; an article's, past a removed one's too), so each article's row
        can say where its sentences run.
        """
        async with transaction(self.conn):
            return await self.insert_articles(articles, archive)

    async def insert_articles(
        self, articles: Sequence[PreparedArticle], archive: bool = False
    ) -> list[AddResult]:
        """`add_articles` inside the caller's transaction (`db.transaction`), for a write
        that stores articles with others of its own (`removals.replace_article`)."""
        results: list[AddResult] = []
        copies = await StoredCopies.read(self.conn, articles)
        # past every id given, a removed article's too: an index may still hold its doc
        async with self.conn.execute(
            "SELECT max(coalesce((SELECT max(id) FROM articles), 0),"
            " coalesce((SELECT max(article_id) FROM removed_articles), 0))"
        ) as cur:
            row = await cur.fetchone()
        next_id = int(row[0]) + 1 if row else 1
        next_sentence = await self.next_sentence_id()
        article_rows: list[tuple[object, ...]] = []
        title_rows: list[tuple[int, str]] = []
        sentence_rows: list[SentenceRow] = []
        sketch_rows: list[tuple[int, int]] = []
        for article in articles:
            copy = copies.copy_of(article)
            if copy is None and not article.whole:  # found stored before, deleted since: rare
                [article] = complete_articles([article])  # now with its sketch
                await copies.read_sketches(self.conn, [article])
                copy = copies.copy_of(article)
            if copy is not None:
                named = copy if copy.alike is not None else None
                results.append(
                    AddResult(copy.article_id, False, 0, copy=named, other_text=copy.other_text)
                )
                continue
            article_id, next_id = next_id, next_id + 1
            copies.add(article_id, article)
            article_rows.append(_article_row(article_id, article, next_sentence))
            sketch_rows.extend((article_id, key) for key in article.sketch)
            if article.title_terms is not None:
                title_rows.append((article_id, article.title_terms))
            finds = article.finds or (None,) * len(article.sentences)
            sentence_rows.extend(
                sentence_rows_of(next_sentence, article_id, article.sentences, finds)
            )
            next_sentence += len(article.sentences)
            results.append(AddResult(article_id, True, len(article.sentences)))
        if article_rows:
            await self.conn.executemany(
                "INSERT INTO articles (id, title, source, authors, published, published_ts,"
                " url, text, content_hash, ingested_ts, origin, extra, first_sentence,"
                " sentence_count, splitter) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                article_rows,
            )
            # OR REPLACE: over what an article deleted by hand (no cascade) left behind
            await self.conn.executemany(
                "INSERT OR REPLACE INTO title_terms (article_id, terms) VALUES (?, ?)",
                title_rows,
            )
            await self.conn.executemany(INSERT_SENTENCES, sentence_rows)
            # OR IGNORE: over what an article deleted by hand (no cascade) left behind
            await self.conn.executemany(
                "INSERT OR IGNORE INTO article_sketches (article_id, key) VALUES (?, ?)",
                sketch_rows,
            )
        if archive:  # duplicates too: the same ingest again, with --archive, archives it
            results = await self._archive(results)
        else:  # over what an archived article deleted by hand (no cascade) left behind
            await self.conn.executemany(
                "DELETE FROM archived WHERE article_id = ?",
                [(row[0],) for row in article_rows],
            )
        return results

    async def _archive(self, results: list[AddResult]) -> list[AddResult]:
        """Archive the articles of `results`; each marked if this archived it."""
        ids = {r.article_id for r in results}
        before = await rows_for_ids(
            self.conn, "SELECT article_id FROM archived WHERE article_id IN ({ids})", ids
        )
        done = {int(row[0]) for row in before}
        await self.conn.executemany(
            "INSERT OR IGNORE INTO archived (article_id) VALUES (?)",
            [(i,) for i in sorted(ids - done)],
        )
        marked = []
        for result in results:
            marked.append(replace(result, archived=result.article_id not in done))
            done.add(result.article_id)
        return marked

    async def next_sentence_id(self) -> int:
        """The id SQLite would give the next sentence (AUTOINCREMENT: past the largest ever
        given, even if deleted since). Given by the batch itself, so each article's row can
        say where its run of sentences starts."""
        async with self.conn.execute(
            "SELECT max(coalesce((SELECT max(id) FROM sentences), 0),"
            " coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'sentences'), 0))"
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) + 1 if row else 1

    async def stored_among(self, articles: Sequence[PreparedArticle]) -> set[int]:
        """The positions in `articles` of those stored already (`add_articles` would find
        them duplicates): a batch ingested again need not be split into sentences. Reads.
        By their words and addresses: a near copy (`copies`) is found once its sketch is
        made, with its sentences."""
        copies = await StoredCopies.read(self.conn, articles)
        return {
            number
            for number, article in enumerate(articles)
            if copies.copy_of(article) is not None
        }

    async def ids_by_url(self, urls: Iterable[str]) -> dict[str, int]:
        """The stored article of each of these addresses that has one, by canonical URL."""
        canonical = {url: canonical_url(url) for url in urls}
        stored = await ids_of_urls(self.conn, (c for c in canonical.values() if c is not None))
        return {
            url: stored[same_page(c)]
            for url, c in canonical.items()
            if c is not None and same_page(c) in stored
        }

    async def is_empty(self) -> bool:
        async with self.conn.execute("SELECT NOT EXISTS (SELECT 1 FROM articles)") as cur:
            row = await cur.fetchone()
        return bool(row and row[0])

    async def in_use(self) -> bool:
        """Whether this database is someone's corpus, empty or not: an ingest began here
        (still at work in another process, or it stored nothing), or articles were removed
        from it (all of them, maybe)."""
        async with self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'ingest_begun')"
            " OR EXISTS (SELECT 1 FROM removed_articles)"
        ) as cur:
            row = await cur.fetchone()
        return bool(row and row[0])

    async def read_again(self, batch: int = 20_000, anew: bool = False) -> tuple[int, int]:
        """Fill in what ingest reads once (`prepare_articles`) where it is missing or was
        made by other code: each sentence's finds, each title's terms, for a database stored
        before them or after the reading or the token rules changed; with `anew`, every
        title's terms (the token rules' signature is written by hand: a reindex trusts it
        no more than the index it rebuilds). Returns how many sentences and titles it
        filled. Each batch of `batch` rows is a transaction of its own, each row valid
        alone: stopped midway, a database is as good as before, and better."""
        from retrieval.ranking.answers import packed, stored

        sentences = 0
        async for rows in self._in_batches(
            "SELECT id, text, finds FROM sentences WHERE id > ? ORDER BY id LIMIT ?", batch
        ):
            stale = [(int(i), t) for i, t, found in rows if not (found and stored(found))]
            if not stale:
                continue
            finds = await asyncio.to_thread(packed, [text for _, text in stale])
            async with transaction(self.conn):
                await self.conn.executemany(
                    "UPDATE sentences SET finds = ? WHERE id = ?",
                    [(found, i) for (i, _), found in zip(stale, finds, strict=True)],
                )
            sentences += len(stale)
        titles = 0
        async for rows in self._in_batches(
            "SELECT a.id, a.title, t.terms FROM articles a"
            " LEFT JOIN title_terms t ON t.article_id = a.id"
            " WHERE a.id > ? ORDER BY a.id LIMIT ?",
            batch,
        ):
            current = f"{TITLE_TOKENS.signature}\t"  # how `title_terms` opens
            stale = [
                (int(i), title)
                for i, title, terms in rows
                if anew or terms is None or not terms.startswith(current)
            ]
            made = await asyncio.to_thread(titles_terms, stale)
            async with transaction(self.conn):
                await self.conn.executemany(
                    "INSERT OR REPLACE INTO title_terms (article_id, terms) VALUES (?, ?)", made
                )
            titles += len(made)
        return sentences, titles

    async def _in_batches(self, sql: str, batch: int) -> AsyncIterator[list[aiosqlite.Row]]:
        """The rows of `sql`, `batch` at a time: its parameters are the last id read and the
        batch's size, its first column the id it orders by (`WHERE id > ? ORDER BY id
        LIMIT ?`), so each batch is one indexed read however large the table."""
        last = 0
        while True:
            async with self.conn.execute(sql, (last, batch)) as cur:
                rows = list(await cur.fetchall())
            if not rows:
                return
            last = int(rows[-1][0])
            yield rows

    async def stats(self) -> CorpusStats:
        async with self.conn.execute(
            "SELECT count(*), min(published_ts), max(published_ts),"
            " count(*) - count(published_ts), (SELECT count(*) FROM archived),"
            " (SELECT count(*) FROM sentences), count(published_ts > ? OR NULL),"
            " (SELECT count(*) FROM articles WHERE splitter < ?) FROM articles",
            (time.time(), SPLITTER_VERSION),
        ) as cur:
            row = await cur.fetchone()
        articles, first, last, undated, archived, sentences, ahead, older = row or (0,) * 8
        # outlets as /sources counts them: "USA Today" and "USA TODAY" are one (`outlets`)
        async with self.conn.execute("SELECT DISTINCT source FROM articles") as cur:
            names = [r[0] for r in await cur.fetchall()]
        outlets = len({outlet_key(name) for name in names} - {None})
        return CorpusStats(
            articles, sentences, outlets, first, last, undated, archived, ahead, older
        )

    async def sentences_after(
        self, watermark: int, batch: int = 20_000
    ) -> AsyncIterator[list[tuple[int, str, float, int, int]]]:
        """Yield (id, text, time, article id, dated) of sentences with id > watermark, in id
        order, in batches.

        `time` is when the sentence counts from for answers as of a moment: its article's
        publication, or when the article was stored if it has no date; `dated` is 1 when it
        is the publication, 0 when not (an undated article's news may be of any age).
        """
        last = watermark
        while rows := await self.sentence_rows_after(last, batch):
            yield rows
            last = rows[-1][0]

    async def sentence_rows_after(
        self, watermark: int, limit: int
    ) -> list[tuple[int, str, float, int, int]]:
        """The first `limit` of the sentences `sentences_after` yields."""
        async with self.conn.execute(
            "SELECT s.id, s.text, coalesce(a.published_ts, a.ingested_ts, 0.0), s.article_id,"
            " a.published_ts IS NOT NULL"
            " FROM sentences s LEFT JOIN articles a ON a.id = s.article_id"
            " WHERE s.id > ? ORDER BY s.id LIMIT ?",
            (watermark, limit),
        ) as cur:
            # plain tuples, as the columns' types make them (REAL times, NOT NULL text),
            # not a Row each turned into one: a million sentences cost a second that way
            cur.row_factory = None
            return cast(list[tuple[int, str, float, int, int]], await cur.fetchall())

    async def sentences_stored_after(self, watermark: int, count: int) -> bool:
        """Whether at least `count` sentences with id > watermark are stored (their ids
        counted, not their rows read)."""
        async with self.conn.execute(
            "SELECT 1 FROM sentences WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?",
            (watermark, count - 1),
        ) as cur:
            return await cur.fetchone() is not None

    async def article_ids_after(self, watermark: int) -> list[int]:
        """The ids of the articles stored after `watermark`, ascending."""
        async with self.conn.execute(
            "SELECT id FROM articles WHERE id > ? ORDER BY id", (watermark,)
        ) as cur:
            return [int(row[0]) for row in await cur.fetchall()]

    async def articles_by_id(
        self, article_ids: Sequence[int]
    ) -> dict[int, tuple[str, float, int, bool]]:
        """(title, time, number of sentences, dated) of each of these articles that is
        stored; `time` and `dated` as in `sentences_after`."""
        found: dict[int, tuple[str, float, int, bool]] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            async with self.conn.execute(
                "SELECT a.id, a.title, coalesce(a.published_ts, a.ingested_ts, 0),"
                " (SELECT count(*) FROM sentences s WHERE s.article_id = a.id),"
                " a.published_ts IS NOT NULL"
                f" FROM articles a WHERE a.id IN ({','.join('?' * len(chunk))})",
                tuple(chunk),
            ) as cur:
                for row in await cur.fetchall():
                    found[int(row[0])] = (str(row[1]), float(row[2]), int(row[3]), bool(row[4]))
        return found

    async def sentence_texts(self, article_ids: Sequence[int]) -> dict[int, list[str]]:
        """The texts of each of these articles' sentences, in their order; an article with
        none, or not stored, is left out."""
        texts: dict[int, list[str]] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            async with self.conn.execute(
                "SELECT article_id, text FROM sentences"
                f" WHERE article_id IN ({','.join('?' * len(chunk))})"
                " ORDER BY article_id, position",
                tuple(chunk),
            ) as cur:
                cur.row_factory = None
                for article_id, text in await cur.fetchall():
                    texts.setdefault(int(article_id), []).append(str(text))
        return texts

    async def count_articles_upto(self, watermark: int) -> int:
        return await self._count_upto("articles", watermark)

    async def count_sentences_upto(self, watermark: int) -> int:
        return await self._count_upto("sentences", watermark)

    async def count_sentences(self) -> int:
        async with self.conn.execute("SELECT count(*) FROM sentences") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def count_sentences_after(self, watermark: int) -> int:
        """The sentences an index caught up to `watermark` does not hold yet. Reads their
        rows, text and all: for those a catch-up reads next anyway."""
        async with self.conn.execute(
            "SELECT count(*) FROM sentences WHERE id > ?", (watermark,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _count_upto(self, table: str, watermark: int) -> int:
        """The rows of `table` with ids up to `watermark`: all of them less those past it.
        "WHERE id <= ?" read the table itself, text and all (0.9 s of every command's start
        at 7M sentences); count(*) reads its smallest index, and the rows past a saved
        index's watermark are few."""
        async with self.conn.execute(
            f"SELECT (SELECT count(*) FROM {table}) - (SELECT count(*) FROM {table} WHERE id > ?)",
            (watermark,),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def article_text(self, article_id: int) -> tuple[Attribution, str] | None:
        """An article's attribution and its text in paragraphs, as its sentences were split
        (hard-wrapped wire copy unwrapped), a blank line between two."""
        async with self.conn.execute(
            f"SELECT {ATTRIBUTION_COLUMNS}, text FROM articles WHERE id = ?", (article_id,)
        ) as cur:
            row = await cur.fetchone()
        return (attribution(row), "\n\n".join(paragraphs(str(row["text"])))) if row else None

    async def stored_draft(self, article_id: int) -> ArticleDraft | None:
        """A stored article as the draft it was stored from (None: not stored)."""
        async with self.conn.execute(
            "SELECT title, text, source, authors, published, url, origin, extra FROM articles"
            " WHERE id = ?",
            (article_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return ArticleDraft(
            title=row["title"],
            text=row["text"],
            source=row["source"],
            authors=tuple(json.loads(row["authors"] or "[]")),
            published=row["published"],
            url=row["url"],
            origin=row["origin"],
            extra=json.loads(row["extra"] or "{}"),
        )

    async def latest(self, limit: int = 10) -> list[Attribution]:
        """The newest articles: the dated by published time, then the undated by when they
        were ingested (`newest_rows`); none ingested as an archive (old news, which its
        undated articles would hide)."""
        return [attribution(row) for row in await newest_rows(self.conn, limit)]

    async def sources(self) -> list[tuple[str | None, int]]:
        """Outlets with their article counts, most articles first; None for the articles
        that name none. Spellings of one outlet ("USA Today", "USA TODAY") count as one,
        under the most frequent (`outlets.outlet_counts`)."""
        async with self.conn.execute(
            "SELECT source, count(*) AS n FROM articles GROUP BY source"
        ) as cur:
            return outlet_counts((r[0], int(r[1])) for r in await cur.fetchall())
