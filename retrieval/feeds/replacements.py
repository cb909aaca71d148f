"""Articles a poll replaces by better text: a corrected entry's, by what its feed and its
page say now (`corrected_entries`, `correct`), and a summary's whose page failed for a
moment, by the page read again (`read_pages_again`). Each through
`removals.replace_article`, as `newsbot remove` and an ingest again would leave it.

Apart from the poller (`poll.FeedPoller`), which stores the new entries: these replace what
earlier polls stored, each in a transaction of its own.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import replace

from retrieval.addresses import masked_url
from retrieval.corpus.db import transaction
from retrieval.corpus.prepare import PreparedArticle, prepare_articles
from retrieval.corpus.removals import replace_article
from retrieval.corpus.store import CorpusStore
from retrieval.feeds.corrections import (
    NOT_NOW,
    Corrections,
    given_up_note,
    named,
    not_corrected,
    revisions,
)
from retrieval.feeds.entry_articles import entry_page, seen_entry
from retrieval.feeds.feed import Feed, SeenEntry
from retrieval.feeds.feedformat import Entry, ParsedFeed
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.page_retries import PAGE_TRIES, PageRetries, PageRetry
from retrieval.feeds.registry import ENTRY_PATIENCE, ENTRY_TRIES, FeedRegistry
from retrieval.wording import counted, shown_name

# What is said of a poll's corrections is logged under the poll's name, as the rest of the
# poll: a deployment's log filters and `feeds poll`'s own output name that one logger.
log = logging.getLogger("retrieval.feeds.poll")


async def corrected_entries(
    registry: FeedRegistry, feed: Feed, parsed: ParsedFeed
) -> tuple[list[tuple[Entry, int]], list[SeenEntry]]:
    """The entries this feed gave before that it has corrected since, each with the
    article it gave: their pages are read again and their articles replaced
    (`correct`); and those whose record alone is brought up to date
    (`corrections.revisions`). The others' pages are never read again."""
    before = await registry.entries_read(feed.id, (e.key for e in parsed.entries))
    revised, recorded, form_changed = revisions(parsed.entries, before)
    if form_changed:
        log.info(
            "feed %d (%s): %s given before changed at once: the feed's form, not its "
            "stories; their pages are not read again",
            feed.id,
            shown_name(feed.label),
            counted(form_changed, "entry", "entries"),
        )
    return revised, [seen_entry(entry, article_id, {}) for entry, article_id in recorded]


async def correct(
    store: CorpusStore,
    registry: FeedRegistry,
    feed: Feed,
    fixes: Sequence[tuple[Entry, int, PreparedArticle]],
    again: dict[str, str],
) -> Corrections:
    """Replace the article each corrected entry gave (`corrected_entries`) by what the feed and
    its page say now (`removals.replace_article`, as a page read again replaces a
    summary), and record what the feed says of it, in one transaction: a crash leaves
    the old article and its record, and the next poll corrects it again. An entry whose
    page was not to be had (failed for a moment, a 404), its page's text stored before,
    is left `pending`, its record as it was: the next polls read its page again, till
    it has failed ENTRY_TRIES polls over ENTRY_PATIENCE (`FeedRegistry.count_tries`; a
    page gone for good is not fetched forever): then its article is kept."""
    done = Corrections()
    waiting: dict[str, tuple[Entry, int]] = {}  # by key: not corrected for now
    for entry, article_id, article in fixes:
        seen = seen_entry(entry, article_id, {})
        stored = await store.stored_draft(article_id)
        why = not_corrected(feed.id, article_id, stored, article)
        if why is NOT_NOW:
            waiting[entry.key] = (entry, article_id)
            continue
        if why is not None:
            if why:
                log.info(
                    "feed %d (%s): entry %s: %s",
                    feed.id,
                    shown_name(feed.label),
                    named(entry),
                    why,
                )
            done.settled.append(seen)
            continue
        async with transaction(store.conn):
            result = await replace_article(store, article_id, article)
            await registry.reread(feed.id, [seen])
        if result is None:  # removed meanwhile, or its new words a removed article's
            continue
        done.replaced += 1
        log.info(
            "feed %d (%s): entry %s corrected: article %d replaced by article %d",
            feed.id,
            shown_name(feed.label),
            named(entry),
            article_id,
            result.article_id,
        )
        if result.added and entry.key in again:
            done.retries.append(PageRetry(result.article_id, entry.key, again[entry.key], 1))
    given_up = await registry.count_tries(feed.id, waiting) if waiting else set()
    for key in given_up:
        entry, article_id = waiting[key]
        why = given_up_note(article_id, ENTRY_TRIES, ENTRY_PATIENCE)
        log.info("feed %d (%s): entry %s: %s", feed.id, shown_name(feed.label), named(entry), why)
        done.settled.append(seen_entry(entry, article_id, {}))
    done.pending = len(given_up) < len(waiting)
    return done


async def read_pages_again(
    fetcher: Fetcher,
    store: CorpusStore,
    pages: PageRetries,
    database: asyncio.Lock,
    feed: Feed,
    problems: list[str],
    pages_deadline: float,
) -> int:
    """Read again the pages of this feed's entries that failed for a moment and were
    stored with the feed's text (`page_retries`), those due; replace each article whose
    page says more. Returns how many were replaced. `database` (the poller's lock) is held
    for the reads and writes, not for the fetches."""
    async with database:
        due = await pages.due(feed.id)
    replaced = 0
    deadline = time.monotonic() + pages_deadline  # as for the poll's new pages
    for retry in due:
        if time.monotonic() > deadline:  # the rest at the next poll
            break
        page, _, failed_for_now, _ = await entry_page(fetcher, retry.link, problems)
        async with database:
            stored = await store.stored_draft(retry.article_id)
            if page is None and failed_for_now and stored is not None:
                if await pages.failed(retry):
                    problems.append(
                        f"page {masked_url(retry.link)}: given up after "
                        f"{counted(PAGE_TRIES, 'try', 'tries')}; the feed's text is kept"
                    )
                continue
            if page is None or stored is None or len(page.text) <= len(stored.text):
                await pages.done(retry)  # no better text to be had, or removed
                continue
        whole = replace(
            stored,
            text=page.text,
            authors=stored.authors or page.authors,
            published=stored.published or page.published,
            extra={**page.extra, **stored.extra, "text_from": "page"},
        )
        [prepared] = await asyncio.to_thread(prepare_articles, [whole])
        async with database:
            if await replace_article(store, retry.article_id, prepared) is not None:
                replaced += 1
            await pages.done(retry)  # replaced (gone with the old one), or not to be
    return replaced
