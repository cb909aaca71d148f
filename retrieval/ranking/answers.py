"""What each sentence adds to a question, for a question's whole pool in one compiled pass.

`marks.novelty` says it for one sentence in Python: which of its names, numbers and dates
the question does not hold, and its candidate answers. A question asks it of the 150-odd
sentences its pool reads, and the Python objects of each (its `Marks`, their tuples, its
`Shape`) cost more than reading them. Here the marks stay as `scan` writes them (words joined
by " ", finds by ",", kinds by "|"), packed as ingest stores them with the sentence (`packed`)
and read with its text (where they were not stored, read from the text once and remembered
by sentence), and one call of compiled code counts what is new in all of them, lists their
candidate answers and how many of the question's articles each recurs in. It finds what
`marks.novelty` finds (test_answers).
"""

from __future__ import annotations

import struct
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from retrieval.compiled import njit
from retrieval.ranking import reading
from retrieval.ranking.marks import LEXICON, sentences_finds

# Compiled code calling across files: numba's cache of `_novelty_many` does not notice an
# edit to scan.py (nor the lexicon's tables); after one, clear __pycache__ (a fresh install
# or clone has no cache to go stale).
from retrieval.ranking.scan import _places_in

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# The columns of `Novelty.counts`, as `marks.Shape` orders them.
COUNTS = ("names", "places", "numbers", "years", "months", "money")
_COMMA, _SPACE, _BAR = 44, 32, 124


# The packed form's head: its layout is part of the signature; a change to what it holds
# (how places are counted, say) shows in the finds test_reading pins, as a change to the
# finds does (`reading`).
_HEADER = struct.Struct("<4sII")

# A sentence's finds, packed: the signature of the reading that made them (`reading`), its
# money marks and places (little-endian 32 bits each), then the finds as `scan` writes them
# (UTF-8). So ingest stores them with the sentence (`packed`), a question takes them
# as stored, with no unpacking (`stored`), and the compiled pass reads them as they are;
# under another reading (another signature) stored finds count for nothing, and the text is
# read again.
READING_SIGNATURE = reading.signature(_HEADER.format)
_HEAD = _HEADER.size  # a compile-time constant for the compiled pass
# Characters a call of the scanner reads at most: its buffer, kept by each thread, takes 12
# bytes a byte of text (a few MB here; 4,096 sentences of 1,000 characters would keep 200).
_PACKED_AT_ONCE = 1 << 19


def _runs(texts: Sequence[str], most: int) -> Iterator[Sequence[str]]:
    """`texts` in consecutive runs of at most `most` characters (one text at least)."""
    start = size = 0
    for i, text in enumerate(texts):
        if i > start and size + len(text) > most:
            yield texts[start:i]
            start, size = i, 0
        size += len(text)
    if start < len(texts):
        yield texts[start:]


def packed(texts: Sequence[str]) -> list[bytes]:
    """What each of `texts` names (`marks.sentences_finds`), packed: as ingest stores it with
    the sentence, and as a question reads what was not stored."""
    return [
        _HEADER.pack(READING_SIGNATURE, money, places_) + written.encode()
        for run in _runs(texts, _PACKED_AT_ONCE)
        for written, money, places_ in sentences_finds(run)
    ]


def stored(packed_: bytes) -> bool:
    """Whether finds stored with a sentence were read by this code (its signature)."""
    return _trusted([packed_])[0] is not None


def _trusted(given: list[bytes | None]) -> list[bytes | None]:
    """`given` with the finds this code did not store as None (`stored`, for one): one
    pass, no call a sentence (a question's pool has some 160)."""
    signature = READING_SIGNATURE
    return [
        f if f is not None and len(f) >= _HEAD and f.startswith(signature) else None for f in given
    ]


class _RememberedFinds:
    """The packed finds of the last `size` sentences read from their text, by id, each kept
    with its text (two databases may share an id: a text that differs is read again, and
    replaces the other in its place in the order); first in first out (a hit does not renew
    one). A sentence's finds do not depend on the question: read once, reused by every
    question; those not known yet are read together (`packed`). Finds stored with the
    sentence come with its text and are taken as they are: only sentences stored without
    them (or by other code) pass through here."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._known: OrderedDict[int, tuple[str, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(
        self, sentences: Sequence[tuple[int, str]], given: list[bytes | None] | None = None
    ) -> list[bytes]:
        """Each sentence's packed finds: `given[i]` where this code stored it (`stored`),
        else as remembered, else read from its text (and remembered)."""
        if given is not None and len(given) != len(sentences):
            raise ValueError(f"{len(given)} stored finds for {len(sentences)} sentences")
        finds: list[bytes | None] = [None] * len(sentences) if given is None else _trusted(given)
        if None not in finds:
            return finds  # type: ignore[return-value]
        # Keyed by the id alone, the text compared on a hit: an int hashes for free, where
        # an (id, text) key would hash each text the store has just made anew.
        known = self._known
        for j, found in enumerate(finds):
            if found is None:
                sentence_id, text = sentences[j]
                entry = known.get(sentence_id)
                if entry is not None and entry[0] == text:
                    finds[j] = entry[1]
        if None not in finds:
            return finds  # type: ignore[return-value]
        unknown = (s for s, f in zip(sentences, finds, strict=True) if f is None)
        missing = list(dict.fromkeys(unknown))
        read = dict(zip(missing, packed([text for _, text in missing]), strict=True))
        with self._lock:  # another thread's question may be adding its own
            # another database's sentence of an id takes its place
            known.update((i, (text, found)) for (i, text), found in read.items())
            while len(known) > self._size:
                known.popitem(last=False)
        return [read[s] if f is None else f for s, f in zip(sentences, finds, strict=True)]


finds_of = _RememberedFinds(200_000)  # the packed finds of the sentences of a list


@dataclass(frozen=True, slots=True)
class Novelty:
    """What each of a list of sentences adds to a question (`novelty_of`)."""

    counts: Floats  # [sentences, len(COUNTS)]: what `marks.Shape` counts, per sentence
    recurs: Ints  # per sentence: the most articles any of its candidate answers is in
    _found: bytes  # the sentences' finds, one after another
    _answers: Ints  # [answers, 3]: sentence, start and end in `_found`, by sentence
    _first: list[int]  # per sentence, its first row of `_answers` (and their number last)

    def answers(self, sentence: int) -> list[str]:
        """The candidate answers of the `sentence`-th sentence (`marks.Shape.candidates`)."""
        spans = self._answers[self._first[sentence] : self._first[sentence + 1], 1:]
        return [self._found[a:b].decode() for a, b in spans.tolist()]


def novelty_of(
    words: frozenset[str],
    sentences: Sequence[tuple[int, str]],
    owner: Ints | None = None,
    given: list[bytes | None] | None = None,
) -> Novelty:
    """What each of `sentences` (id, text) holds that a question of `words` (case-folded)
    does not; `owner[i]`, the article of the i-th, for `Novelty.recurs` (all one if None).
    `given[i]`, the i-th's finds as stored with it (or None), is taken if this code stored
    it; the others are read from the text, once (`finds_of`)."""
    return _novelty(finds_of(sentences, given), words, owner)


def _novelty(finds: Sequence[bytes], words: frozenset[str], owner: Ints | None) -> Novelty:
    n = len(finds)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, finds), np.int64, n), out=starts[1:])
    joined = b"".join(finds)
    asked, asked_starts = _asked(words)
    if owner is None:
        owner = np.zeros(n, dtype=np.int64)
    counts, answers, recurs = _novelty_many(
        np.frombuffer(joined, dtype=np.uint8),
        starts,
        owner,
        asked,
        asked_starts,
        LEXICON.rows,
        LEXICON.bounds,
    )
    first = np.searchsorted(answers[:, 0], np.arange(n + 1)).tolist()
    return Novelty(counts, recurs, joined, answers, first)


@lru_cache(maxsize=64)
def _asked(words: frozenset[str]) -> tuple[Bytes, Ints]:
    """A question's words as compiled code reads them: their UTF-8 one after another, and
    where each starts (asked of each question several times: made once)."""
    encoded = [word.encode() for word in words]
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(word) for word in encoded], out=starts[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), starts


@njit(cache=True, nogil=True)
def _novelty_many(
    found: Bytes,
    starts: Ints,
    owner: Ints,
    asked: Bytes,
    asked_starts: Ints,
    rows: Bytes,
    bounds: npt.NDArray[np.int32],
) -> tuple[Floats, Ints, Ints]:
    """Per sentence found[starts[i] : starts[i + 1]] (packed: its signature, money marks
    and places, then its finds as `scan.read` writes them), its counts of `COUNTS` not in
    the question (`marks._novelty`); each candidate answer as (sentence, start, end); and
    per sentence the most articles (`owner`) any of its candidate answers is found in."""
    n = len(starts) - 1
    counts = np.zeros((n, len(COUNTS)))
    # An answer takes two bytes or more: one of its own and the "," or "|" after it.
    answers = np.empty((len(found) // 2 + 1, 3), dtype=np.int64)
    hashes = np.empty(len(answers), dtype=np.uint64)
    kept = 0
    for s in range(n):
        counts[s, 5] = _unsigned(found, starts[s] + 4)  # money marks
        # Without the question's words, a sentence's places are its runs' places and its
        # cued places that are not listed ones (the header's count). None there (most
        # sentences), none to seek in any part of it.
        places = _unsigned(found, starts[s] + 8) > 0
        lo, end = starts[s] + _HEAD, starts[s + 1]
        for kind in range(5):  # runs, numbers, cued places, years, months
            hi = lo
            while hi < end and found[hi] != _BAR:
                hi += 1
            if kind >= 3:  # years, months: words, each counted unless asked
                i = lo
                while i < hi:
                    j = _until(found, i, hi, _SPACE)
                    counts[s, kind] += not _asked_word(found, i, j, asked, asked_starts)
                    i = j + 1
            else:
                i = lo
                while i < hi:  # each find: words joined by " "
                    j = _until(found, i, hi, _COMMA)
                    words, new = _new_words(found, i, j, asked, asked_starts)
                    if kind == 0:  # a run of capitalised words
                        counts[s, 0] += new
                        if places and new == words:
                            counts[s, 1] += _places_in(found, i, j, rows, bounds)
                    elif kind == 1 and new == words:  # a number
                        counts[s, 2] += 1
                    elif kind == 2 and places and new == words:  # a place named as one
                        counts[s, 1] += _places_in(found, i, j, rows, bounds) == 0
                    if kind < 2 and new == words:
                        answers[kept, 0] = s
                        answers[kept, 1] = i
                        answers[kept, 2] = j
                        hashes[kept] = _hash(found, i, j)
                        kept += 1
                    i = j + 1
            lo = hi + 1
    kept_answers = answers[:kept].copy()
    return counts, kept_answers, _recurs(found, kept_answers, hashes[:kept], owner, n)


@njit(cache=True, nogil=True, inline="always")
def _unsigned(found: Bytes, at: int) -> int:
    """The little-endian 32-bit number at found[at : at + 4] (`_HEADER`)."""
    return (
        int(found[at])
        | int(found[at + 1]) << 8
        | int(found[at + 2]) << 16
        | int(found[at + 3]) << 24
    )


@njit(cache=True, nogil=True, inline="always")
def _until(found: Bytes, i: int, hi: int, separator: int) -> int:
    while i < hi and found[i] != separator:
        i += 1
    return i


@njit(cache=True, nogil=True)
def _asked_word(found: Bytes, i: int, j: int, asked: Bytes, asked_starts: Ints) -> bool:
    """Whether the word found[i:j] is one of the question's."""
    size = j - i
    for w in range(len(asked_starts) - 1):
        a = asked_starts[w]
        if asked_starts[w + 1] - a != size:
            continue
        k = 0
        while k < size and asked[a + k] == found[i + k]:
            k += 1
        if k == size:
            return True
    return False


@njit(cache=True, nogil=True)
def _new_words(found: Bytes, i: int, j: int, asked: Bytes, asked_starts: Ints) -> tuple[int, int]:
    """How many words found[i:j] (joined by " ") has, and how many are not the question's."""
    words = new = 0
    while i < j:
        end = _until(found, i, j, _SPACE)
        words += 1
        new += not _asked_word(found, i, end, asked, asked_starts)
        i = end + 1
    return words, new


@njit(cache=True, nogil=True)
def _hash(found: Bytes, i: int, j: int) -> np.uint64:
    """FNV-1a of found[i:j]: answers of one text share it (`_recurs` tells apart the rare
    texts that share one by chance)."""
    h = np.uint64(14695981039346656037)
    for k in range(i, j):
        h = (h ^ np.uint64(found[k])) * np.uint64(1099511628211)
    return h


@njit(cache=True, nogil=True)
def _recurs(
    found: Bytes, answers: Ints, hashes: npt.NDArray[np.uint64], owner: Ints, n: int
) -> Ints:
    """Per sentence, the most articles any of its answers is found in (0 with none)."""
    recurs = np.zeros(n, dtype=np.int64)
    if not len(answers):
        return recurs
    order = np.argsort(hashes)
    stamp = np.full(owner.max() + 1, -1, dtype=np.int64)  # the answer an article was seen for
    articles = np.zeros(len(answers), dtype=np.int64)  # per text's first: its articles
    same = np.empty(len(answers), dtype=np.int64)  # per answer: the first of its text
    first = 0
    while first < len(order):  # each run of one hash
        last = first
        while last < len(order) and hashes[order[last]] == hashes[order[first]]:
            last += 1
        for k in range(first, last):  # the same text: the same hash, then the same bytes
            same[k] = k
            for j in range(first, k):
                if same[j] == j and _same_bytes(found, answers[order[j]], answers[order[k]]):
                    same[k] = j
                    break
        for r in range(first, last):  # each text's articles
            if same[r] != r:
                continue
            for k in range(r, last):
                article = owner[answers[order[k], 0]]
                if same[k] == r and stamp[article] != r:
                    stamp[article] = r
                    articles[r] += 1
        for k in range(first, last):
            s = answers[order[k], 0]
            recurs[s] = max(recurs[s], articles[same[k]])
        first = last
    return recurs


@njit(cache=True, nogil=True)
def _same_bytes(found: Bytes, a: Ints, b: Ints) -> bool:
    """Whether the answers at a and b (sentence, start, end) are one text."""
    if a[2] - a[1] != b[2] - b[1]:
        return False
    for k in range(a[2] - a[1]):  # noqa: SIM110 (compiled: a loop, not a generator)
        if found[a[1] + k] != found[b[1] + k]:
            return False
    return True


def warm_up() -> None:
    """Load (or compile, the first time) for the argument types `novelty_of` passes; leaves
    the remembered finds as they were."""
    _novelty(packed(["Paris and Lyon hosted 12 talks in May 2024."]), frozenset({"paris"}), None)
