"""A message sent after an answer: a follow-up, searched with the question that answer
answered, or a question of its own, searched alone.

Read with the answer above, a question of its own was answered wrong: "What is the flood
tax?" after an answer about a Zürich tram line was searched as both, found the tram passage
above best, and was told "Nothing beyond the passages already shown answers that", though
three stored passages are about the flood tax. So a message is read with the answer above
only when it cannot be read alone (it points back at the answer, "who did he beat?", or has
no word of its own, "when?"), or when the corpus ties its words to that answer: they are in
the passages it showed ("which province?" under "…in Ardabil province"), or a stored
passage holds them with that question's words ("what about Fastnet?" under lighthouse
keepers). Anything else is asked alone: "Who is Adam Neumann?" after the tram line.

Reads only; blocks (`Engine.ask_after` runs it in a worker thread).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, tzinfo

from retrieval.models import Passage
from retrieval.question_text import MAX_QUESTION_CHARS, between_words
from retrieval.ranking.named_time import (
    names_its_own_time,
    without_named_time,
    without_own_time,
)
from retrieval.search import Searcher
from retrieval.search_result import SearchResult


@dataclass(frozen=True, slots=True)
class AnswerAbove:
    """The answer a message comes after: the question it answered, as searched, and the
    texts of the sentences it showed (all its pages)."""

    question: str
    shown: tuple[str, ...] = ()


# Of the words of the question above, the share a stored passage must hold beside every word
# the message adds, for the two to be about one thing ("Hook" with "lighthouse keeper": the
# Hook lighthouse's keeper); a word or two of a long question ("line" of "Which tram line did
# Zürich approve?" in a WeWork story) is chance.
EARLIER_SHARE = 0.5


def search_after(
    searcher: Searcher,
    message: str,
    above: AnswerAbove,
    points_back: bool,
    limit: int,
    as_of: float | None,
    zone: tzinfo = UTC,
) -> SearchResult:
    """The first page for `message`, sent after the answer `above`: as its follow-up
    (`SearchResult.follows` set, the passages `above` showed left out) when it points back
    at it (`points_back`: a pronoun, "else", "next"), has no word of its own, or its words
    are tied to it (`_may_be_tied`, `_holds`); else as a question of its own. A month or
    day it names is read in `zone`, the moment's. Reads only."""
    earlier = above.question
    if names_its_own_time(message):  # "and in 2024?", "what about now?": not June 2022's
        earlier = without_named_time(earlier)
    terms = searcher.index.tokenizer
    own = set(terms(without_own_time(message)))
    earlier_terms = set(terms(earlier))
    new = own - earlier_terms

    def as_follow_up() -> SearchResult:
        merged = with_earlier(message, earlier)
        found = searcher.search(merged, limit, 0, as_of, above.shown, zone)
        # the unknown words of the question above were told under its answer
        unmatched = tuple(word for word in found.unmatched if set(terms(word)) <= own)
        return replace(found, follows=earlier, unmatched=unmatched)

    if points_back or not own:  # "who did he beat?", "when?", "and in 2024?"
        return as_follow_up()
    if not new:  # the words of the question above: "who won in 2024?" asks it then
        if names_its_own_time(message):
            return as_follow_up()
        return searcher.search(message, limit, 0, as_of, (), zone)  # "joint exercise", as typed
    if new <= set(_terms_of(searcher, above.shown)):  # about what the answer showed
        return as_follow_up()
    known = new - searcher.vocabulary.unknown_terms(sorted(new))
    if known and earlier_terms and _may_be_tied(searcher, known, earlier_terms):
        found = as_follow_up()
        if found.passages and _holds(searcher, found.passages[0], known, earlier_terms):
            return found
    return searcher.search(message, limit, 0, as_of, (), zone)


def _holds(searcher: Searcher, passage: Passage, new: set[str], earlier: set[str]) -> bool:
    """Whether `passage` (its quote and headline) holds every one of `new` and
    EARLIER_SHARE of `earlier`: the corpus reads the message with the question above."""
    held = set(_terms_of(searcher, (passage.quote, passage.article.title)))
    return new <= held and len(earlier & held) >= EARLIER_SHARE * len(earlier)


# The most articles `_may_be_tied` reads the terms of (those holding the rarest new word); past
# it, the follow-up search is made to tell, as it is where some article may tie them.
TIE_CHECK_ARTICLES = 5000


def _may_be_tied(searcher: Searcher, new: set[str], earlier: set[str]) -> bool:
    """Whether some stored article (its headline and the sentences indexed of it) holds
    every one of `new` and EARLIER_SHARE of `earlier`, as a passage that ties a message to
    the answer above must (`_holds`: its quote is some of those sentences). Where none does,
    the message is asked alone without first being searched as a follow-up, to be found
    untied: a second whole search, for every message of its own sent after an answer. Read
    from the article index's postings; True when it cannot tell (no article index, or too
    many articles to read)."""
    articles = searcher.articles
    if articles is None:
        return True
    frequencies = articles.document_frequencies(new)
    rarest = min(sorted(new), key=frequencies.__getitem__)
    if not 0 < frequencies[rarest] <= TIE_CHECK_ARTICLES:
        return True  # 0: a word the sentence index holds and the article index not yet
    holding = [hit.doc_id for hit in articles.search([rarest], frequencies[rarest])]
    if not holding:  # a term of zero weight matches nothing (`Index.search`): cannot tell
        return True
    terms = sorted(new) + sorted(earlier)
    held = articles.term_counts(holding, terms).counts > 0
    holds_new = held[:, : len(new)].all(axis=1)
    holds_earlier = held[:, len(new) :].sum(axis=1) >= EARLIER_SHARE * len(earlier)
    return bool((holds_new & holds_earlier).any())


def _terms_of(searcher: Searcher, texts: Iterable[str]) -> list[str]:
    return [term for text in texts for term in searcher.index.tokenizer(text)]


def with_earlier(question: str, earlier: str) -> str:
    """A follow-up and the question it follows, as one search, both within the length a
    question is read to: the follow-up in what the earlier question leaves (a quarter at
    least), the earlier one in the rest. Joined whole, a long follow-up would push the
    earlier question past the cut."""
    room = max(MAX_QUESTION_CHARS - len(earlier) - 1, MAX_QUESTION_CHARS // 4)
    new = between_words(question, room)
    return f"{new} {between_words(earlier, MAX_QUESTION_CHARS - len(new) - 1)}"
