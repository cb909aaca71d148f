"""Synthetic sentences that extend the real corpus to any size with news-like statistics.

The real BBC and Reuters files give about 160,000 sentences; a year of a team's news is
millions. Two seeded generators make up the difference. Both work in chunks of `CHUNK`
sentences, each from its own random stream, so the first n sentences are the same whatever
total is asked for: the 100k corpus is a prefix of the 1M one.

`recombine` (the default): a synthetic sentence is the first c words of a real sentence A
followed by the words of another real sentence B from position c on, c uniform below both
lengths. Why this keeps query cost realistic:
- its length in words is B's, so sentence lengths (BM25's length normalization) follow the
  real distribution exactly;
- every word is a real word in its real place, so each term's document frequency, the length
  of the posting list a query pays for, grows in proportion to the corpus, Zipf head included;
- words that go together (a company, its product, its city) stay together within each half,
  so a question about a story meets several sentences holding several of its terms, as in
  real news. That decides how soon an impact-ordered index can stop reading and how many
  candidates an exhaustive scorer ranks.

`unigram`: each word drawn independently from the real corpus's word distribution (Zipf-like),
lengths drawn from the real sentences: the issue's "Zipf-distributed sentences". Terms never
co-occur more than chance, so the top k is a contest of single-term matches; a harsher case
for early termination than real text, kept as a stress test.

Neither grows the vocabulary as a bigger real corpus would (Heaps' law): it stays the real
corpus's, about 40,000 terms. The missing terms would be rare ones with short posting lists,
cheap to query; the term dictionary of a real million-sentence corpus would be larger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

CHUNK = 10_000  # sentences per random stream
GENERATORS = ("recombine", "unigram")
_STREAM_TAG = 604  # separates these streams from the corpus's other uses of the seed


def synthetic_articles(
    real: Sequence[Sequence[str]], count: int, seed: int, kind: str = "recombine"
) -> Iterator[tuple[str, list[str]]]:
    """Yield (title, sentences) of synthetic articles, `count` sentences in all.

    `real` is the real corpus as articles' sentences; article sizes are drawn from it too.
    """
    if kind not in GENERATORS:
        raise ValueError(f"unknown generator {kind!r}: use {' or '.join(GENERATORS)}")
    sentences = [s for article in real for s in article]
    sizes = np.array([len(a) for a in real if a], dtype=np.int64)
    make = _Recombiner(sentences) if kind == "recombine" else _Unigram(sentences)
    produced = 0
    chunk = 0
    while produced < count:
        rng = np.random.default_rng([seed, _STREAM_TAG, chunk])
        texts = make(rng, CHUNK)
        start = 0
        number = 0
        while start < CHUNK and produced < count:
            size = int(min(sizes[rng.integers(len(sizes))], CHUNK - start, count - produced))
            yield f"Synthetic article {chunk}.{number}", texts[start : start + size]
            start += size
            produced += size
            number += 1
        chunk += 1


class _Recombiner:
    """Prefix of one real sentence, suffix of another, cut at the same word position."""

    def __init__(self, sentences: Sequence[str]) -> None:
        self.words = [s.split() for s in sentences]
        self.eligible = np.array(
            [i for i, w in enumerate(self.words) if len(w) >= 2], dtype=np.int64
        )
        if not len(self.eligible):
            raise ValueError("recombining needs real sentences of two words or more")

    def __call__(self, rng: np.random.Generator, n: int) -> list[str]:
        a = self.eligible[rng.integers(len(self.eligible), size=n)]
        b = self.eligible[rng.integers(len(self.eligible), size=n)]
        u = rng.random(n)
        texts = []
        for i, j, x in zip(a.tolist(), b.tolist(), u.tolist(), strict=True):
            head, tail = self.words[i], self.words[j]
            cut = 1 + int(x * (min(len(head), len(tail)) - 1))
            texts.append(" ".join(head[:cut] + tail[cut:]))
        return texts


class _Unigram:
    """Independent words from the real word distribution, real sentence lengths."""

    def __init__(self, sentences: Sequence[str]) -> None:
        counts = Counter(w for s in sentences for w in s.split())
        if not counts:
            raise ValueError("sampling words needs a real corpus with words")
        self.vocab = list(counts)
        self.cumulative: npt.NDArray[np.float64] = np.cumsum(
            np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        )
        self.lengths = np.array([len(s.split()) for s in sentences], dtype=np.int64)

    def __call__(self, rng: np.random.Generator, n: int) -> list[str]:
        lengths = self.lengths[rng.integers(len(self.lengths), size=n)]
        draws = rng.random(int(lengths.sum())) * self.cumulative[-1]
        words = np.searchsorted(self.cumulative, draws, side="right").tolist()
        texts = []
        start = 0
        for length in lengths.tolist():
            texts.append(" ".join(self.vocab[w] for w in words[start : start + length]))
            start += length
        return texts
