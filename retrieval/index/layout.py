"""The compiled loops that lay a segment's postings out (numba), kept apart from the query's.

Each is one linear pass (or a counting sort) over the postings, where numpy would sort
64-bit keys: building a million sentences takes a second or two instead of about ten, and
a few hundred MB instead of about two GB of transients.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from retrieval.index.kernels import tf_part

Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]


@njit(cache=True, nogil=True)
def doc_terms(tokens: Int32s, doc_len: Int32s) -> tuple[Ints, Int32s, Int32s]:
    """Forward postings from each doc's tokens (docs back to back, `doc_len` each).

    Returns (start of each doc's postings, term, tf): per doc, its distinct terms ascending.
    """
    docs = len(doc_len)
    fwd_ptr = np.zeros(docs + 1, dtype=np.int64)
    fwd_term = np.empty(len(tokens), dtype=np.int32)
    fwd_tf = np.empty(len(tokens), dtype=np.int32)
    start = 0
    out = 0
    for d in range(docs):
        run = np.sort(tokens[start : start + doc_len[d]])
        i = 0
        while i < len(run):
            j = i + 1
            while j < len(run) and run[j] == run[i]:
                j += 1
            fwd_term[out] = run[i]
            fwd_tf[out] = j - i
            out += 1
            i = j
        start += doc_len[d]
        fwd_ptr[d + 1] = out
    return fwd_ptr, fwd_term[:out], fwd_tf[:out]


@njit(cache=True, nogil=True)
def reorder_docs(
    fwd_ptr: Ints, fwd_term: Int32s, fwd_tf: Int32s, order: Ints
) -> tuple[Ints, Int32s, Int32s]:
    """Forward postings with the docs renumbered: new doc j is old doc order[j]."""
    docs = len(order)
    new_ptr = np.zeros(docs + 1, dtype=np.int64)
    for j in range(docs):
        old = order[j]
        new_ptr[j + 1] = new_ptr[j] + fwd_ptr[old + 1] - fwd_ptr[old]
    term = np.empty_like(fwd_term)
    tf = np.empty_like(fwd_tf)
    for j in range(docs):
        old = order[j]
        at = new_ptr[j]
        for p in range(fwd_ptr[old], fwd_ptr[old + 1]):
            term[at] = fwd_term[p]
            tf[at] = fwd_tf[p]
            at += 1
    return new_ptr, term, tf


@njit(cache=True, nogil=True)
def invert(
    fwd_ptr: Ints, fwd_term: Int32s, fwd_tf: Int32s, terms: int
) -> tuple[Ints, Int32s, Int32s]:
    """Inverted postings (start of each term's, doc, tf), docs ascending within a term.

    A counting sort: docs are visited in order, so each term's list comes out sorted.
    """
    term_ptr = np.zeros(terms + 1, dtype=np.int64)
    for t in fwd_term:
        term_ptr[t + 1] += 1
    for t in range(terms):
        term_ptr[t + 1] += term_ptr[t]
    fill = term_ptr[:-1].copy()
    post_doc = np.empty(len(fwd_term), dtype=np.int32)
    post_tf = np.empty(len(fwd_term), dtype=np.int32)
    for d in range(len(fwd_ptr) - 1):
        for p in range(fwd_ptr[d], fwd_ptr[d + 1]):
            t = fwd_term[p]
            post_doc[fill[t]] = d
            post_tf[fill[t]] = fwd_tf[p]
            fill[t] += 1
    return term_ptr, post_doc, post_tf


@njit(cache=True, nogil=True)
def block_maxima(
    term_ptr: Ints,
    post_doc: Int32s,
    post_tf: Int32s,
    doc_len: Int32s,
    avgdl: float,
    k1: float,
    b: float,
    block: int,
) -> tuple[Ints, npt.NDArray[np.float32]]:
    """Each term's postings cut into blocks of `block`: (start of each term's blocks, the
    highest BM25 tf weight in each block), rounded up to float32 so a bound never falls
    below a weight."""
    terms = len(term_ptr) - 1
    block_ptr = np.zeros(terms + 1, dtype=np.int64)
    for t in range(terms):
        block_ptr[t + 1] = block_ptr[t] + (term_ptr[t + 1] - term_ptr[t] + block - 1) // block
    highest = np.empty(block_ptr[-1], dtype=np.float32)
    for t in range(terms):
        for j in range(block_ptr[t + 1] - block_ptr[t]):
            first = term_ptr[t] + j * block
            most = 0.0
            for p in range(first, min(first + block, term_ptr[t + 1])):
                norm = k1 * (1.0 - b) + k1 * b / avgdl * doc_len[post_doc[p]]
                most = max(most, tf_part(post_tf[p], norm, k1))
            rounded = np.float32(most)
            if rounded < most:
                rounded = np.nextafter(rounded, np.float32(np.inf))
            highest[block_ptr[t] + j] = rounded
    return block_ptr, highest


def warm_up() -> None:
    """Load (or compile, the first time) every loop for the argument types builds use.

    The bot builds a small segment whenever articles arrive; compiling then would hold the
    GIL for seconds in the middle of answering.
    """
    tokens = np.array([1, 0, 1], dtype=np.int32)
    doc_len = np.array([2, 1], dtype=np.int32)
    fwd_ptr, fwd_term, fwd_tf = doc_terms(tokens, doc_len)
    fwd_ptr, fwd_term, fwd_tf = reorder_docs(
        fwd_ptr, fwd_term, fwd_tf, np.array([1, 0], dtype=np.int64)
    )
    term_ptr, post_doc, post_tf = invert(fwd_ptr, fwd_term, fwd_tf, 2)
    block_maxima(term_ptr, post_doc, post_tf, doc_len, 1.5, 1.5, 0.75, 64)
