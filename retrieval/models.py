"""Small frozen value objects passed between the pipeline stages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# Control characters, but the text's tabs and line breaks. Scraped and converted text
# carries NULs, at which C libraries and terminals cut it short; a feed or a file may carry
# ESC and BEL, which a terminal obeys (clear the screen, retitle the window, print lines
# that look like newsbot's own) when `ask`, `digest` or `feeds list` prints them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What breaks a line or spaces it, in a field of one line (a title, an outlet, an address)
_BREAKS = re.compile(r" *[\t\n\r\x0b\x0c\x85\u2028\u2029][\s\x85\u2028\u2029]*")


def one_line(value: str) -> str:
    """`value` as one printable line: line breaks and tabs made spaces, other control
    characters dropped."""
    return _CONTROL.sub("", _BREAKS.sub(" ", value))


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as read from a file or a feed, before it is stored.

    Control characters are dropped from its text fields (`_CONTROL`), and its one-line fields
    are made one line (`one_line`). Every article enters the corpus as a draft, so this is
    the one place to do it.
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
        if _CONTROL.search(self.text):
            object.__setattr__(self, "text", _CONTROL.sub("", self.text))
        for name in ("title", "source", "url", "origin"):
            value = getattr(self, name)
            if value is not None and (_CONTROL.search(value) or _BREAKS.search(value)):
                object.__setattr__(self, name, one_line(value).strip())
        if any(_CONTROL.search(a) or _BREAKS.search(a) for a in self.authors):
            authors = (one_line(author).strip() for author in self.authors)
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
