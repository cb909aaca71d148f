"""The benchmark's questions, tokenized once with newsbot's Tokenizer and shared by every system.

Two sets, both drawn from the first sentences of the corpus (real ones, the same at every
size), so the same questions run at 10k, 100k and 1M:
- `news`: what a reader asks about a story: 3 to 8 content words of one real sentence, in
  their order ("Bahia cocoa drought temporao"). Its terms co-occur, like a real question's.
- `zipf6`: the issue's stress case: 6 distinct terms drawn by corpus frequency, so the
  Zipf head ("said", "mln", "year") dominates and posting lists are the longest there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.index.tokens import Tokenizer

QUERY_SETS = ("news", "zipf6")
_NEWS_TAG, _ZIPF_TAG = 7, 8


@dataclass(frozen=True, slots=True)
class Query:
    set: str
    text: str  # what a user would type; for `zipf6` the terms themselves
    tokens: tuple[str, ...]


def news_questions(
    pool: Sequence[str], count: int, seed: int, tokenizer: Tokenizer
) -> list[Query]:
    """`count` distinct questions of 3-8 content words, each from one sentence of `pool`."""
    rng = np.random.default_rng([seed, _NEWS_TAG])
    found: dict[str, Query] = {}
    attempts = 0
    while len(found) < count and attempts < 50 * count + 1000:
        attempts += 1
        text = pool[int(rng.integers(len(pool)))]
        words: dict[str, str] = {}
        for term, start, end in tokenizer.words(text):
            words.setdefault(term, text[start:end])
        if len(words) < 3:
            continue
        size = min(int(rng.integers(3, 9)), len(words))
        chosen = sorted(rng.choice(len(words), size=size, replace=False).tolist())
        surface = list(words.values())
        question = " ".join(surface[i] for i in chosen)
        tokens = tuple(tokenizer(question))
        if len(tokens) >= 3 and question not in found:
            found[question] = Query("news", question, tokens)
    if len(found) < count:
        raise ValueError(f"only {len(found)} distinct questions in a pool of {len(pool)}")
    return list(found.values())


def zipf_queries(token_lists: Sequence[Sequence[str]], count: int, seed: int) -> list[Query]:
    """`count` queries of 6 distinct terms, each drawn with probability ∝ its frequency."""
    counts = Counter(t for tokens in token_lists for t in tokens)
    if len(counts) < 6:
        raise ValueError("zipf6 queries need a pool with at least 6 distinct terms")
    terms = list(counts)
    cumulative = np.cumsum(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
    rng = np.random.default_rng([seed, _ZIPF_TAG])
    queries = []
    for _ in range(count):
        chosen: dict[str, None] = {}
        while len(chosen) < 6:
            draw = rng.random() * cumulative[-1]
            chosen[terms[int(np.searchsorted(cumulative, draw, side="right"))]] = None
        tokens = tuple(chosen)
        queries.append(Query("zipf6", " ".join(tokens), tokens))
    return queries
