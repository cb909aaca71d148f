"""The compiled window pass gives numpy's floats to the last bit (`retrieval.ranking.windows`).

The reference below is the numpy code `features.build_candidates` ran before the pass was compiled:
every window's columns must come out bit for bit the same, or answers could change order.
"""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.ranking import windows
from retrieval.ranking.features import _ARTICLE_COLUMNS, COLUMN, FEATURES, CandidatePolicy


def _bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64).view(np.int64)


@pytest.mark.parametrize("seed", [0, 1])
def test_pairwise_sum_adds_up_as_numpy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for n in [*range(300), 511, 1000, 1027, 4099]:
        row = rng.random(n) * rng.integers(0, 2, n) * 7.3
        assert _bits(np.array([windows._pairwise_sum(row, 0, n)]))[0] == _bits(row.sum()).item()


# The columns of `_reference`, in the order it stacks them.
REFERENCE_COLUMNS = (
    "window_bm25",
    "window_bm25_share",
    "rel_article",
    "rank_in_article",
    "coverage",
    "sentence_coverage",
    "whole_sentence",
    "bare_sentences",
    "ask_coverage",
    "ask_sentence_coverage",
    "hit_rank",
    "hit",
    "dist_best",
    "position",
    "lead",
    "two_sentences",
    "three_sentences",
    "words",
)


def _reference(counts, lengths, words, sizes, positions, hit_score, idf, asking, in_title, policy):
    """The numpy window pass of `build` before `windows`: per sentence coverage, ask coverage,
    and each article's mean length; first, size and the columns of each window."""

    def prefix(values: np.ndarray) -> np.ndarray:
        return np.concatenate([np.zeros((1, *values.shape[1:])), np.cumsum(values, axis=0)])

    owner = np.repeat(np.arange(len(sizes)), sizes)
    present = counts > 0
    idf_total = float(idf.sum()) or 1.0
    ask_idf = idf * asking
    ask_total = float(ask_idf.sum()) or idf_total
    coverage = (present * idf).sum(axis=1) / idf_total
    ask_coverage = (present * ask_idf).sum(axis=1) / ask_total
    mine = [np.flatnonzero(owner == a) for a in range(len(sizes))]
    best_sentence = np.array([m[np.argmax(coverage[m])] if len(m) else 0 for m in mine])
    first_of = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    lead = np.zeros_like(in_title)
    nonempty = np.nonzero(sizes > 0)[0]
    lead[nonempty] = counts[first_of[nonempty]] > 0
    in_context = in_title | lead
    mean_len = np.bincount(owner, weights=lengths) / np.maximum(sizes, 1)
    avg_len = np.maximum(mean_len * 2, 1.0)
    tf_sums, len_sums, word_sums = prefix(counts), prefix(lengths), prefix(words)
    holding_sums = prefix(np.asarray(present.any(axis=1)))
    n, k1, b = len(counts), policy.k1, policy.b
    out = []
    for size in range(1, policy.max_sentences + 1):
        first = np.arange(max(n - size + 1, 0))
        first = first[owner[first] == owner[first + size - 1]]
        end = first + size
        n_words = word_sums[end] - word_sums[first]
        holding = holding_sums[end] - holding_sums[first]
        keep = (holding > 0) & ((n_words <= policy.max_words) | (size == 1))
        first, end, n_words = first[keep], end[keep], n_words[keep]
        tf = tf_sums[end] - tf_sums[first]
        art = owner[first]
        length = (len_sums[end] - len_sums[first])[:, None]
        bm25 = tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg_len[art][:, None]))
        context = policy.context_weight * in_context[art] * (tf == 0)
        inside = np.stack([first + j for j in range(size)])
        best = best_sentence[art]
        gap = np.where(best < first, first - best, np.where(best >= end, best - end + 1, 0))
        best_coverage = coverage[inside].max(axis=0)
        hit_rank = hit_score[inside].max(axis=0)
        columns = np.column_stack(
            [
                ((bm25 + context) * idf).sum(axis=1),
                np.zeros((len(first), 3)),  # the scores compared below, over all windows
                ((tf > 0) * idf).sum(axis=1) / idf_total,
                best_coverage,
                best_coverage > 1 - 1e-9,
                (coverage[inside] == 0).sum(axis=0),
                ((tf > 0) * ask_idf).sum(axis=1) / ask_total,
                ask_coverage[inside].max(axis=0),
                hit_rank,
                hit_rank > 0,
                gap,
                positions[first],
                positions[first] == 0,
                np.full(len(first), size == 2),
                np.full(len(first), size == 3),
                n_words,
            ]
        )
        out.append((first, np.full(len(first), size), columns))
    firsts, window_sizes, columns = (np.concatenate(part) for part in zip(*out, strict=True))
    # What `features._finish` did with the window scores (column 0), before `windows`.
    window_owner = owner[firsts]
    bm25 = columns[:, 0].copy()
    columns[:, 1] = bm25 / idf_total
    columns[:, 0] = bm25 / (float(bm25.max()) or 1.0)
    best_in_article = np.zeros(int(window_owner.max()) + 1)
    np.maximum.at(best_in_article, window_owner, bm25)
    columns[:, 2] = bm25 / np.maximum(best_in_article[window_owner], 1e-9)
    order = np.lexsort((-bm25, window_owner))
    group_start = np.ones(len(order), dtype=bool)
    group_start[1:] = window_owner[order][1:] != window_owner[order][:-1]
    starts = np.flatnonzero(group_start)
    columns[order, 3] = np.arange(len(order)) - np.repeat(
        starts, np.diff(np.append(starts, len(order)))
    )
    # ... and then `build`'s logs
    for name in ("rank_in_article", "dist_best", "position"):
        at = REFERENCE_COLUMNS.index(name)
        columns[:, at] = np.log1p(columns[:, at])
    at = REFERENCE_COLUMNS.index("words")
    columns[:, at] = np.log(np.maximum(columns[:, at], 1))
    return (owner, coverage, present), (firsts, window_sizes, columns)


@pytest.mark.parametrize("seed", range(6))
def test_candidate_columns_are_numpys_to_the_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    policy = CandidatePolicy()
    articles, terms = int(rng.integers(1, 40)), int(rng.integers(1, 20))
    sizes = rng.integers(0 if seed % 3 else 1, 120, articles).astype(np.int64)
    sizes[0] = max(sizes[0], 1)
    n = int(sizes.sum())
    # Sparse counts, as real sentences hold few of a question's terms.
    held = (rng.random((n, terms)) < 0.08) * rng.integers(1, 4, (n, terms))
    counts = held.astype(np.int32)
    # Short sentences of few lengths make windows of equal scores: their ranks must tie alike.
    lengths = rng.integers(1, 4 if seed % 2 else 60, n).astype(np.int32)
    words = (lengths + rng.integers(0, 15, n)).astype(np.int32)
    positions = np.concatenate([np.zeros(0, dtype=np.int64), *map(np.arange, sizes)])
    sentence_ids = rng.permutation(10 * n)[:n].astype(np.int64)
    hits = rng.permutation(n)[: min(n, 60)]
    hit_ids, hit_ranks = sentence_ids[hits], np.arange(len(hits), dtype=np.int64)
    hit_score = np.zeros(n)
    hit_score[hits] = 1.0 / (1.0 + hit_ranks)
    idf = rng.random(terms) * 9
    asking = rng.random(terms) < 0.6
    in_title = rng.random((articles, terms)) < 0.3
    article_columns = _ARTICLE_COLUMNS
    per_article = rng.random((articles, len(article_columns))) + 0.5
    per_article[:, windows.ARTICLE_HIT_RANK] = 0.0
    (owner, coverage, present), expected = _reference(
        counts, lengths, words, sizes, positions, hit_score, idf, asking, in_title, policy
    )
    most = max(3 * n, int(positions.max()), int(words.max()), policy.max_words)
    got_owner, got_coverage, got_present, first, size, columns = windows.candidate_columns(
        counts, lengths, words, sizes, positions, sentence_ids, hit_ids, hit_ranks, idf,
        idf * asking, in_title,
        (policy.k1, policy.b, policy.context_weight, policy.max_sentences, policy.max_words),
        per_article, article_columns, len(FEATURES), COLUMN["lead_article"],
        windows.log_tables(most + 1),
    )  # fmt: skip
    assert np.array_equal(got_owner, owner)
    assert np.array_equal(_bits(got_coverage), _bits(coverage))
    assert np.array_equal(got_present, present)
    assert len(first) > 0
    if seed % 2:
        assert len(np.unique(columns[:, 0])) < len(columns)  # ties were tried
    assert np.array_equal(first, expected[0])
    assert np.array_equal(size, expected[1])
    assert columns.shape == (len(first), len(FEATURES))
    assert FEATURES[: len(windows.WINDOW_COLUMNS)] == windows.WINDOW_COLUMNS
    reference = expected[2][:, [REFERENCE_COLUMNS.index(c) for c in windows.WINDOW_COLUMNS]]
    assert np.array_equal(_bits(columns[:, : len(windows.WINDOW_COLUMNS)]), _bits(reference))
    # each window's article's columns at their places, its best hit's score filled in
    best_hit = np.zeros(articles)
    np.maximum.at(best_hit, owner, hit_score)
    per_article[:, windows.ARTICLE_HIT_RANK] = best_hit
    assert np.array_equal(columns[:, article_columns], per_article[owner[first]])
    lead = reference[:, windows.WINDOW_COLUMNS.index("lead")]
    assert np.array_equal(columns[:, COLUMN["lead_article"]], lead * per_article[owner[first], 0])
    # and nothing elsewhere
    rest = np.ones(len(FEATURES), dtype=bool)
    rest[: len(windows.WINDOW_COLUMNS)] = rest[article_columns] = False
    rest[COLUMN["lead_article"]] = False
    assert not columns[:, rest].any()


def test_log_tables_are_numpys_logs_of_whole_numbers() -> None:
    whole = np.arange(5000, dtype=np.float64)
    logs = windows.log_tables(5000)
    assert np.array_equal(_bits(logs[:5000]), _bits(np.log1p(whole)))
    assert np.array_equal(_bits(logs[5000:]), _bits(np.log(np.maximum(whole, 1))))


def test_each_articles_best_sentence_is_its_first_highest() -> None:
    values = np.array([0.2, 0.5, 0.5, 0.1, 0.0, 0.0, 0.7, 0.3])
    owner = np.array([0, 0, 0, 0, 1, 1, 3, 3])  # article 2 has no sentence
    assert windows.best_per_article(values, owner, 4).tolist() == [1, 4, 0, 6]
    rng = np.random.default_rng(5)
    owner = np.sort(rng.integers(0, 30, 2000))
    values = rng.integers(0, 4, 2000) / 3  # ties everywhere
    for article, best in enumerate(windows.best_per_article(values, owner, 30).tolist()):
        mine = np.flatnonzero(owner == article)
        assert best == (mine[np.argmax(values[mine])] if len(mine) else 0)
