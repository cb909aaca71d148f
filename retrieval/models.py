"""Small frozen value objects passed between the pipeline stages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from retrieval.corpus.authors import clean_authors

# Control characters in text. Scraped and converted text carries NULs, at which C libraries
# and terminals cut it short: dropped (UTF-16 read as bytes puts one in every other place).
# A feed or a file may carry ESC and BEL, which a terminal obeys (clear the screen, retitle
# the window, print lines that look like newsbot's own) when `ask`, `digest` or `feeds list`
# prints them: each a space, so the words it parts stay apart. The separators of lines, pages
# and records (VT, FF, FS to US, NEL, U+2028, U+2029) are line breaks, as the sentence
# splitter reads them. Either way a text keeps its words, and so its fingerprint. The bidi
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are spaces too: an
# outlet "Reuters\u202e sweN lakoL" shows as "Reuters Local News" in Telegram and terminals,
# and text it runs into after a quote is shown reversed. The marks (LRM, RLM), which
# reverse nothing and which Arabic and Hebrew copy needs around numbers and names, stay.
_NUL = "\x00"
_SEPARATORS = re.compile(r"[\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"  # embeddings, overrides, isolates
_BIDI = re.compile(f"[{_BIDI_CONTROLS}]")
_CONTROL = re.compile(rf"[\x01-\x08\x0e-\x1b\x7f-\x84\x86-\x9f{_BIDI_CONTROLS}]")
# Half of a UTF-16 pair, alone: JSON may escape one ("\ud800"), which is no character and
# which no UTF-8 database, page or terminal takes. Each becomes U+FFFD, as a byte that does
# not decode does.
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# What breaks or spaces a line, in a field of one line (a title, an outlet, an address)
_BREAKS = re.compile(r"\s+")
# What sends a field through `one_line` (spaces alone leave it as it is)
_ONE_LINE_FIX = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


# A title or an outlet at most: a feed's entry title of 4 million characters would be stored
# whole, and `ask --json` would print it. Real ones are a line (the bot shows 200 characters).
LINE_CHARS = 1000
# " | The Week UK" after a title: the outlet's name and a capitalized word or two more ("UK",
# "Politics"), after a bar or a dash between spaces
_OUTLET_SEPARATOR = re.compile(r"\s[|\-\u2013\u2014]\s")
OUTLET_EXTRA_WORDS = 2
# A listing's mark that it cut a title short, at its end ("| CNN ...")
_CUT_SHORT = re.compile(r"\s*(?:\.\.\.|…)$")


def bidi_spaced(text: str) -> str:
    """`text` with its bidi embeddings, overrides and isolates spaces, as an article's are
    (`_CONTROL`), and nothing else changed: for text from elsewhere, shown beside others on
    a line (a Telegram user's name, a chat's title)."""
    return _BIDI.sub(" ", text) if _BIDI.search(text) else text


def printable_text(text: str) -> str:
    """`text` without control characters, but its tabs and line breaks (see `_CONTROL`)."""
    if not _UNPRINTABLE.search(text):
        return text
    text = _SEPARATORS.sub("\n", _SURROGATES.sub("\ufffd", text.replace(_NUL, "")))
    return _CONTROL.sub(" ", text)


def printable_address(url: str) -> str:
    """`url` without its control and bidi characters: none a space, as an address has none."""
    return _ONE_LINE_FIX.sub("", _SURROGATES.sub("\ufffd", url)).strip()


def one_line(value: str) -> str:
    """`value` as one printable line: every run of control characters, line breaks and
    spaces one space."""
    value = _SEPARATORS.sub(" ", _SURROGATES.sub("\ufffd", value.replace(_NUL, "")))
    return _BREAKS.sub(" ", _CONTROL.sub(" ", value))


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as read from a file or a feed, before it is stored.

    Control characters leave its text (`printable_text`), and its one-line fields are made
    one line (`one_line`). Every article enters the corpus as a draft, so this is the one
    place to do it.
    """

    title: str
    text: str
    source: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # ISO 8601 date or UTC datetime
    url: str | None = None
    origin: str | None = None  # where it came from: a file path, a feed URL
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # `published` as its source wrote it ("2099-06-06T09:00:00+02:00"), for the warnings of a
    # date ahead or a placeholder (`store.dated_ahead`): not stored
    published_as_written: str | None = field(default=None, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", printable_text(self.text))
        for name in ("title", "source", "origin"):
            value = getattr(self, name)
            if value is not None and _ONE_LINE_FIX.search(value):
                object.__setattr__(self, name, value := one_line(value).strip())
            if name != "origin" and value is not None and len(value) > LINE_CHARS:
                object.__setattr__(self, name, value[: LINE_CHARS - 1] + "…")
        if self.url is not None and _ONE_LINE_FIX.search(self.url):
            object.__setattr__(self, "url", printable_address(self.url))
        object.__setattr__(self, "authors", draft_authors(self.authors, self.source))


def draft_authors(authors: Iterable[str], source: str | None) -> tuple[str, ...]:
    """An article's author names as an `ArticleDraft` keeps them: each on one line, and
    only the people among them (`clean_authors`; `source` is the article's outlet). A
    `reindex` applies it to the lists older versions stored (`corpus.stored_authors`)."""
    names = tuple(authors)
    if any(_ONE_LINE_FIX.search(a) for a in names):
        names = tuple(a for a in (one_line(name).strip() for name in names) if a)
    return clean_authors(names, source)


@dataclass(frozen=True, slots=True)
class Attribution:
    """What a quote is attributed to: the article and its source."""

    id: int
    title: str
    source: str | None
    authors: tuple[str, ...]
    published: str | None
    url: str | None
    # when it was stored, where it counts from then though dated (a date a day ahead at most,
    # `dates.stored_ahead`): the time an answer shows for it, labelled "stored"
    stored_ahead: datetime | None = None

    @property
    def headline(self) -> str:
        """The title as shown beside its outlet (`headline`)."""
        return headline(self.title, self.source)


def headline(title: str, source: str | None) -> str:
    """A title as shown beside its outlet: without the outlet's name that a page's title
    ends with ("Does the plan go far enough? | The Week UK" from The Week), which would
    otherwise show twice ("... | The Week UK · The Week"). The one cleaning of a title that
    every place showing one uses (answers, `ask --json`, digests, the bot); the stored title
    keeps it. A search engine's listing may have cut the name short ("| CNN ...", "| The
    ..." of The Week's), and a section may be glued to it ("- CNNPolitics"): still the
    outlet's. A title whose last part only looks like it stays whole ("Biden - Time to act"
    from Time, "Leaders meet in Lima - APEC Summit" from AP)."""
    separators = list(_OUTLET_SEPARATOR.finditer(title))
    if not separators or not source:
        return title
    last = separators[-1]
    head, named = title[: last.start()].rstrip(), title[last.end() :].strip()
    outlet = source.strip()
    cut = _CUT_SHORT.search(named)
    if cut:
        named = named[: cut.start()]
        if head and named and f"{outlet} ".casefold().startswith(f"{named} ".casefold()):
            return head  # "The ..." of "The Week", "CNN ..." of CNN
    rest = named[len(outlet) :]
    more = rest.split()  # "UK", "Politics": a name, not "to act"
    glued = rest[:1].isupper() and rest[1:2].islower()  # "CNNPolitics", not "APEC"
    if (
        head
        and named.casefold().startswith(outlet.casefold())
        and (not rest[:1].isalnum() or glued)  # "APEC Summit" is not AP's
        and len(more) <= OUTLET_EXTRA_WORDS
        and all(word[:1].isupper() for word in more)
    ):
        return head
    return title


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
    # the text of each of those sentences: what an answer remembers it showed, as the ids
    # are given up when its article is split again (`newsbot reindex`)
    sentences: tuple[str, ...] = ()
