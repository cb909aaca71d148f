"""Polling feeds: fetch each due feed, fetch and extract its new entries' pages, store them.

Per feed, in this order, so that nothing is lost and nothing stored twice:
1. conditional GET of the feed (a 304 ends the poll: nothing new);
2. parse it and keep the entries this feed has not delivered before, the newest
   MAX_ENTRIES_PER_POLL of them (the rest wait for the next poll, which comes soon), and
   those it delivered before and has corrected since: other words (title, text) or a later
   updated date than it gave when they were read last (`replacements.corrected_entries`;
   the pages of the others are not read again);
3. fetch each new or corrected entry's page and extract the article (trafilatura), falling
   back to the feed's own content or summary when the page cannot be had or says less
   (`entry_articles`);
4. split them into sentences (in a worker thread) and store them in one transaction (the
   store skips duplicates: same canonical URL or same words, from this feed or any other);
5. replace each corrected entry's article by its new text (`replacements.correct`: in one
   transaction with the record of what the feed said, as `remove` and an ingest again would
   leave it); only then mark the entries seen and save the feed's validators, so a crash
   before this point fetches the entries again next time and the store's dedupe absorbs the
   repeat;
6. read again the pages that failed for a moment at earlier polls, whose entries were stored
   with the feed's text (`page_retries`), and replace those articles by the pages' text
   (`replacements.read_pages_again`).
Making the new sentences searchable is the caller's part (`Engine.poll_feeds` refreshes the
index after a poll). A feed that fails backs off exponentially and is paused after
`pause_after` failures in a row; the others go on. Every failure is reported with its feed.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Collection, Sequence

import aiosqlite

from retrieval.addresses import masked_url, public_url, site_of
from retrieval.corpus.prepare import PreparedArticle, prepare_articles
from retrieval.corpus.removals import removed_among, replaced_among
from retrieval.corpus.store import AddResult, CorpusStore, dated_ahead, dated_placeholder
from retrieval.errors import FetchError, ParseError, StoreError
from retrieval.feeds.entry_articles import NO_TEXT, Reading, entry_drafts, seen_entry
from retrieval.feeds.feed import Feed, SeenEntry
from retrieval.feeds.feed_addresses import plain_url
from retrieval.feeds.feedformat import Entry, ParsedFeed, parse_feed
from retrieval.feeds.fetch import FEED_ACCEPT, Fetched, Fetcher
from retrieval.feeds.outcomes import FeedOutcome, PollReport, PollStatus
from retrieval.feeds.page_retries import PageRetries, PageRetry
from retrieval.feeds.probe import unreadable
from retrieval.feeds.registry import ENTRY_TRIES, PAUSE_AFTER, FeedRegistry
from retrieval.feeds.replacements import correct, corrected_entries, read_pages_again
from retrieval.feeds.shared_pages import anchors, page_of_anchor
from retrieval.models import ArticleDraft
from retrieval.wording import counted, shown_name

log = logging.getLogger(__name__)


# Sites polled at once. A site's feeds are polled one after another (gentle with it), other
# sites' meanwhile, so one slow site holds up only its own feeds, not every feed behind it.
SITE_CONCURRENCY = 4
# Entries stored per poll of one feed. A feed of 100,000 entries (an archive, or a hostile
# one) would otherwise be fetched page by page and stored in one transaction in one poll. The
# newest go first: a chat wants today's news now, and the archive can follow a poll at a
# time while the feed still lists it. 100 pages at PAGE_CONCURRENCY take a minute or two.
MAX_ENTRIES_PER_POLL = 100
# How long one poll of one feed may spend on its entries' pages. A site sending its pages
# slowly (each within the fetcher's own deadline) would hold up the feeds behind it: 100
# pages, 4 at a time, at 30 s each, 12.5 minutes. Entries whose pages are not read by then stay
# unseen, and the next poll takes them.
PAGES_DEADLINE = 90.0


def _date_warnings(prepared: Sequence[PreparedArticle], results: Sequence[AddResult]) -> list[str]:
    """What to say of the articles just stored dated days ahead (`store.dated_ahead`), as
    `ingest` says it: hidden until then, a mistyped year hides them for good; the advice a
    feed's (`from_feed`); and of those dated by a placeholder, stored undated
    (`store.dated_placeholder`). Said at the poll that stores them, once: their entries are
    seen from then on."""
    now = time.time()
    said = (
        dated_ahead(article, result.article_id, now, from_feed=True)
        or dated_placeholder(article, result.article_id)
        for article, result in zip(prepared, results, strict=True)
        if result.added
    )
    return [ahead for ahead in said if ahead]


# How the warning of a feed moved to another feed's address begins (`_follow_move`): it
# follows the warning of the feed's document, if any, after "; "
MOVED_TOO = "moved for good to "


def document_warning(warning: str | None) -> str | None:
    """A feed's stored `warning` without that of its move to another feed's address: the
    warning of its document alone, which a 304 keeps (the move is looked at anew)."""
    if warning is None or warning.startswith(MOVED_TOO):
        return None
    return warning.partition(f"; {MOVED_TOO}")[0]


def _document_problem(parsed: ParsedFeed, feed: Feed) -> str | None:
    """What is wrong with the document a poll of `feed` read (kept as its warning), to
    be said: at each poll if entries were lost to it (the feed's to mend, and they may be
    news); else once, not while the feed has the same warning from the poll before (a
    harmless fault every entry was read past would mail a cron `feeds poll --quiet` every
    15 minutes). None: nothing to say."""
    if parsed.read_in_part or parsed.problem != document_warning(feed.warning):
        return parsed.problem
    return None


class FeedPoller:
    """Polls feeds into the corpus through `conn`, a connection of its own: its transactions
    then never interleave with those of other tasks sharing a connection (the bot's). The
    feeds it polls at once take turns with it (`_database`): only their fetches overlap."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        fetcher: Fetcher,
        pause_after: int = PAUSE_AFTER,
        pages_deadline: float = PAGES_DEADLINE,
    ) -> None:
        self.registry = FeedRegistry(conn)
        self.store = CorpusStore(conn)
        self.pages = PageRetries(conn)
        self.fetcher = fetcher
        self.pause_after = pause_after
        self.pages_deadline = pages_deadline
        # Held for each feed's reads and writes of the database: a transaction on a shared
        # connection must not take in another feed's statements.
        self._database = asyncio.Lock()

    async def poll_due(self, on_feed: Callable[[FeedOutcome], None] | None = None) -> PollReport:
        """Poll the feeds that are due (not paused, their interval or backoff elapsed)."""
        return await self.poll(await self.registry.due(), on_feed)

    async def poll(
        self, feeds: Sequence[Feed], on_feed: Callable[[FeedOutcome], None] | None = None
    ) -> PollReport:
        """Poll `feeds`: SITE_CONCURRENCY sites at once, each site's feeds one after another.
        `on_feed` hears of each feed as it is done; the report lists them in `feeds`' order.

        A failing feed never stops the others. A database error stops them all (every other
        feed would fail the same way), and is raised once the polls under way have stopped.
        """
        by_site: dict[str | None, list[int]] = {}
        for number, feed in enumerate(feeds):
            by_site.setdefault(site_of(feed.url), []).append(number)
        outcomes: dict[int, FeedOutcome] = {}
        sites = asyncio.Semaphore(SITE_CONCURRENCY)

        async def poll_site(numbers: list[int]) -> None:
            async with sites:
                for number in numbers:
                    outcomes[number] = outcome = await self._poll_one(feeds[number])
                    if on_feed:
                        on_feed(outcome)

        tasks = [asyncio.create_task(poll_site(numbers)) for numbers in by_site.values()]
        try:
            if tasks:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for error in (task.exception() for task in tasks if not task.cancelled()):
            if error is not None:
                raise error
        return PollReport([outcomes[number] for number in sorted(outcomes)])

    async def _poll_one(self, feed: Feed) -> FeedOutcome:
        """Poll one feed, and log how it went."""
        try:
            outcome = await self.poll_feed(feed)
        except (sqlite3.Error, StoreError):
            raise  # the database, not the feed: every other feed would fail the same way
        except Exception as exc:  # a parser crashing on a hostile feed: this feed only
            log.exception("feed %d (%s): unexpected error", feed.id, shown_name(feed.label))
            outcome = await self._failed(feed, f"unexpected error: {exc!r}")
        if outcome.status in (
            PollStatus.OK,
            PollStatus.NOT_MODIFIED,
        ):  # the site answers: its pages may too
            outcome.replaced = await read_pages_again(
                self.fetcher,
                self.store,
                self.pages,
                self._database,
                feed,
                outcome.problems,
                self.pages_deadline,
            )
        # pages' links masked too; and escaped, as they are printed (`wording.shown_name`):
        # an entry's link is the feed's to write, an ESC sequence or a U+202E in it too
        outcome.problems = [shown_name(feed.masked(p)) for p in outcome.problems]
        (log.warning if outcome.status == PollStatus.FAILED else log.info)("%s", outcome.line())
        for problem in outcome.problems:
            log.warning("feed %d (%s): %s", feed.id, shown_name(feed.label), problem)
        return outcome

    async def poll_feed(self, feed: Feed) -> FeedOutcome:
        """One poll of `feed`, in the steps the module's docstring gives."""
        started = time.time()  # the next poll is timed from here (`record_success`)
        got = await self._fetch(feed, started)
        if isinstance(got, FeedOutcome):  # not modified, or failed
            return got
        fetched, parsed = got
        outcome = FeedOutcome(feed)
        if said := _document_problem(parsed, feed):  # its entries read are still used
            outcome.problems.append(said)
        new, links = await self._new_entries(feed, parsed, outcome)
        async with self._database:
            revised, reread = await corrected_entries(self.registry, feed, parsed)
            fixing = [e for e, _ in revised]
            secret = feed.secret_params
            links |= {e.key: public_url(e.link, secret) for e, _ in revised if e.link}
            anchored = await self._anchors(feed, links)
            known = await self._known(feed, new, links, anchored)
            # a correction waiting for its page was said at its first try, as a new entry
            told = await self.registry.retried(feed.id, (e.key for e in [*new, *fixing]))
        known_keys = {k.key for k in known}
        new = [e for e in new if e.key not in known_keys]
        again: dict[str, str] = {}  # entries whose page failed for a moment: their links
        drafts, late = await entry_drafts(
            self.fetcher,
            feed,
            parsed,
            [*new, *(e for e, _ in revised)],
            Reading(links, anchored, told, again),
            outcome.problems,
            self.pages_deadline,
        )
        drafts, revised_drafts = drafts[: len(new)], drafts[len(new) :]
        fixes = [
            (e, article_id, d)
            for (e, article_id), d in zip(revised, revised_drafts, strict=True)
            if isinstance(d, ArticleDraft)
        ]
        # an entry given before with no text now: nothing to correct it with (its record
        # kept as it is, its page not read in time: looked at again at the next poll)
        reread += [
            seen_entry(e, a, links)
            for (e, a), d in zip(revised, revised_drafts, strict=True)
            if d is NO_TEXT
        ]
        fixed = await asyncio.to_thread(prepare_articles, [d for _, _, d in fixes])
        kept = [(e, d) for e, d in zip(new, drafts, strict=True) if isinstance(d, ArticleDraft)]
        no_text = [
            seen_entry(e, None, links) for e, d in zip(new, drafts, strict=True) if d is NO_TEXT
        ]
        prepared = await asyncio.to_thread(prepare_articles, [d for _, d in kept])
        async with self._database:
            if await self.registry.get(feed.id) is None:
                # removed during its poll (`feeds remove`, /removefeed): its entries would
                # be the removed feed's, and their rows, which name it, a foreign key error
                # that would stop every other feed's poll
                return FeedOutcome(feed, status=PollStatus.REMOVED)
            kept, prepared, gone, copies = await self._without_removed(kept, prepared, links)
            results = await self.store.add_articles(prepared)
            corrections = await correct(
                self.store,
                self.registry,
                feed,
                [(e, a, p) for (e, a, _), p in zip(fixes, fixed, strict=True)],
                again,
            )
            seen = [
                seen_entry(e, r.article_id, links) for (e, d), r in zip(kept, results, strict=True)
            ] + gone
            known += copies
            try:
                given_up = await self.registry.record_success(
                    feed,
                    known + seen,
                    parsed.title,
                    fetched.etag,
                    fetched.last_modified,
                    backlog=outcome.waiting > 0 or late,
                    no_text=no_text,
                    listed={e.key for e in parsed.entries},
                    started=started,
                    warning=parsed.problem,
                    reread=reread + corrections.settled,
                    refetch=corrections.pending,
                )
                await self._follow_move(feed, fetched, outcome, parsed.problem)
            except sqlite3.IntegrityError:
                if await self.registry.get(feed.id) is not None:
                    raise
                # removed by another process since the look above: its articles are kept
                # (stored, as any other), its entries' rows would name no feed
                added = sum(r.added for r in results)
                return FeedOutcome(feed, status=PollStatus.REMOVED, added=added)
            await self.pages.add(
                feed.id,
                [
                    PageRetry(r.article_id, e.key, again[e.key], tries=1)
                    for (e, _), r in zip(kept, results, strict=True)
                    if r.added and e.key in again
                ]
                + corrections.retries,
            )
        if given_up:  # said as a problem at their first try, which told of this too
            log.info(
                "feed %d (%s): %s given up after %d polls over a day without text",
                feed.id,
                shown_name(feed.label),
                counted(len(given_up), "entry", "entries"),
                ENTRY_TRIES,
            )
        outcome.problems += _date_warnings(prepared, results)
        for (entry, draft), result in zip(kept, results, strict=True):
            if result.added and entry.unread_date:
                dated = outcome.dated_otherwise if draft.published else outcome.undated
                dated.append(entry.unread_date)
        outcome.added = sum(r.added for r in results)
        outcome.corrected = corrections.replaced
        outcome.duplicates = len(results) - outcome.added + len(known)
        outcome.removed = len(gone)
        return outcome

    async def _fetch(self, feed: Feed, started: float) -> tuple[Fetched, ParsedFeed] | FeedOutcome:
        """The feed fetched (conditionally) and parsed; or the outcome of a poll that ends
        here: not modified (recorded as a success), or failed."""
        try:
            fetched = await self.fetcher.get(
                feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT
            )
            if fetched.not_modified:
                outcome = FeedOutcome(feed, status=PollStatus.NOT_MODIFIED)
                async with self._database:
                    # the same document: a warning of it (read in part) still holds
                    kept = document_warning(feed.warning)
                    await self.registry.record_success(
                        feed, [], None, None, None, started=started, warning=kept
                    )
                    await self._follow_move(feed, fetched, outcome, kept)
                return outcome
        except FetchError as exc:
            if exc.status == 410:  # gone for good: polling on would only fail on
                return await self._failed(feed, f"{exc}: the feed is gone", gone=True)
            return await self._failed(feed, str(exc), exc.retry_after)
        try:
            parsed = await asyncio.to_thread(
                parse_feed, fetched.content, fetched.url, fetched.content_type
            )
        except ParseError as exc:  # said as `feeds add` says it: "it is a web page, ..."
            refused = await unreadable(feed.url, fetched, exc)
            return await self._failed(
                feed, refused.why(fetched.url if fetched.redirected else None)
            )
        return fetched, parsed

    async def _follow_move(
        self, feed: Feed, fetched: Fetched, outcome: FeedOutcome, warning: str | None
    ) -> None:
        """Poll `feed` at its new address from now on, if it has moved there for good (a
        permanent redirect: 301, 308), and say so in `outcome`; a temporary one (302, 307)
        is followed each time, the address kept. A feed already at the new address is
        named as a problem instead, and kept after the feed's `warning` (of its document)
        as its warning, which `feeds list` shows: two feeds would poll one."""
        moved_to = fetched.moved_to
        if moved_to is None or plain_url(moved_to) == plain_url(feed.url):
            return
        other = await self.registry.move(feed, moved_to)
        shown = masked_url(moved_to)
        if other is None:
            outcome.moved_to = shown
            return
        conflict = (
            f"{MOVED_TOO}{shown}, which feed {other.id} polls too: remove one of them (this "
            "one is still polled at its old address)"
        )
        outcome.problems.append(conflict)
        await self.registry.warn(feed, f"{warning}; {conflict}" if warning else conflict)

    async def _new_entries(
        self, feed: Feed, parsed: ParsedFeed, outcome: FeedOutcome
    ) -> tuple[list[Entry], dict[str, str]]:
        """The entries this feed has not delivered before, the newest MAX_ENTRIES_PER_POLL
        of them oldest first (so article ids follow the order the feed published them in;
        `outcome` counts them and those left waiting), and each one's link as its article is
        stored under, without credentials (by entry key)."""
        async with self._database:
            unseen = await self.registry.unseen(feed.id, (e.key for e in parsed.entries))
        fresh = [e for e in parsed.entries if e.key in unseen]  # as listed: newest first
        outcome.waiting = max(0, len(fresh) - MAX_ENTRIES_PER_POLL)
        new = list(reversed(fresh[:MAX_ENTRIES_PER_POLL]))
        outcome.new_entries = len(new)
        secret = feed.secret_params
        return new, {e.key: public_url(e.link, secret) for e in new if e.link}

    async def _without_removed(
        self,
        kept: list[tuple[Entry, ArticleDraft]],
        prepared: list[PreparedArticle],
        links: dict[str, str],
    ) -> tuple[
        list[tuple[Entry, ArticleDraft]], list[PreparedArticle], list[SeenEntry], list[SeenEntry]
    ]:
        """`kept` and `prepared` without the articles removed before (`newsbot remove`: by
        address or words, `retrieval.corpus.removals`), and those entries, seen but not
        stored. One stored again by hand since is not left out: a copy, as any other. Nor
        are the copies of a summary replaced by its page's text (another feed's entry of
        the same story), seen as copies of what replaced it: the last list."""
        stored = await self.store.stored_among(prepared)
        removed = await removed_among(self.store.conn, prepared) - stored
        replaced = {
            n: article_id
            for n, article_id in (await replaced_among(self.store.conn, prepared)).items()
            if n not in stored and n not in removed
        }
        gone = [seen_entry(e, None, links) for n, (e, _) in enumerate(kept) if n in removed]
        copies = [
            seen_entry(e, replaced[n], links) for n, (e, _) in enumerate(kept) if n in replaced
        ]
        left_out = removed | set(replaced)
        kept = [entry for n, entry in enumerate(kept) if n not in left_out]
        prepared = [article for n, article in enumerate(prepared) if n not in left_out]
        return kept, prepared, gone, copies

    async def _anchors(self, feed: Feed, links: dict[str, str]) -> set[str]:
        """The entries (by key) that are anchors of a page other entries of this feed link
        into too: posts of a live page (`shared_pages.anchors`)."""
        pages = {page for link in links.values() if (page := page_of_anchor(link)) is not None}
        return anchors(links, await self.registry.anchors_given(feed.id, pages) if pages else ())

    async def _known(
        self,
        feed: Feed,
        entries: Sequence[Entry],
        links: dict[str, str],
        anchored: Collection[str] = (),
    ) -> list[SeenEntry]:
        """The entries whose link (`links`, by entry key) is a stored article's, or one this
        feed gave before (the link may redirect elsewhere): seen without fetching their
        pages again (a feed that changes its guids at every fetch, one story in two feeds).
        A post of a live page (`anchored`, by key) only by its own link: the page's address
        is every post's."""
        own = {links[key] for key in anchored if key in links}
        stored = await self.store.ids_by_url(set(links.values()) - own)
        stored |= await self.registry.articles_of_links(feed.id, set(links.values()) - set(stored))
        return [
            seen_entry(e, stored[links[e.key]], links)
            for e in entries
            if links.get(e.key) in stored
        ]

    async def _failed(
        self, feed: Feed, error: str, wait: float | None = None, gone: bool = False
    ) -> FeedOutcome:
        error = feed.masked(error)  # a fetch error quotes the address, credentials and all
        async with self._database:
            updated = await self.registry.record_failure(
                feed, error, self.pause_after, wait=wait, gone=gone
            )
        if updated is None:
            return FeedOutcome(feed, status=PollStatus.REMOVED)
        return FeedOutcome(updated, status=PollStatus.FAILED, error=error, paused=updated.paused)
