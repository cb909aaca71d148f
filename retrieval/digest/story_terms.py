"""The terms that tell two reports of one story alike: each article's title and lead as a
vector of idf²-weighted terms (`story_vectors`), what a name among them counts for
(`shared_evidence`), and whom a headline names (`headline_names`).

Apart from the grouping (`stories`), which compares these vectors pair by pair; why the
terms are weighted so is in its docstring.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from retrieval.digest.story_articles import StoryArticle, prose
from retrieval.index.tokens import Tokenizer
from retrieval.languages import ENGLISH, content_terms, language_of

LEAD_SENTENCES = 2
IDF_POWER = 2  # idf² (see stories.py's docstring)

Vector = dict[str, float]


def idf_table(token_sets: Iterable[set[str]]) -> tuple[dict[str, float], dict[str, int]]:
    """Smoothed idf, log(1 + N/df), and the document frequencies it came from."""
    df: Counter[str] = Counter()
    count = 0
    for tokens in token_sets:
        df.update(tokens)
        count += 1
    return {t: math.log(1 + count / n) for t, n in df.items()}, dict(df)


def unit_vector(weights: Mapping[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def dot(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def story_terms(article: StoryArticle, tokenizer: Tokenizer) -> Counter[str]:
    """The terms of the title and the lead; when they are in another language than English,
    without its function words and stemmed by its rules (`languages.content_terms`). The
    title is tokenized on its own: whether it is set in capitals decides what its capitals
    mean (`tokens.is_shouting`)."""
    terms = Counter(tokenizer(article.title))
    lead = prose(article.sentences, LEAD_SENTENCES)
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
    for sentence in prose(article.sentences, LEAD_SENTENCES):
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
    return [
        unit_vector({t: n * idf[t] ** IDF_POWER for t, n in s.items()}) for s in signatures
    ], df


def headline_names(article: StoryArticle, tokenizer: Tokenizer) -> frozenset[str]:
    """The terms of the article's title that its lead writes capitalised: whom or what the
    headline names ("DUFF AND PHELPS UPGRADES BAXTER TRAVENOL <BAX>": duff, phelp, baxter,
    travenol). A title set in capitals does not say which of its words are names; the lead's
    prose does."""
    capitalised: set[str] = set()
    lead = prose(article.sentences, LEAD_SENTENCES)
    for sentence in lead:
        for word in sentence.split():
            if word[:1].isupper():
                capitalised.update(tokenizer(word))
    names = sorted(capitalised.intersection(tokenizer(article.title)))
    # as `story_terms` reads them: a German lead's "Die" is no name, nor any term
    language = language_of(" ".join([article.title, *lead]))
    return frozenset(content_terms(language, names, tokenizer))
