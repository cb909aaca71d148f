"""Near-identical texts of one outlet, and what finds them among hundreds of thousands.

An outlet often gives one text twice, under two addresses: CNN's page at ".../index.html"
and at "...?cid=external-feeds_iluminar_newsbreak" (a `cid` may name other content
elsewhere: no address rule can drop it), USA Today's story published again under a new
address, its date line, a promotion line or a comma changed. The same words are one article
already, whoever gives them (`text.fingerprint`); a text whose word 3-grams are nearly all
those of a stored article of the same outlet (`outlets.outlet_key`) is that article too
(`NEAR_IDENTICAL`). Other outlets' copies are not: a syndicated story carried by two
outlets is two sources (the digest and the answers tell them apart as copies).

A new article is not compared with every stored one. Its 3-grams are sketched by MinHash
(`HASHES` hash functions, each one's least value over the 3-grams, equal for two texts
with the probability of their resemblance), the sketch cut into `BANDS` bands of `ROWS`,
each band hashed with the outlet's key into one integer, a row of `article_sketches`
(indexed). An article that shares a band with the new one is a candidate, confirmed by the
3-grams of its text (`resemblance`). Two texts at 0.95 share a band with a probability of
0.9997 (0.99998 at 0.97), at 0.7 of 0.53, at 0.3 of 0.004: six lookups an article, and a
candidate read only where a near copy is likely.

The keys are stored: what makes them (the hash functions, `BANDS`, `ROWS`, the words) must
not change unless a migration makes every stored article's again.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import numpy.typing as npt

from retrieval.corpus.text import normal_words
from retrieval.outlets import outlet_key

Hashes = npt.NDArray[np.uint64]

# Jaccard resemblance of two texts' word 3-grams from which they are one article. Measured
# on news-qa-dev and news-1m (docs/retrieval.md): above it, the same story re-published
# (a date line, "Need a break? Play the USA TODAY Daily Crossword Puzzle.", a few copy
# edits); at 0.906, a story rewritten around a new fact ("A federal judge ruled Tuesday
# that..."), at 0.898 a launch's next day, which must stay articles of their own.
NEAR_IDENTICAL = 0.95
BANDS, ROWS = 6, 6
HASHES = BANDS * ROWS

_U64 = np.uint64
# A polynomial hash of a 3-gram's bytes, from the prefix sums of its text: `_BASE` is odd, so
# its powers have inverses modulo 2**64 (numpy's unsigned arithmetic wraps, as wanted)
_BASE = 0x100000001B3
_BASE_INVERSE = pow(_BASE, -1, 2**64)


def _constant(name: str) -> int:
    """A fixed 64-bit number drawn from `name`: the same on every machine and release."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


# MinHash's hash functions: x -> a * x + b modulo 2**64, a odd (a permutation)
_MULTIPLIERS = np.array([_constant(f"sketch a{n}") | 1 for n in range(HASHES)], dtype=_U64)
_ADDENDS = np.array([_constant(f"sketch b{n}") for n in range(HASHES)], dtype=_U64)


def _mixed(x: Hashes) -> Hashes:
    """MurmurHash3's finalizer: each bit of the result depends on every bit of `x`."""
    x = x ^ (x >> _U64(33))
    x = x * _U64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> _U64(33))
    x = x * _U64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> _U64(33))


def _powers(base: int, count: int) -> Hashes:
    """1, base, base**2, ... (`count` of them), modulo 2**64: a view of the longest made so
    far (each text's were made anew: two products over its length), up to `_POWERS_KEPT`."""
    kept = _POWERS.get(base)
    if kept is not None and len(kept) >= count:
        return kept[:count]
    steps = np.full(max(count, 2 * len(kept) if kept is not None else 0), base, dtype=_U64)
    steps[0] = 1
    made = np.cumprod(steps, dtype=_U64)
    made.flags.writeable = False  # shared: a view is handed out, never written
    if len(made) <= _POWERS_KEPT:
        _POWERS[base] = made
    return made[:count]


_POWERS: dict[int, Hashes] = {}
_POWERS_KEPT = 1 << 21  # 16 MB each at most: a text of two million bytes


def shingle_hashes(words: bytes) -> Hashes:
    """A 64-bit hash of each word 3-gram of `words` (`text.normal_words`), in order, repeats
    too; a text of one or two words is one "3-gram", and one of none has none. Vectorized:
    a few arrays of the text's length, not a Python string per 3-gram."""
    if not words:
        return np.empty(0, dtype=_U64)
    text = np.frombuffer(words, dtype=np.uint8).astype(_U64)
    size = len(text)
    prefix = np.zeros(size + 1, dtype=_U64)
    np.cumsum(text * _powers(_BASE, size), out=prefix[1:])
    spaces = np.flatnonzero(text == ord(" "))
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [size]))
    if len(starts) >= 3:
        first, last = starts[:-2], ends[2:]
    else:
        first, last = starts[:1], ends[-1:]
    # the bytes first..last as if they began the text: divided by the power they start at
    return _mixed((prefix[last] - prefix[first]) * _powers(_BASE_INVERSE, size + 1)[first])


def band_keys(grams: Hashes, source: str | None) -> tuple[int, ...]:
    """The `article_sketches` keys of a text of 3-grams `grams` given by `source`: one a band,
    each of the band's MinHash values and the outlet's key. None for a text of no 3-gram or
    of no outlet (nothing says two such texts are one outlet's)."""
    outlet = outlet_key(source)
    if outlet is None or not len(grams):
        return ()
    keys = []
    # every hash function's least value at once: one pass of numpy, not one a band
    least = (_MULTIPLIERS[:, None] * grams[None, :] + _ADDENDS[:, None]).min(axis=1)
    values = least.astype("<u8").tobytes()
    width = ROWS * least.itemsize
    for band in range(BANDS):
        named = f"{outlet}\0{band}\0".encode() + values[band * width : (band + 1) * width]
        digest = hashlib.blake2b(named, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))  # SQLite's INTEGER
    return tuple(keys)


def text_keys(source: str | None, text: str) -> tuple[int, ...]:
    """`band_keys` of an article's text."""
    return band_keys(shingle_hashes(normal_words(text)), source)


def sketch_json(source: object, text: object) -> str:
    """`text_keys` as a JSON list, for SQL (the migration that sketches stored articles
    reads it with json_each); [] for what is no text."""
    if not isinstance(text, str):
        return "[]"
    return json.dumps(text_keys(source if isinstance(source, str) else None, text))


def resemblance(a: Hashes, b: Hashes) -> float:
    """Jaccard resemblance of two texts' sets of 3-grams (`shingle_hashes`): 1.0 for the same."""
    first, second = np.unique(a), np.unique(b)
    if not len(first) or not len(second):
        return float(len(first) == len(second))
    common = len(np.intersect1d(first, second, assume_unique=True))
    return common / (len(first) + len(second) - common)
