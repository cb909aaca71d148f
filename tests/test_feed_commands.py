"""The feed admin commands and the polling job, through the real application built by
build_application, against the fake Bot API (which checks every message's HTML and length)."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram.ext import CallbackContext

from bot.access import NOT_AN_ADMIN
from bot.app import build_application
from bot.config import Settings
from bot.feed_commands import (
    AddArgs,
    parse_add_args,
    poll_feeds_job,
    render_feed_list,
    render_paused,
)
from retrieval.corpus.db import connect
from retrieval.feeds.feed import Feed
from retrieval.feeds.private_addresses import PrivateAllowed
from retrieval.feeds.registry import IDS_NAMED, FeedRegistry
from tests.conftest import run_sql
from tests.fake_telegram import TEST_TOKEN, FakeTelegramServer
from tests.feed_server import FeedServer, Route
from tests.telegram_html import check_message_text
from tests.test_bot import Harness, running, until

ADMIN, STRANGER, GROUP = 4242, 777, -100123
ADMIN2 = 4343  # a second admin: told of a pause too


def telegram_html(text: str) -> str:
    """The text Telegram shows for `text`, after checking it as sendMessage would."""
    return check_message_text(text, "HTML").text


@pytest_asyncio.fixture
async def bot(fake_telegram: FakeTelegramServer, db_path: Path) -> AsyncIterator[Harness]:
    settings = Settings(
        db_path=db_path,
        token=TEST_TOKEN,
        api_base_url=fake_telegram.base_url,
        admins=frozenset({ADMIN, ADMIN2}),
        allow_private_urls=True,  # the feed server is on loopback
    )
    app = build_application(settings)
    async with running(app):
        yield Harness(app, fake_telegram, db_path)


async def command(bot: Harness, text: str, user: int = ADMIN, chat: int | None = None) -> str:
    """Send a command as `user` (in their private chat, or in `chat`); the reply's text."""
    if chat is None:
        [reply] = await bot.ask(user, text, user_id=user)
    else:
        [reply] = await bot.ask(chat, text, user_id=user, chat_type="supergroup")
    return str(reply["text"])


def a_feed(**fields: Any) -> Feed:
    base: dict[str, Any] = dict(
        id=3,
        url="https://news.test/feed?a=1&b=<2>",
        name="Tom & Jerry <News>",
        title=None,
        interval=900.0,
        added_ts=0.0,
        etag=None,
        last_modified=None,
        last_fetch_ts=0.0,
        last_ok_ts=None,
        last_error="HTTP 500 <oops> & more",
        failures=6,
        next_poll_ts=0.0,
        paused_ts=1.0,
        articles=12,
    )
    return Feed(**{**base, **fields})


# ----- presentation ----------------------------------------------------------------------


def test_feed_lists_and_pause_notices_are_escaped_telegram_html() -> None:
    (listing,) = render_feed_list([a_feed()])
    shown = telegram_html(listing)
    assert "3 · Tom & Jerry <News>" in shown and "last error: HTTP 500 <oops> & more" in shown
    assert "https://news.test/feed?a=1&b=<2>" in shown
    assert "paused · every 15m · 12 articles · last fetch 1970-01-01 00:00 UTC" in shown
    notice = telegram_html(render_paused(a_feed()))
    assert "after 6 failed polls in a row" in notice
    assert "To resume it: /addfeed https://news.test/feed?a=1&b=<2>" in notice


def test_a_feeds_credentials_never_reach_a_chat() -> None:
    private = a_feed(name=None, url="https://bob:s3cret@news.test/feed?api_key=K3Y9&x=1")
    (listing,) = render_feed_list([private])
    notice = render_paused(private)
    for shown in (telegram_html(listing), telegram_html(notice)):
        assert "s3cret" not in shown and "K3Y9" not in shown
        assert "https://bob:***@news.test/feed?api_key=***&x=1" in shown
    assert "(its credentials, or new ones, in place of ***)" in telegram_html(notice)


def test_a_long_feed_list_is_split_into_messages_within_the_limit() -> None:
    many = [a_feed(id=i, name=f"Feed number {i} " + "x" * 150) for i in range(1, 80)]
    messages = render_feed_list(many)
    assert len(messages) > 1
    shown = [telegram_html(message) for message in messages]
    assert sum(text.count("Feed number") for text in shown) == 79


def test_a_feed_too_long_for_one_message_is_split_between_tags() -> None:
    huge = a_feed(last_error="<b>bold</b> & " * 600)  # escaped, past 4096 characters
    messages = render_feed_list([a_feed(id=1), huge])
    assert len(messages) >= 2
    shown = "".join(telegram_html(message) for message in messages)
    assert shown.count("<b>bold</b>") == 600


def test_a_feed_titled_by_a_megabyte_is_one_line() -> None:
    hostile = a_feed(name=None, title="Breaking " * 120_000)  # the feed names itself
    (listing,) = render_feed_list([hostile])
    assert telegram_html(listing).splitlines()[2] == "3 · " + "Breaking " * 21 + "Breaking…"
    assert len(telegram_html(render_paused(hostile))) < 500


def test_addfeed_arguments() -> None:
    assert parse_add_args([]) is None
    assert parse_add_args(["https://x.test/f"]) == AddArgs("https://x.test/f", None)
    assert parse_add_args(["https://x.test/f", "Example", "News"]) == AddArgs(
        "https://x.test/f", "Example News"
    )
    # a phone types "--" as a dash
    for flag in ("--no-check", "—no-check", "--NO-CHECK"):
        assert parse_add_args([flag, "https://x.test/f", "Example"]) == AddArgs(
            "https://x.test/f", "Example", check=False
        )
    assert parse_add_args(["--no-check"]) is None


# ----- the commands, in the running bot -------------------------------------------------


async def test_an_admin_adds_lists_and_removes_feeds_in_private(
    bot: Harness, feed_server: FeedServer
) -> None:
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    added = await command(bot, f"/addfeed {url} Port <Ellery> Post")
    assert added.startswith("Added feed 1 (Port <Ellery> Post), polled every 15m.")
    # /addfeed polls the new feed at once.
    await until(
        lambda: run_sql(bot.db_path, "SELECT last_ok_ts FROM feeds") != [(None,)],
        "the first poll of the feed",
    )
    listing = await command(bot, "/feeds")
    assert "1 · Port <Ellery> Post" in listing and "ok · every 15m · 4 articles" in listing
    removed = await command(bot, "/removefeed 1")
    assert removed == "Removed feed 1 (Port <Ellery> Post). Its 4 articles stay searchable."
    assert (await command(bot, "/feeds")).startswith("No feeds yet.")
    assert await bot.app.bot_data.engine.feeds() == []


async def test_the_feed_list_writes_out_what_would_reorder_an_admins_message(
    bot: Harness, feed_server: FeedServer
) -> None:
    """A feed's title (one stored before titles were cleaned, or a name given to it) and
    its server's reason phrase are theirs to write. HTML-escaped, with its overrides spaced
    (`markup.escape`), a U+2028 in them still broke the admin's line (a line of its own,
    such as "ok · every 15m", could follow) and a U+200F still moved what was beside it.
    Written out as `newsbot feeds list` writes them, the override too."""
    feed_server.routes["/feeds/q.rss"] = Route(status=500)
    await bot.app.bot_data.engine.add_feed(feed_server.url("/feeds/q.rss"))
    run_sql(
        bot.db_path,
        "UPDATE feeds SET title = ?, last_error = ?, next_poll_ts = 9e9",  # not polled
        "The \u202eQuays\u2028<Post>",
        "HTTP 500 Bad\u2067 Gateway\u200f",
    )
    listing = await command(bot, "/feeds")
    assert "1 · The \\u202eQuays\\u2028<Post>" in listing
    assert "last error: HTTP 500 Bad\\u2067 Gateway\\u200f" in listing
    assert not set(listing) & set("\u202e\u2028\u2067\u200f")
    removed = await command(bot, "/removefeed 1")
    assert removed.startswith("Removed feed 1 (The \\u202eQuays\\u2028<Post>).")


async def test_the_feed_list_gives_times_in_the_admins_zone(
    bot: Harness, feed_server: FeedServer
) -> None:
    """An admin whose digest is in Auckland (the bot in UTC) read a feed's last fetch there."""
    await bot.app.bot_data.engine.add_feed(feed_server.url("/feeds/q.rss"))
    fetched = 1717273800.0  # 2024-06-01 20:30 UTC, 2 June 08:30 in Auckland
    run_sql(bot.db_path, "UPDATE feeds SET last_fetch_ts = ?, next_poll_ts = 9e9", fetched)
    assert (await command(bot, "/subscribe 07:30 Pacific/Auckland")).startswith("Subscribed")
    assert "last fetch 2024-06-02 08:30 NZST" in await command(bot, "/feeds")
    assert "last fetch 2024-06-01 20:30 UTC" in await command(bot, "/feeds", ADMIN2)


async def test_a_feed_is_removed_by_the_address_it_moved_from(
    bot: Harness, feed_server: FeedServer
) -> None:
    """/removefeed given the address a feed moved from for good (recorded by its poll)
    removes it, naming where it was polled."""
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    old = feed_server.url("/old.rss")
    assert (await command(bot, f"/addfeed {url} Post")).startswith("Added feed 1 (Post)")
    await until(
        lambda: run_sql(bot.db_path, "SELECT last_ok_ts FROM feeds") != [(None,)],
        "the first poll of the feed",
    )
    run_sql(bot.db_path, "INSERT INTO feed_moves (url, feed_id, moved_ts) VALUES (?, 1, 0)", old)
    removed = await command(bot, f"/removefeed {old}")
    assert removed.startswith(
        f"Removed feed 1 (Post), polled at {url} since it moved there for good from {old}. Its "
    )
    assert await bot.app.bot_data.engine.feeds() == []


async def test_adding_a_feed_again_says_resumed_only_when_it_was_paused(
    bot: Harness, feed_server: FeedServer
) -> None:
    """An active feed added again was "Resumed", as if it had been stopped."""
    served = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    url = f"{served}?token=OLDTOKEN"
    feed_server.serve_pages()

    async def add(text: str) -> str:
        """/addfeed, and the poll it starts, over before the next step."""
        run_sql(bot.db_path, "UPDATE feeds SET last_fetch_ts = NULL")
        reply = await command(bot, text)
        await until(
            lambda: (
                run_sql(bot.db_path, "SELECT last_fetch_ts FROM feeds") != [(None,)]
                and not bot.app.bot_data.feed_poll_lock.locked()
            ),
            "the poll /addfeed starts",
        )
        return reply

    assert (await add(f"/addfeed {url} Post")).startswith("Added feed 1 (Post)")
    assert (await add(f"/addfeed {url}")).startswith(  # nothing to change: fetched now
        "Feed 1 (Post) is already added, polled every 15m. Fetching it now;"
    )
    assert (await add(f"/addfeed {url} Gazette")).startswith("Updated feed 1 (Gazette)")
    assert (await add(f"/addfeed {url} Post")).startswith("Updated feed 1 (Post)")
    run_sql(bot.db_path, "UPDATE feeds SET paused_ts = 1, failures = 5")
    assert (await add(f"/addfeed {url}")).startswith("Resumed feed 1 (Post)")
    # at its address with a rotated token: the same feed, its token put in (it was a
    # second feed, shown alike in /feeds)
    assert (await add(f"/addfeed {served}?token=NEWTOKEN1")).startswith(
        "Updated feed 1 (Post) with its new credentials, polled every 15m."
    )
    run_sql(bot.db_path, "UPDATE feeds SET paused_ts = 1, failures = 5")
    replied = await add(f"/addfeed {served}?token=NEWTOKEN2")
    assert replied.startswith("Resumed feed 1 (Post) with its new credentials")
    assert "NEWTOKEN" not in replied
    assert run_sql(bot.db_path, "SELECT id, url FROM feeds") == [(1, f"{served}?token=NEWTOKEN2")]
    # its token dropped (the site no longer asks for one): the same feed, not a second one
    assert (await add(f"/addfeed {served}")).startswith(
        "Updated feed 1 (Post) without credentials, polled every 15m."
    )
    assert run_sql(bot.db_path, "SELECT id, url FROM feeds") == [(1, served)]


async def test_addfeed_refuses_what_is_no_feed_unless_told_not_to_look(
    bot: Harness, feed_server: FeedServer
) -> None:
    """/addfeed took a 404 or a web page as it came; the feed failed at its first poll,
    and at every one after till it was paused."""
    feed = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed_server.routes["/news/"] = Route(
        body=b'<html><head><title>News</title><link rel="alternate" type="application/rss+xml"'
        b' href="/feeds/gazette.rss"></head><body><p>Today</p></body></html>'
    )
    gone = feed_server.url("/feeds/gone.rss")
    refused = await command(bot, f"/addfeed {gone} Gone")
    assert refused == (
        f"Cannot add '{gone}': HTTP 404 Not Found.\nA feed that is down for now is added all "
        f"the same with /addfeed --no-check {gone}."
    )
    page = feed_server.url("/news/")
    assert await command(bot, f"/addfeed {page}") == (
        f"Cannot add '{page}': it is a web page, not an RSS or Atom feed; it names its "
        f"feed: {feed}\nTo add its feed: /addfeed {feed}"
    )
    assert await bot.app.bot_data.engine.feeds() == []
    added = await command(bot, f"/addfeed —no-check {gone} Gone")  # a phone's "--"
    assert added.startswith("Added feed 1 (Gone), polled every 15m.")
    await until(
        lambda: (
            run_sql(bot.db_path, "SELECT last_fetch_ts FROM feeds") != [(None,)]
            and not bot.app.bot_data.feed_poll_lock.locked()
        ),
        "the poll /addfeed starts",
    )
    # named by the title its look read, not by its address till the poll that follows
    assert (await command(bot, f"/addfeed {feed}")).startswith(
        "Added feed 2 (The Port Ellery Post), polled every 15m."
    )


async def test_commands_are_refused_to_others_and_outside_private_chats(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Refused to others as /removearticle is, in its words and logged: they said "Only the
    bot's admins can manage feeds." and logged nothing."""
    with caplog.at_level(logging.INFO, logger="bot.access"):
        for text in ("/addfeed https://news.test/a.rss", "/feeds", "/removefeed 1"):
            assert await command(bot, text, user=STRANGER) == NOT_AN_ADMIN
    refused = [r.getMessage() for r in caplog.records if r.name == "bot.access"]
    assert refused == [
        f"{name} refused to user {STRANGER} in chat {STRANGER}: not in NEWSBOT_ADMINS"
        for name in ("/addfeed", "/feeds", "/removefeed")
    ]
    assert await command(bot, "/addfeed https://news.test/a.rss", chat=GROUP) == (
        "Manage feeds in a private chat with me."
    )
    assert await bot.app.bot_data.engine.feeds() == []


async def test_refusals_count_against_the_senders_limit_and_admins_have_none(
    fake_telegram: FakeTelegramServer, db_path: Path
) -> None:
    """A member repeating /feeds in a group had the bot refuse each time, without limit."""
    settings = Settings(
        db_path=db_path,
        token=TEST_TOKEN,
        api_base_url=fake_telegram.base_url,
        admins=frozenset({ADMIN}),
        questions_per_minute=2,
    )
    app = build_application(settings)
    async with running(app):
        bot = Harness(app, fake_telegram, db_path)
        for _ in range(6):
            fake_telegram.user_message(GROUP, "/feeds", chat_type="supergroup", user_id=STRANGER)
        await bot.settle()
        # updates are handled concurrently: the replies may come in any order
        refused = sorted(m["text"] for m in bot.replies(GROUP))
        assert len(refused) == 3, refused  # told once, then nothing until the minute has passed
        assert refused[:2] == [NOT_AN_ADMIN] * 2
        assert refused[2].startswith("You have sent me 2 questions and commands in the last")
        for _ in range(4):  # an admin's feed commands count against no limit
            assert (await command(bot, "/feeds")).startswith("No feeds yet.")


async def test_addfeed_refuses_a_private_address_unless_the_settings_allow_it(
    fake_telegram: FakeTelegramServer, db_path: Path
) -> None:
    settings = Settings(
        db_path=db_path,
        token=TEST_TOKEN,
        api_base_url=fake_telegram.base_url,
        admins=frozenset({ADMIN}),
    )
    app = build_application(settings)
    async with running(app):
        refused = await command(
            Harness(app, fake_telegram, db_path), "/addfeed http://127.0.0.1:8080/feed.rss"
        )
    assert "127.0.0.1 is a private or local address" in refused
    assert (
        "unless NEWSBOT_ALLOW_PRIVATE_URLS lists it (NEWSBOT_ALLOW_PRIVATE_URLS=127.0.0.1)"
        in refused
    )
    assert run_sql(db_path, "SELECT count(*) FROM feeds") == [(0,)]


async def test_addfeed_refused_for_a_private_address_is_told_the_setting_not_no_check(
    fake_telegram: FakeTelegramServer, db_path: Path, feed_server: FeedServer
) -> None:
    """A feed whose address leads to a private one the setting does not list (by a
    redirect, or a name that resolves to one) was told to try /addfeed --no-check, which
    adds a feed that every poll refuses."""
    settings = Settings(
        db_path=db_path,
        token=TEST_TOKEN,
        api_base_url=fake_telegram.base_url,
        admins=frozenset({ADMIN}),
        allow_private_urls=PrivateAllowed.parse("localhost"),
    )
    feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed_server.routes["/moved.rss"] = Route(
        status=302, headers={"Location": feed_server.url("/feeds/gazette.rss")}
    )
    url = feed_server.url("/moved.rss").replace("127.0.0.1", "localhost")
    app = build_application(settings)
    async with running(app):
        refused = await command(Harness(app, fake_telegram, db_path), f"/addfeed {url}")
    assert refused == (
        f"Cannot add '{url}': 127.0.0.1 is a private or local address: refused (add it to "
        "NEWSBOT_ALLOW_PRIVATE_URLS, e.g. NEWSBOT_ALLOW_PRIVATE_URLS=localhost,127.0.0.1, to "
        "fetch from your own network)."
    )
    assert run_sql(db_path, "SELECT count(*) FROM feeds") == [(0,)]


async def test_bad_arguments_get_usage_and_the_reason(bot: Harness) -> None:
    usage = await command(bot, "/addfeed")
    assert usage.startswith("Usage: /addfeed URL [name], e.g. /addfeed https://example.org/")
    bad_url = await command(bot, "/addfeed ftp://news.test/<feed>")
    assert "ftp://news.test/<feed>" in bad_url and "only http and https" in bad_url
    assert (await command(bot, "/removefeed")).startswith("Usage: /removefeed ID")
    assert (await command(bot, "/removefeed 9")).startswith("no feed '9'")
    assert (await command(bot, "/removefeed 1 2")).startswith("Usage: /removefeed ID")


async def test_the_polling_job_is_scheduled_at_start_up(bot: Harness) -> None:
    assert bot.app.job_queue is not None
    assert [job.name for job in bot.app.job_queue.jobs()].count("feed polling") == 1


async def test_the_job_polls_due_feeds_searchably_and_reports_pauses_to_admins(
    bot: Harness, feed_server: FeedServer
) -> None:
    engine = bot.app.bot_data.engine
    await engine.add_feed(feed_server.serve("/feeds/gazette.rss", "gazette.rss"))
    feed_server.routes["/feeds/broken.rss"] = Route(status=500)
    broken, _ = await engine.add_feed(feed_server.url("/feeds/broken.rss"), name="Broken <b>")
    conn = await connect(bot.db_path)
    try:
        for _ in range(5):  # one failure short of a pause, each as its back-off ends
            failed = await FeedRegistry(conn).record_failure(
                broken, "HTTP 500 Internal Error", now=max(time.time(), broken.next_poll_ts)
            )
            assert failed is not None  # not removed meanwhile
            broken = failed
    finally:
        await conn.close()
    run_sql(bot.db_path, "UPDATE feeds SET next_poll_ts = 0")
    bot.fake.add_chat(ADMIN)
    bot.fake.add_chat(ADMIN2)

    await poll_feeds_job(CallbackContext(bot.app))

    result = await engine.ask("night ferry propeller shaft")
    assert result.passages and result.passages[0].article.title.startswith("Night ferry")
    assert bot.app.bot_data.index_dirty  # the poll indexed new sentences: save at shutdown
    [notice] = bot.replies(ADMIN)
    assert notice["text"].startswith(f"Feed {broken.id} (Broken <b>) is paused after 6 ")
    assert [m["text"] for m in bot.replies(ADMIN2)] == [notice["text"]]  # every admin
    # Nothing is due any more: a second run fetches nothing and says nothing.
    await poll_feeds_job(CallbackContext(bot.app))
    assert len(feed_server.hits("/feeds/gazette.rss")) == 1
    assert len(bot.replies(ADMIN)) == 1


async def test_a_feed_at_another_sid_is_another_feed(
    bot: Harness, feed_server: FeedServer
) -> None:
    """/addfeed of a feed's address at another ?sid= (masked when shown, as a session id
    may be, but here the edition) said "Updated feed 1 with its new credentials", and the
    first feed was gone."""
    served = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed_server.serve_pages()
    told = []
    for feed_id, edition in enumerate(("politics", "sports"), 1):
        replied = await command(bot, f"/addfeed {served}?sid={edition}")
        assert replied.startswith(f"Added feed {feed_id} ("), replied
        told.append(replied)
        await until(
            lambda: (
                all(
                    row[0] is not None
                    for row in run_sql(bot.db_path, "SELECT last_fetch_ts FROM feeds")
                )
                and not bot.app.bot_data.feed_poll_lock.locked()
            ),
            "the poll /addfeed starts",
        )
    assert run_sql(bot.db_path, "SELECT id, url FROM feeds") == [
        (1, f"{served}?sid=politics"),
        (2, f"{served}?sid=sports"),
    ]
    # /feeds lists both at "?sid=***": the second is told which, and how to tell them apart
    assert "listed at the same address" not in told[0]
    assert told[1].endswith(
        "Feed 1 is listed at the same address (*** hides what differs): /removefeed 2 names "
        "this one."
    )


async def test_many_feeds_listed_alike_are_named_by_their_first_ids_and_a_count(
    bot: Harness, feed_server: FeedServer
) -> None:
    """A site's every section added by ?sid=: each /addfeed named the first IDS_NAMED
    feeds listed alike, and not that there were more."""
    served = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    feed_server.serve_pages()
    for n in range(1, IDS_NAMED + 3):
        await bot.app.bot_data.engine.add_feed(f"{served}?sid=s{n}")
    told = await command(bot, f"/addfeed {served}?sid=s{IDS_NAMED + 3}")
    first = ", ".join(str(n) for n in range(1, IDS_NAMED + 1))
    assert told.endswith(
        f"Feeds {first} and 2 more are listed at the same address (*** hides what differs): "
        f"/removefeed {IDS_NAMED + 3} names this one."
    )
    await until(
        lambda: (
            all(
                row[0] is not None
                for row in run_sql(bot.db_path, "SELECT last_fetch_ts FROM feeds")
            )
            and not bot.app.bot_data.feed_poll_lock.locked()
        ),
        "the poll /addfeed starts",
    )


async def test_a_slow_feed_fetch_holds_up_only_its_own_chat_and_in_order(
    bot: Harness, feed_server: FeedServer
) -> None:
    """/addfeed fetches the feed before it answers: while that fetch is slow, another chat
    is answered, and what the same chat sent after it is answered after it."""
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss", delay=3.0)
    bot.fake.user_message(ADMIN, f"/addfeed {url} Slow Post", user_id=ADMIN)
    await until(lambda: feed_server.requests, "the fetch /addfeed starts")
    bot.fake.user_message(ADMIN, "/feeds", user_id=ADMIN)  # waits for the /addfeed
    bot.fake.user_message(ADMIN2, "/feeds", user_id=ADMIN2)  # waits for nothing
    [other] = await until(lambda: bot.replies(ADMIN2), "the other chat's reply")
    assert other["text"].startswith("No feeds yet.") and not bot.replies(ADMIN)
    [added, listing] = await bot.reply(ADMIN, 2)
    assert added["text"].startswith("Added feed 1 (Slow Post)")
    assert "1 · Slow Post" in listing["text"]


async def test_addfeed_of_an_address_moved_for_good_adds_the_feed_polled_there_again(
    bot: Harness, feed_server: FeedServer
) -> None:
    """/addfeed of the address a feed moved from for good added a second feed of the same
    entries: it is the feed polled where it moved, added again."""
    moved = feed_server.serve("/feeds/moved.rss", "gazette.rss")
    old = feed_server.url("/feeds/old.rss")
    feed_server.routes["/feeds/old.rss"] = Route(status=301, headers={"Location": moved})
    await bot.app.bot_data.engine.add_feed(moved)  # polled there since
    replied = await command(bot, f"/addfeed {old}")
    await until(
        lambda: (
            run_sql(bot.db_path, "SELECT last_fetch_ts FROM feeds") != [(None,)]
            and not bot.app.bot_data.feed_poll_lock.locked()
        ),
        "the poll /addfeed starts",
    )
    assert replied.startswith("Feed 1 (") and "is already added" in replied, replied
    assert replied.splitlines()[-1] == (
        f"{old} has moved for good to {moved}, the address feed 1 polls."
    ), repr(replied)
    assert run_sql(bot.db_path, "SELECT id, url FROM feeds") == [(1, moved)]


async def test_a_command_is_kept_without_the_credentials_of_its_address(bot: Harness) -> None:
    """A command's text is kept to tell an edit that changes nothing (a reaction): an
    admin's /addfeed was kept with its address whole, password and token, for
    NEWSBOT_KEEP_DAYS and in every backup."""
    url = "https://feeduser:FeedPassw0rdX@feeds.example.invalid/rss?token=TokValueXYZ123"
    update = bot.fake.user_message(ADMIN, f"/addfeed --no-check {url}", user_id=ADMIN)
    [added] = await bot.reply(ADMIN)
    assert added["text"].startswith("Added feed 1")
    [(kept,)] = await bot.rows("SELECT question FROM question_replies")
    assert kept.startswith("/addfeed --no-check https://")
    assert "FeedPassw0rdX" not in kept and "TokValueXYZ123" not in kept
    # the same text again (Telegram's edit for a reaction) is still no edit to tell of
    bot.fake.edit_user_message(
        ADMIN, update["message"]["message_id"], f"/addfeed --no-check {url}"
    )
    await bot.settle()
    assert len(bot.replies(ADMIN)) == 1
