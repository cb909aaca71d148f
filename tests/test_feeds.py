"""The feed registry on a real database: add, list, remove, due, backoff, pause."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.corpus.db import connect
from retrieval.engine import Engine
from retrieval.errors import FeedError
from retrieval.feeds.feed import (
    DEFAULT_INTERVAL,
    MAX_BACKOFF,
    SeenEntry,
    backoff,
    format_interval,
    parse_interval,
)
from retrieval.feeds.probe import feeds_named
from retrieval.feeds.registry import EARLY, IDS_NAMED, FeedRegistry
from retrieval.models import ArticleDraft

from .conftest import run_sql


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("15m", 900),
        ("2h", 7200),
        ("1h30m", 5400),
        ("90s", 90),
        ("1d", 86400),
        (" 45 M ", 2700),
    ],
)
def test_intervals_are_read(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "15", "m", "15 minutes", "1.5h", "-5m", "10s"])
def test_bad_intervals_say_what_is_expected(text: str) -> None:
    with pytest.raises(FeedError, match="15m|once a minute"):
        parse_interval(text)


def test_intervals_are_written_back_in_short_form() -> None:
    assert [format_interval(s) for s in (900, 5400, 86400, 90, 0)] == [
        "15m",
        "1h30m",
        "1d",
        "1m30s",
        "0s",
    ]


def test_backoff_doubles_up_to_a_day() -> None:
    assert [backoff(900, n) for n in range(1, 5)] == [1800, 3600, 7200, 14400]
    assert backoff(900, 12) == MAX_BACKOFF
    assert backoff(2 * MAX_BACKOFF, 3) == 2 * MAX_BACKOFF  # never sooner than the interval


async def test_add_list_remove(db_path: Path) -> None:
    conn = await connect(db_path)
    try:
        feeds = FeedRegistry(conn)
        gazette, created = await feeds.add(" https://news.test/gazette.rss ", name="Post")
        assert created and gazette.url == "https://news.test/gazette.rss"
        assert gazette.interval == DEFAULT_INTERVAL and gazette.label == "Post"
        notes, _ = await feeds.add("https://news.test/notes.atom", interval=3600)
        assert notes.label == "https://news.test/notes.atom"  # no name or title yet
        assert [f.id for f in await feeds.all()] == [gazette.id, notes.id]
        assert await feeds.get(str(notes.id)) == notes
        assert await feeds.get("https://news.test/notes.atom") == notes
        removed = await feeds.remove("https://news.test/gazette.rss")
        assert removed.id == gazette.id
        assert [f.id for f in await feeds.all()] == [notes.id]
        with pytest.raises(FeedError, match=rf"no feed '99'.*ids: {notes.id}"):
            await feeds.remove("99")
    finally:
        await conn.close()


async def test_what_no_feed_can_be_is_refused_in_a_few_words(db_path: Path) -> None:
    """A 4,000-character address was added, and every reply naming it was over Telegram's
    limit; an id past SQLite's integers was an OverflowError."""
    conn = await connect(db_path)
    try:
        feeds = FeedRegistry(conn)
        for n in range(25):
            await feeds.add(f"https://news.test/{n}.rss")
        with pytest.raises(FeedError, match="a feed's address is at most 2,000 characters"):
            await feeds.add("https://news.test/" + "a" * 2000)
        assert len(await feeds.all()) == 25
        for ref in ("9" * 25, "x" * 4000):
            with pytest.raises(FeedError, match="no feed") as refused:
                await feeds.remove(ref)
            assert len(str(refused.value)) < 250  # the ref in part, 20 of the ids
            assert "ids: 1, 2, 3," in str(refused.value)
            assert str(refused.value).endswith(f", {IDS_NAMED} and 5 more)")
        assert await feeds.get("9" * 25) is None
    finally:
        await conn.close()


async def test_many_feeds_at_one_address_are_named_by_their_first_ids_and_a_count(
    db_path: Path,
) -> None:
    """A site's every section added by ?sid= (or feeds a release before kept apart by their
    credentials): the errors naming the feeds at one address listed every id, a line that
    grew with each feed."""
    many = IDS_NAMED + 3
    first = ", ".join(str(n) for n in range(1, IDS_NAMED + 1))
    conn = await connect(db_path)
    try:
        feeds = FeedRegistry(conn)
        for n in range(1, many + 1):
            await feeds.add(f"https://news.test/rss?sid=s{n}")
        shown = "https://news.test/rss?sid=***"
        with pytest.raises(FeedError) as refused:
            await feeds.remove(shown)
        assert str(refused.value) == (
            f"{many} feeds are shown as '{shown}': give one's id (ids: {first} and 3 more)"
        )
        # kept apart by their tokens, as a release before did (the same feed now)
        for n in range(1, many + 1):
            await conn.execute(
                "UPDATE feeds SET url = ? WHERE id = ?", (f"https://news.test/w?token=T{n}", n)
            )
        with pytest.raises(FeedError) as refused:
            await feeds.remove("https://news.test/w?token=WRONG")
        assert f"feeds {first} and 3 more have that address with other credentials" in str(
            refused.value
        )
        with pytest.raises(FeedError) as refused:
            await feeds.add("https://news.test/w?token=NEW")
        assert str(refused.value).startswith(
            f"feeds {first} and 3 more are at 'https://news.test/w?token=***' with other "
            "credentials"
        )
    finally:
        await conn.close()


async def test_one_feed_is_one_row_and_a_removed_feeds_id_is_never_given_again(
    db_path: Path,
) -> None:
    """HTTPS://NEWS.TEST:443/x and https://news.test/x were two feeds, polled twice; and the
    id of the last feed removed went to the next one added."""
    conn = await connect(db_path)
    try:
        feeds = FeedRegistry(conn)
        first, _ = await feeds.add("https://news.test/World.rss")
        again, created = await feeds.add("HTTPS://NEWS.Test:443/World.rss", name="World")
        assert (again.id, created, again.url) == (first.id, False, "https://news.test/World.rss")
        assert (await feeds.add("https://news.test/world.rss"))[1]  # the path's case counts
        # a fragment is never sent: it would be a second feed fetching the same document
        assert (await feeds.add("https://news.test/World.rss#latest"))[0].id == first.id
        other, _ = await feeds.add("http://u:P@News.test:8080/a?Key=V")
        assert other.url == "http://u:P@news.test:8080/a?Key=V"
        assert await feeds.get("http://u:P@NEWS.TEST:8080/a?Key=V") == other
        await feeds.remove(str(other.id))
        newest, _ = await feeds.add("https://news.test/sport.rss")
        assert newest.id == other.id + 1
        # stored as typed by a release before: adding it again resumes it, no second feed
        await conn.execute(
            "INSERT INTO feeds (url, interval_s, added_ts, next_poll_ts, paused_ts)"
            " VALUES ('HTTP://OLD.TEST:80/Feed', 900, 0, 0, 1)"
        )
        for typed in ("HTTP://OLD.TEST:80/Feed", "http://old.test/Feed"):
            resumed, created = await feeds.add(typed)
            assert not created and resumed.url == "HTTP://OLD.TEST:80/Feed"
            assert resumed.paused_ts is None
        assert len(await feeds.all()) == 4  # World, world, sport, old
    finally:
        await conn.close()


@pytest.mark.parametrize(
    "url", ["http://exa mple.org/feed.rss", "https://ex$ample.org/", "http://a b/"]
)
async def test_a_host_that_is_no_host_name_is_refused_when_added(db_path: Path, url: str) -> None:
    """It was added, and every poll failed on "cannot resolve exa%20mple.org"."""
    conn = await connect(db_path)
    try:
        with pytest.raises(FeedError, match="is not a host name"):
            await FeedRegistry(conn).add(url)
        for fine in ("http://bücher.test/feed", "http://[::1]:8080/feed", "http://a_b.test/"):
            assert (await FeedRegistry(conn).add(fine))[1]
    finally:
        await conn.close()


@pytest.mark.parametrize("url", ["ftp://news.test/feed", "news.test/feed.rss", "", "http://"])
async def test_only_http_urls_can_be_added(db_path: Path, url: str) -> None:
    conn = await connect(db_path)
    try:
        with pytest.raises(FeedError, match="cannot add"):
            await FeedRegistry(conn).add(url)
        with pytest.raises(FeedError) as refused:  # quoted back without its password
            await FeedRegistry(conn).add("ftp://alice:S3cretPw@example.org/feed.rss")
        assert "S3cretPw" not in str(refused.value) and "alice:***@" in str(refused.value)
    finally:
        await conn.close()


async def test_failures_back_off_then_pause_and_adding_again_resumes(db_path: Path) -> None:
    conn = await connect(db_path)
    try:
        feeds = FeedRegistry(conn)
        feed, _ = await feeds.add("https://news.test/broken.rss", interval=900)
        now = 1_000_000.0
        waits = []
        for _ in range(3):  # each poll as its back-off ends
            failed = await feeds.record_failure(feed, "HTTP 500", pause_after=4, now=now)
            assert failed is not None  # not removed meanwhile
            feed = failed
            waits.append(feed.next_poll_ts - now)
            now = feed.next_poll_ts
            assert not feed.paused and feed.last_error == "HTTP 500"
        assert waits == [1800, 3600, 7200]
        # backing off (or waiting a Retry-After), it waits it out to the second
        assert await feeds.due(now - 1) == []
        assert [f.id for f in await feeds.due(now)] == [feed.id]
        # polled before then (`feeds poll --all`): said, but neither counted nor backed off
        # further; six such polls in four minutes paused a feed "after 6 failures in a row"
        for _ in range(3):
            forced = await feeds.record_failure(feed, "HTTP 503", pause_after=4, now=now - 60)
            assert forced is not None and not forced.paused
            assert (forced.failures, forced.next_poll_ts) == (3, now)
            assert (forced.last_error, forced.last_fetch_ts) == ("HTTP 503", now - 60)
        failed = await feeds.record_failure(feed, "HTTP 500", pause_after=4, now=now)
        assert failed is not None  # not removed meanwhile
        feed = failed
        assert feed.paused and feed.failures == 4
        assert await feeds.due(now + 10 * MAX_BACKOFF) == [] and await feeds.active() == []
        resumed, created = await feeds.add("https://news.test/broken.rss")
        assert not created and not resumed.paused and resumed.failures == 0
        assert resumed.interval == 900  # kept, as no interval was given
        assert [f.id for f in await feeds.due()] == [feed.id]  # due at once
    finally:
        await conn.close()


async def test_a_success_clears_the_error_and_records_seen_entries(db_path: Path) -> None:
    conn = await connect(db_path)
    try:
        feeds = FeedRegistry(conn)
        feed, _ = await feeds.add("https://news.test/a.rss", interval=600)
        failed = await feeds.record_failure(feed, "timed out", now=1000.0)
        assert failed is not None  # not removed meanwhile
        feed = failed
        await feeds.record_success(
            feed,
            [SeenEntry("a", None, "https://news.test/a"), SeenEntry("b", None, None)],
            title="A Feed",
            etag='"v1"',
            last_modified="Mon, 05 Oct 2026 07:30:00 GMT",
            now=2000.0,
        )
        ok = await feeds.get(feed.id)
        assert ok is not None
        assert (ok.failures, ok.last_error, ok.title, ok.etag) == (0, None, "A Feed", '"v1"')
        assert (ok.last_ok_ts, ok.next_poll_ts) == (2000.0, 2600.0)
        # due a little early: looked at once a minute, it would otherwise wait one more look
        assert await feeds.due(2600.0 - EARLY - 1) == []
        assert [f.id for f in await feeds.due(2600.0 - EARLY)] == [feed.id]
        assert await feeds.unseen(feed.id, ["a", "b", "c", "c"]) == {"c"}
        # A 304 keeps the validators it does not repeat.
        await feeds.record_success(feed, [], None, None, None, now=3000.0)
        again = await feeds.get(feed.id)
        assert again is not None and again.etag == '"v1"' and again.title == "A Feed"
    finally:
        await conn.close()


async def test_a_feed_counts_each_of_its_articles_once(db_path: Path) -> None:
    """An outlet that re-posts a story under a new guid gives two entries of one article:
    `feeds list` counted it twice. An entry whose article was stored already, from a file
    or another feed, names that article: it was counted as this feed's too."""
    conn = await connect(db_path)
    try:
        feed, _ = await FeedRegistry(conn).add("https://news.test/a.rss", interval=600)
    finally:
        await conn.close()
    engine = await Engine.open(db_path)
    try:
        story, filed = await engine.add_articles(
            [
                ArticleDraft(
                    "Harbour reopens",
                    "The harbour reopened on Monday after repairs.",
                    extra={"feed_id": feed.id},  # as a poll of the feed stores it
                ),
                ArticleDraft("Ferry returns", "The night ferry returns to the islands."),
            ]
        )
    finally:
        await engine.close()
    conn = await connect(db_path)
    try:
        feeds = FeedRegistry(conn)
        entries = [SeenEntry(key, story.article_id, None) for key in ("a-1", "a-1-updated")]
        entries.append(SeenEntry("a-2", filed.article_id, None))  # a duplicate of the file's
        await feeds.record_success(feed, entries, None, None, None, now=1000.0)
        listed = await feeds.get(feed.id)
        assert listed is not None and listed.articles == 1
    finally:
        await conn.close()


async def test_migration_3_is_recorded(db_path: Path) -> None:
    conn = await connect(db_path)
    try:
        async with conn.execute("SELECT version, name FROM schema_migrations") as cur:
            rows = [tuple(r) for r in await cur.fetchall()]
        assert (3, "news feeds") in rows
    finally:
        await conn.close()


async def test_migration_13_forgets_the_credentials_feed_origins_recorded(db_path: Path) -> None:
    engine = await Engine.open(db_path)
    try:
        drafts = [
            ArticleDraft("Paid", "The harbour reopened on Monday.", origin="https://a.test/f?key=K9",
                         extra={"feed_id": 4}),
            ArticleDraft("Login", "The ferry sailed on Tuesday.", origin="https://u:PW7@b.test/f",
                         extra={"feed_id": 5}),
            ArticleDraft("Open", "The crane moved on Wednesday.", origin="https://c.test/f.rss",
                         extra={"feed_id": 6}),
            ArticleDraft("File", "The quay closed on Thursday.", origin="notes?.txt"),
        ]  # fmt: skip
        await engine.add_articles(drafts)
    finally:
        await engine.close()
    run_sql(db_path, "DELETE FROM schema_migrations WHERE version = 13")
    conn = await connect(db_path)  # migrates again
    try:
        async with conn.execute("SELECT title, origin FROM articles ORDER BY id") as cur:
            origins = [tuple(r) for r in await cur.fetchall()]
    finally:
        await conn.close()
    assert origins == [
        ("Paid", "feed 4"),
        ("Login", "feed 5"),
        ("Open", "https://c.test/f.rss"),
        ("File", "notes?.txt"),  # not from a feed: left as it is
    ]


def test_the_feeds_a_web_page_names_are_read_from_its_alternate_links() -> None:
    page = """<html><head><base href="/en/">
    <link rel="stylesheet" href="site.css" type="text/css">
    <link rel="alternate" type="application/rss+xml; charset=utf-8" href="news.rss">
    <link rel="Alternate Feed" type="Application/Atom+XML" href="https://feeds.example/a">
    <link rel="alternate" type="application/rss+xml" href="news.rss">
    <link rel="alternate" type="application/json" href="feed.json">
    <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
    <link rel="alternate" hreflang="fr" href="/fr/"></head><body></body></html>"""
    assert feeds_named(page, "https://site.example/world/index.html") == (
        "https://site.example/en/news.rss",
        "https://feeds.example/a",
    )
    assert feeds_named("", "https://site.example/") == ()
