"""Tokens for BM25: Unicode-normalized, case-folded words, English stopwords out, stemmed.

Queries and passages go through the same `Tokenizer`, so a change here changes the index:
the index records the tokenizer's `signature` and is rebuilt when it differs.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import Stemmer

from retrieval.index.irregular import IRREGULAR

# NLTK's English stopword list (nltk_data/corpora/stopwords/english), shipped here because
# nltk.download() cannot run offline. Contracted forms are split at the apostrophe by the
# word pattern, so their parts ("don", "t") are listed as NLTK lists them; "won" is left
# out, as in news it is the past of "win" far more often than part of "won't".
_NLTK_ENGLISH = """
    a about above after again against ain all am an and any are aren arent as at be because
    been before being below between both but by can couldn couldnt d did didn didnt do does
    doesn doesnt doing don dont down during each few for from further had hadn hadnt has
    hasn hasnt have haven havent having he her here hers herself him himself his how i if in
    into is isn isnt it its itself just ll m ma me mightn mightnt more most mustn mustnt my
    myself needn neednt no nor not now o of off on once only or other our ours ourselves out
    over own re s same shan shant she shes should shouldn shouldnt shouldve so some such t
    than that thatll the their theirs them themselves then there these they this those
    through to too under until up ve very was wasn wasnt we were weren werent what when
    where which while who whom why will with wouldn wouldnt y you youd youll your youre
    yours yourself yourselves youve
"""
STOPWORDS = frozenset(_NLTK_ENGLISH.split())

_WORD = re.compile(r"\w+")
MAX_TOKEN_LENGTH = 40  # longer "words" are URLs, hashes or markup debris
MAX_CACHED_STEMS = 2_000_000  # distinct words whose stems are remembered (about 200 MB at most)


@dataclass(frozen=True)
class Tokenizer:
    """Turns text into index terms; `stem` and `stopwords` can be switched off to compare."""

    stem: bool = True
    stopwords: bool = True
    irregular: bool = True  # map "began" to "begin", "children" to "child" before stemming

    @property
    def signature(self) -> str:
        """Identifies the token rules, so an index built with other rules is not reused."""
        return f"v1:stem={int(self.stem)}:stop={int(self.stopwords)}:irr={int(self.irregular)}"

    @cached_property
    def _stemmers(self) -> threading.local:
        # A PyStemmer stemmer keeps state while it stems and must not be shared by threads
        # that may stem at once: questions, catch-ups and digests run in worker threads.
        return threading.local()

    def _stemmer(self) -> Stemmer.Stemmer:
        """The calling thread's stemmer (its own small cache: `_stems` is the big one)."""
        local = self._stemmers
        stemmer: Stemmer.Stemmer | None = getattr(local, "stemmer", None)
        if stemmer is None:
            stemmer = local.stemmer = Stemmer.Stemmer("english")
        return stemmer

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
            if self.irregular:
                word = IRREGULAR.get(word, word)
            found.append((word, match.start(), match.end()))
        if self.stem and found:
            stems = self._stem([w for w, _, _ in found])
            found = [(s, a, b) for s, (_, a, b) in zip(stems, found, strict=True)]
        return found

    @cached_property
    def _stems(self) -> dict[str, str]:
        # A dict lookup is ten times cheaper than the stemmer, and news vocabulary repeats.
        return {}

    def _stem(self, words: list[str]) -> list[str]:
        """Stem through a cache shared by threads: it only grows (to a bound), so a word found
        in it stays there, and the words this call stems come from its own results."""
        stems = self._stems
        missing = [w for w in words if w not in stems]
        if not missing:
            return [stems[w] for w in words]
        fresh = dict(zip(missing, self._stemmer().stemWords(missing), strict=True))
        if len(stems) < MAX_CACHED_STEMS:
            stems.update(fresh)
        return [fresh[w] if w in fresh else stems[w] for w in words]

    def __call__(self, text: str) -> list[str]:
        """The terms of `text` in order, repeats kept (BM25 counts them)."""
        words = [
            w
            for w in _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
            if len(w) <= MAX_TOKEN_LENGTH and not (self.stopwords and w in STOPWORDS)
        ]
        if self.irregular:
            get = IRREGULAR.get
            words = [get(w, w) for w in words]
        return self._stem(words) if self.stem else words
