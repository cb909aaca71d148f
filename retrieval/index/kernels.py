"""The compiled inner loop of a query (numba), kept apart from the logic that drives it.

`top_k` runs one query over one segment; `nogil` lets concurrent questions use both cores.
Compiled code is cached beside this file, so only the first start compiles.

Every loop is compiled with numpy's error model: a float division by zero cannot happen here
(a norm is at least k1 * (1 - b) >= 0 plus tf >= 1), and checking for one in the innermost
loops cost a third of their instructions.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from retrieval.compiled import njit

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]

# A non-essential term is read whole within a band when its postings there are at most this
# many times the candidates; otherwise each candidate is looked up by binary search.
SCAN_RATIO = 16


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _first_at_least(post_doc: Int32s, lo: int, hi: int, doc: int) -> int:
    """The first position in [lo, hi) whose doc is >= `doc` (hi if none)."""
    low = np.uint64(lo)
    high = np.uint64(hi)
    while low < high:
        mid = (low + high) >> np.uint64(1)
        if post_doc[mid] < doc:
            low = mid + np.uint64(1)
        else:
            high = mid
    return np.int64(low)  # type: ignore[return-value]


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def tf_part(tf: float, norm: float, k1: float) -> float:
    """BM25Okapi's tf part, norm being k1 * (1 - b + b * doc length / avgdl); every sum of
    a doc's score goes through here, so equal docs add up to equal floats."""
    return tf * (k1 + 1.0) / (tf + norm)


@njit(cache=True, nogil=True, error_model="numpy")
def unit_weights(k1: float, b: float, avgdl: float, longest: int) -> Floats:
    """`tf_part` of a term that occurs once, for every doc length up to `longest`.

    Nearly every posting of a sentence has tf 1 (97% of news-1m's); looking its weight up by
    length replaces the division of the innermost loops. The table holds the very floats
    `tf_part` gives (same operations in the same order), so a score does not depend on the
    path taken.
    """
    c1 = k1 * (1.0 - b)
    c2 = k1 * b / avgdl
    table = np.empty(longest + 1)
    for length in range(longest + 1):
        table[length] = tf_part(1.0, c1 + c2 * np.uint64(length), k1)
    return table


# The loops below index with unsigned integers: numba then has no negative index to wrap
# around, which takes a third of the instructions of a posting. Each is a function of its
# own, so that its few variables live in registers; the few lines they share are written
# out in each (a helper inlined by numba counts references on every call: 1.8x the
# instructions of a query).


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _weight(tf: int, length: np.uint64, unit: Floats, c1: float, c2: float, k1: float) -> float:
    if tf == 1 and length < np.uint64(len(unit)):
        return unit[length]  # type: ignore[no-any-return]
    return tf_part(tf, c1 + c2 * length, k1)


@njit(cache=True, nogil=True, error_model="numpy")
def _add_ones(
    one_doc: Int32s,
    doc_len: Int32s,
    lo: int,
    hi: int,
    band_start: int,
    w: float,
    unit: Floats,
    acc: Floats,
    touched: Ints,
    n: int,
    doc_time: Floats,
    since: float,
    until: float,
    filtering: bool,
) -> int:
    """Add a term's tf-1 band postings to `acc`, noting docs touched for the first time;
    returns how many docs are touched now. When `filtering`, docs whose time is outside
    [since, until] are left out."""
    start = np.uint64(band_start)
    first = np.uint64(lo)
    end = np.uint64(hi)
    shortest = np.uint64(doc_len[one_doc[first]])
    if not filtering and shortest == np.uint64(doc_len[one_doc[end - np.uint64(1)]]):
        # one length throughout (most bands past the shortest sentences): one weight
        x = w * unit[shortest]
        for p in range(first, end):
            d = np.uint64(one_doc[p]) - start
            value = acc[d]
            if value == 0.0:  # every contribution is > 0
                touched[np.uint64(n)] = np.int64(d)
                n += 1
            acc[d] = value + x
        return n
    for p in range(first, end):
        doc = np.uint64(one_doc[p])
        if filtering and (doc_time[doc] > until or doc_time[doc] < since):
            continue
        d = doc - start
        value = acc[d]
        if value == 0.0:
            touched[np.uint64(n)] = np.int64(d)
            n += 1
        acc[d] = value + w * unit[np.uint64(doc_len[doc])]
    return n


@njit(cache=True, nogil=True, error_model="numpy")
def _add_many(
    many_doc: Int32s,
    many_tf: Int32s,
    doc_len: Int32s,
    lo: int,
    hi: int,
    band_start: int,
    w: float,
    c1: float,
    c2: float,
    k1: float,
    acc: Floats,
    touched: Ints,
    n: int,
    doc_time: Floats,
    since: float,
    until: float,
    filtering: bool,
) -> int:
    """`_add_ones` for a term's tf >= 2 postings."""
    start = np.uint64(band_start)
    for p in range(np.uint64(lo), np.uint64(hi)):
        doc = np.uint64(many_doc[p])
        if filtering and (doc_time[doc] > until or doc_time[doc] < since):
            continue
        d = doc - start
        value = acc[d]
        if value == 0.0:
            touched[np.uint64(n)] = np.int64(d)
            n += 1
        acc[d] = value + w * tf_part(many_tf[p], c1 + c2 * np.uint64(doc_len[doc]), k1)
    return n


@njit(cache=True, nogil=True, error_model="numpy")
def _add_weak_scan(
    one_doc: Int32s,
    doc_len: Int32s,
    lo: int,
    hi: int,
    band_start: int,
    w: float,
    unit: Floats,
    acc: Floats,
) -> None:
    """Add a term's tf-1 band postings to the docs still in the running (acc > 0)."""
    start = np.uint64(band_start)
    for p in range(np.uint64(lo), np.uint64(hi)):
        doc = np.uint64(one_doc[p])
        d = doc - start
        value = acc[d]
        if value != 0.0:
            acc[d] = value + w * unit[np.uint64(doc_len[doc])]


@njit(cache=True, nogil=True, error_model="numpy")
def _add_weak_lookup(
    one_doc: Int32s,
    doc_len: Int32s,
    lo: int,
    hi: int,
    band_start: int,
    w: float,
    unit: Floats,
    acc: Floats,
    touched: Ints,
    n: int,
) -> None:
    """Add a term's tf-1 band postings to the first n touched docs, each looked up."""
    for j in range(np.uint64(n)):
        d = np.uint64(touched[j])
        doc = int(d) + band_start
        p = np.uint64(_first_at_least(one_doc, lo, hi, doc))
        if p < np.uint64(hi) and one_doc[p] == doc:
            acc[d] += w * unit[np.uint64(doc_len[doc])]


@njit(cache=True, nogil=True, error_model="numpy")
def _keep_contenders(acc: Floats, touched: Ints, n: int, rest: float, cut: float) -> int:
    """Drop (zero) the touched docs that `rest` more cannot lift to `cut`; returns how many
    are kept, compacted at the front of `touched`."""
    kept = np.uint64(0)
    for j in range(np.uint64(n)):
        d = touched[j]
        if acc[np.uint64(d)] + rest < cut:
            acc[np.uint64(d)] = 0.0
        else:
            touched[kept] = d
            kept += np.uint64(1)
    return np.int64(kept)  # type: ignore[return-value]


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _exact_score(
    row: int,
    fwd_ptr: Ints,
    fwd_term: Int32s,
    fwd_tf: Int32s,
    length: int,
    query: Ints,
    by_id: Ints,
    present: int,
    weights: Floats,
    tf_of: Ints,
    unit: Floats,
    c1: float,
    c2: float,
    k1: float,
) -> float:
    """A doc's score from its forward postings (forward row `row`), summed in query-term
    order.

    `by_id` lists the query terms present in the segment by their term ids; `tf_of` is
    zeroed scratch of one slot per query term (left zeroed)."""
    f = np.uint64(fwd_ptr[row])
    f_end = np.uint64(fwd_ptr[row + 1])
    j = np.uint64(0)
    end = np.uint64(present)
    while f < f_end and j < end:
        have = fwd_term[f]
        want = query[by_id[j]]
        if have < want:
            f += np.uint64(1)
        elif have > want:
            j += np.uint64(1)
        else:
            tf_of[by_id[j]] = fwd_tf[f]
            f += np.uint64(1)
            j += np.uint64(1)
    score = 0.0
    size = np.uint64(length)
    for t in range(np.uint64(len(query))):
        if tf_of[t]:
            score += weights[t] * _weight(tf_of[t], size, unit, c1, c2, k1)
            tf_of[t] = 0
    return score


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def _worse(score: float, doc_id: int, than_score: float, than_id: int) -> bool:
    """Ranking order: higher score first, then the older (smaller) doc id."""
    return score < than_score or (score == than_score and doc_id > than_id)


@njit(cache=True, nogil=True, inline="always", error_model="numpy")
def heap_push(scores: Floats, ids: Ints, size: int, k: int, score: float, doc_id: int) -> int:
    """Offer a result to the k best so far (a heap with the worst at 0); returns its size."""
    if size < k:
        i = size
        size += 1
    elif _worse(score, doc_id, scores[0], ids[0]):
        return size
    else:
        # replace the worst, then sift it down
        i = 0
        while True:
            child = 2 * i + 1
            if child >= size:
                break
            if child + 1 < size and _worse(
                scores[child + 1], ids[child + 1], scores[child], ids[child]
            ):
                child += 1
            if not _worse(scores[child], ids[child], score, doc_id):
                break
            scores[i], ids[i] = scores[child], ids[child]
            i = child
        scores[i], ids[i] = score, doc_id
        return size
    while i > 0:  # sift the new one up
        parent = (i - 1) >> 1
        if not _worse(score, doc_id, scores[parent], ids[parent]):
            break
        scores[i], ids[i] = scores[parent], ids[parent]
        i = parent
    scores[i], ids[i] = score, doc_id
    return size


@njit(cache=True, nogil=True, error_model="numpy")
def _bound(
    docs: Int32s,
    lo: int,
    hi: int,
    doc_len: Int32s,
    tf: int,
    c1: float,
    c2: float,
    k1: float,
    unit: Floats,
) -> float:
    """The highest tf weight among the postings [lo, hi) of one list: that of the shortest
    doc (the first) at the list's highest tf; 0 if the range is empty."""
    if hi <= lo:
        return 0.0
    length = np.uint64(doc_len[docs[lo]])
    if tf == 1:
        return unit[length]  # type: ignore[no-any-return]
    return tf_part(tf, c1 + c2 * length, k1)


@njit(cache=True, nogil=True, error_model="numpy")
def top_k(
    one_ptr: Ints,
    one_doc: Int32s,
    many_ptr: Ints,
    many_doc: Int32s,
    many_tf: Int32s,
    max_tf: Int32s,
    doc_len: Int32s,
    doc_ids: Ints,
    fwd_row: Ints,
    fwd_ptr: Ints,
    fwd_term: Int32s,
    fwd_tf: Int32s,
    query: Ints,
    weights: Floats,
    unit: Floats,
    k1: float,
    b: float,
    avgdl: float,
    band: int,
    acc: Floats,
    touched: Ints,
    doc_time: Floats,
    since: float,
    until: float,
    filtering: bool,
    heap_scores: Floats,
    heap_ids: Ints,
    heap_size: int,
    k: int,
) -> int:
    """Offer one segment's best docs for a query to the heap; returns the heap's size.

    Query term t is the segment's term query[t] (-1: absent) with weight idf x occurrences
    (> 0); `unit` is `unit_weights` for this avgdl. Docs are taken a band of `band` at a
    time, shortest first (see `segment`). In each band, MaxScore: a term's tf-1 postings
    there can add at most the weight of the first (shortest) doc; the terms whose such
    bounds together stay below theta (the k-th best score so far) are weak: by themselves
    they cannot lift a doc into the top k. The other (essential) terms' tf-1 postings and
    every term's few tf >= 2 postings are added up into `acc`; the weak terms' tf-1 postings
    are then added only to the docs that could still reach theta, dropping docs as soon as
    they cannot (read whole, or looked up per doc, whichever is less work). A band where
    even all the bounds together stay below theta is skipped, and so is the whole segment.

    A doc that reaches theta gets its score summed again from its forward postings in
    query-term order, so equal docs get equal scores and ties go to the older sentence as in
    rank_bm25's order.

    When `filtering`, docs whose `doc_time` is later than `until` (or earlier than `since`)
    are never scored (the answer as of a moment): they are dropped as the essential lists
    are read, so they are never candidates. The bounds stay valid, since dropping docs only
    removes candidates; a search as of long ago still gets its k best among the docs it may
    see. `acc` (band zeros) and `touched` (band entries) are scratch, left zeroed.
    """
    terms = len(query)
    docs = len(doc_len)
    c1 = k1 * (1.0 - b)
    c2 = k1 * b / avgdl
    one_pos = np.zeros(terms, np.int64)
    one_end = np.zeros(terms, np.int64)
    many_pos = np.zeros(terms, np.int64)
    many_end = np.zeros(terms, np.int64)
    highest_tf = np.ones(terms, np.int64)
    # the query's terms by segment term id, for reading a doc's forward postings
    by_id = np.empty(terms, np.int64)
    present = 0
    most = 0.0
    for t in range(terms):
        term = query[t]
        if term < 0:
            continue
        one_pos[t], one_end[t] = one_ptr[term], one_ptr[term + 1]
        many_pos[t], many_end[t] = many_ptr[term], many_ptr[term + 1]
        highest_tf[t] = max_tf[term]
        most += weights[t] * max(
            _bound(one_doc, one_pos[t], one_end[t], doc_len, 1, c1, c2, k1, unit),
            _bound(many_doc, many_pos[t], many_end[t], doc_len, highest_tf[t], c1, c2, k1, unit),
        )
        j = present
        while j > 0 and query[by_id[j - 1]] > term:
            by_id[j] = by_id[j - 1]
            j -= 1
        by_id[j] = t
        present += 1
    # theta, less a hair: partial sums added in another order may differ in the last bits,
    # and a doc that ties theta may still win on age
    cut = heap_scores[0] * (1.0 - 1e-12) if heap_size == k else -np.inf
    if most < cut:
        return heap_size
    tf_of = np.zeros(terms, np.int64)
    one_lo = np.empty(terms, np.int64)
    many_lo = np.empty(terms, np.int64)
    bound = np.empty(terms)  # of the tf-1 postings in the band
    order = np.empty(terms, np.int64)
    below = np.empty(terms)  # below[i]: bounds of order[0..i] summed
    is_weak = np.zeros(terms, np.bool_)
    for band_start in range(0, docs, band):
        band_end = min(docs, band_start + band)
        total = 0.0
        for t in range(terms):
            one_lo[t] = one_pos[t]
            one_pos[t] = _first_at_least(one_doc, one_pos[t], one_end[t], band_end)
            many_lo[t] = many_pos[t]
            many_pos[t] = _first_at_least(many_doc, many_pos[t], many_end[t], band_end)
            bound[t] = weights[t] * _bound(
                one_doc, one_lo[t], one_pos[t], doc_len, 1, c1, c2, k1, unit
            )
            total += max(
                bound[t],
                weights[t]
                * _bound(
                    many_doc, many_lo[t], many_pos[t], doc_len, highest_tf[t], c1, c2, k1, unit
                ),
            )
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
            is_weak[order[i]] = i < weak

        # In query-term order, so that a doc's sum is in that order when no term is weak
        # (a doc is in one of a term's two lists at most).
        n = 0
        lowest = np.inf  # no touched doc has less
        for t in range(terms):
            if one_pos[t] > one_lo[t] and not is_weak[t]:
                n = _add_ones(
                    one_doc,
                    doc_len,
                    one_lo[t],
                    one_pos[t],
                    band_start,
                    weights[t],
                    unit,
                    acc,
                    touched,
                    n,
                    doc_time,
                    since,
                    until,
                    filtering,
                )
                lowest = min(lowest, weights[t] * unit[doc_len[one_doc[one_pos[t] - 1]]])
            if many_pos[t] > many_lo[t]:
                n = _add_many(
                    many_doc,
                    many_tf,
                    doc_len,
                    many_lo[t],
                    many_pos[t],
                    band_start,
                    weights[t],
                    c1,
                    c2,
                    k1,
                    acc,
                    touched,
                    n,
                    doc_time,
                    since,
                    until,
                    filtering,
                )
                lowest = min(lowest, weights[t] * unit[doc_len[many_doc[many_pos[t] - 1]]])
        # candidates: touched docs the weak terms could still lift to theta (a pass that
        # could drop none is not made)
        rest = below[weak - 1] if weak else 0.0
        if lowest + rest < cut:
            n = _keep_contenders(acc, touched, n, rest, cut)
        for i in range(weak - 1, -1, -1):  # the weak terms, strongest first
            if n == 0:
                break
            t = order[i]
            if one_pos[t] == one_lo[t]:
                continue
            if one_pos[t] - one_lo[t] <= SCAN_RATIO * n:
                _add_weak_scan(
                    one_doc, doc_len, one_lo[t], one_pos[t], band_start, weights[t], unit, acc
                )
            else:
                _add_weak_lookup(
                    one_doc,
                    doc_len,
                    one_lo[t],
                    one_pos[t],
                    band_start,
                    weights[t],
                    unit,
                    acc,
                    touched,
                    n,
                )
            n = _keep_contenders(acc, touched, n, below[i - 1] if i else 0.0, cut)

        for i in range(n):
            d = touched[i]
            score = acc[d]
            acc[d] = 0.0
            if score < cut:
                continue
            doc = d + band_start
            if weak > 0:
                # weak terms were added out of query-term order: sum again in order
                score = _exact_score(
                    fwd_row[doc],
                    fwd_ptr,
                    fwd_term,
                    fwd_tf,
                    doc_len[doc],
                    query,
                    by_id,
                    present,
                    weights,
                    tf_of,
                    unit,
                    c1,
                    c2,
                    k1,
                )
            heap_size = heap_push(heap_scores, heap_ids, heap_size, k, score, doc_ids[doc])
            if heap_size == k:
                cut = heap_scores[0] * (1.0 - 1e-12)
    return heap_size


@njit(cache=True, nogil=True, error_model="numpy")
def forward_counts(
    fwd_ptr: Ints,
    fwd_term: Int32s,
    fwd_tf: Int32s,
    fwd_rows: Ints,
    rows: Ints,
    wanted: Ints,
    columns: Ints,
    counts: npt.NDArray[np.int32],
) -> None:
    """counts[rows[r], columns[j]] = the tf of term wanted[j] in forward row fwd_rows[r],
    for each such term the doc holds: in place. (`wanted`: distinct term ids, at most
    65,535: a question's terms.)

    Each of a doc's terms is looked up in a table of the wanted ids (one load, a branch
    rarely taken), not merged with them: a merge mispredicts a branch at every step, and
    took 1.7x the time over the ~3,000 sentences of a question's candidate articles. The
    table takes 2 bytes a term id up to the highest wanted (at most 250 KB for news-1m's
    125,669 terms), made anew each call: threads may count at once."""
    if len(wanted) > 65_535:
        raise ValueError("forward_counts: too many wanted terms")
    size = 0
    for j in range(len(wanted)):
        size = max(size, wanted[j] + 1)
    slot = np.zeros(size, np.uint16)  # 1 + the place in `wanted` of each wanted id, else 0
    for j in range(len(wanted)):
        slot[wanted[j]] = j + 1
    for r in range(len(fwd_rows)):
        doc = fwd_rows[r]
        row = rows[r]
        for at in range(fwd_ptr[doc], fwd_ptr[doc + 1]):
            term = fwd_term[at]
            if term < size:
                j = slot[term]
                if j:
                    counts[row, columns[j - 1]] = fwd_tf[at]


@njit(cache=True, nogil=True, error_model="numpy")
def sorted_positions(sorted_ids: Ints, ids: Ints) -> Ints:
    """Where each of `ids` is in `sorted_ids` (ascending, distinct), -1 where absent.

    The ids a question asks about run in long stretches of consecutive ids (its candidate
    articles' sentences): the next id of a stretch is checked at the next place before it
    is searched for.
    """
    n = len(sorted_ids)
    found = np.full(len(ids), -1, dtype=np.int64)
    last = -2
    for i in range(len(ids)):
        x = ids[i]
        if last >= 0 and last + 1 < n and sorted_ids[last + 1] == x:
            at = last + 1
        else:
            at = np.searchsorted(sorted_ids, x)
        if at < n and sorted_ids[at] == x:
            found[i] = at
            last = at
        else:
            last = -2
    return found


def warm_up() -> None:
    """Load (or compile, the first time) the kernels for the argument types queries use.

    Compiling holds the GIL for seconds; doing it at start-up keeps it off the first answer.
    """
    # One term held once by each of two docs (lengths 1 and 2); a heap of 2.
    docs = np.array([0, 1], dtype=np.int32)
    none = np.zeros(0, dtype=np.int32)
    unit = unit_weights(1.5, 0.75, 1.5, 2)
    for filtering in (False, True):
        top_k(
            np.array([0, 2], dtype=np.int64),
            docs,
            np.zeros(2, dtype=np.int64),
            none,
            none,
            np.ones(1, dtype=np.int32),
            docs + 1,
            np.array([5, 6], dtype=np.int64),
            np.array([0, 1], dtype=np.int64),
            np.array([0, 1, 2], dtype=np.int64),
            np.zeros(2, dtype=np.int32),
            np.ones(2, dtype=np.int32),
            np.zeros(1, dtype=np.int64),
            np.ones(1),
            unit,
            1.5,
            0.75,
            1.5,
            4,
            np.zeros(4),
            np.zeros(4, dtype=np.int64),
            np.zeros(2),
            -np.inf,
            np.inf,
            filtering,
            np.zeros(2),
            np.zeros(2, dtype=np.int64),
            0,
            2,
        )
    one = np.zeros(1, dtype=np.int64)
    forward_counts(
        np.array([0, 1], dtype=np.int64),
        np.zeros(1, dtype=np.int32),
        np.ones(1, dtype=np.int32),
        one,
        one,
        one,
        one,
        np.zeros((1, 1), dtype=np.int32),
    )
    sorted_positions(np.array([3, 4], dtype=np.int64), np.array([4, 5], dtype=np.int64))
