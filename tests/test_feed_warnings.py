"""What a poll says of a feed and its entries, through the loopback server: said once where
it needs no action again, in the words `feeds add` and `ingest` use for the same thing."""

from __future__ import annotations

import socket
import time
from email.utils import formatdate

import aiosqlite

from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.poll import FeedPoller
from retrieval.feeds.private_addresses import PrivateAllowed
from retrieval.feeds.registry import FeedRegistry
from tests.conftest import TEST_LIMITS
from tests.feed_server import FeedServer, Route, poll_all

YEAR = 365 * 86_400.0


def rss(items: str, before: str = "") -> bytes:
    """A feed of `items` (RSS 2.0 <item>s), `before` its XML declaration."""
    return (
        f'{before}<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbour Wire</title>{items}</channel></rss>"
    ).encode()


def item(key: str, title: str, summary: str, published: float | None = None) -> str:
    dated = f"<pubDate>{formatdate(published, usegmt=True)}</pubDate>" if published else ""
    return (
        f"<item><title>{title}</title><guid>{key}</guid>{dated}"
        f"<description>{summary}</description></item>"
    )


async def test_an_entry_dated_a_year_ahead_is_said_as_ingest_says_it_once(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A feed's entry dated a year ahead (a mistyped year) was stored hidden from every
    answer and digest till then, the poll saying "1 article added", where `ingest` warns
    of the same record. The poll warns as ingest does, naming the feed, once; its advice is
    not ingest's (the date is the feed's to put right, and a removed entry is not stored
    again)."""
    ahead = time.time() + YEAR
    body = rss(
        item("b1", "Budget vote", "Parliament votes on the budget today.", ahead)
        + item("f1", "Ferry returns", "The night ferry sails again from Monday.", time.time())
    )
    url = feed_server.url("/feeds/wire.rss")
    feed_server.routes["/feeds/wire.rss"] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(url)
    poller = FeedPoller(db, fetcher)
    first = await poll_all(poller)
    [said] = first.problems()  # its date as the feed wrote it
    written = formatdate(ahead, usegmt=True)
    assert said.startswith(f"feed 1 ({url}): 'Budget vote' is dated {written}, ahead")
    assert said.endswith(
        ", ahead of now: stored as article 2, no answer or digest quotes it before then "
        "(newsbot remove 2 if the date is wrong; the feed's publisher dates it)"
    )
    assert first.added == 2
    assert (await poll_all(poller)).problems() == []  # its entry is seen: not said again


def harbour_items() -> str:
    return item("f1", "Ferry&nbsp;returns", "The night ferry sails again from Monday.") + item(
        "m1", "Fish & chips", "The quay's fish market opens a chip shop on Friday."
    )


async def test_a_feed_read_whole_past_its_fault_is_noted_once_one_read_in_part_each_poll(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A blank line before <?xml, an &nbsp; in a title, a bare "&": every entry read, yet
    the feed was "malformed feed, read in part", a WARNING at every poll that fetched it
    whole (a cron mail every 15 minutes). Read whole, it is noted once; entries lost to a
    fault (an unclosed comment swallowing the rest) are still said at every poll."""
    sloppy = feed_server.url("/feeds/sloppy.rss")
    feed_server.routes["/feeds/sloppy.rss"] = Route(
        body=rss(harbour_items(), before="\n"), content_type="application/rss+xml"
    )
    cut = feed_server.url("/feeds/cut.rss")
    swallowed = item("a1", "Harbour closed", "Gales close the harbour.") + "<!-- "
    feed_server.routes["/feeds/cut.rss"] = Route(
        body=rss(swallowed + harbour_items()), content_type="application/rss+xml"
    )
    feeds = FeedRegistry(db)
    await feeds.add(sloppy)
    await feeds.add(cut)
    poller = FeedPoller(db, fetcher)
    first = await poll_all(poller)
    assert [o.added for o in first.outcomes] == [2, 1]
    read_in_part = f"feed 2 ({cut}): malformed feed, read in part: unclosed token"
    assert first.problems() == [
        f"feed 1 ({sloppy}): malformed feed, every entry read: "
        "XML or text declaration not at start of entity",
        read_in_part,
    ]
    for _ in range(2):  # no validators: the documents are read again
        assert (await poll_all(poller)).problems() == [
            read_in_part.replace(f"({cut})", "(Harbour Wire)")
        ]
    listed = await feeds.all()
    assert [(f.status, f.warning) for f in listed] == [
        (
            "warning",
            "malformed feed, every entry read: XML or text declaration not at start of entity",
        ),
        ("warning", "malformed feed, read in part: unclosed token"),
    ]


HOME_PAGE = (
    b"<!doctype html><html><head><title>Harbour Wire</title>"
    b'<link rel="alternate" type="application/rss+xml" href="/feeds/new.rss"></head>'
    b"<body><h1>Harbour Wire</h1><p>Today's news from the quays.</p></body></html>"
)


async def test_a_feed_turned_web_page_fails_as_add_says_naming_where_it_was_led(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A feed that came to serve a web page failed "not an RSS or Atom feed (<unknown>:317:
    31: not well-formed (invalid token))", where `feeds add` says "it is a web page"; and a
    feed redirected to an address that answers 404 was listed "HTTP 404 Not Found", though
    its own address answers 301. The poll says it as `feeds add` does, with the feed the
    page names, and names the address a redirect led to: beside the page, not after "it
    names no feed", where it read as the address that names none."""
    feed_server.routes["/home.html"] = Route(body=HOME_PAGE)
    feed_server.routes["/bare.html"] = Route(body=HOME_PAGE.replace(b"alternate", b"x"))
    feed_server.routes["/feeds/wire.rss"] = Route(body=HOME_PAGE)  # served in its place
    moved = Route(status=301, headers={"Location": "/home.html"})
    feed_server.routes["/feeds/moved.rss"] = moved
    feed_server.routes["/feeds/bare.rss"] = Route(status=301, headers={"Location": "/bare.html"})
    feeds = FeedRegistry(db)
    for path in ("/feeds/wire.rss", "/feeds/moved.rss", "/feeds/bare.rss"):
        await feeds.add(feed_server.url(path))
    poller = FeedPoller(db, fetcher)
    names = f"; it names its feed: {feed_server.url('/feeds/new.rss')}"
    assert [o.error for o in (await poll_all(poller)).outcomes] == [
        "it is a web page, not an RSS or Atom feed" + names,
        f"it is a web page (at {feed_server.url('/home.html')}), not an RSS or Atom feed{names}",
        f"it is a web page (at {feed_server.url('/bare.html')}), not an RSS or Atom feed; it "
        "names no feed",
    ]
    moved.headers["Location"] = "/feeds/gone.rss"  # no route: 404
    [_, failed, _] = (await poll_all(poller)).outcomes
    assert failed.error == f"HTTP 404 Not Found at {feed_server.url('/feeds/gone.rss')}"
    assert (await feeds.all())[1].last_error == failed.error


async def test_a_feed_moved_to_another_feeds_address_is_listed_with_a_warning_till_it_moves(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Every poll warned "feed 2: moved for good to ..., which feed 1 polls too: remove one
    of them", yet `feeds list` showed both "ok", --json's warning null. The conflict is
    the feed's warning, after its document's, through a 304, till it can move."""
    malformed = rss(harbour_items(), before="\n")  # a warning of its document too
    new = feed_server.url("/feeds/new.rss")
    feed_server.routes["/feeds/new.rss"] = Route(
        body=malformed, content_type="application/rss+xml", etag='"n1"'
    )
    feed_server.routes["/feeds/old.rss"] = Route(status=308, headers={"Location": new})
    feeds = FeedRegistry(db)
    await feeds.add(new)
    await feeds.add(feed_server.url("/feeds/old.rss"))
    poller = FeedPoller(db, fetcher)
    document = "malformed feed, every entry read: XML or text declaration not at start of entity"
    conflict = (
        f"moved for good to {new}, which feed 1 polls too: remove one of them (this one is "
        "still polled at its old address)"
    )
    for status in ("ok", "not modified"):
        [_, old] = (await poll_all(poller)).outcomes
        assert old.status == status and old.problems[-1] == conflict
        assert [f.warning for f in await feeds.all()] == [document, f"{document}; {conflict}"]
    await feeds.remove("1")
    [old] = (await poll_all(poller)).outcomes
    assert old.status == "not modified" and old.moved_to == new and old.problems == []
    [moved] = await feeds.all()
    assert (moved.url, moved.status, moved.warning) == (new, "warning", document)


async def test_an_entry_linking_to_a_private_address_is_not_told_to_open_the_network(
    feed_server: FeedServer, db: aiosqlite.Connection
) -> None:
    """An outside feed's entry linking to http://10.11.12.13/ was told to "add it to
    NEWSBOT_ALLOW_PRIVATE_URLS ... to fetch from your own network": a feed's link is no
    reason to open the network to it. It is refused, and the feed's summary kept."""
    story = item("p1", "Ferry returns", "The night ferry sails again from Monday.")
    story = story.replace("<guid>", "<link>http://10.11.12.13/story</link><guid>")
    feed_server.routes["/feeds/wire.rss"] = Route(
        body=rss(story), content_type="application/rss+xml"
    )
    await FeedRegistry(db).add(feed_server.url("/feeds/wire.rss"))
    allowed = PrivateAllowed.parse("127.0.0.1")  # the feed's own host, on loopback
    async with Fetcher(allow_private=allowed, limits=TEST_LIMITS) as fetcher:
        report = await poll_all(FeedPoller(db, fetcher))
    assert report.added == 1
    assert report.problems() == [
        f"feed 1 ({feed_server.url('/feeds/wire.rss')}): page http://10.11.12.13/story: "
        "10.11.12.13 is a private or local address: refused"
    ]


async def test_a_feed_that_cannot_be_reached_fails_in_words_not_httpx_class_names(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A feed whose server is down failed "ConnectError: All connection attempts failed";
    an https:// address on a server speaking plain http, "ConnectError: [SSL:
    WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"."""
    with socket.socket() as closed:  # a port nothing listens on once it is closed
        closed.bind(("127.0.0.1", 0))
        down = f"127.0.0.1:{closed.getsockname()[1]}"
    plain = feed_server.base.removeprefix("http://")
    feeds = FeedRegistry(db)
    await feeds.add(f"http://{down}/feed.rss")
    await feeds.add(f"https://{plain}/feeds/wire.rss")
    [refused, insecure] = (await poll_all(FeedPoller(db, fetcher))).outcomes
    assert refused.error == f"cannot connect to {down}: all connection attempts failed"
    assert insecure.error is not None
    assert insecure.error.startswith(f"no secure (TLS) connection to {plain}: ")
    assert "[SSL" not in insecure.error and "_ssl.c" not in insecure.error


def written_item(key: str, pub_date: str, updated: str = "") -> str:
    """An item whose <pubDate> is `pub_date` as written, with an atom:updated if given."""
    upd = f"<atom:updated>{updated}</atom:updated>" if updated else ""
    return (
        f"<item><title>Birth {key}</title><guid>{key}</guid><pubDate>{pub_date}</pubDate>{upd}"
        f"<description>The {key} sanctuary reported a new {key} birth this week.</description>"
        "</item>"
    )


async def test_feed_dates_read_as_feeds_write_them_and_those_not_read_are_counted(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A two-digit year (RFC 822's; 50-99 the last century, as RFC 2822 reads them) and a BST
    time were stored undated, as were IST and the military "A", and the poll said nothing of
    it: its entries were listed in today's digest as new. A BST pubDate with an atom:updated
    was dated by the update, where the README said undated. A zone that names one zone is
    read; one that names several (IST) is not, and the poll counts the entries it stored
    undated, or dated by their update (later than their publication: hidden a while, never
    shown early)."""
    body = rss(
        written_item("twodigit", "Sat, 01 Jun 24 08:00:00 GMT")
        + written_item("lastcentury", "Thu, 01 Jun 89 08:00:00 GMT")
        + written_item("bst", "Sat, 01 Jun 2024 08:00:00 BST", "2024-06-05T09:00:00Z")
        + written_item("ist", "Sat, 01 Jun 2024 08:00:00 IST")
        + written_item("mil", "Sat, 01 Jun 2024 08:00:00 A")
        + written_item("istupd", "Sat, 01 Jun 2024 08:00:00 IST", "2024-06-05T09:00:00Z"),
    ).replace(b"<rss ", b'<rss xmlns:atom="http://www.w3.org/2005/Atom" ')
    url = feed_server.url("/feeds/wire.rss")
    feed_server.routes["/feeds/wire.rss"] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(url)
    [outcome] = (await poll_all(FeedPoller(db, fetcher))).outcomes
    async with db.execute("SELECT title, published FROM articles ORDER BY id") as cursor:
        stored = {title: published for title, published in await cursor.fetchall()}
    assert stored == {
        "Birth twodigit": "2024-06-01T08:00:00+00:00",
        "Birth lastcentury": "1989-06-01T08:00:00+00:00",  # was 2089, hidden as ahead
        "Birth bst": "2024-06-01T07:00:00+00:00",
        "Birth ist": None,
        "Birth mil": None,
        "Birth istupd": "2024-06-05T09:00:00+00:00",
    }
    assert outcome.line() == (
        f"feed 1 ({url}): 6 new entries, 6 articles added, 0 duplicates, "
        "2 entries stored undated (date not read: 'Sat, 01 Jun 2024 08:00:00 A', ...), "
        "1 entry dated by its update or page (date not read: 'Sat, 01 Jun 2024 08:00:00 IST')"
    )


async def test_a_feed_date_on_a_12_hour_clock_with_a_feed_s_zone_is_read(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """ "Tue, 03 Dec 2024 8:00 PM BST" was stored undated: a zone of FEED_ZONES was read
    only right after the time's digits, not after its AM or PM (feedparser read 08:00). A
    12-hour clock, its AM or PM in any case and with stops, is read with those zones as with
    the others; a zone that names several (IST) still is not."""
    body = rss(
        written_item("bst", "Tue, 03 Dec 2024 8:00 PM BST")
        + written_item("stops", "December 3, 2024 8:00 p.m. BST")
        + written_item("morning", "Tue, 03 Dec 2024 08:30:00 am JST")
        + written_item("tight", "3 Dec 2024 11:15PM AEDT")
        + written_item("est", "December 3, 2024 8:00 pm EST")
        + written_item("cet", "2024-12-03 20:00 CET")
        + written_item("ist", "Tue, 03 Dec 2024 8:00 PM IST")
    )
    url = feed_server.url("/feeds/wire.rss")
    feed_server.routes["/feeds/wire.rss"] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(url)
    [outcome] = (await poll_all(FeedPoller(db, fetcher))).outcomes
    async with db.execute("SELECT title, published FROM articles ORDER BY id") as cursor:
        stored = {title: published for title, published in await cursor.fetchall()}
    assert stored == {
        "Birth bst": "2024-12-03T19:00:00+00:00",
        "Birth stops": "2024-12-03T19:00:00+00:00",
        "Birth morning": "2024-12-02T23:30:00+00:00",
        "Birth tight": "2024-12-03T12:15:00+00:00",
        "Birth est": "2024-12-04T01:00:00+00:00",
        "Birth cet": "2024-12-03T19:00:00+00:00",
        "Birth ist": None,
    }
    assert outcome.line() == (
        f"feed 1 ({url}): 7 new entries, 7 articles added, 0 duplicates, "
        "1 entry stored undated (date not read: 'Tue, 03 Dec 2024 8:00 PM IST')"
    )


async def test_an_entry_dated_by_a_placeholder_is_stored_undated_and_said(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A feed's year-1 date (.NET's placeholder for none) was stored as a date of year 1."""
    body = rss(written_item("dotnet", "Mon, 01 Jan 0001 00:00:00 GMT"))
    url = feed_server.url("/feeds/wire.rss")
    feed_server.routes["/feeds/wire.rss"] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(url)
    report = await poll_all(FeedPoller(db, fetcher))
    assert report.problems() == [
        f"feed 1 ({url}): 'Birth dotnet' is dated Mon, 01 Jan 0001 00:00:00 GMT, a placeholder "
        "for no date: stored undated as article 1, counted from when it was stored"
    ]
    async with db.execute("SELECT published FROM articles") as cursor:
        assert [tuple(row) for row in await cursor.fetchall()] == [(None,)]
