"""The compiled part of `features.build_candidates` (numba): every window of one to three
sentences, and the columns that depend on its sentences, finished in one call.

A question's candidate articles hold about 3,000 sentences and give about 2,600 windows;
done as numpy steps over [windows, terms] arrays, cutting and scoring them took some hundred
array operations, each too small to pay for its call. Here it is one pass per window, and
what `build_candidates` did around it with numpy (each sentence's article, coverage and best
hit, each article's mean length and lead, the logs) is done in the same call
(`candidate_columns`).

The floats are numpy's to the last bit (a test compares them): each is computed with the
same operations in the same order, and a row's sum over the question's terms adds up as
numpy's `sum(axis=1)` does (`_pairwise_sum`). Logarithms are numpy's: the window's are of
whole numbers, looked up in a table numpy made (`log_tables`), so no two libraries' `log1p`
need agree.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from retrieval.compiled import njit

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Int32s = npt.NDArray[np.int32]
Bools = npt.NDArray[np.bool_]

# The columns of `window_columns`' result, in order: the first of `features.FEATURES`, in
# its order, so the pass fills the rows `candidate_columns` finishes without a copy.
WINDOW_COLUMNS = (
    "window_bm25",  # over the best window's
    "window_bm25_share",  # over the question's idf
    "coverage",
    "sentence_coverage",
    "whole_sentence",
    "bare_sentences",
    "ask_coverage",
    "ask_sentence_coverage",
    "hit",
    "hit_rank",
    "rel_article",
    "rank_in_article",  # log1p left to build
    "dist_best",  # sentences between the window and its article's best: log1p left to build
    "position",  # of its first sentence: log1p left to build
    "lead",
    "two_sentences",
    "three_sentences",
    "words",  # its words: the log left to build
)
# Their places, named for the compiled code (numba reads module constants as literals).
(
    _BM25,
    _BM25_SHARE,
    _COVERAGE,
    _SENTENCE_COVERAGE,
    _WHOLE_SENTENCE,
    _BARE_SENTENCES,
    _ASK_COVERAGE,
    _ASK_SENTENCE_COVERAGE,
    _HIT,
    _HIT_RANK,
    _REL_ARTICLE,
    _RANK_IN_ARTICLE,
    _DIST_BEST,
    _POSITION,
    _LEAD,
    _TWO_SENTENCES,
    _THREE_SENTENCES,
    _WORDS,
) = range(len(WINDOW_COLUMNS))
_BLOCK = 128  # numpy's pairwise summation block (PW_BLOCKSIZE)


@njit(cache=True, nogil=True)
def _pairwise_sum(values: Floats, lo: int, n: int) -> float:
    """values[lo : lo + n] summed as numpy sums a contiguous row (its C `pairwise_sum`): a row
    of more than 128 is halved, the first half a multiple of 8, until blocks of 128 or less,
    and each pair of halves is added. The same tree, walked with a stack: numba cannot cache
    a recursive function."""
    if n <= _BLOCK:
        return _block_sum(values, lo, n)
    depth = 64  # halving from 2**63 values would not need as many
    first = np.empty(depth, dtype=np.int64)
    size = np.empty(depth, dtype=np.int64)
    left = np.empty(depth)  # the first half's sum, once known
    has_left = np.zeros(depth, dtype=np.bool_)
    top = 0
    first[0], size[0] = lo, n
    while True:
        m = size[top]
        if m > _BLOCK:  # descend into the first half
            half = m // 2 - (m // 2) % 8
            first[top + 1], size[top + 1] = first[top], half
            has_left[top + 1] = False
            top += 1
            continue
        total = _block_sum(values, first[top], m)
        while True:  # hand the sum up: a first half waits for its second, a second adds up
            top -= 1
            if top < 0:
                return total
            if has_left[top]:
                total = float(left[top]) + total
                continue
            left[top] = total
            has_left[top] = True
            half = size[top] // 2 - (size[top] // 2) % 8
            first[top + 1], size[top + 1] = first[top] + half, size[top] - half
            has_left[top + 1] = False
            top += 1
            break


@njit(cache=True, nogil=True, inline="always")
def _block_sum(values: Floats, lo: int, n: int) -> float:
    """numpy's sum of at most 128 values: in order below 8, else eight running sums."""
    if n < 8:
        total = 0.0
        for i in range(n):
            total += values[lo + i]
        return total
    r0, r1, r2, r3 = values[lo], values[lo + 1], values[lo + 2], values[lo + 3]
    r4, r5, r6, r7 = values[lo + 4], values[lo + 5], values[lo + 6], values[lo + 7]
    i = 8
    while i < n - n % 8:
        r0 += values[lo + i]
        r1 += values[lo + i + 1]
        r2 += values[lo + i + 2]
        r3 += values[lo + i + 3]
        r4 += values[lo + i + 4]
        r5 += values[lo + i + 5]
        r6 += values[lo + i + 6]
        r7 += values[lo + i + 7]
        i += 8
    total = float(((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)))
    while i < n:
        total += values[lo + i]
        i += 1
    return total


@njit(cache=True, nogil=True)
def sentence_coverage(
    counts: Int32s, idf: Floats, ask_idf: Floats, idf_total: float, ask_total: float
) -> tuple[Floats, Floats]:
    """Per sentence, the idf share of the question's terms it holds, and of the asking
    sentence's terms."""
    n, terms = counts.shape
    coverage = np.empty(n)
    asked = np.empty(n)
    held = np.empty(terms)
    held_asked = np.empty(terms)
    for s in range(n):
        for t in range(terms):
            present = counts[s, t] > 0
            held[t] = idf[t] if present else 0.0
            held_asked[t] = ask_idf[t] if present else 0.0
        coverage[s] = _pairwise_sum(held, 0, terms) / idf_total
        asked[s] = _pairwise_sum(held_asked, 0, terms) / ask_total
    return coverage, asked


@njit(cache=True, nogil=True)
def candidate_columns(
    counts: Int32s,
    lengths: Int32s,
    words: Int32s,
    sizes: Ints,
    positions: Ints,
    sentence_ids: Ints,
    hit_ids: Ints,
    hit_ranks: Ints,
    idf: Floats,
    ask_idf: Floats,
    in_title: Bools,
    policy: tuple[float, float, float, int, int],
    per_article: Floats,
    article_columns: Ints,
    width: int,
    lead_article: int,
    logs: Floats,
) -> tuple[Ints, Floats, Bools, Ints, Ints, Floats]:
    """All of `features.build_candidates` that is not an article's own: per sentence its
    article (`owner`), coverage and which terms it holds (`present`); every window worth a row
    (`window_columns`) with its finished features: the first `WINDOW_COLUMNS` with their logs
    taken, at `article_columns` its article's row of `per_article`, at `lead_article` its
    lead times its article's BM25, the rest 0. One call, where numpy took some forty.

    Articles hold `sizes` sentences each, in order; `in_title[a, t]` tells whether article a's
    title holds term t, `hit_ids[i]` is a best sentence hit of rank `hit_ranks[i]` (0 best).
    `policy` is (k1, b, context weight, most sentences, most words) of a `CandidatePolicy`.
    Per article, the kernel fills `per_article[:, ARTICLE_HIT_RANK]` (its best hit's) first.
    `logs` holds numpy's log1p of 0, 1, 2, ... and then its log of max(k, 1) for as many: a
    window's counts (its place, words, rank) are whole numbers, so their logs are numpy's to
    the bit, looked up; there must be more than the longest article's windows, the farthest
    position and the most words of one sentence or `policy` (`log_tables`).
    """
    n, terms = counts.shape
    articles = len(sizes)
    owner = np.empty(n, dtype=np.int64)
    first_of = np.zeros(articles, dtype=np.int64)
    s = 0
    for a in range(articles):
        first_of[a] = s
        for _ in range(sizes[a]):
            owner[s] = a
            s += 1
    idf_total = _pairwise_sum(idf, 0, terms)  # as numpy sums them in `build_candidates`
    if idf_total == 0.0:
        idf_total = 1.0
    ask_total = _pairwise_sum(ask_idf, 0, terms)
    if ask_total == 0.0:
        ask_total = idf_total
    coverage, ask_coverage = sentence_coverage(counts, idf, ask_idf, idf_total, ask_total)
    present = counts > 0
    best_sentence = best_per_article(coverage, owner, articles)
    # a typical window is two sentences: twice the article's mean sentence, at least 1
    length_sum = np.zeros(articles)
    for s in range(n):
        length_sum[owner[s]] += lengths[s]
    avg_len = np.empty(articles)
    in_context = in_title.copy()
    for a in range(articles):
        avg_len[a] = max(length_sum[a] / max(sizes[a], 1) * 2, 1.0)
        if sizes[a] > 0:
            for t in range(terms):
                in_context[a, t] |= present[first_of[a], t]
    hit_score = _hit_scores(sentence_ids, hit_ids, hit_ranks)
    for s in range(n):
        per_article[owner[s], ARTICLE_HIT_RANK] = max(
            per_article[owner[s], ARTICLE_HIT_RANK], hit_score[s]
        )
    starts, window_sizes, out = window_columns(
        counts,
        lengths,
        words,
        owner,
        positions,
        coverage,
        ask_coverage,
        hit_score,
        idf,
        ask_idf,
        idf_total,
        ask_total,
        avg_len,
        in_context,
        best_sentence,
        policy,
        width,
        per_article,
        article_columns,
        lead_article,
        logs,
    )
    return owner, coverage, present, starts, window_sizes, out


# The column of `candidate_columns`' `per_article` it fills: the article's best hit's score.
ARTICLE_HIT_RANK = 4


@njit(cache=True, nogil=True)
def _hit_scores(sentence_ids: Ints, hit_ids: Ints, hit_ranks: Ints) -> Floats:
    """Per sentence, 1 / (1 + its rank) among the best sentence hits, 0 when not one."""
    order = np.argsort(hit_ids)
    known = hit_ids[order]
    scores = np.zeros(len(sentence_ids))
    if not len(known):
        return scores
    for s in range(len(sentence_ids)):
        at = np.searchsorted(known, sentence_ids[s])
        if at < len(known) and known[at] == sentence_ids[s]:
            scores[s] = 1.0 / (1.0 + hit_ranks[order[at]])
    return scores


@njit(cache=True, nogil=True)
def window_columns(
    counts: Int32s,
    lengths: Int32s,
    words: Int32s,
    owner: Ints,
    positions: Ints,
    coverage: Floats,
    ask_coverage: Floats,
    hit_score: Floats,
    idf: Floats,
    ask_idf: Floats,
    idf_total: float,
    ask_total: float,
    avg_len: Floats,
    in_context: Bools,
    best_sentence: Ints,
    policy: tuple[float, float, float, int, int],
    width: int,
    per_article: Floats,
    article_columns: Ints,
    lead_article: int,
    logs: Floats,
) -> tuple[Ints, Ints, Floats]:
    """Every window worth a row: 1 to `max_sentences` consecutive sentences of one article,
    holding a term of the question, at most `max_words` words unless one sentence. Returns
    their first sentences, sizes, and rows of `width` columns (`candidate_columns` says
    which); by size and then by first sentence.

    A window's BM25 sums, for each term, its saturated count in the window, or when the
    window lacks it and the article's title or lead has it, `context_weight`; times idf.
    """
    k1, b, context_weight, max_sentences, max_words = policy
    n, terms = counts.shape
    log_from = len(logs) // 2  # where the logs of max(k, 1) begin
    held = np.zeros(n, dtype=np.bool_)  # the sentence holds a term of the question
    for s in range(n):
        for t in range(terms):
            if counts[s, t] > 0:
                held[s] = True
                break
    # Tell, then fill: the rows are allocated once, at their number.
    keep = np.zeros((max_sentences + 1, n), dtype=np.bool_)
    kept = 0
    for size in range(1, max_sentences + 1):
        for first in range(n - size + 1):
            if _kept(held, words, owner, first, size, max_words):
                keep[size, first] = True
                kept += 1
    starts = np.empty(kept, dtype=np.int64)
    sizes = np.empty(kept, dtype=np.int64)
    scores = np.empty(kept)  # the BM25 of each, compared below
    # each row zeroed as it is filled, while in the cache, not all of them before
    out = np.empty((kept, max(width, len(WINDOW_COLUMNS))))
    tf = np.empty(terms)
    part = np.empty(terms)
    covered = np.empty(terms)
    covered_asked = np.empty(terms)
    row = 0
    for size in range(1, max_sentences + 1):
        for first in range(n - size + 1):
            if not keep[size, first]:
                continue
            end = first + size
            article = owner[first]
            length = 0.0
            n_words = 0
            for t in range(terms):
                tf[t] = 0.0
            for s in range(first, end):
                length += lengths[s]
                n_words += words[s]
                for t in range(terms):
                    tf[t] += counts[s, t]
            norm = k1 * ((1.0 - b) + b * length / avg_len[article])
            for t in range(terms):
                if tf[t] > 0.0:
                    part[t] = tf[t] * (k1 + 1.0) / (tf[t] + norm) * idf[t]
                    covered[t] = idf[t]
                    covered_asked[t] = ask_idf[t]
                else:
                    part[t] = context_weight * idf[t] if in_context[article, t] else 0.0
                    covered[t] = 0.0
                    covered_asked[t] = 0.0
            best_coverage = coverage[first]
            best_asked = ask_coverage[first]
            best_hit = hit_score[first]
            bare = 0
            for s in range(first, end):
                best_coverage = max(best_coverage, coverage[s])
                best_asked = max(best_asked, ask_coverage[s])
                best_hit = max(best_hit, hit_score[s])
                bare += coverage[s] == 0.0
            best = best_sentence[article]
            gap = first - best if best < first else (best - end + 1 if best >= end else 0)
            starts[row] = first
            sizes[row] = size
            scores[row] = _pairwise_sum(part, 0, terms)
            columns = out[row]
            columns[:] = 0.0
            columns[_COVERAGE] = _pairwise_sum(covered, 0, terms) / idf_total
            columns[_SENTENCE_COVERAGE] = best_coverage
            columns[_WHOLE_SENTENCE] = best_coverage > 1 - 1e-9
            columns[_BARE_SENTENCES] = bare
            columns[_ASK_COVERAGE] = _pairwise_sum(covered_asked, 0, terms) / ask_total
            columns[_ASK_SENTENCE_COVERAGE] = best_asked
            columns[_HIT_RANK] = best_hit
            columns[_HIT] = best_hit > 0
            columns[_DIST_BEST] = logs[gap]
            columns[_POSITION] = logs[positions[first]]
            columns[_LEAD] = positions[first] == 0
            columns[_TWO_SENTENCES] = size == 2
            columns[_THREE_SENTENCES] = size == 3
            columns[_WORDS] = logs[log_from + n_words]
            for j in range(len(article_columns)):
                columns[article_columns[j]] = per_article[article, j]
            columns[lead_article] = columns[_LEAD] * per_article[article, 0]
            row += 1
    _compare_scores(out, scores, owner[starts], owner[n - 1] + 1 if n else 0, idf_total, logs)
    return starts, sizes, out


@njit(cache=True, nogil=True)
def _compare_scores(
    out: Floats, scores: Floats, article: Ints, articles: int, idf_total: float, logs: Floats
) -> None:
    """The columns that set a window's BM25 (`scores`) against the others': over the best,
    over the question's idf, over its article's best, and the log of its rank in its
    article (ties to the earlier row). In place, one pass over the rows: they are many and
    wide, and a column at a time left the cache for each."""
    if not len(scores):
        return
    best = scores.max()
    if best == 0.0:
        best = 1.0
    best_in_article = np.zeros(articles)
    for w in range(len(scores)):
        best_in_article[article[w]] = max(best_in_article[article[w]], scores[w])
    # By article, and within one by score, high first, ties in row order: each article's
    # windows sorted apart (a few hundred at most), not all of them at once.
    first = np.zeros(articles + 1, dtype=np.int64)
    for w in range(len(scores)):
        first[article[w] + 1] += 1
    first = np.cumsum(first)
    grouped = np.empty(len(scores), dtype=np.int64)  # rows by article, ascending in each
    filled = first[:-1].copy()
    for w in range(len(scores)):
        grouped[filled[article[w]]] = w
        filled[article[w]] += 1
    rank = np.empty(len(scores), dtype=np.int64)
    for a in range(articles):
        members = grouped[first[a] : first[a + 1]]
        order = np.argsort(-scores[members], kind="mergesort")
        for place in range(len(order)):
            rank[members[order[place]]] = place
    for w in range(len(scores)):
        out[w, _BM25] = scores[w] / best
        out[w, _BM25_SHARE] = scores[w] / idf_total
        out[w, _REL_ARTICLE] = scores[w] / max(best_in_article[article[w]], 1e-9)
        out[w, _RANK_IN_ARTICLE] = logs[rank[w]]


@njit(cache=True, nogil=True)
def best_per_article(values: Floats, owner: Ints, articles: int) -> Ints:
    """The index of the sentence with the highest value in each article (the first on ties;
    0 for an article without sentences)."""
    best = np.zeros(articles, dtype=np.int64)
    seen = np.zeros(articles, dtype=np.bool_)
    for s in range(len(values)):
        a = owner[s]
        if not seen[a] or values[s] > values[best[a]]:
            best[a] = s
            seen[a] = True
    return best


@njit(cache=True, nogil=True, inline="always")
def _kept(held: Bools, words: Int32s, owner: Ints, first: int, size: int, max_words: int) -> bool:
    """Whether the window of `size` sentences from `first` is a candidate."""
    end = first + size
    if owner[first] != owner[end - 1]:
        return False  # it would span two articles
    holds = False
    n_words = 0
    for s in range(first, end):
        holds = holds or held[s]
        n_words += words[s]
    return holds and (n_words <= max_words or size == 1)


def log_tables(size: int) -> Floats:
    """The `logs` `candidate_columns` reads: numpy's log1p of 0 .. size - 1, then its log of
    max(k, 1) for the same k. (A table, so numba's own logs, which may differ from numpy's
    in the last bit, are never taken.)"""
    whole = np.arange(size, dtype=np.float64)
    return np.concatenate([np.log1p(whole), np.log(np.maximum(whole, 1))])


def warm_up() -> None:
    """Compile (or load from the cache) for the argument types `build_candidates` passes."""
    counts = np.ones((2, 1), dtype=np.int32)
    ones = np.ones(2, dtype=np.int32)
    ints = np.zeros(2, dtype=np.int64)
    candidate_columns(
        counts,
        ones,
        ones,
        np.array([2]),
        ints,
        ints,
        np.array([0]),
        np.array([0]),
        np.ones(1),
        np.ones(1),
        np.ones((1, 1), dtype=np.bool_),
        (0.3, 0.5, 0.7, 3, 70),
        np.ones((1, 5)),
        np.array([18, 19, 20, 21, 22]),
        24,
        23,
        log_tables(80),
    )
