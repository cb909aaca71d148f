"""The compiled inner loops of a query (numba), kept apart from the logic that drives them.

Each loop is plain array code over one term's postings; `nogil` lets concurrent questions use
both cores. Compiled code is cached beside this file, so only the first start compiles.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@njit(cache=True, nogil=True)
def accumulate(
    acc: Floats,
    flags: npt.NDArray[np.uint8],
    touched: Ints,
    n_touched: int,
    docs: npt.NDArray[np.int32],
    tfs: npt.NDArray[np.int32],
    doc_len: npt.NDArray[np.int32],
    base: int,
    weight: float,
    avgdl: float,
    k1: float,
    b: float,
) -> int:
    """Add one term's exact BM25Okapi contributions to `acc`; returns the new touched count.

    Docs seen for the first time are appended to `touched` (and flagged), so the caller can
    rank and reset exactly what was used.
    """
    for i in range(docs.shape[0]):
        local = docs[i]
        tf = float(tfs[i])
        w = tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * doc_len[local] / avgdl))
        d = local + base
        if flags[d] == 0:
            flags[d] = 1
            touched[n_touched] = d
            n_touched += 1
        acc[d] += weight * w
    return n_touched


@njit(cache=True, nogil=True)
def kth_largest(acc: Floats, touched: Ints, n_touched: int, k: int) -> float:
    """The k-th largest accumulated score among the touched docs (-inf if fewer than k)."""
    if n_touched < k:
        return -np.inf
    values = np.empty(n_touched)
    for i in range(n_touched):
        values[i] = acc[touched[i]]
    return float(np.partition(values, n_touched - k)[n_touched - k])


@njit(cache=True, nogil=True)
def above(acc: Floats, touched: Ints, n_touched: int, floor: float) -> Ints:
    """The touched docs whose accumulated score exceeds `floor`."""
    count = 0
    for i in range(n_touched):
        if acc[touched[i]] > floor:
            count += 1
    out = np.empty(count, dtype=np.int64)
    j = 0
    for i in range(n_touched):
        if acc[touched[i]] > floor:
            out[j] = touched[i]
            j += 1
    return out


@njit(cache=True, nogil=True)
def reset(acc: Floats, flags: npt.NDArray[np.uint8], touched: Ints, n_touched: int) -> None:
    """Zero what a query used, so the buffers serve the next query without reallocation."""
    for i in range(n_touched):
        d = touched[i]
        acc[d] = 0.0
        flags[d] = 0


def warm_up() -> None:
    """Load (or compile, the first time) every kernel for the argument types queries use.

    Compiling holds the GIL for seconds; doing it at start-up keeps it off the first answer.
    """
    acc = np.zeros(4)
    flags = np.zeros(4, dtype=np.uint8)
    touched = np.zeros(4, dtype=np.int64)
    docs = np.array([0, 1], dtype=np.int32)
    tfs = np.array([1, 2], dtype=np.int32)
    n = accumulate(acc, flags, touched, 0, docs, tfs, tfs, 0, 1.0, 1.5, 1.5, 0.75)
    kth_largest(acc, touched, n, 1)
    above(acc, touched, n, 0.0)
    reset(acc, flags, touched, n)
