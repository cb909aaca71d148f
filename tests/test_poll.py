"""Polling feeds end to end: loopback server, real fetcher, real database, real index."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiosqlite
import pytest

from retrieval.addresses import masked, masked_url, public_url
from retrieval.corpus import records
from retrieval.corpus.dates import to_timestamp
from retrieval.corpus.db import connect
from retrieval.engine import Engine
from retrieval.errors import StoreError
from retrieval.feeds import page as page_module
from retrieval.feeds import page_retries, poll, registry
from retrieval.feeds.feed import MAX_BACKOFF, SeenEntry
from retrieval.feeds.fetch import Fetcher, retry_after
from retrieval.feeds.outcomes import FeedOutcome, PollReport
from retrieval.feeds.poll import MAX_ENTRIES_PER_POLL, FeedPoller
from retrieval.feeds.registry import FeedRegistry
from retrieval.models import ArticleDraft
from retrieval.without_index import remove_articles
from tests.conftest import TEST_LIMITS, run_sql
from tests.feed_server import FeedServer, Route, poll_all


async def articles(conn: aiosqlite.Connection) -> list[dict[str, Any]]:
    async with conn.execute(
        "SELECT id, title, source, authors, published, url, text, origin, extra"
        " FROM articles ORDER BY id"
    ) as cur:
        rows = [dict(r) for r in await cur.fetchall()]
    for row in rows:
        row["authors"] = tuple(json.loads(row["authors"]))
        row["extra"] = json.loads(row["extra"])
    return rows


def by_title(rows: list[dict[str, Any]], start: str) -> dict[str, Any]:
    (row,) = [r for r in rows if r["title"].startswith(start)]
    return row


async def test_an_rss_feed_becomes_attributed_articles(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed, _ = await FeedRegistry(db).add(url)
    report = await FeedPoller(db, fetcher).poll_due()

    (outcome,) = report.outcomes
    assert (outcome.status, outcome.new_entries, outcome.added, outcome.duplicates) == (
        "ok",
        4,
        4,
        0,
    )
    rows = await articles(db)
    ferry = by_title(rows, "Night ferry")
    assert ferry["source"] == "The Port Ellery Post"  # the feed's title
    assert ferry["authors"] == ("Oskar Lind",)
    assert ferry["published"] == "2026-10-05T07:30:00+00:00"
    assert ferry["url"] == feed_server.url("/pages/ferry.html")
    assert ferry["origin"] == url
    # The page's article, not the feed's one-line description, and none of the page chrome.
    assert ferry["text"].startswith("The night ferry between Port Ellery and the outer islands")
    assert "three crossings a week" in ferry["text"] and "Most read" not in ferry["text"]
    assert ferry["extra"]["text_from"] == "page" and ferry["extra"]["feed_id"] == feed.id
    # Stored oldest first, as published.
    assert [r["title"][:12] for r in rows] == [
        "Crews brave ",
        "Night ferry ",
        "Library open",
        "Council dela",
    ]

    listed = await FeedRegistry(db).get(feed.id)
    assert listed is not None
    assert (listed.articles, listed.title, listed.last_error, listed.failures) == (
        4,
        "The Port Ellery Post",
        None,
        0,
    )
    assert listed.last_fetch_ts is not None and listed.etag is not None


async def test_an_entry_whose_page_is_gone_falls_back_to_the_feed_summary(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed, _ = await FeedRegistry(db).add(url)
    report = await FeedPoller(db, fetcher).poll_due()

    seawall = by_title(await articles(db), "Council delays")
    assert seawall["text"] == (
        "The council has postponed its vote on the seawall levy until December, after "
        "residents of the lower town asked for more time to study the engineers' report.\n"
        "The levy would add a small charge to every household bill for ten years to raise "
        "the wall by half a metre."
    )
    assert seawall["extra"]["text_from"] == "feed"
    assert seawall["url"] == feed_server.url("/pages/seawall.html")
    # The missing page is reported, with its feed.
    assert report.problems() == [
        f"feed {feed.id} ({url}): page {feed_server.url('/pages/seawall.html')}: "
        "HTTP 404 Not Found"
    ]


async def test_a_page_shorter_than_the_feeds_text_is_a_teaser_and_the_feed_wins(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A page holding a line of the story (a teaser before a paywall) must not replace the
    whole story the feed carried."""
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed_server.routes["/pages/seawall.html"] = Route(
        body=b"<html><head><title>Seawall vote</title></head><body><article><h1>Seawall "
        b"vote</h1><p>The council met on Tuesday about the seawall.</p></article></body></html>",
        content_type="text/html; charset=utf-8",
    )
    await FeedRegistry(db).add(url)
    await FeedPoller(db, fetcher).poll_due()
    seawall = by_title(await articles(db), "Council delays")
    assert seawall["text"].startswith("The council has postponed its vote on the seawall levy")
    assert seawall["extra"]["text_from"] == "feed"
    assert len(feed_server.hits("/pages/seawall.html")) == 1  # the page was read, and lost


async def test_atom_rss_0_91_and_rss_1_0_feeds(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    registry = FeedRegistry(db)
    await registry.add(feed_server.serve("/feeds/notes.atom", "notes.atom"), name="Notes")
    await registry.add(feed_server.serve("/feeds/tides.rss", "tidewatch-091.rss"))
    await registry.add(feed_server.serve("/feeds/allot.rdf", "allotments-10.rdf"))
    report = await FeedPoller(db, fetcher).poll_due()

    assert [o.added for o in report.outcomes] == [3, 1, 1]
    rows = await articles(db)
    lighthouse = by_title(rows, "Keeper's cottage")
    assert lighthouse["source"] == "Notes"  # the name given when it was added wins
    assert lighthouse["authors"] == ("Ines Carver", "Per Vik")
    tides = by_title(rows, "Spring tides")
    assert tides["source"] == "Ellery Tide Watch"
    # the feed has no date: the page's, with its time of day
    assert tides["published"] == "2026-10-02T18:00:00+00:00"
    assert tides["authors"] == ("Tomas Brandt",)  # nor authors: the page's
    orchard = by_title(rows, "Community orchard")
    assert orchard["published"] == "2026-10-01T10:00:00+00:00"
    assert orchard["text"].startswith("Volunteers planted forty apple and pear trees")


async def test_the_same_story_in_two_feeds_is_stored_once(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    registry = FeedRegistry(db)
    gazette, _ = await registry.add(feed_server.serve("/feeds/gazette.rss", "gazette.rss"))
    notes, _ = await registry.add(feed_server.serve("/feeds/notes.atom", "notes.atom"))
    report = await FeedPoller(db, fetcher).poll_due()

    # Notes' ferry link differs only by tracking parameters (same canonical URL); its library
    # entry is a copy of the Post's story at another address (same text).
    assert [(o.added, o.duplicates) for o in report.outcomes] == [(4, 0), (1, 2)]
    rows = await articles(db)
    assert len(rows) == 5
    assert sum(r["title"].startswith("Night ferry") for r in rows) == 1
    assert sum("tool" in r["title"] or "tools" in r["title"] for r in rows) == 1
    counts = {f.id: f.articles for f in await registry.all()}
    # the articles each stored: Notes' other two entries are the Post's articles
    assert counts == {gazette.id: 4, notes.id: 1}
    async with db.execute(
        "SELECT count(DISTINCT article_id), count(*) FROM feed_entries"
        " WHERE entry_key IN ('post-2026-ferry', 'urn:harbour-notes:ferry')"
    ) as cur:
        assert tuple(await cur.fetchone() or ()) == (1, 2)


async def test_a_changed_feed_brings_only_its_new_entries(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")
    await FeedRegistry(db).add(url)
    poller = FeedPoller(db, fetcher)
    first = await poll_all(poller)
    feed_server.serve(
        "/feeds/quayside.rss",
        "quayside-2.rss",  # a new entry, new validators
        last_modified="Fri, 09 Oct 2026 09:00:00 GMT",
    )
    second = await poll_all(poller)

    assert [(o.new_entries, o.added) for o in first.outcomes + second.outcomes] == [(1, 1), (1, 1)]
    assert len(feed_server.hits("/pages/market.html")) == 1  # not fetched again
    assert len(feed_server.hits("/pages/bridge.html")) == 1
    assert [r["title"][:10] for r in await articles(db)] == ["Fish marke", "Swing brid"]


async def test_an_unchanged_feed_is_asked_conditionally_and_answers_304(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")
    await FeedRegistry(db).add(url)
    poller = FeedPoller(db, fetcher)
    await poll_all(poller)
    asked_at = time.time()
    report = await poll_all(poller)

    assert report.outcomes[0].status == "not modified"
    asked = feed_server.hits("/feeds/quayside.rss")[1].headers
    route = feed_server.routes["/feeds/quayside.rss"]
    assert asked["if-none-match"] == route.etag
    assert asked["if-modified-since"] == route.last_modified
    assert len(feed_server.hits("/pages/market.html")) == 1
    feed = (await FeedRegistry(db).all())[0]
    assert feed.failures == 0 and feed.articles == 1
    # a poll like any other: the feed waits its interval from this one, not the first
    assert feed.last_fetch_ts is not None and feed.last_fetch_ts >= asked_at
    assert asked_at + feed.interval <= feed.next_poll_ts <= feed.last_fetch_ts + feed.interval


async def test_the_next_poll_is_timed_from_when_a_slow_poll_began(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Timed from its end, a poll of 40 s came due just after the bot's look, once a minute,
    and waited for the next: a feed of 15 minutes was polled every 16."""
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")
    feed_server.routes["/feeds/quayside.rss"].delay = 1.0
    await FeedRegistry(db).add(url)
    began = time.time()
    await poll_all(FeedPoller(db, fetcher))
    feed = (await FeedRegistry(db).all())[0]
    assert feed.last_fetch_ts is not None and feed.last_fetch_ts >= began + 1.0
    assert began + feed.interval <= feed.next_poll_ts <= feed.last_fetch_ts + feed.interval - 1.0


async def test_seen_entries_are_not_fetched_again_when_the_server_ignores_validators(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss", etag=None, last_modified=None)
    await FeedRegistry(db).add(url)
    poller = FeedPoller(db, fetcher)
    await poll_all(poller)
    report = await poll_all(poller)
    assert (report.outcomes[0].status, report.outcomes[0].new_entries) == ("ok", 0)
    assert len(feed_server.hits("/pages/market.html")) == 1


async def test_a_feed_that_changes_its_guids_does_not_refetch_its_pages(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Each fetch of some feeds gives every entry a new guid: each poll fetched every page
    again, to store nothing (a duplicate), 100 pages a feed every 15 minutes."""
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss", etag=None, last_modified=None)
    await FeedRegistry(db).add(url)
    poller = FeedPoller(db, fetcher)
    await poll_all(poller)
    route = feed_server.routes["/feeds/quayside.rss"]
    for n in range(2):  # the same entry, a new guid each time
        guid = f"<guid>quayside-{n}</guid>".encode()
        route.body = re.sub(rb"<guid>.*?</guid>", guid, route.body)
        (outcome,) = (await poll_all(poller)).outcomes
        assert (outcome.new_entries, outcome.added, outcome.duplicates) == (1, 0, 1)
    assert len(feed_server.hits("/pages/market.html")) == 1
    assert len(await articles(db)) == 1


def big_feed(entries: int) -> bytes:
    """An RSS feed of `entries` items, newest first, each with its own text and no page."""
    items = "".join(
        f"<item><guid>entry-{n}</guid><title>Harbour notice {n}</title>"
        f"<pubDate>{format_datetime(datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=n))}"
        f"</pubDate><description>Notice {n}: the harbour crane moved cargo on pier {n}."
        "</description></item>"
        for n in reversed(range(entries))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbour notices</title>{items}</channel></rss>"
    ).encode()


async def test_a_huge_feed_is_stored_a_poll_at_a_time_newest_first(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    entries = MAX_ENTRIES_PER_POLL * 2 + 50
    feed_server.routes["/feeds/big.rss"] = Route(
        body=big_feed(entries), content_type="application/rss+xml", etag='"big"'
    )
    await FeedRegistry(db).add(feed_server.url("/feeds/big.rss"))
    poller = FeedPoller(db, fetcher)
    polls = [await poll_all(poller)]
    [feed] = await FeedRegistry(db).all()
    assert feed.next_poll_ts is not None and feed.last_fetch_ts is not None
    waits = feed.next_poll_ts - feed.last_fetch_ts  # from the poll's start: a few s less
    assert 50 < waits <= 60  # not the 15 minutes of its interval
    polls += [await poll_all(poller) for _ in range(3)]
    outcomes = [report.outcomes[0] for report in polls]
    assert [(o.status, o.added, o.waiting) for o in outcomes] == [
        ("ok", MAX_ENTRIES_PER_POLL, MAX_ENTRIES_PER_POLL + 50),
        ("ok", MAX_ENTRIES_PER_POLL, 50),
        ("ok", 50, 0),
        ("not modified", 0, 0),  # the validators are kept once nothing waits
    ]
    assert "150 more entries next poll" in outcomes[0].line()
    numbers = [int(r["title"].rsplit(" ", 1)[1]) for r in await articles(db)]
    first = list(range(entries - MAX_ENTRIES_PER_POLL, entries))  # the newest, in order
    assert numbers[:MAX_ENTRIES_PER_POLL] == first
    assert sorted(numbers) == list(range(entries))  # then the rest: none lost, none twice
    # While entries wait, the feed is asked for in full (a 304 would hide them).
    asked = feed_server.hits("/feeds/big.rss")
    assert [("if-none-match" in r.headers) for r in asked] == [False, False, False, True]


async def test_every_failure_is_reported_with_its_feed_and_the_others_go_on(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    feed_server.routes["/feeds/error.rss"] = Route(status=500, body=b"oops")
    feed_server.routes["/feeds/slow.rss"] = Route(
        body=feed_server.fixture("gazette.rss"), delay=6.0
    )
    feed_server.routes["/feeds/huge.rss"] = Route(
        body=b"<rss>" + b" " * (TEST_LIMITS.max_bytes * 2) + b"</rss>", send_length=False
    )
    broken = [
        ("/feeds/missing.rss", "HTTP 404 Not Found"),
        ("/feeds/error.rss", "HTTP 500 Internal Server Error"),
        ("/feeds/slow.rss", "timed out after 2 s"),
        ("/feeds/huge.rss", "over the 65536-byte cap"),
        ("/feeds/malformed.rss", "malformed feed: .*unclosed token"),
        ("/pages/ferry.html", "not an RSS or Atom feed"),
    ]
    feed_server.serve("/feeds/malformed.rss", "malformed.rss")
    registry = FeedRegistry(db)
    for path, _ in broken[:3]:
        await registry.add(feed_server.url(path))
    good, _ = await registry.add(feed_server.serve("/feeds/quayside.rss", "quayside-1.rss"))
    for path, _ in broken[3:]:
        await registry.add(feed_server.url(path))

    report = await FeedPoller(db, fetcher).poll_due()

    assert [o.feed.id for o in report.outcomes if o.status == "ok"] == [good.id]
    assert report.added == 1
    failed = {o.feed.url: o.error or "" for o in report.failed}
    assert len(failed) == len(broken)
    for path, reason in broken:
        assert re.search(reason, failed[feed_server.url(path)]), (path, failed)
    problems = report.problems()
    for outcome in report.failed:
        assert f"feed {outcome.feed.id} ({outcome.feed.url}): {outcome.error}" in problems
    for feed in await registry.all():
        if feed.id != good.id:
            assert feed.failures == 1 and feed.last_error == failed[feed.url]
            assert feed.last_fetch_ts is not None
            assert feed.next_poll_ts > feed.last_fetch_ts + feed.interval  # backing off


async def test_a_title_with_a_reference_to_no_character_keeps_the_feeds_entries(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """One &#xD800; in one title made feedparser raise: every poll logged a traceback and
    stored none of the feed's entries, and the feed was paused after six."""
    items = "".join(
        f"<item><title>{title}</title><link>{feed_server.url('/pages/' + page)}</link>"
        f"<description>{title} summary.</description></item>"
        for title, page in (("Ferry &#xD800; times", "ferry.html"), ("Regatta", "regatta.html"))
    )
    body = f"<rss version='2.0'><channel><title>Wire</title>{items}</channel></rss>".encode()
    feed_server.routes["/feeds/bad.rss"] = Route(body=body, content_type="application/rss+xml")
    feed, _ = await FeedRegistry(db).add(feed_server.url("/feeds/bad.rss"))
    report = await FeedPoller(db, fetcher).poll_due()
    (outcome,) = report.outcomes
    assert (outcome.status, outcome.added) == ("ok", 2)
    no_character = "2 character references to no character ('&#xD800;', ...) read as \ufffd"
    assert outcome.problems == [no_character]
    stored = await FeedRegistry(db).get(feed.id)
    assert stored is not None and stored.failures == 0


async def test_a_feed_that_keeps_failing_is_paused_and_reported_once(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    feed_server.routes["/feeds/error.rss"] = Route(status=500, body=b"oops")
    registry = FeedRegistry(db)
    broken, _ = await registry.add(feed_server.url("/feeds/error.rss"), interval=600)
    good, _ = await registry.add(feed_server.serve("/feeds/quayside.rss", "quayside-1.rss"))
    poller = FeedPoller(db, fetcher, pause_after=3)

    reports = []
    for _ in range(4):  # each as the broken feed's back-off ends
        await db.execute("UPDATE feeds SET next_poll_ts = 0 WHERE id = ?", (broken.id,))
        reports.append(await poll_all(poller))

    waits = []
    for report in reports[:3]:
        (outcome,) = [o for o in report.outcomes if o.feed.id == broken.id]
        waits.append(outcome.feed.next_poll_ts - (outcome.feed.last_fetch_ts or 0))
    assert waits == pytest.approx([1200, 2400, 4800])
    assert [[f.id for f in r.paused] for r in reports] == [[], [], [broken.id], []]
    assert "paused after 3 failures in a row" in reports[2].outcomes[0].line()
    assert [o.feed.id for o in reports[3].outcomes] == [good.id]  # no longer polled
    assert len(feed_server.hits("/feeds/error.rss")) == 3
    paused = await registry.get(broken.id)
    assert (
        paused is not None
        and paused.paused
        and paused.last_error == ("HTTP 500 Internal Server Error")
    )
    await registry.add(broken.url)  # adding it again resumes it
    assert [f.id for f in await registry.due()] == [broken.id]


async def test_a_gone_feed_is_paused_at_once_and_a_busy_one_waits_as_asked(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """410 Gone was retried for some 31 hours before the feed was paused, and a 429's
    Retry-After was ignored: the next try came at the usual backoff, however busy."""
    feed_server.routes["/feeds/gone.rss"] = Route(status=410)
    feed_server.routes["/feeds/busy.rss"] = Route(status=429, headers={"Retry-After": "7200"})
    # a server asking for decades: waited a day at most, as a failing feed is
    feed_server.routes["/feeds/later.rss"] = Route(
        status=503, headers={"Retry-After": "999999999"}
    )
    registry = FeedRegistry(db)
    gone, _ = await registry.add(feed_server.url("/feeds/gone.rss"), interval=600)
    busy, _ = await registry.add(feed_server.url("/feeds/busy.rss"), interval=600)
    later, _ = await registry.add(feed_server.url("/feeds/later.rss"), interval=600)
    report = await poll_all(FeedPoller(db, fetcher))
    assert [f.id for f in report.paused] == [gone.id]
    outcome = next(o for o in report.outcomes if o.feed.id == gone.id)
    assert outcome.line().endswith(
        "HTTP 410 Gone: the feed is gone; paused after 1 failure in a row"
    )
    waited = next(o.feed for o in report.outcomes if o.feed.id == busy.id)
    assert not waited.paused
    assert waited.next_poll_ts - (waited.last_fetch_ts or 0) == pytest.approx(7200)
    capped = next(o.feed for o in report.outcomes if o.feed.id == later.id)
    assert capped.next_poll_ts - (capped.last_fetch_ts or 0) == pytest.approx(MAX_BACKOFF)


async def test_a_feed_whose_pages_come_slowly_holds_up_the_poll_no_longer_than_allowed(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Feeds are polled one after another: a site sending each page slowly (but within the
    fetcher's own deadline) held up every feed behind it for minutes. Its entries now wait
    for the next poll, which comes soon and asks for the whole feed (not "not modified")."""
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")  # with ETag, Last-Modified
    await FeedRegistry(db).add(url)
    pages = [r for path, r in feed_server.routes.items() if path.startswith("/pages/")]
    for route in pages:
        route.drip = 0.01  # a byte every 10 ms: each page takes seconds
    poller = FeedPoller(db, fetcher, pages_deadline=1.0)  # the 404 in time, under load too
    (slow,) = (await poll_all(poller)).outcomes
    # one entry's page is missing (404 at once): the feed's summary is stored for it
    assert (slow.status, slow.new_entries, slow.added) == ("ok", 4, 1)
    assert "3 entries left for the next poll: their pages were not read within 1 s" in (
        slow.problems
    )
    for route in pages:
        route.drip = 0.0
    assert slow.feed.id in [f.id for f in await FeedRegistry(db).due(now=time.time() + 61)]
    (quick,) = (await poll_all(FeedPoller(db, fetcher))).outcomes
    assert (quick.status, quick.new_entries, quick.added) == ("ok", 3, 3)


async def test_one_entry_left_for_the_next_poll_is_told_in_the_singular(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """It said "1 entry left for the next poll: their pages were not read"."""
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    await FeedRegistry(db).add(url)
    feed_server.routes["/pages/library.html"].drip = 0.01  # seconds, the others at once
    (slow,) = (await poll_all(FeedPoller(db, fetcher, pages_deadline=1.0))).outcomes
    assert "1 entry left for the next poll: its page was not read within 1 s" in slow.problems


async def test_a_slow_site_holds_up_its_own_feeds_and_no_other(
    feed_server: FeedServer, db: aiosqlite.Connection
) -> None:
    """Feeds were polled one after another, so one slow site held up every feed behind it.
    Sites are polled at once now, and one site's feeds still one after another."""
    slow = Route(body=feed_server.fixture("quayside-1.rss"), delay=1.5)
    feed_server.routes["/feeds/slow-a.rss"] = feed_server.routes["/feeds/slow-b.rss"] = slow
    registry = FeedRegistry(db)
    first, _ = await registry.add(feed_server.url("/feeds/slow-a.rss"))
    second, _ = await registry.add(feed_server.url("/feeds/slow-b.rss"))
    quick_url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    quick, _ = await registry.add(quick_url.replace("127.0.0.1", "localhost"))  # another site
    heard: list[tuple[int, int]] = []  # each feed as it is done, and the requests of the second

    def done(outcome: FeedOutcome) -> None:
        asked = sum(r.path == "/feeds/slow-b.rss" for r in feed_server.requests)
        heard.append((outcome.feed.id, asked))

    limits = replace(TEST_LIMITS, timeout=5.0, deadline=10.0)
    async with Fetcher(allow_private=True, limits=limits) as fetcher:
        report = await poll_all(FeedPoller(db, fetcher), on_feed=done)
    assert [o.feed.id for o in report.outcomes] == [first.id, second.id, quick.id]
    assert all(o.status == "ok" for o in report.outcomes)
    assert [feed for feed, _ in heard] == [quick.id, first.id, second.id]
    assert heard[1][1] == 0  # the first slow feed was done before its site's second was asked


async def test_a_database_error_stops_the_poll_of_every_site(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Every feed would fail the same way: the error is raised, not reported as a feed's,
    once the other sites' polls have stopped; no transaction is left open."""
    registry = FeedRegistry(db)
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")
    await registry.add(url)
    await registry.add(
        feed_server.serve("/feeds/gazette.rss", "gazette.rss").replace("127.0.0.1", "localhost")
    )
    for page in ("library", "ferry", "regatta"):  # the other site's, slow
        feed_server.routes[f"/pages/{page}.html"].drip = 0.01
    await db.execute(
        "CREATE TEMP TRIGGER no_room BEFORE INSERT ON articles"
        " BEGIN SELECT RAISE(ABORT, 'no room'); END"
    )
    with pytest.raises((sqlite3.Error, StoreError), match="no room"):
        await poll_all(FeedPoller(db, fetcher))
    # no page fetch goes on after it (they failed later, the fetcher closed, as "Task
    # exception was never retrieved")
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
    assert not db.in_transaction
    for page in ("library", "ferry", "regatta"):
        feed_server.routes[f"/pages/{page}.html"].drip = 0.0
    await db.execute("DROP TRIGGER no_room")
    report = await poll_all(FeedPoller(db, fetcher))  # the connection goes on
    assert report.added == 5 and not report.failed


async def test_a_changed_guid_is_known_by_its_link_though_the_link_redirects(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """FeedBurner-style links redirect to the page: the article is stored under the page's
    address, so an entry back under a new guid was not known by its link, and its page was
    fetched again at every poll."""
    body = feed_server.fixture("quayside-1.rss").replace(b"/pages/market.html<", b"/r/market<")
    feed_server.routes["/r/market"] = Route(status=302, headers={"Location": "/pages/market.html"})
    feed_server.routes["/feeds/r.rss"] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(feed_server.url("/feeds/r.rss"))
    poller = FeedPoller(db, fetcher)
    await poll_all(poller)
    [article] = await articles(db)
    assert article["url"] == feed_server.url("/pages/market.html")  # where it led
    for n in range(2):
        route = feed_server.routes["/feeds/r.rss"]
        route.body = re.sub(rb"<guid>.*?</guid>", f"<guid>r-{n}</guid>".encode(), route.body)
        (outcome,) = (await poll_all(poller)).outcomes
        assert (outcome.new_entries, outcome.added, outcome.duplicates) == (1, 0, 1)
    assert len(feed_server.hits("/r/market")) == 1


async def test_a_private_feeds_token_in_its_links_is_not_stored_with_the_article(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Paid feeds repeat the subscriber's token in every link: stored with it, the token was
    every answer's and digest's title link, in any chat, while /feeds masked it."""
    body = (
        feed_server.fixture("quayside-1.rss")
        .replace(
            b"/pages/market.html</link>",
            b"/pages/market.html?token=SUBSCRIBERSECRET&amp;id=5</link>",
        )
        .replace(
            b"/pages/market.html</guid>",
            b"/pages/market.html?token=SUBSCRIBERSECRET&amp;id=5</guid>",
        )
    )
    feed_server.routes["/feeds/paid.rss"] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(feed_server.url("/feeds/paid.rss") + "?token=SUBSCRIBERSECRET")
    poller = FeedPoller(db, fetcher)
    (outcome,) = (await poll_all(poller)).outcomes
    assert outcome.added == 1
    [article] = await articles(db)
    assert article["url"] == feed_server.url("/pages/market.html?id=5")
    # the feed it came from is recorded with its token masked, so it does not outlive
    # `feeds remove` in the database and every copy of it
    assert article["origin"] == feed_server.url("/feeds/paid.rss") + "?token=***"
    assert len(market_hits(feed_server)) == 1  # fetched with its token
    # its guid is its link, token and all: kept masked with the article too
    assert article["extra"]["entry"].endswith("/pages/market.html?token=***&id=5")
    feed_server.routes["/feeds/paid.rss"].body = body.replace(b"<guid>", b"<guid>v2-")
    (again,) = (await poll_all(poller)).outcomes  # a new guid: known by its public link
    assert (again.new_entries, again.duplicates) == (1, 1)
    assert len(market_hits(feed_server)) == 1


async def test_a_session_id_in_a_feeds_path_is_not_stored_with_its_links(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A Java server that puts the session in the feed's path (";jsessionid=") repeats it
    in every link: masked in the list and the logs, it was every answer's and digest's
    title link, where ?sid= was dropped."""
    feed_server.serve_pages()
    session = b";jsessionid=ABC123SESSION"
    body = (
        feed_server.fixture("quayside-1.rss")
        .replace(b"/pages/market.html</link>", b"/pages/market.html" + session + b"?x=1</link>")
        .replace(b"/pages/market.html</guid>", b"/pages/market.html" + session + b"?x=1</guid>")
    )
    path = "/feeds/paid.rss;jsessionid=ABC123SESSION"
    feed_server.routes[path] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(feed_server.url(path) + "?x=1")
    (outcome,) = (await poll_all(FeedPoller(db, fetcher))).outcomes
    assert outcome.added == 1
    [article] = await articles(db)
    assert article["url"] == feed_server.url("/pages/market.html?x=1")
    assert article["origin"] == feed_server.url("/feeds/paid.rss;jsessionid=***?x=1")
    assert article["extra"]["entry"].endswith("/pages/market.html;jsessionid=***?x=1")
    # only the names the feed's own address carries a session in: ";v=2" names a page
    assert public_url("https://x.example/a;v=2;JSESSIONID=S1?x=1", {"jsessionid"}) == (
        "https://x.example/a;v=2?x=1"
    )
    assert public_url("https://x.example/a;jsessionid=S1?x=1") == (
        "https://x.example/a;jsessionid=S1?x=1"
    )


def test_a_credential_of_one_or_two_characters_is_masked_where_the_address_quotes_it() -> None:
    url = "https://ab:x@news.test/f?api_key=k9&keyword=x"
    error = f"cannot fetch {url}: 404 (x marks the spot)"
    assert masked(error, url) == (
        "cannot fetch https://ab:***@news.test/f?api_key=***&keyword=x: 404 (x marks the spot)"
    )
    # a name is no pattern ("\\1" raised re.error for every feed listed); an address
    # urlsplit refuses, with another in its query, is split at its own "://"
    for odd, shown in (
        ("https://a\\1:secretpw@news.test/x", "https://a\\1:***@news.test/x"),
        ("https://a\\g<0>:pw@news.test/x", "https://a\\g<0>:***@news.test/x"),
        (
            "http://[::1/f?token=secretvalue&next=https://y",
            "http://[::1/f?token=***&next=https://y",
        ),
        ("http://u:pw1234@[::1/f?next=http://x", "http://u:***@[::1/f?next=http://x"),
    ):
        assert masked(f"cannot fetch {odd}", odd) == f"cannot fetch {shown}"
    alone = "https://t0@news.test/f?sig=z"
    assert masked(f"{alone}, again {alone}.", alone) == (
        "https://***@news.test/f?sig=***, again https://***@news.test/f?sig=***."
    )


def market_hits(feed_server: FeedServer) -> list[str]:
    return [r.path for r in feed_server.requests if r.path.startswith("/pages/market.html")]


def test_what_counts_as_a_credential_in_an_address() -> None:
    url = "https://bob:pw12@news.test/f?api_key=K1a&pwd=P2b&jwt=J3c&keyword=oil&x-api-key=K4d"
    assert masked_url(url) == (  # as shown
        "https://bob:***@news.test/f?api_key=***&pwd=***&jwt=***&keyword=oil&x-api-key=***"
    )
    # left out of a stored address: only names that can be nothing else (an ?x-api-key=
    # too, whoever's key it is), or the feed's own (a ?key=, which may name a page)
    assert public_url(url) == "https://news.test/f?keyword=oil"
    assert public_url(f"{url}&key=K5e") == "https://news.test/f?keyword=oil&key=K5e"
    assert public_url(f"{url}&key=K5e", {"key"}) == "https://news.test/f?keyword=oil"
    story = "https://news.test/view?story_key=101&session=7&token=abc"
    assert public_url(story) == "https://news.test/view?story_key=101&session=7"


def test_a_session_id_in_a_feeds_address_is_a_credential() -> None:
    """A feed at ?sid=SESSIONX was listed and logged with its session id in full: a login
    for as long as the session lasts."""
    url = (
        "https://news.test/f?sid=S1x&sessid=S2x&PHPSESSID=S3x&jsessionid=S4x&authkey=S5x"
        "&x_sid=S6x&side=left&sids=3"
    )
    assert masked(f"cannot fetch {url}", url) == (
        "cannot fetch https://news.test/f?sid=***&sessid=***&PHPSESSID=***&jsessionid=***"
        "&authkey=***&x_sid=***&side=left&sids=3"
    )


def test_a_session_id_in_an_addresss_path_is_masked() -> None:
    """Java servers put the session in the path ("/feed.rss;jsessionid=…"): it was listed
    and logged in full."""
    url = "https://news.test/feed.rss;jsessionid=S7xq?region=north"
    assert masked(f"cannot fetch {url}", url) == (
        "cannot fetch https://news.test/feed.rss;jsessionid=***?region=north"
    )
    assert masked_url("https://news.test/a;v=2/feed.rss") == "https://news.test/a;v=2/feed.rss"


async def test_links_that_differ_by_a_parameter_named_like_a_key_stay_two_articles(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """?story_key=101 and ?story_key=102 were both stripped to one address as if a
    credential: the second article was dropped as a duplicate of the first, and never came
    back. Its page's problem quoted a per-item signature in full, too."""
    items = "".join(
        f"<item><title>{title}</title><link>{feed_server.url(f'/view?story_key={n}&amp;sig=S1GN{n}')}"
        f"</link><guid>s{n}</guid><description>{title}: the harbour board met.</description>"
        "</item>"
        for n, title in ((101, "Ferry timetable cut"), (102, "Harbour dues rise"))
    )
    bare = f"<item><title>Bare</title><link>{feed_server.url('/gone?sig=S1GN9')}</link></item>"
    body = f'<rss version="2.0"><channel><title>S</title>{items}{bare}</channel></rss>'.encode()
    feed_server.routes["/feeds/s.rss"] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(feed_server.url("/feeds/s.rss"))
    (outcome,) = (await poll_all(FeedPoller(db, fetcher))).outcomes
    assert (outcome.new_entries, outcome.added, outcome.duplicates) == (3, 2, 0)
    assert any(p.startswith("entry ") and "no text" in p for p in outcome.problems)
    assert sorted(a["url"] for a in await articles(db)) == [
        feed_server.url(f"/view?story_key={n}") for n in (101, 102)
    ]
    assert outcome.problems and not any("S1GN" in p for p in outcome.problems)


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("Thu, 01 Jan 2026 00:10:00 GMT", now=1767225600.0) == 600.0
    assert retry_after("soon") is None and retry_after(None) is None
    assert retry_after("\u00b2") is None  # a digit to str.isdigit, and not to float: a crash


async def test_validators_that_are_no_header_are_not_sent_back(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A server's non-ASCII ETag was stored, then failed every poll of its feed before the
    request went out (httpx sends headers in ASCII), until the feed was paused."""
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")
    route = feed_server.routes["/feeds/quayside.rss"]
    route.etag, route.last_modified = '"\xff\xfe"', "Mon, 05 Oct 2026 07:30:00 GMT\xe9"
    registry = FeedRegistry(db)
    feed, _ = await registry.add(url)
    await poll_all(FeedPoller(db, fetcher))
    stored = await registry.get(feed.id)
    assert stored is not None and (stored.etag, stored.last_modified) == (None, None)
    await db.execute("UPDATE feeds SET etag = ? WHERE id = ?", ('"\xff\xfe"', feed.id))
    await db.commit()  # stored by the code before
    (again,) = (await poll_all(FeedPoller(db, fetcher))).outcomes
    assert again.status == "ok" and again.feed.failures == 0


async def test_an_entry_without_any_text_is_tried_again_rather_than_lost(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    item = (
        f"<item><title>Late notice</title><link>{feed_server.url('/pages/late.html')}"
        "</link><guid>late</guid></item>"
    )
    body = feed_server.fixture("quayside-1.rss").replace(
        b"</channel>", item.encode() + b"</channel>"
    )
    feed_server.routes["/feeds/q.rss"] = Route(
        body=body,
        content_type="application/rss+xml",
        etag='"q1"',  # unchanged since
    )
    feed, _ = await FeedRegistry(db).add(feed_server.url("/feeds/q.rss"))
    poller = FeedPoller(db, fetcher)
    first = await poll_all(poller)
    assert first.outcomes[0].added == 1
    assert any("no text (no page, and no summary in the feed)" in p for p in first.problems())
    # The page appears later: the entry, never marked seen, is stored on the next poll, which
    # asks for the whole feed (the feed is unchanged: "not modified" would hide the entry).
    feed_server.routes["/pages/late.html"] = Route(
        body=feed_server.fixture("pages/bridge.html").replace(b"Swing bridge", b"Late bridge")
    )
    second = await poll_all(poller)
    assert (second.outcomes[0].new_entries, second.outcomes[0].added) == (1, 1)
    assert [r["title"] for r in await articles(db)][-1] == "Late notice"


async def test_an_entry_without_text_for_a_day_is_given_up_and_its_feed_asked_if_changed(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Tried again at every poll, it had the feed fetched in full (no 304) and its page
    asked for, forever. Given up, it is logged, not said as a problem again: its first
    poll said it would be."""
    monkeypatch.setattr(registry, "ENTRY_PATIENCE", 0.0)  # the day of tries: below, by dates
    caplog.set_level(logging.INFO, poll.__name__)
    item = (
        f"<item><title>Lost notice</title><link>{feed_server.url('/pages/lost.html')}"
        "</link><guid>lost</guid></item>"
    )
    body = feed_server.fixture("quayside-1.rss").replace(
        b"</channel>", item.encode() + b"</channel>"
    )
    route = Route(body=body, content_type="application/rss+xml", etag='"q1"')
    feed_server.routes["/feeds/q.rss"] = route
    await FeedRegistry(db).add(feed_server.url("/feeds/q.rss"))
    poller = FeedPoller(db, fetcher)
    polls = [await poll_all(poller) for _ in range(registry.ENTRY_TRIES)]
    assert [p.outcomes[0].new_entries for p in polls] == [2, 1, 1]  # tried each time
    assert [len(p.problems()) for p in polls] == [2, 0, 0]  # its page's 404, its no text
    given_up = [r for r in caplog.records if "given up" in r.getMessage()]
    assert [(r.levelname, r.getMessage()) for r in given_up] == [
        (
            "INFO",
            "feed 1 (Quayside Weekly): 1 entry given up after 3 polls over a day without text",
        )
    ]
    assert len(feed_server.hits("/pages/lost.html")) == registry.ENTRY_TRIES
    after = await poll_all(poller)
    assert after.outcomes[0].status == "not modified"  # validators kept: nothing to retry
    assert len(feed_server.hits("/pages/lost.html")) == registry.ENTRY_TRIES


async def test_tries_without_text_are_counted_over_a_day_and_forgotten_once_stored(
    db: aiosqlite.Connection,
) -> None:
    feeds = FeedRegistry(db)
    feed, _ = await feeds.add("https://news.test/a.rss", interval=900)
    # with links: a page may come (`record_success` drops the validators for one)
    bare, late = (SeenEntry(key, None, f"https://news.test/{key}") for key in ("bare", "late"))
    hour = 3600.0
    for n, now in enumerate((0.0, hour, 2 * hour, 23 * hour)):  # four tries within a day
        given_up = await feeds.record_success(
            feed, [], None, '"v"', None, now=now, no_text=[bare, late]
        )
        assert given_up == [], n
        assert await feeds.unseen(feed.id, ["bare", "late"]) == {"bare", "late"}, n
        refreshed = await feeds.get(feed.id)
        assert refreshed is not None and refreshed.etag is None  # listed again next poll
    # "late" gets its text at last; "bare" fails once more, a day after its first try
    stored = SeenEntry("late", None, "https://news.test/late")
    given_up = await feeds.record_success(
        feed, [stored], None, '"v"', None, now=25 * hour, no_text=[bare]
    )
    assert given_up == [bare] and await feeds.unseen(feed.id, ["bare", "late"]) == set()
    refreshed = await feeds.get(feed.id)
    assert refreshed is not None and refreshed.etag == '"v"'
    async with db.execute("SELECT count(*) FROM feed_retries") as cur:
        assert tuple(await cur.fetchone() or ()) == (0,)
    # an entry that failed once, then left the feed: forgotten after a week, not kept forever;
    # one the feed still lists, not tried in a poll (its page late), keeps its count
    once, slow, late = (SeenEntry(key, None, None) for key in ("once", "slow", "late"))
    await feeds.record_success(
        feed, [], None, None, None, now=30 * hour, no_text=[once, slow, late]
    )
    week = 30 * hour + registry.RETRIES_KEPT + hour
    await feeds.record_success(
        feed, [], None, None, None, now=week, no_text=[slow], listed={"slow", "late"}
    )
    async with db.execute("SELECT entry_key, tries FROM feed_retries ORDER BY 1") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("late", 1), ("slow", 2)]
    # an entry without a link keeps the validators: no page of it can come, and the feed's
    # next change is answered in full anyway
    podcast = SeenEntry("podcast", None, None)
    await feeds.record_success(feed, [], None, '"w"', None, now=week, no_text=[podcast])
    refreshed = await feeds.get(feed.id)
    assert refreshed is not None and refreshed.etag == '"w"'


async def test_a_windows_1252_feed_and_page_keep_their_characters(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    await FeedRegistry(db).add(feed_server.serve("/feeds/cafe.rss", "cafe-1252.rss"))
    await FeedPoller(db, fetcher).poll_due()
    (cafe,) = await articles(db)
    assert cafe["title"] == "Café’s “pay what you can” Mondays feed two hundred"
    assert cafe["source"] == "Café Solberg’s Kitchen Notes"
    assert cafe["text"].startswith("Café Solberg’s “pay what you can” Mondays have fed")
    assert "Åsa Solberg" in cafe["text"] and "\ufffd" not in cafe["text"]


async def test_utf8_labelled_windows_1252_is_read_as_utf8(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    # The cafe feed and page as UTF-8 bytes whose labels (XML declaration, <meta>, HTTP
    # headers) still say windows-1252: read by them, "CafÃ©â€™s Â«pay what you canÂ»".
    # (French quotes: the UTF-8 of ” holds a byte windows-1252 lacks, which gave it away.)
    def utf8(fixture: str) -> bytes:
        text = feed_server.fixture(fixture).decode("cp1252")
        assert 'encoding="windows-1252"' in text or '<meta charset="windows-1252">' in text
        return text.replace("“", "«").replace("”", "»").encode()

    label = "; charset=windows-1252"
    feed_server.routes["/feeds/cafe.rss"] = Route(
        body=utf8("cafe-1252.rss"), content_type="application/rss+xml" + label
    )
    feed_server.routes["/pages/cafe-1252.html"] = Route(
        body=utf8("pages/cafe-1252.html"), content_type="text/html" + label
    )
    await FeedRegistry(db).add(feed_server.url("/feeds/cafe.rss"))
    await FeedPoller(db, fetcher).poll_due()
    (cafe,) = await articles(db)
    assert cafe["title"] == "Café’s «pay what you can» Mondays feed two hundred"
    assert cafe["source"] == "Café Solberg’s Kitchen Notes"
    assert cafe["text"].startswith("Café Solberg’s «pay what you can» Mondays have fed")
    assert "Åsa Solberg" in cafe["text"] and "Ã" not in cafe["text"]


async def test_loopback_feeds_are_refused_when_private_urls_are_not_allowed(
    feed_server: FeedServer, db: aiosqlite.Connection
) -> None:
    feed, _ = await FeedRegistry(db).add(feed_server.serve("/feeds/gazette.rss", "gazette.rss"))
    async with Fetcher(limits=TEST_LIMITS) as strict:
        report = await FeedPoller(db, strict).poll_due()
    # an address given as the host is named once ("127.0.0.1 is at 127.0.0.1" said it twice)
    assert (report.outcomes[0].error or "").startswith(
        "127.0.0.1 is a private or local address: refused"
    )
    assert feed_server.requests == [] and await articles(db) == []


async def test_the_engine_polls_on_a_connection_of_its_own_and_indexes_at_once(
    feed_server: FeedServer, fetcher: Fetcher, engine: Engine
) -> None:
    await engine.add_feed(feed_server.serve("/feeds/gazette.rss", "gazette.rss"))
    await engine.add_feed(feed_server.serve("/feeds/notes.atom", "notes.atom"))
    before = await engine.ask("night ferry propeller shaft")
    assert before.passages == ()
    report = await engine.poll_feeds(fetcher)
    assert [o.status for o in report.outcomes] == ["ok", "ok"]
    after = await engine.ask("night ferry propeller shaft")
    assert after.passages and after.passages[0].article.title.startswith("Night ferry")
    assert "propeller shaft" in after.passages[0].quote
    result = await engine.ask("keeper's cottage museum logbooks")
    assert result.passages and result.passages[0].article.source == "Harbour Notes"
    assert await engine.due_feeds() == []


async def test_articles_stored_by_another_engine_are_searchable_after_refresh(
    engine: Engine, db_path: Path
) -> None:
    # A small corpus first: BM25's IDF is not positive for a term in most of the sentences.
    await engine.add_articles(
        [
            ArticleDraft(title=f"Notice {i}", text=f"Notice {i}: the {word} is closed on Monday.")
            for i, word in enumerate(["pool", "museum", "library", "market", "pier"])
        ]
    )
    await engine.refresh()
    other = await Engine.open(db_path)  # as `newsbot ingest` in another process would
    try:
        await other.add_articles(
            [
                ArticleDraft(
                    title="Glassworks reopens",
                    source="Port Ellery Post",
                    text="The old glassworks on Kiln Lane reopened on Friday as a studio for "
                    "twelve glassblowers, with a shop and a cafe in the former packing room.",
                )
            ]
        )
    finally:
        await other.close()
    assert (await engine.ask("glassblowers studio")).passages == ()
    assert await engine.refresh() == 1
    found = await engine.ask("glassblowers studio")
    assert found.passages[0].article.title == "Glassworks reopens"


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        (
            Route(body=b"%PDF-1.7 ...", content_type="application/pdf"),
            "application/pdf, not a web page",
        ),
        # reading a page is lxml's tree in a thread no deadline stops: 600,000 paragraphs
        # take 40 s and 1.1 GB a page, and a feed of them would leave its entries for the
        # next poll, for ever (the limit is 1,000 tags here, 50,000 in use)
        (
            Route(body=b"<html><body><article>" + b"<p>x</p>" * 600 + b"</article></body></html>"),
            "too large to read (1,206 tags; 1,000 at most)",
        ),
    ],
    ids=["pdf", "too-many-tags"],
)
async def test_a_linked_page_not_to_be_read_leaves_the_summary(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    monkeypatch: pytest.MonkeyPatch,
    page: Route,
    problem: str,
) -> None:
    monkeypatch.setattr(page_module, "MAX_PAGE_TAGS", 1000)
    feed_server.routes["/pages/ferry.html"] = page
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    await FeedRegistry(db).add(url)
    report = await FeedPoller(db, fetcher).poll_due()
    ferry = by_title(await articles(db), "Night ferry")
    assert ferry["text"] == "The night ferry sails again from Monday after six weeks in dry dock."
    assert f"feed 1 ({url}): page {feed_server.url('/pages/ferry.html')}: {problem}" in (
        report.problems()
    )


async def test_a_linked_page_of_more_text_than_an_article_may_hold_leaves_the_summary(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file's article is held to MAX_ARTICLE_CHARS; a feed entry's page was not, and a
    page of 5 MB of text was split and stored whole. (1,000 characters here.)"""
    monkeypatch.setattr(records, "MAX_ARTICLE_CHARS", 1000)
    story = " ".join(f"On day {n} the night ferry crossed to the islands." for n in range(40))
    feed_server.routes["/pages/ferry.html"] = Route(
        body=f"<html><head><title>Night ferry</title></head><body><article><h1>Night "
        f"ferry</h1><p>{story}</p></article></body></html>".encode()
    )
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    await FeedRegistry(db).add(url)
    report = await FeedPoller(db, fetcher).poll_due()
    stored = await articles(db)
    ferry = by_title(stored, "Night ferry")
    assert ferry["text"] == "The night ferry sails again from Monday after six weeks in dry dock."
    assert ferry["extra"]["text_from"] == "feed"
    assert len(stored) == 4  # the feed goes on
    page = f"feed 1 ({url}): page {feed_server.url('/pages/ferry.html')}: "
    [refused] = [p.removeprefix(page) for p in report.problems() if p.startswith(page)]
    assert re.fullmatch(
        r"1,\d{3} characters of text, more than one article may hold \(1,000\)", refused
    )


async def test_an_entry_whose_feed_text_is_more_than_an_article_may_hold_is_not_stored(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nor was the feed's own text held to the limit (a feed may be 5 MB). Its page not to
    be had, the entry is left, and said so (as an entry of no text, it is tried again)."""
    monkeypatch.setattr(records, "MAX_ARTICLE_CHARS", 200)
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")  # no page is served
    await FeedRegistry(db).add(url)
    report = await FeedPoller(db, fetcher).poll_due()
    titles = sorted(row["title"] for row in await articles(db))
    assert len(titles) == 3 and not any(t.startswith("Council delays") for t in titles)
    seawall = feed_server.url("/pages/seawall.html")
    assert (
        f"feed 1 ({url}): entry {seawall}: the feed's text: 263 characters of text, more "
        "than one article may hold (200)"
    ) in report.problems()


async def test_a_crash_in_a_third_party_parser_fails_only_its_feed_or_page(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import feedparser
    import trafilatura

    real_parse, real_extract = feedparser.parse, trafilatura.bare_extraction

    def parse(stream: Any, *args: Any, **kwargs: Any) -> Any:
        if b"Tide Watch" in stream.getvalue():
            raise RecursionError("maximum recursion depth exceeded")
        return real_parse(stream, *args, **kwargs)

    def extract(html: str, *args: Any, **kwargs: Any) -> Any:
        if "regatta" in html:
            raise ValueError("cannot parse")
        return real_extract(html, *args, **kwargs)

    monkeypatch.setattr(feedparser, "parse", parse)
    monkeypatch.setattr(trafilatura, "bare_extraction", extract)
    registry = FeedRegistry(db)
    tides, _ = await registry.add(feed_server.serve("/feeds/tides.rss", "tidewatch-091.rss"))
    await registry.add(feed_server.serve("/feeds/gazette.rss", "gazette.rss"))

    report = await FeedPoller(db, fetcher).poll_due()

    assert report.outcomes[0].error == (
        "unexpected error: RecursionError('maximum recursion depth exceeded')"
    )
    assert (await registry.get(tides.id)).failures == 1  # type: ignore[union-attr]
    assert report.outcomes[1].added == 4  # the next feed goes on
    regatta = by_title(await articles(db), "Crews brave")
    assert regatta["text"] == "The Gull takes the Ellery Cup for a second year running."
    assert any(
        "regatta.html: extraction failed: ValueError('cannot parse')" in p
        for p in report.problems()
    )


@pytest.mark.parametrize("answer", [500, 200], ids=["failing", "answering"])
async def test_a_feed_removed_during_its_poll_is_passed_over_and_the_others_polled(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    engine: Engine,
    answer: int,
) -> None:
    """An admin removes the slow feed while it is polled: a failure's count found no feed
    (an AssertionError traceback), an answer's entries named none (a foreign key error:
    "the database failed"), and either stopped the poll of every other feed."""
    slow = feed_server.url("/feeds/slow.rss")
    answered = threading.Event()
    feed_server.routes["/feeds/slow.rss"] = Route(
        status=answer, body=feed_server.fixture("gazette.rss"), hold=answered
    )
    other = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")  # the same site: after
    feeds = FeedRegistry(db)
    removed, _ = await feeds.add(slow)
    await feeds.add(other)
    polling = asyncio.create_task(poll_all(FeedPoller(db, fetcher)))
    await feed_server.requested("/feeds/slow.rss")
    conn = await connect(engine.db_path)  # as `newsbot feeds remove` would
    try:
        await FeedRegistry(conn).remove(removed.id)
    finally:
        await conn.close()
    answered.set()
    first, second = (await polling).outcomes
    assert first.status == "removed" and second.status == "ok" and second.added > 0
    assert first.line().endswith("removed while it was polled; nothing of this poll kept")
    assert {r["origin"] for r in await articles(db)} == {other}


async def test_a_feed_removed_as_its_articles_are_stored_is_passed_over(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Removed by another process after the poll's look for it, before its entries are
    noted: what was stored stays (an article as any other), the poll goes on. A trigger
    removes it inside the transaction storing its articles."""
    gone = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    other = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss")
    feeds = FeedRegistry(db)
    removed, _ = await feeds.add(gone)
    await feeds.add(other)
    await db.execute(
        "CREATE TRIGGER remove_feed AFTER INSERT ON articles"
        f" BEGIN DELETE FROM feeds WHERE id = {removed.id}; END"
    )
    await db.commit()
    first, second = (await poll_all(FeedPoller(db, fetcher))).outcomes
    assert first.status == "removed" and second.status == "ok" and second.added > 0
    assert first.line().endswith("polled; the 4 articles it stored of this poll kept")
    assert await feeds.get(removed.id) is None


# ----- pages read again after a passing failure --------------------------------------------


def _page_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The clock the pages to read again are timed by, moved on by the test (a page is read
    again PAGE_WAIT after it failed, not within the poll that stored its summary)."""
    clock = [time.time()]
    monkeypatch.setattr(page_retries, "time", SimpleNamespace(time=lambda: clock[0]))
    return clock


def _ferry_texts(db_path: Path) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(db_path)) as conn, conn:
        rows = conn.execute(
            "SELECT id, json_extract(extra, '$.text_from') FROM articles"
            " WHERE title LIKE 'Night ferry%'"
        ).fetchall()
    return [(int(r[0]), str(r[1])) for r in rows]


async def test_a_page_that_failed_for_a_moment_is_read_again_and_replaces_the_summary(
    feed_server: FeedServer,
    fetcher: Fetcher,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page answering 503 for a moment left its entry with the feed's one-line summary for
    good: stored so at once, its page is read again at the feed's next polls, and the
    article replaced by the page's text: under a new id, the old one's sentences hidden."""
    clock = _page_clock(monkeypatch)
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed, _ = await engine.add_feed(url)
    page = feed_server.routes["/pages/ferry.html"]
    feed_server.routes["/pages/ferry.html"] = Route(status=503)
    first = await engine.poll_feeds(fetcher, [feed])
    assert first.added == 4 and first.replaced == 0
    [(summary_id, text_from)] = _ferry_texts(engine.db_path)
    assert text_from == "feed"
    stored = sorted(run_sql(engine.db_path, "SELECT ingested_ts, published_ts FROM articles"))
    question = "How many crossings a week does the night ferry make?"
    assert not any("three crossings" in p.quote for p in (await engine.ask(question)).passages)

    feed_server.routes["/pages/ferry.html"] = page
    assert (await engine.poll_feeds(fetcher, [feed])).replaced == 0  # not yet due
    clock[0] += page_retries.PAGE_WAIT
    again = await engine.poll_feeds(fetcher, [feed])
    (outcome,) = again.outcomes
    assert (outcome.replaced, again.replaced) == (1, 1)
    assert "1 page read again" in outcome.line() and "1 page read again" in again.summary()
    [(whole_id, text_from)] = _ferry_texts(engine.db_path)
    assert text_from == "page"
    # stored, and counting, when the summary was: a digest takes it for the same article
    assert (
        sorted(run_sql(engine.db_path, "SELECT ingested_ts, published_ts FROM articles")) == stored
    )
    assert whole_id > summary_id
    answer = await engine.ask(question)
    assert any("three crossings a week" in p.quote for p in answer.passages)
    assert all(p.article.id != summary_id for p in answer.passages)
    with closing(sqlite3.connect(engine.db_path)) as conn, conn:
        entry = conn.execute(
            "SELECT article_id FROM feed_entries WHERE entry_key = 'post-2026-ferry'"
        ).fetchone()
        assert entry == (whole_id,)  # the feed's entry gives the new article
        assert conn.execute("SELECT count(*) FROM page_retries").fetchone() == (0,)
    report = await remove_articles(engine.db_path, [str(summary_id)])
    why = (
        f"replaced by article {whole_id}, a newer text of it (its page's whole text where a "
        "feed gave a summary, or its feed's correction)"
    )
    assert report.not_found == [(str(summary_id), why)]
    clock[0] += 10 * page_retries.PAGE_WAIT
    third = await engine.poll_feeds(fetcher, [feed])
    assert (third.added, third.replaced) == (0, 0)
    assert len(feed_server.hits("/pages/ferry.html")) == 2  # read once more, not again


@pytest.mark.parametrize("later", [503, 404], ids=["failing still", "gone"])
async def test_a_page_read_again_in_vain_keeps_the_summary(
    later: int,
    feed_server: FeedServer,
    fetcher: Fetcher,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page that keeps failing is given up after PAGE_TRIES fetches, one gone (404) at
    once; either way the summary stays, and the page is not fetched again."""
    clock = _page_clock(monkeypatch)
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed, _ = await engine.add_feed(url)
    feed_server.routes["/pages/ferry.html"] = Route(status=503)
    await engine.poll_feeds(fetcher, [feed])
    feed_server.routes["/pages/ferry.html"] = Route(status=later)
    problems = []
    for _ in range(page_retries.PAGE_TRIES + 1):
        clock[0] += 3**page_retries.PAGE_TRIES * page_retries.PAGE_WAIT
        problems += (await engine.poll_feeds(fetcher, [feed])).problems()
    tries = page_retries.PAGE_TRIES if later == 503 else 2
    assert len(feed_server.hits("/pages/ferry.html")) == tries
    assert [text_from for _, text_from in _ferry_texts(engine.db_path)] == ["feed"]
    given_up = [p for p in problems if "given up after" in p]
    assert len(given_up) == (1 if later == 503 else 0)


async def test_a_page_that_says_no_is_not_read_again(
    feed_server: FeedServer, fetcher: Fetcher, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """404 is an answer, not a passing failure: the summary is kept, nothing is retried."""
    clock = _page_clock(monkeypatch)
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed, _ = await engine.add_feed(url)
    await engine.poll_feeds(fetcher, [feed])  # the seawall page is 404 in the fixtures
    clock[0] += page_retries.PAGE_WAIT
    await engine.poll_feeds(fetcher, [feed])
    assert len(feed_server.hits("/pages/seawall.html")) == 1


@pytest.mark.parametrize("send_length", [True, False], ids=["declared", "counted"])
async def test_a_page_over_the_size_cap_is_not_read_again(
    send_length: bool,
    feed_server: FeedServer,
    fetcher: Fetcher,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page over the cap (5 MB) was queued as if it had failed for a moment, and fetched
    again at each poll: it is as large the next time. The summary is kept."""
    clock = _page_clock(monkeypatch)
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed, _ = await engine.add_feed(url)
    feed_server.routes["/pages/ferry.html"] = Route(
        body=b"<html><body>" + b"<p>x</p>" * TEST_LIMITS.max_bytes + b"</body></html>",
        send_length=send_length,
    )
    first = await engine.poll_feeds(fetcher, [feed])
    assert first.added == 4
    assert any("/pages/ferry.html: response" in p and "cap" in p for p in first.problems())
    for _ in range(3):
        clock[0] += 3**page_retries.PAGE_TRIES * page_retries.PAGE_WAIT
        await engine.poll_feeds(fetcher, [feed])
    assert len(feed_server.hits("/pages/ferry.html")) == 1
    assert [text_from for _, text_from in _ferry_texts(engine.db_path)] == ["feed"]
    assert run_sql(engine.db_path, "SELECT count(*) FROM page_retries") == [(0,)]


async def test_pages_read_again_stop_at_the_poll_s_deadline(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Twenty pages read again one after another at a slow site's pace held up the feeds
    behind it as the new pages did before their deadline: the rest wait for the next poll."""
    clock = _page_clock(monkeypatch)
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    await FeedRegistry(db).add(url)
    pages = {name: feed_server.routes[f"/pages/{name}"] for name in ("ferry.html", "regatta.html")}
    for name in pages:
        feed_server.routes[f"/pages/{name}"] = Route(status=503)
    assert (await poll_all(FeedPoller(db, fetcher))).added == 4
    for name, route in pages.items():
        feed_server.routes[f"/pages/{name}"] = replace(route, delay=0.3)
    clock[0] += page_retries.PAGE_WAIT
    hurried = FeedPoller(db, fetcher, pages_deadline=0.1)
    assert (await poll_all(hurried)).replaced == 1
    assert (await poll_all(hurried)).replaced == 1  # the other, at the next poll


def _fails_then_reads(
    engine: Engine, fetcher: Fetcher, feed_server: FeedServer, clock: list[float]
) -> Callable[[str, str], Awaitable[PollReport]]:
    """Polls of a new feed (at a path) whose entry's page (at another) fails for a moment,
    then reads as the ferry's page: the report of the poll that reads it again."""

    async def read(feed_path: str, page_path: str) -> PollReport:
        feed_server.routes[page_path] = Route(status=503)
        feed, _ = await engine.add_feed(feed_server.url(feed_path))
        await engine.poll_feeds(fetcher, [feed])
        feed_server.routes[page_path] = feed_server.routes["/pages/ferry.html"]
        clock[0] += page_retries.PAGE_WAIT
        return await engine.poll_feeds(fetcher, [feed])

    return read


def _one_item_feed(link: str, summary: str, pub_date: str = "") -> bytes:
    dated = f"<pubDate>{pub_date}</pubDate>" if pub_date else ""
    return (
        "<rss version='2.0'><channel><title>Harbour Wire</title><item>"
        f"<title>Night ferry returns</title><link>{link}</link>{dated}"
        f"<description>{summary}</description></item></channel></rss>"
    ).encode()


async def test_a_page_read_again_is_fetched_with_its_token_and_dated_by_its_page(
    feed_server: FeedServer,
    fetcher: Fetcher,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page was read again at its link without the token it was fetched with (stored
    without it), and refused; an undated entry's page that gave a date counted as undated
    once replaced, its summary's time copied over the page's date."""
    clock = _page_clock(monkeypatch)
    ferry = feed_server.routes["/pages/ferry.html"]
    tokened = "/pages/ferry.html?token=SEKRET&id=5"
    feed_server.routes[tokened] = Route(status=503)
    del feed_server.routes["/pages/ferry.html"]  # the page is there with its token only
    doc = _one_item_feed(feed_server.url(tokened), "The night ferry sails again.")
    feed_server.routes["/feeds/wire.rss"] = Route(body=doc, content_type="application/rss+xml")
    feed, _ = await engine.add_feed(feed_server.url("/feeds/wire.rss"))
    await engine.poll_feeds(fetcher, [feed])
    feed_server.routes[tokened] = ferry
    clock[0] += page_retries.PAGE_WAIT
    assert (await engine.poll_feeds(fetcher, [feed])).replaced == 1
    [(url, published, published_ts)] = run_sql(
        engine.db_path, "SELECT url, published, published_ts FROM articles"
    )
    assert url == feed_server.url("/pages/ferry.html?id=5")  # stored without the token
    dated = "2026-10-05T07:30:00+00:00"  # the page's, with its time of day
    assert (published, published_ts) == (dated, to_timestamp(dated))


async def test_a_page_read_again_brings_back_no_removed_article_and_copies_are_copies(
    feed_server: FeedServer,
    fetcher: Fetcher,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Read again, a page whose words an admin had removed (`newsbot remove`) was stored
    again; and another feed's entry with the summary replaced was "a removed article left
    out" where it is a copy of the replacement."""
    clock = _page_clock(monkeypatch)
    summary = "The night ferry sails again."
    for name, page in (("one", "ferry.html"), ("two", "regatta.html")):
        doc = _one_item_feed(feed_server.url(f"/pages/{name}/{page}"), summary)
        feed_server.routes[f"/feeds/{name}.rss"] = Route(
            body=doc, content_type="application/rss+xml"
        )
    read = _fails_then_reads(engine, fetcher, feed_server, clock)
    assert (await read("/feeds/one.rss", "/pages/one/ferry.html")).replaced == 1
    [(replacement,)] = run_sql(engine.db_path, "SELECT id FROM articles")
    feed_server.routes["/pages/two/regatta.html"] = Route(status=503)
    two, _ = await engine.add_feed(feed_server.url("/feeds/two.rss"))
    report = await engine.poll_feeds(fetcher, [two])
    (outcome,) = report.outcomes
    assert (outcome.added, outcome.duplicates, outcome.removed) == (0, 1, 0)
    assert run_sql(
        engine.db_path, "SELECT article_id FROM feed_entries WHERE feed_id = ?", two.id
    ) == [(replacement,)]

    # a third feed's page fails, then reads as the ferry's page, which an admin removed
    await remove_articles(engine.db_path, [str(replacement)])
    doc = _one_item_feed(feed_server.url("/pages/three/ferry.html"), "Ferries, again.")
    feed_server.routes["/feeds/three.rss"] = Route(body=doc, content_type="application/rss+xml")
    assert (await read("/feeds/three.rss", "/pages/three/ferry.html")).replaced == 0
    texts = [text for (text,) in run_sql(engine.db_path, "SELECT text FROM articles")]
    assert texts == ["Ferries, again."]
    assert run_sql(engine.db_path, "SELECT count(*) FROM page_retries") == [(0,)]


# Text in the characters that sites declaring these labels really use, which the codecs of
# the labels' names lack: cp932's "①" and "髙", GBK's "镕", cp949's "똠", HKSCS's "㗎",
# cp1254's and cp874's curly quotes. Browsers read the labels as the wider charsets.
VENDOR_TEXTS = {
    "shift_jis": (
        "cp932",
        "①髙橋市長が新しい橋の計画を発表",
        "髙橋市長は水曜日、港に新しい橋を架ける計画を発表した。",
        "工事は来年の春に始まり、三年で完成する予定だという。"
        "市長は「①安全、②速さ、③費用の順に考えた」と述べた。",
    ),
    "gb2312": (
        "gb18030",
        "朱镕基图书馆今天重新开放",
        "以朱镕基命名的图书馆今天在装修两年后重新开放。",
        "新馆增加了儿童阅览室和一个可容纳两百人的报告厅。"
        "馆长说，开放第一天就有一千多名读者前来借书。",
    ),
    "euc-kr": (
        "cp949",
        "똠방각하 극장 다시 문을 열다",
        "오래된 똠방각하 극장이 이 년 동안의 공사 끝에 다시 문을 열었습니다.",
        "새 극장에는 어린이 공연장과 이백 명이 들어가는 강당이 생겼습니다."
        "극장장은 첫날부터 천 명이 넘는 관객이 찾아왔다고 말했습니다.",
    ),
    "big5": (
        "big5hkscs",
        "深水埗街市重開 㗎啲檔主好開心",
        "深水埗街市今日喺兩年翻新工程之後重新開放，㗎啲檔主都話好開心。",
        "新街市加咗兒童遊樂區同埋一個可以坐兩百人嘅禮堂。管理處話，第一日已經有過千名街坊嚟買餸。",
    ),
    "iso-8859-9": (
        "cp1254",
        "Bakan “yeni düzenleme” hakkında açıklama yaptı",
        "Bakan “yeni düzenleme” hakkında açıklama yaptı; İstanbul’da toplantı yapıldı.",
        "Yeni düzenleme kütüphanelere iki yıl içinde çocuk odaları kazandıracak. "
        "Bakan, “ilk gün bin kişi geldi” diyerek açıklamasını bitirdi.",
    ),
    "tis-620": (
        "cp874",
        "ห้องสมุดเมือง “เปิดอีกครั้ง” หลังซ่อมสองปี",
        "ห้องสมุดเก่าของเมืองเปิดอีกครั้งในวันนี้หลังการซ่อมแซมนานสองปี",
        "อาคารใหม่มีห้องอ่านหนังสือสำหรับเด็กและห้องประชุมสำหรับสองร้อยคน "
        "ผู้อำนวยการกล่าวว่า “มีผู้อ่านกว่าหนึ่งพันคน” มายืมหนังสือในวันแรก",
    ),
}


@pytest.mark.parametrize("label", VENDOR_TEXTS)
async def test_a_feed_and_page_in_a_legacy_asian_or_turkish_charset_keep_their_characters(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection, label: str
) -> None:
    """The feed declares its label in its XML declaration, the page in its HTTP header."""
    codec, title, summary, more = VENDOR_TEXTS[label]
    feed = (
        f'<?xml version="1.0" encoding="{label}"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>{feed_server.base}/</link><item><title>{title}</title>"
        f"<link>{feed_server.base}/pages/vendor.html</link><guid>vendor</guid>"
        f"<description>{summary}</description></item></channel></rss>"
    )
    page = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"<p>{summary}</p><p>{more}</p></article></body></html>"
    )
    feed_server.routes["/feeds/vendor.rss"] = Route(
        body=feed.encode(codec), content_type="application/rss+xml"
    )
    feed_server.routes["/pages/vendor.html"] = Route(
        body=page.encode(codec), content_type=f"text/html; charset={label}"
    )
    await FeedRegistry(db).add(feed_server.url("/feeds/vendor.rss"))
    await FeedPoller(db, fetcher).poll_due()
    (article,) = await articles(db)
    assert article["title"] == title
    assert article["source"] == title
    assert article["extra"]["text_from"] == "page"
    assert summary in article["text"] and more in article["text"]


async def test_a_feeds_line_escapes_an_address_it_moved_to_as_a_terminal_would_obey_it(
    db: aiosqlite.Connection,
) -> None:
    """The address a feed moved to is its server's Location. httpx percent-encodes what a
    terminal would obey in it (a U+202E, a C1 CSI) and refuses an ESC, so no loopback
    server gets one through: this is for what else comes to name the move."""
    feed, _ = await FeedRegistry(db).add("https://news.test/old.rss")
    outcome = FeedOutcome(feed, moved_to="https://news.test/\u202enew\x1b[2J.rss")
    assert outcome.line().endswith(
        "; moved for good to https://news.test/\\u202enew\\x1b[2J.rss, polled there now"
    )


async def test_a_feed_moved_for_good_is_polled_at_its_new_address_from_then_on(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Behind a 301 the feed kept its old address: every poll was two requests. A
    permanent redirect (301, 308) is stored and said; a temporary one (302, 307) is
    followed each time, the address kept."""
    new = feed_server.serve("/feeds/new-home.rss", "gazette.rss")
    feed_server.routes["/old.rss"] = Route(status=301, headers={"Location": "/via/308"})
    feed_server.routes["/via/308"] = Route(status=308, headers={"Location": new})
    feed_server.routes["/for-now.rss"] = Route(status=302, headers={"Location": new})
    feed_server.routes["/then-302.rss"] = Route(status=301, headers={"Location": "/for-now.rss"})
    feeds = FeedRegistry(db)
    moved, _ = await feeds.add(feed_server.url("/old.rss"))
    kept, _ = await feeds.add(feed_server.url("/for-now.rss"))
    first = await FeedPoller(db, fetcher).poll([moved, kept])
    said = [o.line() for o in first.outcomes]
    assert said[0].endswith(f"; moved for good to {new}, polled there now")
    assert "moved" not in said[1]
    assert [o.moved_to for o in first.outcomes] == [new, None]
    assert [f.url for f in await feeds.all()] == [new, feed_server.url("/for-now.rss")]
    feed_server.requests.clear()
    await FeedPoller(db, fetcher).poll(await feeds.all())
    assert feed_server.paths() == ["/feeds/new-home.rss", "/for-now.rss", "/feeds/new-home.rss"]
    # moved for good to a temporary redirect: the address the 301 names is the feed's
    await feeds.remove(kept.id)
    chained, _ = await feeds.add(feed_server.url("/then-302.rss"))
    (outcome,) = (await FeedPoller(db, fetcher).poll([chained])).outcomes
    assert outcome.moved_to == feed_server.url("/for-now.rss")
    assert (await feeds.get(chained.id)).url == feed_server.url("/for-now.rss")  # type: ignore[union-attr]


async def test_a_feed_moved_to_another_feeds_address_keeps_its_own_and_says_so(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    new = feed_server.serve("/feeds/new-home.rss", "gazette.rss", etag='"g"')
    feed_server.routes["/old.rss"] = Route(status=301, headers={"Location": new})
    feeds = FeedRegistry(db)
    old, _ = await feeds.add(feed_server.url("/old.rss"))
    there, _ = await feeds.add(new)
    (outcome,) = (await FeedPoller(db, fetcher).poll([old])).outcomes
    assert outcome.moved_to is None
    assert outcome.problems[-1] == (
        f"moved for good to {new}, which feed {there.id} polls too: remove one of them (this "
        "one is still polled at its old address)"
    )
    assert (await feeds.get(old.id)).url == feed_server.url("/old.rss")  # type: ignore[union-attr]
    # said too when the answer is "not modified"
    polled = await feeds.all()
    (again,) = (await FeedPoller(db, fetcher).poll(polled[:1])).outcomes
    assert again.status == "not modified"
    assert again.problems == outcome.problems[-1:]


PODCAST = (
    "<item><title>Podcast: the week on the quays</title><guid>ep-12</guid>"
    '<enclosure url="{BASE}/audio/ep12.mp3" length="123456" type="audio/mpeg"/></item>'
)


async def test_an_entry_without_text_is_said_once_and_tried_again_in_silence(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A podcast's entry (its audio alone, no text) was said at every poll for a day, each
    a cron mail: "entry Podcast: ...: no text". It is said at its first poll, still left
    out; and with no link, no page of it can come: the feed is not fetched in full for it
    (an entry with a link is: its page may come)."""
    body = feed_server.fixture("quayside-1.rss").replace(
        b"</channel>", PODCAST.replace("{BASE}", feed_server.base).encode() + b"</channel>"
    )
    feed_server.routes["/feeds/q.rss"] = Route(
        body=body, content_type="application/rss+xml", etag='"q1"'
    )
    await FeedRegistry(db).add(feed_server.url("/feeds/q.rss"))
    poller = FeedPoller(db, fetcher)
    first = await poll_all(poller)
    assert first.problems() == [
        f"feed 1 ({feed_server.url('/feeds/q.rss')}): entry Podcast: the week on the quays: "
        "no text (no page, and no summary in the feed); tried again for a day "
        f"({registry.ENTRY_TRIES} polls at least), not said again"
    ]
    assert first.outcomes[0].added == 1
    second = await poll_all(poller)
    assert second.outcomes[0].status == "not modified"  # validators kept: nothing to read
    feed_server.routes["/feeds/q.rss"] = Route(  # the feed changes: its entries read again
        body=body.replace(b"Weekly", b"Daily"), content_type="application/rss+xml"
    )
    third = await poll_all(poller)
    assert third.outcomes[0].new_entries == 1 and third.problems() == []
    async with db.execute("SELECT entry_key, tries FROM feed_retries") as cur:
        assert [tuple(row) for row in await cur.fetchall()] == [("ep-12", 2)]
    assert [r["title"] for r in await articles(db)] == [
        "Fish market moves into the old customs shed"
    ]


async def test_a_linked_entry_without_text_is_fetched_again_but_said_once(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    item = (
        f"<item><title>Late notice</title><link>{feed_server.url('/pages/late.html')}"
        "</link><guid>late</guid></item>"
    )
    body = feed_server.fixture("quayside-1.rss").replace(
        b"</channel>", item.encode() + b"</channel>"
    )
    feed_server.routes["/feeds/q.rss"] = Route(
        body=body, content_type="application/rss+xml", etag='"q1"'
    )
    await FeedRegistry(db).add(feed_server.url("/feeds/q.rss"))
    poller = FeedPoller(db, fetcher)
    said = [(await poll_all(poller)).problems() for _ in range(3)]
    assert [len(problems) for problems in said] == [2, 0, 0]  # its page's 404, its no text
    assert len(feed_server.hits("/pages/late.html")) == 3  # tried at each poll
