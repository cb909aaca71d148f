"""Small frozen value objects passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as read from a file or a feed, before it is stored.

    NUL characters are dropped from its text fields: scraped and converted text carries them,
    SQLite would store them, and C libraries and terminals then cut the text short there.
    Every article enters the corpus as a draft, so this is the one place to do it.
    """

    title: str
    text: str
    source: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # ISO 8601 date or UTC datetime
    url: str | None = None
    origin: str | None = None  # where it came from: a file path, a feed URL
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name in ("title", "text", "source", "url", "origin"):
            value = getattr(self, name)
            if value is not None and "\x00" in value:
                object.__setattr__(self, name, value.replace("\x00", ""))
        if any("\x00" in author for author in self.authors):
            authors = (author.replace("\x00", "") for author in self.authors)
            object.__setattr__(self, "authors", tuple(a for a in authors if a))


@dataclass(frozen=True, slots=True)
class Attribution:
    """What a quote is attributed to: the article and its source."""

    id: int
    title: str
    source: str | None
    authors: tuple[str, ...]
    published: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class Passage:
    """A quotable passage that answers a question, with its attribution.

    `highlights` are (start, end) character offsets in `quote` of the words that matched the
    question, so a front end can mark them without re-tokenizing.
    """

    rank: int
    score: float
    quote: str
    highlights: tuple[tuple[int, int], ...]
    article: Attribution
    sentence_ids: tuple[int, ...]
