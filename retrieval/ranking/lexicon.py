"""What the compiled reading of `scan` knows: the words the patterns of `marks` want whole
(a lexicon, each word with what it is) and the characters it reads, each as a code with the
classes of the patterns it belongs to (`\\w`, `\\s`, ...), as tables numba reads as constants.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

Bytes = npt.NDArray[np.uint8]
Int32s = npt.NDArray[np.int32]

# Words the patterns want whole, as a lexicon: each word lower-cased, with what it is.
STOPWORD = 1  # `retrieval.index.tokens.STOPWORDS`: left out of names
MONTH_OR_DAY = 2  # a month or weekday name ("sep", "sept": `_MONTHS_AND_DAYS`' "Sept?")
NUMBER_WORD = 4  # `_NUMBER_WORDS` ("dozen", "dozens": "dozens?")
MONEY_WORD = 8  # `_MONEY`'s words
PLACE = 16  # a listed place (`retrieval.ranking.places.PLACES`: "new york" as one)
PLACE_WORD = 32  # a word of one ("new", "york"): a run holding none names no place
PLACE_KIND = 64  # what `_CUED_PLACE` calls a place ("town"), lower-cased as written
MONTHS_AND_DAYS = (
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
    *("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"),
    *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
)
NUMBER_WORDS = (
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "dozen", "dozens", "hundred", "hundreds", "thousand"),
    *("thousands", "million", "millions", "billion", "billions"),
)
MONEY_WORDS = ("dollar", "dollars", "pounds", "euros", "percent")
# What follows a number as its scale, and what a place is called: matched where they start
# (no whole word), no one the start of another.
SCALES = ("%", "percent", "million", "billion", "trillion", "thousand")
PLACE_KINDS = (
    *("town", "city", "village", "province", "region", "county", "district", "port"),
    *("island", "state"),
)


# A character is read as its code: ASCII as itself, the other characters news text commonly
# holds (none a word character) as one of these; any other sends the text to the patterns.
APOSTROPHE = 128  # ’: inside names ("Women’s Open")
PUNCTUATION = 129  # ‘ “ ” – — … − : nothing to any pattern (also the end of the text)
SIGN = 130  # £ €: currency, as "$"
SPACE = 131  # no-break space: whitespace to `\s`
# Each code's classes, as bits: what `\w`, `\s`, ... match.
WORD = 1  # \w
WHITE = 2  # \s
UPPER = 4  # [A-Z]
DIGIT = 8  # \d
IN_RUN = 16  # [\w'’&.-]: the characters of a capitalised word in `_CAPS_RUN`
IN_NAME = 32  # [\w'’-]: ... of one in `_CUED_PLACE`'s names
IN_NUMBER = 64  # [\d,.]: a number's characters after its first digit
CURRENCY = 128  # [$£€]
# ... and which endings or words might start with it (at most other places, none does: the
# lists go unread).
OPENS_SCALE = 256  # a scale, either case
OPENS_KIND = 512  # a place kind (as written)


def _classes() -> npt.NDArray[np.uint16]:
    """The class bits of every code (tested against the patterns' own classes)."""
    table = np.zeros(SPACE + 1, dtype=np.uint16)
    for c in range(128):
        ch = chr(c)
        folded = ch.lower()
        table[c] = (
            WORD * (ch.isalnum() or ch == "_")
            | WHITE * (ch in " \t\n\v\f\r\x1c\x1d\x1e\x1f")
            | UPPER * ("A" <= ch <= "Z")
            | DIGIT * ch.isdigit()
            | IN_RUN * (ch.isalnum() or ch in "_'&.-")
            | IN_NAME * (ch.isalnum() or ch in "_'-")
            | IN_NUMBER * (ch.isdigit() or ch in ",.")
            | CURRENCY * (ch == "$")
            | OPENS_SCALE * any(w.startswith(folded) for w in SCALES)
            | OPENS_KIND * any(w.startswith(ch) for w in PLACE_KINDS)
        )
    table[APOSTROPHE] = IN_RUN | IN_NAME
    table[SIGN] = CURRENCY
    table[SPACE] = WHITE
    return table


CLASSES = _classes()


def _shapes() -> Bytes:
    """[first letter, length] of the number and money words and place kinds: `NUMBER_WORD`,
    ... if one has that shape, lower-cased. Most words have none: they go unlooked-up."""
    shapes = np.zeros((128, 16), dtype=np.uint8)
    for kind, words in (
        (NUMBER_WORD, NUMBER_WORDS),
        (MONEY_WORD, MONEY_WORDS),
        (PLACE_KIND, PLACE_KINDS),
    ):
        for word in words:
            shapes[ord(word[0]), len(word)] |= kind
    return shapes


SHAPES = _shapes()


def _table(words: tuple[str, ...]) -> Bytes:
    """`words` as rows of bytes, zero-padded (a zero ends a shorter word)."""
    table = np.zeros((len(words), max(map(len, words)) + 1), dtype=np.uint8)
    for row, word in enumerate(words):
        table[row, : len(word)] = np.frombuffer(word.encode(), dtype=np.uint8)
    return table


SCALE_ROWS = _table(SCALES)
PLACE_KIND_ROWS = _table(PLACE_KINDS)


class Lexicon(NamedTuple):
    """Words and what each is, as the compiled code looks them up: the rows of one first
    letter and length are together."""

    rows: Bytes  # [word, 1 + letters]: what it is (bits), then its letters, zero-padded
    bounds: Int32s  # [first letter, length]: the rows of those, [start, end)


def lexicon(stopwords: Iterable[str], places: Iterable[str]) -> Lexicon:
    """The lexicon of the words above, `stopwords` and `places` (any not ASCII left out: no
    word read here can be one)."""
    kinds: dict[str, int] = {}
    for kind, words in (
        (STOPWORD, [w for w in stopwords if w.isascii() and w]),
        (PLACE, [p for p in places if p.isascii() and p]),
        (PLACE_WORD, [w for p in places if p.isascii() for w in p.split()]),
        (MONTH_OR_DAY, [w.lower() for w in MONTHS_AND_DAYS]),
        (NUMBER_WORD, NUMBER_WORDS),
        (MONEY_WORD, MONEY_WORDS),
        (PLACE_KIND, PLACE_KINDS),
    ):
        for word in words:
            kinds[word] = kinds.get(word, 0) | kind
    words = sorted(kinds, key=lambda w: (w[0], len(w), w))
    rows = np.zeros((len(words), 2 + max(map(len, words))), dtype=np.uint8)
    bounds = np.zeros((128, rows.shape[1]), dtype=np.int32)
    ends = np.zeros((128, rows.shape[1]), dtype=np.int32)
    for row, word in enumerate(words):
        rows[row, 0] = kinds[word]
        rows[row, 1 : 1 + len(word)] = np.frombuffer(word.encode(), dtype=np.uint8)
        if ends[ord(word[0]), len(word)] == 0:
            bounds[ord(word[0]), len(word)] = row
        ends[ord(word[0]), len(word)] = row + 1
    return Lexicon(rows, np.stack([bounds, ends], axis=-1))
