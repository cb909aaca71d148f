"""A bound on what one sentence may be: a run longer than `MAX_SENTENCE_CHARS` cut into
pieces that end where a reader pauses.

A sentence is what the index scores and what a reply quotes, so a "sentence" of megabytes
(text with no full stops, a page of CJK, a list run together) would be searched, scored and
sent whole. Past `MAX_SENTENCE_CHARS` a run is cut: at clause punctuation, else between
words, else (one endless word) at the limit itself. Apart from where sentences break
(`punkt_breaks`): this cuts what no full stop does. Part of the splitter's rules: a change
that cuts some text otherwise bumps `splitter.SPLITTER_VERSION` (see `sentences`).
"""

from __future__ import annotations

import re

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
