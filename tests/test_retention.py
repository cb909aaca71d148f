"""NEWSBOT_KEEP_DAYS: what chats asked is forgotten past it, overwritten, by the running
bot, by `newsbot forget --expired`, and in the copy `newsbot backup` makes."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import aiosqlite
import pytest

from bot import app as bot_app
from bot.answers import ANSWER_FORGOTTEN
from bot.cli.main import main
from bot.runtime import Context
from retrieval.conversations import ChatMessage, Conversations
from retrieval.corpus.db import connect
from retrieval.corpus.schema import MIGRATIONS
from retrieval.digest.schedule import DailyTime
from retrieval.digest.subscriptions import Subscriptions
from retrieval.engine import Engine
from retrieval.models import ArticleDraft
from retrieval.retention import forget_user
from retrieval.without_index import forget_user as forget_user_at

from .conftest import run_sql
from .test_bot import (
    BOT,
    GROUP,
    USER,
    WAIT,
    BotFactory,
    Harness,
    buttons,
    corpus_db,  # noqa: F401  (fixtures the bot's fixtures use)
    edit,
    settings,  # noqa: F401
    start_bot,  # noqa: F401
)

OLD, RECENT = b"wombatexpired question", b"recent question"


def ask_then(db_path: Path, question: bytes, days_ago: float) -> None:
    """A line of the query log, as a chat's question `days_ago` days ago left it."""
    run_sql(
        db_path,
        "INSERT INTO query_log (chat_id, user_id, question, results, elapsed_ms, created_ts)"
        " VALUES (5, 5, ?, 1, 2.0, ?)",
        question.decode(),
        time.time() - days_ago * 86400,
    )


def held_in_files(db_path: Path, text: bytes) -> bool:
    """Whether the database's file or its write-ahead log holds `text`, in a row or not."""
    files = [Path(f"{db_path}{suffix}") for suffix in ("", "-wal")]
    return any(text in path.read_bytes() for path in files if path.exists())


@pytest.fixture
def without_secure_delete(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections as SQLite's builds that do not overwrite what is deleted open them
    (python.org's, macOS's, Alpine's; Debian's do)."""

    async def no_secure_delete(path: Path, reads_only: bool = False) -> aiosqlite.Connection:
        conn = await connect(path, reads_only)
        await conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr("retrieval.without_index.connect", no_secure_delete)
    monkeypatch.setattr("retrieval.conversations.connect", no_secure_delete)


@pytest.mark.usefixtures("without_secure_delete")
def test_forget_expired_deletes_what_is_past_its_days_overwritten(
    seeded_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a running bot forgot: a database no bot ran on kept every question for ever."""
    monkeypatch.setenv("NEWSBOT_KEEP_DAYS", "30")
    ask_then(seeded_db, RECENT, 29)
    with closing(sqlite3.connect(seeded_db, isolation_level=None)) as bot:
        bot.execute("PRAGMA wal_autocheckpoint = 0")  # its question stays in the -wal file
        bot.execute(
            "INSERT INTO query_log (chat_id, user_id, question, results, elapsed_ms, created_ts)"
            " VALUES (5, 5, ?, 1, 2.0, ?)",
            (OLD.decode(), time.time() - 31 * 86400),
        )
        assert OLD in Path(f"{seeded_db}-wal").read_bytes()
        assert main(["--db", str(seeded_db), "forget", "--expired"]) == 0
        # while the bot has it open: the log, which held the question, is emptied too
        assert not held_in_files(seeded_db, OLD) and held_in_files(seeded_db, RECENT)
    assert capsys.readouterr().out == (
        "forgot 1 record older than 30 days (NEWSBOT_KEEP_DAYS), overwritten\n"
    )
    assert run_sql(seeded_db, "SELECT question FROM query_log") == [(RECENT.decode(),)]
    assert main(["--db", str(seeded_db), "forget", "--expired"]) == 0
    assert capsys.readouterr().out == (
        "forgot 0 records older than 30 days (NEWSBOT_KEEP_DAYS), overwritten\n"
    )
    # for cron, as `feeds poll --quiet`: it had no --quiet, and mailed that line daily
    assert main(["--db", str(seeded_db), "forget", "--expired", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.usefixtures("without_secure_delete")
async def test_the_bots_forgetting_overwrites_what_it_deletes(seeded_db: Path) -> None:
    """Its deleted rows stayed in free pages where SQLite was built without secure delete,
    and in the write-ahead log, until both were reused."""
    ask_then(seeded_db, OLD, 100)
    conversations = await Conversations.open(seeded_db)
    try:
        assert await conversations.forget_before(time.time() - 90 * 86400) == 1
    finally:
        await conversations.close()
    assert not held_in_files(seeded_db, OLD)


def test_a_backup_leaves_out_what_is_past_its_days(
    seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup copied the questions past NEWSBOT_KEEP_DAYS, kept then for as long as the
    backup was; a read-only database is copied too, so they are forgotten in the copy."""
    ask_then(seeded_db, OLD, 91)
    ask_then(seeded_db, RECENT, 89)
    copy = tmp_path / "backup.db"
    assert main(["--db", str(seeded_db), "backup", str(copy)]) == 0
    assert capsys.readouterr().out.startswith(f"backed up 1 article to {copy}")
    assert run_sql(copy, "SELECT question FROM query_log") == [(RECENT.decode(),)]
    assert not held_in_files(copy, OLD)


def test_a_question_a_stop_kept_is_forgotten_past_its_days(
    seeded_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question whose answer a stop dropped waits for the next start (`bot.resume`): a bot
    never started again kept its text past NEWSBOT_KEEP_DAYS."""
    monkeypatch.setenv("NEWSBOT_KEEP_DAYS", "30")
    for message_id, question, days_ago in ((1, OLD, 31), (2, RECENT, 29)):
        run_sql(
            seeded_db,
            "INSERT INTO dropped_questions (chat_id, message_id, update_id, update_json,"
            " user_id, created_ts) VALUES (5, ?, ?, ?, 5, ?)",
            message_id,
            message_id,
            question.decode(),
            time.time() - days_ago * 86400,
        )
    assert main(["--db", str(seeded_db), "forget", "--expired"]) == 0
    assert capsys.readouterr().out.startswith("forgot 1 record older than 30 days")
    assert run_sql(seeded_db, "SELECT update_json FROM dropped_questions") == [(RECENT.decode(),)]


async def subscribed(db_path: Path, *chats: tuple[int, str, str]) -> Subscriptions:
    """Digest subscriptions of `chats` (id, title, keyword), each made by its own id."""
    subscriptions = await Subscriptions.open(db_path)
    now = datetime.now(UTC)
    for chat_id, title, keyword in chats:
        chat_type = "private" if chat_id > 0 else "group"
        await subscriptions.subscribe(
            chat_id,
            chat_type,
            DailyTime(8, 0),
            "UTC",
            now,
            [keyword],
            chat_title=title,
            created_by=abs(chat_id),
        )
    return subscriptions


def test_a_subscription_ended_is_forgotten_past_its_days(
    seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unsubscribed, or the bot removed from its chat, a subscription kept the chat's title,
    its keywords and who made it for ever."""

    async def end_one() -> None:
        subscriptions = await subscribed(
            seeded_db, (-2001, "Investigations Desk", "nightjar leak"), (1001, "Alice", "oil")
        )
        try:
            assert await subscriptions.stop(-2001, "the bot was removed")
        finally:
            await subscriptions.close()

    asyncio.run(end_one())
    assert main(["--db", str(seeded_db), "forget", "--expired"]) == 0  # ended just now: kept
    assert run_sql(seeded_db, "SELECT count(*) FROM subscriptions") == [(2,)]
    run_sql(seeded_db, "UPDATE subscriptions SET stopped_ts = stopped_ts - 91 * 86400")
    assert main(["--db", str(seeded_db), "forget", "--expired"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("forgot 1 record older than")
    assert run_sql(seeded_db, "SELECT chat_id, chat_title FROM subscriptions") == [
        (1001, "Alice")  # active: its digest needs it
    ]


async def test_forget_chat_and_user_erase_every_row_naming_them(
    small_engine: Engine, conversations: Conversations, capsys: pytest.CaptureFixture[str]
) -> None:
    """A chat or a user asking to be forgotten: nothing but a database edit by hand found
    and deleted their questions, votes, subscriptions and deliveries."""
    result = await small_engine.ask("joint exercise", limit=1)
    group, alice, bob = -2001, 1001, 1002
    for chat, user in ((group, alice), (group, bob), (alice, alice), (bob, bob)):
        question = f"wombat question of {user} in {chat}"
        answer_id = await conversations.record_answer(
            chat, user, question, result.passages, 1, True, asked_ts=time.time()
        )
        assert answer_id is not None
        await conversations.attach_messages(answer_id, [ChatMessage(chat, answer_id)])
        shown = await conversations.answer(answer_id)
        assert shown is not None
        await conversations.record_vote(
            shown, bob if user == alice else alice, 1
        )  # another's vote
        await conversations.log_query(chat, user, question, 1, 2.0)
        await conversations.record_replies(
            chat, 50 + answer_id, [ChatMessage(chat, answer_id)], question, user
        )
        await conversations.note_chat(chat, "group" if chat < 0 else "private")
        await conversations.keep_dropped_question(
            chat, 90 + user, 1, "{}", user
        )  # a stop cut it off
    await conversations.log_query(None, alice, "wombat inline of 1001", 1, 2.0)
    subscriptions = await subscribed(
        small_engine.db_path, (group, "Desk", "oil"), (alice, "Alice", "gas")
    )
    await subscriptions.close()
    db = str(small_engine.db_path)

    def naming(who: int) -> list[tuple[str, int]]:
        checks = {
            "query_log": "chat_id = :id OR user_id = :id",
            "answers": "chat_id = :id OR user_id = :id",
            "feedback": "chat_id = :id OR user_id = :id OR question LIKE '%of ' || :id || '%'",
            "question_replies": "chat_id = :id OR user_id = :id",
            "dropped_questions": "chat_id = :id OR user_id = :id",
            "answer_messages": "chat_id = :id",
            "subscriptions": "chat_id = :id OR created_by = :id",
            "chats": "id = :id",
        }
        with closing(sqlite3.connect(db)) as conn:
            return [
                (table, n)
                for table, where in checks.items()
                if (
                    n := conn.execute(
                        f"SELECT count(*) FROM {table} WHERE {where}", {"id": who}
                    ).fetchone()[0]
                )
            ]

    assert naming(alice) and naming(group) and naming(bob)
    assert await asyncio.to_thread(main, ["--db", db, "forget", "--user", str(alice)]) == 0
    assert naming(alice) == []
    assert await asyncio.to_thread(main, ["--db", db, "forget", "--chat", str(group)]) == 0
    assert naming(group) == []
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("forgot ") and out[0].endswith(" naming user 1001, overwritten")
    assert out[1].endswith(" naming chat -2001, overwritten")
    assert naming(bob) == [  # their own chat's, but Alice's vote in it
        ("query_log", 1),
        ("answers", 1),
        ("question_replies", 1),
        ("dropped_questions", 1),
        ("answer_messages", 1),
        ("chats", 1),
    ]
    assert not held_in_files(small_engine.db_path, b"wombat question of 1001")


async def test_forget_user_erases_their_question_from_others_rows(
    start_bot: BotFactory,  # noqa: F811
) -> None:
    """Another's "More" page of a user's answer, and another's follow-up read with it, hold
    the user's question under the other's id (answers, query log, votes): `forget --user`
    left them. The other's own question stays."""
    asker, presser, voter = 501, 502, 503
    async with start_bot() as bot:
        bot.fake.add_chat(GROUP, "supergroup")
        group: dict[str, object] = {"chat_type": "supergroup"}
        question = f"@{BOT} lighthouse keeper Fastnet wombat"
        [answer] = await bot.ask(GROUP, question, **group, user_id=asker)
        await bot.press(GROUP, answer, buttons(answer)["More ▸"], user_id=presser)
        await bot.settle()
        page = bot.replies(GROUP)[-1]
        await bot.press(GROUP, page, buttons(page)["👍"], user_id=voter)
        reply_to = {"reply_to_message_id": answer["message_id"]}
        [follow_up] = await bot.ask(GROUP, "and who led it?", **group, user_id=presser, **reply_to)
        reply_to = {"reply_to_message_id": follow_up["message_id"]}
        await bot.ask(GROUP, "and where was it?", **group, user_id=voter, **reply_to)
        await bot.ask(GROUP, f"@{BOT} oil prices", **group, user_id=presser)
        await bot.settle()
        holding = (
            "SELECT 'answers', user_id FROM answers WHERE question LIKE '%wombat%'"
            " UNION ALL SELECT 'query_log', user_id FROM query_log WHERE question LIKE '%wombat%'"
            " UNION ALL SELECT 'feedback', user_id FROM feedback WHERE question LIKE '%wombat%'"
        )
        held = set(await bot.rows(holding))
        assert {("answers", presser), ("query_log", voter), ("feedback", voter)} <= held
        conn = await connect(bot.db_path)
        try:
            await forget_user(conn, asker)
        finally:
            await conn.close()
        assert await bot.rows(holding) == []
        assert await bot.rows("SELECT user_id, question FROM answers") == [(presser, "oil prices")]
    assert not held_in_files(bot.db_path, b"wombat")


async def test_an_edited_question_leaves_no_row_of_others_holding_its_words(
    start_bot: BotFactory,  # noqa: F811
) -> None:
    """Answered again, an edited question's first answer went with its "More" pages and the
    votes on them, but the follow-ups others read with it stayed, holding the words edited
    out (answers, query log, votes), as `forget --user` finds and deletes them. The others'
    questions of their own stay."""
    asker, follower, voter = 501, 502, 503
    async with start_bot() as bot:
        bot.fake.add_chat(GROUP, "supergroup")
        group: dict[str, object] = {"chat_type": "supergroup"}
        update = bot.fake.user_message(
            GROUP, f"@{BOT} lighthouse keeper Fastnet wombat", **group, user_id=asker
        )
        [answer] = await bot.reply(GROUP)
        reply_to = {"reply_to_message_id": answer["message_id"]}
        [follow_up] = await bot.ask(
            GROUP, "and who led it?", **group, user_id=follower, **reply_to
        )
        await bot.press(GROUP, follow_up, buttons(follow_up)["👍"], user_id=voter)
        reply_to = {"reply_to_message_id": follow_up["message_id"]}
        await bot.ask(GROUP, "and where was it?", **group, user_id=voter, **reply_to)
        await bot.ask(GROUP, f"@{BOT} oil prices", **group, user_id=follower)
        await bot.settle()
        holding = (
            "SELECT 'answers', user_id FROM answers WHERE question LIKE '%wombat%'"
            " UNION ALL SELECT 'query_log', user_id FROM query_log WHERE question LIKE '%wombat%'"
            " UNION ALL SELECT 'feedback', user_id FROM feedback WHERE question LIKE '%wombat%'"
        )
        held = set(await bot.rows(holding))
        assert {("answers", follower), ("query_log", voter), ("feedback", voter)} <= held
        asked = update["message"]["message_id"]
        await edit(bot, GROUP, asked, f"@{BOT} Where did the joint exercise begin?")
        assert await bot.rows(holding) == []
        assert sorted(await bot.rows("SELECT user_id, question FROM answers")) == [
            (asker, "Where did the joint exercise begin?"),
            (follower, "oil prices"),
        ]


async def regatta_in_two_zones(bot: Harness) -> Callable[[], Awaitable[list[str]]]:
    """Two reports of a regatta, one of 14 December in Los Angeles but 15 December in UTC;
    and how to ask USER's inline question "in November 2024": the titles it offers."""
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
            ArticleDraft(
                title="Quillfeather regatta in sunshine",
                text="Sunshine greeted the Quillfeather regatta crews, whose boats "
                "finished before noon.",
                source="Coast Wire",
                published="2024-12-15T04:00:00Z",
            ),
        ]
    )
    await engine.refresh()
    offered = 0

    async def titles() -> list[str]:
        nonlocal offered
        offered += 1
        bot.fake.inline_query(USER, "Quillfeather regatta in November 2024")
        calls = await bot.fake.wait_for("answerInlineQuery", offered, timeout=WAIT)
        return sorted(r["title"] for r in calls[-1].params["results"])

    return titles


IN_UTC = ["Quillfeather regatta in fog"]  # as any user without a zone is offered


async def test_a_running_bot_drops_what_it_held_of_a_user_forgotten(
    start_bot: BotFactory,  # noqa: F811
) -> None:
    """`newsbot forget --user` while the bot ran erased the user's digest, with its zone, but
    not the zone the bot remembered for their questions: "in November 2024" was still read
    in Los Angeles, not NEWSBOT_TIMEZONE (UTC), until a restart."""
    async with start_bot() as bot:
        titles = await regatta_in_two_zones(bot)
        [subscribed] = await bot.ask(USER, "/subscribe 07:30 America/Los_Angeles")
        assert subscribed["text"].startswith("Subscribed")
        assert len(await titles()) == 2  # its zone remembered
        assert await forget_user_at(bot.db_path, USER) > 0  # another process: the CLI's
        await bot_app.drop_erased(cast(Context, SimpleNamespace(bot_data=bot.app.bot_data)))
        assert await titles() == IN_UTC


async def test_a_running_bot_drops_the_rate_limits_windows_of_a_user_forgotten(
    start_bot: BotFactory,  # noqa: F811
) -> None:
    """`newsbot forget --user` reached a running bot, but its rate limits still held when the
    user forgotten had asked, and how often, until a minute passed with no question: kept
    of a user erased, where nothing may be."""
    async with start_bot() as bot:
        titles = await regatta_in_two_zones(bot)
        await bot.ask(USER, "Where was the Quillfeather regatta sailed?")
        await titles()  # an inline question: a window of its own
        await bot.ask(USER, "/digest")
        shared = bot.app.bot_data
        limiters = (shared.limiter, shared.inline_limiter, shared.digest_limiter)
        assert all(limiter._asked for limiter in limiters)
        assert await forget_user_at(bot.db_path, USER) > 0  # another process: the CLI's
        await bot_app.drop_erased(cast(Context, SimpleNamespace(bot_data=shared)))
        assert [limiter._asked for limiter in limiters] == [{}, {}, {}]


async def test_a_running_bot_drops_the_zone_of_a_subscription_past_its_days(
    start_bot: BotFactory,  # noqa: F811
) -> None:
    """An ended subscription's zone dates its chat's answers while the subscription is kept;
    forgotten past NEWSBOT_KEEP_DAYS, its zone was still remembered until a restart."""
    async with start_bot() as bot:
        titles = await regatta_in_two_zones(bot)
        await bot.ask(USER, "/subscribe 07:30 America/Los_Angeles")
        await bot.ask(USER, "/unsubscribe")
        assert len(await titles()) == 2  # ended, and kept: its zone still the chat's
        await bot.rows("UPDATE subscriptions SET stopped_ts = stopped_ts - 91 * 86400")
        context = cast(Context, SimpleNamespace(bot_data=bot.app.bot_data))
        await bot_app.forget_old_questions(context)
        assert await bot.rows("SELECT count(*) FROM subscriptions") == [(0,)]
        assert await titles() == IN_UTC


async def test_the_bot_keeps_no_chats_name(start_bot: BotFactory) -> None:  # noqa: F811
    """A private chat's user's full name and a group's title were kept for ever, though
    nothing read them; a subscription keeps its chat's title while it lasts, a channel's
    alone (a private chat's subscription kept its user's full name, read by nothing)."""
    async with start_bot() as bot:
        bot.fake.add_chat(USER, "private", title="Alice Reporter", username="alice_reporter")
        await bot.ask(USER, "joint exercise")
        await bot.ask(USER, "/subscribe 08:00 UTC")
        bot.fake.add_chat(GROUP, "group", title="Investigations Desk: Project Nightjar")
        await bot.ask(GROUP, f"/ask@{BOT} joint exercise", chat_type="group", user_id=USER)
        assert await bot.rows("SELECT id, type, title FROM chats ORDER BY id") == [
            (GROUP, "group", None),
            (USER, "private", None),
        ]
        assert await bot.rows("SELECT chat_id, chat_title FROM subscriptions") == [(USER, None)]


async def test_an_upgrade_forgets_chats_names_and_dates_the_subscriptions_ended(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 44: the names kept before go; a subscription that ended before is dated
    by its last digest, so that it is forgotten NEWSBOT_KEEP_DAYS after."""
    import retrieval.corpus.db

    older = tuple(m for m in MIGRATIONS if m.version < 44)
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", older)
    conn = await connect(db_path)
    await conn.close()
    run_sql(
        db_path,
        "INSERT INTO chats (id, type, title, first_seen) VALUES (5, 'private', 'Alice', 0)",
    )
    for chat_id, active in ((-7, 0), (-8, 1)):
        run_sql(
            db_path,
            "INSERT INTO subscriptions (chat_id, chat_type, chat_title, send_time, timezone,"
            " active, created_ts, active_since, schedule_since) VALUES (?, 'group', 'Desk',"
            " '08:00', 'UTC', ?, 100, 100, 100)",
            chat_id,
            active,
        )
    run_sql(
        db_path,
        "INSERT INTO deliveries (subscription_id, day, chat_id, period_start, period_end,"
        " as_of, state, claimed_ts) VALUES (1, '1970-01-02', -7, 0, 86400, 86400, 'sent', 500)",
    )
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    conn = await connect(db_path)
    await conn.close()
    assert run_sql(db_path, "SELECT title FROM chats") == [(None,)]
    assert run_sql(db_path, "SELECT chat_id, stopped_ts FROM subscriptions ORDER BY id") == [
        (-7, 500.0),
        (-8, None),
    ]


async def test_an_upgrade_forgets_the_names_of_subscriptions_but_channels(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 48: a private chat's subscription kept its user's full name, a group's its
    title, read by nothing; a channel's title names it in the replies about its digest."""
    import retrieval.corpus.db

    older = tuple(m for m in MIGRATIONS if m.version < 48)
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", older)
    conn = await connect(db_path)
    await conn.close()
    for chat_id, chat_type, title in (
        (5, "private", "Alice Reporter"),
        (-7, "group", "Desk"),
        (-1009, "channel", "Morning Wire"),
    ):
        run_sql(
            db_path,
            "INSERT INTO subscriptions (chat_id, chat_type, chat_title, send_time, timezone,"
            " active, created_ts, active_since, schedule_since) VALUES (?, ?, ?,"
            " '08:00', 'UTC', 1, 100, 100, 100)",
            chat_id,
            chat_type,
            title,
        )
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    conn = await connect(db_path)
    await conn.close()
    assert run_sql(db_path, "SELECT chat_id, chat_title FROM subscriptions ORDER BY id") == [
        (5, None),
        (-7, None),
        (-1009, "Morning Wire"),
    ]


@pytest.mark.parametrize(
    ("button", "told"),
    [("More ▸", ANSWER_FORGOTTEN), ("👍", ANSWER_FORGOTTEN), ("📄", None)],
    ids=["more", "vote", "article"],
)
async def test_a_press_on_an_answer_forgotten_as_it_is_handled_is_told_so(
    button: str,
    told: str | None,
    start_bot: BotFactory,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A press whose answer the hourly forgetting (or `newsbot forget`) took after the press
    found it: "More" was told "The next passages are already below", none being, and a vote
    "Thanks, noted", nothing noted. Each is told the answer is gone; the article quoted,
    public, still comes. Nothing of the answer is written back, no "Sorry" is sent."""
    async with start_bot() as bot:
        [answer] = await bot.ask(USER, "lighthouse keeper")
        conversations = bot.app.bot_data.conversations
        found = conversations.answer_for_message

        async def forgotten_meanwhile(chat_id: int, message_id: int) -> object:
            shown = await found(chat_id, message_id)
            await conversations.forget_before(time.time() + 1)
            return shown

        monkeypatch.setattr(conversations, "answer_for_message", forgotten_meanwhile)
        data = next(d for text, d in buttons(answer).items() if text.startswith(button))
        assert await bot.press(USER, answer, data) == told
        await bot.settle()
        replies = [m["text"] for m in bot.replies(USER)[1:]]
        sent = ["Lighthouse keepers of Skerry"] if button == "📄" else []
        assert [text.split(" — ")[0] for text in replies] == sent
        for table in ("answers", "answer_messages", "query_log", "feedback"):
            assert await bot.rows(f"SELECT * FROM {table}") == [], table
