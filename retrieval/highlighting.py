"""Which words of a quote are the question's, to be shown in bold.

A word of the quote is the question's when the search's tokenizer gives it a term of the
question: "began" is "begin", "exercises" is "exercise", "policies" is "policy". The stemmer
also joins words that are not one: "Ferris" and "ferry" are both "ferri", "Gates" and "gate"
"gate", "Federer" and "Federal" "feder". Those collisions come from names, and a name is
written with a capital. So a capitalised word matches only a word of the question written
the same, case and accents aside ("Ferris" not for "ferry", "Gates" not for "gate", but
"Ferry" for "ferry" and "Beyoncé" for "Beyonce"); and a name in the question (capitalised
past its first word, in a question not set in capitals) only that name, capitalised
("Gates" bolds neither "gate" nor "gates"). Words in lower case on both sides match by their
terms.

A name of letters joined by "&" ("AT&T", "R&D", "S&P") is one word to a reader but pieces to
the tokenizer ("AT" a term, "T" none): bold covers the whole name where the question writes
it, and none of it where not ("P" of "P&G" is no answer to "S&P"), never a piece.

Bold follows the search's terms, so what it shows is why a passage was found: "six" for a
question's "6" (`tokens.NUMBERS`: number words meet their digits) and "Editor" for "editor"
(a capital that opens a line or a title is no name's) are meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.index.tokens import Tokenizer, fold, is_shouting

_DOTS = re.compile(r"[.·]")  # "U.S." is "US"
_JOINED = re.compile(r"\w+(?:&\w+)+")  # "AT&T", "R&D": one name of letters and "&"


def _written(word: str) -> str:
    return _DOTS.sub("", fold(word))


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


class Asked:
    """The words of a question, by their terms: each term's written forms, and whether any
    of them is a common word (not a name), which lets other words of its term match."""

    def __init__(self, tokenizer: Tokenizer, question: str) -> None:
        self.tokenizer = tokenizer
        words = tokenizer.words(question)
        shouting = is_shouting(question.split())
        opening = re.search(r"\w", question)  # its first word's capital is no name's
        first = opening.start() if opening else 0
        self.forms: dict[str, set[str]] = {}
        self.common: set[str] = set()
        for term, a, b in words:
            word = question[a:b]
            self.forms.setdefault(term, set()).add(_written(word))
            if shouting or a == first or not _capitalised(word):
                self.common.add(term)
        self.joined = {_written(name) for name in _JOINED.findall(question)}

    def matches(self, term: str, word: str) -> bool:
        """Whether `word` of a quote, of `term`, is a word of the question."""
        forms = self.forms.get(term)
        if forms is None:
            return False
        if _capitalised(word):
            return _written(word) in forms
        return term in self.common  # "gates" is no word of a question that names Gates

    def highlights(self, quote: str) -> tuple[tuple[int, int], ...]:
        """Character spans of the words in `quote` that are the question's, apart and in
        order: CJK bigrams overlap, and one bold run covers a run of them. In a quote set
        in capitals, capitals say nothing: words match by their terms."""
        shouting = is_shouting(quote.split())
        forms = self.forms  # most of a quote's words are of no term of the question's
        spans = [
            (a, b)
            for term, a, b in self.tokenizer.words(quote)
            if term in forms and self.matches(term, quote[a:b].lower() if shouting else quote[a:b])
        ]
        if "&" in quote:
            spans = self._whole_names(quote, spans)
        return _runs(spans)

    def _whole_names(self, quote: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """`spans` with one in a name joined by "&" made the whole name where the question
        writes that name, else left out (see the module's docstring)."""
        names = [(m.start(), m.end(), _written(m.group())) for m in _JOINED.finditer(quote)]
        whole: list[tuple[int, int]] = []
        for a, b in spans:
            name = next(((s, e, w) for s, e, w in names if s <= a and b <= e), None)
            if name is None:
                whole.append((a, b))
            elif name[2] in self.joined:
                whole.append(name[:2])
        return whole


def _runs(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)
