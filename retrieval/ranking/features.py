"""The windows that could answer a question, and the evidence about each, as one matrix.

Candidate articles are those of the best sentence hits and the best whole articles (the
article index), as of the question's moment. Every window of one to three consecutive
sentences of those articles that shares a term with the question is a candidate;
`build_candidates` gives each a row of cheap features (window BM25, article BM25, hit ranks,
position, age), all computed from arrays at hand: term counts come from the index's forward
postings, not from tokenizing text again, and word counts from the index too: no text is
read for them.
`evidence.add_marks` adds what reading the text tells (names, numbers, dates the question
does not hold), for the few windows the first stage of `model` keeps, once their text is
read (`Candidates.read_texts`).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from retrieval.corpus.text import joined_sentences
from retrieval.models import Attribution
from retrieval.quotes import quote_text
from retrieval.ranking import windows
from retrieval.ranking.headings import heading_like, is_heading
from retrieval.ranking.question import QuestionProfile

if TYPE_CHECKING:
    from retrieval.ranking.answers import Novelty

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

DAY = 86_400.0

# Reads sentences by id: (id, text, what it names as stored with it or None, paragraph number)
# of each (`CorpusReader.sentence_texts_and_finds`); missing ids are absent.
TextReader = Callable[[Iterable[int]], Iterable[tuple[int, str, bytes | None, int]]]


@dataclass(frozen=True, slots=True)
class CandidatePolicy:
    """How many hits and articles are read, and how windows are cut and scored."""

    sentence_hits: int = 60  # best sentences as of the moment
    hit_articles: int = 20  # articles of those hits read, best hit first
    article_hits: int = 10  # best whole articles read as well
    recent_hits: int = 5  # ... and best whole articles of the last `recent_days`
    recent_days: float = 10.0
    max_position: int = 400  # sentences read per article: past this, it is a book
    max_sentences: int = 3
    max_words: int = 68  # a window may pass this only when its one sentence alone does
    context_weight: float = 0.7  # share of a term's weight earned by the title or lead
    k1: float = 0.3  # saturation within a window: covering a term beats repeating one
    b: float = 0.5


FEATURES = (
    # the window and the question's terms
    "window_bm25",  # BM25 of the window (title and lead evidence), over the question's best
    "window_bm25_share",  # the same over the question's total idf: how much it covers
    "coverage",  # idf share of the question's terms the window itself holds
    "sentence_coverage",  # the best single sentence's share
    "whole_sentence",  # one of its sentences holds every term of the question
    "bare_sentences",  # how many of its sentences hold none of the question's terms
    "ask_coverage",  # idf share of the asking sentence's terms ("...this week. Which...?")
    "ask_sentence_coverage",  # the best single sentence's share of those
    "hit",  # the window holds one of the best sentence hits
    "hit_rank",  # 1 / (1 + rank) of its best hit, 0 without one
    "rel_article",  # window BM25 over the best of its article
    "rank_in_article",  # log(1 + rank by window BM25 among its article's windows)
    "dist_best",  # log(1 + sentences between it and its article's best-covering sentence)
    # the window's shape
    "position",  # log(1 + position of its first sentence in the article)
    "lead",  # it starts the article
    "two_sentences",
    "three_sentences",
    "words",  # log of its length in words
    # what it holds that the question does not (the answer is never in the question)
    "names",  # log(1 + capitalised words not in the question)
    "places",  # log(1 + countries, US states, cities not in the question)
    "numbers",
    "years",
    "months",
    "money",
    "kind_name",  # names, when the question asks for a person or organization
    "kind_place",  # places, when it asks where or which country, state, city
    "kind_number",  # numbers and amounts, when it asks how many or how much
    "kind_date",  # years, months and days, when it asks when
    "kind_sentence",  # best sentence coverage among sentences holding the kind asked for
    "support",  # share of the candidate articles that repeat one of its names or numbers
    # its article
    "article_bm25",  # whole-article BM25 over the question's best article
    "article_rank",  # log(1 + rank of the article by that score)
    "article_hit",  # the article is among the best whole articles
    "recent_hit",  # ... among the best whole articles of the last days
    "article_hit_rank",  # 1 / (1 + rank of the article's best sentence hit), 0 without one
    "title_coverage",  # idf share of the question's terms in the title
    "lead_article",  # lead x article BM25: the opening of a story about the question
    # time, before the moment asked about; NaN (unknown) for an undated article: its time is
    # when it was stored, not how old its news is (`model.LinearModel.score`)
    "age",  # log(1 + days)
    "recency_90",  # exp(-days / 90)
    "recency_7",  # exp(-days / 7)
    "recent_question_recency",  # exp(-days / 7) when the question says "this week"...
    "relative_age",  # log(1 + days after the newest dated candidate article)
    "relative_recency_7",  # exp(-those days / 7): recency that survives "as of now"
)
COLUMN = {name: i for i, name in enumerate(FEATURES)}
# The time columns come last: a window knows all of them (its article has a date) or none.
TIME_FEATURES = (
    "age",
    "recency_90",
    "recency_7",
    "recent_question_recency",
    "relative_age",
    "relative_recency_7",
)
FIRST_TIME_COLUMN = len(FEATURES) - len(TIME_FEATURES)
if FEATURES[FIRST_TIME_COLUMN:] != TIME_FEATURES:
    raise RuntimeError("features.FEATURES must end with TIME_FEATURES, in order")
# The compiled window pass fills the first columns, in place (`windows.window_columns`).
if FEATURES[: len(windows.WINDOW_COLUMNS)] != windows.WINDOW_COLUMNS:
    raise RuntimeError("features.FEATURES must open with windows.WINDOW_COLUMNS, in order")
# A window's article's columns, in the order `_per_article` stacks them.
_ARTICLE_COLUMNS = np.array(
    [
        COLUMN[name]
        for name in (
            "article_bm25",
            "article_rank",
            "article_hit",
            "recent_hit",
            "article_hit_rank",
            "title_coverage",
            *TIME_FEATURES,
        )
    ],
    dtype=np.int64,
)
if FEATURES[_ARTICLE_COLUMNS[windows.ARTICLE_HIT_RANK]] != "article_hit_rank":
    raise RuntimeError("windows.ARTICLE_HIT_RANK must be article_hit_rank's place in a row")
# What `add_marks` fills in, for the windows the first stage keeps: read from sentence text.
MARK_FEATURES = (
    "names",
    "places",
    "numbers",
    "years",
    "months",
    "money",
    "kind_name",
    "kind_place",
    "kind_number",
    "kind_date",
    "kind_sentence",
    "support",
)


class ArticleEvidence(NamedTuple):
    """What is known of one candidate article before its windows are cut. (A tuple: a
    question makes some 25, where a frozen dataclass's fields cost a call each to set.)"""

    id: int
    sentence_ids: Ints  # its sentences, in order from position 0
    positions: Ints  # their positions in the article
    title_terms: frozenset[str]
    time: float | None  # Unix time it was published (counts from); None: it has no date
    score: float  # whole-article BM25
    in_article_hits: bool
    in_recent_hits: bool = False


@dataclass(frozen=True, slots=True)
class Candidates:
    """Every candidate window of a question: rows of `features` (columns `FEATURES`).

    Window w is sentences[start[w] : start[w] + size[w]] (rows of `sentence_id`), all of
    article `article[w]`. Their text is read for few windows (`read_texts`): `texts` holds
    what has been read, by sentence id.
    """

    sentence_id: Ints  # per sentence, the candidate articles' sentences in order
    article: Ints
    start: Ints
    size: Ints
    features: Floats
    attributions: Mapping[int, Attribution]
    owner: Ints  # per sentence: the index of its article among the candidate articles
    coverage: Floats  # per sentence: idf share of the question's terms it holds
    question: QuestionProfile  # what the question asks for (`add_marks` reads it)
    texts: Mapping[int, str]  # sentence id -> text, of the sentences read so far
    # What the sentences `evidence.add_marks` read add to the question (`selection.choose` reads
    # their candidate answers): per row of `sentence_id`, its sentence's place there (-1
    # where it read none), and the `Novelty`.
    novelty: tuple[Ints, Novelty] | None = None
    # sentence id -> what it names, as stored with its text (`answers.stored` says whether
    # this code can take it), for the sentences read with one
    finds: Mapping[int, bytes] = field(default_factory=dict)
    # sentence id -> its paragraph number in its article, of the sentences read
    paragraphs: Mapping[int, int] = field(default_factory=dict)
    # per window, which of the question's terms (`terms`) it or its article's title holds,
    # where given; else told from `present` and `in_title` (`window_terms`); and each term's
    # share of the question's idf: what `held` sums
    matched: npt.NDArray[np.bool_] | None = None
    terms: tuple[str, ...] = ()
    weights: Floats | None = None
    # per sentence (rows of `sentence_id`), which of `terms` it holds; per candidate article
    # (by `owner`), which its title holds
    present: npt.NDArray[np.bool_] | None = None
    in_title: npt.NDArray[np.bool_] | None = None

    def __len__(self) -> int:
        return len(self.start)

    def changed(self, **changes: Any) -> Candidates:
        """A copy with `changes` made: `dataclasses.replace`, which would pass every field
        through `__init__` again (a question makes some eight copies)."""
        copy = object.__new__(Candidates)
        for name in _CANDIDATE_FIELDS:
            object.__setattr__(copy, name, getattr(self, name))
        for name, value in changes.items():
            object.__setattr__(copy, name, value)  # a name no field has raises
        return copy

    def subset(self, rows: Ints) -> Candidates:
        """These windows only (their features copied: `add_marks` writes into them)."""
        return self.changed(
            article=self.article[rows],
            start=self.start[rows],
            size=self.size[rows],
            features=self.features[rows].copy(),
            matched=None if self.matched is None else self.matched[rows],
        )

    def held(self) -> Floats:
        """Per window, the idf share of the question's terms that it or its article's title
        holds (what a reader sees of it: the passage under its headline); 1 where unknown."""
        matched = None if self.weights is None else self.window_terms()
        if matched is None or self.weights is None:
            return np.ones(len(self))
        return matched @ self.weights

    def window_terms(self) -> npt.NDArray[np.bool_] | None:
        """Per window, which of the question's terms (`terms`) it or its article's title
        holds: `matched` where given, else told for these windows (a pool's hundred, not the
        thousands cut); None where not known."""
        if self.matched is not None:
            return self.matched
        if self.present is None or self.in_title is None:
            return None
        return _matched(self.present, self.in_title, self.owner, self.start, self.size)

    def read_texts(self, read: TextReader) -> Candidates:
        """These windows with the text of all their sentences at hand, and what they name
        where it was stored with them: one call of `read`, for those not read yet. (A
        sentence deleted since its window was cut reads as "".)"""
        rows = self.sentence_rows()
        missing = [i for i in self.sentence_id[rows].tolist() if i not in self.texts]
        if not missing:
            return self
        texts, finds, paragraphs = dict(self.texts), dict(self.finds), dict(self.paragraphs)
        for sentence_id, text, found, paragraph in read(missing):
            texts[sentence_id] = text
            paragraphs[sentence_id] = paragraph
            if found is not None:
                finds[sentence_id] = found
        # what the text adds to the question is read again, with the text now at hand
        return self.changed(texts=texts, finds=finds, paragraphs=paragraphs, novelty=None)

    def sentence_rows(self) -> Ints:
        """The rows of `sentence_id` whose text the windows need, ascending: each window's
        first sentence and as many after it as the longest window has (`add_marks` reads
        them all, and the model was trained so: a shorter window's next sentences count
        towards `support`)."""
        if not len(self):
            return np.zeros(0, dtype=np.int64)
        needed = np.zeros(len(self.sentence_id) + int(self.size.max()), dtype=bool)
        for j in range(int(self.size.max())):
            needed[self.start + j] = True
        return np.flatnonzero(needed[: len(self.sentence_id)])

    def sentences_at(self, rows: Ints) -> tuple[list[tuple[int, str]], list[bytes | None]]:
        """The (id, text) of the sentences at `rows` of `sentence_id`, and what each names as
        stored with it (None where it was not): what `answers.novelty_of` reads."""
        ids = self.sentence_id[rows].tolist()
        return [(i, self.texts.get(i, "")) for i in ids], list(map(self.finds.get, ids))

    def sentence_text(self, row: int) -> str:
        """The text of the sentence at `row` of `sentence_id` (once read: `read_texts`)."""
        return self.texts.get(int(self.sentence_id[row]), "")

    def read_whole(self, w: int) -> bool:
        """Whether the text of every sentence of window `w` was read: none was deleted
        between cutting the window and reading its text."""
        return all(i in self.texts for i in self.sentence_ids(w))

    def text(self, w: int) -> str:
        return joined_sentences(self.sentence_texts(w))

    def quote(self, w: int) -> str:
        """The text of window `w` as quoted (`quotes.quote_text`): a heading that opens it set
        off, a paragraph without a stop not run into the next, a repeat shown once, "…"
        before a start cut mid-sentence (not at its article's first sentence)."""
        first = int(self.start[w])
        opens_article = first == 0 or self.owner[first - 1] != self.owner[first]
        paragraphs = list(map(self.paragraph, self.sentence_ids(w)))
        return quote_text(self.sentence_texts(w), paragraphs, bool(opens_article))

    def paragraph(self, sentence_id: int) -> int | None:
        """The paragraph number of a sentence read (`read_texts`); None for one not read."""
        return self.paragraphs.get(sentence_id)

    def past_headings(self, among: Ints | None = None) -> list[int]:
        """The windows that hold a heading after their first sentence (`headings`): they end
        on one, or run from one section into the next; of the windows `among` only, when
        given. Their text must have been read. (Each sentence past a window's first is
        judged once, then the windows are told at once: windows overlap, and this runs for
        every question's pool, once a round of refills.)"""
        windows = np.arange(len(self)) if among is None else among
        if not len(windows):
            return []
        start, size = self.start[windows], self.size[windows]
        longest = int(size.max())
        inside = np.zeros(len(self.sentence_id) + longest, dtype=bool)
        for j in range(1, longest):
            inside[start[size > j] + j] = True
        rows = np.flatnonzero(inside)
        texts = map(self.texts.get, self.sentence_id[rows].tolist(), itertools.repeat(""))
        heading = np.zeros(len(inside), dtype=bool)
        for row in rows[heading_like(texts)].tolist():  # a few: their paragraphs decide
            heading[row] = self._is_heading(row)
        crossing = np.zeros(len(windows), dtype=bool)
        for j in range(1, longest):
            crossing |= heading[start + j] & (size > j)
        found: list[int] = windows[crossing].tolist()
        return found

    def _is_heading(self, row: int) -> bool:
        """Whether the sentence at `row` of `sentence_id` is a heading (`headings.is_heading`),
        by its paragraph and those of the rows beside it (the next one's if of its article)."""
        sentence_id = int(self.sentence_id[row])
        paragraph = self.paragraphs.get
        following = None
        if row + 1 < len(self.sentence_id) and self.owner[row + 1] == self.owner[row]:
            following = paragraph(int(self.sentence_id[row + 1]))
        return is_heading(
            self.texts.get(sentence_id, ""),
            paragraph(sentence_id),
            paragraph(int(self.sentence_id[row - 1])),
            following,
        )

    def sentence_texts(self, w: int) -> tuple[str, ...]:
        """The text of each sentence of window `w`, in order."""
        first = int(self.start[w])
        return tuple(map(self.sentence_text, range(first, first + int(self.size[w]))))

    def sentence_ids(self, w: int) -> tuple[int, ...]:
        first = int(self.start[w])
        return tuple(self.sentence_id[first : first + int(self.size[w])].tolist())


_CANDIDATE_FIELDS = tuple(f.name for f in fields(Candidates))


def build_candidates(
    question: QuestionProfile,
    terms: Sequence[str],
    idf: Floats,
    asking: npt.NDArray[np.bool_],
    articles: Sequence[ArticleEvidence],
    counts: npt.NDArray[np.int32],
    lengths: npt.NDArray[np.int32],
    words: npt.NDArray[np.int32],
    hit_rank: Mapping[int, int],
    moment: float,
    attributions: Mapping[int, Attribution],
    policy: CandidatePolicy,
) -> Candidates:
    """The candidate windows of `articles` with their features.

    `counts[i, t]` is how often terms[t] occurs in the i-th sentence of the articles'
    sentences taken in order, `lengths[i]` its token count, `words[i]` its number of words
    (split at whitespace: `Index.term_counts` gives all three); `asking[t]` whether terms[t] is
    in the question's asking sentence; `hit_rank` maps the best sentence hits to their rank
    (0 = best). Pure: reads nothing, writes nothing.
    """
    sentence_ids = np.concatenate(
        [np.zeros(0, dtype=np.int64), *(a.sentence_ids for a in articles)]
    )
    if not len(sentence_ids) or not len(terms):
        return _no_candidates(question, sentence_ids, attributions)
    sizes = np.array([len(a.sentence_ids) for a in articles], dtype=np.int64)
    positions = np.concatenate([a.positions for a in articles])
    idf_total = float(idf.sum()) or 1.0
    in_title = _in_title(articles, terms)
    # the most a log is taken of: a rank among an article's windows, a gap, a place, words
    most = max(3 * len(sentence_ids), int(positions.max()), int(words.max()), policy.max_words)
    owner, coverage, present, start, size, features = windows.candidate_columns(
        counts,
        lengths,
        words,
        sizes,
        positions,
        sentence_ids,
        np.fromiter(hit_rank, dtype=np.int64, count=len(hit_rank)),
        np.fromiter(hit_rank.values(), dtype=np.int64, count=len(hit_rank)),
        idf,
        idf * asking,
        in_title,
        (policy.k1, policy.b, policy.context_weight, policy.max_sentences, policy.max_words),
        _per_article(question, articles, in_title, idf, idf_total, moment),
        _ARTICLE_COLUMNS,
        len(FEATURES),
        COLUMN["lead_article"],
        _logs(most.bit_length()),
    )
    if not len(start):
        return _no_candidates(question, sentence_ids, attributions)
    article_ids = np.array([a.id for a in articles], dtype=np.int64)
    return Candidates(
        sentence_ids,
        article_ids[owner[start]],
        start,
        size,
        features,
        attributions,
        owner,
        coverage,
        question,
        {},
        present=present,
        in_title=in_title,
        terms=tuple(terms),
        weights=idf / idf_total,
    )


def _in_title(articles: Sequence[ArticleEvidence], terms: Sequence[str]) -> npt.NDArray[np.bool_]:
    """Per article, which of `terms` its title holds (the few in common set, not every pair
    asked)."""
    column = {term: t for t, term in enumerate(terms)}
    asked = frozenset(column)
    in_title = np.zeros((len(articles), len(terms)), dtype=bool)
    for a, article in enumerate(articles):
        for term in article.title_terms & asked:
            in_title[a, column[term]] = True
    return in_title


def _per_article(
    question: QuestionProfile,
    articles: Sequence[ArticleEvidence],
    in_title: npt.NDArray[np.bool_],
    idf: Floats,
    idf_total: float,
    moment: float,
) -> Floats:
    """Each article's row of the columns `_ARTICLE_COLUMNS` names, but its best hit's score
    (`windows.ARTICLE_HIT_RANK`), 0 here: `windows.candidate_columns` fills it in."""
    article_scores = np.array([a.score for a in articles])
    order = np.argsort(-article_scores, kind="stable")
    article_rank = np.empty(len(articles))
    article_rank[order] = np.arange(len(articles))
    # an undated article's age is unknown (NaN), and so is each time column of its windows
    times = np.array([np.nan if a.time is None else a.time for a in articles])
    days = np.maximum(moment - times, 0.0) / DAY
    dated = days[~np.isnan(days)]
    fresh = days - (dated.min() if len(dated) else 0.0)
    return np.column_stack(
        [
            article_scores / (float(article_scores.max()) or 1.0),
            np.log1p(article_rank),
            [a.in_article_hits for a in articles],
            [a.in_recent_hits for a in articles],
            np.zeros(len(articles)),  # the best hit's score: `windows.ARTICLE_HIT_RANK`
            (in_title * idf).sum(axis=1) / idf_total,
            np.log1p(days),
            np.exp(-days / 90),
            np.exp(-days / 7),
            np.exp(-days / 7) * question.recent,
            np.log1p(fresh),
            np.exp(-fresh / 7),
        ]
    )


@functools.cache
def _logs(bits: int) -> Floats:
    """numpy's logs of whole numbers below 2 ** bits, as `windows.candidate_columns` reads
    them (made once a size: a question needs some 8,000, its rank among an article's windows
    at most three times its sentences)."""
    return windows.log_tables(1 << bits)


def _matched(
    present: npt.NDArray[np.bool_],
    in_title: npt.NDArray[np.bool_],
    owner: Ints,
    start: Ints,
    size: Ints,
) -> npt.NDArray[np.bool_]:
    """Per window (first sentence `start`, `size` sentences), which terms one of its
    sentences (rows of `present`) or its article's title (`in_title`, by `owner`) holds."""
    matched = in_title[owner[start]]  # a copy: indexed by an array
    for j in range(int(size.max()) if len(size) else 0):
        longer = size > j
        matched[longer] |= present[start[longer] + j]
    return matched


def _no_candidates(
    question: QuestionProfile,
    sentence_ids: Ints,
    attributions: Mapping[int, Attribution],
) -> Candidates:
    empty = np.zeros(0, dtype=np.int64)
    return Candidates(
        sentence_ids,
        empty,
        empty,
        empty,
        np.zeros((0, len(FEATURES))),
        attributions,
        np.zeros(len(sentence_ids), dtype=np.int64),
        np.zeros(len(sentence_ids)),
        question,
        {},
    )


def idf_weights(dfs: Mapping[str, int], docs: int, terms: Sequence[str]) -> Floats:
    """Positive idf of each term (the window scores' weights), as the passages use it."""
    docs = max(docs, 1)
    return np.array([math.log(1 + (docs - dfs[t] + 0.5) / (dfs[t] + 0.5)) for t in terms])
