"""The compiled loops that lay a segment's postings out (numba), kept apart from the query's.

Each is one linear pass (or a counting sort) over the postings, where numpy would sort
64-bit keys: building a million sentences takes a second or two instead of about ten, and
a few hundred MB instead of about two GB of transients.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from retrieval.compiled import njit

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
    fwd_ptr: Ints, fwd_term: Int32s, fwd_tf: Int32s, fwd_row: Ints, terms: int
) -> tuple[Ints, Int32s, Ints, Int32s, Int32s, Int32s]:
    """Inverted postings, each term's split by term frequency, docs ascending in each list;
    doc d's terms are forward row fwd_row[d].

    Returns (start of each term's tf-1 docs, those docs; start of each term's tf >= 2
    postings, their docs, their tfs; each term's highest tf). A counting sort: docs are
    visited in order, so each list comes out sorted.
    """
    one_ptr = np.zeros(terms + 1, dtype=np.int64)
    many_ptr = np.zeros(terms + 1, dtype=np.int64)
    max_tf = np.zeros(terms, dtype=np.int32)
    for p in range(len(fwd_term)):
        t = fwd_term[p]
        if fwd_tf[p] == 1:
            one_ptr[t + 1] += 1
        else:
            many_ptr[t + 1] += 1
        max_tf[t] = max(max_tf[t], fwd_tf[p])
    for t in range(terms):
        one_ptr[t + 1] += one_ptr[t]
        many_ptr[t + 1] += many_ptr[t]
    one_fill = one_ptr[:-1].copy()
    many_fill = many_ptr[:-1].copy()
    one_doc = np.empty(one_ptr[-1], dtype=np.int32)
    many_doc = np.empty(many_ptr[-1], dtype=np.int32)
    many_tf = np.empty(many_ptr[-1], dtype=np.int32)
    for d in range(len(fwd_row)):
        row = fwd_row[d]
        for p in range(fwd_ptr[row], fwd_ptr[row + 1]):
            t = fwd_term[p]
            if fwd_tf[p] == 1:
                one_doc[one_fill[t]] = d
                one_fill[t] += 1
            else:
                many_doc[many_fill[t]] = d
                many_tf[many_fill[t]] = fwd_tf[p]
                many_fill[t] += 1
    return one_ptr, one_doc, many_ptr, many_doc, many_tf, max_tf


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
    invert(fwd_ptr, fwd_term, fwd_tf, np.array([1, 0], dtype=np.int64), 2)
