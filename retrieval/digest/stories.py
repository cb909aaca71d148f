"""Stories: articles that report the same news, grouped, and the sentences that tell it.

Pure functions over articles already in memory; the digest (`retrieval.digest.digest`) reads them
from the database and ranks what these functions return.

Grouping compares each article's title and lead (its first two sentences), because that is
where every outlet states what happened, in its own words. Terms are weighted by the square
of their idf over the whole corpus: squaring makes the rare terms two reports share
(names, places, figures) count far more than the wording every report of a kind shares
("4th qtr net", "said", "shares"), so ten unrelated earnings reports stay apart while a
rewritten headline from another outlet still joins its story. Pairs at or above
`SAME_STORY` cosine are joined with union-find, so a story's reports need not all resemble
each other, only chain to each other. The threshold was read off real Reuters days
(tests/test_stories.py uses 1987-03-11 and 1987-10-19).

The extract is the item's most representative sentence (and a second from the same article
when the first is short and the second is close to the story too): the sentence closest to
the centroid of the whole item (all its articles' sentences, plus their titles, which state
what happened), after dropping lines that are page furniture rather than news. News is
written lead first, so an article's first sentences of prose get a small bonus; the
centroid decides between reports, and overrules a lead that is off the story.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.corpus.text import is_near_duplicate
from retrieval.index.tokens import Tokenizer

SAME_STORY = 0.5  # cosine of idf²-weighted title + lead vectors
LEAD_SENTENCES = 2
STORY_TERM_DF = 64  # terms in more articles than this never make two a candidate pair
TITLE_WEIGHT = 2.0  # titles' share of the centroid, relative to one sentence
LEAD_BONUS = (0.25, 0.1)  # for an article's first and second sentences of prose
MIN_WORDS = 5
SHORT_SENTENCE_WORDS = 25  # a best sentence this short may take a second one along
MAX_EXTRACT_WORDS = 45  # if both fit in this
MAX_EXTRACT_CHARS = 360
SECOND_SENTENCE_SHARE = 0.5  # of the best sentence's similarity to the centroid

Vector = dict[str, float]


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """An article as the grouping and extract need it."""

    id: int
    title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Extract:
    """What an item says happened, and the article it was taken from."""

    text: str
    article_id: int


# Page furniture trafilatura sometimes keeps, and wire sign-offs.
_CHROME = re.compile(
    r"\b(click here|sign up|subscribe|newsletter|cookies?|all rights reserved|copyright"
    r"|follow us|share (this|on)|read more|advertisement|image caption|getty images"
    r"|photograph:|related articles?|terms of (use|service)|privacy policy)\b"
    r"|^(notes?|editor's note|corrected|correction)\b",
    re.IGNORECASE,
)
_FINISHED = re.compile(r"""[.!?]["'”’)\]]*$""")
_DIGIT = re.compile(r"\d")


def is_chrome(sentence: str) -> bool:
    """True for lines that are not news prose: short, shouted, tables, furniture."""
    words = sentence.split()
    if len(words) < MIN_WORDS or not _FINISHED.search(sentence):
        return True
    if not any(c.islower() for c in sentence):
        return True  # headings and wire slugs in capitals
    if sum(1 for w in words if _DIGIT.search(w)) * 3 >= len(words):
        return True  # a results table ("Shr 16.3p vs 12.2p")
    return bool(_CHROME.search(sentence))


def _prose(sentences: Sequence[str]) -> list[str]:
    """The sentences that are news prose; after the first, one starting in lower case is
    the broken tail of a line, not a sentence."""
    return [
        s for i, s in enumerate(sentences) if not is_chrome(s) and (i == 0 or not s[0].islower())
    ]


def idf_table(token_sets: Iterable[set[str]]) -> tuple[dict[str, float], dict[str, int]]:
    """Smoothed idf, log(1 + N/df), and the document frequencies it came from."""
    df: Counter[str] = Counter()
    count = 0
    for tokens in token_sets:
        df.update(tokens)
        count += 1
    return {t: math.log(1 + count / n) for t, n in df.items()}, dict(df)


def corpus_idf(df: Mapping[str, int], documents: int) -> dict[str, float]:
    """Smoothed idf from corpus-wide document frequencies (sentences of the index); a term
    the corpus has not seen yet counts as seen once."""
    return {t: math.log(1 + documents / max(n, 1)) for t, n in df.items()}


def _unit(weights: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def group_stories(
    articles: Sequence[StoryArticle],
    tokenizer: Tokenizer,
    idf: Mapping[str, float] | None = None,
    threshold: float = SAME_STORY,
) -> list[list[int]]:
    """Indexes into `articles`, grouped by story; each group in input order, groups by their
    first member. `idf` should come from the whole corpus (`corpus_idf`); without it, the
    articles' own title-and-lead statistics stand in, which is fine for a busy period and
    blunt for a handful of articles (every shared word looks common).

    Two articles are compared only if they share a term at most `STORY_TERM_DF` articles
    carry: no story is told by more reports than that without some rarer name in common,
    and it keeps the work near-linear (a day of Reuters, 5,600 articles, in about a second).
    Their dot product over those terms is summed for all such pairs at once; the rest of it
    is at most the product of the norms of their remaining terms (Cauchy-Schwarz), so only
    pairs that could reach `threshold` get the exact cosine.
    """
    signatures = [
        Counter(tokenizer(" ".join((a.title, *a.sentences[:LEAD_SENTENCES])))) for a in articles
    ]
    own_idf, df = idf_table(set(s) for s in signatures)
    weights = own_idf if idf is None else idf
    vectors = [
        _unit({t: n * weights.get(t, own_idf[t]) ** 2 for t, n in s.items()}) for s in signatures
    ]
    postings: dict[str, list[int]] = defaultdict(list)
    for number, vector in enumerate(vectors):
        for term in vector:
            if 2 <= df[term] <= STORY_TERM_DF:
                postings[term].append(number)
    rest = np.array(
        [math.sqrt(sum(w * w for t, w in v.items() if df[t] > STORY_TERM_DF)) for v in vectors]
    )
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidate_pairs(postings, vectors, rest, threshold):
        if root(i) != root(j) and _dot(vectors[i], vectors[j]) >= threshold:
            parent[max(root(i), root(j))] = min(root(i), root(j))
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(articles)):
        groups[root(i)].append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _candidate_pairs(
    postings: Mapping[str, list[int]],
    vectors: Sequence[Vector],
    rest: npt.NDArray[np.float64],
    threshold: float,
) -> list[tuple[int, int]]:
    """Pairs (i < j) whose partial dot product plus its bound can reach `threshold`."""
    firsts, seconds, products = [], [], []
    for term, docs in postings.items():
        members = np.array(docs, dtype=np.int64)
        weights = np.array([vectors[d][term] for d in docs])
        a, b = np.triu_indices(len(members), 1)
        firsts.append(members[a])
        seconds.append(members[b])
        products.append(weights[a] * weights[b])
    if not firsts:
        return []
    count = len(vectors)
    keys, inverse = np.unique(
        np.concatenate(firsts) * count + np.concatenate(seconds), return_inverse=True
    )
    partial = np.bincount(inverse, weights=np.concatenate(products))
    i, j = keys // count, keys % count
    hopeful = partial + rest[i] * rest[j] >= threshold
    return list(zip(i[hopeful].tolist(), j[hopeful].tolist(), strict=True))


def representative_extract(
    articles: Sequence[StoryArticle], tokenizer: Tokenizer, idf: Mapping[str, float]
) -> Extract:
    """One or two sentences that best say what the story is, from one of its articles.

    `idf` weighs terms (from `idf_table` over the period's articles, which hold these).
    Empty when no line is prose (a results table): the headline then says it all.
    """

    def vector(text: str) -> Vector:
        return _unit({t: n * idf.get(t, 1.0) for t, n in Counter(tokenizer(text)).items()})

    candidates = [
        (article.id, position, sentence, vector(sentence))
        for article in articles
        for position, sentence in enumerate(_prose(article.sentences))
    ]
    if not candidates:
        return Extract("", articles[0].id)  # tables, lists: the headline says it
    centroid: defaultdict[str, float] = defaultdict(float)
    for *_, v in candidates:
        for term, weight in v.items():
            centroid[term] += weight
    for article in articles:
        for term, weight in vector(article.title).items():
            centroid[term] += TITLE_WEIGHT * weight
    center = _unit(centroid)
    similarity = [_dot(v, center) for *_, v in candidates]
    scores = [
        sim + (LEAD_BONUS[position] if position < len(LEAD_BONUS) else 0.0)
        for sim, (_, position, _, _) in zip(similarity, candidates, strict=True)
    ]
    ranking = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
    best = ranking[0]
    article_id, position, text, _ = candidates[best]
    chosen = [(position, text)]
    if len(text.split()) < SHORT_SENTENCE_WORDS:
        for other in ranking[1:4]:
            other_article, other_position, other_text, _ = candidates[other]
            if (
                other_article == article_id
                and similarity[other] >= SECOND_SENTENCE_SHARE * similarity[best]
                and len(text.split()) + len(other_text.split()) <= MAX_EXTRACT_WORDS
                and not is_near_duplicate(text, other_text, threshold=0.5)
            ):
                chosen.append((other_position, other_text))
                break
    return Extract(_clip(" ".join(t for _, t in sorted(chosen))), article_id)


def _clip(text: str) -> str:
    if len(text) <= MAX_EXTRACT_CHARS:
        return text
    cut = text[: MAX_EXTRACT_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_EXTRACT_CHARS // 2 else cut).rstrip(" ,;:") + "…"
