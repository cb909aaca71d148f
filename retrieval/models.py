"""Small frozen value objects passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as read from a file or a feed, before it is stored."""

    title: str
    text: str
    source: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # ISO 8601 date or UTC datetime
    url: str | None = None
    origin: str | None = None  # where it came from: a file path, a feed URL
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


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
