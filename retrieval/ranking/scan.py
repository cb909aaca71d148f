"""The compiled reading of `marks.sentences_marks` (numba): a walk over a sentence's
characters for each of its patterns finds what the pattern finds, for text whose word
characters are all ASCII.

Each pattern of `marks` is a few steps of which no backtracking changes the outcome; here
they are those steps, each walk as `re.findall` scans: left to right, resumed after a match
at its end. Text holding any character this does not know (a letter
with an accent, a digit of another script, İ or ſ, which match ASCII letters when case is
ignored) is not read here: `scan` returns None and `marks` reads it with the patterns.

What is found is written as text, the words of each find case-folded (ASCII: lower-cased):
words joined by " ", finds by ",", and the five kinds of find by "|": one string made in
compiled code, rather than a Python object for each position found, and read as it is by
the compiled pass that tells a question what is new in it (`answers`). The characters'
codes and classes, and the words looked up whole, are `lexicon`'s tables.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from retrieval.compiled import njit
from retrieval.ranking.lexicon import (
    APOSTROPHE,
    CLASSES,
    CURRENCY,
    DIGIT,
    IN_NAME,
    IN_NUMBER,
    IN_RUN,
    MONEY_WORD,
    MONTH_OR_DAY,
    NUMBER_WORD,
    OPENS_KIND,
    OPENS_SCALE,
    PLACE,
    PLACE_KIND,
    PLACE_KIND_ROWS,
    PLACE_WORD,
    PUNCTUATION,
    SCALE_ROWS,
    SHAPES,
    SIGN,
    SPACE,
    STOPWORD,
    UPPER,
    WHITE,
    WORD,
    Lexicon,
    lexicon,
)

Bytes = npt.NDArray[np.uint8]
Codes = npt.NDArray[np.int32]
Int32s = npt.NDArray[np.int32]

_local = threading.local()  # each thread's output buffer


def scan(text: str, words: Lexicon) -> tuple[str, int, int] | None:
    """What `text` holds, as `marks` wants it (`read`), how many currency signs and
    percentages, and how many places: None if it holds a character not read here. `words`:
    the lexicon to use."""
    return scan_many([text], words)[0]


def scan_many(texts: Sequence[str], words: Lexicon) -> list[tuple[str, int, int] | None]:
    """`scan` of each of `texts`, in one call of the compiled reading: a question reads a
    hundred or more new sentences, and each call would cost about a microsecond of its own,
    a third of the reading."""
    if not texts:
        return []
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]  # a lone surrogate
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)  # is not read here
    np.cumsum([len(data) for data in encoded], out=starts[1:])
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    needed = 12 * len(data) + 16 * len(encoded)
    out = getattr(_local, "out", None)
    if out is None or len(out) < needed:
        out = _local.out = np.empty(max(needed, 1 << 16), dtype=np.uint8)
    ends = np.empty(len(encoded), dtype=np.int64)
    counts = np.empty((len(encoded), 2), dtype=np.int64)
    size = read_many(data, starts, out, ends, counts, words.rows, words.bounds)
    found = out[:size].tobytes().decode("ascii")
    scanned: list[tuple[str, int, int] | None] = []
    at = 0
    for end, (money, places) in zip(ends.tolist(), counts.tolist(), strict=True):
        if end < 0:
            scanned.append(None)
        else:
            scanned.append((found[at:end], money, places))
            at = end
    return scanned


@njit(cache=True, nogil=True)
def read_many(
    data: Bytes,
    starts: npt.NDArray[np.int64],
    out: Bytes,
    ends: npt.NDArray[np.int64],
    counts: npt.NDArray[np.int64],
    rows: Bytes,
    bounds: Int32s,
) -> int:
    """`read` each text data[starts[i] : starts[i + 1]], one after the other into `out`:
    the i-th's find ends at ends[i] (-1 if it holds a character not read here), its money
    marks and places are counts[i]. Return the length written."""
    at = 0
    for i in range(len(starts) - 1):
        size, money, places = read(data[starts[i] : starts[i + 1]], out[at:], rows, bounds)
        ends[i] = -1 if size < 0 else at + size
        at += max(size, 0)
        counts[i, 0] = money
        counts[i, 1] = places
    return at


@njit(cache=True, nogil=True)
def read(data: Bytes, out: Bytes, rows: Bytes, bounds: Int32s) -> tuple[int, int, int]:
    """Write into `out` (twelve bytes a byte of `data` or more) the words of the runs of
    capitalised words (stopwords left out), of the numbers, of the cued places, the years,
    and the month and weekday names if a name word is one. Return its length, the count of
    money marks and of places (`marks.Shape.places`); (-1, 0, 0) if `data` holds a character not
    read here."""
    codes = _codes(data)
    if len(codes) == 0:
        return -1, 0, 0
    n = len(codes) - 1  # the last is the end
    classes = 0  # of its characters
    for i in range(n):
        classes |= CLASSES[codes[i]]
    money, words = _whole_words(codes, n, rows, bounds)
    months = np.empty(n // 4 + 1, dtype=np.int64)  # the month words' starts (3+ letters)
    at, found, seen, places = _runs(codes, n, out, 0, rows, bounds, months)
    out[at] = 124  # |
    # Most sentences hold no number, no cued place, no year: no walk seeks them. A number
    # holds a digit or is a number word, a cued place has a place kind (whole words).
    if classes & DIGIT or words & NUMBER_WORD:
        at = _numbers(codes, n, out, at + 1, rows, bounds)
    else:
        at += 1
    out[at] = 124
    unlisted = 0
    if words & PLACE_KIND:
        at, unlisted = _cued_places(codes, n, out, at + 1, rows, bounds)
    else:
        at += 1
    out[at] = 124
    at = _years(codes, n, out, at + 1) if classes & DIGIT else at + 1
    out[at] = 124
    at += 1
    if seen:
        for i in range(found):
            at = _separate(out, at, i, 32)
            at = _copy_word(codes, months[i], out, at)
    return at, money, places + unlisted


@njit(cache=True, nogil=True)
def _codes(data: Bytes) -> Codes:
    """The code of each character of UTF-8 `data`, and `PUNCTUATION` for its end; empty if
    a character is none of those read here."""
    codes = np.empty(len(data) + 1, dtype=np.int32)
    n = 0
    i = 0
    while i < len(data):  # `str.encode` wrote it: every sequence is whole
        b = data[i]
        if b < 0x80:
            codes[n] = b
            i += 1
            n += 1
            continue
        if b < 0xE0:
            point = (b & 0x1F) << 6 | data[i + 1] & 0x3F
            i += 2
        elif b < 0xF0:
            point = (b & 0x0F) << 12 | (data[i + 1] & 0x3F) << 6 | data[i + 2] & 0x3F
            i += 3
        else:
            return codes[:0]
        code = _code_of(point)
        if code < 0:
            return codes[:0]
        codes[n] = code
        n += 1
    codes[n] = PUNCTUATION
    return codes[: n + 1]


@njit(cache=True, nogil=True, inline="always")
def _code_of(point: int) -> int:
    """The code of the character `point` (not ASCII), -1 if it is not read here."""
    if point == 0x2019:  # ’
        return APOSTROPHE
    if point == 0xA3 or point == 0x20AC:  # £ €
        return SIGN
    if point == 0xA0:  # no-break space
        return SPACE
    if (
        point == 0x201C  # “
        or point == 0x201D  # ”
        or point == 0x2018  # ‘
        or point == 0x2013  # –
        or point == 0x2014  # —
        or point == 0x2026  # …
        or point == 0x2212  # −
    ):
        return PUNCTUATION
    return -1


@njit(cache=True, nogil=True, inline="always")
def _is(codes: Codes, i: int, classes: int) -> bool:
    return bool(CLASSES[codes[i]] & classes)


@njit(cache=True, nogil=True, inline="always")
def _starts_word(codes: Codes, i: int) -> bool:
    """`\\b` before the word character at `i`."""
    return i == 0 or not _is(codes, i - 1, WORD)


@njit(cache=True, nogil=True, inline="always")
def _lower(code: int) -> int:
    return code + 32 if 65 <= code <= 90 else code


@njit(cache=True, nogil=True, inline="always")
def _after_white(codes: Codes, i: int) -> int:
    while _is(codes, i, WHITE):
        i += 1
    return i


@njit(cache=True, nogil=True)
def _spelled_at(codes: Codes, i: int, table: Bytes, fold: bool) -> int:
    """The length of the row of `table` that the characters from `i` spell (case ignored if
    `fold`), 0 if none: what an alternation of the rows matches at `i`, no row being the
    start of another."""
    for row in range(table.shape[0]):
        k = 0
        while table[row, k] != 0:  # the end's code stops any row
            code = _lower(codes[i + k]) if fold else codes[i + k]
            if code != table[row, k]:
                break
            k += 1
        if table[row, k] == 0:
            return k
    return 0


@njit(cache=True, nogil=True)
def _kind_of(chars: Codes | Bytes, i: int, end: int, rows: Bytes, bounds: Int32s) -> int:
    """What [i, end) of `chars` (codes, or what is written), lower-cased, is in the lexicon
    (`STOPWORD`, ...; 0 if not in it)."""
    size = end - i
    first = _lower(chars[i])
    if size >= rows.shape[1] - 1 or first >= 128:
        return 0
    for row in range(bounds[first, size, 0], bounds[first, size, 1]):
        k = 1
        while k < size and _lower(chars[i + k]) == rows[row, 1 + k]:
            k += 1
        if k == size:
            return rows[row, 0]  # type: ignore[no-any-return]
    return 0


@njit(cache=True, nogil=True, inline="always")
def _shaped(codes: Codes, i: int, end: int, kind: int) -> bool:
    """Whether a word of `kind` has the first letter and length of the word [i, end)."""
    return end - i < 16 and (SHAPES[_lower(codes[i]), end - i] & kind) != 0


@njit(cache=True, nogil=True)
def _titled(codes: Codes, i: int, end: int) -> bool:
    """Whether the word [i, end) is a capital and small letters ("May", not "MAY")."""
    if not 65 <= codes[i] <= 90:
        return False
    for k in range(i + 1, end):  # noqa: SIM110 (compiled: a loop, not a generator)
        if not 97 <= codes[k] <= 122:
            return False
    return True


@njit(cache=True, nogil=True, inline="always")
def _word_end(codes: Codes, i: int) -> int:
    while _is(codes, i, WORD):
        i += 1
    return i


@njit(cache=True, nogil=True, inline="always")
def _separate(out: Bytes, at: int, i: int, separator: int) -> int:
    """Write `separator` before all but the first (`i` 0) of a list."""
    if i > 0:
        out[at] = separator
        at += 1
    return at


@njit(cache=True, nogil=True)
def _copy_word(codes: Codes, i: int, out: Bytes, at: int) -> int:
    """Write the word at `i`, lower-cased."""
    while _is(codes, i, WORD):
        out[at] = _lower(codes[i])
        at += 1
        i += 1
    return at


@njit(cache=True, nogil=True)
def _copy_words(codes: Codes, lo: int, hi: int, out: Bytes, at: int) -> int:
    """Write the words of [lo, hi) (`WORD.findall` of it), lower-cased, joined by spaces."""
    words = 0
    i = lo
    while i < hi:
        if _is(codes, i, WORD):
            at = _separate(out, at, words, 32)
            words += 1
            while i < hi and _is(codes, i, WORD):
                out[at] = _lower(codes[i])
                at += 1
                i += 1
        else:
            i += 1
    return at


@njit(cache=True, nogil=True)
def _capitals_end(codes: Codes, i: int, inside: int, joins: bool) -> int:
    """The end of a run of capitalised words from the capital at `i`, each word going on
    through characters of class `inside`: `_CAPS_RUN`'s (`IN_RUN`, words also joined by
    "of", "de" or "the": `joins`) or `_NAME`'s (`IN_NAME`)."""
    i += 1
    while _is(codes, i, inside):
        i += 1
    while _is(codes, i, WHITE):
        after = _after_white(codes, i)
        joined = _joined(codes, after) if joins else after
        if joined > after and _is(codes, joined, UPPER):  # "of ", "de ", "the "
            after = joined
        elif not _is(codes, after, UPPER):
            break
        i = after + 1
        while _is(codes, i, inside):
            i += 1
    return i


@njit(cache=True, nogil=True, inline="always")
def _joined(codes: Codes, i: int) -> int:
    """After "of", "de" or "the" at `i` and the whitespace after it; `i` if none is there."""
    if (codes[i] == 111 and codes[i + 1] == 102) or (codes[i] == 100 and codes[i + 1] == 101):
        k = 2  # of, de
    elif codes[i] == 116 and codes[i + 1] == 104 and codes[i + 2] == 101:  # the
        k = 3
    else:
        return i
    if not _is(codes, i + k, WHITE):
        return i
    return _after_white(codes, i + k)


@njit(cache=True, nogil=True)
def _runs(
    codes: Codes,
    n: int,
    out: Bytes,
    at: int,
    rows: Bytes,
    bounds: Int32s,
    months: npt.NDArray[np.int64],
) -> tuple[int, int, bool, int]:
    """`_CAPS_RUN.findall`: each run's words but stopwords (no run if none are left). And
    the starts of its month and weekday names (`_MONTH_OR_DAY` over the runs: whole words,
    as written), whether a name word is one, case-folded, and how many places they name."""
    runs = 0
    found = 0
    seen = False
    places = 0
    i = 0
    while i < n:
        if not (_is(codes, i, UPPER) and _starts_word(codes, i)):
            i += 1
            continue
        end = _capitals_end(codes, i, IN_RUN, True)
        run_at = at
        at = _separate(out, at, runs, 44)
        words_at = at
        words = 0
        kinds = 0  # of its words kept
        while i < end:
            if not _is(codes, i, WORD):
                i += 1
                continue
            word_end = _word_end(codes, i)
            kind = _kind_of(codes, i, word_end, rows, bounds)
            if kind & MONTH_OR_DAY:  # never a stopword
                seen = True
                if _titled(codes, i, word_end):
                    months[found] = i
                    found += 1
            if not kind & STOPWORD:
                at = _separate(out, at, words, 32)
                words += 1
                kinds |= kind
                at = _copy_word(codes, i, out, at)
            i = word_end
        if words > 0:
            runs += 1
            if kinds & PLACE_WORD:
                places += _places_in(out, words_at, at, rows, bounds)
        else:
            at = run_at
    return at, found, seen, places


@njit(cache=True, nogil=True)
def _places_in(out: Bytes, lo: int, hi: int, rows: Bytes, bounds: Int32s) -> int:
    """`marks._places_in` of the words written at [lo, hi): at each word, a place of three
    words, or two, or one, counted and passed over."""
    found = 0
    while lo < hi:
        one = _written_word_end(out, lo, hi)
        two = _written_word_end(out, one + 1, hi) if one < hi else one
        three = _written_word_end(out, two + 1, hi) if two < hi else two
        for end in (three, two, one):
            if _kind_of(out, lo, end, rows, bounds) & PLACE:
                found += 1
                lo = end + 1
                break
        else:
            lo = one + 1
    return found


@njit(cache=True, nogil=True, inline="always")
def _written_word_end(out: Bytes, i: int, hi: int) -> int:
    while i < hi and out[i] != 32:
        i += 1
    return i


@njit(cache=True, nogil=True)
def _numbers(codes: Codes, n: int, out: Bytes, at: int, rows: Bytes, bounds: Int32s) -> int:
    """`_NUMBER.findall`: each number's words (digits, or a number word spelled out)."""
    numbers = 0
    i = 0
    while i < n:
        start = i
        if _is(codes, i, CURRENCY):  # [$£€]\s?\b\d
            i += 1
            if _is(codes, i, WHITE):
                i += 1
            if not _is(codes, i, DIGIT):
                i = start + 1
                continue
        elif not (_is(codes, i, WORD) and _starts_word(codes, i)):
            i += 1
            continue
        elif not _is(codes, i, DIGIT):  # a word: a number word, case ignored?
            end = _word_end(codes, i)
            if _shaped(codes, i, end, NUMBER_WORD) and (
                _kind_of(codes, i, end, rows, bounds) & NUMBER_WORD
            ):
                at = _separate(out, at, numbers, 44)
                numbers += 1
                at = _copy_word(codes, i, out, at)
            i = end
            continue
        while _is(codes, i, IN_NUMBER):  # the digit, and [\d,.]*
            i += 1
        # \s?(?:%|percent|...): without the whitespace, no scale could start at it
        scale = i + 1 if _is(codes, i, WHITE) else i
        k = _spelled_at(codes, scale, SCALE_ROWS, True) if _is(codes, scale, OPENS_SCALE) else 0
        if k > 0:
            i = scale + k
        at = _separate(out, at, numbers, 44)
        numbers += 1
        at = _copy_words(codes, start, i, out, at)
    return at


@njit(cache=True, nogil=True)
def _years(codes: Codes, n: int, out: Bytes, at: int) -> int:
    """`_YEAR.findall`: 1500 to 2099, as a whole word."""
    years = 0
    i = 0
    while i + 3 < n:
        c0 = codes[i]
        c1 = codes[i + 1]
        if (
            ((c0 == 49 and 53 <= c1 <= 57) or (c0 == 50 and c1 == 48))  # 1[5-9], 20
            and _starts_word(codes, i)
            and _is(codes, i + 2, DIGIT)
            and _is(codes, i + 3, DIGIT)
            and not _is(codes, i + 4, WORD)
        ):
            at = _separate(out, at, years, 32)
            years += 1
            for k in range(4):
                out[at + k] = codes[i + k]
            at += 4
            i += 4
        else:
            i += 1
    return at


@njit(cache=True, nogil=True)
def _whole_words(codes: Codes, n: int, rows: Bytes, bounds: Int32s) -> tuple[int, int]:
    """How many matches `_MONEY.findall` finds (signs, and money words, case ignored); and
    which of `NUMBER_WORD` (case ignored) and `PLACE_KIND` (as written) the whole words of
    the text hold."""
    count = 0
    kinds = 0
    i = 0
    while i < n:
        if _is(codes, i, CURRENCY) or codes[i] == 37:  # %
            count += 1
            i += 1
        elif _is(codes, i, WORD):
            end = _word_end(codes, i)
            if _shaped(codes, i, end, NUMBER_WORD | MONEY_WORD | PLACE_KIND):
                kind = _kind_of(codes, i, end, rows, bounds)
                count += (kind & MONEY_WORD) != 0
                if kind & PLACE_KIND and not _has_capital(codes, i, end):
                    kinds |= PLACE_KIND
                kinds |= kind & NUMBER_WORD
            i = end
        else:
            i += 1
    return count, kinds


@njit(cache=True, nogil=True)
def _has_capital(codes: Codes, i: int, end: int) -> bool:
    for k in range(i, end):  # noqa: SIM110 (compiled: a loop, not a generator)
        if _is(codes, k, UPPER):
            return True
    return False


@njit(cache=True, nogil=True)
def _cued_places(
    codes: Codes, n: int, out: Bytes, at: int, rows: Bytes, bounds: Int32s
) -> tuple[int, int]:
    """`_CUED_PLACE.finditer`: each place's words after a possessive ("Iran's Ardabil"),
    if any are left; and how many of those name no listed place."""
    places = 0
    unlisted = 0
    i = 0
    while i < n:
        if not (_is(codes, i, WORD) and _starts_word(codes, i)):
            i += 1
            continue
        lo = hi = end = -1
        if _is(codes, i, UPPER):  # NAME \s+ KIND \b (?!\s+of\b)
            name_end = _capitals_end(codes, i, IN_NAME, False)
            kind = _after_white(codes, name_end)
            k = 0
            if kind > name_end and _is(codes, kind, OPENS_KIND):
                k = _spelled_at(codes, kind, PLACE_KIND_ROWS, False)
            if k > 0 and not _is(codes, kind + k, WORD):
                after = _after_white(codes, kind + k)
                of = (
                    after > kind + k
                    and codes[after] == 111  # o
                    and codes[after + 1] == 102  # f
                    and not _is(codes, after + 2, WORD)
                )
                if not of:
                    lo, hi, end = i, name_end, kind + k
        elif _is(codes, i, OPENS_KIND):  # KIND \s+ of \s+ NAME
            k = _spelled_at(codes, i, PLACE_KIND_ROWS, False)
            of = _after_white(codes, i + k)
            if k > 0 and of > i + k and codes[of] == 111 and codes[of + 1] == 102:
                name = _after_white(codes, of + 2)
                if name > of + 2 and _is(codes, name, UPPER):
                    lo, hi = name, _capitals_end(codes, name, IN_NAME, False)
                    end = hi
        if end < 0:
            i += 1
            continue
        lo = _after_possessive(codes, lo, hi)
        if lo < hi:
            at = _separate(out, at, places, 44)
            places += 1
            words_at = at
            at = _copy_words(codes, lo, hi, out, at)
            unlisted += _places_in(out, words_at, at, rows, bounds) == 0
        i = end
    return at, unlisted


@njit(cache=True, nogil=True)
def _after_possessive(codes: Codes, lo: int, hi: int) -> int:
    """Where the words of [lo, hi) after its last word "s" (not its first) start: `hi` if
    none follow."""
    cut = lo
    first = True
    i = lo
    while i < hi:
        if not _is(codes, i, WORD):
            i += 1
            continue
        end = _word_end(codes, i)
        if not first and end - i == 1 and _lower(codes[i]) == 115:  # s
            cut = end
        first = False
        i = end
    while cut < hi and not _is(codes, cut, WORD):
        cut += 1
    return cut


def warm_up() -> None:
    """Load (or compile, the first time) the reading for the argument types `scan` passes."""
    scan("The town of Ardabil province, $5 million in May 2024 ’", lexicon(("the",), ("ardabil",)))
