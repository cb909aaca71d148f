"""Tokens for BM25: Unicode-normalized, case-folded words, English stopwords out, stemmed.

Queries and passages go through the same `Tokenizer`, so a change here changes the index:
the index records the tokenizer's `signature` and is rebuilt when it differs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import Stemmer

# NLTK's English stopword list (nltk_data/corpora/stopwords/english), shipped here because
# nltk.download() cannot run offline. Contracted forms are split at the apostrophe by the
# word pattern, so their parts ("don", "t") are listed as NLTK lists them.
STOPWORDS = frozenset(
    """
    a about above after again against ain all am an and any are aren arent as at be because
    been before being below between both but by can couldn couldnt d did didn didnt do does
    doesn doesnt doing don dont down during each few for from further had hadn hadnt has hasn
    hasnt have haven havent having he her here hers herself him himself his how i if in into is
    isn isnt it its itself just ll m ma me mightn mightnt more most mustn mustnt my myself
    needn neednt no nor not now o of off on once only or other our ours ourselves out over own
    re s same shan shant she shes should shouldn shouldnt shouldve so some such t than that
    thatll the their theirs them themselves then there these they this those through to too
    under until up ve very was wasn wasnt we were weren werent what when where which while who
    whom why will with won wont wouldn wouldnt y you youd youll your youre yours yourself
    yourselves youve
    """.split()  # noqa: SIM905 -- a word list reads better as text
)

_WORD = re.compile(r"\w+")
MAX_TOKEN_LENGTH = 40  # longer "words" are URLs, hashes or markup debris


@dataclass(frozen=True)
class Tokenizer:
    """Turns text into index terms; `stem` and `stopwords` can be switched off to compare."""

    stem: bool = True
    stopwords: bool = True

    @property
    def signature(self) -> str:
        """Identifies the token rules, so an index built with other rules is not reused."""
        return f"v1:stem={int(self.stem)}:stop={int(self.stopwords)}"

    @cached_property
    def _stemmer(self) -> Stemmer.Stemmer:
        return Stemmer.Stemmer("english", 200_000)

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """The (term, start, end) of every indexable word, offsets into `text` as given.

        Offsets index the original string, so highlights line up with what the user reads;
        NFKC is applied word by word for that reason.
        """
        found: list[tuple[str, int, int]] = []
        for match in _WORD.finditer(text):
            word = unicodedata.normalize("NFKC", match.group()).casefold()
            if len(word) > MAX_TOKEN_LENGTH or (self.stopwords and word in STOPWORDS):
                continue
            found.append((word, match.start(), match.end()))
        if self.stem and found:
            stems = self._stemmer.stemWords([w for w, _, _ in found])
            found = [(s, a, b) for s, (_, a, b) in zip(stems, found, strict=True)]
        return found

    def __call__(self, text: str) -> list[str]:
        """The terms of `text` in order, repeats kept (BM25 counts them)."""
        words = [
            w
            for w in _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
            if len(w) <= MAX_TOKEN_LENGTH and not (self.stopwords and w in STOPWORDS)
        ]
        return self._stemmer.stemWords(words) if self.stem else words
