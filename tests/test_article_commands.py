"""/removearticle in the running bot, against the fake Bot API (which checks every message's
HTML and length), on a real database."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing

import pytest
import pytest_asyncio

from bot.article_commands import render_removal
from bot.formatting import DATABASE_BUSY
from retrieval.corpus import db as database
from retrieval.corpus.removals import RemovalReport
from retrieval.models import Attribution
from tests.telegram_html import check_message_text
from tests.test_bot import (
    GROUP,
    LIGHTHOUSES,
    USER,
    BotFactory,
    Harness,
    buttons,
    corpus_db,  # noqa: F401  (a fixture the bot fixtures use)
    settings,  # noqa: F401
    start_bot,  # noqa: F401
)

ADMIN = 4242


@pytest_asyncio.fixture
async def bot(start_bot: BotFactory) -> AsyncIterator[Harness]:  # noqa: F811
    async with start_bot(admins=frozenset({ADMIN})) as harness:
        yield harness


async def test_an_admin_removes_an_article_and_no_answer_quotes_it_again(bot: Harness) -> None:
    keeper = LIGHTHOUSES[0]
    [answer] = await bot.ask(USER, "lighthouse keeper")
    assert keeper.title in answer["text"]
    full = next(data for text, data in buttons(answer).items() if text.startswith("📄"))
    await bot.press(USER, answer, full)
    await bot.settle()
    head = bot.replies(USER)[-1]["text"].split("\n")[0]
    article_id = int(head.rsplit(" · article ", 1)[1])  # an admin reads it here

    [done] = await bot.ask(ADMIN, f"/removearticle {article_id} 999", user_id=ADMIN)
    text = check_message_text(done["text"], "HTML").text
    assert text.startswith("Removed 1 article: no answer or digest quotes it from now on.")
    assert f"• {article_id} · " in text and "Not removed: 999: no article has that id" in text

    # hidden at once, in this bot's indexes: no refresh to wait for
    engine = bot.app.bot_data.engine
    assert article_id not in {hit.doc_id for hit in engine.articles.search(keeper.title, 10)}
    [again] = await bot.ask(USER, "lighthouse keeper")
    assert keeper.title not in again["text"]
    assert await bot.press(USER, answer, full) == "That article is no longer in the corpus."
    assert await bot.rows("SELECT count(*) FROM articles WHERE id = ?", article_id) == [(0,)]


async def test_a_removal_while_another_process_writes_says_the_database_is_busy(
    start_bot: BotFactory,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The removal waited out the busy timeout, and the admin was told "Sorry, something
    went wrong", as for a bug."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    async with start_bot(admins=frozenset({ADMIN})) as bot:
        with closing(sqlite3.connect(bot.db_path, isolation_level=None)) as holder:
            holder.execute("BEGIN IMMEDIATE")  # what a writer at work holds
            holder.execute("INSERT INTO meta (key, value) VALUES ('held', '1')")
            [busy] = await bot.ask(ADMIN, "/removearticle 1", user_id=ADMIN)
            holder.execute("ROLLBACK")
        assert busy["text"] == DATABASE_BUSY
        assert await bot.rows("SELECT count(*) FROM removed_articles") == [(0,)]


async def test_only_admins_remove_articles_and_the_usage_is_told(bot: Harness) -> None:
    [refused] = await bot.ask(GROUP, "/removearticle 1", user_id=USER, chat_type="supergroup")
    assert refused["text"].startswith("Only the bot's admins can use that command")
    assert await bot.rows("SELECT count(*) FROM removed_articles") == [(0,)]
    [usage] = await bot.ask(ADMIN, "/removearticle", user_id=ADMIN)
    assert usage["text"] == (  # where the article's id is: at the head of its full text
        "Usage: /removearticle ID|URL ..., e.g. /removearticle 12 (an article's id ends the "
        "first line of the article a 📄 button under an answer sends: “… · article 12”)"
    )
    [many] = await bot.ask(ADMIN, "/removearticle " + " ".join(["1"] * 21), user_id=ADMIN)
    assert many["text"].endswith("(at most 20 at once)")
    assert await bot.rows("SELECT count(*) FROM removed_articles") == [(0,)]


async def test_refusals_count_against_the_senders_limit(start_bot: BotFactory) -> None:  # noqa: F811
    """A member repeating /removearticle in a group was refused each time, without limit."""
    async with start_bot(admins=frozenset({ADMIN}), questions_per_minute=2) as bot:
        for _ in range(6):
            bot.fake.user_message(GROUP, "/removearticle 1", chat_type="supergroup", user_id=USER)
        await bot.settle()
        # updates are handled concurrently: the replies may come in any order
        refused = sorted(m["text"] for m in bot.replies(GROUP))
        assert len(refused) == 3, refused  # two refusals, then told once to wait
        # a member hears who may, not the bot's setting (NEWSBOT_ADMINS: for its runner)
        assert refused[:2] == ["Only the bot's admins can use that command."] * 2
        assert refused[2].startswith("You have sent me 2 questions and commands in the last")
        for _ in range(3):  # an admin's article commands count against no limit
            [usage] = await bot.ask(ADMIN, "/removearticle", user_id=ADMIN)
            assert usage["text"].startswith("Usage: /removearticle")


def test_a_removal_report_is_escaped_and_within_the_limit() -> None:
    hostile = Attribution(7, "<b>Rates</b> & " * 500, "A <B>", (), None, None)
    report = RemovalReport([hostile] * 20, [("<x>" * 2000, "no article has that id")])
    shown = [check_message_text(html, "HTML").text for html in render_removal(report)]
    assert all(len(text) <= 4096 for text in shown)
    joined = "\n".join(shown)
    assert joined.count("• 7 · <b>Rates</b> & ") == 20 and "A <B>" in joined
    assert "Not removed: <x><x>" in joined


def test_a_removed_articles_title_is_shown_without_its_outlets_name() -> None:
    """/removearticle showed "Minjee Lee wins US Women's Open - CNN" where every answer shows
    the title without the outlet's name that the page's title ends with."""
    won = Attribution(3, "Minjee Lee wins US Women's Open - CNN", "CNN", (), None, None)
    [html] = render_removal(RemovalReport([won]))
    assert check_message_text(html, "HTML").text.endswith(
        "\n• 3 · Minjee Lee wins US Women's Open · CNN"
    )
