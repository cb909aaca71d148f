"""The reads that answer a question: synchronous, for the worker thread answering it, each
thread on a connection of its own (`CorpusStore` writes, through the engine's)."""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import NamedTuple, cast

import numpy as np
import numpy.typing as npt

from retrieval.corpus.attributions import ATTRIBUTION_COLUMNS, attribution
from retrieval.corpus.prepare import parsed_title_terms
from retrieval.corpus.rows_by_id import (
    rows_for_ids_blocking,
    tuples_for_id_runs_blocking,
    tuples_for_ids_blocking,
)
from retrieval.models import Attribution

Ints = npt.NDArray[np.int64]

# When an article counts from for the ranking's recency: its publication. One without a date
# has none (NULL): when it was stored says nothing of how old its news is (a backfill of
# 2004 stories ingested today, archived or not), so its age is unknown to the ranking
# (`features.FEATURES`). (Whether it may be quoted as of a moment is the indexes' own time:
# when it was stored, for it.)
SINCE = "published_ts"


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What answering a question needs of a candidate article, before any text is read."""

    attribution: Attribution
    time: float | None  # the time it counts from for recency (`SINCE`); None: undated
    sentence_ids: Ints  # its sentences at positions 0..last, in order
    positions: Ints
    title_terms: tuple[str, frozenset[str]] | None = None  # as stored, parsed


@dataclass(frozen=True, slots=True)
class _ArticleRuns:
    """Where each article's sentences run (`articles.first_sentence`, `sentence_count`),
    sorted by first sentence: which article a sentence id belongs to, without reading it."""

    first: Ints
    count: Ints
    article: Ints
    ids: Ints  # `article` sorted ...
    row_of_id: Ints  # ... and where each is in it
    last_article: int = 0  # the largest article id read

    def extended(self, rows: Sequence[tuple[int, int | None, int | None]]) -> _ArticleRuns:
        """These runs and those of `rows` (id, first sentence, count; NULLs are skipped)."""
        rows = [row for row in rows if row[0] > self.last_article]  # not read already
        if not rows:
            return self
        last = max(row[0] for row in rows)
        known = [row for row in rows if row[1] is not None and row[2]]
        if not known:
            return replace(self, last_article=last)
        table = np.array(known, dtype=np.int64)
        first = np.concatenate([self.first, table[:, 1]])
        order = np.argsort(first, kind="stable")
        article = np.concatenate([self.article, table[:, 0]])[order]
        row_of_id = np.argsort(article, kind="stable")
        return _ArticleRuns(
            first[order],
            np.concatenate([self.count, table[:, 2]])[order],
            article,
            article[row_of_id],
            row_of_id,
            last,
        )

    def of_articles(self, article_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """The run (first sentence id, count) of each of these articles that has one."""
        if not len(self.article) or not article_ids:
            return {}
        wanted = np.array(article_ids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.ids, wanted), len(self.ids) - 1)
        hit = self.ids[at] == wanted
        rows = self.row_of_id[at[hit]]
        return dict(
            zip(
                wanted[hit].tolist(),
                zip(self.first[rows].tolist(), self.count[rows].tolist(), strict=True),
                strict=True,
            )
        )

    def owners(self, sentence_ids: Ints) -> tuple[dict[int, int], Ints]:
        """The article of each sentence inside a run, and the sentence ids in none."""
        if not len(self.first):
            return {}, sentence_ids
        at = np.searchsorted(self.first, sentence_ids, side="right") - 1
        inside = (at >= 0) & (sentence_ids < self.first[at] + self.count[at])  # at -1: masked
        found = dict(
            zip(sentence_ids[inside].tolist(), self.article[at[inside]].tolist(), strict=True)
        )
        return found, sentence_ids[~inside]


_NONE = np.zeros(0, dtype=np.int64)
NO_RUNS = _ArticleRuns(_NONE, _NONE, _NONE, _NONE, _NONE)


class _ArticleRow(NamedTuple):
    attribution: Attribution
    since: float | None  # when it counts from for recency (`SINCE`); None: undated
    title_terms: tuple[str, frozenset[str]] | None  # `parsed_title_terms`


REMEMBERED_ARTICLES = 20_000  # about 60 MB of a serving process
REMEMBER_BATCH = 1_000  # articles `remember_newest` reads at a time


class CorpusReader:
    """The reads that answer a question, synchronous, for the worker thread answering it.

    `connection()` gives the calling thread its own connection (`ReadConnections.get`), so
    threads never share one; WAL lets them read while another connection writes.
    """

    def __init__(
        self, connection: Callable[[], sqlite3.Connection], remembered: int = REMEMBERED_ARTICLES
    ) -> None:
        self._connection = connection
        self._remembered: OrderedDict[tuple[int, int], StoredArticle] = OrderedDict()
        self._remembered_size = remembered
        self._article_runs = NO_RUNS
        self._lock = threading.Lock()

    def stored_articles(self, article_ids: Iterable[int], last: int) -> dict[int, StoredArticle]:
        """Each of these articles with its sentences at positions 0..last (an article without
        any is absent).

        A stored article never changes (nothing updates one, and its sentences are stored
        with it, in one transaction; a removed one is hidden in the indexes, so no question
        asks for it again), so the last `remembered` articles read are kept: questions come
        back to the same stories (for the 1,000 news-qa-dev questions over news-1m, 6
        candidate articles in 10 had been read for an earlier question).
        """
        found: dict[int, StoredArticle] = {}
        missing = []
        with self._lock:
            for article_id in article_ids:
                known = self._remembered.get((article_id, last))
                if known is None:
                    missing.append(article_id)
                else:
                    self._remembered.move_to_end((article_id, last))
                    found[article_id] = known
        if not missing:
            return found
        rows = self._article_rows(missing)
        # Most articles' sentences run as their rows say; others are read from `sentences`.
        # The runs as last read hold a question's candidates (`articles_of` read them just
        # before): they are read again only for an article they do not hold.
        runs = self._article_runs.of_articles(list(rows))
        if len(runs) < len(rows):
            runs = self._runs().of_articles(list(rows))
        sentences = self.sentences_of_articles([i for i in rows if i not in runs], last)
        for article_id, (first, count) in runs.items():
            if (kept := min(count, last + 1)) > 0:
                positions = np.arange(kept, dtype=np.int64)
                sentences[article_id] = (positions + first, positions)
        read = {
            article_id: StoredArticle(
                row.attribution, row.since, *sentences[article_id], row.title_terms
            )
            for article_id, row in rows.items()
            if article_id in sentences
        }
        with self._lock:
            for article_id, article in read.items():
                article.sentence_ids.flags.writeable = article.positions.flags.writeable = False
                self._remembered[(article_id, last)] = article
            while len(self._remembered) > self._remembered_size:
                self._remembered.popitem(last=False)
        return found | read

    def remember_newest(self, last: int) -> int:
        """Read the newest stored articles, as many as are remembered, as `stored_articles`
        reads them with `last`; returns how many. A process that answers many questions
        reads a candidate article once, and its first questions paid for most of those
        reads: on news-1m, 0.6 ms a question of the first 1,000 went to the candidate
        articles' rows (a B-tree descent each, its pages cold), 0.07 ms once they were
        remembered (docs/performance.md). Reading them takes some 0.3-0.5 s of CPU and 50 MB
        there (14,202 articles); the oldest go first, so that the newest stay longest."""
        cursor = self._connection().cursor()
        cursor.row_factory = None
        try:
            newest = cursor.execute(
                "SELECT id FROM articles ORDER BY id DESC LIMIT ?", (self._remembered_size,)
            ).fetchall()
        finally:
            cursor.close()
        ids = sorted(row[0] for row in newest)
        for start in range(0, len(ids), REMEMBER_BATCH):  # questions may come meanwhile
            self.stored_articles(ids[start : start + REMEMBER_BATCH], last)
        return len(ids)

    def articles_of(self, sentence_ids: Iterable[int]) -> dict[int, int]:
        """The article of each of these sentences (missing ids are simply absent).

        Found in the runs the articles' rows name (`_ArticleRuns`), kept in memory: a
        question asks this of its 60 best sentences, and a row of `sentences` each would
        be as many page reads. Sentences of no known run are read from `sentences`.
        """
        ids = np.fromiter(sentence_ids, dtype=np.int64)
        found, unknown = self._runs().owners(ids)
        if len(unknown):
            found.update(
                tuples_for_ids_blocking(
                    self._connection(),
                    "SELECT id, article_id FROM sentences WHERE id IN ({ids})",
                    unknown.tolist(),
                )
            )
        return found

    def _runs(self) -> _ArticleRuns:
        """The runs of every article stored so far: read at the first call, then those of
        the articles stored since (one indexed query a call, no row most of the time). A
        stored article never changes; a removed one's run stays, and is never asked for."""
        runs = self._article_runs
        cursor = self._connection().cursor()
        cursor.row_factory = None
        try:
            rows = cursor.execute(  # from the index alone: the rows hold long text
                "SELECT id, first_sentence, sentence_count FROM articles"
                " INDEXED BY articles_runs WHERE id > ?",
                (runs.last_article,),
            ).fetchall()
        finally:
            cursor.close()
        if not rows:
            return runs
        with self._lock:  # another thread may have extended them meanwhile: extend that
            self._article_runs = self._article_runs.extended(rows)
            return self._article_runs

    def sentences_of_articles(
        self, article_ids: Iterable[int], last: int
    ) -> dict[int, tuple[Ints, Ints]]:
        """The ids and positions of each article's sentences at positions 0..last, in order;
        read from the (article, position) index alone: no text (see `sentence_texts`).

        For the articles whose own row does not say where their sentences run (written
        otherwise than `CorpusStore.add_articles` writes them). Their ids may still be the
        first id plus their positions: one row per article says so (id - position the same
        for every sentence, positions without a gap) and gives them all. Only other
        articles are read a row per sentence.
        """
        spans = tuples_for_ids_blocking(
            self._connection(),
            "SELECT article_id, count(*), min(position), max(position), min(id - position),"
            " max(id - position) FROM sentences"
            " WHERE article_id IN ({ids}) AND position <= ? GROUP BY article_id",
            article_ids,
            last,
        )
        found: dict[int, tuple[Ints, Ints]] = {}
        scattered = []
        for article_id, count, first, end, offset, top in spans:
            if offset == top and end - first == count - 1:
                positions = np.arange(first, end + 1, dtype=np.int64)
                found[article_id] = (positions + offset, positions)
            else:
                scattered.append(article_id)
        if scattered:
            found.update(self._sentence_rows(scattered, last))
        return found

    def _sentence_rows(self, article_ids: list[int], last: int) -> dict[int, tuple[Ints, Ints]]:
        """`sentences_of_articles`, a row per sentence."""
        rows = tuples_for_ids_blocking(
            self._connection(),
            "SELECT article_id, position, id FROM sentences"
            " WHERE article_id IN ({ids}) AND position <= ? ORDER BY article_id, position",
            article_ids,
            last,
        )
        if not rows:
            return {}
        # Each statement returns its articles' rows together (an article is in one of them).
        table = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=3 * len(rows))
        article, position, sentence = table.reshape(len(rows), 3).T
        starts = np.flatnonzero(np.diff(article, prepend=article[0] - 1))
        ends = np.append(starts[1:], len(rows))
        return {
            int(article[a]): (sentence[a:b], position[a:b])
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
        }

    def sentence_texts(self, sentence_ids: Iterable[int]) -> dict[int, str]:
        """The text of each of these sentences (missing ids are simply absent)."""
        rows = tuples_for_ids_blocking(
            self._connection(), "SELECT id, text FROM sentences WHERE id IN ({ids})", sentence_ids
        )
        return dict(rows)

    def sentence_texts_and_finds(
        self, sentence_ids: Iterable[int]
    ) -> list[tuple[int, str, bytes | None, int]]:
        """(id, text, what it names as stored with it, or None, paragraph number) of each of
        these sentences (missing ids are simply absent; see `ranking.answers.stored`; the
        paragraphs tell headings, `ranking.headings`)."""
        return cast(
            list[tuple[int, str, bytes | None, int]],
            tuples_for_id_runs_blocking(
                self._connection(), "id, text, finds, paragraph", "sentences", sentence_ids
            ),
        )

    def article_ids_at(self, urls: Iterable[str], by: float = math.inf) -> dict[str, int]:
        """The stored article at each of these addresses (canonical forms, as stored) that
        has one, of those published by `by` (undated: stored by then, as the indexes count)."""
        rows = rows_for_ids_blocking(
            self._connection(),
            "SELECT id, url FROM articles WHERE url IN ({ids})"
            " AND coalesce(published_ts, ingested_ts) <= ?",
            urls,
            by,
        )
        return {str(r["url"]): int(r["id"]) for r in rows}

    def _article_rows(self, article_ids: Iterable[int]) -> dict[int, _ArticleRow]:
        """Each article's row, as answering reads it."""
        rows = rows_for_ids_blocking(
            self._connection(),
            f"SELECT {ATTRIBUTION_COLUMNS}, {SINCE} AS since,"
            " (SELECT terms FROM title_terms WHERE article_id = articles.id) AS title_terms"
            " FROM articles WHERE id IN ({ids})",
            article_ids,
        )
        return {
            int(r["id"]): _ArticleRow(
                attribution(r),
                None if r["since"] is None else float(r["since"]),
                parsed_title_terms(r["title_terms"]),
            )
            for r in rows
        }
