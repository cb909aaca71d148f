"""Answering a question: the index finds sentences, the corpus supplies text and sources.

All of it is synchronous: index top k, reading the candidate sentences and attributions,
scoring the windows, choosing the passages. `Engine.ask` runs a whole question in one
worker-thread call, so the event loop never waits on any of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from retrieval.corpus.store import CorpusReader
from retrieval.index.index import Index
from retrieval.models import Attribution, Passage
from retrieval.passages import Window, WindowPolicy, article_windows, select_windows

MAX_QUESTION_CHARS = 1000  # longer input is cut: nobody asks a 4,000-character question
SENTENCE_HITS = 60  # sentences read per question; their articles are searched for windows
MAX_ARTICLES = 20  # articles whose windows are scored, in order of their best hit
MAX_POSITION = 400  # sentences read per article: past this, it is a book, not an article


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Passages for a question, or a `message` saying plainly why there are none."""

    question: str
    passages: tuple[Passage, ...]
    message: str | None = None
    has_more: bool = False


class Searcher:
    """Turns questions into passages; safe to use from several threads at once (the index
    searches a snapshot, the reader gives each thread its own connection)."""

    def __init__(
        self, reader: CorpusReader, index: Index, policy: WindowPolicy | None = None
    ) -> None:
        self.reader = reader
        self.index = index
        self.policy = policy or WindowPolicy()

    def search(self, question: str, limit: int = 5, offset: int = 0) -> SearchResult:
        """The passages ranked offset..offset+limit for `question`. Reads only; blocks (run it
        in a worker thread from an event loop)."""
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        if not question:
            return SearchResult(
                question, (), "Ask a question, for example: “Where did the joint exercise begin?”"
            )
        tokens = self.index.tokenizer(question)
        if not tokens:
            return SearchResult(
                question,
                (),
                "That question has only very common words. "
                "Add a name, a place or a topic, e.g. “Iran Azerbaijan exercise”.",
            )
        wanted = max(SENTENCE_HITS, (offset + limit) * 6)
        hits = self.index.search(tokens, wanted)
        if not hits:
            return SearchResult(
                question,
                (),
                "Nothing in the news corpus matches that. Try other words or a broader question.",
            )
        windows, attributions = self._windows(tokens, [h.sentence_id for h in hits])
        chosen = select_windows(windows)
        page = chosen[offset : offset + limit]
        passages = []
        for rank, window in enumerate(page, start=offset + 1):
            article = attributions.get(window.article_id)
            if article is None:
                continue  # deleted since it was indexed
            quote = window.text
            passages.append(
                Passage(
                    rank=rank,
                    score=round(window.score, 6),
                    quote=quote,
                    highlights=self.highlights(quote, set(tokens)),
                    article=article,
                    sentence_ids=tuple(s.id for s in window.sentences),
                )
            )
        if not passages and offset:
            return SearchResult(question, (), "No more passages for that question.")
        return SearchResult(question, tuple(passages), None, len(chosen) > offset + limit)

    def _windows(
        self, tokens: list[str], sentence_ids: list[int]
    ) -> tuple[list[Window], dict[int, Attribution]]:
        """Score every window of the articles the hits belong to (best hit first); also
        returns those articles' attributions, read once for scoring and for the answer."""
        rows = self.reader.sentences(sentence_ids)
        articles: list[int] = []
        for sentence_id in sentence_ids:
            row = rows.get(sentence_id)
            if row is not None and row.article_id not in articles:
                articles.append(row.article_id)
        articles = articles[:MAX_ARTICLES]
        terms = sorted(set(tokens))
        dfs = self.index.document_frequencies(terms)
        docs = max(len(self.index), 1)
        idf = np.array([math.log(1 + (docs - dfs[t] + 0.5) / (dfs[t] + 0.5)) for t in terms])
        titles = self.reader.attributions(articles)
        texts = self.reader.sentences_of_articles(articles, MAX_POSITION)
        windows: list[Window] = []
        for article_id in articles:
            sentences = texts.get(article_id)
            if not sentences:
                continue
            counts, lengths = self.index.term_counts([r.id for r in sentences], terms)
            title = titles.get(article_id)
            title_terms = set(self.index.tokenizer(title.title)) if title else set()
            in_context = np.array([t in title_terms for t in terms]) | (counts[0] > 0)
            windows.extend(
                article_windows(
                    article_id, sentences, counts, lengths, idf, in_context, self.policy
                )
            )
        return windows, titles

    def highlights(self, quote: str, terms: set[str]) -> tuple[tuple[int, int], ...]:
        """Character spans of the words in `quote` that match the question's terms."""
        return tuple((a, b) for term, a, b in self.index.tokenizer.words(quote) if term in terms)
