"""BM25Okapi's numbers over the segments of an index, as `rank_bm25.BM25Okapi` has them.

A `Snapshot` of segments holds the corpus-wide statistics (N, the average length, the mean
idf for rank_bm25's negative-idf floor), summed over its segments, so scores stay exact as
the corpus grows; `BM25Params` the parameters, applied at query time. The exact scores of
given docs are read from their forward postings (`count_terms`, `bm25_sums`), added in the
order of their term ids.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from retrieval.index import kernels
from retrieval.index.segment import Segment


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25

    def __post_init__(self) -> None:
        # The search's bounds rely on every term's contribution being positive.
        if not (self.k1 >= 0 and 0 <= self.b <= 1):
            raise ValueError(f"BM25 needs k1 >= 0 and 0 <= b <= 1 (got k1={self.k1}, b={self.b})")

    @property
    def signature(self) -> str:
        # epsilon only changes idf at query time, so it does not invalidate an index
        return f"k1={self.k1!r}:b={self.b!r}"


@dataclass(frozen=True, eq=False)
class Snapshot:
    """An immutable view of the index: what one query sees, whatever is added meanwhile."""

    segments: tuple[Segment, ...]
    watermark: int  # highest sentence id indexed
    bases: npt.NDArray[np.int64] = field(init=False)
    docs: int = field(init=False)
    total_len: int = field(init=False)

    def __post_init__(self) -> None:
        sizes = [s.docs for s in self.segments]
        bases = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=bases[1:])
        object.__setattr__(self, "bases", bases)
        object.__setattr__(self, "docs", int(bases[-1]))
        object.__setattr__(self, "total_len", sum(s.total_len for s in self.segments))

    @cached_property
    def by_size(self) -> tuple[int, ...]:
        """Segment positions, largest first: the order a query visits them."""
        return tuple(sorted(range(len(self.segments)), key=lambda s: -self.segments[s].docs))

    @property
    def avgdl(self) -> float:
        return self.total_len / self.docs if self.docs else 1.0

    @cached_property
    def longest(self) -> int:
        """The length of the longest doc (each segment's last)."""
        return max((int(s.doc_len[-1]) for s in self.segments if s.docs), default=0)

    @cached_property
    def average_idf(self) -> float:
        """rank_bm25's mean idf over the whole vocabulary, for its negative-idf floor."""
        terms = np.concatenate([s.terms for s in self.segments])
        if len(terms) == 0:
            return 0.0
        dfs = np.concatenate([s.dfs for s in self.segments])
        _, inverse = np.unique(terms, return_inverse=True)
        df = np.bincount(inverse, weights=dfs)
        idf = np.log(self.docs - df + 0.5) - np.log(df + 0.5)
        return float(idf.mean())

    def idf(self, df: int, params: BM25Params) -> float:
        value = math.log(self.docs - df + 0.5) - math.log(df + 0.5)
        return params.epsilon * self.average_idf if value < 0 else value


def document_frequencies(snap: Snapshot, terms: Iterable[str]) -> dict[str, int]:
    result = {}
    for term in terms:
        encoded = term.encode()
        total = 0
        for segment in snap.segments:
            term_id = segment.term_id(encoded)
            if term_id >= 0:
                total += segment.df(term_id)
        result[term] = total
    return result


def count_terms(
    segment: Segment,
    fwd_rows: npt.NDArray[np.int64],
    terms: list[bytes],
    counts: npt.NDArray[np.int32],
    rows: npt.NDArray[np.int64],
) -> list[int]:
    """counts[rows[r], q] = how often terms[q] occurs in the doc of forward row fwd_rows[r]
    (`kernels.forward_counts`), in place; returns the columns of the terms the segment holds,
    in the order of their term ids (the order a score adds them in)."""
    found = enumerate(map(segment.term_id, terms))
    wanted = sorted((t, q) for q, t in found if t >= 0)  # (local term id, column)
    first: dict[int, int] = {}  # each term id's first column: a term asked twice is one
    for t, q in wanted:
        first.setdefault(t, q)
    if first:
        kernels.forward_counts(
            segment.fwd_ptr,
            segment.fwd_term,
            segment.fwd_tf,
            fwd_rows,
            rows,
            np.fromiter(first.keys(), dtype=np.int64, count=len(first)),
            np.fromiter(first.values(), dtype=np.int64, count=len(first)),
            counts,
        )
        for t, q in wanted:
            if first[t] != q:
                counts[rows, q] = counts[rows, first[t]]
    return [q for _, q in wanted]


def bm25_sums(
    tf: npt.NDArray[np.int32],
    lengths: npt.NDArray[np.int32],
    weights: npt.NDArray[np.float64],
    params: BM25Params,
    avgdl: float,
) -> npt.NDArray[np.float64]:
    """Each row's BM25Okapi score: rank_bm25's tf part of tf[:, j] times weights[j], added
    column by column from 0.0, in the order of the columns (ascending term ids), not
    numpy's pairwise sum: the ranking model reads these scores and was trained on them, so
    their floats must not depend on how many terms a question has."""
    k1, b = params.k1, params.b
    counts = tf.astype(np.float64)
    dl = lengths.astype(np.float64)[:, None]
    part = counts * (k1 + 1) / (counts + k1 * (1 - b + b * dl / avgdl))
    scores = np.zeros(len(tf))
    for j in range(tf.shape[1]):
        scores += weights[j] * part[:, j]  # an absent term adds 0.0: the float is unchanged
    return scores
