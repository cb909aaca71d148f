"""What every reader of article files shares: the `Record` each yields, the most text one
article may hold, the names in an author string, a byte count as people write it, and binary
data told from text. The readers (`formats`, `json_records`, `pages`) import this and not
each other, so `formats` may import the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.corpus.text import without_by
from retrieval.errors import ParseError
from retrieval.models import ArticleDraft

MiB = 1024 * 1024
CHUNK = MiB  # how much of a stream is read at a time
# The text of one article: the longest news of the development corpora is 100,000 characters
# (news-1m's and news-qa-dev's, cut there by their source), a long feature about as much. A
# book, a log or a dump saved as one .txt is no article to quote from, and one article is
# split, read and stored whole, at some 15 bytes of memory a character (a 43 MiB text of
# 700,000 lines took 1 GB): past this, it fails, with the file's name, and the rest is read.
MAX_ARTICLE_CHARS = 1_000_000


@dataclass(frozen=True, slots=True)
class Record:
    """One article read from a file, or why it could not be read."""

    draft: ArticleDraft | None
    error: str | None = None
    line: int | None = None
    item: int | None = None  # its place in a .json list, which has no line of its own


def size_text(size: int) -> str:
    """A byte count as people write it: 1 GiB, 256 MiB, 512 KiB."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def text_not_binary(text: str) -> str:
    """`text`, unless control characters make more than 1% of it: binary data read as
    text in some charset."""
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
    if controls > len(text) // 100:
        raise ParseError("not text: neither UTF-8 nor a legacy encoding, likely binary data")
    return text


def within_article_limit(text: str, hint: str = "") -> str:
    """`text`, if one article may hold it (MAX_ARTICLE_CHARS), else ParseError saying so."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise ParseError(
            f"{len(text):,} characters of text, more than one article may hold "
            f"({MAX_ARTICLE_CHARS:,}){hint}"
        )
    return text


def split_authors(value: str) -> tuple[str, ...]:
    """The names in an author string: parted at commas, semicolons, "and" and "&", each
    without a leading "By"."""
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", value)
    return author_names(parts)


def author_names(names: list[str]) -> tuple[str, ...]:
    """Each name one clean line without a leading "By"; blank ones (a bare "By") left out."""
    cleaned = (without_by(name) for name in names)
    return tuple(name for name in cleaned if name)
