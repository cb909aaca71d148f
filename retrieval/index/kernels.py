"""The compiled inner loop of a query (numba), kept apart from the logic that drives it.

`top_k` runs one query over one segment; `nogil` lets concurrent questions use both cores.
Compiled code is cached beside this file, so only the first start compiles.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]

# A non-essential term is read whole within a band when its postings there are at most this
# many times the candidates; otherwise each candidate is looked up by binary search.
SCAN_RATIO = 16


@njit(cache=True, nogil=True, inline="always")
def _first_at_least(post_doc: Int32s, lo: int, hi: int, doc: int) -> int:
    """The first position in [lo, hi) whose doc is >= `doc` (hi if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if post_doc[mid] < doc:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True, inline="always")
def tf_part(tf: float, norm: float, k1: float) -> float:
    """BM25Okapi's tf part, norm being k1 * (1 - b + b * doc length / avgdl); every sum of
    a doc's score goes through here, so equal docs add up to equal floats."""
    return tf * (k1 + 1.0) / (tf + norm)


@njit(cache=True, nogil=True, inline="always")
def _keep_contenders(acc: Floats, touched: Ints, n: int, rest: float, cut: float) -> int:
    """Drop (zero) the touched docs that `rest` more cannot lift to `cut`; returns how many
    are kept, compacted at the front of `touched`."""
    kept = 0
    for j in range(n):
        d = touched[j]
        if acc[d] + rest < cut:
            acc[d] = 0.0
        else:
            touched[kept] = d
            kept += 1
    return kept


@njit(cache=True, nogil=True, inline="always")
def _worse(score: float, sentence: int, than_score: float, than_sentence: int) -> bool:
    """Ranking order: higher score first, then the older (smaller) sentence id."""
    return score < than_score or (score == than_score and sentence > than_sentence)


@njit(cache=True, nogil=True)
def heap_push(
    scores: Floats, sentences: Ints, size: int, k: int, score: float, sentence: int
) -> int:
    """Offer a result to the k best so far (a heap with the worst at 0); returns its size."""
    if size < k:
        i = size
        size += 1
    elif _worse(score, sentence, scores[0], sentences[0]):
        return size
    else:
        # replace the worst, then sift it down
        i = 0
        while True:
            child = 2 * i + 1
            if child >= size:
                break
            if child + 1 < size and _worse(
                scores[child + 1], sentences[child + 1], scores[child], sentences[child]
            ):
                child += 1
            if not _worse(scores[child], sentences[child], score, sentence):
                break
            scores[i], sentences[i] = scores[child], sentences[child]
            i = child
        scores[i], sentences[i] = score, sentence
        return size
    while i > 0:  # sift the new one up
        parent = (i - 1) >> 1
        if not _worse(score, sentence, scores[parent], sentences[parent]):
            break
        scores[i], sentences[i] = scores[parent], sentences[parent]
        i = parent
    scores[i], sentences[i] = score, sentence
    return size


@njit(cache=True, nogil=True)
def top_k(
    post_doc: Int32s,
    post_tf: Int32s,
    doc_len: Int32s,
    sentence_ids: Ints,
    doc_time: Floats,
    since: float,
    until: float,
    block_max: npt.NDArray[np.float32],
    starts: Ints,
    ends: Ints,
    first_blocks: Ints,
    weights: Floats,
    k1: float,
    b: float,
    avgdl: float,
    drift: float,
    block: int,
    band: int,
    acc: Floats,
    touched: Ints,
    heap_scores: Floats,
    heap_sentences: Ints,
    heap_size: int,
    k: int,
) -> int:
    """Offer one segment's best docs for a query to the heap; returns the heap's size.

    Query term t has postings [starts[t], ends[t]) (empty if absent), its blocks from
    first_blocks[t], and weight idf x occurrences (> 0). Docs are taken a band of `band`
    at a time, shortest first (see `segment`). In each band, MaxScore: the terms are ranked
    by the most they can add there (their blocks' maxima); the weakest, whose bounds
    together stay below theta (the k-th best score so far), cannot by themselves lift a doc
    into the top k. The other (essential) terms' postings are added up into `acc`; the weak
    terms are then added only to the docs that could still reach theta, dropping docs as
    soon as they cannot (a weak term's postings in the band are read whole, or looked up
    per doc, whichever is less work). A band where even all the bounds together stay below
    theta is skipped.

    Docs whose `doc_time` is later than `until` (or earlier than `since`) are never scored
    (the answer as of a moment): they are dropped as the essential terms are read, so they
    are never candidates. The bounds stay valid, since dropping docs only removes candidates; a
    search as of long ago still gets its k best among the docs it may see.

    Scores are summed in query-term order, so equal docs get equal scores and ties go to
    the older sentence as in rank_bm25's order. `acc` (band zeros) and `touched` (band
    entries) are scratch, left zeroed.
    """
    terms = len(starts)
    docs = len(doc_len)
    pos = starts.copy()
    lo = np.empty(terms, np.int64)
    hi = np.empty(terms, np.int64)
    bound = np.empty(terms)
    order = np.empty(terms, np.int64)
    below = np.empty(terms)  # below[i]: bounds of order[0..i] summed
    essential = np.zeros(terms, np.bool_)
    c1 = k1 * (1.0 - b)
    c2 = k1 * b / avgdl
    # theta, less a hair: partial sums added in another order may differ in the last bits,
    # and a doc that ties theta may still win on age
    cut = heap_scores[0] * (1.0 - 1e-12) if heap_size == k else -np.inf
    for band_start in range(0, docs, band):
        band_end = min(docs, band_start + band)
        total = 0.0
        for t in range(terms):
            lo[t] = pos[t]
            hi[t] = _first_at_least(post_doc, pos[t], ends[t], band_end)
            pos[t] = hi[t]
            highest = 0.0
            if hi[t] > lo[t]:
                first = first_blocks[t] + (lo[t] - starts[t]) // block
                last = first_blocks[t] + (hi[t] - 1 - starts[t]) // block
                for j in range(first, last + 1):
                    highest = max(highest, block_max[j])
            bound[t] = weights[t] * drift * highest
            total += bound[t]
        if total < cut:
            continue
        for i in range(terms):  # insertion sort by bound: a query has a few terms
            order[i] = i
            j = i
            while j > 0 and bound[order[j - 1]] > bound[order[j]]:
                order[j - 1], order[j] = order[j], order[j - 1]
                j -= 1
        running = 0.0
        for i in range(terms):
            running += bound[order[i]]
            below[i] = running
        weak = 0
        while weak < terms and below[weak] < cut:
            weak += 1
        for i in range(terms):
            essential[order[i]] = i >= weak

        n_touched = 0
        for t in range(terms):  # in query-term order
            if not essential[t]:
                continue
            w = weights[t]
            for p in range(lo[t], hi[t]):
                doc = post_doc[p]
                if doc_time[doc] > until or doc_time[doc] < since:
                    continue
                d = doc - band_start
                if acc[d] == 0.0:  # every contribution is > 0
                    touched[n_touched] = d
                    n_touched += 1
                acc[d] += w * tf_part(post_tf[p], c1 + c2 * doc_len[doc], k1)

        # candidates: touched docs the weak terms could still lift to theta
        n = _keep_contenders(acc, touched, n_touched, below[weak - 1] if weak else 0.0, cut)
        for i in range(weak - 1, -1, -1):  # the weak terms, strongest first
            if n == 0:
                break
            t = order[i]
            w = weights[t]
            if hi[t] - lo[t] <= SCAN_RATIO * n:
                for p in range(lo[t], hi[t]):
                    doc = post_doc[p]
                    d = doc - band_start
                    if acc[d] != 0.0:
                        acc[d] += w * tf_part(post_tf[p], c1 + c2 * doc_len[doc], k1)
            else:
                for j in range(n):
                    doc = touched[j] + band_start
                    p = _first_at_least(post_doc, lo[t], hi[t], doc)
                    if p < hi[t] and post_doc[p] == doc:
                        acc[touched[j]] += w * tf_part(post_tf[p], c1 + c2 * doc_len[doc], k1)
            n = _keep_contenders(acc, touched, n, below[i - 1] if i else 0.0, cut)

        for i in range(n):
            d = touched[i]
            score = acc[d]
            acc[d] = 0.0
            doc = d + band_start
            if weak > 0:
                # weak terms were added out of query-term order: sum again in order
                if score < cut:
                    continue
                score = 0.0
                norm = c1 + c2 * doc_len[doc]
                for t in range(terms):
                    p = _first_at_least(post_doc, lo[t], hi[t], doc)
                    if p < hi[t] and post_doc[p] == doc:
                        score += weights[t] * tf_part(post_tf[p], norm, k1)
            heap_size = heap_push(
                heap_scores, heap_sentences, heap_size, k, score, sentence_ids[doc]
            )
            if heap_size == k:
                cut = heap_scores[0] * (1.0 - 1e-12)
    return heap_size


def warm_up() -> None:
    """Load (or compile, the first time) the kernel for the argument types queries use.

    Compiling holds the GIL for seconds; doing it at start-up keeps it off the first answer.
    """
    docs = np.array([0, 1], dtype=np.int32)
    ints = np.zeros(1, dtype=np.int64)
    top_k(
        docs,
        docs + 1,
        docs + 1,
        np.array([5, 6], dtype=np.int64),
        np.zeros(2),
        -np.inf,
        np.inf,
        np.ones(1, dtype=np.float32),
        ints,
        ints + 2,
        ints,
        np.ones(1),
        1.5,
        0.75,
        1.5,
        1.0,
        64,
        4,
        np.zeros(4),
        np.zeros(4, dtype=np.int64),
        np.zeros(2),
        np.zeros(2, dtype=np.int64),
        0,
        2,
    )
