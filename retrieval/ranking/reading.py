"""Which reading made the finds stored with a sentence: the four bytes ingest writes before
them (`answers.packed`), which a question checks before it takes them (`answers.stored`).

Finds of another signature are read again from the text at every question, until `newsbot
reindex` stores them anew: so the signature changes when what the reading finds may change,
and only then, not at each edit of its source (a comment, a rename, a faster way to the same
finds). It is made of:
- the reading's version, kept by hand, and the digest of what it finds in a fixed set of
  sentences at that version (`READING_DIGEST`): test_reading reads them again, and an edit of
  `marks`, `scan` or `lexicon` that changes what they find fails there, and says to bump the
  version and record the new digest (the digest is in the signature too: recorded without a
  bump, it still tells the finds apart);
- the words the reading is made of (`words_digest`): the stopwords, the listed places and the
  lexicon's lists, taken here as they are, since a word added to a list changes what is found
  in sentences that name it, which the fixed set need not hold;
- the packed form's layout (`answers._HEADER`), which the compiled pass reads in place.
Left out: Python's Unicode tables, which the patterns' `\\w` and case-folding read for text
the scanner does not know; a new Python may class a few newly assigned characters otherwise,
and following it would distrust every database at each upgrade of Python for those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from retrieval.index.tokens import STOPWORDS
from retrieval.ranking.lexicon import (
    MONEY_WORDS,
    MONTHS_AND_DAYS,
    NUMBER_WORDS,
    PLACE_KINDS,
    SCALES,
)
from retrieval.ranking.places import PLACES

# Bump with any change to what the reading finds (test_reading says when), and record the
# digest it prints.
READING_VERSION = 1
READING_DIGEST = "dd508d742de28af3"  # tests/fixtures/reading-sentences.txt, packed finds


def words_digest() -> bytes:
    """A digest of the word lists the reading is made of (the patterns of `marks` and the
    lexicon of `scan` are made of them: test_scan holds both to the same lists)."""
    lists: tuple[Iterable[str], ...] = (
        sorted(STOPWORDS),
        sorted(PLACES),
        MONTHS_AND_DAYS,
        NUMBER_WORDS,
        MONEY_WORDS,
        SCALES,
        PLACE_KINDS,
    )
    digest = hashlib.blake2b(digest_size=16)
    for words in lists:
        digest.update("\n".join(words).encode() + b"\0")  # no word holds either
    return digest.digest()


def signature(packing: str) -> bytes:
    """Four bytes that name this reading: its version and pinned digest, its words, and
    `packing`, the layout of the packed form."""
    digest = hashlib.blake2b(digest_size=4)
    digest.update(f"{READING_VERSION}:{READING_DIGEST}:{packing}:".encode())
    digest.update(words_digest())
    return digest.digest()
