"""Looking at an address before it is added as a feed: fetched once, as a poll fetches a
feed (the fetcher's address rules, timeouts and size cap), and read as one.

What is no feed (a 404, a web page) is refused as it is added, not found out at the first
poll and every one after; a web page that names its feed (`<link rel="alternate"
type="application/rss+xml">`, as a news site's pages do) says which to add instead.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from retrieval.addresses import masked_url
from retrieval.errors import BlockedURLError, FetchError, ParseError, TooLargeError
from retrieval.feeds.feed import Feed
from retrieval.feeds.feed_addresses import addable
from retrieval.feeds.feedformat import parse_feed
from retrieval.feeds.fetch import FEED_ACCEPT, Fetched, Fetcher
from retrieval.feeds.private_addresses import PrivateAllowed
from retrieval.wording import first_of, quoted

# The media types a page's <link rel="alternate"> gives a feed it names, that newsbot reads
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
FEEDS_NAMED = 3  # of the feeds a page names, those a refusal names
NOT_A_FEED = "not an RSS or Atom feed"
WEB_PAGE = "a web page"
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)


@dataclass(frozen=True, slots=True)
class NotAFeed:
    """Why an address is no feed to add: what fetching or reading it said (`reason`); the
    feeds it names, a web page (`named`: absolute, in its order); and whether newsbot refused
    to fetch it (`blocked`: a private address the settings do not list, where it is or
    where it redirects; or an answer over the size cap; every poll would be refused alike,
    so adding it all the same is no remedy)."""

    url: str
    reason: str
    named: tuple[str, ...] = ()
    blocked: bool = False
    answered: str | None = None  # what came in a feed's place: WEB_PAGE, "audio/mpeg"

    @classmethod
    def other(cls, url: str, answered: str, named: tuple[str, ...] = ()) -> NotAFeed:
        """`url` answered with `answered` (WEB_PAGE, a media type), not a feed."""
        return cls(url, f"it is {answered}, {NOT_A_FEED}", named, answered=answered)

    def said(self) -> str:
        """The refusal in a sentence, the address's credentials masked: "cannot add
        'https://example.org/': it is a web page, not an RSS or Atom feed; it names its
        feed: https://example.org/feed.xml"."""
        return f"cannot add {quoted(masked_url(self.url), 200)}: {self.why()}"

    def why(self, at: str | None = None) -> str:
        """Why it is no feed, with the feeds it names, as `said` and a poll of a feed
        gone to a web page tell it: "it is a web page, not an RSS or Atom feed; it names
        its feed: https://example.org/feed.xml". `at`: the address a redirect led to
        (masked), named beside what answered there ("it is a web page (at URL), not ..."),
        else after the reason."""
        if at and self.answered:
            why = f"it is {self.answered} (at {masked_url(at)}), {NOT_A_FEED}"
        else:
            why = f"{self.reason}, at {masked_url(at)}" if at else self.reason
        if not self.named:
            return f"{why}; it names no feed" if self.answered == WEB_PAGE else why
        shown = first_of([masked_url(url) for url in self.named], FEEDS_NAMED)
        if len(self.named) == 1:
            return f"{why}; it names its feed: {shown}"
        return f"{why}; it names {len(self.named)} feeds: {shown}"


@dataclass(frozen=True, slots=True)
class IsAFeed:
    """An address that answered with a feed: the feed's own title, None if it gives none
    (stored as it is added, so the feed is named by it before its first poll); and where
    the address has moved for good (`Fetched.moved_to`), None if it has not: a feed
    polled there since is the one to add again, not a second feed of the same entries."""

    title: str | None
    moved_to: str | None = None


def moved_for_good(url: str, there: Feed) -> str:
    """What to say of adding `url`, which has moved for good to the address `there` polls:
    that feed is added again (resumed, renamed), not a second one of the same entries."""
    return (
        f"{masked_url(url.strip())} has moved for good to {there.shown_url}, the address "
        f"feed {there.id} polls"
    )


async def look_at_feed(url: str, allow_private: bool | PrivateAllowed) -> NotAFeed | IsAFeed:
    """`not_a_feed` with a fetcher of its own, as a poll's (`allow_private`:
    NEWSBOT_ALLOW_PRIVATE_URLS); an address that may not be added (`feed_addresses.addable`) is
    refused by FeedError before anything is fetched."""
    addable(url, allow_private)
    async with Fetcher(allow_private=allow_private) as fetcher:
        return await not_a_feed(fetcher, url.strip())


async def not_a_feed(fetcher: Fetcher, url: str) -> NotAFeed | IsAFeed:
    """Why `url` is no feed to add, or IsAFeed if it answers with one (an RSS or Atom
    document, with entries or none yet; one read in part, as a poll would). Fetches it once;
    parsing runs in a worker thread."""
    try:
        fetched = await fetcher.get(url, accept=FEED_ACCEPT)
    except BlockedURLError as exc:  # the reason names the remedy, if any (the setting)
        return NotAFeed(url, str(exc), blocked=True)
    except TooLargeError as exc:  # as large at every poll: no feed down for a moment
        return NotAFeed(url, str(exc), blocked=True)
    except FetchError as exc:
        return NotAFeed(url, str(exc))
    try:
        parsed = await asyncio.to_thread(
            parse_feed, fetched.content, fetched.url, fetched.content_type
        )
    except ParseError as exc:
        return await unreadable(url, fetched, exc)
    return IsAFeed(parsed.title, fetched.moved_to)


async def unreadable(url: str, fetched: Fetched, exc: ParseError) -> NotAFeed:
    """Why the answer `fetched` for `url` is no feed, `exc` what reading it as one said: a
    web page (with the feeds it names), an audio file, else the parser's reason. Said alike
    as a feed is added and at a poll of one that has turned into a web page."""
    kind = _media_type(fetched)
    if kind.startswith(("audio/", "video/", "image/")):  # an episode's, not its feed
        return NotAFeed.other(url, kind)
    if not _web_page(fetched):
        return NotAFeed(url, str(exc))
    named = await asyncio.to_thread(feeds_named, fetched.text(), fetched.url)
    return NotAFeed.other(url, WEB_PAGE, named)


def _media_type(fetched: Fetched) -> str:
    """What an answer's Content-Type says it is, without its parameters: "text/html"."""
    return (fetched.content_type or "").split(";", 1)[0].strip().lower()


def _web_page(fetched: Fetched) -> bool:
    """Whether an answer is an HTML page: so its type says, or so it opens."""
    return _media_type(fetched) in ("text/html", "application/xhtml+xml") or bool(
        _HTML_START.match(fetched.content[:1024])
    )


def feeds_named(html: str, base: str) -> tuple[str, ...]:
    """The feeds a web page names for itself (`<link rel="alternate" type="application/
    rss+xml" href="...">`, Atom and RDF too), as absolute http(s) addresses, in its order,
    each once."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):  # an empty or unreadable page names none
        return ()
    declared = [str(href) for href in root.xpath("//base/@href")]
    base = urljoin(base, declared[0].strip()) if declared else base
    found: dict[str, None] = {}
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            url = urljoin(base, href)
            if urlsplit(url).scheme in ("http", "https"):
                found.setdefault(url)
    return tuple(found)
