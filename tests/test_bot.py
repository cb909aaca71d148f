"""End to end: the real application, built by build_application, against the fake Bot API.

Every message the bot sends passes the fake's Telegram HTML and length checks, so a
formatting bug fails here as a 400 would fail in production.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager, closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_SUBMITTED, JobSubmissionEvent
from telegram import Bot, Chat, Message, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError
from telegram.ext import CommandHandler, ExtBot, Job

from bot import answers, heap, transport
from bot import app as bot_app
from bot.access import REFUSALS_PER_MINUTE, admin_only
from bot.addressing import Lean, lean
from bot.answers import MORE_BELOW, NOT_UNDER_AN_ANSWER, NOTHING_MORE
from bot.app import RATE_LIMIT_RETRIES, build_application
from bot.config import Settings
from bot.formatting import (
    DATABASE_UNWRITABLE,
    SOMETHING_WENT_WRONG,
    UNKNOWN_COMMAND,
    VOTE_NOT_SAVED,
)
from bot.help_commands import ADMIN_COMMANDS, COMMANDS, command_names
from bot.resume import answer_kept, keep_dropped
from bot.runtime import App, BotData, Context, OneAtATime, run_every
from bot.tokens import REDACTED
from bot.turns import ChatsInTurn
from retrieval import bookkeeping
from retrieval.conversations import ChatMessage
from retrieval.corpus.text import paragraphs
from retrieval.engine import Engine
from retrieval.errors import ConfigError, IndexWriteError
from retrieval.index.files import index_dir
from retrieval.models import ArticleDraft
from retrieval.search_result import BEST_SHOWN, ONLY_SHOWN
from retrieval.without_index import resplit_articles
from tests.conftest import SMALL_CORPUS, run_sql
from tests.fake_telegram import QUERY_TOO_OLD, TEST_TOKEN, TEST_USER_ID, FakeTelegramServer
from tests.test_resplit import split_as_before

BOT = "newsbot_test_bot"
USER = 1001  # a private chat: its id is the user's id
GROUP = -100500
T = TypeVar("T")

LIGHTHOUSES = tuple(
    ArticleDraft(
        title=f"Lighthouse keepers of {place}",
        text=f"The lighthouse on {place} was automated in {1950 + n}. "
        f"Its last keeper remembers the lighthouse lamp and the long winter nights on {place}.",
        source="Coastal Times",
        published=f"2024-0{1 + n % 9}-1{n % 9}",
        url=f"https://coastal.example/lighthouse/{n}",
    )
    for n, place in enumerate(
        ["Skerry", "Fastnet", "Eddystone", "Bell Rock", "Muckle Flugga", "Longships", "Hook"]
    )
)
LONG_ARTICLE = ArticleDraft(
    title="The history of the harbour crane",
    text="\n\n".join(
        f"Part {n}. The harbour crane lifted cargo & timber <heavy> for decades. " * 12
        for n in range(20)
    ),
    source="Port Gazette",
    published="2023-05-01",
    url="https://port.example/crane",
)
CORPUS = (*SMALL_CORPUS, *LIGHTHOUSES, LONG_ARTICLE)


WAIT = 15.0  # seconds: generous, so a slow machine is not a failure


async def until(predicate: Callable[[], T], what: str) -> T:
    """Wait for `predicate` to be truthy (polled, never slept blindly)."""
    deadline = time.monotonic() + WAIT
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {WAIT}s waiting for {what}")
        await asyncio.sleep(0.02)
    return value


class Harness:
    """A running bot, its fake Telegram and helpers to talk to it."""

    def __init__(self, app: App, fake: FakeTelegramServer, db_path: Path) -> None:
        self.app, self.fake, self.db_path = app, fake, db_path

    async def settle(self) -> None:
        """Wait until every update sent so far was fetched and fully handled."""
        await until(lambda: not self.fake.pending_updates(), "the bot to fetch all updates")
        await asyncio.wait_for(self.app.update_queue.join(), WAIT)

    def replies(self, chat_id: int) -> list[dict[str, Any]]:
        return self.fake.sent_messages(chat_id)

    async def reply(self, chat_id: int, count: int = 1) -> list[dict[str, Any]]:
        """Wait for the bot to have sent `count` messages to the chat, and to have finished
        handling what it was sent (a user sees a reply before the bot has noted which answer
        it belongs to, but never answers it in that millisecond); returns them all."""
        messages = await until(
            lambda: m if len(m := self.replies(chat_id)) >= count else [],
            f"{count} message(s) from the bot in chat {chat_id}",
        )
        await self.settle()
        return messages

    async def ask(
        self, chat_id: int, text: str, count: int = 1, **kwargs: Any
    ) -> list[dict[str, Any]]:
        """Send `text` and return the `count` new messages the bot sent in reply."""
        before = len(self.replies(chat_id))
        self.fake.user_message(chat_id, text, **kwargs)
        messages = await self.reply(chat_id, before + count)
        return messages[before:]

    async def press(
        self, chat_id: int, message: dict[str, Any], data: str, user_id: int | None = None
    ) -> str | None:
        """Press a button; returns the text of the bot's answerCallbackQuery."""
        answered = len(self.fake.calls("answerCallbackQuery"))
        update = self.fake.callback_query(chat_id, message["message_id"], data, user_id=user_id)
        calls = await self.fake.wait_for("answerCallbackQuery", answered + 1, timeout=WAIT)
        query_id = update["callback_query"]["id"]
        call = next(c for c in calls if c.params["callback_query_id"] == query_id)
        return call.params.get("text")

    async def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        return run_sql(self.db_path, sql, *params)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Button text -> callback data of a message's inline keyboard."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


def article_button(message: dict[str, Any]) -> str:
    """The callback data of a message's first 📄 button."""
    return next(data for text, data in buttons(message).items() if text.startswith("📄"))


def entity_types(message: dict[str, Any]) -> list[str]:
    return [e["type"] for e in message.get("entities", [])]


@asynccontextmanager
async def running(app: App) -> AsyncIterator[None]:
    """Run the application as run_polling does, inside the test's event loop."""
    await app.initialize()
    try:
        assert app.post_init is not None and app.updater is not None
        await app.post_init(app)

        def polling_failed(error: TelegramError) -> None:  # as run_polling has it reported
            app.create_task(app.process_error(None, error))

        await app.updater.start_polling(timeout=1, error_callback=polling_failed)
        await app.start()
        try:
            yield
        finally:
            await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


@pytest_asyncio.fixture
async def corpus_db(db_path: Path) -> Path:
    engine = await Engine.open(db_path)
    try:
        await engine.add_articles(CORPUS)
        await engine.refresh()
        await engine.save_index()
    finally:
        await engine.close()
    return db_path


@pytest.fixture
def settings(fake_telegram: FakeTelegramServer, corpus_db: Path) -> Settings:
    return Settings(db_path=corpus_db, token=TEST_TOKEN, api_base_url=fake_telegram.base_url)


BotFactory = Callable[..., Any]


@pytest_asyncio.fixture
async def start_bot(
    fake_telegram: FakeTelegramServer, settings: Settings
) -> AsyncIterator[BotFactory]:
    """`async with start_bot(**settings_changes) as bot:` runs a bot until the block ends."""

    @asynccontextmanager
    async def start(**changes: Any) -> AsyncIterator[Harness]:
        app = build_application(replace(settings, **changes))
        async with running(app):
            yield Harness(app, fake_telegram, settings.db_path)

    yield start


@pytest_asyncio.fixture
async def bot(start_bot: BotFactory) -> AsyncIterator[Harness]:
    async with start_bot() as harness:
        yield harness


@pytest_asyncio.fixture
async def bot_keeping_2024(start_bot: BotFactory) -> AsyncIterator[Harness]:
    """A bot that keeps a century of questions, for a test that asks as of 2024 and then
    goes on with the answer (a press, "more"): past NEWSBOT_KEEP_DAYS, the answer was forgotten
    by the bot's forgetting at start whenever that ran after the question (the press was told
    it is older than the bot keeps; once in 2,622 runs)."""
    async with start_bot(keep_days=100 * 365) as harness:
        yield harness


# ----- building --------------------------------------------------------------------------


def test_application_uses_the_configured_api_and_defaults(settings: Settings) -> None:
    app = build_application(settings)
    base = settings.api_base_url.removesuffix("/bot")
    assert app.bot.base_url == f"{base}/bot{TEST_TOKEN}"
    assert app.bot.base_file_url == f"{base}/file/bot{TEST_TOKEN}"
    assert app.bot.defaults is not None
    assert app.bot.defaults.parse_mode == "HTML"
    preview = app.bot.defaults.link_preview_options
    assert preview is not None and preview.is_disabled
    assert app.update_processor.max_concurrent_updates > 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"token": None}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"token": "123:short"}, "TELEGRAM_BOT_TOKEN is malformed"),
        ({"timezone": "Mars/Olympus"}, "NEWSBOT_TIMEZONE: unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_settings_are_config_errors(
    settings: Settings, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        build_application(replace(settings, **changes))


def all_closed(db_path: Path) -> bool:
    """Whether no connection to the database is open: SQLite removes its write-ahead log
    when the last one closes."""
    return not Path(f"{db_path}-wal").exists()


def test_what_the_handlers_share_is_not_there_before_start_up() -> None:
    shared = BotData()
    with pytest.raises(RuntimeError, match="BotData.engine is not open"):
        _ = shared.engine
    with pytest.raises(RuntimeError, match="BotData.subscriptions is not open"):
        _ = shared.subscriptions


async def test_start_up_opens_in_order_and_shutdown_closes_everything(
    fake_telegram: FakeTelegramServer, settings: Settings
) -> None:
    app = build_application(settings)
    async with running(app):
        shared = app.bot_data
        assert shared.engine.db_path == settings.db_path
        # the stored articles remembered: its first questions read none of their rows
        remembered = shared.engine._searcher.reader._remembered
        assert len(remembered) == len(run_sql(settings.db_path, "SELECT id FROM articles")) > 0
        assert await shared.subscriptions.active() == []
        jobs = [job.name for job in app.job_queue.jobs()] if app.job_queue else []
        assert {"refresh index", "feed polling", "digests"} <= set(jobs)
    assert shared.release() == (None, None, None)
    assert all_closed(settings.db_path)


async def test_a_failed_start_closes_what_it_had_opened(
    fake_telegram: FakeTelegramServer, settings: Settings
) -> None:
    fake_telegram.fail_next("setMyCommands", 400, "Bad Request: boom")  # after the opening
    app = build_application(settings)
    with pytest.raises(BadRequest, match="Boom"):
        async with running(app):
            pass
    assert app.bot_data.release() == (None, None, None)
    assert all_closed(settings.db_path)


# ----- asking ----------------------------------------------------------------------------


async def test_start_registers_the_command_menu(bot: Harness) -> None:
    [call] = bot.fake.calls("setMyCommands")
    assert [c["command"] for c in call.params["commands"]] == [c.name for c in COMMANDS]


async def test_private_question_gets_quoted_passages_with_sources(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "Where did the joint exercise begin?")
    assert "Aslanduz" in answer["text"]
    assert (
        "Azerbaijani and Iranian forces begin joint border exercises — bne IntelliNews"
        in (answer["text"])
    )
    kinds = entity_types(answer)
    assert "blockquote" in kinds and "bold" in kinds and "text_link" in kinds
    bold = [
        answer["text"][e["offset"] : e["offset"] + e["length"]]
        for e in answer["entities"]
        if e["type"] == "bold"
    ]
    assert {word.lower() for word in bold} >= {"joint", "exercise"}
    assert "👍" in buttons(answer) and "👎" in buttons(answer)
    assert "reply_to_message" not in answer  # no quoting in a private chat
    typing = bot.fake.calls("sendChatAction")
    assert typing and typing[0].params["action"] == "typing"
    assert typing[0].time <= bot.fake.calls("sendMessage")[0].time
    assert await bot.rows("SELECT chat_id, user_id, question, results FROM query_log") == [
        (USER, USER, "Where did the joint exercise begin?", 1),
    ]


async def test_a_question_is_answered_as_of_the_date_it_was_sent(bot: Harness) -> None:
    """Nothing published after the message's date is quoted: a message sent in 2000 (the
    seed article is of 2024) finds nothing; the same question sent now finds it."""
    asked_in_2000 = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
    [early] = await bot.ask(USER, "Where did the joint exercise begin?", date=asked_in_2000)
    assert early["text"].startswith("Nothing published by 2000-01-01 00:00 UTC matches that")
    [now] = await bot.ask(USER, "Where did the joint exercise begin?")
    assert "Aslanduz" in now["text"]
    # edited now, the message of 2000 asks as of its edit
    first = bot.fake.messages(USER)[0]  # the message of 2000
    await edit(bot, USER, first["message_id"], "Where did the joint exercise start?")
    assert "Aslanduz" in bot.replies(USER)[0]["text"]


async def test_nothing_published_by_the_date_sent_is_told_in_the_bots_zone(
    start_bot: BotFactory,
) -> None:
    asked_in_2000 = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp())
    async with start_bot(timezone="Asia/Tokyo") as bot:
        [early] = await bot.ask(USER, "Where did the joint exercise begin?", date=asked_in_2000)
    assert early["text"].startswith("Nothing published by 2000-01-01 09:00 JST matches that")


async def test_a_month_named_is_read_in_the_chat_s_zone(bot: Harness) -> None:
    """Sent at 04:00 UTC on 1 December 2024, 20:00 on 30 November in Los Angeles, a
    question about "December 2024" names a month begun in UTC, the bot's zone, but still
    to come in a chat whose digest is in Los Angeles: there it is answered as of the
    moment and says so, as the command line does for `--as-of ...-08:00`."""
    asked = "Where did the joint exercise begin in December 2024?"
    sent = int(datetime(2024, 12, 1, 4, tzinfo=UTC).timestamp())
    [utc] = await bot.ask(USER, asked, date=sent)
    assert "Aslanduz" in utc["text"] and "The question names" not in utc["text"]
    [subscribed] = await bot.ask(USER, "/subscribe 07:30 America/Los_Angeles")
    assert subscribed["text"].startswith("Subscribed")
    [pacific] = await bot.ask(USER, asked, date=sent)
    assert pacific["text"].startswith(
        "The question names December 2024, after 30 November 2024 20:00 PST, the moment it "
        "is answered as of: nothing published after that is quoted."
    )
    assert "Aslanduz" in pacific["text"]


async def test_dates_shown_to_a_chat_are_in_its_zone(bot: Harness) -> None:
    """A chat whose digest is in Auckland (the bot in UTC) read the dates named in its
    questions there, and saw every date shown in UTC: an article of 08:30 on 2 June in
    Auckland was "1 June 2024" in its answers, /latest and 📄, and a question sent at 08:00
    there heard "Nothing published by 2024-06-01 20:00 UTC". A chat without a zone still
    sees UTC's."""
    kiwi = ArticleDraft(
        title="Kiwi orchard harvest begins",
        text="The kiwi orchard harvest began at dawn in the Bay of Plenty.",
        source="Orchard Wire",
        published="2024-06-01T20:30:00Z",  # 2 June 08:30 in Auckland
    )
    await bot.app.bot_data.engine.add_articles([kiwi])
    await bot.app.bot_data.engine.refresh()
    [subscribed] = await bot.ask(USER, "/subscribe 07:30 Pacific/Auckland")
    assert subscribed["text"].startswith("Subscribed")
    asked = "When did the kiwi orchard harvest begin?"
    [answer] = await bot.ask(USER, asked)
    assert "Orchard Wire · 2 June 2024" in answer["text"]
    await bot.press(USER, answer, article_button(answer))
    await bot.settle()
    assert bot.replies(USER)[-1]["text"].startswith(
        "Kiwi orchard harvest begins — Orchard Wire · 2 June 2024"
    )
    [latest] = await bot.ask(USER, "/latest")
    assert "• Kiwi orchard harvest begins — Orchard Wire · 2 June 2024" in latest["text"]
    before = int(datetime(2024, 6, 1, 20, tzinfo=UTC).timestamp())
    [early] = await bot.ask(USER, asked, date=before)
    assert early["text"].startswith("Nothing published by 2024-06-02 08:00 NZST matches that")
    [elsewhere] = await bot.ask(USER + 1, "/latest")
    assert "Orchard Wire · 1 June 2024" in elsewhere["text"]


async def test_the_page_more_shows_is_dated_in_the_chats_zone(bot: Harness) -> None:
    """The page after an answer gave its dates in the chat's zone, as the first did: four
    reports of 08:30 on 2 June in Auckland (1 June in UTC, the bot's), the fourth on its
    second page."""
    harvest = [
        ArticleDraft(
            title=title,
            text=text,
            source="Orchard Wire",
            published="2024-06-01T20:30:00Z",  # 2 June 08:30 in Auckland
        )
        for title, text in [
            ("Kiwi harvest begins", "The kiwi orchard harvest began at dawn in Te Puke."),
            ("Record kiwi crop", "Pickers call the kiwi orchard harvest the largest in years."),
            ("Kiwi exports", "Exporters expect the kiwi orchard harvest to fill ships to Japan."),
            ("Rain halts pickers", "Rain stopped the kiwi orchard harvest near Katikati."),
        ]
    ]
    await bot.app.bot_data.engine.add_articles(harvest)
    await bot.app.bot_data.engine.refresh()
    [subscribed] = await bot.ask(USER, "/subscribe 07:30 Pacific/Auckland")
    assert subscribed["text"].startswith("Subscribed")
    [answer] = await bot.ask(USER, "kiwi orchard harvest")
    assert answer["text"].count("Orchard Wire · 2 June 2024") == 3
    assert await bot.press(USER, answer, buttons(answer)["More ▸"]) is None
    more = (await bot.reply(USER, 3))[2]  # after the /subscribe reply and the answer
    assert "4. Rain halts pickers — Orchard Wire · 2 June 2024" in more["text"]


async def test_an_answer_shows_an_article_dated_ahead_on_the_day_it_was_stored(
    start_bot: BotFactory,
) -> None:
    """An article dated up to a day ahead counts from when it was stored: its passage gave
    its date, the next day's in Tokyo here, to a question sent before that. It gives the
    day it was stored, labelled, as the digest does; so do its whole text and /latest."""
    zone = ZoneInfo("Asia/Tokyo")
    ahead = (datetime.now(UTC) + timedelta(hours=20)).replace(microsecond=0)
    harvest = ArticleDraft(
        title="Kiwi orchard harvest begins",
        text="The kiwi orchard harvest began at dawn in the Bay of Plenty.",
        source="Orchard Wire",
        published=ahead.isoformat(),
    )
    async with start_bot(timezone="Asia/Tokyo") as bot:
        await bot.app.bot_data.engine.add_articles([harvest])
        await bot.app.bot_data.engine.refresh()
        [answer] = await bot.ask(USER, "When did the kiwi orchard harvest begin?")
        await bot.press(USER, answer, article_button(answer))
        await bot.settle()
        whole = bot.replies(USER)[-1]["text"]
        [latest] = await bot.ask(USER, "/latest")
        [(counts_from,)] = await bot.rows(
            "SELECT published_ts FROM articles WHERE source = ?", "Orchard Wire"
        )
    day = datetime.fromtimestamp(counts_from, zone)
    shown = f"Orchard Wire · stored {day.day} {day:%B %Y}"
    assert shown in answer["text"]
    # its whole text (📄) and /latest give it alike: one attribution
    assert whole.startswith(f"Kiwi orchard harvest begins — {shown}")
    assert f"• Kiwi orchard harvest begins — {shown}" in latest["text"]


async def test_a_private_chat_asks_in_a_caption_and_hears_back_about_a_sticker(
    bot: Harness,
) -> None:
    """A photo whose caption is the question, and a sticker, got no reply at all."""
    private = bot.fake.add_chat(USER, "private")
    user = {"id": USER, "is_bot": False, "first_name": "User 1001"}
    said = {"chat": private, "from": user, "date": int(time.time())}
    photo = [{"file_id": "p", "file_unique_id": "p1", "width": 90, "height": 60}]
    question = "Where did the joint exercise begin?"
    bot.fake.enqueue_update(
        {"message": said | {"message_id": 9001, "photo": photo, "caption": question}}
    )
    [answer] = await bot.reply(USER, 1)
    assert "Aslanduz" in answer["text"]
    sticker = {
        "file_id": "s",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    bot.fake.enqueue_update({"message": said | {"message_id": 9002, "sticker": sticker}})
    hint = (await bot.reply(USER, 2))[1]
    assert hint["text"].startswith("I read text: send your question as a message")


async def test_a_name_with_a_bidi_override_is_greeted_without_it(bot: Harness) -> None:
    """A first name holding U+202E (RIGHT-TO-LEFT OVERRIDE), unclosed, showed the rest of
    the greeting's line reversed in clients: its bidi controls are spaces, as a stored
    title's are; the marks (U+200F) that right-to-left names need stay."""
    private = bot.fake.add_chat(USER, "private")
    name = "<b>Ev&il</b> \u202eresU \u2067\u05d3\u05d5\u05d3\u200f 😀"
    user = {"id": USER, "is_bot": False, "first_name": name}
    said = {"chat": private, "from": user, "date": int(time.time())}
    command = {"text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}
    bot.fake.enqueue_update({"message": said | {"message_id": 9001} | command})
    [hello] = await bot.reply(USER, 1)
    assert hello["text"].startswith(
        "Hi <b>Ev&il</b>  resU  \u05d3\u05d5\u05d3\u200f 😀! I answer questions"
    )


async def test_start_and_help(bot: Harness) -> None:
    [hello] = await bot.ask(USER, "/start")
    assert hello["text"].startswith("Hi User 1001! I answer questions")
    assert hello["text"].count("\n") == 1  # two lines
    [help_] = await bot.ask(USER, "/help")
    for command in COMMANDS:
        assert f"/{command.name} — " in help_["text"] and command.example in help_["text"]
    [unknown] = await bot.ask(USER, "/frobnicate")
    assert "/help" in unknown["text"]


async def test_help_lists_the_admin_commands_to_an_admin_only(start_bot: BotFactory) -> None:
    """/help sent by an admin listed only the public commands: /feeds, /addfeed, /removefeed
    and /removearticle were in no menu and no help. Now an admin's /help (or "help") ends
    with them, in a private chat only (a group's members would read them); anyone else's is
    as before, and the menu stays public."""
    async with start_bot(admins=frozenset({77})) as bot:
        [public] = await bot.ask(USER, "/help")
        [admins] = await bot.ask(77, "/help")
        [plea] = await bot.ask(77, "help")
        [group] = await bot.ask(GROUP, f"/help@{BOT}", chat_type="group", user_id=77)
        registered = command_names(bot.app)
        [menu] = bot.fake.calls("setMyCommands")
    assert "Admin" not in public["text"]
    assert not any(f"/{c.name} " in public["text"] for c in ADMIN_COMMANDS)
    assert admins["text"].startswith(public["text"])
    assert plea["text"] == admins["text"]
    assert group["text"] == public["text"]  # an admin asking in a group: the public help
    section = admins["text"][len(public["text"]) :]
    assert section.splitlines()[:3] == [
        "",
        "",
        "Admin (shown to admins, in a private chat only)",
    ]
    for command in ADMIN_COMMANDS:
        assert f"/{command.name} — " in section and command.example in section
    # every command some handler answers is listed: to everyone, or to admins
    assert registered == {c.name for c in COMMANDS + ADMIN_COMMANDS}
    assert [c["command"] for c in menu.params["commands"]] == [c.name for c in COMMANDS]


async def test_a_greeting_or_a_plea_for_help_is_told_how_to_ask(bot: Harness) -> None:
    """ "hi", "Hello bot!" or "help" in a private chat was searched, and got three chance
    passages ("Dublin's hi-tech lab"); a greeting now gets what /start says, "help" what
    /help says. A question that opens with such a word is still a question."""
    [start] = await bot.ask(USER, "/start")
    [help_] = await bot.ask(USER, "/help")
    for greeting in ("hi", "hello", "Hello bot!", "good morning", "Hey there!", "hello?"):
        assert [m["text"] for m in await bot.ask(USER, greeting)] == [start["text"]]
    for plea in ("help", "Help me!", "what can you do?"):
        assert [m["text"] for m in await bot.ask(USER, plea)] == [help_["text"]]
    [answer] = await bot.ask(GROUP, f"@{BOT} help", chat_type="group")
    assert answer["text"] == help_["text"]  # "help" mentioning the bot in a group too
    bot.fake.user_message(  # said to the group, under an answer
        GROUP, "help", chat_type="group", reply_to_message_id=answer["message_id"]
    )
    await bot.settle()
    assert len(bot.replies(GROUP)) == 1
    for question in ("Hello Kitty maker sued?", "Help to Buy scheme?", "hi-tech lab"):
        await bot.ask(USER, question)
    # a greeting or thanks opening a question is said to the bot, not searched for
    for chat, question in (
        (USER, "hi, where did the joint exercise begin?"),
        (USER + 1, "Hey bot where did it begin?"),
    ):
        [answer] = await bot.ask(chat, question)  # the second: no answer to lean on there
        assert "Aslanduz" in answer["text"]
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged == [
        ("Hello Kitty maker sued?",),
        ("Help to Buy scheme?",),
        ("hi-tech lab",),
        ("where did the joint exercise begin?",),
        ("where did it begin?",),
    ]


HARBOUR_QUESTION = "What do we know about ‘Harbour ferry strike ends after two weeks’?"


async def test_helps_example_question_is_about_the_corpus_served(bot: Harness) -> None:
    """/help asked the seed's question ("Where did the joint exercise begin?") whatever the
    corpus: it asks about the newest headline, or the seed's while the seed is newest."""
    [seeded] = await bot.ask(USER, "/help")
    assert "/ask Where did the joint exercise begin?" in seeded["text"]
    newest = ArticleDraft(
        title="Harbour ferry strike ends after two weeks",
        text="The ferry crews returned to work on Monday after the strike ended.",
        source="Port Gazette",
        published="2025-03-01",
    )
    await bot.app.bot_data.engine.add_articles([newest])
    await bot.app.bot_data.engine.refresh()
    [help_] = await bot.ask(USER, "/help")
    assert f"/ask {HARBOUR_QUESTION}" in help_["text"]
    assert "joint exercise" not in help_["text"]
    # every hint asks alike: /start's, a bare /ask's, a sticker's
    [hello] = await bot.ask(USER, "/start")
    assert f"e.g. “{HARBOUR_QUESTION}”" in hello["text"]
    [usage] = await bot.ask(USER, "/ask")
    assert usage["text"] == f"Ask me a question, e.g. /ask {HARBOUR_QUESTION}"
    private = bot.fake.add_chat(USER, "private")
    user = {"id": USER, "is_bot": False, "first_name": "User 1001"}
    said = {"chat": private, "from": user, "date": int(time.time())}
    sticker = {"file_id": "s", "file_unique_id": "s1", "type": "regular", "width": 512}
    sticker |= {"height": 512, "is_animated": False, "is_video": False}
    before = len(bot.replies(USER))
    bot.fake.enqueue_update({"message": said | {"message_id": 9002, "sticker": sticker}})
    hint = (await bot.reply(USER, before + 1))[before]
    assert hint["text"] == f"I read text: send your question as a message, e.g. {HARBOUR_QUESTION}"
    [answer] = await bot.ask(USER, HARBOUR_QUESTION)  # the example is answered from it
    assert "Harbour ferry strike ends after two weeks" in answer["text"]


async def test_a_question_in_a_script_no_article_is_in_names_its_words(bot: Harness) -> None:
    """ "加沙发生了什么？" of the English seed was told "Nothing in the news corpus matches
    that": the reply names the words no article holds, and that there is no such text."""
    [answer] = await bot.ask(USER, "加沙发生了什么？")
    assert answer["text"] == (
        "No stored article mentions “加沙发生了什么”: the news corpus holds no text in Chinese "
        "or Japanese script, so nothing here answers the question. Ask in the language its "
        "articles are written in, with the names as the news writes them."
    )
    assert not buttons(answer)


async def test_no_match_says_so_and_suggests_rephrasing(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "quantum chromodynamics")
    assert answer["text"].startswith("Nothing in the news corpus matches that.")
    assert "Try other words" in answer["text"]
    [stopwords] = await bot.ask(USER, "what is it?")
    assert "only very common words" in stopwords["text"]


async def test_group_ask_with_bot_name_is_answered_as_a_reply(bot: Harness) -> None:
    bot.fake.add_chat(GROUP, "supergroup")
    [answer] = await bot.ask(GROUP, f"/ask@{BOT} central bank rates", chat_type="supergroup")
    assert "4.5%" in answer["text"]
    assert answer["reply_to_message"]["text"] == f"/ask@{BOT} central bank rates"
    [usage] = await bot.ask(GROUP, f"/ask@{BOT}", chat_type="supergroup")
    assert "/ask Where did" in usage["text"]
    # a mention that only greets asks as little: it searched "hey" ("Hey Jude")
    for greeting in (f"hey @{BOT}", f"@{BOT} Good morning!"):
        [hint] = await bot.ask(GROUP, greeting, chat_type="supergroup")
        assert hint["text"] == usage["text"]
        assert hint["reply_to_message"]["text"] == greeting
    bot.fake.user_message(  # said to the group, under an answer
        GROUP, "hi all", chat_type="supergroup", reply_to_message_id=answer["message_id"]
    )
    await bot.settle()
    assert len(bot.replies(GROUP)) == 4
    assert await bot.rows("SELECT question FROM query_log") == [("central bank rates",)]


async def test_everything_said_about_a_question_in_a_forum_topic_goes_to_that_topic(
    bot: Harness,
) -> None:
    """The answer's second message, a "More" page, a full article and a "nothing matches"
    went to the group's General topic (which may be closed), not the topic asked in."""
    bot.fake.add_chat(GROUP, "supergroup")
    [answer] = await bot.ask(
        GROUP, f"/ask@{BOT} lighthouse keeper", chat_type="supergroup", topic=7
    )
    assert await bot.press(GROUP, answer, buttons(answer)["More ▸"], user_id=TEST_USER_ID) is None
    await bot.reply(GROUP, 2)
    assert await bot.press(GROUP, answer, buttons(answer)["📄 1"], user_id=TEST_USER_ID) is None
    await bot.settle()
    await bot.ask(GROUP, f"/ask@{BOT} zyxwvut qqqq", chat_type="supergroup", topic=7)
    await bot.ask(GROUP, f"/digest@{BOT}", chat_type="supergroup", topic=7)
    sent = bot.replies(GROUP)
    assert len(sent) >= 5
    assert all(m.get("message_thread_id") == 7 for m in sent), sent
    typing = bot.fake.calls("sendChatAction")  # "typing…" shows in the topic too
    assert typing and all(c.params.get("message_thread_id") == 7 for c in typing)


async def test_a_channel_named_in_a_group_changes_nothing_there(bot: Harness) -> None:
    """ "/unsubscribe @wirechan" in a group stopped the group's own digest, and "/subscribe
    @wirechan 07:30" subscribed the group to news about "@wirechan"."""
    admin = 77
    bot.fake.add_chat(GROUP, "supergroup")
    bot.fake.set_member_status(GROUP, admin, "administrator")
    [subscribed] = await bot.ask(GROUP, "/subscribe 07:30", user_id=admin, chat_type="supergroup")
    assert subscribed["text"].startswith("Subscribed: a daily digest of all news at 07:30")
    for command in (
        "/unsubscribe @wirechan",
        "/subscribe @wirechan 09:00",
        "/subscription -1001234567",
    ):
        [told] = await bot.ask(GROUP, command, user_id=admin, chat_type="supergroup")
        assert told["text"].startswith("A channel's digest is managed in a private chat with me")
        assert told["text"].endswith("there. Nothing changed here.")
    assert await bot.rows("SELECT send_time, keywords, active FROM subscriptions") == [
        ("07:30", "[]", 1)
    ]


async def test_a_chat_not_allowed_hears_so_in_the_topic_it_wrote_in(
    start_bot: BotFactory,
) -> None:
    async with start_bot(allowed_chats=frozenset({USER})) as bot:
        [refusal] = await bot.ask(GROUP, f"/ask@{BOT} lighthouse", chat_type="supergroup", topic=9)
    assert str(GROUP) in refusal["text"] and refusal["message_thread_id"] == 9


async def test_group_chatter_and_other_bots_commands_are_ignored(bot: Harness) -> None:
    bot.fake.user_message(GROUP, "central bank rates", chat_type="supergroup")
    bot.fake.user_message(GROUP, "/ask@other_bot central bank rates", chat_type="supergroup")
    bot.fake.user_message(GROUP, "@someone_else central bank rates", chat_type="supergroup")
    # one member answering another is talk too, though it reads like a question
    said = bot.fake.user_message(GROUP, "any news?", chat_type="supergroup", user_id=5)
    bot.fake.user_message(
        GROUP,
        "central bank rates",
        chat_type="supergroup",
        user_id=6,
        reply_to_message_id=said["message"]["message_id"],
    )
    await bot.settle()
    assert bot.replies(GROUP) == []


async def test_a_channel_post_forwarded_into_its_discussion_group_is_not_read(
    bot: Harness,
) -> None:
    """Telegram forwards each post of a channel into its linked discussion group by itself;
    one that mentioned the bot ("Ask @bot about the floods!") was answered as a question."""
    channel = -1009990
    bot.fake.add_chat(GROUP, "supergroup")
    for post in (f"Ask @{BOT} about the joint exercise!", f"Try /ask@{BOT} joint exercise"):
        bot.fake.user_message(GROUP, post, chat_type="supergroup", forwarded_from_channel=channel)
    await bot.settle()
    assert bot.replies(GROUP) == []
    [answer] = await bot.ask(GROUP, f"@{BOT} joint exercise", chat_type="supergroup")
    assert "Aslanduz" in answer["text"]  # a member's own mention still asks


async def test_an_unknown_command_named_for_the_bot_in_a_group_is_pointed_to_help(
    bot: Harness,
) -> None:
    """ "/foo@bot" in a group got no reply at all; one without the bot's name may be another
    bot's, and stays unanswered."""
    for command in ("/foo", "/foo@other_bot", "/help@other_bot"):
        bot.fake.user_message(GROUP, command, chat_type="supergroup")
    await bot.settle()
    assert bot.replies(GROUP) == []
    for command in (f"/foo@{BOT}", f"/Frobnicate@{BOT.upper()} now"):
        [told] = await bot.ask(GROUP, command, chat_type="supergroup")
        assert told["text"] == UNKNOWN_COMMAND
        assert told["reply_to_message"]["text"] == command
    [help_] = await bot.ask(GROUP, f"/help@{BOT}", chat_type="supergroup")
    assert help_["text"].startswith("Ask me about the news corpus.")  # known: no pointer
    assert len(bot.replies(GROUP)) == 3


async def test_ask_in_reply_to_a_message_asks_what_it_says(bot: Harness) -> None:
    bot.fake.add_chat(GROUP, "group")
    bot.fake.user_message(GROUP, "central bank rates?", chat_type="group", user_id=5)
    await bot.settle()
    question = bot.fake.messages(GROUP)[-1]
    [answer] = await bot.ask(
        GROUP, f"/ask@{BOT}", chat_type="group", reply_to_message_id=question["message_id"]
    )
    assert "4.5%" in answer["text"]


async def test_the_bots_own_mention_is_searched_in_no_text_it_is_asked(bot: Harness) -> None:
    """ "/ask@bot" under "@bot Does anyone know what happened with the Texas Democrats?"
    searched the bot's name: "No stored article mentions “newsbot_test_bot”". Its mention
    is dropped from every text asked: a message, a command's words, the message replied to."""
    bot.fake.add_chat(GROUP, "group")
    asked = f"@{BOT} central bank rates?"
    [mentioned] = await bot.ask(GROUP, asked, chat_type="group", user_id=5)
    question = mentioned["reply_to_message"]["message_id"]
    [replied] = await bot.ask(
        GROUP, f"/ask@{BOT}", chat_type="group", reply_to_message_id=question
    )
    [command] = await bot.ask(GROUP, f"/ask@{BOT} {asked}", chat_type="group")
    for answer in (mentioned, replied, command):
        assert "4.5%" in answer["text"] and BOT not in answer["text"]
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged == [("central bank rates?",)] * 3


async def test_group_mention_is_a_question(bot: Harness) -> None:
    [answer] = await bot.ask(GROUP, f"@{BOT} who held the rate at 4.5%?", chat_type="group")
    assert "central bank" in answer["text"]
    assert answer["reply_to_message"]["text"].startswith(f"@{BOT}")
    [shouted] = await bot.ask(GROUP, f"@{BOT.upper()} who held the rate?", chat_type="group")
    assert "central bank" in shouted["text"]  # a username is matched in any letter case


async def test_in_a_group_a_photos_caption_asks_as_a_text_does(bot: Harness) -> None:
    """In a group a photo captioned with a question mentioning the bot, or opening with
    /ask@bot, got no reply, and /ask under someone's photo asked nothing (a private chat
    took captions already)."""
    bot.fake.add_chat(GROUP, "supergroup")
    question = "where did the joint exercise begin?"
    captions = (f"@{BOT} {question}", f"/ask@{BOT} {question}", f"/ask {question}")
    for count, caption in enumerate(captions, 1):
        update = bot.fake.user_message(GROUP, caption, chat_type="supergroup", photo=True)
        answer = (await bot.reply(GROUP, count))[-1]
        assert "Aslanduz" in answer["text"]
        assert answer["reply_to_message"]["message_id"] == update["message"]["message_id"]
    for caption in (f"/ask@other_bot {question}", "The exercise began in Aslanduz"):
        update = bot.fake.user_message(GROUP, caption, chat_type="supergroup", photo=True)
    await bot.settle()
    assert len(bot.replies(GROUP)) == 3  # another bot's command, and a photo to the group
    [answer] = await bot.ask(
        GROUP,
        f"/ask@{BOT}",
        chat_type="supergroup",
        reply_to_message_id=update["message"]["message_id"],
    )
    assert "Aslanduz" in answer["text"]  # what the photo's caption says is asked


async def test_reply_to_an_answer_is_a_follow_up(bot: Harness) -> None:
    [first] = await bot.ask(GROUP, f"/ask@{BOT} joint exercise", chat_type="group")
    [follow] = await bot.ask(
        GROUP, "which province?", chat_type="group", reply_to_message_id=first["message_id"]
    )
    # what it asks is answered right above it, in the only passage that answers it
    assert "Ardabil" in first["text"]
    assert follow["text"] == ONLY_SHOWN
    assert follow["reply_to_message"]["text"] == "which province?"
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged[-1] == ("which province? joint exercise",)
    [again] = await bot.ask(USER, "lighthouse keeper")
    assert "Hook" not in again["text"]
    [private_follow] = await bot.ask(USER, "Hook", reply_to_message_id=again["message_id"])
    assert "Hook" in private_follow["text"]


async def test_a_question_of_its_own_under_an_answer_is_asked_alone(bot: Harness) -> None:
    """A reply to an answer was always searched with the question it answered: "Which search
    engine does Time Warner own a stake in?" under a tennis answer got tennis first. Only a
    reply that leans on the answer, or whose few words the answer shows, borrows its
    question; "and who else?" then still quotes none of the passages right above it."""
    [answer] = await bot.ask(USER, "lighthouse keeper")
    question = "Where did the joint exercise begin?"
    [alone] = await bot.ask(USER, question)
    [reply] = await bot.ask(USER, question, reply_to_message_id=answer["message_id"])
    assert "Aslanduz" in reply["text"] and "Lighthouse" not in reply["text"]
    assert reply["text"] == alone["text"]
    dependent = (
        "and who else?",  # an opening "and"
        "what about Fastnet?",
        "when did they automate the lighthouse lamp?",  # a pronoun, with 3 words of its own
        "when was the lamp automated?",  # 2 words of its own
    )
    for follow_up in dependent:
        [follow] = await bot.ask(USER, follow_up, reply_to_message_id=answer["message_id"])
        assert follow["text"] != answer["text"]
    shown = [d.title for d in LIGHTHOUSES if d.title in answer["text"]]
    [who_else] = await bot.ask(USER, "and who else?", reply_to_message_id=answer["message_id"])
    assert not any(title in who_else["text"] for title in shown)
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert [q for (q,) in logged[2:]] == [
        question,
        *(f"{follow_up} lighthouse keeper" for follow_up in dependent),
        "and who else? lighthouse keeper",
    ]


async def test_a_follow_up_does_not_quote_again_the_passages_of_the_answer_above(
    bot: Harness,
) -> None:
    """A reply to an answer searched with the question it follows, and quoted the passages
    of that answer again, right under them; only "More" left them out."""
    [answer] = await bot.ask(USER, "lighthouse keeper")
    above = [d.title for d in LIGHTHOUSES if d.title in answer["text"]]
    assert len(above) == 3
    [follow] = await bot.ask(
        USER, "when was the lamp automated?", reply_to_message_id=answer["message_id"]
    )
    assert follow["text"].count("Lighthouse keepers of") == 3
    assert "1. Lighthouse keepers of" in follow["text"]  # a new answer: ranked from 1
    assert not any(title in follow["text"] for title in above)
    # nor does its "More": the three lighthouses left are on it
    assert await bot.press(USER, follow, buttons(follow)["More ▸"]) is None
    more = (await bot.reply(USER, 3))[2]
    assert not any(title in more["text"] for title in above)


async def test_a_follow_up_answered_best_above_says_so(bot: Harness) -> None:
    """ "who did she beat?" under the answer naming the runner-up got other passages, which
    read as its answer: the best of them is above, and the reply says so."""
    [answer] = await bot.ask(USER, "lighthouse keeper Fastnet")
    assert "1. Lighthouse keepers of Fastnet" in answer["text"]
    [follow] = await bot.ask(
        USER, "when was it automated?", reply_to_message_id=answer["message_id"]
    )
    notes = "Read as a follow-up to “lighthouse keeper Fastnet”.\n" + BEST_SHOWN
    assert follow["text"].startswith(notes) and "of Fastnet" not in follow["text"]
    assert "Lighthouse keepers of" in follow["text"]  # the others, after the note
    [alone] = await bot.ask(USER, "when was the Fastnet lighthouse automated?")
    assert "of Fastnet" in alone["text"] and BEST_SHOWN not in alone["text"]  # no follow-up


async def edit(bot: Harness, chat_id: int, message_id: int, text: str) -> None:
    """Edit a user's message and wait until the bot has handled the edit."""
    handled = len(bot.fake.calls("sendChatAction"))
    bot.fake.edit_user_message(chat_id, message_id, text)
    await bot.fake.wait_for("sendChatAction", handled + 1, timeout=WAIT)
    await bot.settle()


async def test_an_edited_question_keeps_none_of_the_words_edited_out(bot: Harness) -> None:
    """Answered again, an edited question's first text was kept: in the query log beside
    the new one, and in its first answer's record with the votes on it."""
    update = bot.fake.user_message(USER, "lighthouse keeper Fastnet, said Jane Quagga")
    [first] = await bot.reply(USER)
    assert "Fastnet" in first["text"]
    await bot.press(USER, first, buttons(first)["👍"])
    await edit(bot, USER, update["message"]["message_id"], "Where did the joint exercise begin?")
    [answer] = bot.replies(USER)
    assert "Aslanduz" in answer["text"]
    for table in ("query_log", "answers", "feedback", "question_replies"):
        held = f"SELECT count(*) FROM {table} WHERE question LIKE '%Quagga%'"
        assert await bot.rows(held) == [(0,)], table
    asked = [("Where did the joint exercise begin?",)]
    assert await bot.rows("SELECT question FROM query_log") == asked
    assert await bot.rows("SELECT question FROM answers") == asked


async def test_an_edited_question_is_answered_again_in_the_same_message(bot: Harness) -> None:
    update = bot.fake.user_message(USER, "lighthouse keeper Fastnet")
    [first] = await bot.reply(USER)
    assert "Fastnet" in first["text"] and "edit_date" not in first
    await edit(bot, USER, update["message"]["message_id"], "Where did the joint exercise begin?")
    [answer] = bot.replies(USER)  # edited in place: no second answer
    assert answer["message_id"] == first["message_id"] and "edit_date" in answer
    assert "Aslanduz" in answer["text"] and "Fastnet" not in answer["text"]
    assert "👍" in buttons(answer)
    # its buttons and follow-ups are the new answer's
    [follow] = await bot.ask(USER, "which province?", reply_to_message_id=answer["message_id"])
    assert follow["text"] == ONLY_SHOWN  # Ardabil, of the one article that answers, is above
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged[-1] == ("which province? Where did the joint exercise begin?",)
    # edited to something nothing matches: the same message says so, without buttons
    await edit(bot, USER, update["message"]["message_id"], "quantum chromodynamics")
    answer = next(m for m in bot.replies(USER) if m["message_id"] == first["message_id"])
    assert answer["text"].startswith("Nothing in the news corpus matches that.")
    assert not buttons(answer)


async def test_an_edit_while_the_first_answer_is_on_its_way_replaces_it(bot: Harness) -> None:
    bot.fake.delay_answer("sendMessage", 1.5)  # the answer is there; the bot hears so late
    update = bot.fake.user_message(USER, "lighthouse keeper Fastnet")
    await until(lambda: bot.replies(USER), "the first answer at Telegram")
    await edit(bot, USER, update["message"]["message_id"], "Where did the joint exercise begin?")
    [answer] = bot.replies(USER)
    assert "Aslanduz" in answer["text"] and "Fastnet" not in answer["text"]
    await edit(bot, USER, update["message"]["message_id"], "lighthouse keeper Eddystone")
    [answer] = bot.replies(USER)  # the record names the message the answer is in
    assert "Eddystone" in answer["text"]
    assert not len(bot.app.bot_data.asking)  # no lock left behind


async def test_of_two_quick_edits_only_the_last_is_searched_and_stands(bot: Harness) -> None:
    """Each edit was searched and answered in turn, the first only to be replaced."""
    update = bot.fake.user_message(USER, "lighthouse keeper Fastnet")
    [first] = await bot.reply(USER)
    asked = update["message"]["message_id"]
    bot.fake.delay_answer("sendChatAction", 1.0)  # the first edit is on its way meanwhile
    bot.fake.edit_user_message(USER, asked, "Where did the joint exercise begin?")
    await bot.fake.wait_for("sendChatAction", 2, timeout=WAIT)
    bot.fake.edit_user_message(USER, asked, "lighthouse keeper Eddystone")
    await bot.settle()
    [answer] = bot.replies(USER)
    assert answer["message_id"] == first["message_id"] and "Eddystone" in answer["text"]
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged == [("lighthouse keeper Eddystone",)]  # in the question's line
    assert len(bot.fake.calls("editMessageText")) == 1


@pytest.mark.parametrize("edited", ["limited", "thanks"])
async def test_an_edit_that_is_not_searched_leaves_the_answer_on_its_way(
    start_bot: BotFactory, edited: str
) -> None:
    """An edit refused by the question limit, or one that is no question ("thanks!"),
    made the question it edits give up its answer on the way, then answered nothing."""
    async with start_bot(questions_per_minute=1) as bot:
        update = bot.fake.user_message(USER, "lighthouse keeper Fastnet")
        bot.fake.delay_answer("sendChatAction", 1.0)  # the question is searching meanwhile
        await bot.fake.wait_for("sendChatAction", 1, timeout=WAIT)
        text = "lighthouse keeper Eddystone" if edited == "limited" else "thanks!"
        bot.fake.edit_user_message(USER, update["message"]["message_id"], text)
        await bot.settle()
        await until(lambda: any("Fastnet" in m["text"] for m in bot.replies(USER)), "answer")
        await bot.settle()
        logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
        assert logged == [("lighthouse keeper Fastnet",)]
        told = [m["text"] for m in bot.replies(USER) if "Fastnet" not in m["text"]]
        assert len(told) == (edited == "limited")
        assert all("in the last minute" in text for text in told)  # the limit's notice


async def test_an_edit_that_leaves_the_question_the_same_changes_nothing(bot: Harness) -> None:
    """Telegram sends an edit for a change of formatting alone: the same question was
    answered again, under a new answer id (its More button replaced), and the page its
    More had shown another member was deleted."""
    question = f"@{BOT} lighthouse keeper"
    update = bot.fake.user_message(GROUP, question, chat_type="group")
    [answer] = await bot.reply(GROUP)
    assert await bot.press(GROUP, answer, buttons(answer)["More ▸"], user_id=77) is None
    [_, page] = await bot.reply(GROUP, 2)
    before = bot.replies(GROUP)
    bot.fake.edit_user_message(GROUP, update["message"]["message_id"], question)
    await bot.settle()
    assert bot.replies(GROUP) == before  # the answer, its buttons and the page as they were
    assert not bot.fake.calls("editMessageText") and not bot.fake.calls("deleteMessage")
    assert len(await bot.rows("SELECT id FROM answers")) == 2
    # an edit that changes the words is answered again, in the same message
    await edit(bot, GROUP, update["message"]["message_id"], f"@{BOT} joint exercise")
    [again] = bot.replies(GROUP)
    assert again["message_id"] == answer["message_id"] and "Aslanduz" in again["text"]


async def test_an_edit_overtaking_its_question_is_the_answer_that_stands(bot: Harness) -> None:
    """The first message of a chat waits while the chat is noted; an edit of it right after
    did not, was answered first, and the question's own answer came after it, a second one."""
    update = bot.fake.user_message(USER, "lighthouse keeper Fastnet")
    bot.fake.edit_user_message(USER, update["message"]["message_id"], "joint exercise")
    await bot.settle()
    [answer] = bot.replies(USER)
    assert "Aslanduz" in answer["text"]
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged[-1] == ("joint exercise",)


async def test_an_older_version_of_a_message_is_not_the_newest_for_a_minute() -> None:
    """An update still on its way after a later one of its message was answered, as the
    question of a chat's first message can be, is stale: a minute later it is forgotten."""
    now = [0.0]
    asking = OneAtATime(clock=lambda: now[0])
    async with asking.hold((USER, 7), 12) as newest:
        assert newest()
    now[0] += 30
    async with asking.hold((USER, 7), 11) as newest:
        assert not newest()
    now[0] += OneAtATime.KEEP
    async with asking.hold((USER, 7), 11) as newest:
        assert newest()
    assert not len(asking)


async def test_an_answer_edited_into_nothing_is_followed_up_by_no_reply(bot: Harness) -> None:
    update = bot.fake.user_message(USER, "Where did the joint exercise begin?")
    await bot.reply(USER)
    await edit(bot, USER, update["message"]["message_id"], "quantum chromodynamics")
    [answer] = bot.replies(USER)
    await bot.ask(USER, "which province?", reply_to_message_id=answer["message_id"])
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged[-1] == ("which province?",)


async def test_an_edited_question_in_a_group_is_answered_in_its_reply(bot: Harness) -> None:
    update = bot.fake.user_message(GROUP, f"@{BOT} lighthouse keeper", chat_type="group")
    [first] = await bot.reply(GROUP)
    asked = update["message"]["message_id"]
    await edit(bot, GROUP, asked, f"@{BOT} who held the rate at 4.5%?")
    [answer] = bot.replies(GROUP)
    assert answer["message_id"] == first["message_id"] and "central bank" in answer["text"]
    assert answer["reply_to_message"]["message_id"] == asked
    # talk edited into a question (it had no answer): answered under it
    talk = bot.fake.user_message(GROUP, "lighthouses are lovely", chat_type="group")
    await bot.settle()
    assert len(bot.replies(GROUP)) == 1
    await edit(bot, GROUP, talk["message"]["message_id"], f"@{BOT} lighthouse keeper")
    [_, new] = bot.replies(GROUP)
    assert "keeper" in new["text"].lower()
    assert new["reply_to_message"]["message_id"] == talk["message"]["message_id"]


async def test_an_edited_question_whose_answer_was_deleted_gets_a_new_one(
    bot: Harness,
) -> None:
    update = bot.fake.user_message(USER, "lighthouse keeper Fastnet")
    [first] = await bot.reply(USER)
    await bot.app.bot.delete_message(USER, first["message_id"])  # as the user may delete it
    await edit(bot, USER, update["message"]["message_id"], "Where did the joint exercise begin?")
    [answer] = bot.replies(USER)
    assert answer["message_id"] != first["message_id"] and "Aslanduz" in answer["text"]


async def test_an_edited_question_takes_down_the_pages_more_showed(bot: Harness) -> None:
    """An edited question was answered again in its first answer's message, and the pages
    "More" showed below it stayed, the last with a live "More" going on with the question
    as it was."""
    update = bot.fake.user_message(USER, "lighthouse keeper")
    [first] = await bot.reply(USER)
    assert await bot.press(USER, first, buttons(first)["More ▸"]) is None
    second = (await bot.reply(USER, 2))[1]
    assert await bot.press(USER, second, buttons(second)["More ▸"]) is None
    third = (await bot.reply(USER, 3))[2]
    # a page Telegram no longer lets the bot delete keeps its text, without its buttons
    bot.fake.fail_next("deleteMessage", 400, "Bad Request: message can't be deleted")
    await edit(bot, USER, update["message"]["message_id"], "Where did the joint exercise begin?")
    [answer, kept] = bot.replies(USER)
    assert answer["message_id"] == first["message_id"] and "Aslanduz" in answer["text"]
    assert kept["message_id"] == second["message_id"] and not buttons(kept)
    assert third["message_id"] not in [m["message_id"] for m in bot.replies(USER)]
    # a reply to the page kept follows up nothing
    await bot.ask(USER, "which year?", reply_to_message_id=kept["message_id"])
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged[-1] == ("which year?",)


async def test_an_answer_in_fewer_messages_deletes_the_ones_left_over(
    fake_telegram: FakeTelegramServer, fake_bot: Bot
) -> None:
    fake_telegram.add_chat(USER, "private")
    old = [
        ChatMessage(USER, (await fake_bot.send_message(USER, f"page {n}")).message_id)
        for n in range(3)
    ]
    context = cast(Context, SimpleNamespace(bot=fake_bot))

    async def stay(old: int, new: int) -> bool:  # a private chat becomes no supergroup
        return False

    shown = await answers._post(context, USER, [("new answer", None)], None, None, old, stay)
    assert shown == old[:1]
    assert [m["text"] for m in fake_telegram.sent_messages(USER)] == ["new answer"]


async def test_in_a_group_a_reply_to_what_is_not_an_answer_is_talk(bot: Harness) -> None:
    """Only a reply to an answer is a follow-up: "thanks" under the bot's help (or a digest)
    drew "Nothing in the news corpus matches that." A mention still asks."""
    [help_] = await bot.ask(GROUP, f"/help@{BOT}", chat_type="group")
    bot.fake.user_message(
        GROUP, "thanks a lot", chat_type="group", reply_to_message_id=help_["message_id"]
    )
    await bot.settle()
    assert len(bot.replies(GROUP)) == 1
    [answer] = await bot.ask(
        GROUP,
        f"@{BOT} central bank rates",
        chat_type="group",
        reply_to_message_id=help_["message_id"],
    )
    assert "4.5%" in answer["text"]


async def test_in_a_group_a_reply_to_the_welcome_help_or_a_digest_is_a_question(
    bot: Harness,
) -> None:
    """A reply to the bot's /start, /help or /digest in a group (the only group messages
    it gets, with privacy mode, besides commands and mentions) was dropped without a word."""
    today = datetime.now(UTC).isoformat(timespec="seconds")
    engine = bot.app.bot_data.engine
    await engine.add_articles(
        [ArticleDraft("Harbour festival opens", "The harbour festival opened.", published=today)]
    )
    await engine.refresh()
    for command in ("start", "help", "digest"):
        [said] = await bot.ask(GROUP, f"/{command}@{BOT}", chat_type="group")
        [answer] = await bot.ask(
            GROUP,
            "Where did the joint exercise begin?",
            chat_type="group",
            reply_to_message_id=said["message_id"],
        )
        assert "Aslanduz" in answer["text"] and "👍" in buttons(answer)


async def test_in_a_group_a_reply_to_a_prompt_to_ask_is_the_question(bot: Harness) -> None:
    """A reply to what invited a question (the hint "hey @bot" or a bare /ask gets, "nothing
    matches", "only very common words") was taken for group talk and got nothing. A thanks
    or a reaction under one is still talk."""
    asked = (
        (f"hey @{BOT}", "Ask me a question", "Where did the joint exercise begin?", "Aslanduz"),
        (f"/ask@{BOT}", "Ask me a question", "central bank rates", "4.5%"),
        (f"/ask@{BOT} zorblaxian", "Nothing", "ok then: who held the rate at 4.5%?", "4.5%"),
        (f"/ask@{BOT} the", "only very common words", "joint exercise Aslanduz", "Aslanduz"),
    )
    for prompting, prompt_says, question, answer_says in asked:
        [prompt] = await bot.ask(GROUP, prompting, chat_type="group")
        assert prompt_says in prompt["text"]
        for talk in ("thanks!", "😂"):
            bot.fake.user_message(
                GROUP, talk, chat_type="group", reply_to_message_id=prompt["message_id"]
            )
        await bot.settle()
        assert bot.replies(GROUP)[-1] == prompt
        [answer] = await bot.ask(
            GROUP, question, chat_type="group", reply_to_message_id=prompt["message_id"]
        )
        assert answer_says in answer["text"] and "👍" in buttons(answer)
        assert answer["reply_to_message"]["text"] == question
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert [q for (q,) in logged if "?" in q or "rates" in q or "Aslanduz" in q] == [
        question for _, _, question, _ in asked
    ]


@pytest.mark.parametrize(
    "thanks",
    [
        "thanks!",
        "Thank you so much 🙏",
        "ok 👍",
        "👍",
        "👌🏽",
        # reactions that were taken for follow-ups: each posted a new answer in the group
        "Great job!",
        "Nice one",
        "many thanks",
        "wow, good bot 👏",
        # thanks with a tail, or not in English: searched, they got chance passages
        "thanks, that helps",
        "thank you, that's helpful",
        "merci",
        "спасибо!",
        # a bare yes or no: "next"-like words found chance passages
        "yes",
        "No.",
        "sure 👍",
    ],
)
async def test_thanks_under_an_answer_or_in_private_is_not_a_question(
    thanks: str, bot: Harness
) -> None:
    """ "thanks!" in reply to an answer was a follow-up, and a whole new answer was posted
    into the group; in a private chat it was searched for. A question after it is one."""
    [first] = await bot.ask(GROUP, f"/ask@{BOT} joint exercise", chat_type="group")
    bot.fake.user_message(
        GROUP, thanks, chat_type="group", reply_to_message_id=first["message_id"]
    )
    bot.fake.user_message(USER, thanks)
    await bot.settle()
    assert len(bot.replies(GROUP)) == 1 and bot.replies(USER) == []
    [follow] = await bot.ask(
        GROUP,
        "thanks, which province?",
        chat_type="group",
        reply_to_message_id=first["message_id"],
    )
    assert follow["text"] == ONLY_SHOWN  # a follow-up, searched: Ardabil is above it
    # the city, a word that begins with "nice", and "great" opening a question
    for question in (
        "Nice?",
        "nicety",
        "Great Barrier Reef?",
        "Great British Bake Off winner?",
        "helpful tips for savers",
    ):
        assert len(await bot.ask(USER, question)) == 1


@pytest.mark.parametrize("wordless", ["🤔", "🇮🇷", "😀😀", "..."])
async def test_a_message_of_no_words_is_told_so_and_is_no_follow_up(
    wordless: str, bot: Harness
) -> None:
    """The thanks pattern took any message of no words for thanks ("🤔", "..."): a private
    chat got no reply at all. Under an answer in a group it is a reaction, not a question."""
    [hint] = await bot.ask(USER, wordless)
    assert hint["text"].startswith("That question has no words.")
    [answer] = await bot.ask(USER, "joint exercise")
    [hint] = await bot.ask(USER, wordless, reply_to_message_id=answer["message_id"])
    assert hint["text"].startswith("That question has no words.")  # not the answer again
    [first] = await bot.ask(GROUP, f"/ask@{BOT} joint exercise", chat_type="group")
    bot.fake.user_message(
        GROUP, wordless, chat_type="group", reply_to_message_id=first["message_id"]
    )
    await bot.settle()
    assert len(bot.replies(GROUP)) == 1


async def test_inline_query_offers_passages_with_quote_and_source(bot: Harness) -> None:
    bot.fake.inline_query(USER, "lighthouse keeper")
    [call] = await bot.fake.wait_for("answerInlineQuery", 1, timeout=WAIT)
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    assert len({r["id"] for r in results}) == len(results)
    for result in results:
        content = result["input_message_content"]
        assert content["message_text"].startswith("<blockquote>")
        assert "Coastal Times" in content["message_text"]
        assert content["parse_mode"] == "HTML"
        assert result["title"].startswith("Lighthouse keepers of")
        assert "lighthouse" in result["description"].lower()
    assert call.params.get("cache_time") == 60
    assert not call.params.get("is_personal")  # an open bot: the same results for everyone


async def test_an_inline_querys_text_is_not_kept(bot: Harness) -> None:
    """Telegram sends an inline query as each letter is typed: each was kept in the query
    log with its sender's id, every draft of what they were about to ask."""
    for typed in ("lighth", "lighthouse", "lighthouse keeper"):
        answered = len(bot.fake.calls("answerInlineQuery"))
        bot.fake.inline_query(USER, typed)
        await bot.fake.wait_for("answerInlineQuery", answered + 1, timeout=WAIT)
    await bot.settle()
    logged = await bot.rows("SELECT chat_id, user_id, question FROM query_log")
    assert logged == [(None, None, "")] * 3  # their timing alone


async def test_an_inline_query_reads_a_month_in_the_zone_of_the_senders_private_chat(
    bot: Harness,
) -> None:
    """An inline query has no chat: "in November 2024" was read in NEWSBOT_TIMEZONE (UTC)
    for everyone, ending (with its two weeks of reports) at 00:00 UTC on 15 December,
    before a report of 04:00 UTC, still 14 December in Los Angeles. A user whose private
    chat with the bot has its digest there reads it there, and such results are theirs
    alone (Telegram would otherwise hand them to the next user asking the same)."""
    engine = bot.app.bot_data.engine
    await engine.add_articles(
        [
            ArticleDraft(
                title="Quillfeather regatta in fog",
                text="The Quillfeather regatta on the estuary was sailed in fog, said the "
                "harbour master.",
                source="Estuary News",
                published="2024-11-20T12:00:00Z",
            ),
            ArticleDraft(  # not a copy of the first, which would be left out as one
                title="Quillfeather regatta in sunshine",
                text="Sunshine greeted the Quillfeather regatta crews, whose boats finished "
                "before noon.",
                source="Coast Wire",
                published="2024-12-15T04:00:00Z",
            ),
        ]
    )
    await engine.refresh()
    asked = "Quillfeather regatta in November 2024"

    async def offered(user: int, count: int) -> tuple[list[str], bool]:
        bot.fake.inline_query(user, asked)
        calls = await bot.fake.wait_for("answerInlineQuery", count, timeout=WAIT)
        params = calls[-1].params
        return sorted(r["title"] for r in params["results"]), bool(params.get("is_personal"))

    in_utc = await offered(USER, 1)
    assert in_utc == (["Quillfeather regatta in fog"], True)
    [subscribed] = await bot.ask(USER, "/subscribe 07:30 America/Los_Angeles")
    assert subscribed["text"].startswith("Subscribed")
    titles, personal = await offered(USER, 2)
    assert titles == ["Quillfeather regatta in fog", "Quillfeather regatta in sunshine"]
    assert personal
    assert await offered(USER + 1, 3) == in_utc  # no private chat with a zone: UTC's
    bot.fake.inline_query(USER, "Quillfeather regatta")  # no time named: shared by all
    [*_, shared] = await bot.fake.wait_for("answerInlineQuery", 4, timeout=WAIT)
    assert not shared.params.get("is_personal")


async def test_an_inline_query_nothing_matches_is_told_so(bot: Harness) -> None:
    """An inline question that matched nothing got an empty list, the same as a bot still
    searching or a broken one: a button above it now says nothing matches, and opens the
    private chat, where /start says how to ask (the fake holds it to the Bot API's rules)."""
    bot.fake.inline_query(USER, "quantum chromodynamics")
    [call] = await bot.fake.wait_for("answerInlineQuery", 1, timeout=WAIT)
    assert call.params["results"] == []
    assert call.params["button"] == {
        "text": "Nothing in the news matches that: try other words",
        "start_parameter": "nothing",
    }
    await bot.settle()
    assert len(bot.fake.calls("answerInlineQuery")) == 1  # accepted: no apology after it
    [hello] = await bot.ask(USER, "/start nothing")  # where the button leads
    assert hello["text"].startswith("Hi User 1001! I answer questions about the news corpus")
    bot.fake.inline_query(USER, "lighthouse keeper")
    [_, found] = await bot.fake.wait_for("answerInlineQuery", 2, timeout=WAIT)
    assert found.params["results"] and "button" not in found.params


async def test_inline_results_are_personal_when_there_is_an_allowlist(
    start_bot: BotFactory,
) -> None:
    async with start_bot(allowed_chats=frozenset({USER})) as bot:
        bot.fake.inline_query(USER, "lighthouse keeper")
        [call] = await bot.fake.wait_for("answerInlineQuery", 1, timeout=WAIT)
        assert call.params["results"] and call.params["is_personal"] is True


# ----- buttons ---------------------------------------------------------------------------


async def test_more_shows_the_next_passages_once(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "lighthouse keeper")
    assert answer["text"].count("Lighthouse keepers of") == 3
    more = buttons(answer)["More ▸"]
    assert await bot.press(USER, answer, more) is None
    follow = (await bot.reply(USER, 2))[1]
    assert follow["text"].count("Lighthouse keepers of") == 3
    assert "4. Lighthouse keepers of" in follow["text"]
    assert "7. Lighthouse keepers of" not in follow["text"]
    assert follow["reply_to_message"]["message_id"] == answer["message_id"]

    def current() -> dict[str, Any]:
        return next(m for m in bot.replies(USER) if m["message_id"] == answer["message_id"])

    await until(lambda: "More ▸" not in buttons(current()), "the More button to be removed")
    assert set(buttons(current())) == {"📄 1", "📄 2", "📄 3", "👍", "👎"}
    # Both shown answers stay usable: their votes reach the database.
    assert await bot.press(USER, follow, buttons(follow)["👍"]) == "Thanks, noted 👍"


def keepers(answer: dict[str, Any]) -> set[str]:
    return set(re.findall(r"Lighthouse keepers of (\w+)", answer["text"]))


async def test_an_answer_says_which_words_no_article_holds(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "What did Qwertyuiop say about the joint exercise?")
    assert answer["text"].startswith(
        "No stored article mentions “Qwertyuiop”: these passages match the rest of the question."
    )
    assert "Aslanduz" in answer["text"]


async def test_an_answer_offers_a_spelling_of_a_word_no_article_holds(bot: Harness) -> None:
    """ "morrocco's" quoted other teams under "No stored article mentions" alone."""
    await bot.app.bot_data.engine.add_articles(
        [
            ArticleDraft(f"Morocco report {n}", f"The nickname of Morocco's football team: {n}.")
            for n in range(10)
        ]
    )
    await bot.app.bot_data.engine.refresh()
    [answer] = await bot.ask(USER, "what is the nickname of morrocco's football team")
    assert answer["text"].startswith(
        "No stored article mentions “morrocco's”: these passages match the rest of the "
        "question. Did you mean “morocco”?"
    )


async def test_more_said_in_a_private_chat_goes_on_with_the_last_answer(bot: Harness) -> None:
    """ "more" or "next" after an answer was searched alone: "next" found chance passages
    and "more" was told it had only common words. They go on with the last answer's
    question, leaving out what it showed; in a group, as a reply to the answer."""
    [answer] = await bot.ask(USER, "lighthouse keeper")
    [more] = await bot.ask(USER, "more")
    [next_] = await bot.ask(USER, "Next please!")
    assert len(keepers(answer)) == len(keepers(more)) == 3 and len(keepers(next_)) == 1
    assert len(keepers(answer) | keepers(more) | keepers(next_)) == 7
    assert BEST_SHOWN not in more["text"]  # the next passages, as asked
    [done] = await bot.ask(USER, "anything else?")
    assert done["text"] == NOTHING_MORE  # as the last page's More ▸, which it has not, says
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged == [("lighthouse keeper",)] * 3
    [first] = await bot.ask(GROUP, f"/ask@{BOT} lighthouse keeper", chat_type="group")
    [then] = await bot.ask(
        GROUP, "next", chat_type="group", reply_to_message_id=first["message_id"]
    )
    assert len(keepers(then)) == 3 and not keepers(first) & keepers(then)


async def test_more_in_a_private_chat_with_no_answer_yet_says_so(bot: Harness) -> None:
    """ "more" before any answer was searched, and told it had "only very common words"."""
    [told] = await bot.ask(USER, "more")
    assert told["text"].startswith("There is no answer here to continue yet.")
    assert "Ask me a question first" in told["text"]
    assert await bot.rows("SELECT question FROM query_log") == []


async def test_a_follow_up_in_a_private_chat_leans_on_the_last_answer_without_a_reply(
    bot: Harness,
) -> None:
    """In a private chat, "and who else?" sent after an answer, not as a reply to it, was
    searched alone: passages that say "else". It follows the chat's last answer up, as a
    reply would, while that answer is recent; a question of its own is asked alone."""
    asked = int(time.time()) - 3600
    [answer] = await bot.ask(USER, "lighthouse keeper", date=asked)
    [late] = await bot.ask(USER, "and who else?")  # an hour later: asked alone
    assert "Lighthouse keepers of" not in late["text"]
    [answer] = await bot.ask(USER, "lighthouse keeper")
    shown = [d.title for d in LIGHTHOUSES if d.title in answer["text"]]
    [who_else] = await bot.ask(USER, "and who else?")
    assert "Lighthouse keepers of" in who_else["text"]
    assert not any(title in who_else["text"] for title in shown)
    question = "Where did the joint exercise begin?"
    [alone] = await bot.ask(USER, question)
    assert "Aslanduz" in alone["text"] and "Lighthouse" not in alone["text"]
    # the words of the question above: a search of their own, as typed
    await bot.ask(USER, "joint exercise")
    await bot.ask(USER, "which province?")  # which one of the answer's: it follows that up
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert [q for (q,) in logged] == [
        "lighthouse keeper",
        "and who else?",
        "lighthouse keeper",
        "and who else? lighthouse keeper",
        question,
        "joint exercise",
        "which province? joint exercise",
    ]


async def test_more_said_to_the_bot_in_a_group_not_under_an_answer_is_told_how(
    bot: Harness,
) -> None:
    """ "@bot more" or "/ask more" in a group was searched, and told "That question has only
    very common words": which of the group's answers it goes on with is the one it replies
    to, so it is told to reply "more" to that one."""
    bot.fake.add_chat(GROUP, "supergroup")
    [answer] = await bot.ask(GROUP, f"@{BOT} lighthouse keeper", chat_type="supergroup")
    for said in (f"@{BOT} more", f"/ask@{BOT} more", f"@{BOT} next page"):
        [hint] = await bot.ask(GROUP, said, chat_type="supergroup")
        assert (
            hint["text"]
            == "To go on with an answer here, reply “more” to it (or press its More ▸ button)."
        )
    [page] = await bot.ask(
        GROUP, "more", chat_type="supergroup", reply_to_message_id=answer["message_id"]
    )
    assert "4. Lighthouse keepers of" in page["text"]


async def test_more_typed_under_an_answer_is_its_more_button_pressed(
    bot_keeping_2024: Harness,
) -> None:
    """ "more" typed after an answer searched its question again as of the message's own
    moment, numbered its page from 1, and left the answer's More ▸ as it was: pressed
    later, it showed the same passages again. It is now that button's press: the page as
    of the answer's moment, numbered on, and the button taken off the answer."""
    bot = bot_keeping_2024
    asked = int(datetime(2024, 4, 15, tzinfo=UTC).timestamp())
    [answer] = await bot.ask(USER, "lighthouse keeper", date=asked)
    more = buttons(answer)["More ▸"]
    [page] = await bot.ask(USER, "more")  # sent now, months after the answer's moment
    assert "4. Lighthouse keepers of" in page["text"]
    assert not keepers(page) & keepers(answer)
    for later in ("Muckle Flugga", "Longships", "Hook"):  # published after 15 April 2024
        assert later not in page["text"]

    def current() -> dict[str, Any]:
        return next(m for m in bot.replies(USER) if m["message_id"] == answer["message_id"])

    assert set(buttons(current())) == {"📄 1", "📄 2", "📄 3", "👍", "👎"}  # as a press leaves it
    # a client still showing the old button: told the page is below, not shown it again
    bot.fake.callback_query(USER, answer["message_id"], more, forged=True)
    await bot.fake.wait_for("answerCallbackQuery", 1, timeout=WAIT)
    await bot.settle()
    assert len(bot.replies(USER)) == 2
    assert bot.fake.calls("answerCallbackQuery")[-1].params["text"] == MORE_BELOW


async def test_more_said_under_an_answer_whose_more_was_used_goes_on_after_its_last_page(
    bot: Harness,
) -> None:
    """ "More" in reply to an answer whose More ▸ had shown passages 4 to 6 sent those
    again: it went on from the page it replied to, not from the answer's last page."""
    [first] = await bot.ask(GROUP, f"/ask@{BOT} lighthouse keeper", chat_type="group")
    assert await bot.press(GROUP, first, buttons(first)["More ▸"]) is None
    second = (await bot.reply(GROUP, 2))[1]
    assert len(keepers(first)) == len(keepers(second)) == 3
    [third] = await bot.ask(
        GROUP, "More", chat_type="group", reply_to_message_id=first["message_id"]
    )
    assert len(keepers(third)) == 1 and not keepers(third) & (keepers(first) | keepers(second))
    [done] = await bot.ask(
        GROUP, "next", chat_type="group", reply_to_message_id=first["message_id"]
    )
    assert done["text"] == NOTHING_MORE  # after the page "More" showed too


async def test_more_sent_right_after_a_question_goes_on_with_its_answer(
    start_bot: BotFactory,
) -> None:
    """A question and "more" waiting together (sent while the bot was stopped) were handled
    at once: "more" went on with the answer before, as the question's had not come yet.
    A chat's updates are answered in the order they were sent."""
    async with start_bot() as bot:
        [before] = await bot.ask(USER, "Where did the joint exercise begin?")
    bot.fake.user_message(USER, "lighthouse keeper")
    bot.fake.user_message(USER, "more")
    bot.fake.delay_answer("sendChatAction", 0.5, count=2)  # the question searches slowly
    async with start_bot() as bot:
        [_, answer, page] = await bot.reply(USER, 3)
    assert len(keepers(answer)) == 3 and "Aslanduz" not in page["text"]
    assert "4. Lighthouse keepers of" in page["text"] and not keepers(page) & keepers(answer)
    assert "Aslanduz" in before["text"]


async def test_more_pressed_and_said_together_in_a_group_go_on_in_turn(bot: Harness) -> None:
    """One member pressed More ▸ as another replied "more" to the same answer: the bot
    said "The next passages are already below." before it had sent them. Handled in turn,
    the press shows the next page and the "more" the one after it."""
    [first] = await bot.ask(GROUP, f"/ask@{BOT} lighthouse keeper", chat_type="group")
    bot.fake.delay_answer("sendChatAction", 0.5, count=2)  # each page searches slowly
    bot.fake.callback_query(GROUP, first["message_id"], buttons(first)["More ▸"], user_id=77)
    said = bot.fake.user_message(
        GROUP, "more", chat_type="group", reply_to_message_id=first["message_id"]
    )
    [_, pressed, typed] = await bot.reply(GROUP, 3)
    assert pressed["reply_to_message"]["message_id"] == first["message_id"]
    assert "4. Lighthouse keepers of" in pressed["text"]
    assert typed["reply_to_message"]["message_id"] == said["message"]["message_id"]
    assert "7. Lighthouse keepers of" in typed["text"]
    assert not any(c.params.get("text") for c in bot.fake.calls("answerCallbackQuery"))


async def test_more_pressed_twice_at_once_says_already_below_once_it_is(bot: Harness) -> None:
    """Of two presses of the same More ▸ at once, the second was told the next passages
    were already below while the first was still searching them."""
    [answer] = await bot.ask(GROUP, f"/ask@{BOT} lighthouse keeper", chat_type="group")
    more = buttons(answer)["More ▸"]
    bot.fake.delay_answer("sendChatAction", 0.5)  # the page searches slowly
    bot.fake.callback_query(GROUP, answer["message_id"], more, user_id=77)
    bot.fake.callback_query(GROUP, answer["message_id"], more, user_id=78)
    await bot.reply(GROUP, 2)
    await bot.fake.wait_for("answerCallbackQuery", 2, timeout=WAIT)
    calls = [c for c in bot.fake.calls() if c.method in ("sendMessage", "answerCallbackQuery")]
    told = next(n for n, c in enumerate(calls) if c.params.get("text") == MORE_BELOW)
    [_, page] = [n for n, c in enumerate(calls) if c.method == "sendMessage"]
    assert page < told


async def test_a_slow_chat_does_not_hold_up_another(bot: Harness) -> None:
    """Only a chat's own updates wait for each other: another chat is answered meanwhile."""
    bot.fake.delay_answer("sendChatAction", 3.0)  # the first question searches slowly
    bot.fake.user_message(USER, "lighthouse keeper")
    await bot.fake.wait_for("sendChatAction", 1, timeout=WAIT)
    bot.fake.user_message(USER, "more")  # waits for that answer
    bot.fake.user_message(USER + 1, "Where did the joint exercise begin?")
    [other] = await until(lambda: bot.replies(USER + 1), "the other chat's answer")
    assert "Aslanduz" in other["text"] and not bot.replies(USER)
    [answer, page] = await bot.reply(USER, 2)
    assert "4. Lighthouse keepers of" in page["text"] and not keepers(page) & keepers(answer)


async def test_a_backlog_in_one_chat_does_not_hold_up_the_others() -> None:
    """Updates waiting for their chat's turn take no place among those handled at once:
    with python-telegram-bot's own bound, a chat's backlog of that many kept every other
    chat waiting."""
    processor = ChatsInTurn(at_once=2)
    release = asyncio.Event()
    handled: list[int] = []

    async def handle(update: Update) -> None:
        if update.effective_chat and update.effective_chat.id == USER:
            await release.wait()
        handled.append(update.update_id)

    def update(update_id: int, chat_id: int) -> Update:
        chat = Chat(chat_id, Chat.PRIVATE)
        return Update(update_id, message=Message(update_id, datetime.now(UTC), chat))

    updates = [update(n, USER) for n in range(1, 6)] + [update(6, USER + 1)]
    tasks = [asyncio.create_task(processor.process_update(u, handle(u))) for u in updates]
    await asyncio.wait_for(until(lambda: handled == [6], "the other chat's update"), WAIT)
    release.set()
    await asyncio.gather(*tasks)
    assert handled == [6, 1, 2, 3, 4, 5] and not len(processor)


async def test_every_page_of_an_answer_is_as_of_the_question(bot_keeping_2024: Harness) -> None:
    """Asked (say, after a backlog) on 15 April 2024, when four of the seven lighthouse
    stories were out: "More" ranked as of when the answer was stored (now), and its page
    quoted stories of May to July."""
    bot = bot_keeping_2024
    asked = int(datetime(2024, 4, 15, tzinfo=UTC).timestamp())
    [answer] = await bot.ask(USER, "lighthouse keeper", date=asked)
    assert await bot.press(USER, answer, buttons(answer)["More ▸"]) is None
    follow = (await bot.reply(USER, 2))[1]
    shown = answer["text"] + follow["text"]
    assert "4. Lighthouse keepers of" in follow["text"]
    for later in ("Muckle Flugga", "Longships", "Hook"):
        assert later not in shown


async def test_more_neither_repeats_nor_skips_when_an_article_arrives_in_between(
    bot_keeping_2024: Harness,
) -> None:
    """A story dated before the question but stored after it (a feed read late) enters the
    ranking as of the question. "More" paged by rank: the new story pushed the first page's
    last passage onto the second, and was itself never shown, ranking above the page."""
    bot = bot_keeping_2024
    asked = int(datetime(2024, 4, 15, tzinfo=UTC).timestamp())
    [answer] = await bot.ask(USER, "lighthouse keeper", date=asked)
    engine = bot.app.bot_data.engine
    late = ArticleDraft(
        title="Lighthouse keeper, lighthouse keeper: the last lighthouse keeper of Rathlin",
        text="The last lighthouse keeper of Rathlin, a lighthouse keeper for forty years, "
        "kept the lighthouse lamp lit.",
        source="Island News",
        published="2024-04-14",
    )
    await engine.add_articles([late])
    await engine.refresh()
    assert await bot.press(USER, answer, buttons(answer)["More ▸"]) is None
    follow = (await bot.reply(USER, 2))[1]
    first = [d.title for d in LIGHTHOUSES if d.title in answer["text"]]
    assert len(first) == 3
    assert not any(title in follow["text"] for title in first)  # no repeat
    assert "Rathlin" in follow["text"]  # and the new best story is not skipped


async def test_more_does_not_show_a_copy_of_an_earlier_page_stored_since(
    bot_keeping_2024: Harness,
) -> None:
    """The same wire stories read late from another feed, under headlines that rank higher:
    "More" left out the sentences shown, not their copies, and showed page one again."""
    bot = bot_keeping_2024
    asked = int(datetime(2024, 4, 15, tzinfo=UTC).timestamp())
    [answer] = await bot.ask(USER, "lighthouse keeper", date=asked)
    first = [d for d in LIGHTHOUSES if d.title in answer["text"]]
    assert len(first) == 3
    engine = bot.app.bot_data.engine
    copies = [
        replace(
            d,
            title=f"Lighthouse keeper news: {d.title}",
            text=f"{d.text} Distributed by the wire.",  # not the same words: stored
            source="Wire Service",
            url=None,
        )
        for d in first
    ]
    await engine.add_articles(copies)
    await engine.refresh()
    assert await bot.press(USER, answer, buttons(answer)["More ▸"]) is None
    follow = (await bot.reply(USER, 2))[1]
    assert "Wire Service" not in follow["text"]
    assert not any(d.title in follow["text"] for d in first)


async def test_more_on_a_page_stored_before_earlier_pages_were_kept_goes_by_rank(
    bot: Harness,
) -> None:
    """An answer row from before migration 11 knows only its own page: taking that for all
    that was shown, "More" on a second page quoted the first page again as 7 to 9."""
    [answer] = await bot.ask(USER, "lighthouse keeper")
    assert await bot.press(USER, answer, buttons(answer)["More ▸"]) is None
    second = (await bot.reply(USER, 2))[1]
    await bot.rows("UPDATE answers SET shown_before = NULL")  # as migration 11 left them
    assert await bot.press(USER, second, buttons(second)["More ▸"]) is None
    third = (await bot.reply(USER, 3))[2]
    assert "7. Lighthouse keepers of" in third["text"]
    shown = [d.title for d in LIGHTHOUSES if d.title in answer["text"] + second["text"]]
    assert len(shown) == 6 and not any(title in third["text"] for title in shown)


async def test_more_after_a_reindex_split_the_articles_again_shows_no_passage_twice(
    start_bot: BotFactory, settings: Settings
) -> None:
    """`newsbot reindex` gives the sentences of articles split again new ids: "More" left
    out the sentences of the pages shown by their ids, no longer stored, and showed the
    first page again."""
    async with start_bot() as bot:
        [answer] = await bot.ask(USER, "lighthouse keeper")
    split_as_before(settings.db_path, lambda text: list(enumerate(paragraphs(text))))
    assert (await resplit_articles(settings.db_path)).replaced
    async with start_bot() as bot:
        assert await bot.press(USER, answer, buttons(answer)["More ▸"]) is None
        follow = (await bot.reply(USER, 2))[1]
    first = [d.title for d in LIGHTHOUSES if d.title in answer["text"]]
    assert len(first) == 3
    assert "4. Lighthouse keepers of" in follow["text"]
    assert not any(title in follow["text"] for title in first)


async def test_a_double_tap_on_more_sends_the_next_passages_once(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "lighthouse keeper")
    more = buttons(answer)["More ▸"]
    bot.fake.callback_query(USER, answer["message_id"], more)
    bot.fake.callback_query(USER, answer["message_id"], more)
    await bot.fake.wait_for("answerCallbackQuery", 2, timeout=WAIT)
    await bot.settle()
    assert len(bot.replies(USER)) == 2  # the answer and one continuation
    texts = [c.params.get("text") for c in bot.fake.calls("answerCallbackQuery")]
    assert "The next passages are already below." in texts


async def test_more_can_be_pressed_again_when_its_page_failed_to_send(bot: Harness) -> None:
    """A page of "More" that Telegram refused left its button claimed for good: every press
    after it said the passages were "already below", and there were none."""
    [answer] = await bot.ask(USER, "lighthouse keeper")
    more = buttons(answer)["More ▸"]
    bot.fake.fail_next("sendMessage", 400, "Bad Request: something went wrong")
    assert await bot.press(USER, answer, more) is None
    await bot.settle()
    assert len(bot.replies(USER)) == 1  # the page did not arrive
    assert await bot.press(USER, answer, more) is None  # not "already below"
    follow = (await bot.reply(USER, 2))[1]
    assert "4. Lighthouse keepers of" in follow["text"]


@pytest.mark.parametrize("button", ["More ▸", "📄"])
async def test_a_press_too_old_to_acknowledge_still_sends_what_it_asked_for(
    button: str, bot: Harness
) -> None:
    """Telegram refuses to answer a press some 15 seconds old (one that waited out a restart
    or a backlog): the refusal ended the press before its page was sent, with the button
    claimed for good. Every press after it said "already below", and nothing was."""
    [answer] = await bot.ask(USER, "lighthouse keeper")
    data = buttons(answer)["More ▸"] if button == "More ▸" else article_button(answer)
    bot.fake.fail_next("answerCallbackQuery", 400, QUERY_TOO_OLD)
    bot.fake.callback_query(USER, answer["message_id"], data)
    page = (await bot.reply(USER, 2))[1]["text"]
    assert "4. Lighthouse keepers of" in page if button == "More ▸" else page.startswith("Lig")


async def test_a_press_whose_acknowledgement_was_dropped_can_be_pressed_again(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Telegram unreachable, the press's answer is dropped and nothing is sent (it
    would come late): the button stays usable, not "already below" for passages never sent."""
    monkeypatch.setattr(transport, "MAX_REPLY_AGE", 2.0)  # tries at 0, 0.5, 1.5 s: dropped
    [answer] = await bot.ask(USER, "lighthouse keeper")
    more = buttons(answer)["More ▸"]
    outage_ends = time.monotonic() + 3.0
    bot.fake.outage(3.0, 502, methods=("answerCallbackQuery",))
    bot.fake.callback_query(USER, answer["message_id"], more)
    await bot.settle()
    assert len(bot.replies(USER)) == 1
    await asyncio.sleep(max(0.0, outage_ends - time.monotonic()))
    assert await bot.press(USER, answer, more) is None  # not "already below"
    page = (await bot.reply(USER, 2))[1]
    assert "4. Lighthouse keepers of" in page["text"]


async def test_full_article_is_sent_split_into_valid_messages(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "harbour crane timber")
    full = buttons(answer).get("📄 Full article") or buttons(answer)["📄 1"]
    await bot.press(USER, answer, full)
    await bot.settle()
    pages = bot.replies(USER)[1:]
    assert len(pages) >= 3
    assert pages[0]["text"].startswith("The history of the harbour crane — Port Gazette")
    text = "".join(p["text"] for p in pages)
    assert "Part 19. The harbour crane lifted cargo & timber <heavy> for decades." in text
    assert all(len(p["text"]) <= 4096 for p in pages)


@pytest.mark.telegram_flood()  # Telegram's own limits: a chat takes a message a second
async def test_a_busy_group_s_answers_wait_out_the_flood_limits_and_lose_nothing(
    bot: Harness,
) -> None:
    """Three members ask at once, then one asks for a whole article: the bot sends to the
    group faster than Telegram takes it. Each 429 is waited out (its retry_after), and every
    answer and page arrives whole, in order, once."""
    bot.fake.add_chat(GROUP, "supergroup")
    places = ("Skerry", "Fastnet", "Eddystone")
    for n, place in enumerate(places):
        question = f"@{BOT} lighthouse keepers of {place}"
        bot.fake.user_message(GROUP, question, chat_type="supergroup", user_id=500 + n)
    answers = await bot.reply(GROUP, len(places))
    asked = [answer["reply_to_message"]["text"].rsplit(" ", 1)[-1] for answer in answers]
    assert asked == list(places) and all(
        p in a["text"] for p, a in zip(places, answers, strict=True)
    )
    [answer] = await bot.ask(GROUP, f"@{BOT} harbour crane timber", chat_type="supergroup")
    await bot.press(GROUP, answer, article_button(answer), user_id=TEST_USER_ID)
    await bot.settle()
    pages = [page["text"] for page in bot.replies(GROUP)[len(places) + 1 :]]
    assert len(pages) >= 3 and bot.fake.floods()  # Telegram refused some, for a while
    assert pages[0].startswith("The history of the harbour crane — Port Gazette")
    parts = [int(n) for n in re.findall(r"Part (\d+)\. ", "".join(pages))]
    assert parts == sorted(parts) and parts.count(0) == 12 and parts.count(19) == 12


async def test_a_full_article_a_stop_cut_short_is_sent_on_from_where_it_stopped(
    start_bot: BotFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 📄 article a restart cut short (its rest waiting for the group's share) ended
    without a word, and a press again after the start sent all of it again."""
    group_share(monkeypatch, 60.0, messages=3)  # the answer and two of the article's pages
    async with start_bot() as bot:
        bot.fake.add_chat(GROUP, "supergroup")
        [answer] = await bot.ask(GROUP, f"@{BOT} harbour crane timber", chat_type="supergroup")
        full = article_button(answer)
        bot.fake.callback_query(GROUP, answer["message_id"], full, user_id=TEST_USER_ID)
        await until(lambda: len(bot.replies(GROUP)) == 3, "two pages of the article")
        await bot.fake.wait_for("answerCallbackQuery", 1, timeout=WAIT)
    first = [page["text"] for page in bot.replies(GROUP)[1:]]
    monkeypatch.undo()
    async with start_bot() as bot:
        assert await bot.press(GROUP, answer, full) is None
        await bot.settle()
        rest = [page["text"] for page in bot.replies(GROUP)[3:]]
        assert await bot.press(GROUP, answer, full) == (
            "That article was sent here already, under this answer."
        )
    assert first[0].startswith("The history of the harbour crane — Port Gazette") and rest
    text = "".join(first + rest)
    assert text.count("Part 0. ") == 12 and text.count("Part 19. ") == 12  # each once


async def test_a_reply_to_a_full_article_follows_up_its_answer(bot: Harness) -> None:
    """A reply to the article a 📄 button sent was asked alone (in a group, taken for talk
    and dropped): the article's message was linked to no answer."""
    for chat, kind in ((USER, "private"), (GROUP, "group")):
        [answer] = await bot.ask(chat, f"/ask@{BOT} lighthouse keeper", chat_type=kind)
        assert await bot.press(chat, answer, article_button(answer)) is None
        article = (await bot.reply(chat, 2))[-1]
        assert article["text"].startswith("Lighthouse keepers of")
        [follow] = await bot.ask(
            chat,
            "when was it automated?",
            chat_type=kind,
            reply_to_message_id=article["message_id"],
        )
        assert not keepers(follow) & keepers(answer)  # the answer's passages are not repeated
    logged = await bot.rows("SELECT question FROM query_log WHERE question LIKE 'when%'")
    assert logged == [("when was it automated? lighthouse keeper",)] * 2


async def test_votes_are_stored_with_question_and_passages(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "central bank rates")
    assert await bot.press(USER, answer, buttons(answer)["👍"]) == "Thanks, noted 👍"
    assert await bot.press(USER, answer, buttons(answer)["👎"]) == "Thanks, noted 👎"
    [(question, sentence_ids, vote, chat_id, user_id)] = await bot.rows(
        "SELECT question, sentence_ids, vote, chat_id, user_id FROM feedback"
    )
    assert (question, vote, chat_id, user_id) == ("central bank rates", -1, USER, USER)
    shown = await bot.rows("SELECT passages FROM answers")
    assert json.loads(sentence_ids) == [i for p in json.loads(shown[0][0]) for i in p[1]]


async def test_a_vote_the_database_does_not_take_is_said_not_saved(bot: Harness) -> None:
    """A vote the database refused (read-only, as on a full disk, or a lock held past the
    bot's wait) was answered "Thanks, noted": nothing was. Only a forgotten answer was told
    apart."""
    [answer] = await bot.ask(USER, "central bank rates")
    conn = bot.app.bot_data.conversations.conn
    await conn.execute("PRAGMA query_only = ON")  # as if full
    assert await bot.press(USER, answer, buttons(answer)["👍"]) == VOTE_NOT_SAVED
    assert await bot.rows("SELECT count(*) FROM feedback") == [(0,)]
    await conn.execute("PRAGMA query_only = OFF")  # the disk has room again
    assert await bot.press(USER, answer, buttons(answer)["👍"]) == "Thanks, noted 👍"
    assert await bot.rows("SELECT vote FROM feedback") == [(1,)]


async def test_only_a_button_under_an_answer_votes_on_it(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "central bank rates")
    [other] = await bot.ask(2002, "lighthouse keeper")  # another chat's answer
    their_vote = buttons(other)["👎"]
    answered = len(bot.fake.calls("answerCallbackQuery"))
    # Pressed on a message sent in inline mode (no chat, no message), and forged on one of
    # this chat's answers: neither may vote on the other chat's answer, or continue it.
    bot.fake.inline_callback_query("AgAAAnything", their_vote, user_id=666)
    bot.fake.callback_query(USER, answer["message_id"], their_vote, forged=True)
    more = buttons(other)["More ▸"]
    bot.fake.callback_query(USER, answer["message_id"], more, forged=True)
    article = next(data for text, data in buttons(other).items() if text.startswith("📄"))
    bot.fake.inline_callback_query("AgAAAnything", article, user_id=666)  # nowhere to send it
    calls = await bot.fake.wait_for("answerCallbackQuery", answered + 4, timeout=WAIT)
    await bot.settle()
    assert await bot.rows("SELECT answer_id, user_id FROM feedback") == []
    assert len(bot.replies(USER)) == 1 and len(bot.replies(2002)) == 1
    assert {c.params.get("text") for c in calls[answered:]} == {NOT_UNDER_AN_ANSWER}
    assert await bot.press(2002, other, their_vote) == "Thanks, noted 👎"  # the real one counts


async def test_a_full_article_comes_only_for_an_article_its_answer_quoted(bot: Harness) -> None:
    """ "full:N" was taken on any message for any id: a modified client could read an article
    no answer showed (an archived one), and an id past SQLite's integers was an
    OverflowError and a "Sorry". Data no handler takes was never answered at all."""
    [answer] = await bot.ask(USER, "central bank rates")
    [other] = await bot.ask(USER, "lighthouse keeper")
    theirs = next(data for text, data in buttons(other).items() if text.startswith("📄"))
    answered = len(bot.fake.calls("answerCallbackQuery"))
    # with no data at all, or empty, a press passes every pattern: "More" would take it, to
    # a "Sorry" and an IndexError (empty), or no answer and a spinning client (none)
    forged = (theirs, "full:99999999999999999999999", "more:abc", "vote:1:2", "x", "", None)
    for data in forged:
        bot.fake.callback_query(USER, answer["message_id"], data, forged=True)
    calls = await bot.fake.wait_for("answerCallbackQuery", answered + 7, timeout=WAIT)
    await bot.settle()
    assert [c.params.get("text") for c in calls[answered:]] == [NOT_UNDER_AN_ANSWER] * 7
    assert len(bot.replies(USER)) == 2  # no article sent, no "Sorry"
    assert await bot.press(USER, other, theirs) is None  # under its own answer it comes
    await bot.settle()
    assert bot.replies(USER)[2]["text"].startswith("Lighthouse keepers of")


async def test_a_full_article_is_sent_once_under_its_answer(bot: Harness) -> None:
    """Each press sent the article again, up to eight messages: one member could post 160
    messages a minute into a group, and everyone's answers waited behind them."""
    [answer] = await bot.ask(USER, "lighthouse keeper")
    article = article_button(answer)
    assert await bot.press(USER, answer, article) is None
    await bot.settle()
    sent = len(bot.replies(USER))
    for presser in (USER, 2003):  # again, by anyone
        told = await bot.press(USER, answer, article, user_id=presser)
        assert told == "That article was sent here already, under this answer."
    await bot.settle()
    assert len(bot.replies(USER)) == sent
    [again] = await bot.ask(USER, "lighthouse keeper")  # a new answer may send it again
    assert await bot.press(USER, again, article_button(again)) is None
    await bot.settle()
    assert len(bot.replies(USER)) > sent + 1


async def test_an_answer_shown_before_its_articles_were_split_again_sends_them(
    start_bot: BotFactory, settings: Settings
) -> None:
    """`newsbot reindex` splits the articles of an older splitter again, under new sentence
    ids: the 📄 buttons of an answer shown before go by the articles it recorded, not by
    the ids of the sentences it quoted, which are no longer stored."""
    async with start_bot() as bot:
        [answer] = await bot.ask(USER, "lighthouse keeper")
    # stored by a splitter that parted paragraphs only, then upgraded and reindexed
    split_as_before(settings.db_path, lambda text: list(enumerate(paragraphs(text))))
    assert (await resplit_articles(settings.db_path)).replaced
    async with start_bot() as bot:
        assert await bot.press(USER, answer, article_button(answer)) is None
        await bot.settle()
        assert bot.replies(USER)[1]["text"].startswith("Lighthouse keepers of")


async def test_sources_and_latest(bot: Harness) -> None:
    [sources] = await bot.ask(USER, "/sources")
    assert "5 outlets, 11 articles" in sources["text"]
    assert "• Coastal Times — 7" in sources["text"]
    assert "• Finance <Daily> — 1" in sources["text"]
    [latest] = await bot.ask(USER, "/latest")
    lines = latest["text"].splitlines()
    assert lines[0] == "Latest headlines"
    assert lines[1].startswith("• Azerbaijani and Iranian forces")  # 2024-11-25, the newest
    assert "text_link" in entity_types(latest)


async def test_latest_lists_a_story_once_with_its_other_outlets(bot: Harness) -> None:
    """/latest gave each report a line: three outlets' reports of one story took three of
    its ten. One line a story, its newest report, the other outlets after it."""
    ferry = [
        ArticleDraft(
            title=title,
            text=f"{lead} The ferry crews returned to work on Monday after two weeks.",
            source=source,
            published=f"2025-03-01T{hour:02}:00:00Z",
        )
        for title, lead, source, hour in (
            ("Harbour ferry strike ends", "The harbour ferry strike ended.", "Port Gazette", 9),
            ("Ferry crews end harbour strike", "Ferry crews ended their strike.", "Radio", 10),
            ("Harbour ferries sail again", "Harbour ferries sailed again.", "PORT GAZETTE", 11),
        )
    ]
    await bot.app.bot_data.engine.add_articles(ferry)
    [latest] = await bot.ask(USER, "/latest")
    lines = latest["text"].splitlines()
    assert lines[1].startswith("• Harbour ferries sail again — PORT GAZETTE · 1 March 2025")
    assert lines[1].endswith(" · also Radio")
    assert lines[2].startswith("• Azerbaijani and Iranian forces")  # the next story
    assert "ferry" not in "\n".join(lines[2:]).lower()


async def test_latest_lists_undated_articles_after_the_dated(bot: Harness) -> None:
    """An undated article counted from when it was stored: a backfill without dates,
    ingested today, opened /latest above the newest dated news. It comes after every dated
    story now: here, where ten dated stories fill the list, not at all."""
    undated = ArticleDraft(
        title="Bakery wins bread prize",
        text="The corner bakery on Mill Street won the county bread prize for its rye.",
        source="Port Gazette",
    )
    await bot.app.bot_data.engine.add_articles([undated])
    [latest] = await bot.ask(USER, "/latest")
    lines = latest["text"].splitlines()
    assert lines[1].startswith("• Azerbaijani and Iranian forces")  # 2024-11-25, the newest
    assert len(lines) == 11 and "Bakery" not in latest["text"]


# ----- who may use it --------------------------------------------------------------------


async def test_a_chat_not_allowed_is_told_once_and_shown_nothing(start_bot: BotFactory) -> None:
    async with start_bot(allowed_chats=frozenset({USER}), admins=frozenset({77})) as bot:
        [refusal] = await bot.ask(-100999, f"/ask@{BOT} joint exercise", chat_type="supergroup")
        assert "-100999" in refusal["text"] and "NEWSBOT_ALLOWED_CHATS" in refusal["text"]
        bot.fake.user_message(-100999, f"/ask@{BOT} joint exercise", chat_type="supergroup")
        bot.fake.user_message(2002, "joint exercise")
        await bot.settle()
        assert len(bot.replies(-100999)) == 1  # not repeated
        [private_refusal] = bot.replies(2002)
        assert "2002" in private_refusal["text"]
        assert "Aslanduz" not in private_refusal["text"]
        [answer] = await bot.ask(USER, "joint exercise")  # the allowed chat is answered
        assert "Aslanduz" in answer["text"]
        [admin] = await bot.ask(
            -100999, f"/ask@{BOT} joint exercise", chat_type="supergroup", user_id=77
        )
        assert "Aslanduz" in admin["text"]
        # a member presses a button under the admin's answer: told why, not left spinning
        data = next(iter(buttons(admin).values()))
        said = await bot.press(-100999, admin, data, user_id=555)
        assert said == "This chat is not allowed to use the bot."
        bot.fake.inline_query(2002, "joint exercise")
        [inline] = await bot.fake.wait_for("answerInlineQuery", 1, timeout=WAIT)
        assert inline.params["results"] == []
        assert inline.params["button"]["start_parameter"] == "access"
        refused = await bot.rows(
            "SELECT id, refused_ts IS NOT NULL, title IS NULL FROM chats ORDER BY id"
        )
        # a chat is kept by its id alone, not its names: a stranger's, and any other
        assert refused == [(-100999, 1, 1), (USER, 0, 1), (2002, 1, 1)]


async def test_a_crowd_of_strangers_is_told_a_few_chats_a_minute(start_bot: BotFactory) -> None:
    """Chats not on the allowlist, each writing, were each told at once (counted by no
    limit: the allowed chats' answers waited behind them) and each stored with its names."""
    async with start_bot(allowed_chats=frozenset({USER})) as bot:
        strangers = range(50_000, 50_000 + REFUSALS_PER_MINUTE + 5)
        for chat in strangers:
            bot.fake.user_message(chat, "joint exercise")
            if chat % 4 == 3:  # a few at a time: the fake's listen queue is short
                await bot.settle()
        await bot.settle()
        told = [chat for chat in strangers if bot.replies(chat)]
        assert len(told) == REFUSALS_PER_MINUTE
        rows = await bot.rows("SELECT count(*), count(title) FROM chats WHERE id >= 50000")
        assert rows == [(REFUSALS_PER_MINUTE, 0)]
        [answer] = await bot.ask(USER, "joint exercise")
        assert "Aslanduz" in answer["text"]


@pytest.mark.parametrize("code", [400, 403])
async def test_a_chat_not_allowed_is_shown_nothing_when_its_refusal_fails(
    start_bot: BotFactory, code: int
) -> None:
    """When Telegram refused the refusal (a 400; a 403: the user had blocked the bot, or
    a time-out), the access check's error went to the error handler and the next handlers
    ran: the question of a chat not allowed was answered, passages and all."""
    async with start_bot(allowed_chats=frozenset({USER})) as bot:
        bot.fake.fail_next("sendMessage", code, "Bad Request: message thread not found")
        bot.fake.user_message(2002, "joint exercise")
        bot.fake.fail_next("answerInlineQuery", 400, "Bad Request: query is too old")
        bot.fake.inline_query(2002, "joint exercise")
        await bot.settle()
        sent = [c.params["text"] for c in bot.fake.calls("sendMessage")]
        assert len(sent) == 1 and "not enabled for this chat" in sent[0]
        [inline] = bot.fake.calls("answerInlineQuery")
        assert inline.params["results"] == []


async def test_the_bot_forgets_questions_past_their_days_from_its_start(
    start_bot: BotFactory, settings: Settings
) -> None:
    old, recent = time.time() - 31 * 86400, time.time() - 29 * 86400
    for chat, asked in ((1, old), (2, recent)):
        run_sql(
            settings.db_path,
            "INSERT INTO query_log (chat_id, user_id, question, results, elapsed_ms,"
            " created_ts) VALUES (?, 9, 'harbour?', 1, 2.0, ?)",
            chat,
            asked,
        )
    left = "SELECT chat_id FROM query_log"
    async with start_bot(keep_days=30) as bot:
        await until(lambda: run_sql(settings.db_path, left) == [(2,)], "the first forgetting")
        [job] = bot.app.job_queue.get_jobs_by_name("forget old questions")
        assert job.trigger.interval == timedelta(seconds=bot_app.FORGET_SECONDS)


async def test_admin_only_commands_check_the_admins(
    fake_telegram: FakeTelegramServer, settings: Settings
) -> None:
    async def secret(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("admin stuff")

    app = build_application(replace(settings, admins=frozenset({77})))
    app.add_handler(CommandHandler("secret", admin_only(secret)))
    async with running(app):
        bot = Harness(app, fake_telegram, settings.db_path)
        [refused] = await bot.ask(USER, "/secret")
        assert refused["text"].startswith("Only the bot's admins can use that command")
        [done] = await bot.ask(77, "/secret")
        assert done["text"] == "admin stuff"


async def test_open_bot_warns_at_start_up(
    start_bot: BotFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.app")
    async with start_bot(allowed_chats=frozenset({USER})):
        pass
    assert "NEWSBOT_ALLOWED_CHATS" not in caplog.text
    async with start_bot():
        pass
    assert "NEWSBOT_ALLOWED_CHATS is not set: the bot answers anyone" in caplog.text


async def test_an_env_file_others_may_read_is_warned_of_at_start_up(
    start_bot: BotFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`cp .env.example .env` makes it 0644 under the usual umask: the token in it was
    readable by every user of the machine, without a word."""
    env = tmp_path / ".env"
    env.write_text(f"TELEGRAM_BOT_TOKEN={TEST_TOKEN}\n")
    caplog.set_level(logging.WARNING, logger="bot.app")
    env.chmod(0o600)
    async with start_bot(env_file=env):
        pass
    assert str(env) not in caplog.text
    env.chmod(0o640)
    async with start_bot(env_file=env):
        pass
    warned = f"{env} is readable by others than its owner (mode 0640), and it may hold"
    assert caplog.text.count(warned) == 1 and f"chmod 600 {env}" in caplog.text
    assert TEST_TOKEN.split(":")[1] not in caplog.text


async def test_per_user_question_limit(start_bot: BotFactory) -> None:
    async with start_bot(questions_per_minute=2) as bot:
        await bot.ask(USER, "joint exercise")
        await bot.ask(USER, "central bank")
        [limited] = await bot.ask(USER, "harvest festival")
        assert "You have sent me 2 questions and commands in the last minute" in limited["text"]
        bot.fake.user_message(USER, "lighthouse")
        await bot.settle()
        assert len(bot.replies(USER)) == 3  # told once, then quiet
        [other] = await bot.ask(2002, "harvest festival")  # another user is not limited
        assert "harvest" in other["text"].lower()
        # "More" counts as a question: it searches again
        [answer] = await bot.ask(2002, "lighthouse keeper")
        told = await bot.press(2002, answer, buttons(answer)["More ▸"])
        assert told == "Too many questions in the last minute; try again shortly."
        await bot.settle()
        assert len(bot.replies(2002)) == 2


async def test_every_reply_counts_against_the_senders_limit(start_bot: BotFactory) -> None:
    """Only questions counted: a member repeating /sources in a group filled its share of
    Telegram's flood limit (some 20 messages a minute), and everyone's answers waited
    behind the replies."""
    async with start_bot(questions_per_minute=2) as bot:
        await bot.ask(GROUP, f"/sources@{BOT}", chat_type="group", user_id=5)
        await bot.ask(GROUP, f"/help@{BOT}", chat_type="group", user_id=5)
        [limited] = await bot.ask(GROUP, f"/latest@{BOT}", chat_type="group", user_id=5)
        assert "You have sent me 2 questions and commands in the last minute" in limited["text"]
        for command in ("/sources", "/start", "/subscription", "/ask"):
            bot.fake.user_message(GROUP, f"{command}@{BOT}", chat_type="group", user_id=5)
        await bot.settle()
        assert len(bot.replies(GROUP)) == 3  # told once, then quiet
        [answer] = await bot.ask(GROUP, f"/ask@{BOT} joint exercise", chat_type="group")
        assert "Aslanduz" in answer["text"]  # another member is not held up
        for _ in range(2):  # in a private chat, an unknown command is pointed to /help
            await bot.ask(7, "/nonsense")
        [limited] = await bot.ask(7, "/nonsense")
        assert "You have sent me 2 questions and commands in the last minute" in limited["text"]


async def test_anonymous_admins_count_as_their_group(start_bot: BotFactory) -> None:
    """Every anonymous admin arrives as one user (GroupAnonymousBot): keyed by it, two
    anonymous questions in one group used up the limit of anonymous admins everywhere."""
    async with start_bot(questions_per_minute=2) as bot:
        for group in (-1001, -1002):
            bot.fake.add_chat(group, "supergroup")
        for question in ("joint exercise", "central bank"):
            await bot.ask(-1001, f"/ask@{BOT} {question}", chat_type="supergroup", anonymous=True)
        [other] = await bot.ask(
            -1002, f"/ask@{BOT} joint exercise", chat_type="supergroup", anonymous=True
        )
        assert "Aslanduz" in other["text"]
        [limited] = await bot.ask(
            -1001, f"/ask@{BOT} joint exercise", chat_type="supergroup", anonymous=True
        )
        assert "You have sent me 2 questions and commands" in limited["text"]


async def test_a_passage_posted_through_inline_mode_in_the_bots_chat_is_no_question(
    bot: Harness,
) -> None:
    """Picked from `@bot question` inside the bot's own chat, the passage is the user's
    message, sent via the bot: it was searched as a question and answered again."""
    passage = "Aslanduz, in Ardabil province, hosted the exercise."
    bot.fake.user_message(USER, passage, via_bot=True)
    await bot.settle()
    assert bot.replies(USER) == []
    [answer] = await bot.ask(USER, "joint exercise")  # a message of the user's own is asked
    assert "Aslanduz" in answer["text"]


async def test_a_follow_up_is_read_as_it_is_searched(bot: Harness) -> None:
    """ "Who won Wimbledon?" and 3,000 "!" sent after an answer followed it up without its
    last word: cut to fit beside the question it follows, back to the space before
    "Wimbledon?!!!…", "Who won" was searched with it, and no cut was told. The follow-up
    is told, and cut, on the text searched (`read_question`): a run of marks as three,
    and markup read ("<b>which</b>" opens with no question word, as typed)."""
    await bot.ask(USER, "joint exercise")
    [answer] = await bot.ask(USER, "which province?" + "!" * 3000)
    assert "cut at" not in answer["text"]
    await bot.ask(USER, "<b>which</b> province?")
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert logged[1:] == [
        ("which province?!! joint exercise",),
        ("which province? joint exercise",),
    ]


async def test_a_long_follow_up_keeps_the_question_it_follows(bot: Harness) -> None:
    """The two were joined, then cut to the 1,000 characters a question is read to: a long
    follow-up lost the question it followed, and nothing matched. The follow-up is cut
    between words: its half word ("zq") was searched, and named as no article's."""
    [first] = await bot.ask(USER, "lighthouse keeper")
    long = "what did they say about " + "zqxvb and " * 120  # "they": it points back
    [follow] = await bot.ask(USER, long, reply_to_message_id=first["message_id"])
    assert "Lighthouse keepers of" in follow["text"]  # the lighthouses the first left
    assert "No stored article mentions “zqxvb”: these passages match" in follow["text"]


# ----- Telegram's rules ------------------------------------------------------------------


async def test_flood_control_429_is_waited_out_not_dropped(bot: Harness) -> None:
    bot.fake.fail_next("sendMessage", 429, retry_after=1)
    [answer] = await bot.ask(USER, "joint exercise")
    assert "Aslanduz" in answer["text"]
    first, second = bot.fake.calls("sendMessage")[:2]
    assert second.time - first.time >= 1.0  # retry_after respected


async def test_one_chats_flood_control_holds_up_no_other_chats_answer(bot: Harness) -> None:
    """AIORateLimiter paused every call of the bot for a 429's retry_after: a busy group
    over its share of Telegram's flood limit held up every private chat's answer."""
    flooded, other = 1502, 1503
    bot.fake.fail_next("sendMessage", 429, retry_after=3)
    bot.fake.user_message(flooded, "joint exercise")
    await bot.fake.wait_for("sendMessage", 1, timeout=WAIT)  # answered 429: paused
    [answer] = await bot.ask(other, "central bank rates")
    assert "4.5%" in answer["text"]
    [late] = await bot.reply(flooded)  # after its retry_after
    assert "Aslanduz" in late["text"]
    sent_to = [call.params["chat_id"] for call in bot.fake.calls("sendMessage")]
    assert sent_to == [flooded, other, flooded]


async def test_a_flood_outlasting_the_retries_gets_no_apology(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A "Sorry" to a chat under flood control would only add to the flood."""
    bot.fake.fail_next("sendMessage", 429, retry_after=1, count=RATE_LIMIT_RETRIES + 1)
    update = bot.fake.user_message(USER, "joint exercise")
    await until(lambda: f"update {update['update_id']} failed" in caplog.text, "the failure")
    await bot.settle()
    await asyncio.sleep(1.0)
    assert len(bot.fake.calls("sendMessage")) == RATE_LIMIT_RETRIES + 1  # and no fifth
    assert bot.replies(USER) == []


@pytest.mark.parametrize(
    "question",
    [
        "<script>alert('x')</script> joint exercise",
        "Rates & <Markets> &amp; bank",
        "🎉 harvest festival 🎃 crowds 👨‍👩‍👧",
        "</blockquote><b>lighthouse",
        "lighthouse " * 364,  # 4,004 characters
    ],
    ids=["script", "ampersand", "emoji", "tags", "4000-chars"],
)
async def test_html_hostile_questions_get_valid_answers(bot: Harness, question: str) -> None:
    [answer] = await bot.ask(USER, question)
    assert answer["text"] != SOMETHING_WENT_WRONG
    assert "<script>" not in answer["text"]
    await bot.settle()
    assert len(bot.fake.calls("sendMessage")) == 1  # accepted at once: no 400, no apology


def shown(message: dict[str, Any], kind: str) -> list[str]:
    """The text of each entity of `kind` in a message ("bold", "blockquote")."""
    text = message["text"]
    return [
        text[e["offset"] : e["offset"] + e["length"]]
        for e in message.get("entities", [])
        if e["type"] == kind
    ]


async def test_a_name_joined_by_an_ampersand_is_bold_whole(bot: Harness) -> None:
    """ "AT&T" was <b>AT</b>&amp;T: the tokenizer reads "AT" and no "T". The bold covers
    the name the question writes, whole."""
    engine = bot.app.bot_data.engine
    stake = "AT&T agreed to sell its stake in the Quillwort cable network to a rival."
    await engine.add_articles([ArticleDraft("Quillwort stake sold", stake, source="Wire")])
    await engine.refresh()
    [answer] = await bot.ask(USER, "Did AT&T sell its Quillwort stake?")
    bold = shown(answer, "bold")
    assert "AT&T" in bold and "AT" not in bold
    [sent] = [c.params["text"] for c in bot.fake.calls("sendMessage")][-1:]
    assert "<b>AT&amp;T</b>" in sent


async def test_a_paragraph_without_a_stop_ends_a_line_of_the_blockquote(bot: Harness) -> None:
    """Story highlights, a paragraph each without a stop, ran into each other in the
    blockquote ("...to a rival The Quillwort deal..."): a line break now, as on the page."""
    highlights = [
        "Harbour Wire agreed to sell its stake in the Quillwort cable network to a rival",
        "The Quillwort deal is worth $2 billion to the company, including its debt and studios",
    ]
    engine = bot.app.bot_data.engine
    await engine.add_articles(
        [ArticleDraft("Quillwort stake sold", "\n\n".join(highlights), source="Wire")]
    )
    await engine.refresh()
    [answer] = await bot.ask(USER, "Did Harbour Wire agree to sell its Quillwort network stake?")
    assert "\n".join(highlights) in shown(answer, "blockquote")


async def test_html_in_titles_and_sources_survives(bot: Harness) -> None:
    [answer] = await bot.ask(USER, "central bank rates")
    assert "Rates & <Markets>: the central bank holds — Finance <Daily>" in answer["text"]
    link = next(e for e in answer["entities"] if e["type"] == "text_link")
    assert link["url"] == "https://example.com/markets?id=1&q=%3Crates%3E"


# ----- failures and the token ------------------------------------------------------------


async def test_a_failure_is_logged_with_the_update_id_and_told_plainly(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities: boom")
    update = bot.fake.user_message(USER, "joint exercise")
    [sorry] = await bot.reply(USER)
    assert sorry["text"] == SOMETHING_WENT_WRONG
    failure = next(r for r in caplog.records if r.name == "bot.gate")
    assert failure.getMessage() == f"update {update['update_id']} failed"
    assert failure.exc_info is not None
    # refused, so certainly not delivered: not logged as a reply that "may have arrived"
    assert "may have arrived" not in caplog.text


async def test_a_stop_that_cannot_save_the_index_still_closes_the_database(
    start_bot: BotFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a full disk, SIGTERM said the index could not be saved, then hung: the database,
    never closed, kept its thread and the process alive."""

    async def no_room() -> None:
        raise IndexWriteError("cannot save the index: there is no room for it")

    with pytest.raises(IndexWriteError, match="no room"):
        async with start_bot() as bot:
            shared = bot.app.bot_data
            monkeypatch.setattr(shared.engine, "save_index", no_room)
            shared.index_dirty = True
            connection = shared.conversations.conn
    with pytest.raises(ValueError, match="no active connection"):
        connection.in_transaction  # noqa: B018 -- closed: it raises


async def test_a_database_that_takes_no_writes_still_answers(bot: Harness) -> None:
    """On a full disk the bot answered nothing: noting the chat and logging the question
    raised, and the asker got "Sorry, something went wrong" twice."""
    await bot.app.bot_data.conversations.conn.execute("PRAGMA query_only = ON")  # as if full
    [answer] = await bot.ask(2005, "joint exercise")
    assert "Aslanduz" in answer["text"]
    assert "reply_markup" not in answer  # its buttons need the answer stored
    await bot.settle()
    assert len(bot.replies(2005)) == 1


async def test_a_command_the_database_cannot_take_says_so_without_a_traceback(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """/subscribe on a full disk got "Sorry, something went wrong" and an ERROR traceback,
    as a bug would: the user is told the database could not be written, the log what to
    fix."""
    await bot.app.bot_data.subscriptions.conn.execute("PRAGMA query_only = ON")  # as if full
    [sorry] = await bot.ask(2005, "/subscribe 07:30")
    assert sorry["text"] == DATABASE_UNWRITABLE
    [failure] = [r for r in caplog.records if r.name == "bot.gate"]
    assert failure.exc_info is None
    assert "the database cannot be written (attempt to write a readonly database)" in (
        failure.getMessage()
    )


async def test_the_bot_answers_while_another_process_holds_the_write_lock(
    start_bot: BotFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ingest's transaction held the lock: the bot's every record (the chat, the query
    log, the answer) waited out the 30-second busy timeout on the engine's one connection,
    and every read of the bot queued behind it: nobody was answered, not even /start,
    until the lock was released."""
    monkeypatch.setattr(bookkeeping, "BOOKKEEPING_WAIT_S", 0.3)  # 2 s in a bot
    async with start_bot() as bot:
        with closing(sqlite3.connect(bot.db_path, isolation_level=None)) as holder:
            holder.execute("BEGIN IMMEDIATE")  # what a writer at work holds
            holder.execute("INSERT INTO meta (key, value) VALUES ('held', '1')")
            [hello] = await bot.ask(2006, "/start")
            [answer] = await bot.ask(USER, "joint exercise")
            holder.execute("ROLLBACK")
        assert hello["text"].startswith("Hi")
        assert "Aslanduz" in answer["text"]
        assert "reply_markup" not in answer  # its buttons need the answer stored: left out
        assert await bot.rows("SELECT count(*) FROM query_log") == [(0,)]  # and its log line
        [again] = await bot.ask(USER, "joint exercise")  # once the lock is released
        assert "reply_markup" in again
        assert await bot.rows("SELECT question FROM query_log") == [("joint exercise",)]


async def test_a_failure_in_a_forum_topic_is_told_in_that_topic(bot: Harness) -> None:
    bot.fake.add_chat(GROUP, "supergroup")
    bot.fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities: boom")
    bot.fake.user_message(GROUP, f"/ask@{BOT} joint exercise", chat_type="supergroup", topic=5)
    [sorry] = await bot.reply(GROUP)
    assert sorry["text"] == SOMETHING_WENT_WRONG and sorry["message_thread_id"] == 5


@pytest.mark.parametrize(
    "refusal", ["Bad Request: TOPIC_CLOSED", "Bad Request: message thread not found"]
)
async def test_a_question_whose_topic_closed_meanwhile_gets_no_apology_there(
    bot: Harness, caplog: pytest.LogCaptureFixture, refusal: str
) -> None:
    """The apology was tried in the same closed topic, and failed too, after an ERROR with
    a traceback for a refusal that is no bug."""
    bot.fake.add_chat(GROUP, "supergroup")
    bot.fake.fail_next("sendMessage", 400, refusal)
    update = bot.fake.user_message(
        GROUP, f"/ask@{BOT} joint exercise", chat_type="supergroup", topic=5
    )
    await bot.settle()
    assert len(bot.fake.calls("sendMessage")) == 1 and bot.replies(GROUP) == []
    [record] = [r for r in caplog.records if r.name == "bot.gate"]
    assert record.getMessage().startswith(
        f"update {update['update_id']}: its forum topic is closed or deleted"
    )
    assert record.levelno == logging.WARNING and record.exc_info is None


async def test_a_blocked_chat_is_logged_without_a_traceback(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.add_chat(USER)
    bot.fake.block_chat(USER)
    update = bot.fake.user_message(USER, "joint exercise")
    await bot.settle()
    [record] = [r for r in caplog.records if r.name == "bot.gate"]
    assert record.getMessage() == (
        f"update {update['update_id']}: cannot send to the chat: "
        "Forbidden: bot was blocked by the user"
    )
    assert record.levelno == logging.WARNING and record.exc_info is None


OLD_GROUP, SUPERGROUP = -4242, -1004242  # a group, and the supergroup it became


async def test_a_question_asked_as_its_group_became_a_supergroup_is_answered_there(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The group was upgraded before the answer went out: Telegram refused it (ChatMigrated),
    "update failed" was logged, and neither chat heard anything. Digests followed already."""
    bot.fake.add_chat(OLD_GROUP, "group", title="Desk")
    bot.fake.user_message(OLD_GROUP, f"/ask@{BOT} lighthouse keeper", chat_type="group")
    bot.fake.migrate_chat(OLD_GROUP, SUPERGROUP)  # before the bot could answer
    [answer] = await bot.reply(SUPERGROUP)
    assert "1. Lighthouse keepers of" in answer["text"] and "reply_to_message" not in answer
    assert await bot.press(SUPERGROUP, answer, buttons(answer)["More ▸"]) is None  # its own
    assert "4. Lighthouse keepers of" in (await bot.reply(SUPERGROUP, 2))[1]["text"]
    assert bot.replies(OLD_GROUP) == [] and "failed" not in caplog.text
    # a reply that fails on the way is apologised for there too
    bot.fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities: boom")
    bot.fake.user_message(OLD_GROUP, f"/ask@{BOT} joint exercise", chat_type="group")
    sorry = (await bot.reply(SUPERGROUP, 3))[2]
    assert sorry["text"] == SOMETHING_WENT_WRONG


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("/ask", "Ask me a question"),
        ("/sources", "5 outlets, 11 articles"),
        ("/latest", "Lighthouse keepers of"),
        ("/help", "Ask me about the news corpus."),
        ("/start", "Use /ask with a question"),
        ("/digest", "No new articles since"),
        ("/subscription", "There is no daily digest here yet."),
        ("/subscribe", "This group has just become a supergroup: send it again here."),
        ("/unsubscribe", "This group has just become a supergroup: send it again here."),
        ("/removearticle", "Only the bot's admins can use that command"),
        ("/feeds", "Only the bot's admins can use that command"),
    ],
)
async def test_a_command_in_a_group_becoming_a_supergroup_is_answered_there(
    bot: Harness, caplog: pytest.LogCaptureFixture, command: str, said: str
) -> None:
    """Answers followed the group into the supergroup it became; the reply to /sources, or
    to a bare /ask, was refused by Telegram, and only the apology reached the supergroup."""
    bot.fake.add_chat(OLD_GROUP, "group", title="Desk")
    bot.fake.user_message(OLD_GROUP, f"{command}@{BOT}", chat_type="group")
    bot.fake.migrate_chat(OLD_GROUP, SUPERGROUP)  # before the bot could reply
    [reply] = await bot.reply(SUPERGROUP)
    assert said in reply["text"] and "reply_to_message" not in reply
    assert bot.replies(OLD_GROUP) == [] and "failed" not in caplog.text


async def test_a_full_article_asked_for_as_its_group_became_a_supergroup_goes_there(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.add_chat(OLD_GROUP, "group", title="Desk")
    [answer] = await bot.ask(OLD_GROUP, f"/ask@{BOT} harbour crane timber", chat_type="group")
    full = buttons(answer).get("📄 Full article") or buttons(answer)["📄 1"]
    bot.fake.callback_query(OLD_GROUP, answer["message_id"], full)
    bot.fake.migrate_chat(OLD_GROUP, SUPERGROUP)  # before the bot could send the article
    await bot.settle()
    pages = bot.replies(SUPERGROUP)
    assert len(pages) >= 3 and pages[0]["text"].startswith("The history of the harbour crane")
    assert "Part 19. The harbour crane" in pages[-1]["text"]
    assert bot.replies(OLD_GROUP) == [answer] and "failed" not in caplog.text
    assert len(bot.fake.calls("sendMessage")) == len(pages) + 2  # one refused, not each page


async def test_more_pressed_as_its_group_became_a_supergroup_drops_the_old_button_quietly(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The page went to the supergroup; taking the More button off the old group's answer
    then raised ChatMigrated, logged as a failure, and the bot tried to say sorry."""
    bot.fake.add_chat(OLD_GROUP, "group", title="Desk")
    [answer] = await bot.ask(OLD_GROUP, f"/ask@{BOT} lighthouse keeper", chat_type="group")
    bot.fake.callback_query(OLD_GROUP, answer["message_id"], buttons(answer)["More ▸"])
    bot.fake.migrate_chat(OLD_GROUP, SUPERGROUP)  # before the bot could send the page
    [page] = await bot.reply(SUPERGROUP)
    assert "4. Lighthouse keepers of" in page["text"]
    await bot.settle()
    calls = bot.fake.calls("answerCallbackQuery")
    assert [c.params.get("text") for c in calls] == [None]  # acknowledged, no "Sorry"
    assert bot.fake.calls("editMessageReplyMarkup")  # it was tried
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


# Each passage over a third of a message (Telegram counts UTF-16 units, two an emoji): an
# answer of three is two messages
AIRSHIP_SHEDS = tuple(
    ArticleDraft(
        title=f"The airship shed of {place}",
        text=f"The airship shed of {place} housed the zeppelin in {1910 + n}: "
        + "🎈" * 600
        + f" The town of {place} keeps the shed as its museum.",
        source="Aviation Weekly",
        published=f"2024-02-0{1 + n}",
        url=f"https://aviation.example/shed/{n}",
    )
    for n, place in enumerate(["Friedrichshafen", "Cardington", "Lakehurst", "Nordholz"])
)


async def test_an_answer_split_by_its_group_becoming_a_supergroup_is_recorded_where_it_is(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The group was upgraded between the pages of an answer: the first page's id was
    recorded under the supergroup (where that id names another message), the answer (so its
    votes) under the group, where its buttons are not, and the question's replies as the
    supergroup's, so an edit of the question failed on them with "Sorry"."""
    engine = bot.app.bot_data.engine
    await engine.add_articles(AIRSHIP_SHEDS)
    await engine.refresh()
    bot.fake.add_chat(OLD_GROUP, "group", title="Desk")
    bot.fake.delay_answer("sendMessage", 1.0)  # page 1 is in the group; the bot hears so later
    update = bot.fake.user_message(OLD_GROUP, f"/ask@{BOT} airship shed", chat_type="group")
    asked = update["message"]["message_id"]
    [first] = await until(lambda: bot.replies(OLD_GROUP), "the first page in the group")
    bot.fake.migrate_chat(OLD_GROUP, SUPERGROUP)  # before the second page
    [last] = await bot.reply(SUPERGROUP)
    assert "1. The airship shed" in first["text"] and "3. The airship shed" in last["text"]
    [(answer_id, where)] = await bot.rows("SELECT id, chat_id FROM answers")
    assert where == SUPERGROUP  # where its buttons are
    pages = [(OLD_GROUP, first["message_id"]), (SUPERGROUP, last["message_id"])]
    shown = "SELECT chat_id, message_id FROM answer_messages WHERE answer_id = ? ORDER BY 1 DESC"
    assert await bot.rows(shown, answer_id) == pages
    replies = "SELECT replies FROM question_replies WHERE chat_id = ? AND message_id = ?"
    [(recorded,)] = await bot.rows(replies, OLD_GROUP, asked)
    assert [tuple(reply) for reply in json.loads(recorded)] == pages

    assert await bot.press(SUPERGROUP, last, buttons(last)["👍"]) == "Thanks, noted 👍"
    assert await bot.rows("SELECT chat_id, answer_id FROM feedback") == [(SUPERGROUP, answer_id)]
    assert await bot.press(SUPERGROUP, last, buttons(last)["More ▸"]) is None
    more = (await bot.reply(SUPERGROUP, 2))[1]
    assert "4. The airship shed of Nordholz" in more["text"]
    [(more_id, _)] = await bot.rows("SELECT id, chat_id FROM answers WHERE id > ?", answer_id)
    assert await bot.rows(shown, more_id) == [(SUPERGROUP, more["message_id"])]

    # the first page can no longer be edited (its group is read-only): the answer is sent
    # again, and the page the supergroup has, with its buttons, goes, as does its More page
    await edit(bot, OLD_GROUP, asked, f"/ask@{BOT} airship shed zeppelin")
    again = bot.replies(SUPERGROUP)
    assert more["message_id"] not in [m["message_id"] for m in again]
    assert len(again) == 2 and "3. The airship shed" in again[1]["text"]
    [(edited_id, where)] = await bot.rows("SELECT id, chat_id FROM answers WHERE id > ?", more_id)
    assert where == SUPERGROUP
    again_pages = [(SUPERGROUP, m["message_id"]) for m in again]
    assert await bot.rows(shown + ", 2", edited_id) == again_pages
    [(recorded,)] = await bot.rows(replies, OLD_GROUP, asked)
    assert [tuple(reply) for reply in json.loads(recorded)] == again_pages
    assert bot.replies(OLD_GROUP) == [first]  # still there: Telegram lets nothing change it
    assert "Sorry" not in str(bot.replies(SUPERGROUP)) and "Traceback" not in caplog.text


async def test_no_reply_follows_a_group_into_a_supergroup_the_allowlist_does_not_name(
    start_bot: BotFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with start_bot(allowed_chats=frozenset({OLD_GROUP})) as bot:
        bot.fake.add_chat(OLD_GROUP, "group", title="Desk")
        bot.fake.user_message(OLD_GROUP, f"/ask@{BOT} joint exercise", chat_type="group")
        bot.fake.migrate_chat(OLD_GROUP, SUPERGROUP)
        await bot.settle()
    assert bot.replies(SUPERGROUP) == [] and bot.replies(OLD_GROUP) == []
    assert "which NEWSBOT_ALLOWED_CHATS does not name" in caplog.text
    assert "Traceback" not in caplog.text


async def test_a_second_poller_of_the_token_is_told_in_one_line(
    start_bot: BotFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram answers one of two processes polling with one token with Conflict every few
    seconds: one line for it, not a traceback each time."""
    async with start_bot() as bot:
        polls = len(bot.fake.calls("getUpdates"))
        conflict = "Conflict: terminated by other getUpdates request; make sure that only one"
        bot.fake.fail_next("getUpdates", 409, conflict, count=3)
        await bot.fake.wait_for("getUpdates", polls + 4, timeout=WAIT)
        [answer] = await bot.ask(USER, "joint exercise")  # polling goes on
        assert "Aslanduz" in answer["text"]
    told = [r for r in caplog.records if r.name == "bot.gate"]
    assert len(told) == 1 and told[0].exc_info is None, [r.getMessage() for r in told]
    assert "another process is getting this bot's updates" in told[0].getMessage()


async def test_token_never_appears_in_logs_or_output(
    start_bot: BotFactory, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    async with start_bot() as bot:
        await bot.ask(USER, "joint exercise")
        bot.fake.inline_query(USER, "harvest")
        await bot.fake.wait_for("answerInlineQuery", 1, timeout=WAIT)
        bot.fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities: boom")
        await bot.ask(USER, "central bank")  # the error handler's traceback is logged
        bot.fake.fail_next("sendMessage", 429, retry_after=1)
        await bot.ask(USER, "lighthouse")
        # PTB logs each update whole at DEBUG: an address's credentials are masked there
        await bot.ask(USER, "joint exercise http://ann:hunter22@feeds.test/rss?api_key=K3Y99")
    out, err = capfd.readouterr()
    assert caplog.records, "nothing was logged at DEBUG"
    assert any(REDACTED in r.getMessage() for r in caplog.records)  # PTB logs its API URL
    for record in caplog.records:
        assert TEST_TOKEN not in record.getMessage()
        assert TEST_TOKEN not in (record.exc_text or "")
    assert TEST_TOKEN not in caplog.text
    assert TEST_TOKEN not in out and TEST_TOKEN not in err
    assert "http://ann:***@feeds.test/rss?api_key=***" in caplog.text
    assert "hunter22" not in caplog.text + out + err and "K3Y99" not in caplog.text + out + err
    for message in bot.replies(USER):
        assert TEST_TOKEN not in message["text"]


# ----- the index keeps up with other processes -------------------------------------------


async def test_articles_stored_by_another_process_become_searchable(
    start_bot: BotFactory,
    monkeypatch: pytest.MonkeyPatch,
    corpus_db: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.app")
    monkeypatch.setattr(bot_app, "REFRESH_SECONDS", 0.1)
    monkeypatch.setattr(bot_app, "SAVE_SECONDS", 0.0)
    async with start_bot() as bot:
        [before] = await bot.ask(USER, "zeppelin hangar")
        assert before["text"].startswith("Nothing in the news corpus matches")
        other = await Engine.open(corpus_db)  # as `newsbot ingest` would, on its own connection
        try:
            await other.add_articles(
                [
                    ArticleDraft(
                        title="Zeppelin hangar reopens",
                        text="The old zeppelin hangar reopened as a museum on Sunday.",
                        source="Air Post",
                    )
                ]
            )
        finally:
            await other.close()
        engine = bot.app.bot_data.engine
        await until(
            lambda: len(engine.index) > 0 and bool(engine.index.search("zeppelin", 1)),
            "the periodic refresh to index the new article",
        )
        # its one sentence, said so: logged once the merge is done, in its worker thread,
        # which may be after the index finds it
        await until(
            lambda: "indexed 1 new sentence" in [r.getMessage() for r in caplog.records],
            "the refresh to say it indexed 1 new sentence",
        )
        [after] = await bot.ask(USER, "zeppelin hangar")
        assert "museum" in after["text"]
        manifest = index_dir(corpus_db) / "manifest.json"
        await until(
            lambda: _watermark(manifest) == engine.index.snapshot.watermark,
            "the index to be saved",
        )


async def test_an_index_that_cannot_be_saved_is_tried_again_later_not_each_tick(
    bot: Harness, corpus_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The failed save raised before its time was noted: once due, every 5-second tick ran a
    full save again, each a traceback logged (17,000 a day on a full disk)."""
    folder = index_dir(corpus_db)
    folder.rename(folder.with_name("moved.index"))
    folder.write_text("a file where the index folder was")  # no save can write there
    shared = bot.app.bot_data
    shared.index_dirty = True
    shared.index_saved = time.monotonic() - bot_app.SAVE_SECONDS  # due now
    context = cast(Context, SimpleNamespace(bot_data=shared))
    caplog.set_level(logging.WARNING, logger="bot.app")
    for _ in range(3):  # three ticks
        await bot_app.refresh_index(context)
    [warning] = [r for r in caplog.records if r.name == "bot.app"]
    assert "index" in warning.getMessage() and shared.index_dirty  # still to be saved
    folder.unlink()  # room again, for the save at shutdown
    folder.with_name("moved.index").rename(folder)


async def test_a_save_of_the_index_gives_the_heap_it_freed_back(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save serves the segments merged in the heap from their files, and frees the heap's
    copies: glibc kept them, 24-43 MB after six ingests another process made, until a
    restart. Each save now asks for them back (`heap.give_back`); a tick with no save does
    not."""
    given: list[bool] = []

    def give_back() -> bool:
        given.append(True)
        return True

    monkeypatch.setattr(heap, "give_back", give_back)
    shared = bot.app.bot_data
    context = cast(Context, SimpleNamespace(bot_data=shared))
    await bot_app.refresh_index(context)  # nothing to save
    assert given == []
    shared.index_dirty = True
    shared.index_saved = time.monotonic() - bot_app.SAVE_SECONDS  # due now
    await bot_app.refresh_index(context)
    assert given == [True] and not shared.index_dirty


def _watermark(manifest: Path) -> int:
    try:
        return int(json.loads(manifest.read_text())["watermark"])
    except (OSError, ValueError, KeyError):
        return -1


# ----- Telegram failing: retried when nothing was done, never sent twice -----------------

FAULT_USERS = range(2001, 2011)


async def test_answers_wait_out_a_5_second_502_blip_and_come_once(bot: Harness) -> None:
    bot.fake.outage(5.0, 502)
    for user in FAULT_USERS:  # ten people ask while Telegram answers 502 to every sendMessage
        bot.fake.user_message(user, "Where did the joint exercise begin?")
    for user in FAULT_USERS:
        [answer] = await bot.reply(user)
        assert "Aslanduz" in answer["text"]
    await asyncio.sleep(1.0)  # nothing else is on its way
    assert all(len(bot.replies(user)) == 1 for user in FAULT_USERS)  # each once, none lost
    refused = bot.fake.outage_refusals()
    assert len(refused) >= len(FAULT_USERS)  # they were tried during the outage, and failed
    # and sent once it was over: each answer that went through came after the last 502
    refused_calls = {id(call) for call in refused}
    sent = bot.fake.calls("sendMessage")
    through = [n for n, call in enumerate(sent) if id(call) not in refused_calls]
    last_refused = max(n for n, call in enumerate(sent) if id(call) in refused_calls)
    assert len(through) == len(FAULT_USERS) and min(through) > last_refused


async def test_a_500_is_waited_out_as_any_5xx_is(bot: Harness) -> None:
    bot.fake.fail_next("sendMessage", 500, "Internal Server Error")
    bot.fake.user_message(2001, "Where did the joint exercise begin?")
    [answer] = await bot.reply(2001)
    assert "Aslanduz" in answer["text"]
    assert len(bot.fake.calls("sendMessage")) == 2  # the one refused, then the answer


async def test_a_reply_failing_past_its_age_is_dropped_with_a_log_line(
    bot: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a minute, in production; tries at 0, 0.5, 1.5 and 3.5 s: one may come late on a
    # loaded machine, and the third still does
    monkeypatch.setattr(transport, "MAX_REPLY_AGE", 5.0)
    bot.fake.outage(60.0, 503)
    with caplog.at_level(logging.INFO, logger="bot"):
        bot.fake.user_message(2001, "Where did the joint exercise begin?")
        await until(lambda: "dropped" in caplog.text, "the reply to be dropped")
        await bot.settle()
    assert "sendMessage to chat 2001 dropped: Telegram failed it for" in caplog.text
    assert "Traceback" not in caplog.text
    tries = bot.fake.calls("sendMessage")
    assert 3 <= len(tries) <= 6  # backoff: 0.5, 1, 2 s... not a tight loop
    await asyncio.sleep(1.0)
    assert len(bot.fake.calls("sendMessage")) == len(tries)  # no apology tried after it
    assert bot.replies(2001) == []


async def test_an_answer_whose_confirmation_timed_out_is_not_sent_again(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # The fake delivers the answer, then answers the request after the bot's 5 s read
    # timeout: the answer is in the chat, and the bot cannot know.
    bot.fake.delay_answer("sendMessage", 7.0)
    with caplog.at_level(logging.WARNING):
        bot.fake.user_message(2001, "Where did the joint exercise begin?")
        await until(lambda: "may have arrived" in caplog.text, "the timeout to be logged")
        await bot.settle()
    await asyncio.sleep(1.0)
    [answer] = bot.replies(2001)  # once: no retry, and no "sorry, try again" after it
    assert "Aslanduz" in answer["text"]
    assert len(bot.fake.calls("sendMessage")) == 1


async def test_an_answer_whose_connection_was_lost_after_it_went_out_gets_no_apology(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """The connection lost after the answer went out (a reset, not a time-out) was logged
    as "may have arrived", then answered "Sorry, something went wrong... try again" with
    a traceback: the user had the answer and an apology, and asked again."""
    bot.fake.drop_answer("sendMessage")
    with caplog.at_level(logging.WARNING):
        bot.fake.user_message(2001, "Where did the joint exercise begin?")
        await until(lambda: "may have arrived" in caplog.text, "the lost answer to be logged")
        await bot.settle()
    await asyncio.sleep(1.0)
    [answer] = bot.replies(2001)
    assert "Aslanduz" in answer["text"]
    assert len(bot.fake.calls("sendMessage")) == 1 and "Traceback" not in caplog.text


async def test_a_reply_telegram_refused_is_no_maybe_and_gets_its_apology(bot: Harness) -> None:
    """An error status python-telegram-bot has no class for (413, a 429 without Retry-After)
    is a plain NetworkError with no cause: Telegram's refusal, not a lost answer. Taken for
    "may have arrived", the user was told nothing at all."""
    bot.fake.fail_next("sendMessage", 413, "Request Entity Too Large")
    bot.fake.user_message(2001, "Where did the joint exercise begin?")
    await bot.settle()
    [sorry] = bot.replies(2001)
    assert sorry["text"].startswith("Sorry, something went wrong")


async def test_a_job_still_running_when_it_is_due_again_is_not_logged(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """While a long `newsbot ingest` ran beside the bot, each refresh of the index outlasted
    its 5 seconds, and the scheduler warned "skipped: maximum number of running instances
    reached" every 5 seconds: jobs run one at a time by design. Its other warnings stay."""
    assert bot.app.job_queue is not None
    release = asyncio.Event()
    skipped = 0

    def count_skip(event: JobSubmissionEvent) -> None:
        nonlocal skipped
        skipped += 1

    async def long_refresh(context: Context) -> None:
        await release.wait()

    bot.app.job_queue.scheduler.add_listener(count_skip, EVENT_JOB_MAX_INSTANCES)
    caplog.set_level(logging.INFO)
    job = run_every(bot.app, long_refresh, 0.05, "slow refresh")
    await until(lambda: skipped >= 2, "two runs skipped while the first goes on")
    release.set()
    job.schedule_removal()
    logging.getLogger("apscheduler.scheduler").warning("Error getting due jobs from job store 'x'")
    assert "maximum number of running instances" not in caplog.text
    assert "Error getting due jobs from job store 'x'" in caplog.text


async def test_a_start_up_run_still_going_is_not_joined_by_the_repeating_ones(
    bot: Harness,
) -> None:
    """The digests' tick at start-up, waiting out floods to many chats past its minute, was
    joined by the first repeating tick: two deliveries of the same digests at once on one
    connection, where SQLite refused one's record of a digest sent ("database is locked")."""
    assert bot.app.job_queue is not None
    repeating: Job[Context] | None = None
    due = 0  # repeating runs that came due: started, or skipped as one already runs
    running = most = 0

    def count_due(event: JobSubmissionEvent) -> None:
        nonlocal due
        if repeating is not None and event.job_id == repeating.job.id:
            due += 1

    async def job(context: Context) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            if context.job is not None and str(context.job.name).endswith("at start-up"):
                await until(lambda: due >= 2, "two repeating runs due during the first")
        finally:
            running -= 1

    scheduler = bot.app.job_queue.scheduler
    scheduler.add_listener(count_due, EVENT_JOB_SUBMITTED | EVENT_JOB_MAX_INSTANCES)
    repeating = run_every(bot.app, job, 0.05, "slow start", at_start=True)
    await until(lambda: due >= 3 and running == 0, "the repeating runs after the first")
    repeating.schedule_removal()
    assert most == 1


async def unreachable_api() -> ExtBot[Any]:
    """A bot with newsbot's transport whose every connection is refused: port 9 (discard)
    refuses, so the request is never made and trying again is safe."""
    api: ExtBot[Any] = ExtBot(
        TEST_TOKEN,
        base_url="http://127.0.0.1:9/bot",
        request=transport.ApiRequest(),
        rate_limiter=transport.RetryingRateLimiter(),
    )
    await api.rate_limiter.initialize()  # type: ignore[union-attr]
    return api


async def test_a_refused_connection_is_retried_then_dropped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(transport, "MAX_REPLY_AGE", 4.0)  # tries at 0, 0.5, 1.5 s: slack
    api = await unreachable_api()
    with caplog.at_level(logging.INFO, logger="bot"), pytest.raises(transport.ReplyDropped):
        await api.send_message(USER, "hello")
    assert caplog.text.count("trying again in") >= 2
    assert transport.not_delivered(transport.ReplyDropped("x"))


async def test_start_up_gives_up_on_an_unreachable_api_sooner_than_a_reply(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # `newsbot run` calls getMe before polling: a wrong URL must not keep it silent for the
    # minute a reply is given. MAX_REPLY_AGE is ten minutes here: without CONNECT_AGE, the
    # wait_for below times out.
    monkeypatch.setattr(transport, "CONNECT_AGE", 1.0)
    monkeypatch.setattr(transport, "MAX_REPLY_AGE", 600.0)
    api = await unreachable_api()
    with caplog.at_level(logging.INFO, logger="bot"), pytest.raises(transport.ReplyDropped):
        await asyncio.wait_for(api.get_me(), timeout=30)
    assert 1 <= caplog.text.count("getMe failed") <= 2  # 0.5 s, then 1 s would pass the age
    assert "getMe dropped" in caplog.text and "to chat" not in caplog.text


@pytest.mark.parametrize("failure", ["outage", "flood"])
async def test_a_reply_waiting_to_be_sent_again_does_not_hold_up_a_stop(
    start_bot: BotFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    failure: str,
) -> None:
    """A reply waiting out Telegram's failures (the backoff of a 5xx, a flood's
    retry_after) kept the bot from stopping for up to a minute: past a container's grace
    period, it was killed before the index was saved."""
    # Telegram fails the reply for an hour, and the reply waits that long to try again: only
    # the stop can end its wait within the test's patience (WAIT)
    monkeypatch.setattr(transport, "FIRST_WAIT", 3600.0)
    monkeypatch.setattr(transport, "MAX_REPLY_AGE", 7200.0)
    async with AsyncExitStack() as running_bot:
        bot = await running_bot.enter_async_context(start_bot())
        limiter = bot.app.bot.rate_limiter
        assert isinstance(limiter, transport.RetryingRateLimiter)
        in_its_wait, wait_out = asyncio.Event(), limiter.wait_out

        async def waiting_out(seconds: float, where: str) -> None:
            in_its_wait.set()  # the wait begins before this test runs again
            await wait_out(seconds, where)

        limiter.wait_out = waiting_out  # type: ignore[method-assign]
        if failure == "outage":
            bot.fake.outage(3600.0, 503)
        else:
            bot.fake.fail_next("sendMessage", 429, retry_after=3600)
        bot.fake.user_message(2001, "Where did the joint exercise begin?")
        await bot.fake.wait_for("sendMessage", 1, timeout=WAIT)
        await asyncio.wait_for(in_its_wait.wait(), timeout=WAIT)
        await asyncio.wait_for(running_bot.aclose(), timeout=WAIT)  # the bot's stop
    assert "dropped: the bot is stopping" in caplog.text and "Traceback" not in caplog.text
    assert len(bot.fake.calls("sendMessage")) == 1 and bot.replies(2001) == []


async def test_a_call_waiting_for_its_chats_share_of_the_flood_limit_is_dropped_at_a_stop(
    fake_telegram: FakeTelegramServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram lets a bot post some 20 messages a minute to a group: AIORateLimiter holds
    the 21st back for the rest of the minute, and the bot's stop waited for it."""
    fake_telegram.add_chat(GROUP, "supergroup")
    fake_telegram.add_chat(USER)
    # the group's share comes back in an hour: only the stop can end the wait before it
    limiter = transport.RetryingRateLimiter(group_max_rate=1, group_time_period=3600)
    async with ExtBot(TEST_TOKEN, base_url=fake_telegram.base_url, rate_limiter=limiter) as api:
        await api.send_message(GROUP, "the group's share of the hour")
        waiting = asyncio.create_task(api.send_message(GROUP, "held back"))
        await asyncio.sleep(0.2)
        limiter.stop_waiting()
        with pytest.raises(transport.ReplyDropped, match="the bot is stopping"):
            await asyncio.wait_for(waiting, timeout=WAIT)  # not an hour's wait
        with pytest.raises(transport.ReplyDropped):  # one that would wait from now on too
            await api.send_message(GROUP, "after the stop")
        await api.send_message(USER, "a chat with its share left")  # nothing to wait for
    assert [m["text"] for m in fake_telegram.sent_messages(GROUP)] == [
        "the group's share of the hour"
    ]
    assert "sendMessage to chat -100500 dropped: the bot is stopping" in caplog.text


async def test_a_chats_flood_pause_holds_back_that_chats_other_calls(
    fake_telegram: FakeTelegramServer,
) -> None:
    """A 429 pauses its chat alone: that chat's next message waits out the pause too (it
    would be answered 429 as well), another chat's goes out meanwhile."""
    fake_telegram.add_chat(GROUP, "supergroup")
    fake_telegram.add_chat(USER)
    fake_telegram.fail_next("sendMessage", 429, retry_after=1)
    limiter = transport.RetryingRateLimiter(max_retries=RATE_LIMIT_RETRIES)
    async with ExtBot(TEST_TOKEN, base_url=fake_telegram.base_url, rate_limiter=limiter) as api:
        first = asyncio.create_task(api.send_message(GROUP, "first"))
        await fake_telegram.wait_for("sendMessage", 1)  # answered 429: the group is paused
        await asyncio.sleep(0.1)
        second = asyncio.create_task(api.send_message(GROUP, "second"))
        await api.send_message(USER, "elsewhere")
        await asyncio.gather(first, second)
    sent = [(c.params["chat_id"], c.params["text"]) for c in fake_telegram.calls("sendMessage")]
    assert sent[:2] == [(GROUP, "first"), (USER, "elsewhere")]
    assert sorted(sent[2:]) == [(GROUP, "first"), (GROUP, "second")]


async def test_a_typing_action_leaves_a_groups_share_of_the_minute_to_the_answers(
    fake_telegram: FakeTelegramServer,
) -> None:
    """AIORateLimiter counted "typing…" against a group's 20 messages a minute, and each
    answer waited for its typing action: in a busy group answers came 3 s apart from the
    6th on. Here the group's share is one message a minute: after a typing action the
    answer still has it, so it goes out even when nothing may wait any more (a stop)."""
    fake_telegram.add_chat(GROUP, "supergroup")
    limiter = transport.RetryingRateLimiter(group_max_rate=1, group_time_period=60)
    async with ExtBot(TEST_TOKEN, base_url=fake_telegram.base_url, rate_limiter=limiter) as api:
        await api.send_chat_action(GROUP, ChatAction.TYPING)
        limiter.stop_waiting()  # a call that would wait for the group's share is dropped
        await api.send_message(GROUP, "the answer")
    assert len(fake_telegram.calls("sendChatAction")) == 1
    assert [m["text"] for m in fake_telegram.sent_messages(GROUP)] == ["the answer"]


def group_share(monkeypatch: pytest.MonkeyPatch, seconds: float, messages: int = 1) -> None:
    """Make the bot's group share of Telegram's flood limits `messages` per `seconds` (some
    20 a minute in production): the next message in a group waits for the share."""

    class SlowGroups(transport.RetryingRateLimiter):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(group_max_rate=messages, group_time_period=seconds, **kwargs)

    monkeypatch.setattr(bot_app, "RetryingRateLimiter", SlowGroups)


def replies_to(bot: Harness, chat_id: int, message_id: int) -> list[dict[str, Any]]:
    """The bot's messages in a chat that reply to a message of it."""
    return [
        m
        for m in bot.replies(chat_id)
        if m.get("reply_to_message", {}).get("message_id") == message_id
    ]


async def test_a_question_whose_answer_a_stop_dropped_is_answered_at_the_next_start_once(
    start_bot: BotFactory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A restart in a busy minute lost every group answer waiting for the group's share of
    the flood limits: Telegram had been told the updates were handled, and did not send them
    again. The question is kept, and answered (once) as the next start's first update."""
    caplog.set_level(logging.INFO, logger="bot")
    group_share(monkeypatch, 60.0)
    async with start_bot() as bot:
        bot.fake.add_chat(GROUP, "supergroup")
        await bot.ask(GROUP, f"@{BOT} central bank rates", chat_type="supergroup")
        asked = bot.fake.user_message(
            GROUP, f"@{BOT} When was the lighthouse on Fastnet automated?", chat_type="supergroup"
        )["message"]
        await bot.fake.wait_for("sendChatAction", 2, timeout=WAIT)  # its answer is on its way
        await until(lambda: not bot.fake.pending_updates(), "Telegram told it was handled")
    assert replies_to(bot, GROUP, asked["message_id"]) == []
    for _ in range(2):  # the next start answers it; the one after does not again
        async with start_bot() as bot:
            await bot.settle()
            assert not bot.fake.pending_updates()
        [answer] = replies_to(bot, GROUP, asked["message_id"])
        assert "Fastnet" in answer["text"] and "1951" in answer["text"]
    assert len(bot.replies(GROUP)) == 2
    assert await bot.rows("SELECT count(*) FROM dropped_questions") == [(0,)]
    assert "its answer was dropped by the stop" in caplog.text


async def test_an_answer_waiting_for_its_groups_share_gives_way_to_an_edit(
    start_bot: BotFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a group over its share of the flood limits, an edited question first got the
    answer to its old wording, seconds after the edit, then had it replaced by the edit's:
    "only the newest text counts"."""
    group_share(monkeypatch, 3.0)
    async with start_bot() as bot:
        bot.fake.add_chat(GROUP, "supergroup")
        await bot.ask(GROUP, f"@{BOT} central bank rates", chat_type="supergroup")
        asked = bot.fake.user_message(
            GROUP, f"@{BOT} lighthouse keeper Fastnet", chat_type="supergroup"
        )["message"]
        # its answer searched and recorded: it waits for the group's share
        await until(
            lambda: run_sql(bot.db_path, "SELECT count(*) FROM answers") == [(2,)],
            "the first wording's answer on its way",
        )
        bot.fake.edit_user_message(
            GROUP, asked["message_id"], f"@{BOT} lighthouse keeper Eddystone"
        )
        [answer] = await until(
            lambda: replies_to(bot, GROUP, asked["message_id"]), "the edit's answer"
        )
        await bot.settle()
    assert "1. Lighthouse keepers of Eddystone" in answer["text"]
    assert len(bot.fake.calls("sendMessage")) == 2  # the first wording's answer: none
    assert bot.fake.calls("editMessageText") == []


async def test_a_question_kept_at_a_stop_is_never_answered_twice(bot: Harness) -> None:
    """Not one part of whose answer went out: answered again at the next start, its first
    page would come twice; nor one answered since it was kept."""
    asked = bot.fake.user_message(USER, "lighthouse keeper Fastnet")
    await bot.reply(USER)
    update = Update.de_json(asked, bot.app.bot)
    with transport.outbox() as half_out:
        half_out.went_out("sendMessage", {"message_id": 9, "chat": {"id": USER}})
    assert not await keep_dropped(bot.app.bot_data, update, half_out)
    with transport.outbox() as none_out:
        none_out.went_out("sendChatAction", True)  # "typing…" changes nothing in the chat
    assert await keep_dropped(bot.app.bot_data, update, none_out)
    assert await bot.rows("SELECT chat_id, message_id FROM dropped_questions") == [
        (USER, asked["message"]["message_id"])
    ]
    [(kept,)] = await bot.rows("SELECT update_json FROM dropped_questions")
    assert "lighthouse keeper Fastnet" in kept and f"User {USER}" not in kept  # no names
    await answer_kept(bot.app)  # as a start would: its text is what its answer answered
    await bot.settle()
    assert len(bot.replies(USER)) == 1
    assert await bot.rows("SELECT count(*) FROM dropped_questions") == [(0,)]


async def test_a_kept_question_the_start_cannot_read_is_skipped(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """An update stored by another version, say: the start goes on without it."""
    kept = bot.app.bot_data.conversations
    assert await kept.keep_dropped_question(USER, 1, 5, '{"update_id": 5, "message": "x"}')
    await answer_kept(bot.app)
    assert "cannot be read" in caplog.text and bot.replies(USER) == []


async def test_a_question_a_stop_dropped_an_hour_before_the_next_start_is_told_so(
    start_bot: BotFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept over a downtime of more than an hour, a question is not answered late: its
    asker is told it was not answered, and to ask again."""
    group_share(monkeypatch, 60.0)
    long_ago = int(time.time()) - 2 * 3600
    async with start_bot() as bot:
        bot.fake.add_chat(GROUP, "supergroup")
        await bot.ask(GROUP, f"@{BOT} central bank rates", chat_type="supergroup")
        asked = bot.fake.user_message(
            GROUP, f"@{BOT} lighthouse keeper Fastnet", chat_type="supergroup", date=long_ago
        )["message"]
        await bot.fake.wait_for("sendChatAction", 2, timeout=WAIT)
        await until(lambda: not bot.fake.pending_updates(), "Telegram told it was handled")
    async with start_bot() as bot:
        [told] = await until(
            lambda: replies_to(bot, GROUP, asked["message_id"]),
            "the note that it was not answered",
        )
    assert told["text"].startswith("I was restarting when you asked “lighthouse keeper Fastnet”")
    assert "ask again" in told["text"] and "1951" not in told["text"]


async def test_an_answer_of_the_time_a_question_names_says_so_and_a_follow_up_leaves_it(
    bot: Harness,
) -> None:
    """Asked about June 2022, the bot quoted June 2022 without a word of why; a follow-up
    "what about now?" was still answered as of June 2022."""
    await bot.app.bot_data.engine.add_articles(
        [
            ArticleDraft(title, text, source="Money Wire", published=published)
            for title, text, published in (
                (
                    "Fed raises rates",
                    "The Federal Reserve raised interest rates by three quarters of a point.",
                    "2022-06-15",
                ),
                (
                    "Fed cuts rates",
                    "Citing weaker hiring, the Federal Reserve cut interest rates on Wednesday "
                    "for the first time this year, and signalled two more reductions.",
                    "2025-09-17",
                ),
            )
        ]
    )
    await bot.app.bot_data.engine.refresh()
    asked = "What did the Federal Reserve do to interest rates in June 2022?"
    [answer] = await bot.ask(USER, asked)
    assert answer["text"].startswith(
        "As of June 2022, which the question names: published by 2022-07-14."
    )
    assert "Fed raises rates" in answer["text"] and "Fed cuts rates" not in answer["text"]
    before = len(bot.replies(USER))
    [now] = await bot.ask(USER, "What about now?", reply_to_message_id=answer["message_id"])
    assert not now["text"].startswith("As of")
    told = " ".join(m["text"] for m in bot.replies(USER)[before:])
    assert "Fed cuts rates" in told  # of 2025: as of now


async def test_a_question_naming_a_time_after_the_date_sent_says_so(bot: Harness) -> None:
    """A message of 10 January 2023 about June 2024 is answered as of when it was sent, and
    the answer says the time named is after that: it quoted 2022's news without a word."""
    await bot.app.bot_data.engine.add_articles(
        [
            ArticleDraft(
                "Fed raises rates",
                "The Federal Reserve raised interest rates by three quarters of a point.",
                source="Money Wire",
                published="2022-06-15",
            )
        ]
    )
    await bot.app.bot_data.engine.refresh()
    asked = "What did the Federal Reserve do to interest rates in June 2024?"
    sent = int(datetime(2023, 1, 10, 12, tzinfo=UTC).timestamp())
    [answer] = await bot.ask(USER, asked, date=sent)
    assert answer["text"].startswith(
        "The question names June 2024, after 10 January 2023 12:00 UTC, the moment it is "
        "answered as of: nothing published after that is quoted."
    )
    assert "Fed raises rates" in answer["text"]


async def test_a_question_naming_a_day_that_is_none_says_so(bot: Harness) -> None:
    """ "What did the Fed do on February 30, 2022?" was answered as of when it was sent,
    as if it named no day, without a word."""
    await bot.app.bot_data.engine.add_articles(
        [
            ArticleDraft(
                "Fed raises rates",
                "The Federal Reserve raised interest rates by three quarters of a point.",
                source="Money Wire",
                published="2022-06-15",
            )
        ]
    )
    await bot.app.bot_data.engine.refresh()
    asked = "What did the Federal Reserve do to interest rates on February 30, 2022?"
    sent = int(datetime(2023, 1, 10, 12, tzinfo=UTC).timestamp())
    [answer] = await bot.ask(USER, asked, date=sent)
    assert answer["text"].startswith(
        "There is no 30 February 2022: the question is answered as of 10 January 2023 12:00 UTC."
    )
    assert "Fed raises rates" in answer["text"]


async def test_an_answer_older_than_the_week_asked_about_says_so(bot: Harness) -> None:
    """ "What did Russia do in Ukraine this week?", sent in December of a corpus that ends in
    July, quoted July's news as this week's without a word; sent that week, no note."""
    await bot.app.bot_data.engine.add_articles(
        [
            ArticleDraft(
                "Drones strike Kyiv",
                "Russia struck Kyiv with drones for the second time in a week, Ukraine said.",
                source="Wire",
                published="2026-07-08",
            )
        ]
    )
    await bot.app.bot_data.engine.refresh()
    asked = "What did Russia do in Ukraine this week?"
    december = int(datetime(2026, 12, 7, 9, tzinfo=UTC).timestamp())
    [answer] = await bot.ask(USER, asked, date=december)
    assert answer["text"].startswith(
        "Nothing from this week matches; the newest passage below is from 8 July 2026."
    )
    assert "Drones strike Kyiv" in answer["text"]
    july = int(datetime(2026, 7, 10, 9, tzinfo=UTC).timestamp())
    [of_the_week] = await bot.ask(USER, asked, date=july)
    assert "Drones strike Kyiv" in of_the_week["text"]
    assert "Nothing from this week" not in of_the_week["text"]


@pytest.mark.parametrize(
    ("reply", "leans"),
    [
        ("How much did this deal cost taxpayers?", True),
        ("What happened next in the trial?", True),
        ("Which countries signed the agreement later?", True),
        # a time, not the answer above: news questions name one all the time
        ("Which country did the president visit this week?", False),
        ("Who will host the summit next month?", False),
        ("What will the central bank decide later this year?", False),
    ],
)
def test_this_next_and_later_lean_on_the_answer_above_unless_they_name_a_time(
    reply: str, leans: bool
) -> None:
    assert (lean(reply) is Lean.POINTS_BACK) is leans
    assert leans or lean(reply) is Lean.NONE  # three words of its own: asked alone


@pytest.mark.parametrize(
    ("message", "leans"),
    [
        ("who did he beat?", True),
        ("When did they automate the lighthouse lamp?", True),
        ("What did this mean for mortgage rates?", True),
        # real standalone questions (news-qa-dev): the pronoun points at their own words
        ("Which company is being accused of turning off the AC in its stores?", False),
        (
            "Boris Johnson is planning to revive the Right to Buy scheme, but when was it first"
            " introduced?",
            False,
        ),
        (
            "Lea Michele officially joined the cast of Broadway's revival of Funny Girl."
            " Who is she replacing?",
            False,
        ),
    ],
)
def test_a_pronoun_after_words_of_its_own_leans_on_nothing_earlier(
    message: str, leans: bool
) -> None:
    """Any pronoun made a message lean on the answer above: 260 of 1,000 real standalone
    questions were searched with it. A pronoun leans only before a second word of its own."""
    assert (lean(message) is Lean.POINTS_BACK) is leans
    assert leans or lean(message) is Lean.NONE


@pytest.mark.parametrize(
    ("message", "leaning"),
    [
        # the "it" of "is it true that", "is it legal to", "why is it so": nothing above
        ("is it legal to own a python in florida", Lean.NONE),
        ("Is it true that Shakira was acquitted?", Lean.NONE),
        ("Why is it so hot in Phoenix?", Lean.MAYBE),  # two words: the corpus tells
        ("is it likely to pass the senate before the midterm elections?", Lean.NONE),
        # but before any other word it may be the answer's subject: five words of its own,
        # so the corpus tells
        ("is it safe for children under five years old?", Lean.MAYBE),
        ("is it legal under european union competition law?", Lean.MAYBE),
        ("is it worth the money for families on low incomes?", Lean.MAYBE),
        ("was it hard for the rescue teams to reach the village?", Lean.MAYBE),
        # an opening pronoun in a message that names what it stands for (news-qa-dev)
        ("Which of these foods received UN world heritage status this week?", Lean.MAYBE),
        (
            "This Pro Football Hall of Famer, known for the “Immaculate Reception,” died",
            Lean.MAYBE,
        ),
        # a pronoun that stands for something of the answer's
        ("Is it true?", Lean.POINTS_BACK),
        ("Is it true that he resigned?", Lean.POINTS_BACK),
        ("what did they say about it?", Lean.POINTS_BACK),
        ("how much did this deal cost?", Lean.POINTS_BACK),
    ],
)
def test_an_opening_it_or_this_that_stands_for_nothing_above_leans_on_nothing(
    message: str, leaning: Lean
) -> None:
    """Of 1,000 real standalone questions, 11 were read as follow-ups by a pronoun before
    their second word ("Which of these foods…"); so was "is it legal to own a python in
    florida", searched with the question above it."""
    assert lean(message) is leaning


@pytest.mark.parametrize(
    ("message", "leaning"),
    [
        # "next" after a determiner names a thing of its own
        ("When will the next total solar eclipse occur?", Lean.NONE),
        ("Who will be the next Delaware governor?", Lean.NONE),
        # among five words of its own or more, it may stand for them (news-qa-dev)
        (
            "Soccer icon Lionel Messi announced this week where he'll play next. Which"
            " league does he plan on joining?",
            Lean.MAYBE,
        ),
        (
            "King Charles III became Britain’s new monarch following the death of his"
            " mother, Queen Elizabeth II. Who is next in the line of royal succession?",
            Lean.MAYBE,
        ),
        # what comes after the answer
        ("what happened next in the trial?", Lean.POINTS_BACK),
        ("what comes next?", Lean.POINTS_BACK),
        ("who's next?", Lean.POINTS_BACK),
        ("and who else was in the room with the president and the king?", Lean.POINTS_BACK),
    ],
)
def test_next_that_names_a_thing_of_its_own_leans_on_nothing(message: str, leaning: Lean) -> None:
    """ "next" anywhere made a message a follow-up: the 8 of 1,000 real standalone questions
    still read so ("When will the next total solar eclipse occur?") were searched with the
    question above them."""
    assert lean(message) is leaning


async def test_a_group_that_adds_the_bot_hears_how_to_ask(start_bot: BotFactory) -> None:
    """Added to a group, the bot said nothing until someone found /help; it greets the group
    it joins, once (a promotion to admin is no joining), and not a group not allowed."""
    async with start_bot(allowed_chats=frozenset({USER, GROUP})) as bot:
        bot.fake.my_chat_member(GROUP, "member")
        bot.fake.my_chat_member(GROUP, "administrator", old_status="member")
        bot.fake.my_chat_member(-100600, "member")  # not an allowed chat
        await bot.settle()
        [hello] = bot.replies(GROUP)
        assert hello["text"].startswith("Hi! I answer questions about the news corpus")
        assert "Use /ask with a question" in hello["text"]
        assert bot.replies(-100600) == []
