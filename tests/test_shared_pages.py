"""Entries whose links lead to a page that is not theirs (a cookie wall, a home page, one
live page) keep their own title and summary, and the poll says so: through the loopback
server, the real fetcher and a real database."""

from __future__ import annotations

import json
import logging
from typing import Any

import aiosqlite
import pytest

from retrieval.corpus.store import CorpusStore
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.poll import FeedPoller
from retrieval.feeds.registry import FeedRegistry
from retrieval.feeds.shared_pages import unrelated, words_found
from tests.conftest import corpus_file
from tests.feed_server import FeedServer, Route, poll_all

STORIES = [  # (title, summary) of entries, oldest first as the poll stores them
    (
        "Mayor resigns over bridge scandal",
        "The mayor resigned on Monday after the bridge contract scandal, aides said, "
        "ending a six-year tenure.",
    ),
    (
        "Flood barrier approved",
        "Regional officials approved a new flood barrier for the harbour district at a cost "
        "of 40 million euros.",
    ),
    (
        "Rail strike called off",
        "The rail union called off Thursday's strike after a late pay offer from the operator.",
    ),
]
CONSENT = (
    "<html><head><title>Before you continue</title></head><body><main><form><h1>We value "
    "your privacy</h1>"
    + "<p>We and our partners use cookies and similar technologies to store and access "
    "information on your device. With your consent, we may use precise geolocation data and "
    "identification through device scanning. You may change your preferences at any time "
    "by returning to this site or visiting our privacy policy.</p>"
    * 2
    + "<button>Accept all</button></form></main></body></html>"
).encode()
HOME = (
    "<html><head><title>Daily Gazette - Home</title></head><body><main><ul>"
    + "".join(
        f"<li><h3>Headline number {n} about the city council</h3><p>The council discussed "
        f"topic {n} at length on Tuesday, with residents voicing concerns about the plan and "
        "its cost.</p></li>"
        for n in range(12)
    )
    + "</ul></main></body></html>"
).encode()


def rss(items: list[tuple[str, str, str]]) -> bytes:
    """A feed of (title, link, summary) items, listed newest first (the last given first)."""
    listed = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        + (f"<description>{summary}</description>" if summary else "")
        + "</item>"
        for title, link, summary in reversed(items)
    )
    return (
        f"<rss version='2.0'><channel><title>Town Wire</title>{listed}</channel></rss>"
    ).encode()


async def articles(conn: aiosqlite.Connection) -> list[dict[str, Any]]:
    async with conn.execute("SELECT title, url, text, extra FROM articles ORDER BY id") as cur:
        rows = [dict(row) for row in await cur.fetchall()]
    for row in rows:
        row["extra"] = json.loads(row["extra"])
    return rows


def serve_feed(feed_server: FeedServer, items: list[tuple[str, str, str]]) -> str:
    feed_server.routes["/feeds/town.rss"] = Route(
        body=rss(items), content_type="application/rss+xml"
    )
    return feed_server.url("/feeds/town.rss")


@pytest.mark.parametrize("wall", ["consent", "home"])
async def test_entries_whose_links_all_lead_to_one_page_keep_their_own_text(
    feed_server: FeedServer,
    fetcher: Fetcher,
    db: aiosqlite.Connection,
    caplog: pytest.LogCaptureFixture,
    wall: str,
) -> None:
    """Each link redirects to a cookie wall (302, to an address of its own: the wall's text
    is what they share) or, dead, to the home page (301, one address): each entry keeps its
    title and summary, said once at WARNING, naming the feed, the entries and the page."""
    for n in range(3):
        if wall == "consent":
            target = f"/consent?return=/story/{n}"
            feed_server.routes[f"/story/{n}"] = Route(302, headers={"Location": target})
        else:
            feed_server.routes[f"/story/{n}"] = Route(301, headers={"Location": "/home.html"})
    feed_server.routes["/consent"] = Route(body=CONSENT)
    feed_server.routes["/home.html"] = Route(body=HOME)
    links = [feed_server.url(f"/story/{n}") for n in range(3)]
    url = serve_feed(
        feed_server, [(t, link, s) for (t, s), link in zip(STORIES, links, strict=True)]
    )
    feed, _ = await FeedRegistry(db).add(url)
    caplog.set_level(logging.WARNING, logger="retrieval.feeds.poll")

    report = await FeedPoller(db, fetcher).poll_due()

    stored = await articles(db)
    assert [(a["title"], a["text"], a["url"]) for a in stored] == [
        (title, summary, link) for (title, summary), link in zip(STORIES, links, strict=True)
    ]
    assert {a["extra"]["text_from"] for a in stored} == {"feed"}
    page = feed_server.url("/consent?return=/story/0" if wall == "consent" else "/home.html")
    said = (
        f"feed {feed.id} ({url}): 3 entries lead to one page, {page}: 'Mayor resigns over "
        "bridge scandal', 'Flood barrier approved', 'Rail strike called off' (a cookie or "
        "consent wall, or a home page dead links are sent to?): each stored with the feed's own "
        "text, not the page's"
    )
    assert report.problems() == [said]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [said]


async def test_an_entry_alone_on_a_page_that_holds_none_of_its_words_keeps_its_own_text(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """One entry on a cookie wall has no other to share it with: the wall holds none of the
    words of its title and summary. One without a summary keeps its title: its news."""
    feed_server.routes["/story/0"] = Route(302, headers={"Location": "/consent"})
    feed_server.routes["/story/1"] = Route(302, headers={"Location": "/consent"})
    feed_server.routes["/consent"] = Route(body=CONSENT)
    (title, summary), (bare, _) = STORIES[0], STORIES[1]
    url = serve_feed(feed_server, [(title, feed_server.url("/story/0"), summary)])
    feed, _ = await FeedRegistry(db).add(url)
    poller = FeedPoller(db, fetcher)

    report = await poller.poll_due()
    serve_feed(feed_server, [(bare, feed_server.url("/story/1"), "")])
    later = await poll_all(poller)

    stored = await articles(db)
    assert [(a["title"], a["text"]) for a in stored] == [(title, summary), (bare, bare)]
    assert report.problems() == [
        f"feed {feed.id} ({url}): entry 'Mayor resigns over bridge scandal': its page "
        f"{feed_server.url('/consent')} holds 0 of the 12 words of its title and summary (a "
        "cookie or consent wall, or a home page dead links are sent to?): stored with the "
        "feed's own text, not the page's"
    ]
    assert later.problems() == [
        f"feed {feed.id} (Town Wire): entry 'Flood barrier approved': its page "
        f"{feed_server.url('/consent')} holds 0 of the 3 words of its title and summary (a "
        "cookie or consent wall, or a home page dead links are sent to?): stored with the "
        "feed's own text, not the page's"
    ]


BRIDGE = "Swing bridge shut for a week of repairs"


async def test_one_story_under_two_links_to_its_page_is_stored_once_with_its_text(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """One story listed under two sections, each link redirecting to its one page: the page
    holds their words, it is theirs, and the story is stored once with the page's text."""
    feed_server.serve_pages()
    for section in ("world", "uk"):
        feed_server.routes[f"/r/{section}/bridge"] = Route(
            302, headers={"Location": "/pages/bridge.html"}
        )
    url = serve_feed(
        feed_server,
        [
            (BRIDGE, feed_server.url("/r/world/bridge"), "The swing bridge closes for a week."),
            ("Harbour bridge to close", feed_server.url("/r/uk/bridge"), "Engineers at work."),
        ],
    )
    await FeedRegistry(db).add(url)

    report = await FeedPoller(db, fetcher).poll_due()

    (article,) = await articles(db)
    assert (article["title"], article["url"]) == (BRIDGE, feed_server.url("/pages/bridge.html"))
    assert article["extra"]["text_from"] == "page"
    assert (report.problems(), report.outcomes[0].duplicates) == ([], 1)


@pytest.mark.parametrize("holds_its_words", [True, False])
async def test_an_entry_on_the_page_stored_from_another_of_the_feeds_links(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection, holds_its_words: bool
) -> None:
    """A story stored from its entry, then listed again under a new link redirecting to its
    page: a duplicate, as the page holds the entry's words. An entry whose link is sent to
    that page, which holds none of its words (a story retired, sent to another), keeps its
    own text: its news would be lost as a duplicate."""
    bridge = feed_server.url("/pages/bridge.html")
    feed_server.serve_pages()
    feed_server.routes["/old/repairs"] = Route(301, headers={"Location": "/pages/bridge.html"})
    feed_server.routes["/new/link"] = Route(301, headers={"Location": "/pages/bridge.html"})
    repairs = (BRIDGE, feed_server.url("/old/repairs"), "The swing bridge closes for a week.")
    later = (
        ("Swing bridge closed for repairs", feed_server.url("/new/link"), "Engineers at work.")
        if holds_its_words
        else ("Lottery winner found", feed_server.url("/new/link"), "The winner came forward.")
    )
    url = serve_feed(feed_server, [repairs])
    feed, _ = await FeedRegistry(db).add(url)
    poller = FeedPoller(db, fetcher)
    first = await poller.poll_due()
    serve_feed(feed_server, [repairs, later])

    report = await poll_all(poller)

    stored = await articles(db)
    assert first.problems() == []
    assert stored[0]["url"] == bridge
    if holds_its_words:
        assert [a["title"] for a in stored] == [BRIDGE]
        assert (report.problems(), report.outcomes[0].duplicates) == ([], 1)
        return
    assert [(a["title"], a["url"], a["text"]) for a in stored[1:]] == [later]
    assert report.problems() == [
        f"feed {feed.id} (Town Wire): entry 'Lottery winner found': its page {bridge} holds 0 "
        "of the 5 words of its title and summary (a cookie or consent wall, or a home page "
        "dead links are sent to?): stored with the feed's own text, not the page's"
    ]


LIVE = (
    "<html><head><title>Live: landslide</title></head><body><article><h1>Live: landslide</h1>"
    "<p>Roads into the valley were closed after heavy rain; follow the rescue here.</p>"
    + "".join(
        f"<div class='post' id=\"post-{n}\"><p>Update {n}: the rescue teams reached village "
        f"number {n} in the valley after the landslide blocked the road.</p></div>"
        for n in range(1, 4)
    )
    + "</article></body></html>"
).encode()


def live_post(feed_server: FeedServer, n: int) -> tuple[str, str, str]:
    return (
        f"Live update {n}",
        feed_server.url(f"/live.html#post-{n}"),
        f"Update {n}: the rescue teams reached village number {n} in the valley after the "
        "landslide blocked the road.",
    )


async def test_the_posts_of_a_live_page_are_each_stored_with_their_own_text(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Entries linked to anchors of one page (`live.html#post-3`) are each a post, with its
    own title, time and summary: each is stored with its own text, the page not fetched for
    it. Nothing is lost and nothing is wrong, so nothing is said at WARNING (a live feed
    would mail cron at each post). The first post, alone at its poll, is one too: its page,
    read, holds the element its anchor names (it was stored with the whole page's text, the
    later posts' words too once the page held them). Each post's source link is its anchor,
    though its article has no address (the page's is every post's)."""
    feed_server.routes["/live.html"] = Route(body=LIVE)
    url = serve_feed(feed_server, [live_post(feed_server, 1)])
    await FeedRegistry(db).add(url)
    poller = FeedPoller(db, fetcher)
    await poller.poll_due()
    serve_feed(feed_server, [live_post(feed_server, n) for n in (1, 2, 3)])

    report = await poll_all(poller)

    stored = await articles(db)
    posts = [live_post(feed_server, n) for n in (1, 2, 3)]
    assert [(a["title"], a["extra"]["text_from"]) for a in stored] == [
        ("Live update 1", "feed"),
        ("Live update 2", "feed"),
        ("Live update 3", "feed"),
    ]
    assert [(a["text"], a["url"], a["extra"]["post_url"]) for a in stored] == [
        (summary, None, link) for _, link, summary in posts
    ]
    assert len(feed_server.hits("/live.html")) == 1  # for the first post only
    assert (report.outcomes[0].added, report.problems()) == (2, [])
    store = CorpusStore(db)
    shown = [await store.article_text(n) for n in (1, 2, 3)]
    assert [s[0].url if s else None for s in shown] == [link for _, link, _ in posts]


@pytest.mark.parametrize(
    "anchor", ["#xtor=RSS-3", "#comments", "#post-9"], ids=["tracking", "a page's part", "none"]
)
async def test_an_anchor_naming_no_post_of_its_page_leaves_the_page_the_entrys(
    anchor: str, feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """An entry alone linked to an anchor that names no element of its page (a tracking
    fragment; one of no element there), or one of a part of any page (`#comments`), is
    the page's story, stored with the page's text under its address."""
    feed_server.routes["/live.html"] = Route(body=LIVE.replace(b"post-1", b"comments"))
    title, link, summary = live_post(feed_server, 1)
    url = serve_feed(feed_server, [(title, feed_server.url(f"/live.html{anchor}"), summary)])
    await FeedRegistry(db).add(url)

    await FeedPoller(db, fetcher).poll_due()

    (article,) = await articles(db)
    assert (article["url"], article["extra"]["text_from"]) == (
        feed_server.url("/live.html"),
        "page",
    )
    assert "Roads into the valley were closed" in article["text"]
    assert "post_url" not in article["extra"]


TRAM = "Council approves new tram line for Loopville"


def story_page(anchor_id: str) -> bytes:
    """An ordinary story whose page has an element of id `anchor_id`: one wrapping its body
    (`article-body`), or an empty skip link's target (`content-start`)."""
    body = "".join(
        f"<p>The new tram line in Loopville will have {n + 3} stops, the transport committee "
        f"said in paragraph {n}.</p>"
        for n in range(10)
    )
    if anchor_id == "content-start":
        text = f'<a id="content-start"></a><h1>{TRAM}</h1><div>{body}</div>'
    else:
        text = f'<h1>{TRAM}</h1><div id="{anchor_id}">{body}</div>'
    head = f"<html><head><title>{TRAM}</title></head>"
    return f"{head}<body><article>{text}</article></body></html>".encode()


@pytest.mark.parametrize(
    "anchor_id", ["article-body", "story-body", "articleBody", "main-article", "content-start"]
)
async def test_an_anchor_into_an_ordinary_story_leaves_the_page_the_entrys(
    anchor_id: str, feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A story's link to an element of its own page (its body, a skip link's target) names
    no post: the page is the entry's, stored with its text under its address, not the
    feed's summary without one."""
    feed_server.routes["/tram.html"] = Route(body=story_page(anchor_id))
    link = feed_server.url(f"/tram.html#{anchor_id}")
    url = serve_feed(feed_server, [(TRAM, link, "The council approved a tram line.")])
    await FeedRegistry(db).add(url)

    await FeedPoller(db, fetcher).poll_due()

    (article,) = await articles(db)
    assert (article["url"], article["extra"]["text_from"]) == (
        feed_server.url("/tram.html"),
        "page",
    )
    assert "paragraph 9" in article["text"]
    assert "post_url" not in article["extra"]


BLOCKS = ["5f8a3c2e1d", "5f8a3b7c02", "5f8a39d4aa"]  # a live blog's posts, newest first
LIVE_BLOG = (
    "<html><head><title>Storm live: latest updates</title></head><body><header id='top'>"
    "<a href='#maincontent'>Skip</a></header><main id='maincontent'><article>"
    "<h1>Storm live: latest updates</h1><p>Follow the storm as it crosses the coast.</p>"
    + "".join(
        f"<div class='block' id='block-{block}'><time>0{9 - n}:00</time><h2>Update from "
        f"the coast, {block}</h2><p>Ferry number {n} was cancelled at the harbour as winds "
        f"reached {100 + n} km/h, the coastguard said.</p></div>"
        for n, block in enumerate(BLOCKS)
    )
    + "</article></main></body></html>"
).encode()


async def test_a_lone_entry_linked_to_a_post_of_a_live_blog_is_that_post(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """An entry alone at its poll, linked to a post of a live blog (`#block-5f8a39d4aa`, an
    element holding a small part of the page's text), is that post: stored with its own
    text, not the whole page's, without an address of its own."""
    feed_server.routes["/storm-live"] = Route(body=LIVE_BLOG)
    link = feed_server.url(f"/storm-live#block-{BLOCKS[2]}")
    summary = "Ferry number 2 was cancelled at the harbour as winds reached 102 km/h."
    url = serve_feed(feed_server, [("Ferry cancelled", link, summary)])
    await FeedRegistry(db).add(url)

    await FeedPoller(db, fetcher).poll_due()

    (article,) = await articles(db)
    assert (article["text"], article["url"], article["extra"]["post_url"]) == (
        summary,
        None,
        link,
    )
    assert article["extra"]["text_from"] == "feed"


async def test_a_live_page_holding_the_one_post_alone_is_that_posts_text(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """A lone entry's post is the most of its page's text (the live page holds it alone):
    no part of a larger page, so the page is the entry's, its text the post's."""
    intro = b"<p>Roads into the valley were closed after heavy rain; follow the rescue here.</p>"
    one_post = LIVE.replace(intro, b"").split(b"<div class='post' id=\"post-2\"")[0]
    feed_server.routes["/live.html"] = Route(body=one_post + b"</article></body></html>")
    title, link, summary = live_post(feed_server, 1)
    url = serve_feed(feed_server, [(title, link, summary)])
    await FeedRegistry(db).add(url)

    await FeedPoller(db, fetcher).poll_due()

    (article,) = await articles(db)
    assert (article["url"], article["extra"]["text_from"]) == (
        feed_server.url("/live.html"),
        "page",
    )


async def test_one_link_given_by_two_entries_is_one_story_not_a_shared_page(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection
) -> None:
    """Two entries (two guids) with one link are one story told twice: its page is theirs."""
    link = feed_server.url("/pages/bridge.html?utm_source=rss")
    items = [
        ("Swing bridge shut for a week of repairs", link, "The bridge closes."),
        ("Swing bridge shut for a week", feed_server.url("/pages/bridge.html"), "Shut."),
    ]
    body = rss(items).replace(b"<guid>", b"<guid>x-", 1)
    feed_server.routes["/feeds/town.rss"] = Route(body=body, content_type="application/rss+xml")
    await FeedRegistry(db).add(feed_server.url("/feeds/town.rss"))

    report = await FeedPoller(db, fetcher).poll_due()

    (article,) = await articles(db)
    assert article["extra"]["text_from"] == "page"
    assert (report.problems(), report.outcomes[0].duplicates) == ([], 1)


def test_a_pages_words_are_counted_in_scripts_written_without_spaces() -> None:
    """Thai runs a clause into one word for the tokenizer: a word of the title is found
    within the page's words, marks folded as the tokenizer folds them."""
    title = "ห้องสมุดเมือง “เปิดอีกครั้ง” หลังซ่อมสองปี"
    page = "ห้องสมุดเก่าของเมืองเปิดอีกครั้งในวันนี้หลังการซ่อมแซมนานสองปี"
    assert words_found(title, "", page) == (1, 3)
    assert words_found("Mayor resigns", "", CONSENT.decode()) == (0, 2)


@pytest.mark.slow
def test_no_real_article_page_is_refused_for_its_own_title_and_description() -> None:
    """The 181 real pages of html-articles, each with its title and description standing
    for a feed entry's title and summary: every one is its entry's page."""
    from benchmarks.extraction import load_pages
    from retrieval.corpus.pages import extract_article

    refused = []
    for key, html, _ in load_pages(corpus_file("html-articles")):
        page = extract_article(html)
        assert page is not None
        description = str(page.extra.get("description") or "")
        if unrelated(*words_found(page.title, description, page.text)):
            refused.append((key, page.title))
    assert refused == []
