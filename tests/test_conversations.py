"""Conversation state: migration 2, answers, refusals told once, votes replaced not repeated."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from retrieval import retention
from retrieval.conversations import REFUSAL_INTERVAL, ChatMessage, Conversations
from retrieval.corpus.db import connect
from retrieval.engine import Engine
from tests.conftest import run_sql


async def test_migration_2_adds_answers_and_feedback_answer_id(db_path) -> None:
    conn = await connect(db_path)
    try:
        async with conn.execute("SELECT version FROM schema_migrations ORDER BY version") as cur:
            versions = [row[0] for row in await cur.fetchall()]
        async with conn.execute("PRAGMA table_info(feedback)") as cur:
            columns = [row[1] for row in await cur.fetchall()]
    finally:
        await conn.close()
    assert versions[:2] == [1, 2]
    assert "answer_id" in columns


async def test_refusal_is_claimed_once_per_interval(conversations: Conversations) -> None:
    await conversations.note_chat(-100, "group")
    assert await conversations.claim_refusal(-100, "group", now=1000.0)
    assert not await conversations.claim_refusal(-100, "group", now=1001.0)
    assert await conversations.claim_refusal(-100, "group", now=1000.0 + REFUSAL_INTERVAL)
    assert await conversations.claim_refusal(-200, "supergroup", now=1000.0)  # a chat never noted


async def test_answers_are_found_by_id_and_by_message(
    small_engine: Engine, conversations: Conversations
) -> None:
    result = await small_engine.ask("joint exercise", limit=1)
    answer_id = await conversations.record_answer(
        5, 6, result.question, result.passages, 1, True, asked_ts=1_700_000_000.5
    )
    assert answer_id is not None
    await conversations.attach_messages(answer_id, [ChatMessage(5, 100), ChatMessage(5, 101)])
    shown = await conversations.answer(answer_id)
    assert shown is not None
    assert shown.question == "joint exercise" and shown.next_offset == 1 and shown.has_more
    assert shown.asked_ts == 1_700_000_000.5  # what its "More" pages answer as of
    assert shown.sentence_ids == result.passages[0].sentence_ids
    assert await conversations.answer_for_message(5, 100) == shown
    assert await conversations.answer_for_message(5, 101) == shown
    assert await conversations.answer_for_message(6, 100) is None
    assert await conversations.claim_more(answer_id)
    assert not await conversations.claim_more(answer_id)  # a double tap


async def test_replies_recorded_before_they_named_their_chat_are_the_questions_chats(
    small_engine: Engine,
    conversations: Conversations,
) -> None:
    run_sql(
        small_engine.db_path,
        "INSERT INTO question_replies (chat_id, message_id, replies, created_ts)"
        " VALUES (-5, 50, '[100, 101]', 0)",
    )
    assert await conversations.replies_to(-5, 50) == ((-5, 100), (-5, 101))
    await conversations.record_replies(-5, 50, [ChatMessage(-5, 100), ChatMessage(-1005, 1)])
    assert await conversations.replies_to(-5, 50) == ((-5, 100), (-1005, 1))


async def test_a_users_second_vote_replaces_the_first(
    small_engine: Engine, conversations: Conversations
) -> None:
    result = await small_engine.ask("central bank rates", limit=2)
    answer_id = await conversations.record_answer(
        5, 6, result.question, result.passages, 2, False, asked_ts=time.time()
    )
    assert answer_id is not None
    shown = await conversations.answer(answer_id)
    assert shown is not None
    await conversations.record_vote(shown, 6, 1)
    await conversations.record_vote(shown, 6, -1)
    await conversations.record_vote(shown, 7, 1)
    rows = run_sql(
        small_engine.db_path,
        "SELECT user_id, vote, question, sentence_ids, chat_id FROM feedback ORDER BY user_id",
    )
    ids = [i for p in result.passages for i in p.sentence_ids]
    assert rows == [
        (6, -1, "central bank rates", json.dumps(ids), 5),
        (7, 1, "central bank rates", json.dumps(ids), 5),
    ]


async def test_questions_answers_and_votes_past_their_days_are_forgotten(
    small_engine: Engine, conversations: Conversations, monkeypatch: pytest.MonkeyPatch
) -> None:
    """They hold the asker's id and words, and were kept for ever (NEWSBOT_KEEP_DAYS)."""
    monkeypatch.setattr(retention, "FORGET_BATCH", 1)  # a batch at a time, as a year's
    result = await small_engine.ask("joint exercise", limit=1)
    ids, shown_then = [], []
    for chat in (5, 5, 6):
        answer_id = await conversations.record_answer(
            chat, 9, result.question, result.passages, 1, True, asked_ts=time.time()
        )
        assert answer_id is not None
        ids.append(answer_id)
        await conversations.attach_messages(answer_id, [ChatMessage(chat, 100)])
        shown = await conversations.answer(answer_id)
        assert shown is not None
        shown_then.append(shown)
        await conversations.record_vote(shown, 9, 1)
        await conversations.log_query(chat, 9, result.question, 1, 3.0)
        await conversations.record_replies(chat, 50 + len(ids), [ChatMessage(chat, 100)])
    # chat 5's are old: moved back 100 days
    for table in ("answers", "feedback", "query_log", "question_replies"):
        run_sql(
            small_engine.db_path,
            f"UPDATE {table} SET created_ts = created_ts - 100 * 86400 WHERE chat_id = 5",
        )
    assert await conversations.forget_before(time.time() - 90 * 86400) == 8
    for table in ("answers", "feedback", "query_log", "answer_messages", "question_replies"):
        assert run_sql(small_engine.db_path, f"SELECT chat_id FROM {table}") == [(6,)], table
    assert (
        await conversations.answer(ids[0]) is None
        and await conversations.answer_for_message(5, 100) is None
    )
    assert await conversations.answer(ids[2]) is not None
    assert await conversations.replies_to(5, 51) == () and await conversations.replies_to(
        6, 53
    ) == ((6, 100),)
    assert await conversations.forget_before(time.time() - 90 * 86400) == 0
    # a vote or a 📄 on an answer forgotten while the press was handled: left out, no error
    await conversations.record_vote(shown_then[0], 9, -1)
    assert await conversations.claim_article(ids[0], 1)
    assert run_sql(small_engine.db_path, "SELECT count(*) FROM feedback") == [(1,)]
    # deleting an answer finds its messages by an index, not by reading them all
    plan = run_sql(
        small_engine.db_path, "EXPLAIN QUERY PLAN DELETE FROM answer_messages WHERE answer_id = 1"
    )
    assert "answer_messages_answer" in str(plan)


async def test_bookkeeping_a_database_cannot_take_is_logged_and_left_out(
    small_engine: Engine, conversations: Conversations, caplog: pytest.LogCaptureFixture
) -> None:
    """On a full disk the bot answered no question: noting the chat, then logging the
    question, raised, and the user heard "Sorry" twice instead of the answer."""
    result = await small_engine.ask("joint exercise", limit=1)
    await conversations.conn.execute(
        "PRAGMA query_only = ON"
    )  # every write refused, as on a full disk
    await conversations.note_chat(-100, "group")
    await conversations.log_query(-100, 6, "joint exercise", 1, 12.5)
    answer_id = await conversations.record_answer(
        -100, 6, result.question, result.passages, 1, True, asked_ts=time.time()
    )
    assert answer_id is None  # shown without buttons
    await conversations.attach_messages(7, [ChatMessage(-100, 100)])
    assert await conversations.claim_article(7, 1)  # sent, though it cannot be recorded
    assert caplog.text.count("could not record") == 5
    assert "attempt to write a readonly database" in caplog.text
    # a fault of the write itself is no condition of the disk: raised, so a bug is seen
    await conversations.conn.execute("PRAGMA query_only = OFF")
    await conversations.conn.execute("DROP TABLE query_log")
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        await conversations.log_query(-100, 6, "joint exercise", 1, 12.5)


async def test_the_migration_gives_answers_shown_before_it_their_sentences_texts(
    db_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 30: an answer stored with its sentences' ids alone gets their texts, for
    its "More" to leave them out once a reindex has given them other ids; a sentence no
    longer stored is left out, and an answer whose earlier pages are not known stays so."""
    import retrieval.corpus.db
    from retrieval.corpus.schema import MIGRATIONS

    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS[:29])
    conn = await connect(db_path)
    await conn.close()
    run_sql(
        db_path,
        "INSERT INTO articles (id, title, text, content_hash, ingested_ts)"
        " VALUES (1, 't', 'One. Two. Three.', 'h', 100)",
    )
    for sentence_id, text in ((11, "One."), (12, "Two."), (13, "Three.")):
        run_sql(
            db_path,
            "INSERT INTO sentences (id, article_id, position, paragraph, text)"
            " VALUES (?, 1, ?, 0, ?)",
            sentence_id,
            sentence_id - 11,
            text,
        )
    for answer_id, shown_before in ((1, "[11, 99]"), (2, None)):
        run_sql(
            db_path,
            "INSERT INTO answers (id, chat_id, question, next_offset, has_more, passages,"
            " created_ts, shown_before) VALUES (?, 5, 'q', 3, 1, '[[1, [12, 13]]]', 1, ?)",
            answer_id,
            shown_before,
        )
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    conversations = await Conversations.open(db_path)
    try:
        shown = await conversations.answer(1)
        unknown = await conversations.answer(2)
    finally:
        await conversations.close()
    assert shown is not None and unknown is not None
    assert shown.sentence_ids == (12, 13) and shown.article_ids == (1,)
    assert shown.shown == ("One.", "Two.", "Three.")
    assert unknown.sentences == ("Two.", "Three.") and unknown.shown is None


async def test_prompts_are_found_by_message_and_forgotten_with_the_questions(
    small_engine: Engine,
    conversations: Conversations,
) -> None:
    await conversations.record_prompts([ChatMessage(-5, 100)])
    await conversations.record_prompts([ChatMessage(-5, 100)])  # again: one row
    assert await conversations.invites_question(-5, 100)
    assert not await conversations.invites_question(
        -5, 101
    ) and not await conversations.invites_question(5, 100)
    run_sql(small_engine.db_path, "UPDATE prompts SET created_ts = created_ts - 100 * 86400")
    assert await conversations.forget_before(time.time() - 90 * 86400) == 1
    assert not await conversations.invites_question(-5, 100)


async def test_a_full_article_sent_under_an_answer_leads_a_reply_to_it(
    small_engine: Engine,
    conversations: Conversations,
) -> None:
    result = await small_engine.ask("joint exercise", limit=1)
    answer_id = await conversations.record_answer(
        -5, 6, result.question, result.passages, 1, True, asked_ts=time.time()
    )
    assert answer_id is not None
    await conversations.attach_messages(answer_id, [ChatMessage(-5, 100)])
    await conversations.attach_article(answer_id, [ChatMessage(-5, 101), ChatMessage(-5, 102)])
    for message in (100, 101, 102):
        shown = await conversations.answer_for_reply(-5, message)
        assert shown is not None and shown.id == answer_id
    assert await conversations.answer_for_message(-5, 101) is None  # no button is under an article
    assert await conversations.answer_for_reply(-5, 103) is None
    run_sql(small_engine.db_path, "UPDATE answers SET created_ts = created_ts - 100 * 86400")
    assert await conversations.forget_before(time.time() - 90 * 86400)
    assert await conversations.answer_for_reply(-5, 101) is None
    assert run_sql(small_engine.db_path, "SELECT count(*) FROM article_messages") == [(0,)]


async def test_an_answer_keeps_its_articles_ranks_and_messages_for_its_keyboard(
    small_engine: Engine,
    conversations: Conversations,
) -> None:
    """A typed "more" takes the More ▸ off the answer it continues, as a press does: it
    rebuilds the keyboard under the answer's last message, 📄 buttons labelled by rank."""
    result = await small_engine.ask("central bank rates harvest", limit=3)
    assert [p.rank for p in result.passages] == [1, 2]
    assert len({p.article.id for p in result.passages}) > 1
    answer_id = await conversations.record_answer(
        5, 6, result.question, result.passages, 3, True, asked_ts=time.time()
    )
    assert answer_id is not None
    await conversations.attach_messages(answer_id, [ChatMessage(5, 100), ChatMessage(5, 101)])
    shown = await conversations.answer(answer_id)
    assert shown is not None
    first = dict.fromkeys(p.article.id for p in result.passages)
    assert shown.article_ranks == tuple(
        (article, next(p.rank for p in result.passages if p.article.id == article))
        for article in first
    )
    assert await conversations.messages_of(answer_id) == (ChatMessage(5, 100), ChatMessage(5, 101))
    # stored before the rank was: a passage's place on the page that ends at next_offset
    run_sql(
        small_engine.db_path,
        "UPDATE answers SET next_offset = 6,"
        ' passages = \'[[7, [1], ["A."]], [8, [2], ["B."]], [7, [3], ["C."]]]\'',
    )
    old = await conversations.answer(answer_id)
    assert old is not None and old.article_ranks == ((7, 4), (8, 5))


async def test_a_vote_again_keeps_the_question_it_holds_dated_when_it_was_asked(
    small_engine: Engine,
    conversations: Conversations,
) -> None:
    """A vote holds the answer's question: voting again re-dated it, and the question outlived
    NEWSBOT_KEEP_DAYS for as long as someone voted on its answer now and then."""
    result = await small_engine.ask("central bank rates", limit=2)
    asked = time.time() - 100 * 86400
    answer_id = await conversations.record_answer(
        5, 6, result.question, result.passages, 2, False, asked_ts=asked
    )
    assert answer_id is not None
    shown = await conversations.answer(answer_id)
    assert shown is not None
    await conversations.record_vote(shown, 6, 1)
    run_sql(small_engine.db_path, "UPDATE feedback SET created_ts = ?", asked)
    await conversations.record_vote(shown, 6, -1)  # today: the same row, its vote changed
    assert run_sql(small_engine.db_path, "SELECT vote FROM feedback") == [(-1,)]
    await conversations.forget_before(time.time() - 90 * 86400)
    assert run_sql(small_engine.db_path, "SELECT count(*) FROM feedback") == [(0,)]


async def test_a_question_kept_at_a_stop_is_its_newest_version_taken_once(
    conversations: Conversations,
) -> None:
    assert await conversations.keep_dropped_question(-100, 7, 12, '{"update_id": 12}')  # an edit
    assert await conversations.keep_dropped_question(
        -100, 7, 11, '{"update_id": 11}'
    )  # its question
    assert await conversations.keep_dropped_question(-100, 8, 10, '{"update_id": 10}')
    assert await conversations.take_dropped_questions() == [
        '{"update_id": 10}',
        '{"update_id": 12}',
    ]
    assert await conversations.take_dropped_questions() == []


async def test_the_rest_of_an_article_cut_short_is_claimed_once(
    small_engine: Engine, conversations: Conversations
) -> None:
    result = await small_engine.ask("joint exercise", limit=1)
    answer_id = await conversations.record_answer(
        5, 6, result.question, result.passages, 1, True, asked_ts=time.time()
    )
    assert answer_id is not None
    assert await conversations.claim_article(answer_id, 1)
    assert await conversations.claim_rest_of_article(answer_id, 1) is None  # on its way, not cut
    await conversations.article_cut(answer_id, 1, 2)
    assert not await conversations.claim_article(answer_id, 1)
    assert await conversations.claim_rest_of_article(answer_id, 1) == 2
    assert await conversations.claim_rest_of_article(answer_id, 1) is None  # a second press again
