"""Choosing the passages of an answer among its scored windows: no two overlapping, no
syndicated copy, a first page that does not repeat its answers, and a claim's sources one
passage an article (`model` scores the windows)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from retrieval.corpus.text import Shingles, fingerprint, near_duplicate_shingles, shingles
from retrieval.ranking.answers import novelty_of
from retrieval.ranking.features import COLUMN, Candidates, Ints

Floats = npt.NDArray[np.float64]


# On the first page, a window whose candidate answers (names and numbers the question does
# not hold) are already quoted above scores this much less for each share of them: three
# passages naming one wrong person are two wasted. Cross-validated on news-qa-dev (weights
# 0.25-2 alike): answer@3 asked now 0.605 -> 0.619, as of the date 0.676 -> 0.679.
REPEATED_ANSWERS = 1.0


# A passage whose word 3-grams are this much (of the shorter's) in one quoted above is the
# same story told again: an outlet's rewrite of its own report ("It's official: after weeks
# of rumors, Lea Michele is officially replacing..." under the first version, 0.76), which
# the syndicated copies' 0.8 (`corpus.text.SYNDICATED`) lets through. On news-qa-dev's first
# five quotes: 22 pairs sharing over 80% of their words -> 17 as of the date (13 -> 10
# asked now); answer@k unchanged as of the date, one question fewer at answer@3 asked now.
REWRITTEN = 0.7


# A question's passage is left out when its article (the passage, its title, its other
# windows) holds less than OFF_TOPIC of the question's idf and less than OFF_TOPIC_BEST of
# what the best article holds: "Rose Zhang" matched by "Home loan approvals rising again"
# ("Rose" is "rise" to the tokenizer) once an article about her answers. Its article's share,
# not the passage's: the answer often sits next to the sentence that names the subject
# ("...proposed a surprise new defense minister, nominating Andrei Belousov"). Measured on
# news-qa-dev's 1,000 questions (top 5 passages): 313 passages left out as of the question's
# date, 239 asked now; the answer lost from the first five by 1 question as of its date
# (answer@5 0.727 -> 0.726), none asked now. The passage's own share instead lost 17 and 10.
OFF_TOPIC = 0.35
OFF_TOPIC_BEST = 0.5
# Below this many sentences in the corpus nothing is left out: idf tells a rare word from a
# common one only over enough text. Among a few articles of one story ("Rathlin ferry" in
# each) the story's own words weigh nothing and a word such as "week", held by one, decides;
# a feed's first day (some 50 articles, 1,000 sentences) is past it.
OFF_TOPIC_MIN_SENTENCES = 1_000


# Keywords of at most this many terms ("xylophone quartet", "oil prices opec") get their
# sources in tiers of how much of their idf each article holds (its title and candidate
# windows together), then by whole-article BM25 within a tier: each word is one of the few
# things asked for. By BM25 alone, whose length norm weighs a short article's one "quartet"
# above a long one's "xylophone", the NBA playoffs, ABBA and KISS came first and the
# articles with the rarer word (none holds both) twelfth and after. A tier holds the articles
# within KEYWORDS_MARGIN of the idf share of its best: two words about as rare ("patriotism
# and pride", 0.52 / 0.48) leave the order to BM25, which ranks a story's reports better
# (story-roundups-dev's titles of two terms lost 0.44 nDCG summed over four, tiered without
# a margin; of four terms, with it, 0.02). A longer claim keeps BM25's order.
KEYWORDS = 3
KEYWORDS_MARGIN = 0.1


# What the share of the question its article holds (`article_share`) adds to a question's
# window's score for the choice: a passage of the article that tells the story asked about
# before one that matches the question as well but in an article about something else. The
# second stage's columns are the window's own coverage and the article's BM25, not this.
# Chosen on news-qa-dev over 0-6 (a window's scores spread some 1.45 in a pool): 3 in each
# of five folds by week (chosen on four, scored on the fifth: answer@3 0.687-0.692 against
# 0.686); as of the date 0.523 / 0.686 / 0.729 -> 0.519 / 0.692 / 0.737, now 0.440 / 0.619 /
# 0.680 -> 0.462 / 0.629 / 0.693.
ARTICLE_SHARE = 3.0


def article_share(candidates: Candidates) -> Floats:
    """Per window, the most of the question's idf that one window of its article holds with
    the article's title (`Candidates.held`; 1 everywhere where that is not judged)."""
    held = candidates.held()
    if not len(held):
        return np.zeros(0)
    _, article = np.unique(candidates.article, return_inverse=True)
    best = np.zeros(int(article.max()) + 1)
    np.maximum.at(best, article, held)
    return best[article]


def on_topic(candidates: Candidates) -> npt.NDArray[np.bool_]:
    """Per window, whether its article holds enough of the question (`OFF_TOPIC`)."""
    return _on_topic(article_share(candidates))


def _on_topic(share: Floats) -> npt.NDArray[np.bool_]:
    """`on_topic` from each window's `article_share`, whose highest is the best article's."""
    if not len(share):
        return np.ones(0, dtype=bool)
    return (share >= OFF_TOPIC) | (share >= OFF_TOPIC_BEST * float(share.max()))


def choose(
    candidates: Candidates,
    scores: Floats,
    count: int,
    first_page: int,
    rest: Floats | None = None,
) -> list[int]:
    """The `count` best windows by score, no two overlapping and no syndicated copy of a
    window already chosen (see `corpus.text.SYNDICATED`). The windows' text must have been
    read (`Candidates.read_texts`).

    A question gets answers; a claim or keywords (`QuestionProfile.asks` False) get sources
    (`_choose_sources`). For a question, the first `first_page` are the best wherever they
    are (two windows of one article are often the answer and its context), each scored down
    by the share of its candidate answers the passages above it quote already
    (`REPEATED_ANSWERS`). After them, windows of articles not quoted yet come first, so a
    longer list (the bot's More, `ask --limit 10`) reaches more sources; then more of the
    same articles, so a corpus of few articles still fills the page. Measured on
    news-qa-dev against a flat cap of two per article: answer@3 0.669 -> 0.676, nDCG@10 of
    the distinct articles quoted 0.625 -> 0.665 (`benchmarks/train_ranker.py`).

    A window whose article bears too little on the question is no answer (`on_topic`):
    the answer is shorter instead; of the rest, an article that holds more of the question
    counts for more (`ARTICLE_SHARE`).

    `rest`, where given, orders the windows after the first in place of `scores` (a model
    trained for the page, not for the first passage: `model.Ranker`); with no first page
    (`first_page` 0), `scores` order every window.
    """
    if not candidates.question.asks:
        return _choose_sources(candidates, scores, count)
    page = _Page(candidates)
    share = article_share(candidates)
    on_topic = _on_topic(share)

    def ordered(by: Floats) -> tuple[list[int], list[float]]:
        by = by + ARTICLE_SHARE * share
        order = np.lexsort((candidates.start, -by))
        return order[on_topic[order]].tolist(), by.tolist()

    by_final = ordered(scores)
    by_rest = by_final if rest is None else ordered(rest)
    while len(page.chosen) < min(first_page, count):
        order, score = by_rest if page.chosen else by_final
        best, value = None, -np.inf
        for w in order:
            if score[w] <= value:
                break  # a repeat only lowers a score: nothing further on can do better
            if page.fits(w, count):
                found = score[w] - REPEATED_ANSWERS * page.repeated(w)
                if found > value:
                    best, value = w, found
        if best is None:
            break
        page.take(best)
    order, score = by_rest if page.chosen else by_final
    for until, cap in ((count, 1), (count, count)):
        for w in order:
            if len(page.chosen) >= until:
                break
            if page.fits(w, cap):
                page.take(w)
    return page.chosen


def unshown(candidates: Candidates, windows: Sequence[int], earlier: Sequence[str]) -> list[int]:
    """`windows` less those that quote a sentence of `earlier` (what the earlier pages of an
    answer showed) or are a syndicated copy of it: the same wire story stored since under
    another outlet is no new passage for "More"."""
    page = _Page(candidates)
    page.shown = {_plain(sentence) for sentence in earlier}
    told = " ".join(earlier)
    page.kept = [(told, shingles(told))]
    return [w for w in windows if page.fits(w, len(windows))]


def _choose_sources(candidates: Candidates, scores: Floats, count: int) -> list[int]:
    """`choose` for a claim or keywords: the articles that bear on it, one passage each (its
    best window), in the order of their whole-article BM25 (`article_rank`); then more
    windows by score, so a corpus of few articles still fills the page.

    Whole-article evidence ranks sources better than the best window of each: asking with
    the first sentence of each report of story-roundups-dev for the other outlets' reports
    of its story, nDCG@10 0.673 by the order of `choose`'s answers, 0.76 in this order
    (docs/retrieval.md).
    """
    page = _Page(candidates)
    by_score = np.lexsort((candidates.start, -scores))
    article_rank = candidates.features[by_score, COLUMN["article_rank"]]
    tier = _keywords_tier(candidates)[by_score]
    by_article = by_score[np.lexsort((article_rank, tier))]  # best window first (stable)
    # A story filed again, or run by another outlet, under its title is one source: its
    # copies would otherwise be listed one after the other, each with a passage of its own.
    # They come after the other articles, where the page still has room.
    titles: set[str] = set()
    for w in by_article.tolist():
        if len(page.chosen) >= count:
            break
        title = _title_of(candidates, w)
        if title in titles or not page.fits(w, 1):
            continue
        page.take(w)
        if title is not None:
            titles.add(title)
    for w in by_score.tolist():
        if len(page.chosen) >= count:
            break
        if page.fits(w, count):
            page.take(w)
    return page.chosen


def _keywords_tier(candidates: Candidates) -> Ints:
    """Per window, its article's tier (0 first) by the share of the question's idf the
    article's windows and title hold, when the question is a few keywords (`KEYWORDS`); 0
    everywhere for a longer claim, or where idf is not judged (`OFF_TOPIC_MIN_SENTENCES`)."""
    weights = candidates.weights
    matched = None if weights is None else candidates.window_terms()
    if weights is None or matched is None or len(candidates.terms) > KEYWORDS:
        return np.zeros(len(candidates), dtype=np.int64)
    _, article = np.unique(candidates.article, return_inverse=True)
    held = np.zeros((int(article.max(initial=-1)) + 1, len(candidates.terms)), dtype=bool)
    np.logical_or.at(held, article, matched)
    return _tiers(held @ weights)[article]


def _tiers(shares: Floats) -> Ints:
    """The tier of each share, highest first: a tier holds the shares within
    `KEYWORDS_MARGIN` of its highest, the next begins at the first below them."""
    tiers = np.zeros(len(shares), dtype=np.int64)
    tier, top = -1, np.inf
    for i in np.argsort(-shares, kind="stable").tolist():
        if shares[i] < top - KEYWORDS_MARGIN:
            tier, top = tier + 1, float(shares[i])
        tiers[i] = tier
    return tiers


def _title_of(candidates: Candidates, w: int) -> str | None:
    """The fingerprint of window `w`'s article's title (its words, whatever their case and
    spacing: `text.fingerprint`); None when it has no words."""
    article = candidates.attributions.get(int(candidates.article[w]))
    if article is None or not any(c.isalnum() for c in article.title):
        return None
    return fingerprint(article.title)


class _Page:
    """The windows `choose` has chosen, and what they quote."""

    def __init__(self, candidates: Candidates) -> None:
        self.candidates = candidates
        self.chosen: list[int] = []
        # as lists: `fits` asks of one window at a time, a hundred times a question
        self._start = candidates.start.tolist()
        self._size = candidates.size.tolist()
        self._article = candidates.article.tolist()
        self.taken = bytearray(len(candidates.sentence_id))
        self.per: dict[int, int] = {}
        self.kept: list[tuple[str, Shingles]] = []
        self.shown: set[str] = set()  # sentences quoted: a copy cut at other bounds is one too
        self.answers: list[frozenset[str]] = []  # the words of each candidate answer quoted
        self._answer_words: set[str] = set()  # all of theirs: an answer outside is not quoted
        self._texts: dict[int, tuple[str, Shingles]] = {}  # window -> its text and word 3-grams
        self._said: dict[int, set[str]] = {}  # window -> its sentences, plain (`_plain`)
        self._window_answers: dict[int, list[frozenset[str]]] = {}  # window -> `_answers`

    def fits(self, w: int, cap: int) -> bool:
        """Whether window `w` overlaps no chosen one, is no copy of one, and its article has
        fewer than `cap` chosen."""
        first = self._start[w]
        if 1 in self.taken[first : first + self._size[w]]:
            return False
        if self.per.get(self._article[w], 0) >= cap:
            return False
        if not self._sentences(w).isdisjoint(self.shown):
            return False
        if not self.kept:
            return True  # nothing to be a copy of: its shingles are made when needed
        text, grams = self._text(w)
        return not any(
            near_duplicate_shingles(seen, seen_grams, text, grams, REWRITTEN)
            for seen, seen_grams in self.kept
        )

    def repeated(self, w: int) -> float:
        """The share of window `w`'s candidate answers quoted already ("lee" is, once "minjee
        lee" is); 0 for a window without any."""
        answers = self._answers(w)
        if not answers:
            return 0.0
        quoted = self._answer_words  # an answer with a word no quoted one has is not quoted
        told = sum(a <= quoted and any(a <= seen for seen in self.answers) for a in answers)
        return told / len(answers)

    def take(self, w: int) -> None:
        first, size = self._start[w], self._size[w]
        self.shown |= self._sentences(w)
        self.taken[first : first + size] = b"\x01" * size
        self.per[self._article[w]] = self.per.get(self._article[w], 0) + 1
        self.kept.append(self._text(w))
        self.answers.extend(self._answers(w))
        self._answer_words.update(*self._answers(w))
        self.chosen.append(w)

    def _sentences(self, w: int) -> set[str]:
        if w not in self._said:
            first, text = self._start[w], self.candidates.sentence_text
            self._said[w] = {_plain(text(i)) for i in range(first, first + self._size[w])}
        return self._said[w]

    def _text(self, w: int) -> tuple[str, Shingles]:
        if w not in self._texts:
            text = self.candidates.text(w)
            self._texts[w] = text, shingles(text)
        return self._texts[w]

    def _answers(self, w: int) -> list[frozenset[str]]:
        # asked of the best windows twice (`repeated`, then `take`): worked out once
        if w in self._window_answers:
            return self._window_answers[w]
        c = self.candidates
        first = self._start[w]
        rows = range(first, first + self._size[w])
        novel = None
        if c.novelty is not None:  # read by `add_marks`, for every window it scored
            read_at, carried = c.novelty
            slots = read_at[first : rows.stop].tolist()
            if min(slots) >= 0:
                novel = carried
        if novel is None:
            sentences, given = c.sentences_at(np.arange(first, rows.stop))
            novel = novelty_of(c.question.words, sentences, None, given)
            slots = list(range(len(rows)))
        found = {answer for slot in slots for answer in novel.answers(slot)}
        answers = [frozenset(answer.split()) for answer in sorted(found)]
        self._window_answers[w] = answers
        return answers


def _plain(sentence: str) -> str:
    return " ".join(sentence.casefold().split())
