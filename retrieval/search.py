"""Answering a question: the indexes find candidates, the ranking model orders their windows.

As of a moment (the question's date; now by default), the sentence index gives the best
sentences and the article index the best whole articles, both skipping anything published
later. Every window of one to three sentences of those articles is a candidate with a row of
cheap features (`ranking.features`); a linear model trained on real news questions scores
them (`ranking.model`), and the best, without overlaps or syndicated copies, are the passages.

All of it is synchronous: `Engine.ask` runs a whole question in one worker-thread call, so
the event loop never waits on any of it.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, tzinfo
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from retrieval.addresses import same_page, same_page_urls
from retrieval.corpus.dates import to_timestamp
from retrieval.corpus.reader import REMEMBERED_ARTICLES, CorpusReader, StoredArticle
from retrieval.highlighting import Asked
from retrieval.index.index import Index, ScoredDoc
from retrieval.index.tokens import MAX_TOKEN_LENGTH
from retrieval.models import Passage
from retrieval.question_text import (
    LINK,
    cut,
    has_words,
    link_addresses,
    read_question,
)
from retrieval.quotes import quote_text
from retrieval.ranking import selection
from retrieval.ranking.features import (
    DAY,
    ArticleEvidence,
    CandidatePolicy,
    Candidates,
    build_candidates,
    idf_weights,
)
from retrieval.ranking.model import Ranker, default_ranker
from retrieval.ranking.named_time import (
    NamedLater,
    NoSuchDay,
    NothingRecent,
    named_time,
    no_such_day,
    recent_span,
    without_named_time,
)
from retrieval.ranking.question import profile
from retrieval.ranking.selection import choose, on_topic, unshown
from retrieval.scripts import Scarce, script_of
from retrieval.search_result import ONLY_SHOWN, SearchResult, did_you_mean, listed
from retrieval.vocabulary import Vocabulary, terms_said_again

# A question whose words no stored article holds carry more than this share of its weight
# is not answered from the rest (one unknown word of two, "Кличко мэр", is): "Was hat der
# Bürgermeister von Moskau angekündigt?" quoted an LSU "hat" and Ursula "von" der Leyen
# under "No stored article mentions “Bürgermeister”, “Moskau”, “angekündigt”". None of
# news-qa-dev's 1,000 questions is refused (one holds a word no article does,
# "artefacts"); "What did Qwertyuiop Industries announce about layoffs?" (one unknown name
# of four terms) is answered from the rest, as before. A sentence in a script none of its
# known words are in is the question said again in another language, and weighs nothing
# (`terms_said_again`).
MOSTLY_UNKNOWN = 0.5
MOSTLY_UNKNOWN_SAYS = (
    "No stored article mentions {words}: most of what the question asks is in none of them, "
    "so nothing here answers it. Try other words, or the names as the news writes them."
)
# A question none of whose words any stored article holds, in a script the corpus holds
# next to no text in (`retrieval.scripts`): "Что случилось в Газе?" of English news. Told
# "Nothing ... matches that. Try other words", its asker might try other Russian words.
OTHER_SCRIPT_SAYS = (
    "No stored article mentions {words}: the news corpus holds {held} text in {scripts} "
    "script, so nothing here answers the question. Ask in the language its articles are "
    "written in, with the names as the news writes them."
)
LEAD_SENTENCES = 2  # quoted of an article whose headline alone holds the question's words


# What a question needs, said without an example: one would come from the seed corpus (an
# Iran-Azerbaijan exercise), which is not the corpus asked once articles are ingested.
_WHAT_TO_ADD = "a name, a place or a topic: the words a story about it would use."


def _refused(question: str) -> SearchResult:
    """No passages for a question with nothing to search for, and what to ask instead."""
    if not question:
        return SearchResult(
            question, (), message=f"Ask a question about the news, with {_WHAT_TO_ADD}"
        )
    if LINK.search(question):  # nothing searchable but for its links
        return SearchResult(
            question,
            (),
            message="That is a link: the stored articles' words are searched, not the web. Ask "
            "about the story in words (an admin can add its page to the corpus: newsbot ingest "
            "URL).",
        )
    if not has_words(question):
        what = "no words"
    elif all(
        word.isascii() and len(word) > MAX_TOKEN_LENGTH for word in re.findall(r"\w+", question)
    ):
        what = f"no word of {MAX_TOKEN_LENGTH} letters or fewer"  # "aaaa..." is no word
    else:
        what = "only very common words"
    return SearchResult(question, (), message=f"That question has {what}. Add {_WHAT_TO_ADD}")


def _other_script(question: str, words: tuple[str, ...], scarce: Scarce) -> SearchResult:
    """No passages for a question in scripts the corpus holds next to no text in, and why
    (`OTHER_SCRIPT_SAYS`): its words named, and those scripts."""
    message = OTHER_SCRIPT_SAYS.format(
        words=listed(words),
        held="no" if not scarce.terms else "next to no",
        scripts=" or ".join(scarce.names),
    )
    return SearchResult(question, (), message=message, unmatched=words, other_scripts=scarce.names)


def _nothing_recent(result: SearchResult, moment: float, zone: tzinfo) -> NothingRecent | None:
    """The recent span `result`'s question asks about ("this week", `recent_span`) as of
    `moment`, when all its passages are of articles published before it; None when one is
    of it, or undated (its age unknown), or the question names a month or day (its own
    note tells the time), or there are no passages."""
    if not result.passages or result.named or result.later or result.linked:
        return None
    span = recent_span(result.question, moment, zone)
    if span is None:
        return None
    times = [_published_time(p.article.published) for p in result.passages]
    if None in times:
        return None
    words, since = span
    newest = max(t for t in times if t is not None)
    return NothingRecent(words, since, newest, zone) if newest < since else None


def _no_such_day(result: SearchResult, as_of: float | None, zone: tzinfo) -> NoSuchDay | None:
    """The day `result`'s question names that is none (`no_such_day`), with the moment its
    passages are of: `as_of` (None: now), or the end of another time it names, by which they
    were published (its last day told, as `NamedTime.told` tells it); None when it names no
    such day, or there are no passages (why there are none is told, not what they are of)."""
    if not result.passages:
        return None
    found = no_such_day(result.question)
    if found is None:
        return None
    if result.named is not None:
        as_of = result.named.moment - 1
    return NoSuchDay(*found, as_of, zone)


def _published_time(published: str | None) -> float | None:
    """The Unix time of a passage's published date; None for none, or for one another
    build stored that this one does not read ("2024-11"): its age unknown."""
    try:
        return to_timestamp(published)
    except ValueError:
        return None


class Searcher:
    """Turns questions into passages; safe to use from several threads at once (the indexes
    search a snapshot, the reader gives each thread its own connection)."""

    def __init__(
        self,
        reader: CorpusReader,
        index: Index,
        articles: Index | None = None,
        policy: CandidatePolicy | None = None,
        ranker: Ranker | None = None,
    ) -> None:
        self.reader = reader
        self.index = index
        self.articles = articles
        self.policy = policy or CandidatePolicy()
        self.ranker = ranker or default_ranker()
        self.vocabulary = Vocabulary(reader, index, articles)  # the question's words it holds
        # A title's terms, for as many titles as the reader keeps articles: tokenized once,
        # not at every question that reads its article.
        self._title_terms = lru_cache(maxsize=REMEMBERED_ARTICLES)(self._terms)
        self._signature = index.tokenizer.signature  # of the titles' stored terms

    def remember_newest(self) -> int:
        """Read the newest stored articles as a question reads its candidates
        (`CorpusReader.remember_newest`): a serving process's first questions are then answered
        as its later ones are. Returns how many were read. Reads only; blocks."""
        return self.reader.remember_newest(self.policy.max_position)

    def search(
        self,
        question: str,
        limit: int = 5,
        offset: int = 0,
        as_of: float | None = None,
        shown: Collection[str] = (),
        zone: tzinfo = UTC,
    ) -> SearchResult:
        """The passages ranked offset..offset+limit for `question`, as of `as_of` (Unix time;
        now when None): nothing published later is quoted. Reads only; blocks (run it in a
        worker thread from an event loop). `zone`: the zone of the moment asked, whose days
        a month or day the question names are (`named_time`).

        `shown`: the texts of the sentences of the `offset` passages shown before (a "More"
        page; `Passage.sentences`), or of the answer a follow-up follows (`offset` 0; told
        `ONLY_SHOWN` when nothing else answers it). The page is then the best `limit` windows
        that quote none of them, nor a copy: the same page while the corpus is unchanged,
        and no repeat or skip when an article dated before `as_of` was stored since and
        moved the ranking, or its article was split again into sentences of other ids
        (`newsbot reindex`). The ranking is the same: a follow-up's page is its first page
        less the answer it follows.
        """
        question, cut_at = cut(read_question(question))
        if as_of is not None and not math.isfinite(as_of):
            raise ValueError(f"as_of must be a finite Unix time, not {as_of}")
        moment = time.time() if as_of is None else as_of
        result = self._search(question, limit, offset, moment, shown, zone)
        recent = _nothing_recent(result, moment, zone)
        if recent is not None:
            result = replace(result, recent=recent)
        impossible = _no_such_day(result, as_of, zone)
        if impossible is not None:
            result = replace(result, no_such_day=impossible)
        return result if cut_at is None else replace(result, cut_at=cut_at)

    def _search(
        self,
        question: str,
        limit: int,
        offset: int,
        moment: float,
        shown: Collection[str],
        zone: tzinfo,
    ) -> SearchResult:
        """`search` of a question cleaned and within MAX_QUESTION_CHARS, as of `moment`."""
        tokens = self.index.tokenizer(LINK.sub(" ", question))
        if not tokens:
            linked = self._linked(question, moment, limit) if not offset and not shown else None
            return linked or _refused(question)
        missing = self.vocabulary.unknown_terms(tokens)
        # none of its words held, numbers aside ("Что случилось в Газе в 2023?")
        worded = {t for t in tokens if script_of(t)}
        if worded <= missing and (scarce := self.vocabulary.scarce_scripts(worded)) is not None:
            return _other_script(question, self.vocabulary.words(question, missing), scarce)
        # the question said again in a language no stored article is in weighs nothing:
        # judged by the rest, and its words named over the passages, as unknown ones are
        said_again = terms_said_again(question, tokens, missing, self.index.tokenizer)
        if (
            missing
            and missing != set(tokens)  # none held: "Nothing ... matches", below
            and self.vocabulary.weight_of(
                missing - said_again, [t for t in tokens if t not in said_again]
            )
            > MOSTLY_UNKNOWN
        ):
            words = self.vocabulary.words(question, missing)
            spellings = self.vocabulary.respelt(words)
            message = MOSTLY_UNKNOWN_SAYS.format(words=listed(words)) + did_you_mean(spellings)
            return SearchResult(question, (), message=message, unmatched=words, respelt=spellings)
        candidates = None
        named = named_time(question, zone)
        later = None
        if named is not None and named.moment >= moment:
            # a time named after the moment asked lets no later article in; one that begins
            # after it is told, else its earlier news passes for the answer
            later = NamedLater(named, moment) if named.begins > moment else None
            named = None
        unnamed, unnamed_tokens = question, tokens
        if named is not None or later is not None:
            # the moment carries the time named, or comes before it: its words ("June",
            # "2022") would find previews and round-ups that name it, not its news ("15
            # September 2025" asked as of 2022 found "$15 an hour by 2025")
            unnamed = without_named_time(question)
            unnamed_tokens = self.index.tokenizer(LINK.sub(" ", unnamed)) or tokens
        if named is not None:
            candidates = self.candidates(unnamed, unnamed_tokens, named.moment)
            if candidates is not None and len(candidates):
                moment = named.moment
            else:  # nothing published by then matches: as asked
                candidates = named = None
        elif later is not None and unnamed_tokens is not tokens:  # not of the time alone
            candidates = self.candidates(unnamed, unnamed_tokens, moment)
        if candidates is None:
            candidates = self.candidates(question, tokens, moment)
        if candidates is None or not len(candidates):
            headlines = self._headlines_only(question, tokens, moment, limit, offset)
            if headlines is not None:
                return replace(headlines, later=later)
            return self._nothing_matches(question, tokens, moment)
        candidates, scores = self.ranker.rank(candidates, self.reader.sentence_texts_and_finds)
        first_page = self.ranker.first_page
        rest = self.ranker.rest_scores(candidates)
        if shown:
            # a window the earlier pages showed may now rank anywhere, or overlap new ones,
            # or have a copy stored since; a follow-up leaves out the answer it follows (its
            # pages and theirs), of at most a window a sentence
            before = offset + len(shown)
            chosen = choose(candidates, scores, 2 * before + limit + 1, first_page, rest)
            unshown_windows = unshown(candidates, chosen, list(shown))
            best_shown = not offset and bool(chosen) and chosen[0] not in unshown_windows[:1]
        else:
            chosen = choose(candidates, scores, offset + limit + 1, first_page, rest)
            unshown_windows = chosen[offset:]
            best_shown = False
        page = unshown_windows[:limit]
        asked = Asked(self.index.tokenizer, LINK.sub(" ", question))
        passages = self._passages(candidates, scores, page, offset + 1, asked)
        if not passages and offset:
            return SearchResult(question, (), message="No more passages for that question.")
        if not passages and shown:
            return SearchResult(question, (), message=ONLY_SHOWN)
        has_more = len(unshown_windows) > limit
        unmatched = self.vocabulary.words(question, missing) if missing else ()
        return SearchResult(
            question,
            tuple(passages),
            has_more=has_more,
            named=named,
            later=later,
            unmatched=unmatched,
            respelt=self.vocabulary.respelt(unmatched),
            best_shown=best_shown,
            off_topic=() if has_more else self._off_topic(question, candidates, scores),
        )

    def _off_topic(
        self, question: str, candidates: Candidates, scores: npt.NDArray[np.float64]
    ) -> tuple[str, ...]:
        """The words of `question` the best window left out as off the topic holds
        (`selection.on_topic`; none for a claim's sources, which leave none out)."""
        if not candidates.question.asks:
            return ()
        matched = candidates.window_terms()
        if matched is None:
            return ()
        left = np.flatnonzero(~on_topic(candidates))
        if not len(left):
            return ()
        best = int(left[np.argmax(scores[left])])
        held = {t for t, m in zip(candidates.terms, matched[best].tolist(), strict=True) if m}
        return self.vocabulary.words(question, held)

    def _passages(
        self,
        candidates: Candidates,
        scores: npt.NDArray[np.float64],
        page: list[int],
        first_rank: int,
        asked: Asked,
    ) -> list[Passage]:
        """The passages quoting the windows `page`, ranked from `first_rank`; a window whose
        article was deleted since it was indexed, or since the window was cut, is left out."""
        passages = []
        for rank, window in enumerate(page, start=first_rank):
            article = candidates.attributions.get(int(candidates.article[window]))
            if article is None or not candidates.read_whole(window):
                continue
            quote = candidates.quote(window)
            passages.append(
                Passage(
                    rank=rank,
                    score=round(float(scores[window]), 6),
                    quote=quote,
                    highlights=asked.highlights(quote),
                    article=article,
                    sentence_ids=candidates.sentence_ids(window),
                    sentences=candidates.sentence_texts(window),
                )
            )
        return passages

    def candidates(self, question: str, tokens: list[str], moment: float) -> Candidates | None:
        """The candidate windows of `question` as of `moment`, with their features; None
        when nothing matches. Reads only."""
        policy = self.policy
        hits = self.index.search(tokens, policy.sentence_hits, moment)
        article_hits, recent_hits = self._article_hits(tokens, moment)
        if not hits and not article_hits:
            return None
        ids = self._candidate_articles(hits, article_hits + recent_hits)
        terms = sorted(set(tokens))
        idf = idf_weights(self.index.document_frequencies(terms), len(self.index), terms)
        asked = profile(question)
        asking_terms = set(self.index.tokenizer(asked.asking))
        asking = np.array([t in asking_terms for t in terms], dtype=bool)
        stored = self.reader.stored_articles(ids, policy.max_position)
        attributions = {i: article.attribution for i, article in stored.items()}
        article_scores = (
            self.articles.scores(ids, tokens) if self.articles is not None else np.zeros(len(ids))
        )
        evidence = []
        for article_id, article_score in zip(ids, article_scores, strict=True):
            found = stored.get(article_id)
            if found is None:
                continue
            evidence.append(
                ArticleEvidence(
                    id=article_id,
                    sentence_ids=found.sentence_ids,
                    positions=found.positions,
                    title_terms=self._title_terms_of(found),
                    time=found.time,
                    score=float(article_score),
                    in_article_hits=article_id in article_hits,
                    in_recent_hits=article_id in recent_hits,
                )
            )
        sentence_ids = np.concatenate([np.zeros(0, np.int64), *(a.sentence_ids for a in evidence)])
        counts, lengths, words = self.index.term_counts(sentence_ids, terms)
        hit_rank = {h.doc_id: rank for rank, h in enumerate(hits)}
        candidates = build_candidates(
            question=asked,
            terms=terms,
            idf=idf,
            asking=asking,
            articles=evidence,
            counts=counts,
            lengths=lengths,
            words=words,
            hit_rank=hit_rank,
            moment=moment,
            attributions=attributions,
            policy=policy,
        )
        if len(self.index) < selection.OFF_TOPIC_MIN_SENTENCES:  # too few to tell: all kept
            candidates = replace(candidates, weights=None)
        return candidates

    def _candidate_articles(self, hits: Sequence[ScoredDoc], article_hits: list[int]) -> list[int]:
        """The candidate articles: those of the best sentence hits (the first
        `policy.hit_articles`, in the order of their best hit), then `article_hits` (the
        article index's best, the recent days' best) not among them."""
        article_of = self.reader.articles_of([h.doc_id for h in hits])
        ids = list(dict.fromkeys(article_of[h.doc_id] for h in hits if h.doc_id in article_of))
        ids = ids[: self.policy.hit_articles]
        ids.extend(i for i in dict.fromkeys(article_hits) if i not in ids)
        return ids

    def _linked(self, question: str, moment: float, limit: int) -> SearchResult | None:
        """For a question of links only, the leads of the stored articles they name (as
        ingest matches an address: `canonical_url`, `same_page`) published by `moment`;
        None if none is."""
        urls = link_addresses(question)
        variants = {variant for url in urls for variant in same_page_urls(url)}
        stored = self.reader.article_ids_at(variants, moment) if urls else {}
        by_page: dict[str, int] = {}
        for url, article_id in sorted(stored.items(), key=lambda item: item[1]):
            by_page.setdefault(same_page(url), article_id)  # the first stored
        pages = (same_page(url) for url in urls)
        ids = list(dict.fromkeys(by_page[p] for p in pages if p in by_page))[:limit]
        passages = self._leads(question, [(i, 1.0) for i in ids])
        if not passages:
            return None
        return SearchResult(
            question, tuple(passages), linked=tuple(p.article.id for p in passages)
        )

    def _headlines_only(
        self, question: str, tokens: list[str], moment: float, limit: int, offset: int
    ) -> SearchResult | None:
        """Where the question's words are in headlines only (every window shares a word with
        the question, so none is a candidate), the leads of those articles, best first, as of
        `moment`; None when no headline matches either. One page: a lead is all they give."""
        if self.articles is None:
            return None
        hits = self.articles.search(tokens, limit, moment)
        if not hits:
            return None
        if offset:
            return SearchResult(question, (), message="No more passages for that question.")
        passages = self._leads(question, [(h.doc_id, h.score) for h in hits])
        return SearchResult(question, tuple(passages)) if passages else None

    def _leads(self, question: str, scored: Sequence[tuple[int, float]]) -> list[Passage]:
        """The leads of these articles (id and score), in order."""
        stored = self.reader.stored_articles([i for i, _ in scored], LEAD_SENTENCES - 1)
        read = self.reader.sentence_texts_and_finds(
            int(i) for article in stored.values() for i in article.sentence_ids
        )
        texts = {sentence_id: text for sentence_id, text, _, _ in read}
        paragraphs = {sentence_id: paragraph for sentence_id, _, _, paragraph in read}
        asked = Asked(self.index.tokenizer, LINK.sub(" ", question))
        passages: list[Passage] = []
        for article_id, score in scored:
            article = stored.get(article_id)
            if article is None:
                continue
            ids = tuple(int(i) for i in article.sentence_ids if int(i) in texts)
            lead = [texts[i] for i in ids]
            quote = quote_text(lead, [paragraphs[i] for i in ids], opens_article=True)
            if not quote:
                continue
            passages.append(
                Passage(
                    rank=len(passages) + 1,
                    score=round(score, 6),
                    quote=quote,
                    highlights=asked.highlights(quote),
                    article=article.attribution,
                    sentence_ids=ids,
                    sentences=tuple(lead),
                )
            )
        return passages

    def _nothing_matches(self, question: str, tokens: list[str], moment: float) -> SearchResult:
        """No passages, and why: nothing published by the moment asked about (now, too: an
        article may be dated days ahead) matches the question, though later articles do (so
        that other words are not what it needs), or nothing matches at all, or there is
        nothing to match."""
        later = self.index.search(tokens, 1) or (
            self.articles is not None and self.articles.search(tokens, 1)
        )
        if later:
            return SearchResult(question, (), nothing_by=moment)
        if len(self.index) == self.index.hidden:  # not the question's fault
            return SearchResult(question, (), message="The news corpus holds no articles.")
        spellings = self.vocabulary.respelt(
            self.vocabulary.words(question, self.vocabulary.unknown_terms(tokens))
        )
        return SearchResult(
            question,
            (),
            message="Nothing in the news corpus matches that. Try other words or a broader "
            "question." + did_you_mean(spellings),
            respelt=spellings,
        )

    def _article_hits(self, tokens: list[str], moment: float) -> tuple[list[int], list[int]]:
        """The best whole articles as of `moment`, and the best of its last days."""
        policy = self.policy
        if self.articles is None:
            return [], []
        best = self.articles.search(tokens, policy.article_hits, moment)
        recent = []
        if policy.recent_hits:
            since = moment - policy.recent_days * DAY
            recent = self.articles.search(tokens, policy.recent_hits, moment, since)
        return [h.doc_id for h in best], [h.doc_id for h in recent]

    def _title_terms_of(self, article: StoredArticle) -> frozenset[str]:
        """The terms of an article's title: as stored with it, if by these token rules."""
        stored = article.title_terms
        if stored is not None and stored[0] == self._signature:
            return stored[1]
        return self._title_terms(article.attribution.title)

    def _terms(self, text: str) -> frozenset[str]:
        return frozenset(self.index.tokenizer(text))
