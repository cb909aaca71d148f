"""Tokenizing many docs at once: the tokenizer's common path without a Python step per doc.

Most news sentences take `Tokenizer`'s common path: ASCII once a few quotes and dashes are
spaces, no stopword in capitals, no words joined by a dot or comma (`Tokenizer.ascii_words`).
Taken one at a time, deciding that and finding the words cost more than looking their terms
up (about 8 of 12 µs a sentence). Here a batch's texts are joined around a separator word
and decided, split into words and looked up in a few passes over the whole batch. Of the
docs off the common path, those ASCII once quotes and dashes are spaces are tokenized
together (`Tokenizer.written_many`), the others one by one. The terms are exactly those of
`Tokenizer.__call__` for every doc (tests compare them, and all of news-1m was compared).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import repeat

import numpy as np
import numpy.typing as npt

from retrieval.index.tokens import CAPITAL_STOPWORDS, SPACED, Tokenizer

Ints = npt.NDArray[np.int32]

# Texts are joined around a word of their own: byte 1, which no text of the batch may hold
# (checked), made a word by `_WORD_BYTES` while every other non-word byte is a space.
_JOIN = " \x01 "
_SEPARATOR = b"\x01"
_IS_WORD = [c < 128 and re.fullmatch(r"\w", chr(c)) is not None for c in range(256)]
_WORD_BYTES = bytes(c if _IS_WORD[c] or c == 1 else 32 for c in range(256))
_WORD = np.array(_IS_WORD)
_DOT_OR_COMMA = np.array([c in b".," for c in range(256)])
# Longer texts (whole articles) are tokenized one by one: nearly every one has a word joined
# by a dot or comma ("U.S.", "1,500") or a stopword in capitals somewhere, so trying the
# common path on them first would only cost time. Sentences are at most 1,000 characters.
LONG_TEXT = 2_000
# What a written word's id may say besides a term id: a separator, a word left out (a
# stopword...), a stopword in capitals (its doc is off the common path), not known yet.
SEPARATOR, LEFT_OUT, ACRONYM, UNKNOWN = -2, -1, -3, -4


def term_ids(
    tokenizer: Tokenizer,
    texts: Sequence[str],
    written_ids: dict[bytes, int],
    term_id: Callable[[list[str]], list[int]],
) -> tuple[Ints, Ints]:
    """The term ids of `texts`, one doc after the other, and each doc's number of them:
    exactly `term_id(tokenizer(text))` for each text.

    `written_ids` remembers a common-path word as written (ASCII bytes, case kept) with its
    id, or LEFT_OUT, or ACRONYM; it grows here and is the caller's to keep between calls
    with the same tokenizer and vocabulary. `term_id` gives the ids of terms.
    """
    count = len(texts)
    sizes = np.fromiter(map(len, texts), dtype=np.int64, count=count)
    short = np.flatnonzero(sizes <= LONG_TEXT)
    if len(short) == count:
        ids, common, written = _common_path(tokenizer, texts, written_ids, term_id)
    else:
        subset = [texts[i] for i in short.tolist()]
        ids, common, written = _common_path(tokenizer, subset, written_ids, term_id)
        common, written = short[common], short[written]
    # the docs off the common path: those ASCII once spaced at once, the others one by one
    other = np.ones(count, dtype=bool)
    other[common] = False
    lengths = np.zeros(count, dtype=np.int64)
    at_once = written.tolist()
    made = tokenizer.written_many([texts[doc] for doc in at_once])
    terms = dict(zip(at_once, made, strict=True))
    own_terms: list[str] = []
    for doc in np.flatnonzero(other).tolist():
        found = terms[doc] if doc in terms else tokenizer(texts[doc])
        lengths[doc] = len(found)
        own_terms.extend(found)
    own = term_id(own_terms)  # new terms numbered in doc order, as one doc at a time would
    # the common docs' ids, then all in doc order
    separators = ids == SEPARATOR
    doc_of = common[np.cumsum(separators) - separators] if len(common) else common
    kept = ids >= 0
    lengths[common] = np.bincount(doc_of[kept], minlength=count)[common]
    tokens = np.empty(int(lengths.sum()), dtype=np.int32)
    owner = np.repeat(np.arange(count), lengths)
    from_common = ~other[owner]
    tokens[from_common] = ids[kept]
    tokens[~from_common] = own
    return tokens, lengths.astype(np.int32)


def _common_path(
    tokenizer: Tokenizer,
    texts: Sequence[str],
    written_ids: dict[bytes, int],
    term_id: Callable[[list[str]], list[int]],
) -> tuple[Ints, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The ids of the words of the docs on the common path, each doc's followed by a
    SEPARATOR, and those docs' positions in `texts`, ascending; and the positions of the
    docs off it that are ASCII once `SPACED` characters are spaces
    (`Tokenizer.written_many`'s)."""
    nothing = np.zeros(0, dtype=np.int64)
    none = np.zeros(0, dtype=np.int32), nothing, nothing
    joined = _JOIN.join(texts)
    if not texts or joined.count("\x01") != len(texts) - 1:
        return none  # a text holds the separator: all one by one (never in news)
    for char in SPACED:  # not word characters, no case, unchanged by NFKC
        if char in joined:
            joined = joined.replace(char, " ")
    if joined.isascii():
        common = np.arange(len(texts), dtype=np.int64)
    else:
        pieces = joined.split(_JOIN)
        ascii_ = np.fromiter(map(str.isascii, pieces), dtype=bool, count=len(pieces))
        common = np.flatnonzero(ascii_)
        if not len(common):
            return none
        joined = _JOIN.join([pieces[i] for i in common.tolist()])
    data = joined.encode()
    words = data.translate(_WORD_BYTES).split()
    ids = np.fromiter(map(written_ids.get, words, repeat(UNKNOWN)), np.int32, len(words))
    unknown = np.flatnonzero(ids == UNKNOWN)
    if len(unknown):
        _learn(tokenizer, [words[i] for i in unknown.tolist()], written_ids, term_id)
        ids[unknown] = [written_ids[words[i]] for i in unknown.tolist()]
    # off the common path after all: a stopword in capitals, or words joined by "." or ","
    separators = ids == SEPARATOR
    doc_of = np.cumsum(separators) - separators
    off = np.zeros(len(common) + 1, dtype=bool)
    off[doc_of[ids == ACRONYM]] = True
    codes = np.frombuffer(data, dtype=np.uint8)
    joins = np.flatnonzero(_DOT_OR_COMMA[codes[:-1]] & _WORD[codes[1:]])
    if len(joins):
        # where each doc's text starts in `data`: its words' doc is the separators before
        starts = np.flatnonzero(codes == 1)  # the separators' bytes, one between two docs
        off[np.searchsorted(starts, joins)] = True
    if not off.any():
        return ids, common, nothing
    keep = ~off[doc_of]
    return ids[keep], common[~off[: len(common)]], common[off[: len(common)]]


def _learn(
    tokenizer: Tokenizer,
    words: list[bytes],
    written_ids: dict[bytes, int],
    term_id: Callable[[list[str]], list[int]],
) -> None:
    """Work out and remember the ids of these written words (repeats allowed)."""
    missing = [word for word in dict.fromkeys(words) if word not in written_ids]
    acronyms = tokenizer.acronyms and tokenizer.stopwords
    if _SEPARATOR in missing:
        written_ids[_SEPARATOR] = SEPARATOR
        missing.remove(_SEPARATOR)
    lowered = [word.lower() for word in missing]
    terms = tokenizer.ascii_terms(lowered)
    found = [term for term in terms if term is not None]
    ids = iter(term_id(found))
    for word, term in zip(missing, terms, strict=True):
        known = LEFT_OUT if term is None else next(ids)
        # its doc's terms depend on the whole text (`is_shouting`): off the common path
        written_ids[word] = ACRONYM if acronyms and word in CAPITAL_STOPWORDS else known
