"""What a chat front end remembers in the database: chats, answers shown, votes, questions.

The tables (migrations 1 and 2) are the core's schema, so the code over them is in the core
too, and the engine hands it out (`Engine.conversations`); nothing here knows Telegram (chat
and message ids are plain integers). Each method is one SQL statement (the connection runs
in autocommit mode), so handlers that run concurrently never see half of another's write;
forgetting old questions is one a batch, each batch whole.

What is only bookkeeping (the chats seen, the query log, an answer's record for its buttons)
is not worth an answer: when the database cannot take it (a full disk, a lock held too
long), it is logged and left out (`retrieval.bookkeeping`), and the question is answered
all the same.

The bot's (`Conversations.open`) are over a connection of their own that waits for a lock
another process holds (an ingest, a reindex) for BOOKKEEPING_WAIT_S at most, a statement at a
time, and not on SQLite's busy timeout: a write waiting out 30 seconds held the connection,
and every read of the bot's behind it, so nobody was answered until the lock was released.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

import aiosqlite

from retrieval.bookkeeping import ATTEMPT_S, bookkeeping, retried
from retrieval.corpus.db import busy_timeout, connect, delete_securely
from retrieval.models import Passage
from retrieval.retention import erasures, forget_answers, forget_expired

REFUSAL_INTERVAL = 24 * 3600.0  # a refused chat is told again at most once a day

T = TypeVar("T")


class ChatMessage(NamedTuple):
    """A message the bot sent: the chat it is in, and its id there. An answer's messages
    need not share a chat: a group that became a supergroup while its answer was being
    sent has the first pages, and the supergroup the rest, under ids of its own."""

    chat_id: int
    message_id: int


@dataclass(frozen=True, slots=True)
class ShownAnswer:
    """An answer as stored: enough to continue it ("More"), follow it up or vote on it."""

    id: int
    chat_id: int
    question: str
    next_offset: int
    has_more: bool
    sentence_ids: tuple[int, ...]
    asked_ts: float  # the moment it answers as of: each of its "More" pages keeps it
    # the texts of the sentences its earlier pages showed; None: not known (stored before
    # migration 11)
    shown_before: tuple[str, ...] | None = ()
    # the articles its passages quote, as shown: their ids, unlike the sentences', outlast
    # the articles' splitting again into other sentences (`newsbot reindex`)
    article_ids: tuple[int, ...] = ()
    # the texts of the sentences of `sentence_ids`: they, too, outlast a splitting again
    sentences: tuple[str, ...] = ()
    # each article of `article_ids` with the rank of its first passage: its 📄 button's label
    article_ranks: tuple[tuple[int, int], ...] = ()
    # when the oldest question its `question` holds was asked (a follow-up holds those it
    # follows); None: its own, at `asked_ts`
    first_asked_ts: float | None = None

    @property
    def asked_since(self) -> float:
        """When the oldest question this answer's text holds was asked: what a row holding
        it (its "More" pages, a follow-up of it, a vote on it) is forgotten by."""
        return self.asked_ts if self.first_asked_ts is None else self.first_asked_ts

    @property
    def shown(self) -> tuple[str, ...] | None:
        """The text of every sentence this answer has shown, up to and including this
        page; None when its earlier pages are not known (its "More" then pages by rank).
        By text, not by id: an article split again (`newsbot reindex`) has its sentences
        under new ids, and a page shown before still counts."""
        if self.shown_before is None:
            return None
        return self.shown_before + self.sentences


class Conversations:
    """Chats, answers shown, votes and the query log, over the engine's connection."""

    def __init__(self, conn: aiosqlite.Connection, waits: bool = False) -> None:
        self.conn = conn
        self._waits = waits  # for BOOKKEEPING_WAIT_S itself, not the busy timeout

    @classmethod
    async def open(cls, db_path: str | os.PathLike[str]) -> Conversations:
        """Over a connection of their own, whose writes wait BOOKKEEPING_WAIT_S at most
        for a lock (see the module); the caller closes them."""
        conn = await connect(Path(db_path))
        await conn.execute(busy_timeout(ATTEMPT_S))
        await delete_securely(conn)  # what chats said, deleted, is overwritten
        return cls(conn, waits=True)

    async def close(self) -> None:
        await self.conn.close()

    async def _book(self, what: str, write: Callable[[], Awaitable[T]]) -> T | None:
        return await bookkeeping(what, write, self._waits)

    async def _write(self, write: Callable[[], Awaitable[T]]) -> T:
        return await retried(write, self._waits)

    async def note_chat(self, chat_id: int, chat_type: str) -> None:
        """Remember a chat the bot has seen (its type kept current); bookkeeping. Not its
        title, nor a private chat's user's name: nothing reads them, and they were kept for
        ever (a digest's subscription keeps its chat's title while it lasts)."""
        await self._book(
            f"chat {chat_id}",
            lambda: self.conn.execute(
                "INSERT INTO chats (id, type, first_seen) VALUES (?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET type = excluded.type"
                " WHERE type IS NOT excluded.type",
                (chat_id, chat_type, time.time()),
            ),
        )

    async def claim_refusal(self, chat_id: int, chat_type: str, now: float | None = None) -> bool:
        """True once per REFUSAL_INTERVAL for a chat that is not allowed: time to tell it.
        One write, of its id and type, never its title or its user's names (a stranger's
        chat is no chat of the bot's); a chat the bot was used in keeps what it noted."""
        now = time.time() if now is None else now
        cursor = await self._write(
            lambda: self.conn.execute(
                "INSERT INTO chats (id, type, first_seen, refused_ts) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET refused_ts = excluded.refused_ts"
                " WHERE refused_ts IS NULL OR refused_ts <= ?",
                (chat_id, chat_type, now, now, now - REFUSAL_INTERVAL),
            )
        )
        return cursor.rowcount == 1

    async def keep_dropped_question(
        self,
        chat_id: int,
        message_id: int,
        update_id: int,
        update_json: str,
        user_id: int | None = None,
    ) -> bool:
        """Keep a question's update whose answer a stop dropped, for the next start
        (`take_dropped_questions`), with its asker's id: of a message's versions (its
        edits), the newest. False (logged) when the database cannot take it now."""
        cursor = await self._book(
            f"the question of message {message_id} in chat {chat_id}, for the next start",
            lambda: self.conn.execute(
                "INSERT INTO dropped_questions (chat_id, message_id, update_id, update_json,"
                " user_id, created_ts) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id,"
                " message_id) DO UPDATE SET update_id = excluded.update_id,"
                " update_json = excluded.update_json"
                " WHERE excluded.update_id > dropped_questions.update_id",
                (chat_id, message_id, update_id, update_json, user_id, time.time()),
            ),
        )
        return cursor is not None

    async def take_dropped_questions(self) -> list[str]:
        """The updates kept by `keep_dropped_question`, oldest first, deleted as they are
        read: each is taken once, whatever becomes of it. None when the database cannot take
        the delete now (logged): they wait for the start after that."""

        async def take() -> list[aiosqlite.Row]:
            async with self.conn.execute(
                "DELETE FROM dropped_questions RETURNING update_id, update_json"
            ) as cursor:
                return list(await cursor.fetchall())

        rows = await self._book("the questions kept at the last stop, taken", take) or []
        return [str(json_text) for _, json_text in sorted(rows, key=lambda row: int(row[0]))]

    async def record_answer(
        self,
        chat_id: int,
        user_id: int | None,
        question: str,
        passages: Sequence[Passage],
        next_offset: int,
        has_more: bool,
        asked_ts: float,
        shown_before: Sequence[str] | None = (),
        continues: int | None = None,
        first_asked_ts: float | None = None,
        follows: int | None = None,
    ) -> int | None:
        """Store an answer about to be shown; returns its id for the buttons, or None when
        it could not be stored (bookkeeping: it is shown without them). `asked_ts`: the
        moment it answers as of (its "More" pages answer as of the same); `shown_before`:
        the texts of the sentences of its earlier pages, and `continues` the answer whose
        "More" it shows, for a "More" page (`later_pages`); `first_asked_ts`, when the
        oldest question `question` holds was asked, if before `asked_ts` (a follow-up's), and
        `follows` the answer a follow-up was read with: a "More" page's or a follow-up's
        row holds that answer's question, and is forgotten with its asker
        (`retention.forget_user`)."""
        shown = [[p.article.id, list(p.sentence_ids), list(p.sentences), p.rank] for p in passages]

        def write() -> Awaitable[aiosqlite.Cursor]:
            return self.conn.execute(
                "INSERT INTO answers (chat_id, user_id, question, next_offset, has_more, passages,"
                " created_ts, shown_before, first_page, first_asked_ts, follows) VALUES (?, ?, ?,"
                " ?, ?, ?, ?, ?, (SELECT coalesce(first_page, id) FROM answers WHERE id = ?), ?,"
                " ?)",
                (
                    chat_id,
                    user_id,
                    question,
                    next_offset,
                    int(has_more),
                    json.dumps(shown),
                    asked_ts,
                    None if shown_before is None else json.dumps(list(shown_before)),
                    continues,
                    first_asked_ts,
                    continues if continues is not None else follows,
                ),
            )

        cursor = await self._book(f"an answer in chat {chat_id}", write)
        return None if cursor is None else cursor.lastrowid

    async def attach_messages(self, answer_id: int, messages: Sequence[ChatMessage]) -> None:
        """Record the messages an answer was sent as, each in its chat (bookkeeping: a reply
        to one of them follows the answer up)."""
        await self._attach(
            "answer_messages", f"the messages of answer {answer_id}", answer_id, messages
        )

    async def attach_article(self, answer_id: int, messages: Sequence[ChatMessage]) -> None:
        """Record the messages a 📄 button of an answer sent its article in, each in its chat
        (bookkeeping: a reply to one of them follows the answer up, `answer_for_reply`)."""
        what = f"the article messages of answer {answer_id}"
        await self._attach("article_messages", what, answer_id, messages)

    async def _attach(
        self, table: str, what: str, answer_id: int, messages: Sequence[ChatMessage]
    ) -> None:
        await self._book(
            what,
            lambda: self.conn.executemany(
                f"INSERT OR REPLACE INTO {table} (chat_id, message_id, answer_id)"
                " VALUES (?, ?, ?)",
                [(chat_id, message_id, answer_id) for chat_id, message_id in messages],
            ),
        )

    async def move_answer(self, answer_id: int, chat_id: int) -> None:
        """Record that an answer is shown in `chat_id`, the supergroup its group became as it
        was sent: its buttons are there, and so are the votes on them (bookkeeping)."""
        await self._book(
            f"answer {answer_id} in chat {chat_id}",
            lambda: self.conn.execute(
                "UPDATE answers SET chat_id = ? WHERE id = ?", (chat_id, answer_id)
            ),
        )

    async def detach_messages(self, messages: Sequence[ChatMessage]) -> None:
        """Record that these messages show no answer now (bookkeeping: an answer edited
        into "nothing matches" is followed up by no reply to it)."""
        await self._book(
            f"the messages {list(messages)}",
            lambda: self.conn.executemany(
                "DELETE FROM answer_messages WHERE chat_id = ? AND message_id = ?",
                [tuple(message) for message in messages],
            ),
        )

    async def record_prompts(self, messages: Sequence[ChatMessage]) -> None:
        """Record messages of the bot that invite a question (a usage hint, "nothing
        matches"), each in its chat (bookkeeping: a reply to one is the question)."""
        now = time.time()
        await self._book(
            f"the prompts {list(messages)}",
            lambda: self.conn.executemany(
                "INSERT OR IGNORE INTO prompts (chat_id, message_id, created_ts) VALUES (?, ?, ?)",
                [(chat_id, message_id, now) for chat_id, message_id in messages],
            ),
        )

    async def invites_question(self, chat_id: int, message_id: int) -> bool:
        """Whether a bot message invited a question (`record_prompts`)."""
        async with self.conn.execute(
            "SELECT 1 FROM prompts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        ) as cursor:
            return await cursor.fetchone() is not None

    async def record_replies(
        self,
        chat_id: int,
        message_id: int,
        replies: Sequence[ChatMessage],
        question: str | None = None,
        user_id: int | None = None,
    ) -> None:
        """Record the messages the bot replied to a question with, each with its chat, and
        the text of the message they answered, `question`, and who sent it, `user_id`
        (bookkeeping: an edit of the question is answered in them, `replies_to`, unless its
        text is the same, `answered_text`; `newsbot forget --user` finds it)."""
        replied = json.dumps([list(reply) for reply in replies])
        await self._book(
            f"the replies to message {message_id} in chat {chat_id}",
            lambda: self.conn.execute(
                "INSERT OR REPLACE INTO question_replies (chat_id, message_id, replies,"
                " created_ts, question, user_id) VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, message_id, replied, time.time(), question, user_id),
            ),
        )

    async def answered_text(self, chat_id: int, message_id: int) -> str | None:
        """The text of a question as the bot's replies to it answered it; None if they did
        not (or it was not recorded: before migration 33, NEWSBOT_KEEP_DAYS)."""
        async with self.conn.execute(
            "SELECT question FROM question_replies WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None or row[0] is None else str(row[0])

    async def replies_to(self, chat_id: int, message_id: int) -> tuple[ChatMessage, ...]:
        """The messages the bot replied to a question with, in order; none if it did not
        (or has forgotten: NEWSBOT_KEEP_DAYS)."""
        async with self.conn.execute(
            "SELECT replies FROM question_replies WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return ()
        # a bare id: recorded before replies named their chat, which was the question's
        return tuple(
            ChatMessage(chat_id, reply) if isinstance(reply, int) else ChatMessage(*reply)
            for reply in json.loads(row[0])
        )

    async def later_pages(self, messages: Sequence[ChatMessage]) -> tuple[ChatMessage, ...]:
        """The messages of the "More" pages of the answers shown in `messages`, each page's
        in order, the pages in the order they were shown."""
        later: list[ChatMessage] = []
        for chat_id, message_id in messages:
            async with self.conn.execute(
                "SELECT m.chat_id, m.message_id FROM answer_messages q"
                " JOIN answers a ON a.first_page = q.answer_id"
                " JOIN answer_messages m ON m.answer_id = a.id"
                " WHERE q.chat_id = ? AND q.message_id = ?"
                " ORDER BY a.id, m.rowid",
                (chat_id, message_id),
            ) as cursor:
                later += [ChatMessage(*row) for row in await cursor.fetchall()]
        return tuple(dict.fromkeys(later))  # an answer's messages name it each

    async def answers_in(self, messages: Sequence[ChatMessage]) -> set[int]:
        """The answers (pages of them) shown in `messages`."""
        shown: set[int] = set()
        for chat_id, message_id in messages:
            async with self.conn.execute(
                "SELECT answer_id FROM answer_messages WHERE chat_id = ? AND message_id = ?",
                (chat_id, message_id),
            ) as cursor:
                shown.update(int(row[0]) for row in await cursor.fetchall())
        return shown

    async def forget_answers(self, answer_ids: Collection[int]) -> None:
        """Delete answers and every row holding their question, overwritten: the "More"
        pages that go on from them, the follow-ups read with them (anyone's), the votes on
        each and the log lines of those (`retention.forget_answers`, as `newsbot forget
        --user` finds them): answers an edited question's new answer replaced, which held
        the words its user edited out (bookkeeping)."""
        await self._book(
            f"the forgetting of answers {sorted(answer_ids)}",
            lambda: forget_answers(self.conn, answer_ids),
        )

    async def messages_of(self, answer_id: int) -> tuple[ChatMessage, ...]:
        """The messages an answer (a page of one) was sent as, in order: its buttons are
        under the last."""
        async with self.conn.execute(
            "SELECT chat_id, message_id FROM answer_messages WHERE answer_id = ? ORDER BY rowid",
            (answer_id,),
        ) as cursor:
            return tuple(ChatMessage(*row) for row in await cursor.fetchall())

    async def answer(self, answer_id: int) -> ShownAnswer | None:
        return await self._answer_where("id = ?", (answer_id,))

    async def answer_for_message(self, chat_id: int, message_id: int) -> ShownAnswer | None:
        """The answer a bot message belongs to, if it was one."""
        return await self._answer_where(
            "id = (SELECT answer_id FROM answer_messages WHERE chat_id = ? AND message_id = ?)",
            (chat_id, message_id),
        )

    async def answer_for_reply(self, chat_id: int, message_id: int) -> ShownAnswer | None:
        """The answer a reply to a bot message follows up: the one the message is part of,
        or the one whose 📄 button sent the article it shows (`attach_article`)."""
        answer = await self.answer_for_message(chat_id, message_id)
        if answer is not None:
            return answer
        return await self._answer_where(
            "id = (SELECT answer_id FROM article_messages WHERE chat_id = ? AND message_id = ?)",
            (chat_id, message_id),
        )

    async def last_page(self, answer_id: int) -> ShownAnswer | None:
        """The last page shown of the answer whose page `answer_id` is: the newest of its
        first page and the pages that go on from it (`record_answer`'s `continues`)."""
        first = "SELECT coalesce(first_page, id) FROM answers WHERE id = ?"
        return await self._answer_where(
            f"id IN ({first}) OR first_page IN ({first}) ORDER BY id DESC LIMIT 1",
            (answer_id, answer_id),
        )

    async def latest_answer(
        self, chat_id: int, asked_by: float | None = None
    ) -> ShownAnswer | None:
        """The last answer (or page of one) shown in a chat; of those asked by `asked_by`
        (a moment), if given."""
        if asked_by is None:
            return await self._answer_where("chat_id = ? ORDER BY id DESC LIMIT 1", (chat_id,))
        return await self._answer_where(
            "chat_id = ? AND created_ts <= ? ORDER BY id DESC LIMIT 1", (chat_id, asked_by)
        )

    async def _answer_where(
        self, condition: str, values: tuple[int | float, ...]
    ) -> ShownAnswer | None:
        async with self.conn.execute(
            "SELECT id, chat_id, question, next_offset, has_more, passages, created_ts,"
            f" shown_before, first_asked_ts FROM answers WHERE {condition}",
            values,
        ) as cursor:
            row = await cursor.fetchone()
        return _shown(row) if row else None

    async def kept(self, answer_id: int) -> bool:
        """Whether the answer is still stored: not forgotten since it was read (the hourly
        forgetting past NEWSBOT_KEEP_DAYS, `newsbot forget`). Reads only."""
        async with self.conn.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)) as cur:
            return await cur.fetchone() is not None

    async def claim_more(self, answer_id: int) -> bool:
        """True for the first "More" on an answer; a double tap gets False, as does an
        answer forgotten since it was read (`kept` tells which)."""
        cursor = await self._write(
            lambda: self.conn.execute(
                "UPDATE answers SET more_ts = ? WHERE id = ? AND has_more AND more_ts IS NULL",
                (time.time(), answer_id),
            )
        )
        return cursor.rowcount == 1

    async def release_more(self, answer_id: int) -> None:
        """Undo `claim_more`: the next passages were not shown (sending them failed), so the
        button may be pressed again."""
        await self._write(
            lambda: self.conn.execute(
                "UPDATE answers SET more_ts = NULL WHERE id = ?", (answer_id,)
            )
        )

    async def claim_article(self, answer_id: int, article_id: int) -> bool:
        """True for the first 📄 of an article under an answer; another press, by anyone in
        its chat, gets False: the article is there already (but see `claim_rest_of_article`).
        Bookkeeping: True when it cannot be recorded (a full disk), as an article was sent
        before this record was kept."""
        cursor = await self._book(
            f"article {article_id} sent under answer {answer_id}",
            lambda: self.conn.execute(
                "INSERT OR IGNORE INTO articles_sent (answer_id, article_id, sent_ts)"
                " VALUES (?, ?, ?)",
                (answer_id, article_id, time.time()),
            ),
        )
        return cursor is None or cursor.rowcount == 1

    async def claim_rest_of_article(self, answer_id: int, article_id: int) -> int | None:
        """For an article a stop cut short (`article_cut`): how many of its messages went
        out, its rest claimed (by the first of two presses again); else None."""
        async with self.conn.execute(
            "SELECT parts_sent FROM articles_sent WHERE answer_id = ? AND article_id = ?",
            (answer_id, article_id),
        ) as read:
            row = await read.fetchone()
        if row is None or row[0] is None:
            return None
        cut_at = int(row[0])
        claimed = await self._write(
            lambda: self.conn.execute(
                "UPDATE articles_sent SET parts_sent = NULL, sent_ts = ?"
                " WHERE answer_id = ? AND article_id = ? AND parts_sent = ?",
                (time.time(), answer_id, article_id, cut_at),
            )
        )
        return cut_at if claimed.rowcount == 1 else None

    async def article_cut(self, answer_id: int, article_id: int, parts_sent: int) -> None:
        """Record that only the first `parts_sent` messages of an article claimed under an
        answer went out (a stop dropped the rest): a press again sends the rest."""
        await self._book(
            f"article {article_id} sent in part under answer {answer_id}",
            lambda: self.conn.execute(
                "UPDATE articles_sent SET parts_sent = ? WHERE answer_id = ? AND article_id = ?",
                (parts_sent, answer_id, article_id),
            ),
        )

    async def release_article(self, answer_id: int, article_id: int) -> None:
        """Undo `claim_article`: the article did not reach the chat (sending failed)."""
        await self._book(
            f"article {article_id} not sent under answer {answer_id}",
            lambda: self.conn.execute(
                "DELETE FROM articles_sent WHERE answer_id = ? AND article_id = ?",
                (answer_id, article_id),
            ),
        )

    async def record_vote(self, answer: ShownAnswer, user_id: int, vote: int) -> bool:
        """Store 👍 (1) or 👎 (-1) with the question and the passages shown; a user's later
        vote on the same answer replaces the earlier one, dated as it was (a new date kept
        the question it holds past NEWSBOT_KEEP_DAYS); left out when the answer was
        forgotten meanwhile. Whether it was stored (bookkeeping: False, logged, when the
        database cannot take it now)."""
        stored = await self._book(
            f"a vote on answer {answer.id}",
            lambda: self.conn.execute(
                "INSERT INTO feedback (chat_id, user_id, question, sentence_ids, vote, created_ts,"
                " answer_id, first_asked_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (answer_id, user_id) DO UPDATE SET vote = excluded.vote",
                (
                    answer.chat_id,
                    user_id,
                    answer.question,
                    json.dumps(list(answer.sentence_ids)),
                    vote,
                    time.time(),
                    answer.id,
                    answer.asked_since,  # forgotten by when its question was asked
                ),
            ),
        )
        return stored is not None

    async def erasures(self) -> int:
        """How many times a chat or a user was erased, by any process (`newsbot forget
        --chat/--user`): what the bot holds of them in memory is stale once it has moved."""
        return await erasures(self.conn)

    async def forget_before(self, before: float) -> int | None:
        """Delete the questions, answers and votes of chats from before `before` (Unix
        time): `NEWSBOT_KEEP_DAYS` (`retention.forget_expired`). An answer's buttons and
        follow-ups end with it. How many rows went; None (logged) when the database cannot
        take it now."""
        # again from the start when a batch meets a lock: what went is gone
        return await self._book(
            "the forgetting of old questions", lambda: forget_expired(self.conn, before)
        )

    async def log_query(
        self,
        chat_id: int | None,
        user_id: int | None,
        question: str,
        results: int,
        elapsed_ms: float,
        first_asked_ts: float | None = None,
        message_id: int | None = None,
        follows: int | None = None,
    ) -> None:
        """Log a question with its timing; bookkeeping. `first_asked_ts`: when the oldest
        question `question` holds was asked, if before now (a follow-up's, a "More" page's);
        `message_id`, the message it was asked in: an edit of it replaces its line;
        `follows`, the answer whose question it holds besides its own (the one a follow-up
        was read with, or whose "More" page it shows: `record_answer`)."""
        await self._book(
            "a question in the query log",
            lambda: self.conn.execute(
                "INSERT OR REPLACE INTO query_log (chat_id, user_id, question, results,"
                " elapsed_ms, created_ts, first_asked_ts, message_id, follows)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    chat_id,
                    user_id,
                    question,
                    results,
                    round(elapsed_ms, 3),
                    time.time(),
                    first_asked_ts,
                    message_id,
                    follows,
                ),
            ),
        )


def _shown(row: aiosqlite.Row) -> ShownAnswer:
    # [article id, [sentence ids], [their texts], rank]; stored before the rank was, a
    # passage's rank is its place on a page that ends at `next_offset` (a page with "More"
    # is full)
    passages = json.loads(row[5])
    next_offset = int(row[3])
    ranks = [
        p[3] if len(p) > 3 else next_offset - len(passages) + n
        for n, p in enumerate(passages, start=1)
    ]
    article_ranks: dict[int, int] = {}
    for passage, rank in zip(passages, ranks, strict=True):
        article_ranks.setdefault(int(passage[0]), int(rank))
    return ShownAnswer(
        id=int(row[0]),
        chat_id=int(row[1]),
        question=str(row[2]),
        next_offset=next_offset,
        has_more=bool(row[4]),
        sentence_ids=tuple(int(i) for p in passages for i in p[1]),
        asked_ts=float(row[6]),
        shown_before=None if row[7] is None else tuple(str(t) for t in json.loads(row[7])),
        article_ids=tuple(article_ranks),
        sentences=tuple(str(text) for p in passages for text in p[2]),
        article_ranks=tuple(article_ranks.items()),
        first_asked_ts=None if row[8] is None else float(row[8]),
    )
