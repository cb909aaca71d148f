"""A feed entry's article: its page read and extracted, else the feed's own text.

Each new or corrected entry's page is read (`entry_page`), PAGE_CONCURRENCY at a time within
the poll's deadline for pages (`entry_drafts`); a page that is not the entry's own (it shares
almost nothing with its title and summary: a cookie wall, a home page; `shared_pages`), or a
live page's post, leaves the entry its own text. Apart from the poller (`poll.FeedPoller`),
which finds the entries and stores their articles: this reads pages and writes nothing.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from retrieval.addresses import masked_url, public_url, site_of
from retrieval.corpus.records import within_article_limit
from retrieval.errors import ParseError
from retrieval.feeds.feed import Feed, SeenEntry
from retrieval.feeds.feedformat import Entry, ParsedFeed
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.page import read_page
from retrieval.feeds.registry import ENTRY_TRIES
from retrieval.feeds.shared_pages import (
    NAME_SHOWN,
    PageOf,
    posts_note,
    shared_page_note,
    shared_pages,
    unrelated,
    unrelated_note,
    words_found,
)
from retrieval.models import ArticleDraft
from retrieval.wording import agreeing, counted, shown_name

# What is said of a poll's entries is logged under the poll's name, as the rest of the poll:
# a deployment's log filters and `feeds poll`'s own output name that one logger.
log = logging.getLogger("retrieval.feeds.poll")


class NoText(enum.Enum):
    """An entry with no text to be had (no summary, its page not read): tried again at the
    next polls, for a while (`registry.ENTRY_TRIES`)."""

    NO_TEXT = "no text"


NO_TEXT = NoText.NO_TEXT

PAGE_CONCURRENCY = 4  # pages fetched at once per feed: quick, and gentle with one site


class _Page(NamedTuple):
    """An entry's page as read (`entry_page`): its article, the address it ended at,
    whether its fetch failed for a moment, whether it holds the element the entry's anchor
    names (a post of a live page: `shared_pages.names_a_post`)."""

    article: ArticleDraft | None
    url: str | None
    for_now: bool
    post: bool = False


@dataclass(frozen=True, slots=True)
class Reading:
    """What one poll knows of its new entries as their articles are made, by entry key:
    their links as stored (`links`), the posts of a live page (`anchored`), those whose
    problems were said at an earlier poll (`told`); and what it learns, the pages to read
    again (`again`: their links)."""

    links: dict[str, str]
    anchored: Collection[str]
    told: Collection[str]
    again: dict[str, str]


def _grouped(shared: dict[str, str]) -> dict[str, list[str]]:
    """Entries by the page they share: `shared` (entry key -> page) turned round."""
    groups: dict[str, list[str]] = {}
    for key, page in shared.items():
        groups.setdefault(page, []).append(key)
    return groups


def _words_found(pages: dict[str, tuple[Entry, PageOf]]) -> dict[str, tuple[int, int]]:
    """`words_found` of each entry's title and summary in its page (by entry key): in a
    worker thread, a page's words are many."""
    return {
        key: words_found(entry.title, entry.text, page.text)
        for key, (entry, page) in pages.items()
    }


def seen_entry(entry: Entry, article_id: int | None, links: dict[str, str]) -> SeenEntry:
    """`entry` as dealt with, giving `article_id`: with its link as stored (`links`, by
    key) and what the feed says of it now (its words, its date)."""
    return SeenEntry(entry.key, article_id, links.get(entry.key), entry.words_hash, entry.updated)


async def entry_drafts(
    fetcher: Fetcher,
    feed: Feed,
    parsed: ParsedFeed,
    entries: Sequence[Entry],
    reading: Reading,
    problems: list[str],
    pages_deadline: float,
) -> tuple[list[ArticleDraft | NoText | None], bool]:
    """Each entry's article (NO_TEXT: none to be had; None: its page not read in time),
    its pages fetched PAGE_CONCURRENCY at a time within `pages_deadline`; and whether
    some were left for the next poll by that deadline. A page that is not the entry's
    own (`_not_their_pages`) leaves it the feed's text. `reading.again` gets the links
    of the pages to read again (`_article`). The problems of the entries
    `reading.told` (by key) are not noted again: they were at an earlier poll, and a
    cron `feeds poll --quiet` would mail them at every poll of the day they are tried
    for."""
    limit = asyncio.Semaphore(PAGE_CONCURRENCY)

    def noted(entry: Entry) -> list[str]:
        return [] if entry.key in reading.told else problems

    async def read(entry: Entry) -> _Page:
        if not entry.link or entry.key in reading.anchored:  # a live page's post
            return _Page(None, None, False)
        async with limit:
            return _Page(*await entry_page(fetcher, entry.link, noted(entry)))

    tasks = [asyncio.create_task(read(e)) for e in entries]
    late: set[asyncio.Task[_Page]] = set()
    try:
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=pages_deadline)
    finally:  # cancelled too (another site's poll failed, Ctrl-C): no fetch goes on
        for task in tasks:
            task.cancel()  # those done are left as they are
        await asyncio.gather(*tasks, return_exceptions=True)
    if late:
        problems.append(
            f"{counted(len(late), 'entry', 'entries')} left for the next poll: "
            f"{agreeing(len(late), 'its page was', 'their pages were')} not read within "
            f"{pages_deadline:g} s"
        )
    pages = [None if t in late else t.result() for t in tasks]
    # a post alone at its poll, its live page told by the element its anchor names: its
    # own text, as the posts found by their anchors (`FeedPoller._anchors`), not the whole page's
    posts = {e.key for e, p in zip(entries, pages, strict=True) if p is not None and p.post}
    reading = replace(reading, anchored={*reading.anchored, *posts})
    refused = await _not_their_pages(feed, entries, pages, reading, problems)
    drafts: list[ArticleDraft | NoText | None] = [
        None
        if page is None
        else _article(feed, parsed, entry, page, noted(entry), reading, entry.key in refused)
        for entry, page in zip(entries, pages, strict=True)
    ]
    return drafts, bool(late)


async def _not_their_pages(
    feed: Feed,
    entries: Sequence[Entry],
    pages: Sequence[_Page | None],
    reading: Reading,
    problems: list[str],
) -> set[str]:
    """The entries (by key) whose page is not their own: it shares almost nothing with
    their title and summary (`unrelated`), each said once in `problems`, those that lead
    to one such page together (`shared_pages`: a cookie wall, a home page). A page that
    holds their words is theirs, however many entries lead to it: one story under two
    links, stored once. The posts of a live page, whose page is not read, are said at
    INFO: it is what such a feed is."""
    read = {
        e.key: PageOf(reading.links[e.key], p.url, p.article.text)
        for e, p in zip(entries, pages, strict=True)
        if p is not None
        and p.article is not None
        and p.url
        and e.key in reading.links
        and e.key not in reading.anchored
    }
    if posts := [e for e in entries if e.key in reading.anchored]:
        log.info("feed %d (%s): %s", feed.id, shown_name(feed.label), posts_note(posts))
    if not read:
        return set()
    by_key = {e.key: e for e in entries}
    words = await asyncio.to_thread(
        _words_found, {key: (by_key[key], page) for key, page in read.items()}
    )
    refused = {key for key, (found, total) in words.items() if unrelated(found, total)}
    walls = shared_pages({key: page for key, page in read.items() if key in refused})
    said: set[str] = set()
    for url, keys in _grouped(walls).items():
        if len(keys) > 1:  # one note for a wall's entries, not one each
            said.update(keys)
            if any(key not in reading.told for key in keys):
                problems.append(shared_page_note(url, [by_key[key] for key in keys]))
    for key in read:  # in the feed's order
        if key in refused and key not in said and key not in reading.told:
            problems.append(unrelated_note(read[key].url, by_key[key], *words[key]))
    return refused


async def entry_page(
    fetcher: Fetcher, link: str, problems: list[str]
) -> tuple[ArticleDraft | None, str | None, bool, bool]:
    """The article extracted from an entry's page, the page's final URL, whether its
    fetch failed for a moment (`page_retries.passing`) and whether it holds the element
    the link's anchor names (`PageRead.post`); why there is none is noted in
    `problems`, the page named (its credentials masked: a per-item token or signature
    stays out of the log)."""
    read = await read_page(fetcher, link, advice=False)  # a link the feed gave
    if read.problem is not None:
        problems.append(f"page {masked_url(link)}: {read.problem}")
    return read.article, read.url, read.for_now, read.post


def _article(
    feed: Feed,
    parsed: ParsedFeed,
    entry: Entry,
    read: _Page,
    problems: list[str],
    reading: Reading,
    not_its_page: bool,
) -> ArticleDraft | NoText:
    """The article for an entry: its page's text (`read`), else the feed's; NO_TEXT
    (with a problem noted) when there is none at all -- it stays unseen and is tried
    again. Where the page failed for a moment and the feed's text is used,
    `reading.again` gets the entry's link (by its key): the page is read again later
    (`page_retries`). A page `not_its_page`, or a post of a live page (its page not
    read, or read only to find the post's anchor in it), leaves the entry its own text:
    its summary, else its title alone (its news all the same), under its own link (a
    post's: none, its page's address is every post's; its link is `post_url`)."""
    page, page_url, failed_for_now, _ = read
    own_text = not_its_page or entry.key in reading.anchored
    if own_text:  # the page not the entry's alone, if read
        page, page_url = None, None
    what = (
        masked_url(entry.link)
        if entry.link
        else (entry.title or masked_url(entry.key))[:NAME_SHOWN]
    )
    try:  # a page's text was held to it as it was read (`extract_article`)
        feed_text = within_article_limit(entry.text)
    except ParseError as exc:
        feed_text = ""
        if page is None:
            problems.append(f"entry {what}: the feed's text: {exc}")
            return NO_TEXT
    from_page = page is not None and len(page.text) >= len(feed_text)
    text = page.text if from_page and page is not None else feed_text
    if own_text and not text.strip():
        text = entry.title or ""
    if failed_for_now and entry.link and text.strip():
        reading.again[entry.key] = entry.link  # as fetched: a page may need its token
    if not text.strip():
        problems.append(
            f"entry {what}: no text (no page, and no summary in the feed); tried again "
            f"for a day ({ENTRY_TRIES} polls at least), not said again"
        )
        return NO_TEXT
    link = page_url or (None if entry.key in reading.anchored else entry.link)
    url = public_url(link, feed.secret_params) if link else None  # stored without a token
    # a post's link, kept as given (`link`, masked) and as shown (`post_url`, without a
    # token: `attributions.SHOWN_URL`): its article has no address, the page's being every post's
    post = (
        {
            "link": masked_url(entry.link),
            "post_url": public_url(entry.link, feed.secret_params),
        }
        if entry.link and not link
        else {}
    )
    return ArticleDraft(
        title=entry.title or (page.title if page else None) or text.split("\n", 1)[0][:200],
        text=text,
        source=feed.name
        or parsed.title
        or (page.source if page else None)
        or (site_of(url) if url else None),
        authors=entry.authors or (page.authors if page else ()),
        published=entry.published or (page.published if page else None),
        url=url,
        origin=feed.shown_url,  # its credentials masked
        extra={
            **(page.extra if page else {}),
            "feed_id": feed.id,
            "entry": masked_url(entry.key),  # a link for a key, token and all
            "text_from": "page" if from_page else "feed",
            **post,
        },
        published_as_written=entry.published_as_written if entry.published else None,
    )
