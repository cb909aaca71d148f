"""End to end: subscriptions and scheduled digests in the real application, against the fake
Bot API, with a clock the test moves.

Every digest passes the fake's Telegram HTML and length checks. The job queue's own timer is
real, so most tests call `deliver_due` (what the job runs) right after moving the clock; the
catch-up test lets the job's first tick at start-up do the work.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot import digest_delivery
from bot.app import build_application
from bot.config import Settings
from bot.digest_delivery import TICK_SECONDS, deliver_due, send_due_digests
from bot.transport import RetryingRateLimiter
from retrieval.digest.subscriptions import Subscriptions
from retrieval.engine import Engine
from retrieval.index.files import index_dir
from retrieval.models import ArticleDraft
from tests.conftest import run_sql, shared_articles, write_jsonl
from tests.fake_telegram import TEST_TOKEN, FakeTelegramServer
from tests.feed_server import FeedServer, Route
from tests.telegram_flood import FloodLimits
from tests.test_bot import WAIT, Harness, running, until

ALICE, BOB, CAROL = 1001, 1002, 1003  # private chats: the chat id is the user's id
ADMIN = 77  # administers GROUP, and is one of the bot's admins where a test says so
GROUP = -100500
BOT_ID = int(TEST_TOKEN.split(":")[0])


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    """The time the digests see; tests move it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus with a history (300 BBC articles, stored now), built once per session."""
    path = tmp_path_factory.mktemp("digest-template") / "news.db"

    async def build() -> None:
        engine = await Engine.open(path)
        try:
            source = write_jsonl(path.parent / "bbc.jsonl", list(shared_articles("bbc-news", 300)))
            await engine.ingest([source])
            await engine.refresh()
            await engine.save_index()
        finally:
            await engine.close()

    asyncio.run(build())
    return path


@pytest.fixture
def news_db(template_db: Path, db_path: Path) -> Path:
    shutil.copy(template_db, db_path)
    shutil.copytree(index_dir(template_db), index_dir(db_path))
    return db_path


@pytest.fixture
def clock() -> Clock:
    return Clock(utc("2024-06-02T12:00"))


StartBot = Callable[..., Any]


@pytest_asyncio.fixture
async def start_bot(
    fake_telegram: FakeTelegramServer, news_db: Path, clock: Clock
) -> AsyncIterator[StartBot]:
    """`async with start_bot(**settings) as bot:` runs a bot on the shared database and clock;
    starting another one later is a restart."""

    @asynccontextmanager
    async def start(**changes: Any) -> AsyncIterator[Harness]:
        settings = Settings(
            db_path=news_db, token=TEST_TOKEN, api_base_url=fake_telegram.base_url, **changes
        )
        app = build_application(settings)
        app.bot_data.digests.clock = clock
        async with running(app):
            # The job's tick every minute reads the test's clock too: a test running past a
            # minute on a loaded machine would find the digest it is about to deliver sent.
            # Its tick at start-up stays (the restart tests count on it).
            for job in app.job_queue.get_jobs_by_name("digests") if app.job_queue else ():
                job.enabled = False
            yield Harness(app, fake_telegram, news_db)

    yield start


@pytest_asyncio.fixture
async def bot(start_bot: StartBot) -> AsyncIterator[Harness]:
    async with start_bot() as harness:
        yield harness


async def add_news(bot: Harness, *drafts: ArticleDraft) -> None:
    """Store articles as a feed would have, a minute after they were published."""
    engine = bot.app.bot_data.engine
    results = await engine.add_articles(drafts)
    for result, draft in zip(results, drafts, strict=True):
        assert draft.published is not None
        stored = datetime.fromisoformat(draft.published) + timedelta(minutes=1)
        statement = "UPDATE articles SET ingested_ts = ? WHERE id = ?"
        run_sql(engine.db_path, statement, stored.timestamp(), result.article_id)
    await engine.refresh()


def story(
    title: str, text: str, published: str, source: str = "City Herald", url: str | None = None
) -> ArticleDraft:
    return ArticleDraft(
        title,
        text,
        source=source,
        published=f"{published}:00+00:00",
        url=url or f"https://news.example/{abs(hash(title))}",
    )


def lighthouse(published: str) -> tuple[ArticleDraft, ...]:
    """One story carried by three outlets."""
    return (
        story(
            "Skerry lighthouse to be automated",
            "The lighthouse on Skerry will be automated next spring, the coastal authority "
            "said on Tuesday. Its last two keepers will retire.",
            published,
        ),
        story(
            "Last keepers leave Skerry lighthouse",
            "The coastal authority will automate the Skerry lighthouse next spring, and its "
            "two keepers will retire after thirty years.",
            published,
            "Coastal Times",
        ),
        story(
            "Skerry light goes automatic",
            "Skerry lighthouse is to be automated in the spring, the coastal authority said.",
            published,
            "Radio North",
        ),
    )


def bakery(published: str) -> ArticleDraft:
    return story(
        "Old bakery reopens on Market Street",
        "The bakery on Market Street reopened under new owners after a year of "
        "renovation. Queues formed before dawn.",
        published,
    )


async def subscribe(bot: Harness, chat_id: int, words: str, **kwargs: Any) -> str:
    [reply] = await bot.ask(chat_id, f"/subscribe {words}".strip(), **kwargs)
    return str(reply["text"])


def texts(bot: Harness, chat_id: int) -> list[str]:
    return [str(m["text"]) for m in bot.replies(chat_id)]


async def deliver_at(bot: Harness, clock: Clock, when: str) -> int:
    clock.now = utc(when)
    return await deliver_due(bot.app.bot, bot.app.bot_data)


async def subscription_rows(bot: Harness) -> list[tuple[Any, ...]]:
    return await bot.rows(
        "SELECT chat_id, send_time, timezone, keywords, active, stopped_reason"
        " FROM subscriptions ORDER BY id"
    )


# ----- subscribing ------------------------------------------------------------------------


async def test_a_group_admin_subscribes_the_group_and_others_may_not(bot: Harness) -> None:
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
    bot.fake.set_member_status(GROUP, ADMIN, "administrator")
    reply = await subscribe(
        bot, GROUP, "07:30 Europe/London lighthouse", user_id=ADMIN, chat_type="supergroup"
    )
    assert reply == (
        "Subscribed: a daily digest of news about lighthouse at 07:30 Europe/London, first on "
        "Mon 3 Jun 07:30. /unsubscribe stops it."
    )
    asked = bot.fake.calls("getChatMember")[-1].params
    assert (asked["chat_id"], asked["user_id"]) == (GROUP, ADMIN)
    for command in ("/unsubscribe", "/subscribe 09:00"):
        [refused] = await bot.ask(GROUP, command, user_id=555, chat_type="supergroup")
        assert refused["text"] == "Only administrators of this group can change its daily digest."
    assert await subscription_rows(bot) == [
        (GROUP, "07:30", "Europe/London", '["lighthouse"]', 1, None)
    ]


async def test_an_anonymous_administrator_subscribes_the_group(bot: Harness) -> None:
    """Telegram sends an anonymous administrator's message from GroupAnonymousBot, on behalf
    of the group: it is an administrator's, though no member of that id is one."""
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
    reply = await subscribe(bot, GROUP, "07:30 UTC", chat_type="supergroup", anonymous=True)
    assert reply.startswith("Subscribed: a daily digest of all news at 07:30 UTC")
    refused = await subscribe(bot, GROUP, "09:00 UTC", chat_type="supergroup", user_id=555)
    assert refused == "Only administrators of this group can change its daily digest."


async def test_in_a_group_the_digest_commands_reply_to_the_command(
    bot: Harness, clock: Clock
) -> None:
    """/start, /help, /latest and /sources replied to their command in a group; /subscribe
    (its refusal too), /subscription, /unsubscribe, /digest and its limit's note did not:
    in a busy group, "Only administrators ..." reached no one in particular. In a private
    chat, where no one else speaks, no reply quotes its command."""
    clock.now = utc("2024-06-02T18:00")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
    bot.fake.set_member_status(GROUP, ADMIN, "administrator")

    async def reply_to(chat_id: int, text: str, **kwargs: Any) -> dict[str, Any]:
        before = len(bot.replies(chat_id))
        update = bot.fake.user_message(chat_id, text, **kwargs)
        [reply, *_] = (await bot.reply(chat_id, before + 1))[before:]
        asked = update["message"]["message_id"]
        assert reply.get("reply_to_message", {}).get("message_id") == (
            None if chat_id > 0 else asked
        ), f"{text}: {reply['text']}"
        return reply

    group = {"chat_type": "supergroup", "user_id": ADMIN}
    for text in ("/subscribe 07:30 UTC", "/subscription", "/unsubscribe", "/digest"):
        await reply_to(GROUP, text, **group)
        await reply_to(ALICE, text)
    refused = await reply_to(GROUP, "/subscribe", chat_type="supergroup", user_id=555)
    assert refused["text"] == "Only administrators of this group can change its daily digest."
    none = await reply_to(GROUP, "/digest volcano", **group)
    assert none["text"].startswith("No new articles about volcano")
    await reply_to(GROUP, "/digest", **group)
    told = await reply_to(GROUP, "/digest", **group)
    assert told["text"].startswith("A digest was sent here just now")


async def test_a_time_moved_later_the_same_day_promises_tomorrow(
    bot: Harness, clock: Clock
) -> None:
    """Today's digest went out at 08:00; moved to 18:00 at 09:00, the next one is tomorrow's
    (one a day), and the replies say so rather than promise one at 18:00 today."""
    clock.now = utc("2024-06-03T07:00")
    await subscribe(bot, ALICE, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-03T06:00"))
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1
    clock.now = utc("2024-06-03T09:00")
    assert "first on Tue 4 Jun 18:00" in await subscribe(bot, ALICE, "18:00 UTC")
    [shown] = await bot.ask(ALICE, "/subscription")
    assert "Next: Tue 4 Jun 18:00." in shown["text"]
    assert await deliver_at(bot, clock, "2024-06-03T18:00") == 0
    assert await deliver_at(bot, clock, "2024-06-04T18:00") == 1


async def test_in_a_group_a_reply_to_a_scheduled_digest_is_a_question(
    bot: Harness, clock: Clock
) -> None:
    """A reply to the daily digest in a group ("tell me more about the lighthouse") was
    dropped without a word, as a reply to /digest's was: it is a question."""
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
    bot.fake.set_member_status(GROUP, ADMIN, "administrator")
    clock.now = utc("2024-06-03T07:00")
    await subscribe(bot, GROUP, "08:00 UTC", user_id=ADMIN, chat_type="supergroup")
    await add_news(bot, *lighthouse("2024-06-03T06:00"))
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1
    digest = bot.replies(GROUP)[-1]
    assert "Skerry lighthouse" in digest["text"]
    [answer] = await bot.ask(
        GROUP,
        "Who will retire from the Skerry lighthouse?",
        chat_type="supergroup",
        reply_to_message_id=digest["message_id"],
    )
    assert "keepers" in answer["text"] and "👍" in str(answer.get("reply_markup"))


async def test_bad_times_unknown_zones_and_empty_keywords_get_an_example(bot: Harness) -> None:
    for words, problem in (
        ("25:00", "'25:00' is not a time of day: use HH:MM on a 24-hour clock"),
        ("08:00 Europe/Atlantis", "unknown time zone 'Europe/Atlantis'"),
        ("08:00 the of", "has only very common words"),
        ("07:30 EST", "'EST' is an abbreviation, not a time zone: use an Area/City name"),
        ("0730", "'0730' is not a time of day: use HH:MM on a 24-hour clock, e.g. 07:30"),
    ):
        reply = await subscribe(bot, ALICE, words)
        assert problem in reply
        assert reply.endswith(
            "Example: /subscribe 07:30 Europe/London oil opec — time (18:30 or 6:30 pm),"
            " an Area/City time zone and keywords are each optional; add the "
            "word quiet to get nothing on days without news."
        )
    assert await subscription_rows(bot) == []


async def test_a_keyword_with_nothing_to_search_is_refused_and_markup_left_out(
    bot: Harness, clock: Clock
) -> None:
    """`/subscribe 13:27 <b>oil</b> &` was taken: "&" (no word) beside another keyword, and
    "<b>oil</b>" searched as "b" and "oil" in one sentence, so the digest matched nothing
    and said "No new articles about <b>oil</b>, &" while /digest oil found the news."""
    refused = await subscribe(bot, ALICE, "13:27 <b>lighthouse</b> &")
    assert refused.startswith("'&' has no words, so it would match nothing: leave it out")
    refused = await subscribe(bot, ALICE, "13:27 lighthouse the &")
    assert refused.startswith("'the', '&' have no word to search for")
    assert await subscription_rows(bot) == []
    assert await subscribe(bot, ALICE, "13:27 <b>lighthouse</b>") == (
        "Subscribed: a daily digest of news about lighthouse at 13:27 UTC, first on Sun 2 Jun "
        "13:27. /unsubscribe stops it."
    )
    assert (await subscription_rows(bot))[0][3] == '["lighthouse"]'
    clock.now = utc("2024-06-02T18:00")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    [typed] = await bot.ask(BOB, "/digest <i>lighthouse</i> &")
    assert typed["text"].startswith("'&' has no words, so it would match nothing")
    [digest] = await bot.ask(BOB, "/digest <i>lighthouse</i>")
    assert digest["text"].startswith("News digest about lighthouse: 1 story")


async def test_a_private_chat_subscribes_looks_and_stops(bot: Harness) -> None:
    assert await subscribe(bot, ALICE, "") == (
        "Subscribed: a daily digest of all news at 08:00 UTC, first on Mon 3 Jun 08:00. "
        "/unsubscribe stops it."
    )
    [shown] = await bot.ask(ALICE, "/subscription")
    assert shown["text"] == (
        "Daily digest: 08:00 UTC, all news.\nNext: Mon 3 Jun 08:00.\n"
        "Change it with /subscribe, stop it with /unsubscribe."
    )
    [stopped] = await bot.ask(ALICE, "/unsubscribe")
    assert stopped["text"].startswith("Stopped: no more daily digests here.")
    [shown] = await bot.ask(ALICE, "/subscription")
    assert shown["text"].startswith("The daily digest is stopped (unsubscribed).")
    [again] = await bot.ask(ALICE, "/unsubscribe")  # what /subscription says, not "no digest"
    assert again["text"] == shown["text"]
    [none] = await bot.ask(BOB, "/subscription")
    assert none["text"].startswith("There is no daily digest here yet.")


async def test_an_edited_command_is_told_it_is_not_read(bot: Harness) -> None:
    """ "/subscribe 07:30" edited to "/subscribe 08:30" left the digest at 07:30 without a
    word, as did an edited /digest; an edited /ask is asked again (tests/test_bot.py)."""
    await subscribe(bot, ALICE, "07:30 UTC")
    typed = bot.fake.messages(ALICE)[-2]
    bot.fake.edit_user_message(ALICE, typed["message_id"], "/subscribe 08:30 UTC")
    [_, told] = await bot.reply(ALICE, 2)
    assert told["text"] == "Edits of commands are not read: send it again."
    assert await bot.rows("SELECT send_time FROM subscriptions") == [("07:30",)]
    bot.fake.add_chat(GROUP, "supergroup")
    named = f"/digest@{bot.app.bot.username} oil"
    for text in (named, "/digest oil"):  # the second may be another bot's
        bot.fake.user_message(GROUP, "/sources@other_bot", chat_type="supergroup")
        await bot.settle()
        typed = bot.fake.messages(GROUP)[-1]
        bot.fake.edit_user_message(GROUP, typed["message_id"], text)
        await bot.settle()
    [told] = bot.replies(GROUP)
    assert told["text"] == "Edits of commands are not read: send it again."
    assert told["reply_to_message"]["text"] == named


async def test_a_command_edit_that_changes_nothing_is_told_nothing(bot: Harness) -> None:
    """Telegram sends an edit with the text as it was when a message gets its first
    reaction: a 👍 on "/subscribe 07:30 UTC" was told "Edits of commands are not read"."""
    await subscribe(bot, ALICE, "07:30 UTC")
    typed = bot.fake.messages(ALICE)[-2]
    bot.fake.edit_user_message(ALICE, typed["message_id"], typed["text"])
    await bot.settle()
    assert texts(bot, ALICE)[1:] == []
    # edited for real: told once, and not again for a reaction to it as edited
    for _ in range(2):
        bot.fake.edit_user_message(ALICE, typed["message_id"], "/subscribe 08:30 UTC")
        await bot.settle()
    assert texts(bot, ALICE)[1:] == ["Edits of commands are not read: send it again."]


async def test_an_offset_from_utc_is_the_zone_it_says(bot: Harness, clock: Clock) -> None:
    """ "/subscribe 07:30 GMT+2" was a digest about "GMT+2" at 07:30 UTC. Stored as tzdata's
    Etc/GMT-2, it is shown as written: the sign POSIX inverts would look like a mistake."""
    assert await subscribe(bot, ALICE, "07:30 GMT+2") == (
        "Subscribed: a daily digest of all news at 07:30 UTC+2, first on Mon 3 Jun 07:30. "
        "/unsubscribe stops it."
    )
    [shown] = await bot.ask(ALICE, "/subscription")
    assert shown["text"].startswith("Daily digest: 07:30 UTC+2, all news.")
    assert (await subscription_rows(bot))[0][1:4] == ("07:30", "Etc/GMT-2", "[]")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    assert await deliver_at(bot, clock, "2024-06-03T05:29") == 0
    assert await deliver_at(bot, clock, "2024-06-03T05:30") == 1
    assert "(UTC+2)" in texts(bot, ALICE)[-1]


async def test_a_time_is_read_whole_and_an_offset_after_it_is_refused(bot: Harness) -> None:
    """ "/subscribe 7:30 pm" was a digest about "pm" at 07:30 UTC, "19:30:00" one about
    "19:30:00" at 08:00, and "07:30 +05:45" one about "+05:45" at 07:30 UTC."""
    assert await subscribe(bot, ALICE, "7:30 pm lighthouse") == (
        "Subscribed: a daily digest of news about lighthouse at 19:30 UTC, first on Sun 2 Jun "
        "19:30. /unsubscribe stops it."
    )
    assert (await subscription_rows(bot))[0][1:4] == ("19:30", "UTC", '["lighthouse"]')
    assert "at 19:30 UTC" in await subscribe(bot, ALICE, "19:30:00")
    for words, problem in (
        ("07:30 +05:45", "'+05:45' is an offset, not a time zone: use an Area/City name such as "
         "Asia/Kathmandu"),
        ("07:30 NPT", "'NPT' is an abbreviation, not a time zone: use an Area/City name such as "
         "Asia/Kathmandu"),
        ("13 pm", "the hour runs from 1 to 12"),
    ):  # fmt: skip
        reply = await subscribe(bot, ALICE, words)
        assert problem in reply, reply
    assert (await subscription_rows(bot))[0][1:4] == ("19:30", "UTC", "[]")


async def test_a_channels_title_with_a_bidi_override_is_echoed_without_it(
    start_bot: StartBot,
) -> None:
    """A channel titled with an unclosed U+202E showed the rest of "Subscribed to …" and
    "Stopped: … in …" reversed: its bidi controls are spaces, as a stored title's are."""
    channel = -100778
    async with start_bot(admins=frozenset({ADMIN})) as bot:
        bot.fake.add_chat(channel, "channel", title="Morning \u202efeirb", username="fuzzchan")
        bot.fake.set_member_status(channel, BOT_ID, "administrator", can_post_messages=True)
        bot.fake.set_member_status(channel, ADMIN, "administrator")
        [done] = await bot.ask(ADMIN, "/subscribe @fuzzchan 08:00")
        assert done["text"].startswith("Subscribed to Morning  feirb: a daily digest of all news")
        [shown] = await bot.ask(ADMIN, "/subscription @fuzzchan")
        assert shown["text"].startswith("Daily digest for Morning  feirb: 08:00")
        [stopped] = await bot.ask(ADMIN, "/unsubscribe @fuzzchan")
        assert stopped["text"].startswith("Stopped: no more daily digests in Morning  feirb.")


async def test_channel_subscriptions_check_the_bot_and_the_sender(
    start_bot: StartBot, clock: Clock
) -> None:
    channel = -100777
    async with start_bot(admins=frozenset({ADMIN})) as bot:
        [refused] = await bot.ask(555, "/subscribe @morningbrief 08:00")
        assert refused["text"].startswith("Only the bot's admins can manage a channel's digest")
        for command in ("/subscribe", "/unsubscribe"):  # no chat id: its echo would pass 4,096
            [too_long] = await bot.ask(ADMIN, f"{command} -100{'9' * 4000} 08:00")
            assert "wrong" not in too_long["text"] and len(too_long["text"]) < 1000, too_long
        [unknown] = await bot.ask(ADMIN, "/subscribe @morningbrief 08:00")
        assert unknown["text"].startswith(
            "I can't find the chat @morningbrief: add me to the channel as an administrator "
            "first, then try again.\nExample: /subscribe @morningbrief 08:00 Europe/London"
        )
        bot.fake.add_chat(channel, "channel", title="Morning & brief", username="morningbrief")
        [cannot_post] = await bot.ask(ADMIN, "/subscribe @morningbrief 08:00")
        assert cannot_post["text"].startswith(
            "I can't post in Morning & brief: make me an administrator of the channel"
        )
        bot.fake.set_member_status(channel, BOT_ID, "administrator", can_post_messages=False)
        [still_not] = await bot.ask(ADMIN, f"/subscribe {channel} 08:00")
        assert still_not["text"].startswith("I can't post in Morning & brief")
        bot.fake.set_member_status(channel, BOT_ID, "administrator", can_post_messages=True)
        [not_theirs] = await bot.ask(ADMIN, "/subscribe @morningbrief 08:00")
        assert not_theirs["text"] == (
            "You are not an administrator of Morning & brief: only its "
            "administrators can change its digest."
        )
        bot.fake.set_member_status(channel, ADMIN, "administrator")
        bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
        [group] = await bot.ask(ADMIN, f"/subscribe {GROUP} 08:00")
        assert group["text"] == (
            "Energy desk is not a channel: send the command in that chat itself."
        )
        [done] = await bot.ask(ADMIN, "/subscribe @morningbrief 06:45 Europe/Berlin lighthouse")
        assert done["text"].startswith(
            "Subscribed to Morning & brief: a daily digest of news "
            "about lighthouse at 06:45 Europe/Berlin"
        )
        [shown] = await bot.ask(ADMIN, f"/subscription {channel}")
        assert shown["text"].startswith("Daily digest for Morning & brief: 06:45 Europe/Berlin")
        await add_news(bot, *lighthouse("2024-06-02T15:00"))
        assert await deliver_at(bot, clock, "2024-06-03T04:45") == 1
        [digest] = bot.replies(channel)
        assert "Skerry" in digest["text"]
        assert await subscription_rows(bot) == [
            (channel, "06:45", "Europe/Berlin", '["lighthouse"]', 1, None)
        ]
        # stopped from a private chat: the channel's digest named, not "here"
        [stopped] = await bot.ask(ADMIN, "/unsubscribe @morningbrief")
        assert stopped["text"].startswith("Stopped: no more daily digests in Morning & brief.")
        [again] = await bot.ask(ADMIN, "/unsubscribe @morningbrief")
        assert again["text"].startswith("The daily digest for Morning & brief is stopped")


async def test_replies_about_a_channels_digest_name_the_channel_in_their_commands(
    start_bot: StartBot,
) -> None:
    """In the admin's private chat a bare /unsubscribe stops the admin's own digest: the
    commands a reply about a channel's digest offers must name the channel."""
    channel = -100999
    async with start_bot(admins=frozenset({ADMIN})) as bot:
        bot.fake.add_chat(channel, "channel", title="Newschan", username="newschan")
        bot.fake.set_member_status(channel, BOT_ID, "administrator", can_post_messages=True)
        bot.fake.set_member_status(channel, ADMIN, "administrator")
        [none] = await bot.ask(ADMIN, "/subscription @newschan")
        assert none["text"].startswith(
            "There is no daily digest for Newschan yet.\n"
            "Example: /subscribe @newschan 07:30 Europe/London oil opec"
        )
        [done] = await bot.ask(ADMIN, "/subscribe @newschan 23:56 oil")
        assert done["text"].startswith("Subscribed to Newschan: a daily digest of news about oil")
        assert done["text"].endswith(" /unsubscribe @newschan stops it.")
        [shown] = await bot.ask(ADMIN, "/subscription @newschan")
        assert shown["text"].endswith(
            "Change it with /subscribe @newschan, stop it with /unsubscribe @newschan."
        )
        [stopped] = await bot.ask(ADMIN, f"/unsubscribe {channel}")
        assert stopped["text"] == (
            f"Stopped: no more daily digests in Newschan. /subscribe {channel} starts them again."
        )
        [shown] = await bot.ask(ADMIN, "/subscription @newschan")
        assert shown["text"] == (  # its own settings, not the example's
            "The daily digest for Newschan is stopped (unsubscribed). Start it again with "
            "/subscribe @newschan 23:56 UTC oil."
        )
        [again] = await bot.ask(ADMIN, "/unsubscribe @newschan")
        assert again["text"] == shown["text"]
        # the admin's own private chat is untouched, and its replies keep the bare commands
        [mine] = await bot.ask(ADMIN, "/subscribe 08:00")
        assert mine["text"].endswith(" /unsubscribe stops it.")


async def test_a_channels_digest_is_seen_and_stopped_once_the_bot_is_out_of_it(
    start_bot: StartBot,
) -> None:
    """Removed from a channel (its update missed, the bot down), the bot was told by Telegram
    it could not find the channel: "/unsubscribe -100777" said to add the bot first, and the
    digest stayed on until its next one failed."""
    channel = -100777
    async with start_bot(admins=frozenset({ADMIN})) as bot:
        bot.fake.add_chat(channel, "channel", title="Morning brief", username="morningbrief")
        bot.fake.set_member_status(channel, BOT_ID, "administrator", can_post_messages=True)
        bot.fake.set_member_status(channel, ADMIN, "administrator")
        await subscribe(bot, ADMIN, "@morningbrief 06:45 Europe/Berlin")
        assert await bot.rows("SELECT chat_username FROM subscriptions") == [("morningbrief",)]
        bot.fake.block_chat(channel)  # every call about it fails, as once the bot is kicked
        [shown] = await bot.ask(ADMIN, "/subscription @MorningBrief")  # its name, as stored
        assert shown["text"].startswith("Daily digest for Morning brief: 06:45 Europe/Berlin")
        [refused] = await bot.ask(555, f"/unsubscribe {channel}")
        assert refused["text"].startswith("Only the bot's admins can manage a channel's digest")
        [stopped] = await bot.ask(ADMIN, f"/unsubscribe {channel}")
        assert stopped["text"] == (
            f"Stopped: no more daily digests in Morning brief. /subscribe {channel} starts "
            "them again."
        )
        assert (await subscription_rows(bot))[0][4:] == (0, "unsubscribed")
        [unknown] = await bot.ask(ADMIN, "/unsubscribe @eveningbrief")  # nothing stored
        assert unknown["text"].startswith("I can't find the chat @eveningbrief")

        # a public channel Telegram still finds, the bot no longer in it
        bot.fake.unblock_chat(channel)
        await subscribe(bot, ADMIN, "@morningbrief 06:45")
        bot.fake.set_member_status(channel, BOT_ID, "left")
        bot.fake.set_member_status(channel, ADMIN, "member")  # Telegram would not say
        [stopped] = await bot.ask(ADMIN, "/unsubscribe @morningbrief")
        assert stopped["text"].startswith("Stopped: no more daily digests in Morning brief.")
        [cannot] = await bot.ask(ADMIN, "/subscribe @morningbrief 06:45")  # never from storage
        assert cannot["text"].startswith("I can't post in Morning brief")


async def test_a_persons_or_a_groups_digest_is_not_the_admins_to_stop(start_bot: StartBot) -> None:
    """What is stored for a channel the bot is out of is a channel's only: a bot admin could
    see and stop a person's digest by their @username, or a group's the bot had left."""
    async with start_bot(admins=frozenset({ADMIN})) as bot:
        bot.fake.add_chat(ALICE, "private", username="alice_private")
        await subscribe(bot, ALICE, "08:00 oil")
        bot.fake.add_chat(GROUP, "supergroup", title="Energy desk", username="energydesk")
        bot.fake.set_member_status(GROUP, ADMIN, "administrator")
        await subscribe(bot, GROUP, "07:30", user_id=ADMIN, chat_type="supergroup")
        # a person's @username is not kept; a group's may be, to no admin's use
        assert await bot.rows(
            "SELECT chat_username FROM subscriptions WHERE chat_id = ?", ALICE
        ) == [(None,)]
        bot.fake.block_chat(ALICE)
        bot.fake.block_chat(GROUP)
        for ref in ("@alice_private", "@energydesk", str(GROUP)):
            for command in ("/subscription", "/unsubscribe"):
                [refused] = await bot.ask(ADMIN, f"{command} {ref}")
                assert refused["text"].startswith(f"I can't find the chat {ref}"), refused
        assert [row[4:] for row in await subscription_rows(bot)] == [(1, None), (1, None)]


async def test_a_chat_that_removes_the_bot_has_its_digest_stopped_at_once(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram tells the bot it was removed (my_chat_member): the digest stopped only when
    the next one failed, and a channel's could not be stopped before."""
    caplog.set_level(logging.INFO, logger="bot.digest_commands")
    channel = -100777
    async with start_bot(admins=frozenset({ADMIN})) as bot:
        bot.fake.add_chat(channel, "channel", title="Morning brief", username="morningbrief")
        bot.fake.set_member_status(channel, BOT_ID, "administrator", can_post_messages=True)
        bot.fake.set_member_status(channel, ADMIN, "administrator")
        await subscribe(bot, ADMIN, "@morningbrief 06:45")
        bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
        bot.fake.set_member_status(GROUP, ADMIN, "administrator")
        await subscribe(bot, GROUP, "07:30", user_id=ADMIN, chat_type="supergroup")
        await subscribe(bot, ALICE, "08:00")
        await subscribe(bot, BOB, "08:00")
        bot.fake.my_chat_member(channel, "kicked", old_status="administrator", chat_type="channel")
        bot.fake.my_chat_member(GROUP, "left", chat_type="supergroup")
        bot.fake.my_chat_member(ALICE, "kicked", chat_type="private")  # she blocked the bot
        bot.fake.my_chat_member(BOB, "member", old_status="kicked", chat_type="private")
        await bot.settle()
        assert [row[4:] for row in await subscription_rows(bot)] == [
            (0, "the bot was removed from the channel"),
            (0, "the bot was removed from the supergroup"),
            (0, "the bot was blocked"),
            (1, None),  # unblocked: nothing to stop
        ]
        for chat in (channel, GROUP, ALICE):
            assert f"digest subscription of chat {chat} stopped: the bot was" in caplog.text
        [shown] = await bot.ask(ADMIN, f"/subscription {channel}")
        assert shown["text"].startswith(
            "The daily digest for Morning brief is stopped (the bot was removed from the "
            "channel). Start it again with /subscribe -100777 06:45 UTC."
        )


async def test_a_supergroup_that_restricts_the_bot_out_of_it_has_its_digest_stopped(
    start_bot: StartBot,
) -> None:
    """Telegram reports a removed bot that had restrictions as "restricted" with is_member
    false, not "left": its digest went on until the next one failed."""
    kept = -100501
    async with start_bot() as bot:
        for chat in (GROUP, kept):
            bot.fake.add_chat(chat, "supergroup", title=f"Desk {chat}")
            bot.fake.set_member_status(chat, ADMIN, "administrator")
            await subscribe(bot, chat, "07:30", user_id=ADMIN, chat_type="supergroup")
        bot.fake.my_chat_member(GROUP, "restricted", chat_type="supergroup", is_member=False)
        bot.fake.my_chat_member(kept, "restricted", chat_type="supergroup")  # still in it
        await bot.settle()
        assert [(row[0], *row[4:]) for row in await subscription_rows(bot)] == [
            (GROUP, 0, "the bot was removed from the supergroup"),
            (kept, 1, None),
        ]


# ----- scheduling -------------------------------------------------------------------------


async def test_digests_follow_each_zone_across_a_daylight_saving_change(
    bot: Harness, clock: Clock
) -> None:
    clock.now = utc("2024-03-29T12:30")
    await subscribe(bot, ALICE, "08:00 Europe/London")
    await subscribe(bot, BOB, "08:00 America/New_York")
    await subscribe(bot, CAROL, "08:00 Asia/Tokyo")
    await add_news(bot, *lighthouse("2024-03-29T20:00"), bakery("2024-03-30T20:00"))

    async def recipients(when: str) -> list[int]:
        before = {c: len(bot.replies(c)) for c in (ALICE, BOB, CAROL)}
        await deliver_at(bot, clock, when)
        return [c for c in (ALICE, BOB, CAROL) if len(bot.replies(c)) > before[c]]

    assert await recipients("2024-03-29T22:59") == []
    assert await recipients("2024-03-29T23:00") == [CAROL]  # 08:00 in Tokyo, 30 March
    assert await recipients("2024-03-30T07:59") == []
    assert await recipients("2024-03-30T08:00") == [ALICE]  # 08:00 GMT
    assert await recipients("2024-03-30T11:59") == []
    assert await recipients("2024-03-30T12:00") == [BOB]  # 08:00 EDT (since 10 March)
    assert await recipients("2024-03-30T23:00") == [CAROL]  # Tokyo's 31 March
    # London moves to BST at 01:00 UTC on 31 March: its 08:00 is now 07:00 UTC.
    assert await recipients("2024-03-31T06:59") == []
    assert await recipients("2024-03-31T07:00") == [ALICE]
    first, second = texts(bot, ALICE)[-2:]
    assert "Skerry" in first and "since Fri 29 Mar 08:00 (Europe/London)" in first
    assert "bakery" in second and "since Sat 30 Mar 08:00 (Europe/London)" in second
    assert "Skerry" not in second  # each article in one digest


async def test_a_digest_missed_while_down_is_sent_once_the_same_day(
    start_bot: StartBot, clock: Clock
) -> None:
    clock.now = utc("2024-06-03T05:00")
    async with start_bot() as bot:
        await subscribe(bot, ALICE, "08:00 Europe/London")  # 07:00 UTC
        await add_news(bot, *lighthouse("2024-06-02T15:00"), bakery("2024-06-03T10:00"))
    clock.now = utc("2024-06-03T15:00")  # back at 16:00 in London
    async with start_bot() as bot:
        assert bot.app.job_queue is not None
        [job] = bot.app.job_queue.get_jobs_by_name("digests")
        assert job.trigger.interval == timedelta(seconds=TICK_SECONDS)
        [digest] = (await bot.reply(ALICE, 2))[1:]  # the job's first tick, at start-up
        assert "Skerry" in digest["text"] and "bakery" not in digest["text"]
        assert await deliver_due(bot.app.bot, bot.app.bot_data) == 0
    clock.now = utc("2024-06-05T00:30")  # back after midnight: 4 June's is not sent
    async with start_bot() as bot:
        assert await deliver_due(bot.app.bot, bot.app.bot_data) == 0
        assert await deliver_at(bot, clock, "2024-06-05T07:00") == 1
        latest = texts(bot, ALICE)[-1]
        assert "bakery" in latest and "since Mon 3 Jun 08:00 (Europe/London)" in latest
        assert len(texts(bot, ALICE)) == 3  # the subscription reply and two digests


def outage_feed(base: str, published: list[datetime]) -> bytes:
    """An RSS feed of one story a day, published while the bot was down."""
    stories = [
        ("Harbour crane collapses onto an empty quay", "crane", "The old harbour crane"),
        ("Village school wins the national chess final", "chess", "The village school team"),
        ("Snowstorm closes the mountain pass road", "snowstorm", "A late snowstorm"),
    ]
    items = "".join(
        f"<item><title>{title}</title><link>{base}/news/{word}.html</link>"
        f"<guid isPermaLink='false'>outage-{word}</guid>"
        f"<pubDate>{format_datetime(when, usegmt=True)}</pubDate>"
        f"<description>{lead} made the news. Residents said the {word} story was the talk "
        f"of the town for the whole day, and officials promised a full report.</description>"
        "</item>"
        for (title, word, lead), when in zip(stories, published, strict=True)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Coast Courier</title><link>{base}/</link><description>News</description>"
        f"{items}</channel></rss>"
    ).encode()


async def test_news_of_an_outage_is_in_the_digest_sent_once_back(
    start_bot: StartBot, clock: Clock, feed_server: FeedServer, news_db: Path
) -> None:
    """Back after three days down, the start-up tick sent "No new articles since ..." ten
    seconds before the first feed poll stored the three days' news; the next digest's
    period began after them, so the oldest story reached no digest at all. Feeds store at
    the real time, so the clock here is the real one: a zone where it is past noon now."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    hours = 12 - now.hour  # from UTC-11 to UTC+12: noon today, there, has passed
    zone = f"GMT{hours:+d}"
    noon = now.replace(minute=0)  # today's 12:00 there, in UTC
    before = noon - timedelta(days=3)
    clock.now = before - timedelta(hours=1)
    async with start_bot() as bot:
        assert "at 12:00" in await subscribe(bot, ALICE, f"12:00 {zone}")
        assert await deliver_at(bot, clock, (before + timedelta(minutes=1)).isoformat()[:16]) == 1
    published = [before + timedelta(days=day, hours=4) for day in range(3)]
    feed_server.routes["/feed.rss"] = Route(
        body=outage_feed(feed_server.base, published), content_type="application/rss+xml"
    )
    engine = await Engine.open(news_db)
    try:
        await engine.add_feed(feed_server.url("/feed.rss"), name="Coast Courier")
    finally:
        await engine.close()
    clock.now = now + timedelta(minutes=5)  # what the poll stores is stored before it
    async with start_bot(allow_private_urls=True) as bot:
        await until(lambda: feed_server.hits("/feed.rss"), "the first poll, 10 s after start")
        digest = str((await bot.reply(ALICE, 3))[2]["text"])
        for title in ("Harbour crane", "Village school", "Snowstorm closes"):
            assert title in digest, digest
        assert len(feed_server.hits("/feed.rss")) == 1


async def test_news_stored_after_a_long_catch_up_joins_the_next_digest(
    bot: Harness, clock: Clock
) -> None:
    """The catch-up after three days down covered Mon 08:00 to Thu 08:00; a story of Mon
    12:00 stored after it was built (a feed polled late) was older than the next digest's
    48-hour late window, and reached no digest."""
    clock.now = utc("2024-06-03T07:00")
    await subscribe(bot, ALICE, "08:00 UTC")
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1  # Monday's
    assert await deliver_at(bot, clock, "2024-06-06T08:30") == 1  # the catch-up, on Thursday
    assert texts(bot, ALICE)[-1].startswith("No new articles since Mon 3 Jun 08:00")
    await add_news(bot, *lighthouse("2024-06-03T12:00"), bakery("2024-06-05T12:00"))
    stored = utc("2024-06-06T09:00").timestamp()  # after the catch-up was built
    run_sql(
        bot.db_path, "UPDATE articles SET ingested_ts = ? WHERE published LIKE '2024%'", stored
    )
    assert await deliver_at(bot, clock, "2024-06-07T08:00") == 1
    friday = texts(bot, ALICE)[-1]
    assert "since Thu 6 Jun 08:00" in friday
    assert "Skerry" in friday and "bakery" in friday
    assert await deliver_at(bot, clock, "2024-06-08T08:00") == 1  # each article in one digest
    assert texts(bot, ALICE)[-1].startswith("No new articles since Fri 7 Jun 08:00")


async def test_digest_now_takes_late_news_of_the_last_digests_period_too(
    bot: Harness, clock: Clock
) -> None:
    """/digest "sends the same now": a story dated in the last scheduled digest's period and
    stored after it was built joins the next scheduled digest, but /digest took late news only
    from the 48 hours before its own period, and left it out."""
    clock.now = utc("2024-06-03T07:00")
    await subscribe(bot, ALICE, "08:00 UTC")
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1  # Monday's
    assert await deliver_at(bot, clock, "2024-06-06T08:30") == 1  # the catch-up, on Thursday
    await add_news(bot, *lighthouse("2024-06-03T12:00"))
    stored = utc("2024-06-06T09:00").timestamp()  # after the catch-up was built
    run_sql(
        bot.db_path, "UPDATE articles SET ingested_ts = ? WHERE published LIKE '2024%'", stored
    )
    clock.now = utc("2024-06-06T18:00")
    [digest] = await bot.ask(ALICE, "/digest")
    assert "Skerry" in digest["text"]


async def test_a_catch_up_capped_at_a_week_takes_no_late_news_from_the_gap(
    bot: Harness, clock: Clock
) -> None:
    """Three weeks down: the catch-up covers only the last week, from Mon 17 Jun. News stored
    on the first poll back and dated in the skipped weeks is in no digest's period, so no
    digest takes it; news dated in the last digest's own period still arrives late."""
    clock.now = utc("2024-06-03T07:00")
    await subscribe(bot, ALICE, "08:00 UTC")
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1  # Sun 08:00 to Mon 08:00
    await add_news(bot, *lighthouse("2024-06-02T12:00"), bakery("2024-06-05T12:00"))
    stored = utc("2024-06-24T07:30").timestamp()  # the first poll back
    run_sql(
        bot.db_path, "UPDATE articles SET ingested_ts = ? WHERE published LIKE '2024%'", stored
    )
    assert await deliver_at(bot, clock, "2024-06-24T08:30") == 1
    catch_up = texts(bot, ALICE)[-1]
    assert "1 story since Mon 17 Jun 08:00" in catch_up
    assert "Skerry" in catch_up and "bakery" not in catch_up
    assert await deliver_at(bot, clock, "2024-06-25T08:00") == 1  # each article in one digest
    assert texts(bot, ALICE)[-1].startswith("No new articles since Mon 24 Jun 08:00")


async def test_no_digest_is_sent_twice_across_a_restart_or_a_crash(
    start_bot: StartBot,
    clock: Clock,
    news_db: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock.now = utc("2024-06-03T06:00")
    async with start_bot() as bot:
        await subscribe(bot, ALICE, "08:00 UTC")
        await subscribe(bot, BOB, "08:00 UTC")
        await add_news(bot, *lighthouse("2024-06-02T15:00"))
        await until(lambda: bot.fake.sent_messages(BOB), "Bob's subscription reply")
    # The bot dies while sending Bob's digest: claimed, one message out, never finished.
    subs = await Subscriptions.open(news_db)
    try:
        bob = [d for d in await subs.due(utc("2024-06-03T08:00")) if d.subscription.chat_id == BOB]
        claimed = await subs.claim(bob[0], utc("2024-06-03T08:00"))
        assert claimed is not None
        await subs.progress(claimed.id, 1, BOB)
    finally:
        await subs.close()
    ticked = asyncio.Event()

    async def tick_told(context: Any) -> None:
        try:
            await send_due_digests(context)
        finally:
            ticked.set()

    # Each start's tick is waited for to its end (Alice's delivery recorded), not only to its
    # message: a deliver_due of the test's own beside it is two ticks at once, as none are
    monkeypatch.setattr(digest_delivery, "send_due_digests", tick_told)
    clock.now = utc("2024-06-03T08:00")
    async with start_bot() as bot:
        await asyncio.wait_for(ticked.wait(), WAIT)
        assert len(bot.replies(ALICE)) == 2  # Alice's digest
        assert await deliver_at(bot, clock, "2024-06-03T08:05") == 0
    ticked.clear()
    async with start_bot() as bot:  # a second restart, the same minute
        await asyncio.wait_for(ticked.wait(), WAIT)  # its tick at start-up sent what it would
        assert await deliver_due(bot.app.bot, bot.app.bot_data) == 0
        assert len(bot.replies(ALICE)) == 2 and len(bot.replies(BOB)) == 1
        states = await bot.rows("SELECT chat_id, state FROM deliveries ORDER BY chat_id")
    assert states == [(ALICE, "sent"), (BOB, "unknown")]
    assert (
        f"for chat {BOB} was interrupted while sending (1 message out); it is not sent "
        "again" in caplog.text
    )


async def test_the_chats_subscribed_are_counted_at_start_up(
    start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.digest_delivery")
    async with start_bot() as bot:
        await subscribe(bot, ALICE, "08:00 UTC")
    async with start_bot():
        pass
    told = [r.getMessage() for r in caplog.records if r.name == "bot.digest_delivery"]
    assert told[:2] == [
        "0 chats subscribed to daily digests",
        "1 chat subscribed to daily digests",  # not "1 chats"
    ]


@pytest.mark.parametrize("lost", ["timed out", "connection lost"])
async def test_a_digest_whose_first_message_timed_out_may_have_arrived(
    lost: str, bot: Harness, clock: Clock
) -> None:
    """Telegram carried the message out and answered after the bot stopped waiting (or the
    connection was lost before its answer): the digest is "unknown", not "failed", so the
    next period does not start back at this one and send its stories again."""
    clock.now = utc("2024-06-03T06:00")
    await subscribe(bot, ALICE, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    if lost == "timed out":
        bot.fake.delay_answer("sendMessage", 7.0)  # past the bot's read timeout
    else:
        bot.fake.drop_answer("sendMessage")
    await deliver_at(bot, clock, "2024-06-03T08:00")
    assert len(bot.replies(ALICE)) == 2  # the subscription reply, and the digest
    assert await bot.rows("SELECT chat_id, state FROM deliveries") == [(ALICE, "unknown")]


# ----- what a digest holds ----------------------------------------------------------------


async def test_keywords_filter_what_a_chat_receives(
    bot: Harness, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.digest_delivery")
    await subscribe(bot, ALICE, "08:00 UTC lighthouses")
    await subscribe(bot, BOB, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"), bakery("2024-06-02T16:00"))
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 2
    told = {r.getMessage() for r in caplog.records if r.name == "bot.digest_delivery"}
    assert f"digest for chat {ALICE}: 1 story in 1 message" in told  # not "1 messages"
    assert f"digest for chat {BOB}: 2 stories in 1 message" in told
    alice, bob = texts(bot, ALICE)[-1], texts(bot, BOB)[-1]
    assert alice.startswith("News digest about lighthouses: 1 story since Sun 2 Jun 08:00")
    assert "Skerry" in alice and "bakery" not in alice
    assert bob.startswith("News digest: 2 stories since Sun 2 Jun 08:00 (UTC)")
    # The story three outlets carried comes first, with all three named.
    first = bob.split("\n\n")[1]
    assert first.startswith("1. ") and "Skerry" in first
    assert first.splitlines()[-1].startswith("City Herald, Coastal Times, Radio North · ")


async def test_a_digest_subscribed_in_a_forum_topic_goes_to_that_topic(
    bot: Harness, clock: Clock
) -> None:
    """It went to the group's General topic: where nobody asked for it, and refused every
    day where General is closed."""
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk", forum=True)
    bot.fake.set_member_status(GROUP, ADMIN, "administrator")
    await subscribe(bot, GROUP, "08:00 UTC", user_id=ADMIN, chat_type="supergroup", topic=12)
    # /subscription says which topic it goes to: the same reply in General left them to guess
    for asked_in, place in ((12, "in this topic"), (None, "in another topic (id 12)")):
        [shown] = await bot.ask(
            GROUP, "/subscription", user_id=ADMIN, chat_type="supergroup", topic=asked_in
        )
        assert shown["text"].startswith(f"Daily digest: 08:00 UTC, all news, {place}.\n")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1
    confirmed, _, _, digest = bot.replies(GROUP)
    assert digest["text"].startswith("News digest: 1 story since Sun 2 Jun 08:00 (UTC)")
    assert confirmed.get("message_thread_id") == digest.get("message_thread_id") == 12
    # the topic deleted: that digest, and the next, go to General, not fail daily
    bot.fake.fail_next("sendMessage", 400, "Bad Request: message thread not found")
    assert await deliver_at(bot, clock, "2024-06-04T08:00") == 1
    tuesday = bot.replies(GROUP)[-1]
    assert tuesday["text"].startswith("No new articles since Mon 3 Jun 08:00 (UTC)")
    assert "message_thread_id" not in tuesday
    assert await bot.rows("SELECT topic_id FROM subscriptions") == [(None,)]
    assert await bot.rows("SELECT state FROM deliveries ORDER BY id") == [("sent",), ("empty",)]
    [shown] = await bot.ask(
        GROUP, "/subscription", user_id=ADMIN, chat_type="supergroup", topic=12
    )  # said where it went, and why
    assert shown["text"].startswith("Daily digest: 08:00 UTC, all news, in General.\n")
    assert (
        "Last: Tue 4 Jun 08:00, nothing new; its forum topic was deleted, so it went to "
        "General, as the next ones will." in shown["text"]
    )
    # subscribed again in a topic, then in General: its digests go there from then on
    await subscribe(bot, GROUP, "09:00 UTC", user_id=ADMIN, chat_type="supergroup", topic=12)
    assert await bot.rows("SELECT topic_id FROM subscriptions") == [(12,)]
    await subscribe(bot, GROUP, "09:00 UTC", user_id=ADMIN, chat_type="supergroup")
    assert await deliver_at(bot, clock, "2024-06-05T09:00") == 1
    assert "message_thread_id" not in bot.replies(GROUP)[-1]


async def test_a_digest_in_a_closed_forum_topic_fails_and_keeps_its_topic(
    bot: Harness, clock: Clock
) -> None:
    """A closed topic (an admin may reopen it) moved the digest to General for good, and
    /subscription said only that the last one was sent."""
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
    bot.fake.set_member_status(GROUP, ADMIN, "administrator")
    await subscribe(bot, GROUP, "08:00 UTC", user_id=ADMIN, chat_type="supergroup", topic=12)
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.fail_next("sendMessage", 400, "Bad Request: TOPIC_CLOSED")
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1
    assert len(bot.replies(GROUP)) == 1  # the reply to /subscribe only: none in General
    assert await bot.rows("SELECT topic_id FROM subscriptions") == [(12,)]
    assert await bot.rows("SELECT state FROM deliveries") == [("failed",)]
    [shown] = await bot.ask(GROUP, "/subscription", user_id=ADMIN, chat_type="supergroup")
    assert (
        "The digest of Mon 3 Jun 08:00 failed: its forum topic is closed: reopen it, or "
        "/subscribe in another topic (Telegram: Topic_closed). The next one tries again."
    ) in shown["text"]
    # reopened: the next digest goes to the topic, with the news the failed one had
    assert await deliver_at(bot, clock, "2024-06-04T08:00") == 1
    tuesday = bot.replies(GROUP)[-1]
    assert tuesday["text"].startswith("News digest: 1 story since Sun 2 Jun 08:00 (UTC)")
    assert tuesday.get("message_thread_id") == 12


async def test_nothing_new_is_said_unless_the_subscription_is_quiet(
    bot: Harness, clock: Clock
) -> None:
    await subscribe(bot, ALICE, "08:00 UTC")
    await subscribe(bot, BOB, "08:00 UTC quiet")
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 2
    assert texts(bot, ALICE)[-1] == "No new articles since Sun 2 Jun 08:00 (UTC)."
    assert len(texts(bot, BOB)) == 1  # only the reply to /subscribe
    states = await bot.rows("SELECT chat_id, state FROM deliveries ORDER BY chat_id")
    assert states == [(ALICE, "empty"), (BOB, "empty")]


async def test_a_long_digest_is_split_into_valid_messages(bot: Harness, clock: Clock) -> None:
    await subscribe(bot, ALICE, "08:00 UTC")
    bot.app.bot_data.digests.limit = 30  # ten stories rarely need a second message
    # Real BBC stories (not among the background's 300), dated within the period.
    bbc = list(shared_articles("bbc-news", 330))[300:]
    await add_news(
        bot,
        *(
            story(a["title"], a["text"], f"2024-06-02T{10 + n % 10}:{n % 60:02d}", a["source"])
            for n, a in enumerate(bbc)
        ),
        story(
            "Rates & <Markets>: the bank holds",
            "The central bank held rates at 4.5% on Thursday & said <nothing> more.",
            "2024-06-02T21:00",
        ),
    )
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1
    digest = texts(bot, ALICE)[1:]
    assert len(digest) >= 2  # no 400 from the fake: each is valid HTML within 4096
    numbers = [int(n) for t in digest for n in re.findall(r"^(\d+)\. ", t, re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 20
    assert "Rates & <Markets>: the bank holds" in digest[0]
    [(messages, state)] = await bot.rows("SELECT messages, state FROM deliveries")
    assert (messages, state) == (len(digest), "sent")


async def test_digest_now_sends_the_news_to_the_chat_it_is_asked_in(
    bot: Harness, clock: Clock
) -> None:
    clock.now = utc("2024-06-02T18:00")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
    [digest] = await bot.ask(GROUP, "/digest", user_id=555, chat_type="supergroup")
    assert digest["text"].startswith("News digest: 1 story since Sat 1 Jun 18:00 (UTC)")
    [none] = await bot.ask(GROUP, "/digest volcano", user_id=555, chat_type="supergroup")
    assert none["text"] == "No new articles about volcano since Sat 1 Jun 18:00 (UTC)."
    assert await bot.rows("SELECT count(*) FROM deliveries") == [(0,)]  # not a scheduled one
    [refused] = await bot.ask(ALICE, "/digest the of")  # told what /digest takes
    assert refused["text"].startswith("'the of' has only very common words")
    assert (
        "Example: /digest oil opec — the news since this chat's last digest" in (refused["text"])
    )
    assert "time zone" not in refused["text"]  # /subscribe's usage, which /digest got


async def test_digest_now_leaves_a_stopped_subscriptions_keywords_behind(
    bot: Harness, clock: Clock
) -> None:
    clock.now = utc("2024-06-02T18:00")
    await subscribe(bot, ALICE, "08:00 UTC lighthouse")
    await bot.ask(ALICE, "/unsubscribe")
    await add_news(bot, *lighthouse("2024-06-02T15:00"), bakery("2024-06-02T16:00"))
    [digest] = await bot.ask(ALICE, "/digest")
    assert digest["text"].startswith("News digest: 2 stories")  # all news, not lighthouses
    assert "Old bakery reopens" in digest["text"]


async def test_digest_now_and_subscribe_take_a_phrase_in_quotes(
    bot: Harness, clock: Clock
) -> None:
    """Telegram parts a command at every space: "Market Street" was two keywords, and a
    digest about either word."""
    clock.now = utc("2024-06-02T18:00")
    await add_news(bot, *lighthouse("2024-06-02T15:00"), bakery("2024-06-02T16:00"))
    [digest] = await bot.ask(ALICE, '/digest "Market Street"')
    assert digest["text"].startswith("News digest about “Market Street”: 1 story")
    assert "Old bakery reopens" in digest["text"]
    [none] = await bot.ask(BOB, "/digest “Skerry bakery”")
    assert none["text"].startswith("No new articles about “Skerry bakery” since")
    reply = await subscribe(bot, CAROL, '08:00 UTC "coastal authority" bakery')
    assert "“coastal authority”, bakery" in reply
    [(keywords,)] = await bot.rows("SELECT keywords FROM subscriptions")
    assert json.loads(keywords) == ["coastal authority", "bakery"]


async def test_a_number_is_one_keyword_with_the_word_before_it(bot: Harness, clock: Clock) -> None:
    """`/digest apollo 11` was a digest of everything that says "11" ("slipped 11%",
    "Chapter 11"), and /subscribe confirmed "apollo, 11" as two keywords."""
    clock.now = utc("2024-06-02T18:00")
    await add_news(
        bot,
        story(
            "Moon landing remembered",
            "Apollo 11 landed on the Moon 55 years ago.",
            "2024-06-02T15:00",
        ),
        story(
            "Retailer's shares slide",
            "Shares in the retailer slipped 11% on Monday after a profit warning.",
            "2024-06-02T16:00",
        ),
        bakery("2024-06-02T16:30"),
    )
    [digest] = await bot.ask(ALICE, "/digest apollo 11")
    assert digest["text"].startswith("News digest about “apollo 11”: 1 story")
    assert "Moon landing" in digest["text"] and "shares" not in digest["text"]
    [refused] = await bot.ask(BOB, "/digest 11")
    assert refused["text"].startswith("'11' alone would match any article with that number")
    reply = await subscribe(bot, CAROL, '07:30 GMT+2 "Bank of England" oil apollo 11')
    assert "about “Bank of England”, oil, “apollo 11” at 07:30" in reply
    [(keywords,)] = await bot.rows("SELECT keywords FROM subscriptions")
    assert json.loads(keywords) == ["Bank of England", "oil", "apollo 11"]


async def test_digest_now_is_limited_per_chat_whoever_asks(bot: Harness, clock: Clock) -> None:
    """Any member of a group may send /digest, and each is several messages: twelve in a row
    posted twelve digests, flooding the group and using up what Telegram lets the bot post
    there, scheduled digests included."""
    clock.now = utc("2024-06-02T18:00")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
    for user in (555, 556):
        [digest] = await bot.ask(GROUP, "/digest", user_id=user, chat_type="supergroup")
        assert digest["text"].startswith("News digest: 1 story")
    [told] = await bot.ask(GROUP, "/digest", user_id=557, chat_type="supergroup")
    assert told["text"].startswith("A digest was sent here just now; /digest again in ")
    sent = len(bot.replies(GROUP))
    bot.fake.user_message(GROUP, "/digest", user_id=558, chat_type="supergroup")
    await bot.settle()
    assert len(bot.replies(GROUP)) == sent  # told once; then quiet
    [private] = await bot.ask(ALICE, "/digest")  # another chat has its own allowance
    assert private["text"].startswith("News digest: 1 story")


async def test_only_a_digest_sent_counts_against_the_chats_digests(
    bot: Harness, clock: Clock
) -> None:
    """`/digest zorblaxqq` ("No new articles about ...") used up the chat's digests: the next
    /digest was told "A digest was sent here just now", though none had been."""
    clock.now = utc("2024-06-02T18:00")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
    for words in ("zorblaxqq", "the of", "zorblaxqq"):
        [none] = await bot.ask(GROUP, f"/digest {words}", user_id=555, chat_type="supergroup")
        assert not none["text"].startswith("A digest was sent here just now")
    for user in (555, 556):
        [digest] = await bot.ask(GROUP, "/digest", user_id=user, chat_type="supergroup")
        assert digest["text"].startswith("News digest: 1 story")
    [told] = await bot.ask(GROUP, "/digest zorblaxqq", user_id=557, chat_type="supergroup")
    assert told["text"].startswith("A digest was sent here just now")


async def test_a_digest_not_sent_counts_against_the_senders_limit(start_bot: StartBot) -> None:
    """Uncounted in the chat's digests, a /digest that finds nothing still counts as a
    command: repeated, it is not answered without end."""
    async with start_bot(questions_per_minute=2) as bot:
        for _ in range(2):
            [none] = await bot.ask(ALICE, "/digest zorblaxqq")
            assert none["text"].startswith("No new articles about zorblaxqq")
        [told] = await bot.ask(ALICE, "/digest zorblaxqq")
        assert told["text"].startswith("You have sent me 2 questions and commands in the last")
        bot.fake.user_message(ALICE, "/digest zorblaxqq")
        await bot.settle()
        assert len(bot.replies(ALICE)) == 3  # told once; then quiet


# ----- Telegram's answers -----------------------------------------------------------------


async def test_a_chat_that_removed_the_bot_is_unsubscribed_and_others_still_get_theirs(
    bot: Harness, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    await subscribe(bot, ALICE, "08:00 UTC")
    await subscribe(bot, BOB, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.block_chat(ALICE)
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 2
    assert "Skerry" in texts(bot, BOB)[-1]
    rows = await subscription_rows(bot)
    assert rows[0][4:] == (0, "Telegram refused: Forbidden: bot was blocked by the user")
    assert rows[1][4:] == (1, None)
    assert f"digest subscription of chat {ALICE} stopped" in caplog.text
    assert await deliver_at(bot, clock, "2024-06-04T08:00") == 1  # Bob only


async def test_why_a_digest_stopped_never_holds_the_token(bot: Harness, clock: Clock) -> None:
    """Telegram's words were stored as they came and shown by /subscription, unredacted
    beside the failed delivery's error, which was."""
    await subscribe(bot, ALICE, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.fail_next("sendMessage", 403, f"Forbidden: bot{TEST_TOKEN} was kicked")
    await deliver_at(bot, clock, "2024-06-03T08:00")
    [(reason,)] = await bot.rows("SELECT stopped_reason FROM subscriptions")
    assert TEST_TOKEN not in reason and "was kicked" in reason
    [shown] = await bot.ask(ALICE, "/subscription")
    assert "was kicked" in shown["text"] and TEST_TOKEN not in shown["text"]
    # as an earlier release stored it
    await bot.rows("UPDATE subscriptions SET stopped_reason = ?", f"refused: bot{TEST_TOKEN}")
    [shown] = await bot.ask(ALICE, "/subscription")
    assert "(refused: bot" in shown["text"] and TEST_TOKEN not in shown["text"]


async def test_why_a_digest_failed_is_stored_without_the_token(bot: Harness, clock: Clock) -> None:
    """The error of a failed delivery was stored as Telegram worded it, token and all, in the
    database and its backups; only /subscription's display hid it."""
    await subscribe(bot, ALICE, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    refusal = f"Bad Request: not enough rights for bot{TEST_TOKEN} to send text messages"
    bot.fake.fail_next("sendMessage", 400, refusal)
    await deliver_at(bot, clock, "2024-06-03T08:00")
    [(state, error)] = await bot.rows("SELECT state, error FROM deliveries")
    assert state == "failed" and "to send text messages" in error
    secret = TEST_TOKEN.partition(":")[2].lower()  # PTB lower-cases all but the first letter
    assert secret not in error.lower()
    [shown] = await bot.ask(ALICE, "/subscription")
    assert "to send text messages" in shown["text"] and secret not in shown["text"].lower()
    # as an earlier release stored it
    await bot.rows("UPDATE deliveries SET error = ?", f"refused: bot{TEST_TOKEN}")
    [shown] = await bot.ask(ALICE, "/subscription")
    assert "failed: refused: bot" in shown["text"] and secret not in shown["text"].lower()


async def test_a_group_upgraded_to_a_supergroup_keeps_its_digest(
    bot: Harness, clock: Clock
) -> None:
    old, new = -4001, -1004001
    bot.fake.add_chat(old, "group", title="Desk")
    bot.fake.set_member_status(old, ADMIN, "creator")
    await subscribe(bot, old, "08:00 UTC", user_id=ADMIN, chat_type="group")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.migrate_chat(old, new)
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1
    [digest] = bot.replies(new)
    assert "Skerry" in digest["text"]
    assert (await subscription_rows(bot))[0][:2] == (new, "08:00")
    assert await bot.rows("SELECT chat_id, state FROM deliveries") == [(new, "sent")]
    await add_news(bot, bakery("2024-06-03T15:00"))
    assert await deliver_at(bot, clock, "2024-06-04T08:00") == 1
    assert len(bot.replies(new)) == 2


async def test_a_group_upgraded_onto_a_supergroup_with_a_digest_gets_that_one(
    bot: Harness, clock: Clock
) -> None:
    """The supergroup's own subscription wins the move (`move_chat`), but the delivery under
    way went on there: two digests that day, the second with the old group's keywords."""
    old, new = -4001, -1004001
    for chat, kind in ((old, "group"), (new, "supergroup")):
        bot.fake.add_chat(chat, kind, title="Desk")
        bot.fake.set_member_status(chat, ADMIN, "creator")
    await subscribe(bot, old, "08:00 UTC skerry", user_id=ADMIN, chat_type="group")
    await subscribe(bot, new, "08:00 UTC bakery", user_id=ADMIN, chat_type="supergroup")
    await add_news(bot, *lighthouse("2024-06-02T15:00"), bakery("2024-06-02T16:00"))
    bot.fake.migrate_chat(old, new)
    await deliver_at(bot, clock, "2024-06-03T08:00")
    [digest] = texts(bot, new)[1:]  # after the reply to /subscribe
    assert "bakery" in digest.lower() and "Skerry" not in digest
    rows = await bot.rows("SELECT chat_id, state, error FROM deliveries ORDER BY id")
    assert (old, "failed", f"migrated to {new}, which has a digest of its own") in rows


async def test_flood_control_is_waited_out_and_the_digest_sent_once(
    bot: Harness, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """The rate limiter waits out a message's first 429s (bot.app's RATE_LIMIT_RETRIES: 3),
    pausing its chat alone; past them the digest waits out more itself. Each is waited
    where it is meant to be: without the limiter's retries the digest's own waited out all
    four, and the digest went out all the same."""
    caplog.set_level(logging.INFO, logger="bot.transport")
    caplog.set_level(logging.INFO, logger="bot.digest_delivery")
    await subscribe(bot, ALICE, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    before = len(bot.fake.calls("sendMessage"))
    caplog.clear()
    # More 429s in a row than the rate limiter retries: the delivery waits out the rest.
    bot.fake.fail_next("sendMessage", 429, retry_after=1, count=4)
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1
    calls = bot.fake.calls("sendMessage")[before:]
    assert len(calls) == 5 and calls[-1].time - calls[0].time >= 4.0
    assert len(texts(bot, ALICE)) == 2  # the reply to /subscribe, and the digest once
    said = [record.getMessage() for record in caplog.records]
    by_limiter = f"sendMessage to chat {ALICE}: flood control, trying again in 1.1 s"
    by_digest = f"flood control on chat {ALICE}: waiting 1 s"
    assert [line for line in said if line in (by_limiter, by_digest)] == [
        *[by_limiter] * 3,
        by_digest,
    ]


async def test_digests_to_many_chats_past_the_flood_limits_reach_each_chat_once(
    bot: Harness, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Digests go out at once, past what Telegram takes in a second (here 2 messages, so
    that a few chats pass it): the 429s are waited out, and each chat gets its digest, once.
    The rate limiter waits them out, each chat apart: a chat's digest, one message, is
    refused at most twice (each refusal needs two of the five others' sent in the second
    before, and its retry comes past that second), within the limiter's three retries, so
    the digest's own wait is never needed."""
    caplog.set_level(logging.INFO, logger="bot.transport")
    caplog.set_level(logging.INFO, logger="bot.digest_delivery")
    chats = range(ALICE, ALICE + 6)
    for chat_id in chats:
        await subscribe(bot, chat_id, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    bot.fake.limit_floods(FloodLimits(overall=2))
    caplog.clear()
    assert await deliver_at(bot, clock, "2024-06-03T08:00") == len(chats)
    assert bot.fake.floods()
    digests = [texts(bot, chat_id)[1:] for chat_id in chats]  # after the reply to /subscribe
    assert "Skerry" in digests[0][0] and all(digest == digests[0] for digest in digests)
    assert len(digests[0]) == 1
    said = [record.getMessage() for record in caplog.records]
    waited = [line for line in said if ": flood control, trying again in " in line]
    assert len(waited) == len(bot.fake.floods())  # each 429, by the limiter
    assert not [line for line in said if line.startswith("flood control on chat")]
    states = await bot.rows("SELECT chat_id, state FROM deliveries ORDER BY chat_id")
    assert states == [(chat_id, "sent") for chat_id in chats]


async def stop_in_a_flood_wait(bot: Harness, clock: Clock, when: str) -> None:
    """Deliver the digests due at `when`, the first message of which waits out a flood
    (past the rate limiter's retries: the digest's own wait, of an hour), and stop the
    bot's waits there, as its stop does; returns once the delivery ended, which only the
    stop can end within the test's patience."""
    before = len(bot.fake.calls("sendMessage"))
    bot.fake.fail_next("sendMessage", 429, retry_after=1, count=3)  # the limiter's retries
    bot.fake.fail_next("sendMessage", 429, retry_after=3600)  # then the digest's own wait
    limiter = bot.app.bot.rate_limiter
    assert isinstance(limiter, RetryingRateLimiter)
    in_its_wait, wait_out = asyncio.Event(), limiter.wait_out

    async def waiting_out(seconds: float, where: str) -> None:
        if where.startswith("digest to chat"):  # not a retry of the limiter's own
            in_its_wait.set()  # the wait begins before this task runs again
        await wait_out(seconds, where)

    limiter.wait_out = waiting_out  # type: ignore[method-assign]
    delivering = asyncio.create_task(deliver_at(bot, clock, when))
    await asyncio.wait_for(in_its_wait.wait(), timeout=30)
    assert len(bot.fake.calls("sendMessage")) == before + 4
    limiter.stop_waiting()
    await asyncio.wait_for(delivering, timeout=30)  # not the hour


async def test_a_flood_wait_of_a_digest_ends_when_the_bot_stops(
    bot: Harness, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Past the rate limiter's retries a digest waits out a flood itself: a minute's
    retry_after held up the bot's stop for that minute (past a container's grace period).
    A stop ends the wait; nothing went out, so the digest is released for later."""
    await subscribe(bot, ALICE, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    await stop_in_a_flood_wait(bot, clock, "2024-06-03T08:00")
    assert "digest to chat" in caplog.text and "dropped: the bot is stopping" in caplog.text
    rows = await bot.rows("SELECT state FROM deliveries")
    assert "sent" not in {state for (state,) in rows}
    assert len(texts(bot, ALICE)) == 1  # the reply to /subscribe only


async def test_a_digest_the_stop_dropped_is_logged_so_and_sent_at_the_next_start(
    start_bot: StartBot, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A digest dropped by the bot's stop before any of it went out was logged as "Telegram
    unreachable (... the bot is stopping); trying again": no try came, the bot stopped. It
    is released, and the start-up tick sends it when the bot is back the same day."""
    caplog.set_level(logging.WARNING, logger="bot.digest_delivery")
    clock.now = utc("2024-06-03T06:00")
    async with start_bot() as bot:
        await subscribe(bot, ALICE, "08:00 UTC")
        await add_news(bot, *lighthouse("2024-06-02T15:00"))
        await stop_in_a_flood_wait(bot, clock, "2024-06-03T08:00")
        assert await bot.rows("SELECT state FROM deliveries") == []  # released
    said = [r.getMessage() for r in caplog.records if r.name == "bot.digest_delivery"]
    assert not any("unreachable" in line for line in said)
    assert (
        f"digest for chat {ALICE} not sent: the bot stopped before it went out; it is sent at "
        "the next start if that is the same day" in said[-1]
    )
    clock.now = utc("2024-06-03T08:30")
    async with start_bot() as bot:  # back the same day: the start-up tick sends it
        [digest] = (await bot.reply(ALICE, 2))[1:]
        assert "Skerry" in digest["text"]
        for _ in range(100):  # the tick records it just after its last message
            if (states := await bot.rows("SELECT state FROM deliveries")) != [("claimed",)]:
                break
            await asyncio.sleep(0.05)
        assert states == [("sent",)]


async def test_telegram_unreachable_releases_the_digest_for_the_next_tick(
    bot: Harness, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.digest_delivery")
    await subscribe(bot, ALICE, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-02T15:00"))
    # Point the bot at a closed port for one tick (the one private attribute a test touches:
    # stopping the fake would end the polling too).
    real_url = bot.app.bot._base_url
    bot.app.bot._base_url = "http://127.0.0.1:9/bot" + TEST_TOKEN
    try:
        assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1
    finally:
        bot.app.bot._base_url = real_url
    assert len(texts(bot, ALICE)) == 1
    assert "Telegram unreachable" in caplog.text
    assert await deliver_at(bot, clock, "2024-06-03T08:01") == 1
    assert "Skerry" in texts(bot, ALICE)[-1]


async def test_a_group_upgraded_to_a_supergroup_finds_its_digest_there_at_once(
    bot: Harness,
) -> None:
    """Telegram says so in the old group ("migrate_to_chat_id"): the digest moves then, so
    the supergroup's admins see and can stop it before its next digest would move it."""
    old, new = -4001, -1004001
    bot.fake.add_chat(old, "group", title="Desk")
    bot.fake.set_member_status(old, ADMIN, "creator")
    await subscribe(bot, old, "08:00 UTC", user_id=ADMIN, chat_type="group")
    bot.fake.migrate_chat(old, new)
    bot.fake.set_member_status(new, ADMIN, "creator")
    said = {"chat": {"id": old, "type": "group", "title": "Desk"}, "date": 1717390800}
    bot.fake.enqueue_update({"message": said | {"message_id": 900, "migrate_to_chat_id": new}})
    await bot.settle()
    assert (await subscription_rows(bot))[0][:2] == (new, "08:00")
    [shown] = await bot.ask(new, "/subscription", user_id=ADMIN, chat_type="supergroup")
    assert shown["text"].startswith("Daily digest: 08:00 UTC")
    [stopped] = await bot.ask(new, "/unsubscribe", user_id=ADMIN, chat_type="supergroup")
    assert stopped["text"].startswith("Stopped: no more daily digests here.")


async def test_a_failed_digest_is_shown_by_subscription_until_one_arrives(
    bot: Harness, clock: Clock
) -> None:
    """A channel where the bot lost its right to post failed every day with only a warning
    in the log; /subscription said nothing of it."""
    clock.now = utc("2024-06-03T07:00")
    await subscribe(bot, ALICE, "08:00 UTC")
    await add_news(bot, *lighthouse("2024-06-03T06:00"))
    refusal = "Bad Request: not enough rights to send text messages to the chat"
    bot.fake.fail_next("sendMessage", 400, refusal)
    await deliver_at(bot, clock, "2024-06-03T08:00")
    [shown] = await bot.ask(ALICE, "/subscription")
    reason = "Not enough rights to send text messages to the chat"  # as PTB words it
    assert f"The digest of Mon 3 Jun 08:00 failed: {reason}. The next" in shown["text"]
    await add_news(bot, bakery("2024-06-03T15:00"))
    assert await deliver_at(bot, clock, "2024-06-04T08:00") == 1
    [shown] = await bot.ask(ALICE, "/subscription")
    assert "failed" not in shown["text"] and "Last: Tue 4 Jun 08:00, sent" in shown["text"]


# ----- only allowed chats ------------------------------------------------------------------


async def test_a_digest_does_not_follow_a_group_into_a_supergroup_not_allowed(
    start_bot: StartBot, clock: Clock
) -> None:
    """The allowlist names the group; Telegram upgrades it to a supergroup with a new id.
    The digest went on to the new chat, which the allowlist does not name (and where /ask
    is refused): it is paused there until the new id is allowed."""
    old, new = -4001, -1004001
    async with start_bot(allowed_chats=frozenset({old}), admins=frozenset()) as bot:
        bot.fake.add_chat(old, "group", title="Desk")
        bot.fake.set_member_status(old, ADMIN, "creator")
        await subscribe(bot, old, "08:00 UTC", user_id=ADMIN, chat_type="group")
        await add_news(bot, *lighthouse("2024-06-02T15:00"))
        bot.fake.migrate_chat(old, new)
        await deliver_at(bot, clock, "2024-06-03T08:00")
        assert bot.replies(new) == []
        rows = await bot.rows("SELECT chat_id, active, paused_reason FROM subscriptions")
        assert rows == [(new, 1, "this chat is not in NEWSBOT_ALLOWED_CHATS")]
        assert await bot.rows("SELECT state FROM deliveries") == [("failed",)]


async def test_a_bot_admin_cannot_subscribe_a_chat_the_allowlist_does_not_name(
    start_bot: StartBot,
) -> None:
    async with start_bot(allowed_chats=frozenset({ALICE}), admins=frozenset({ADMIN})) as bot:
        bot.fake.add_chat(GROUP, "supergroup", title="Open group")
        bot.fake.set_member_status(GROUP, ADMIN, "administrator")
        reply = await subscribe(bot, GROUP, "08:00", user_id=ADMIN, chat_type="supergroup")
        assert reply == (
            "Daily digests go only to chats in NEWSBOT_ALLOWED_CHATS, and this one is not: add "
            f"its id {GROUP} there and restart the bot, then /subscribe again."
        )
        [mine] = await bot.ask(ADMIN, "/subscribe 08:00")  # an admin's own private chat
        assert mine["text"].startswith("Subscribed: a daily digest")
        assert await subscription_rows(bot) == [(ADMIN, "08:00", "UTC", "[]", 1, None)]


async def test_a_chat_no_longer_allowed_is_paused_then_resumes_afresh(
    start_bot: StartBot, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.digest_delivery")
    clock.now = utc("2024-06-02T06:00")
    async with start_bot() as bot:  # open to all: the group subscribes
        bot.fake.add_chat(GROUP, "supergroup", title="Energy desk")
        bot.fake.set_member_status(GROUP, ADMIN, "administrator")
        await subscribe(bot, GROUP, "08:00", user_id=ADMIN, chat_type="supergroup")
        await subscribe(bot, ALICE, "08:00")
        await add_news(bot, *lighthouse("2024-06-01T15:00"))
        assert await deliver_at(bot, clock, "2024-06-02T08:00") == 2
        group_before = len(texts(bot, GROUP))
    clock.now = utc("2024-06-03T06:00")
    async with start_bot(allowed_chats=frozenset({ALICE})) as bot:  # restarted: an allowlist
        await add_news(bot, bakery("2024-06-02T16:00"))
        assert await deliver_at(bot, clock, "2024-06-03T08:00") == 1  # Alice's only
        await deliver_at(bot, clock, "2024-06-04T08:00")
        assert len(texts(bot, GROUP)) == group_before  # nothing more to the group
        [shown] = await bot.ask(ALICE, "/subscription")
        rows = await bot.rows("SELECT chat_id, active, paused_reason FROM subscriptions")
    assert (GROUP, 1, "this chat is not in NEWSBOT_ALLOWED_CHATS") in rows  # kept, paused
    assert caplog.text.count(f"digest for chat {GROUP} refused") == 1  # logged once, with id
    clock.now = utc("2024-06-10T06:00")
    async with start_bot(allowed_chats=frozenset({ALICE, GROUP})) as bot:  # allowed again
        # The job's tick at start-up resumes it (at 06:00: today's 08:00 is still to come).
        await until(lambda: f"digest for chat {GROUP} resumed" in caplog.text, "the resume")
        await add_news(
            bot, story("Ferry timetable changes", "The ferry sails at ten.", "2024-06-10T05:00")
        )
        assert await deliver_at(bot, clock, "2024-06-10T08:00") == 2
        latest = texts(bot, GROUP)[-1]
    # Afresh: the last day's news, not everything since it was paused a week ago.
    assert "Ferry" in latest and "bakery" not in latest.lower()
