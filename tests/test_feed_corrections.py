"""A feed entry republished corrected (its guid and link the same; its title, summary or
updated date not) replaces the article it gave: through the loopback server, the real
fetcher, a real database and the engine's index."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import aiosqlite
import pytest

from retrieval.corpus.store import CorpusStore
from retrieval.engine import Engine
from retrieval.feeds.corrections import MAX_CORRECTIONS
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.poll import FeedPoller
from retrieval.feeds.registry import ENTRY_PATIENCE, ENTRY_TRIES, FeedRegistry
from retrieval.without_index import remove_articles
from tests.conftest import run_sql
from tests.feed_server import FeedServer, Route, poll_all

FEED = "/feeds/gazette.rss"
FERRY = "/pages/ferry.html"
QUESTION = "How many crossings a week does the night ferry make?"
SUMMARY = b"The night ferry sails again from Monday after six weeks in dry dock."
CORRECTED = b"The night ferry sails again from Tuesday after six weeks in dry dock."
DATED = b"<dc:creator>"  # where an item's atom:updated goes: before its author


def serve_feed(feed_server: FeedServer, body: bytes, etag: str | None = None) -> None:
    """The gazette's feed as `body`, without validators (each poll reads it whole) but
    `etag` if given."""
    feed_server.routes[FEED] = Route(body=body, content_type="application/rss+xml", etag=etag)


def gazette(feed_server: FeedServer, updated: list[str] | None = None) -> bytes:
    """The gazette's feed, each item dated `updated` in turn (atom:updated) if given."""
    body = feed_server.fixture("gazette.rss").replace(
        b"<rss ", b'<rss xmlns:atom="http://www.w3.org/2005/Atom" '
    )
    for date in updated or []:
        stamp = f"<atom:updated>{date}</atom:updated><dc:creator>".encode()
        body = body.replace(DATED, stamp, 1).replace(b"<dc:creator>", b"<dc:CREATOR>", 1)
    return body.replace(b"dc:CREATOR", b"dc:creator")


def correct_the_page(feed_server: FeedServer) -> None:
    """The ferry's page corrected: four crossings a week, not three."""
    page = feed_server.routes[FERRY]
    body = page.body.replace(b"three crossings a week", b"four crossings a week")
    feed_server.routes[FERRY] = Route(body=body, content_type=page.content_type)


def ferry_ids(db_path: Path) -> list[int]:
    return [
        int(r[0]) for r in run_sql(db_path, "SELECT id FROM articles WHERE url LIKE '%ferry%'")
    ]


def entry_article(db_path: Path) -> int:
    with closing(sqlite3.connect(db_path)) as conn:
        row = conn.execute(
            "SELECT article_id FROM feed_entries WHERE entry_key = 'post-2026-ferry'"
        ).fetchone()
    return int(row[0])


async def quoted(engine: Engine, words: str) -> list[int]:
    """The articles of the answer's passages that quote `words`."""
    return [p.article.id for p in (await engine.ask(QUESTION)).passages if words in p.quote]


async def test_a_corrected_entry_replaces_its_article_and_the_answers_quote_the_correction(
    feed_server: FeedServer, fetcher: Fetcher, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The feed republishes an entry corrected (its summary), its page corrected too: the
    article is replaced (a new id, the old one's sentences gone from both indexes, as
    `remove` and an ingest again leave them), the answers quote the correction, and only
    that entry's page is read again."""
    serve_feed(feed_server, gazette(feed_server))
    feed, _ = await engine.add_feed(feed_server.url(FEED))
    await engine.poll_feeds(fetcher, [feed])
    [old] = ferry_ids(engine.db_path)
    assert await quoted(engine, "three crossings a week") == [old]
    feed_server.requests.clear()

    serve_feed(feed_server, gazette(feed_server).replace(SUMMARY, CORRECTED))
    correct_the_page(feed_server)
    with caplog.at_level(logging.INFO, logger="retrieval.feeds.poll"):
        report = await engine.poll_feeds(fetcher, [feed])

    (outcome,) = report.outcomes
    assert (outcome.added, outcome.corrected, report.corrected) == (0, 1, 1)
    assert "0 new entries, 0 articles added, 0 duplicates, 1 article corrected" in outcome.line()
    assert "1 article corrected" in report.summary()
    [new] = ferry_ids(engine.db_path)
    assert new > old and entry_article(engine.db_path) == new
    assert f"corrected: article {old} replaced by article {new}" in caplog.text
    assert feed_server.paths() == [FEED, FERRY]  # no other entry's page
    assert await quoted(engine, "four crossings a week") == [new]
    assert all(p.article.id != old for p in (await engine.ask(QUESTION)).passages)
    # as `remove` leaves it: the old one's sentences hidden, an index loaded anew too
    await engine.save_index()
    reopened = await Engine.open(engine.db_path)
    try:
        assert await quoted(reopened, "four crossings a week") == [new]
        assert all(p.article.id != old for p in (await reopened.ask(QUESTION)).passages)
    finally:
        await reopened.close()
    removal = await remove_articles(engine.db_path, [str(old)])
    assert removal.not_found[0][1].startswith(f"replaced by article {new}, a newer text of it")

    feed_server.requests.clear()
    again = await engine.poll_feeds(fetcher, [feed])
    assert (again.corrected, feed_server.paths()) == (0, [FEED])  # corrected once


async def test_a_corrections_log_line_escapes_what_the_feeds_title_would_make_a_terminal_do(
    feed_server: FeedServer, fetcher: Fetcher, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """The poll's INFO lines named the feed by its label raw: a U+202E in a title stored
    before titles were cleaned (or in a name given to it) reversed the rest of the log
    line on a terminal, as it would the poll's own line, which escapes it."""
    serve_feed(feed_server, gazette(feed_server))
    feed, _ = await engine.add_feed(feed_server.url(FEED))
    await engine.poll_feeds(fetcher, [feed])
    run_sql(engine.db_path, "UPDATE feeds SET title = 'The \u202eGazette'")
    [feed] = await engine.feeds()
    serve_feed(feed_server, gazette(feed_server).replace(SUMMARY, CORRECTED))
    correct_the_page(feed_server)
    with caplog.at_level(logging.INFO, logger="retrieval.feeds.poll"):
        assert (await engine.poll_feeds(fetcher, [feed])).corrected == 1
    [corrected] = [m for m in caplog.messages if "corrected: article" in m]
    assert corrected.startswith("feed 1 (The \\u202eGazette): entry "), corrected
    assert "\u202e" not in caplog.text


async def test_an_entry_dated_later_is_read_again_but_a_date_stamped_on_every_entry_is_not(
    feed_server: FeedServer, fetcher: Fetcher, engine: Engine
) -> None:
    """A later updated date on one entry, its words the same, is a correction: its page is
    read again. A feed stamping one date on every entry at each fetch (the time it was
    made) reads no page again, nor one whose page says what was stored."""
    dates = ["2026-10-08T18:00:00Z"] * 4
    serve_feed(feed_server, gazette(feed_server, dates))
    feed, _ = await engine.add_feed(feed_server.url(FEED))
    await engine.poll_feeds(fetcher, [feed])
    [old] = ferry_ids(engine.db_path)
    feed_server.requests.clear()

    serve_feed(feed_server, gazette(feed_server, ["2026-10-08T19:00:00Z"] * 4))
    correct_the_page(feed_server)
    stamped = await engine.poll_feeds(fetcher, [feed])
    assert (stamped.corrected, feed_server.paths()) == (0, [FEED])
    assert ferry_ids(engine.db_path) == [old]

    # the ferry is the third item: dated later alone, its page read again
    later = ["2026-10-08T19:00:00Z", "2026-10-08T19:00:00Z", "2026-10-09T08:00:00Z"]
    serve_feed(feed_server, gazette(feed_server, [*later, "2026-10-08T19:00:00Z"]))
    report = await engine.poll_feeds(fetcher, [feed])
    assert (report.corrected, feed_server.paths()) == (1, [FEED, FEED, FERRY])
    [new] = ferry_ids(engine.db_path)
    assert await quoted(engine, "four crossings a week") == [new]

    # dated later again, the page as stored: read, nothing replaced
    serve_feed(feed_server, gazette(feed_server, [*later[:2], "2026-10-09T09:00:00Z"]))
    report = await engine.poll_feeds(fetcher, [feed])
    assert (report.corrected, ferry_ids(engine.db_path)) == (0, [new])
    assert len(feed_server.hits(FERRY)) == 2


async def test_a_feed_changing_every_entrys_words_at_once_has_no_page_read_again(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """More than MAX_CORRECTIONS entries changed at once is the feed changing its form (a
    summary rewritten for all): no page is read again, and what it says now is recorded."""
    items = "".join(
        f"<item><title>Story {n}</title><link>{feed_server.url(f'/story/{n}')}</link>"
        f"<description>The harbour board met about berth {n} today.</description></item>"
        for n in range(MAX_CORRECTIONS + 1)
    )
    body = f"<rss version='2.0'><channel><title>Wire</title>{items}</channel></rss>".encode()
    serve_feed(feed_server, body)
    await FeedRegistry(db).add(feed_server.url(FEED))
    poller = FeedPoller(db, fetcher)
    await poll_all(poller)
    feed_server.requests.clear()
    serve_feed(feed_server, body.replace(b"today.", b"on Monday."))

    report = await poll_all(poller)

    assert (report.corrected, feed_server.paths()) == (0, [FEED])
    async with db.execute("SELECT count(*) FROM articles WHERE text LIKE '%Monday%'") as cur:
        assert tuple(await cur.fetchone() or ()) == (0,)
    await poll_all(poller)
    assert feed_server.paths() == [FEED, FEED]


async def test_entries_read_before_their_words_were_kept_are_not_taken_for_corrections(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """An entry stored before its words were recorded (migration 41) has them recorded at
    the next poll, its page not read again."""
    serve_feed(feed_server, gazette(feed_server))
    await FeedRegistry(db).add(feed_server.url(FEED))
    poller = FeedPoller(db, fetcher)
    await poll_all(poller)
    await db.execute("UPDATE feed_entries SET words_hash = NULL, updated = NULL")
    feed_server.requests.clear()
    serve_feed(feed_server, gazette(feed_server).replace(SUMMARY, CORRECTED))

    report = await poll_all(poller)

    assert (report.corrected, feed_server.paths()) == (0, [FEED])
    async with db.execute("SELECT count(*) FROM feed_entries WHERE words_hash IS NULL") as cur:
        assert tuple(await cur.fetchone() or ()) == (0,)


async def test_a_crash_as_a_correction_is_stored_leaves_the_old_article_whole(
    feed_server: FeedServer,
    fetcher: Fetcher,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The database failing as the corrected article is stored (the old one removed in the
    same transaction) leaves the old article, its sentences and the entry's record as they
    were, and answers quoting it; the next poll corrects it."""
    serve_feed(feed_server, gazette(feed_server))
    feed, _ = await engine.add_feed(feed_server.url(FEED))
    await engine.poll_feeds(fetcher, [feed])
    [old] = ferry_ids(engine.db_path)
    before = run_sql(engine.db_path, "SELECT * FROM feed_entries ORDER BY entry_key")
    sentences = run_sql(engine.db_path, "SELECT id, text FROM sentences ORDER BY id")
    serve_feed(feed_server, gazette(feed_server).replace(SUMMARY, CORRECTED))
    correct_the_page(feed_server)
    insert = CorpusStore.insert_articles

    async def failing(*args: object, **kwargs: object) -> object:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(CorpusStore, "insert_articles", failing)
    with pytest.raises(sqlite3.OperationalError):
        await engine.poll_feeds(fetcher, [feed])

    assert ferry_ids(engine.db_path) == [old]
    assert run_sql(engine.db_path, "SELECT * FROM feed_entries ORDER BY entry_key") == before
    assert run_sql(engine.db_path, "SELECT id, text FROM sentences ORDER BY id") == sentences
    assert run_sql(engine.db_path, "SELECT count(*) FROM removed_articles") == [(0,)]
    assert await quoted(engine, "three crossings a week") == [old]

    monkeypatch.setattr(CorpusStore, "insert_articles", insert)
    report = await engine.poll_feeds(fetcher, [feed])
    assert report.corrected == 1
    [new] = ferry_ids(engine.db_path)
    assert await quoted(engine, "four crossings a week") == [new]


@pytest.mark.parametrize("status", [503, 404])
async def test_a_correction_whose_page_fails_waits_for_its_page(
    status: int, feed_server: FeedServer, fetcher: Fetcher, engine: Engine
) -> None:
    """A corrected entry whose page fails for a moment (503), or answers 404, keeps its
    page's text, not the feed's one-line summary in its place, and is not recorded as read
    (a 404's was recorded as settled, the correction never made); the next poll reads the
    feed whole (not "not modified", its validators dropped) and the page again, and
    corrects it."""
    serve_feed(feed_server, gazette(feed_server), etag='"first"')
    feed, _ = await engine.add_feed(feed_server.url(FEED))
    await engine.poll_feeds(fetcher, [feed])
    [old] = ferry_ids(engine.db_path)
    serve_feed(feed_server, gazette(feed_server).replace(SUMMARY, CORRECTED), etag='"second"')
    correct_the_page(feed_server)
    page = feed_server.routes[FERRY]
    feed_server.routes[FERRY] = Route(status=status)

    assert (await engine.poll_feeds(fetcher, [feed])).corrected == 0
    assert ferry_ids(engine.db_path) == [old]

    feed_server.routes[FERRY] = page
    polled = await engine.active_feeds()  # with the validators the poll left it
    assert (await engine.poll_feeds(fetcher, polled)).corrected == 1
    [new] = ferry_ids(engine.db_path)
    assert await quoted(engine, "four crossings a week") == [new]


async def test_a_correction_whose_page_stays_gone_is_given_up_after_a_day(
    feed_server: FeedServer,
    fetcher: Fetcher,
    engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A correction whose page is gone for good is tried at ENTRY_TRIES polls over a day at
    least, then given up, said at INFO: its article kept, its page not fetched again at
    every poll."""
    serve_feed(feed_server, gazette(feed_server))
    feed, _ = await engine.add_feed(feed_server.url(FEED))
    await engine.poll_feeds(fetcher, [feed])
    [old] = ferry_ids(engine.db_path)
    serve_feed(feed_server, gazette(feed_server).replace(SUMMARY, CORRECTED))
    feed_server.routes[FERRY] = Route(status=410)
    for _ in range(ENTRY_TRIES):
        await engine.poll_feeds(fetcher, [feed])
    tried = len(feed_server.hits(FERRY))
    run_sql(engine.db_path, "UPDATE feed_retries SET first_ts = first_ts - ?", ENTRY_PATIENCE)

    with caplog.at_level(logging.INFO, logger="retrieval.feeds.poll"):
        await engine.poll_feeds(fetcher, [feed])
    await engine.poll_feeds(fetcher, [feed])

    assert len(feed_server.hits(FERRY)) == tried + 1  # at the poll that gave it up alone
    assert f"its page was not to be had at {ENTRY_TRIES} polls" in caplog.text
    assert ferry_ids(engine.db_path) == [old]


async def test_a_correction_of_an_article_another_feed_stored_is_said_and_kept(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An entry found stored already (another feed's article) is not this feed's to
    correct: its article is kept, and the log says so."""
    serve_feed(feed_server, gazette(feed_server))
    feed_server.routes["/feeds/copy.rss"] = feed_server.routes[FEED]
    feeds = FeedRegistry(db)
    first, _ = await feeds.add(feed_server.url(FEED))
    await FeedPoller(db, fetcher).poll([first])
    second, _ = await feeds.add(feed_server.url("/feeds/copy.rss"))
    await FeedPoller(db, fetcher).poll([second])
    feed_server.routes["/feeds/copy.rss"] = Route(
        body=gazette(feed_server).replace(SUMMARY, CORRECTED),
        content_type="application/rss+xml",
    )
    correct_the_page(feed_server)
    with caplog.at_level(logging.INFO, logger="retrieval.feeds.poll"):
        report = await FeedPoller(db, fetcher).poll([second])
    assert report.corrected == 0
    assert "came from elsewhere (a file, another feed): kept as it is" in caplog.text
