"""From sentence hits to passages a person can read on their own.

The index scores single sentences, but an answer often sits next to the sentence that
matches best, and often does not repeat the story's subject ("Growth was 1.1% in 2004", in a
story about Italy). So for each article the hits point to, every window of up to three
consecutive sentences is scored as a small BM25 document over the question's terms, a term
the window lacks earning part of its weight when the article's title or lead carries it. The
best windows of all those articles, without overlaps and syndicated copies, are the passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.corpus.store import SentenceRow
from retrieval.corpus.text import near_duplicate_shingles, shingles


@dataclass(frozen=True, slots=True)
class WindowPolicy:
    """How passages are cut and scored; the defaults were chosen on the evaluation set."""

    max_sentences: int = 3
    max_words: int = 70  # a window may pass this only when its one sentence alone does
    context_weight: float = 0.7  # share of a term's weight earned by the title or lead
    per_article: int = 3  # windows kept per article, best first, not overlapping
    k1: float = 0.3  # saturation within a window: low, so covering a term beats repeating one
    b: float = 0.5  # BM25 length normalization within a window


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


def article_windows(
    article_id: int,
    rows: Sequence[SentenceRow],
    counts: npt.NDArray[np.int32],
    lengths: npt.NDArray[np.int32],
    idf: npt.NDArray[np.float64],
    in_context: npt.NDArray[np.bool_],
    policy: WindowPolicy,
) -> list[Window]:
    """The best non-overlapping windows of one article.

    `rows` are the article's sentences in order (consecutive positions); `counts[i, t]` is how
    often query term t occurs in rows[i], `lengths[i]` its token count; `idf[t]` the term's
    weight and `in_context[t]` whether the title or lead carries it.
    """
    n = len(rows)
    if n == 0:
        return []
    words = np.array([len(r.text.split()) for r in rows])
    tf_sums = np.vstack([np.zeros((1, counts.shape[1]), dtype=np.int64), np.cumsum(counts, 0)])
    len_sums = np.concatenate([[0], np.cumsum(lengths)])
    word_sums = np.concatenate([[0], np.cumsum(words)])
    avg_len = max(float(lengths.mean()) * 2, 1.0)  # a typical window is two sentences
    candidates: list[tuple[float, int, int]] = []
    for size in range(1, min(policy.max_sentences, n) + 1):
        first = np.arange(n - size + 1)
        tf = tf_sums[first + size] - tf_sums[first]
        length = (len_sums[first + size] - len_sums[first])[:, None]
        k1, b = policy.k1, policy.b
        bm25 = tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_len))
        context = policy.context_weight * in_context[None, :] * (tf == 0)
        score = ((bm25 + context) * idf[None, :]).sum(axis=1)
        matched = tf.sum(axis=1) > 0
        fits = (word_sums[first + size] - word_sums[first] <= policy.max_words) | (size == 1)
        for i in np.nonzero(matched & fits)[0]:
            candidates.append((float(score[i]), int(first[i]), size))
    candidates.sort(key=lambda c: (-c[0], c[2], c[1]))
    taken = np.zeros(n, dtype=bool)
    windows: list[Window] = []
    for score_value, start, size in candidates:
        if taken[start : start + size].any():
            continue
        taken[start : start + size] = True
        windows.append(Window(article_id, tuple(rows[start : start + size]), score_value))
        if len(windows) >= policy.per_article:
            break
    return windows


def select_windows(windows: Sequence[Window]) -> list[Window]:
    """Best first, without near-identical text from other articles (a syndicated story).

    Each window's text and 3-grams are made once, not once per comparison.
    """
    kept: list[tuple[Window, str, set[str]]] = []
    for window in sorted(windows, key=lambda w: (-w.score, w.article_id, w.first)):
        text = window.text
        grams = shingles(text)
        if any(
            near_duplicate_shingles(seen, seen_grams, text, grams) for _, seen, seen_grams in kept
        ):
            continue
        kept.append((window, text, grams))
    return [window for window, _, _ in kept]
