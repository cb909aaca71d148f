"""Stories: articles that report the same news, grouped, and the sentences that tell it.

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

The extract is the item's most representative sentence (and a second from the same article
when the first is short and the second is close to the story too): the sentence closest to
the centroid of the whole item (all its articles' sentences, plus their titles, which state
what happened), after dropping lines that are page furniture rather than news, and photos'
captions (`_uncaptioned`). News is
written lead first, so an article's first sentences of prose get a small bonus; the
centroid decides between reports, and overrules a lead that is off the story.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from retrieval.compiled import njit
from retrieval.corpus.furniture import is_photo_caption
from retrieval.corpus.text import is_near_duplicate, joined_sentences
from retrieval.index.tokens import Tokenizer
from retrieval.languages import ENGLISH, content_terms, language_of
from retrieval.outlets import outlet_key

SAME_STORY = 0.08  # mean time-weighted cosine of idf²-weighted title + lead vectors
LEAD_SENTENCES = 2
IDF_POWER = 2  # idf² (see the module docstring)
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
    """An article as the grouping and extract need it; `time` is Unix seconds (published,
    else stored), None when unknown; `dated` is False when it is only when it was stored."""

    id: int
    title: str
    sentences: tuple[str, ...]
    source: str | None = None
    time: float | None = None
    dated: bool = True


@dataclass(frozen=True, slots=True)
class Extract:
    """What an item says happened, and the article it was taken from."""

    text: str
    article_id: int


# Page furniture trafilatura sometimes keeps, and wire sign-offs.
_CHROME = re.compile(
    r"\b(click here|sign up|subscribe|newsletter|cookies?|all rights reserved|copyright"
    r"|follow us|share (this|on)|read more|advertisement|image caption|getty images"
    r"|photograph:|related articles?|terms of (use|service)|privacy policy|in your inbox)\b"
    r"|^(notes?|editor['’]s note|corrected|correction)\b",
    re.IGNORECASE,
)
# A sentence's last mark, then any closing quotes or brackets: Latin, Greek and Cyrillic;
# CJK full stops and marks, full- and half-width; Arabic and Urdu question mark and full stop;
# Devanagari danda and double danda; the Armenian, Ethiopic, Myanmar and Khmer full stops.
# Thai and Lao end a sentence with a space and no mark, so their last letter ends it.
_FINISHED = re.compile(r"""(?:[.!?。．｡！？؟۔।॥։።။។]["'”’»)\]」』）》〉】]*|[\u0e01-\u0eff])$""")
_DIGIT = re.compile(r"\d")
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")
# Scripts written without spaces between words: a run of them is one "word" to split().
# Han and kana take two characters a word (most Chinese words are two characters, Japanese
# ones two to three); Thai, Lao, Khmer and Myanmar, whose words are longer, four.
_CJK = re.compile("[\u3005-\u3007\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")


def _words(sentence: str) -> tuple[float, int]:
    """How many words `sentence` holds, and how many of them are numbers: its space-separated
    words, with a run of a script that does not space its words counted by its characters
    (and the numbers in it one by one)."""
    words, numbers = 0.0, 0
    for word in sentence.split():
        cjk, unspaced = len(_CJK.findall(word)), len(_UNSPACED.findall(word))
        if cjk or unspaced:
            words += max(1.0, cjk / 2 + unspaced / 4)
            numbers += len(_NUMBERS.findall(word))
        else:
            words += 1
            numbers += bool(_DIGIT.search(word))
    return words, numbers


def _shouted(sentence: str) -> bool:
    """Set in capitals: no lower-case letter, and no fewer capitals than letters without
    case. Arabic, Chinese or Hindi have no case, and "NATO" in a sentence of one is not a
    heading."""
    if any(c.islower() for c in sentence):
        return False  # most prose, found at its second letter
    upper = sum(1 for c in sentence if c.isupper())
    return upper >= sum(1 for c in sentence if c.isalpha()) - upper


def is_chrome(sentence: str) -> bool:
    """True for lines that are not news prose: short, shouted, tables, furniture."""
    words, numbers = _words(sentence)
    if words < MIN_WORDS or not _FINISHED.search(sentence):
        return True
    if _shouted(sentence):
        return True  # headings and wire slugs in capitals
    if numbers * 3 >= words:
        return True  # a results table ("Shr 16.3p vs 12.2p")
    return bool(_CHROME.search(sentence))


def _cut_short(title: str) -> bool:
    """Whether a headline was cut short where it was published, ending in "..." or "…"."""
    return title.rstrip().endswith(("...", "…"))


def has_text(article: StoryArticle) -> bool:
    """Whether the article says more than its headline: a sentence's worth of words
    (`MIN_WORDS`) in lines that neither repeat its title nor are furniture ("Read more").
    A feed entry given with its title alone, or a summary of a few words, whose page was not
    read, has none: it may join a story other reports tell, its outlet named there, but
    tells none itself (the digest ranks a story of such reports alone below every story
    with text, and takes no extract from one)."""
    title = _plain_words(article.title)
    words = 0.0
    for sentence in article.sentences:
        if _plain_words(sentence) != title and not _CHROME.search(sentence):
            words += _words(sentence)[0]
            if words >= MIN_WORDS:
                return True
    return False


def has_prose(article: StoryArticle) -> bool:
    """Whether any of the article's lines is news prose (`is_chrome`), which an extract is
    taken from: a price table or a list of results has text (`has_text`) but none."""
    return bool(_prose(article.sentences, 1))


def _plain_words(text: str) -> list[str]:
    """`text`'s words, case and punctuation aside: a title repeated as a summary is one."""
    return re.findall(r"\w+", text.casefold())


def _prose(sentences: Sequence[str], limit: int | None = None) -> list[str]:
    """The sentences that are news prose, the first `limit` of them; after the first, one
    starting in lower case is the broken tail of a line, not a sentence."""
    found: list[str] = []
    for i, s in enumerate(sentences):
        if len(found) == limit:
            break
        if not is_chrome(s) and (i == 0 or not s[0].islower()):
            found.append(s)
    return found


def idf_table(token_sets: Iterable[set[str]]) -> tuple[dict[str, float], dict[str, int]]:
    """Smoothed idf, log(1 + N/df), and the document frequencies it came from."""
    df: Counter[str] = Counter()
    count = 0
    for tokens in token_sets:
        df.update(tokens)
        count += 1
    return {t: math.log(1 + count / n) for t, n in df.items()}, dict(df)


def _unit(weights: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def story_terms(article: StoryArticle, tokenizer: Tokenizer) -> Counter[str]:
    """The terms of the title and the lead; when they are in another language than English,
    without its function words and stemmed by its rules (`languages.content_terms`). The
    title is tokenized on its own: whether it is set in capitals decides what its capitals
    mean (`tokens.is_shouting`)."""
    terms = Counter(tokenizer(article.title))
    lead = _prose(article.sentences, LEAD_SENTENCES)
    for sentence in lead:
        terms.update(tokenizer(sentence))
    # A German report's "die", "der", "für" are no English stopwords, and rare among
    # English news: left in, two German reports of different stories share them as a name.
    language = language_of(" ".join([article.title, *lead]))
    if language == ENGLISH:  # nearly every article
        return terms
    return Counter(content_terms(language, terms.elements(), tokenizer))


# Small words a name holds between its capitalised ones ("Bank of England", "Center for
# Auto Safety").
_NAME_JOINERS = frozenset(
    ("of", "for", "and", "the", "de", "du", "des", "la", "le", "von", "van", "der", "al", "bin")
)


def _names(sentence: str) -> list[str]:
    """The runs of two or more capitalised words in `sentence`, joined by small words."""
    runs: list[list[str]] = []
    run: list[str] = []
    for word in [*sentence.split(), ""]:
        if word[:1].isupper():
            run.append(word)
            if word[-1] not in ",;:)":
                continue
            word = ""  # "Paris, France" is two names
        if word in _NAME_JOINERS and run:
            run.append(word)
            continue
        while run and not run[-1][:1].isupper():
            run.pop()  # "Bank of" ends at "Bank"
        if len(run) > 1:
            runs.append(run)
        run = []
    return [" ".join(r) for r in runs]


def shared_evidence(article: StoryArticle, tokenizer: Tokenizer) -> dict[str, float]:
    """What each term of the article's lead counts for among the terms two articles must
    share (`MIN_SHARED_TERMS`), where it counts less than 1: a term of a name of n terms
    counts 1/n, so that a name is one thing in common however many words it takes. Only
    prose tells names by their capitals (a title set in capitals or in title case does
    not): a term of the title alone, or used outside a name in some sentence, counts 1."""
    evidence: dict[str, float] = {}
    for sentence in _prose(article.sentences, LEAD_SENTENCES):
        named: dict[str, float] = {}
        for name in _names(sentence):
            terms = set(tokenizer(name))
            for term in terms:
                named[term] = min(named.get(term, 1.0), 1 / len(terms))
        for term in tokenizer(sentence):
            evidence[term] = max(evidence.get(term, 0.0), named.get(term, 1.0))
    return {t: w for t, w in evidence.items() if w < 1.0}


def story_vectors(
    articles: Sequence[StoryArticle],
    tokenizer: Tokenizer,
    context: Sequence[StoryArticle] = (),
) -> tuple[list[Vector], dict[str, int]]:
    """Each article's unit vector of idf²-weighted title and lead terms, idf taken among
    `articles` and the `context` articles not among them; and the document frequencies
    among `articles` alone."""
    signatures = [story_terms(a, tokenizer) for a in articles]
    _, df = idf_table(set(s) for s in signatures)
    grouped = {a.id for a in articles}
    around = Counter[str]()
    others = 0
    for article in context:
        if article.id not in grouped:
            around.update(set(story_terms(article, tokenizer)))
            others += 1
    count = len(articles) + others
    idf = {t: math.log(1 + count / (n + around[t])) for t, n in df.items()}
    return [_unit({t: n * idf[t] ** IDF_POWER for t, n in s.items()}) for s in signatures], df


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


def headline_names(article: StoryArticle, tokenizer: Tokenizer) -> frozenset[str]:
    """The terms of the article's title that its lead writes capitalised: whom or what the
    headline names ("DUFF AND PHELPS UPGRADES BAXTER TRAVENOL <BAX>": duff, phelp, baxter,
    travenol). A title set in capitals does not say which of its words are names; the lead's
    prose does."""
    capitalised: set[str] = set()
    lead = _prose(article.sentences, LEAD_SENTENCES)
    for sentence in lead:
        for word in sentence.split():
            if word[:1].isupper():
                capitalised.update(tokenizer(word))
    names = sorted(capitalised.intersection(tokenizer(article.title)))
    # as `story_terms` reads them: a German lead's "Die" is no name, nor any term
    language = language_of(" ".join([article.title, *lead]))
    return frozenset(content_terms(language, names, tokenizer))


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


def representative_extract(
    articles: Sequence[StoryArticle], tokenizer: Tokenizer, idf: Mapping[str, float]
) -> Extract:
    """One or two sentences that best say what the story is, from one of its articles
    that has text of its own (`has_text`), if any has.

    `idf` weighs terms (from `idf_table` over the period's articles, which hold these).
    Empty when no line is prose (a results table): the headline then says it all.
    """

    def vector(text: str) -> Vector:
        return _unit({t: n * idf.get(t, 1.0) for t, n in Counter(tokenizer(text)).items()})

    told = [a for a in articles if has_text(a)] or articles  # not a headline's echo
    # its headline shown with it: one cut short ("Powerball: A single winning ticket for
    # the $2.04 billion jackpot was ...") only where no other report has a whole one
    told = [a for a in told if not _cut_short(a.title)] or told
    candidates = [
        (article.id, position, sentence, vector(sentence))
        for article in told
        for position, sentence in enumerate(_prose(_uncaptioned(article.sentences)))
    ] or [  # a gallery: its captions are all it says
        (article.id, position, sentence, vector(sentence))
        for article in told
        for position, sentence in enumerate(_prose(article.sentences))
    ]
    if not candidates:
        return Extract("", told[0].id)  # tables, lists: the headline says it
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
        for other in ranking[1:]:  # its neighbours, the better first
            other_article, other_position, other_text, _ = candidates[other]
            if (
                other_article == article_id
                # the sentence before or after: "His" or "he tells Johnson" of one further
                # on names someone the extract never introduced
                and abs(other_position - position) == 1
                and similarity[other] >= SECOND_SENTENCE_SHARE * similarity[best]
                and len(text.split()) + len(other_text.split()) <= MAX_EXTRACT_WORDS
                and not is_near_duplicate(text, other_text, threshold=0.5)
            ):
                chosen.append((other_position, other_text))
                break
    return Extract(_clip(joined_sentences(t for _, t in sorted(chosen))), article_id)


def _uncaptioned(sentences: Sequence[str]) -> list[str]:
    """`sentences` but photos' captions (`furniture.is_photo_caption`, given the line after
    each, which may be its credit). A caption describes a picture ("A man walks past a
    destroyed building in Kyiv, Ukraine, May 3, 2022."): set at a page's head, it took the
    lead's bonus, and a story's extract showed the picture instead of the news."""
    after = [*sentences[1:], ""]
    return [s for s, line in zip(sentences, after, strict=True) if not is_photo_caption(s, line)]


def _clip(text: str) -> str:
    if len(text) <= MAX_EXTRACT_CHARS:
        return text
    cut = text[: MAX_EXTRACT_CHARS - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > MAX_EXTRACT_CHARS // 2 else cut).rstrip(" ,;:") + "…"
