"""The feed admin commands and the polling job, through a real python-telegram-bot
Application whose Bot API requests are answered and recorded in-process (no network)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from typing import Any

import aiosqlite
import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackContext, CommandHandler
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from bot.feed_commands import (
    add_feed,
    feeds,
    parse_add_args,
    poll_feeds_job,
    remove_feed,
    render_feed_list,
    render_paused,
    schedule_feed_polling,
)
from bot.markup import MAX_MESSAGE_LENGTH, visible_length
from retrieval.engine import Engine
from retrieval.feeds.registry import Feed, FeedRegistry
from tests.conftest import run_sql
from tests.feed_server import FeedServer, Route

ADMIN, STRANGER, GROUP = 4242, 777, -100123
TOKEN = "123456789:" + "A" * 35


class RecordingRequest(BaseRequest):
    """Answers the Bot API methods the commands use, and remembers what was sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if endpoint == "getMe":
            result: Any = {
                "id": 1,
                "is_bot": True,
                "first_name": "newsbot",
                "username": "newsbot_test_bot",
            }
        elif endpoint == "sendMessage":
            self.sent.append(dict(params))
            result = {
                "message_id": len(self.sent),
                "date": 0,
                "text": params["text"],
                "chat": {"id": params["chat_id"], "type": "private"},
            }
        else:
            raise AssertionError(f"unexpected Bot API call {endpoint}")
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [m["text"] for m in self.sent if chat_id is None or m["chat_id"] == chat_id]


class TelegramHTML(HTMLParser):
    """Checks text against Telegram's HTML rules: known tags only, all closed."""

    ALLOWED = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in self.ALLOWED, f"<{tag}> is not allowed in Telegram HTML"
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing"


def assert_telegram_html(text: str) -> None:
    parser = TelegramHTML()
    parser.feed(text)
    parser.close()
    assert parser.open == [] and visible_length(text) <= MAX_MESSAGE_LENGTH


@pytest.fixture
async def app(engine: Engine) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    request = RecordingRequest()
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(request)
        .get_updates_request(RecordingRequest())
        .build()
    )
    application.bot_data["engine"] = engine
    application.bot_data["settings"] = Settings(
        db_path=engine.db_path, admins=frozenset({ADMIN}), allow_private_urls=True
    )
    for name, handler in (("feeds", feeds), ("addfeed", add_feed), ("removefeed", remove_feed)):
        application.add_handler(CommandHandler(name, handler))
    await application.initialize()
    try:
        yield application
    finally:
        await application.shutdown()


def sent(app: Application) -> RecordingRequest:  # type: ignore[type-arg]
    request = app.bot.request
    assert isinstance(request, RecordingRequest)
    return request


_update_id = 0


async def say(
    app: Application,
    text: str,
    user: int = ADMIN,  # type: ignore[type-arg]
    chat: int | None = None,
) -> None:
    """Deliver a message to the application as Telegram would."""
    global _update_id
    _update_id += 1
    chat_id = user if chat is None else chat
    command = text.split()[0]
    update = Update.de_json(
        {
            "update_id": _update_id,
            "message": {
                "message_id": _update_id,
                "date": 0,
                "text": text,
                "from": {"id": user, "is_bot": False, "first_name": "Ann"},
                "chat": {"id": chat_id, "type": "private" if chat is None else "supergroup"},
                "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
            },
        },
        app.bot,
    )
    await app.process_update(update)


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


def test_feed_lists_and_pause_notices_are_escaped_telegram_html() -> None:
    (listing,) = render_feed_list([a_feed()])
    assert_telegram_html(listing)
    assert "Tom &amp; Jerry &lt;News&gt;" in listing and "HTTP 500 &lt;oops&gt;" in listing
    assert "<code>https://news.test/feed?a=1&amp;b=&lt;2&gt;</code>" in listing
    assert "paused · every 15m · 12 articles · last fetch 1970-01-01 00:00 UTC" in listing
    notice = render_paused(a_feed())
    assert_telegram_html(notice)
    assert "after 6 failed polls in a row" in notice
    assert "<code>/addfeed https://news.test/feed?a=1&amp;b=&lt;2&gt;</code>" in notice


def test_a_long_feed_list_is_split_into_messages_within_the_limit() -> None:
    many = [a_feed(id=i, name=f"Feed number {i} " + "x" * 150) for i in range(1, 80)]
    messages = render_feed_list(many)
    assert len(messages) > 1
    for message in messages:
        assert_telegram_html(message)
    assert sum(m.count("Feed number") for m in messages) == 79


def test_a_feed_too_long_for_one_message_is_split_between_tags() -> None:
    huge = a_feed(last_error="<b>bold</b> & " * 600)  # escaped, past 4096 characters
    messages = render_feed_list([a_feed(id=1), huge])
    assert len(messages) >= 2
    for message in messages:
        assert_telegram_html(message)
    assert "".join(messages).count("&lt;b&gt;bold&lt;/b&gt;") == 600


def test_addfeed_arguments() -> None:
    assert parse_add_args([]) is None
    assert parse_add_args(["https://x.test/f"]) == ("https://x.test/f", None)
    assert parse_add_args(["https://x.test/f", "Example", "News"]) == (
        "https://x.test/f",
        "Example News",
    )


async def test_an_admin_adds_lists_and_removes_feeds_in_private(
    app: Application,
    engine: Engine,
    feed_server: FeedServer,  # type: ignore[type-arg]
) -> None:
    url = feed_server.serve("/feeds/gazette.rss", "gazette.rss")
    await say(app, f"/addfeed {url} Port <Ellery> Post")
    await say(app, "/feeds")
    await say(app, "/removefeed 1")
    await say(app, "/feeds")
    added, listing, removed, empty = sent(app).texts(ADMIN)
    for text in (added, listing, removed, empty):
        assert_telegram_html(text)
    assert added.startswith("Added feed <b>1</b> (Port &lt;Ellery&gt; Post), polled every 15m.")
    assert "<b>1</b> · Port &lt;Ellery&gt; Post" in listing and "new · every 15m" in listing
    assert removed.startswith("Removed feed <b>1</b>")
    assert empty.startswith("No feeds yet.")
    assert await engine.feeds() == []


async def test_commands_are_refused_to_others_and_outside_private_chats(
    app: Application,
    engine: Engine,  # type: ignore[type-arg]
) -> None:
    await say(app, "/addfeed https://news.test/a.rss", user=STRANGER)
    await say(app, "/addfeed https://news.test/a.rss", user=ADMIN, chat=GROUP)
    await say(app, "/feeds", user=STRANGER)
    assert sent(app).texts() == [
        "Only the bot's admins can manage feeds.",
        "Manage feeds in a private chat with me.",
        "Only the bot's admins can manage feeds.",
    ]
    assert await engine.feeds() == []


async def test_bad_arguments_get_usage_and_the_reason(
    app: Application,  # type: ignore[type-arg]
) -> None:
    await say(app, "/addfeed")
    await say(app, "/addfeed ftp://news.test/<feed>")
    await say(app, "/removefeed")
    await say(app, "/removefeed 9")
    usage, bad_url, remove_usage, unknown = sent(app).texts(ADMIN)
    for text in (usage, bad_url, remove_usage, unknown):
        assert_telegram_html(text)
    assert usage.startswith("Usage: <code>/addfeed URL [name]</code>")
    assert "ftp://news.test/&lt;feed&gt;" in bad_url and "only http and https" in bad_url
    assert remove_usage.startswith("Usage: <code>/removefeed ID</code>")
    assert unknown.startswith("no feed '9'")


async def test_the_polling_job_is_registered(
    app: Application,  # type: ignore[type-arg]
) -> None:
    job = schedule_feed_polling(app, every=60)
    assert job.name == "feed polling"
    assert app.job_queue is not None and app.job_queue.jobs() == (job,)


async def test_the_job_polls_due_feeds_searchably_and_reports_pauses_to_admins(
    app: Application,
    engine: Engine,
    db: aiosqlite.Connection,
    feed_server: FeedServer,  # type: ignore[type-arg]
) -> None:
    registry = FeedRegistry(db)
    await registry.add(feed_server.serve("/feeds/gazette.rss", "gazette.rss"))
    feed_server.routes["/feeds/broken.rss"] = Route(status=500)
    broken, _ = await registry.add(feed_server.url("/feeds/broken.rss"), name="Broken <b>")
    for _ in range(5):  # one failure short of a pause
        broken = await registry.record_failure(broken, "HTTP 500 Internal Server Error")
    run_sql(engine.db_path, "UPDATE feeds SET next_poll_ts = 0")

    await poll_feeds_job(CallbackContext(app))

    result = await engine.ask("night ferry propeller shaft")
    assert result.passages and result.passages[0].article.title.startswith("Night ferry")
    (notice,) = sent(app).texts(ADMIN)
    assert_telegram_html(notice)
    assert notice.startswith(f"Feed <b>{broken.id}</b> (Broken &lt;b&gt;) is paused after 6 ")
    # Nothing is due any more: a second run fetches nothing and says nothing.
    await poll_feeds_job(CallbackContext(app))
    assert len(feed_server.hits("/feeds/gazette.rss")) == 1
    assert len(sent(app).sent) == 1
