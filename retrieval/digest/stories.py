"""Stories: articles that report the same news, grouped.

Pure functions over articles already in memory; the digest (`retrieval.digest.digest`) reads them
from the database and ranks what these functions return.

Grouping compares each article's title and lead (its first two sentences of prose), because
that is where every outlet states what happened, in its own words. Terms are weighted by the
square of their idf among the articles being grouped and the news of the days around them
(`context`, which weighs terms and is not grouped), and among them only: how rare a name is
in the news of that time is what tells its stories apart. Among one day's few articles alone
a common word looks as rare as a name ("union" in one of a day's four articles, in a week of
strikes), so the digest widens a period back to the newest `CONTEXT_ARTICLES` articles of
the `CONTEXT_DAYS` up to its end: a day's words are weighed among its week's, and a week or
a busy day (that many articles already) weighs them among its own. The result must not
change when an old archive is added to the database (a 1987 corpus makes every modern name
look rare): the context reaches a week back at most, and an archive is in no period. A
context article's lead is read from its first `LEAD_READ` sentences, which hold the lead of
99.5% of news-qa-dev's articles, so that the context costs little to read.
Squaring makes the rare terms two reports share (names, places, figures) count far more than
the wording every report of a kind shares ("said", "shares", "4th qtr net").

Reports of one story appear within hours of each other; a follow-up days later is another
story. So the similarity of two articles is their cosine times exp(-(hours apart / 36)^2):
12 hours apart keeps 89% of it, a day 64%, two days 17%. Two reports from one outlet count a
quarter (`SAME_OUTLET`): they are more often two stories of one topic (a wire files many)
than one story told twice, which they can still be when nearly alike. Unless they are
about different subjects: neither names the rarest name the other's headline holds (a
wire's template notices, "Duff and Phelps upgrades Baxter Travenol" and "... Philip
Morris", `_apart_by_subject`), then they are unrelated. Two articles that
share only one word are unrelated: among a day's articles a common word can look rare, and
one word in common is a coincidence. Shared words are counted as pieces of evidence: a name
of several words in a lead ("National Highway Traffic Safety Administration", "Paris Club")
is one, however many terms it makes, so that one institution two stories both mention is not
taken for five things in common (`shared_evidence`). An undated article's time is only when
it was stored, and a backfill stores years of news from several archives at one moment: time
tells none of them apart, and names and places recur across the years ("Sri Lanka" in a 2004
tsunami report and a 1987 loan). So a pair with an undated article needs
`UNDATED_SHARED_TERMS` terms in common and counts half (`UNDATED`); real reports of one
story share far more. Articles are then joined by average link: two groups merge while the
mean similarity of all their pairs is at least `SAME_STORY`. Single link (a pair above the
bar joins two groups) chains one topic's stories into one over a long window; average link
needs the groups to resemble each other as wholes.
Measured on real multi-outlet roundups in benchmarks/stories.py (docs/digest.md).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from retrieval.compiled import njit
from retrieval.digest.story_articles import StoryArticle
from retrieval.digest.story_terms import Vector, headline_names, shared_evidence, story_vectors
from retrieval.index.tokens import Tokenizer
from retrieval.outlets import outlet_key

SAME_STORY = 0.08  # mean time-weighted cosine of idf²-weighted title + lead vectors
STORY_HOURS = 36.0  # the time scale of a story: similarity falls as exp(-(hours / this)²)
SAME_OUTLET = 0.25  # the similarity of two reports from one outlet counts this much
MIN_SHARED_TERMS = 2  # of the terms `STORY_TERM_DF` allows, for two articles to be related
UNDATED = 0.5  # the similarity of a pair with an undated article counts this much
UNDATED_SHARED_TERMS = 5  # such a pair needs this many shared terms (see the docstring)
# A period's terms are weighed among the newest CONTEXT_ARTICLES of the CONTEXT_DAYS up to its
# end, its own articles among them (see the module docstring)
CONTEXT_DAYS = 7
CONTEXT_ARTICLES = 1_000
LEAD_READ = 8  # sentences read of a context article, its lead among them
STORY_TERM_DF = 64  # terms in more articles than this never make two a candidate pair


def group_stories(
    articles: Sequence[StoryArticle],
    tokenizer: Tokenizer,
    threshold: float = SAME_STORY,
    story_hours: float | None = STORY_HOURS,
    same_outlet: float = SAME_OUTLET,
    linkage: Literal["average", "single"] = "average",
    undated: float = UNDATED,
    undated_terms: int = UNDATED_SHARED_TERMS,
    context: Sequence[StoryArticle] = (),
) -> list[list[int]]:
    """Indexes into `articles`, grouped by story; each group in input order, groups by their
    first member. Depends on these articles and the `context` ones only, which weigh terms
    and are not grouped (see the module docstring). `story_hours`
    None ignores time, `same_outlet` 1 ignores outlets, `undated` 1 and `undated_terms`
    `MIN_SHARED_TERMS` treat undated articles as dated; `linkage` "single" joins any pair at
    or above `threshold` instead (kept to measure what average link brings).

    Two articles are compared only if they share a term at most `STORY_TERM_DF` of
    `articles` carry: no story is told by more reports than that without some rarer name in common,
    and it keeps the work near-linear. Pairs that share none count as unrelated (0).
    """
    vectors, df = story_vectors(articles, tokenizer, context)
    dated = np.array([a.dated for a in articles], dtype=bool)
    evidence = [shared_evidence(a, tokenizer) for a in articles]
    first, second, similarity = _pair_similarities(vectors, df, dated, undated_terms, evidence)
    if story_hours is not None and len(first):
        times = np.array([np.nan if a.time is None else a.time for a in articles])
        apart = np.nan_to_num(np.abs(times[first] - times[second]), nan=0.0) / 3600
        similarity = similarity * np.exp(-((apart / story_hours) ** 2))
    sources = [outlet_key(a.source) for a in articles]  # "USA TODAY" is USA Today
    alike = [
        sources[i] is not None and sources[i] == sources[j]
        for i, j in zip(first.tolist(), second.tolist(), strict=True)
    ]
    similarity = np.where(alike, similarity * same_outlet, similarity)
    if same_outlet < 1:
        similarity = _apart_by_subject(
            articles, tokenizer, vectors, df, Pairs(first, second, similarity), alike
        )
    similarity = np.where(dated[first] & dated[second], similarity, similarity * undated)
    pairs = Pairs(first, second, similarity)
    if linkage == "single":
        return _single_link(len(articles), pairs, threshold)
    return _average_link(len(articles), pairs, threshold)


def _apart_by_subject(
    articles: Sequence[StoryArticle],
    tokenizer: Tokenizer,
    vectors: Sequence[Vector],
    df: Mapping[str, int],
    pairs: Pairs,
    alike: Sequence[bool],
) -> npt.NDArray[np.float64]:
    """`pairs`' similarities, 0 for two reports of one outlet (`alike`) about different
    subjects: neither names the other's subject, the rarest name its headline holds
    (`headline_names`; all of the rarest, if several are as rare). A wire files one template
    for many companies ("Duff and Phelps said it is upgrading ... its rating on Baxter
    Travenol Inc's commercial paper", "... the rating on Philip Morris Companies Inc
    commercial paper"; results, offerings, price postings): the frame's words are rare in
    the week and alike, and only the names differ. The agency (Duff and Phelps, Moody's) is
    in many of the day's items; the company it rates, in one or two: two agencies rating
    Hechinger is one subject."""
    subjects: dict[int, frozenset[str]] = {}

    def subject(i: int) -> frozenset[str]:
        if i not in subjects:
            names = headline_names(articles[i], tokenizer)
            rarest = min((df[t] for t in names), default=0)
            subjects[i] = frozenset(t for t in names if df[t] == rarest)
        return subjects[i]

    similarity = pairs.similarity.copy()
    for p, (i, j) in enumerate(zip(pairs.first.tolist(), pairs.second.tolist(), strict=True)):
        if not alike[p] or similarity[p] <= 0:
            continue
        a, b = subject(i), subject(j)
        if a and b and a.isdisjoint(vectors[j]) and b.isdisjoint(vectors[i]):
            similarity[p] = 0.0
    return similarity


class Pairs(NamedTuple):
    """Pairs of articles (first < second) and their similarities, as parallel arrays."""

    first: npt.NDArray[np.int64]
    second: npt.NDArray[np.int64]
    similarity: npt.NDArray[np.float64]


def _pair_similarities(
    vectors: Sequence[Vector],
    df: Mapping[str, int],
    dated: npt.NDArray[np.bool_] | None = None,
    undated_terms: int = UNDATED_SHARED_TERMS,
    evidence: Sequence[Mapping[str, float]] | None = None,
) -> Pairs:
    """Pairs (i < j) that share `MIN_SHARED_TERMS` rarer terms, `undated_terms` when either
    is not `dated` (all are, if None), and their cosines. A shared term counts the less of
    what it counts for in either article's `evidence` (1 where that has none).

    The dot product over rare terms is summed for all pairs at once from the postings; the
    common terms (few, but in most articles) add theirs as small dense rows.
    """
    count = len(vectors)
    postings: dict[str, list[int]] = defaultdict(list)
    for number, vector in enumerate(vectors):
        for term in vector:
            if 2 <= df[term] <= STORY_TERM_DF:
                postings[term].append(number)
    firsts, seconds, products, counts = [], [], [], []
    for term, docs in postings.items():
        members = np.array(docs, dtype=np.int64)
        weights = np.array([vectors[d][term] for d in docs])
        worth = np.array([evidence[d].get(term, 1.0) if evidence else 1.0 for d in docs])
        a, b = np.triu_indices(len(members), 1)
        firsts.append(members[a])
        seconds.append(members[b])
        products.append(weights[a] * weights[b])
        counts.append(np.minimum(worth[a], worth[b]))
    if not firsts:
        empty = np.zeros(0, dtype=np.int64)
        return Pairs(empty, empty, np.zeros(0))
    keys, inverse = np.unique(
        np.concatenate(firsts) * count + np.concatenate(seconds), return_inverse=True
    )
    similarity = np.bincount(inverse, np.concatenate(products)).astype(np.float64)
    shared = np.bincount(inverse, np.concatenate(counts))
    first: npt.NDArray[np.int64] = keys // count
    second: npt.NDArray[np.int64] = keys % count
    least = np.full(len(keys), MIN_SHARED_TERMS)
    if dated is not None:
        least[~(dated[first] & dated[second])] = undated_terms
    keep = shared >= least - 1e-9  # a name's parts add up to 1 in floats
    first, second, similarity = first[keep], second[keep], similarity[keep]
    common = {t: k for k, t in enumerate(t for t, n in df.items() if n > STORY_TERM_DF)}
    if common:
        # Each article's common terms as a sparse row (term numbers ascending). Dense rows of
        # every pair take pairs x common terms floats: 1.2 GB for ten years of 9,500
        # articles, and more the more articles a period holds.
        starts = np.zeros(count + 1, dtype=np.int64)
        numbers: list[int] = []
        values: list[float] = []
        for number, vector in enumerate(vectors):
            row = sorted((common[t], w) for t, w in vector.items() if t in common)
            numbers.extend(k for k, _ in row)
            values.extend(w for _, w in row)
            starts[number + 1] = len(numbers)
        _add_sparse_dots(
            starts, np.array(numbers, dtype=np.int64), np.array(values), first, second, similarity
        )
    return Pairs(first, second, similarity)


@njit(cache=True, nogil=True)
def _add_sparse_dots(
    starts: npt.NDArray[np.int64],
    terms: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    first: npt.NDArray[np.int64],
    second: npt.NDArray[np.int64],
    out: npt.NDArray[np.float64],
) -> None:
    """Add to `out[p]` the dot product of the sparse rows `first[p]` and `second[p]` (row r:
    `terms` and `weights` from `starts[r]` to `starts[r + 1]`, terms ascending)."""
    for p in range(len(first)):
        a, a_end = starts[first[p]], starts[first[p] + 1]
        b, b_end = starts[second[p]], starts[second[p] + 1]
        total = 0.0
        while a < a_end and b < b_end:
            if terms[a] == terms[b]:
                total += weights[a] * weights[b]
                a += 1
                b += 1
            elif terms[a] < terms[b]:
                a += 1
            else:
                b += 1
        out[p] += total


def _single_link(count: int, pairs: Pairs, threshold: float) -> list[list[int]]:
    """Join every pair at or above `threshold`, through union-find."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    joined = pairs.similarity >= threshold
    for i, j in zip(pairs.first[joined].tolist(), pairs.second[joined].tolist(), strict=True):
        a, b = root(i), root(j)
        parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        groups[root(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _average_link(count: int, pairs: Pairs, threshold: float) -> list[list[int]]:
    """Agglomerate by average link (UPGMA) over a sparse similarity graph (absent pairs are
    0): repeatedly merge the two groups with the highest mean pair similarity, while it is
    at least `threshold`. Ties merge the lowest-numbered groups first, so the result does
    not depend on hash order."""
    links: list[dict[int, float]] = [{} for _ in range(count)]  # group -> group -> sum
    for i, j, s in zip(*(column.tolist() for column in pairs), strict=True):
        if s > 0:
            links[i][j] = links[j][i] = s
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    heap = [(-s, i, j) for i in range(count) for j, s in links[i].items() if i < j]
    heapq.heapify(heap)
    while heap:
        negative, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        mean = links[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if mean != -negative:
            continue  # stale: one of them has grown since
        if mean < threshold:
            break
        members[a].extend(members.pop(b))
        del links[a][b], links[b][a]
        for c, s in links[b].items():
            del links[c][b]
            links[a][c] = links[c][a] = links[a].get(c, 0.0) + s
        links[b] = {}
        size = len(members[a])
        for c, s in links[a].items():
            heapq.heappush(heap, (-s / (size * len(members[c])), min(a, c), max(a, c)))
    return sorted((sorted(m) for m in members.values()), key=lambda g: g[0])
