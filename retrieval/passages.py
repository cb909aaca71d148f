"""From sentence hits to passages a person can read on their own.

The index scores single sentences, but an answer often sits in the sentence before or after
the one that matches best ("He said it began in Aslanduz."). Around each hit we consider the
windows of up to three consecutive sentences that contain it, score each window as a small
BM25 document over the question's terms (so windows that cover more of the question win),
add a little for question terms the article's title carries, and keep the best window.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from retrieval.store import SentenceRow
from retrieval.tokens import Tokenizer

MAX_SENTENCES = 3
MAX_WORDS = 70  # a window may pass this only when its hit sentence alone does
TITLE_WEIGHT = 0.3
K1, B = 1.2, 0.5


@dataclass(frozen=True, slots=True)
class Window:
    article_id: int
    sentences: tuple[SentenceRow, ...]
    score: float

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def first(self) -> int:
        return self.sentences[0].position

    @property
    def last(self) -> int:
        return self.sentences[-1].position


def _words(text: str) -> int:
    return len(text.split())


def best_window(
    hit: SentenceRow,
    neighbours: Mapping[int, SentenceRow],
    title_terms: set[str],
    idf: Mapping[str, float],
    tokenizer: Tokenizer,
    avg_window_len: float,
) -> Window:
    """The best-scoring window of consecutive sentences around `hit`.

    `neighbours` maps positions in the article to its sentences near the hit.
    """
    token_cache: dict[int, list[str]] = {}

    def tokens(row: SentenceRow) -> list[str]:
        if row.position not in token_cache:
            token_cache[row.position] = tokenizer(row.text)
        return token_cache[row.position]

    best: Window | None = None
    p = hit.position
    for first in range(p - MAX_SENTENCES + 1, p + 1):
        for last in range(p, first + MAX_SENTENCES):
            rows = [neighbours.get(i) for i in range(first, last + 1)]
            if any(r is None for r in rows):
                continue
            window = tuple(r for r in rows if r is not None)
            words = sum(_words(r.text) for r in window)
            if len(window) > 1 and words > MAX_WORDS:
                continue
            counts = Counter(t for r in window for t in tokens(r))
            length = sum(len(tokens(r)) for r in window)
            score = 0.0
            for term, weight in idf.items():
                tf = counts.get(term, 0)
                if tf:
                    score += weight * tf * (K1 + 1) / (
                        tf + K1 * (1 - B + B * length / avg_window_len)
                    )
                elif term in title_terms:
                    score += TITLE_WEIGHT * weight
            if best is None or score > best.score + 1e-12:
                best = Window(hit.article_id, window, score)
    assert best is not None  # the window of the hit alone always qualifies
    return best


def _shingles(text: str) -> set[str]:
    words = text.casefold().split()
    return {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def is_near_duplicate(a: str, b: str, threshold: float = 0.8) -> bool:
    """True for syndicated copies: the word 3-grams of the shorter are mostly in the other."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return a.strip() == b.strip()
    return len(sa & sb) / min(len(sa), len(sb)) >= threshold


def select_windows(windows: Sequence[Window]) -> list[Window]:
    """Best first, dropping windows that overlap a better one of the same article and
    near-identical text from other articles (the same story syndicated)."""
    kept: list[Window] = []
    for window in sorted(windows, key=lambda w: -w.score):
        if any(
            (k.article_id == window.article_id
             and k.first <= window.last and window.first <= k.last)
            or is_near_duplicate(k.text, window.text)
            for k in kept
        ):
            continue
        kept.append(window)
    return kept


def idf_weights(df: Mapping[str, int], docs: int) -> dict[str, float]:
    """Plain positive idf for window scoring (rank_bm25's floor is not needed here)."""
    return {t: math.log(1 + (docs - n + 0.5) / (n + 0.5)) for t, n in df.items() if n}
