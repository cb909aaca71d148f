"""Which of a question's words the stored text holds, and what is made of those it does not:
the terms no sentence or headline holds, how much of the question they weigh, the words of
the question they are named by in an answer's note, the spellings one letter off that
articles do hold ("Did you mean"), and the scripts the corpus holds next to no text in.

Apart from the searcher, which asks it before it searches (a question mostly of unknown
words, or all in another script, is told so and not searched) and after (the words named
over the passages, those the best passage left out). A follow-up is told from a new question
by the words it adds that the corpus holds (`follow_ups`). Reads only; safe from several
threads at once, as the searcher is.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import numpy as np

from retrieval.corpus.reader import CorpusReader
from retrieval.index.index import Index
from retrieval.index.tokens import Tokenizer, has_cjk, visible
from retrieval.question_text import LINK
from retrieval.ranking.features import idf_weights
from retrieval.respelling import respelt
from retrieval.scripts import Scarce, scarce_scripts, script_of

# The sentences holding a respelt word's term read for how the news writes it (`respelling`)
WRITTEN_SENTENCES = 20


# Where a question's sentences end: a mark that ends one, then a space or the end (Arabic's
# "؟" too); CJK's "。", "！", "？" wherever they stand, since no space follows them there
# ("加沙发生了什么？What happened in Gaza?")
_SENTENCE_END = re.compile(r"[.?!;؟]+(?=\s|$)|[。！？]+")


def terms_said_again(
    question: str, tokens: Sequence[str], missing: Collection[str], tokenizer: Tokenizer
) -> set[str]:
    """The `missing` terms of the question's sentences written in a script (`script_of`)
    that none of its words the corpus holds are in, beside a sentence whose words are:
    the question said again in another language ("ما هي أخبار غزة؟ What happened in Gaza
    in 2023?"), which no stored article is written in. Weighed with the rest, its words
    made the question mostly unknown (`MOSTLY_UNKNOWN`), and it was refused. A name in its
    own script within a sentence ("What did Владимир Путин say?") is no sentence of it,
    and counts; so do a question's German words ("Was hat der Bürgermeister von Moskau
    angekündigt?"), in the Latin script of the words the corpus holds."""
    if not missing:  # what is said again is among them: most questions' words are all held
        return set()
    held = {script_of(term) for term in tokens if term not in missing} - {""}
    if not held:
        return set()
    said: set[str] = set()
    for sentence in _SENTENCE_END.split(LINK.sub(" ", question)):
        terms = set(tokenizer(sentence))
        scripts = {script_of(term) for term in terms} - {""}
        if len(scripts) == 1 and not scripts & held:
            said |= terms & set(missing)
    return said


class Vocabulary:
    """The stored text's words as a question meets them: the sentence index, the article
    index (headlines too), and the reader for how a respelt word is written."""

    def __init__(self, reader: CorpusReader, index: Index, articles: Index | None) -> None:
        self.reader = reader
        self.index = index
        self.articles = articles

    def words(self, question: str, terms: Collection[str]) -> tuple[str, ...]:
        """The words of `question` all of whose terms are among `terms`, once each; of a
        word with Chinese, Japanese or Korean in it, the stretches whose bigrams all are
        (`_cjk_stretches`)."""
        terms = set(terms)
        words: list[str] = []
        # as the tokenizer reads it: "Volta\u200bMotors" (a zero-width space, a word joiner
        # or a BOM pasted between them) is one word, "VoltaMotors", named when no article
        # holds it; split at the invisible character, neither half was named
        for word in re.findall(r"\w[\w'’.-]*\w|\w", visible(LINK.sub(" ", question))):
            found = self.index.tokenizer(word)
            if found and terms.issuperset(found):
                named = [word]
            elif has_cjk(word):
                named = self._cjk_stretches(word, terms)
            else:
                continue
            words.extend(n for n in named if n not in words)
        return tuple(words)

    def _cjk_stretches(self, word: str, terms: set[str]) -> list[str]:
        """The stretches of `word` spelt by overlapping terms among `terms`, less a
        character at either end that a term not among them holds: "埃尔多安说了什么" is one
        \\w word of seven bigrams, and its one known bigram ("什么") left it unnamed in "No
        stored article mentions : most of what the question asks..."; now “埃尔多安说了”."""
        stretches: list[list[int]] = []
        held: set[int] = set()  # characters of the other terms
        for term, start, end in self.index.tokenizer.words(word):
            if term not in terms:
                held.update(range(start, end))
            elif stretches and start < stretches[-1][1]:
                stretches[-1][1] = end
            else:
                stretches.append([start, end])
        named = []
        for start, end in stretches:
            first, last = start + (start in held), end - (end - 1 in held)
            named.append(word[first:last] if last > first else word[start:end])
        return named

    def respelt(self, words: Sequence[str]) -> tuple[str, ...]:
        """Spellings one letter off of `words` (no stored article's) that enough articles
        hold (`respelling`)."""
        if not words:
            return ()
        holding = self.articles or self.index
        return respelt(words, self.index.tokenizer, holding.document_frequencies, self._written)

    def _written(self, term: str, spellings: Sequence[str]) -> str | None:
        """The first of `spellings` that a stored sentence holding `term` writes (of the
        best `WRITTEN_SENTENCES`), whatever its case; None if none does."""
        hits = self.index.search([term], WRITTEN_SENTENCES)
        texts = self.reader.sentence_texts(h.doc_id for h in hits)
        words = {w.casefold() for text in texts.values() for w in re.findall(r"\w+", text)}
        return next((s for s in spellings if s in words), None)

    def unknown_terms(self, tokens: Sequence[str]) -> set[str]:
        """The terms of a question that no sentence or headline holds."""
        missing = {term for term, df in self.index.document_frequencies(tokens).items() if not df}
        if missing and self.articles is not None:
            missing = {
                t for t, df in self.articles.document_frequencies(missing).items() if not df
            }
        return missing

    def scarce_scripts(self, tokens: Collection[str]) -> Scarce | None:
        """The scripts of `tokens` when the stored text holds next to none in them
        (`scarce_scripts`); None when it does, or holds no article at all (not the
        question's fault: `Searcher._nothing_matches` says so)."""
        if len(self.index) == self.index.hidden:
            return None
        initials = self.index.initials()
        if self.articles is not None:  # headlines' words too, as `unknown_terms` holds them
            initials.update(self.articles.initials())
        return scarce_scripts(tokens, initials)

    def weight_of(self, missing: set[str], tokens: Sequence[str]) -> float:
        """The share of a question's weight that its `missing` terms carry, each weighing as
        much as the rarest of the terms the corpus holds: by its own idf, that of a word in
        no sentence, one unknown name would outweigh every other word of a short question
        ("What did Qwertyuiop say about the budget?")."""
        terms = sorted(set(tokens))
        idf = idf_weights(self.index.document_frequencies(terms), len(self.index), terms)
        unknown = np.array([t in missing for t in terms])
        idf[unknown] = idf[~unknown].max()
        return float(idf[unknown].sum() / idf.sum()) if idf.sum() else 0.0
