"""Answering a question: the index finds sentences, the store supplies text and sources."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass

from retrieval.index import Index
from retrieval.models import Passage
from retrieval.passages import (
    Window,
    WindowPolicy,
    best_window,
    idf_weights,
    select_windows,
)
from retrieval.store import CorpusStore, SentenceRow

MAX_QUESTION_CHARS = 1000  # longer input is cut: nobody asks a 4,000-character question
SENTENCE_HITS = 60  # sentences read per question; more hits, more windows to choose from


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Passages for a question, or a `message` saying plainly why there are none."""

    question: str
    passages: tuple[Passage, ...]
    message: str | None = None
    has_more: bool = False


class Searcher:
    """Turns questions into passages; safe to share between concurrent tasks."""

    def __init__(
        self, store: CorpusStore, index: Index, policy: WindowPolicy = WindowPolicy()
    ) -> None:
        self.store = store
        self.index = index
        self.policy = policy

    async def search(self, question: str, limit: int = 5, offset: int = 0) -> SearchResult:
        """The passages ranked offset..offset+limit for `question`. Reads only."""
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        if not question:
            return SearchResult(question, (), "Ask a question, for example: "
                                "“Where did the joint exercise begin?”")
        tokens = self.index.tokenizer(question)
        if not tokens:
            return SearchResult(
                question, (), "That question has only very common words. "
                "Add a name, a place or a topic, e.g. “Iran Azerbaijan exercise”."
            )
        wanted = max(SENTENCE_HITS, (offset + limit) * 6)
        hits = await asyncio.to_thread(self.index.search, tokens, wanted)
        if not hits:
            return SearchResult(question, (), "Nothing in the news corpus matches that. "
                                "Try other words or a broader question.")
        windows = await self._windows(tokens, [h.sentence_id for h in hits])
        chosen = select_windows(windows)
        page = chosen[offset : offset + limit]
        attributions = await self.store.attributions(w.article_id for w in page)
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

    async def _windows(self, tokens: list[str], sentence_ids: list[int]) -> list[Window]:
        rows = await self.store.sentences(sentence_ids)
        hits = [rows[i] for i in sentence_ids if i in rows]
        by_article: dict[int, list[SentenceRow]] = defaultdict(list)
        for hit in hits:
            by_article[hit.article_id].append(hit)
        snapshot = self.index.snapshot
        idf = idf_weights(self.index.document_frequencies(set(tokens)), snapshot.docs)
        titles = await self.store.attributions(by_article)
        avg_window = 2 * snapshot.avgdl
        windows = []
        for article_id, article_hits in by_article.items():
            low = min(h.position for h in article_hits) - 2
            high = max(h.position for h in article_hits) + 2
            near = {
                r.position: r
                for r in await self.store.article_sentences(article_id, max(low, 0), high)
            }
            title = titles.get(article_id)
            title_terms = set(self.index.tokenizer(title.title)) if title else set()
            for hit in article_hits:
                windows.append(
                    best_window(
                        hit, near, title_terms, idf, self.index.tokenizer, avg_window,
                        self.policy,
                    )
                )
        return windows

    def highlights(self, quote: str, terms: set[str]) -> tuple[tuple[int, int], ...]:
        """Character spans of the words in `quote` that match the question's terms."""
        return tuple((a, b) for term, a, b in self.index.tokenizer.words(quote) if term in terms)
