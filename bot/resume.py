"""Questions whose answer a stop dropped, answered at the next start.

The bot's stop drops every reply still waiting to go out (`RetryingRateLimiter.stop_waiting`:
it stops within seconds), and python-telegram-bot tells Telegram the updates were handled,
so Telegram does not send them again: a restart during a busy minute lost every group
answer waiting for the group's share of Telegram's flood limits (some 20 messages a minute).
Now a question none of whose answer went out is kept, its update as Telegram sent it but
for names (`keep_dropped`, from `questions.ask`), and the next start puts it back in the
update queue, ahead of what Telegram holds (`answer_kept`): it is answered as it would have
been, as of when it was asked, as a reply to it, in its forum topic, passing the access
check again.
Once: each is deleted as it is taken, whatever becomes of it.

- One whose answer went out in part (a first page) is not kept: sending it all again would
  repeat what arrived. Its rest is lost, logged.
- One answered meanwhile (the text its replies answered is its text) is let be.
- One asked more than `KEPT_FOR` ago (the bot was down that long) is not answered: the
  chat has moved on, and an answer as of an hour ago would be news then, not now. Its asker
  gets one short reply saying it was not answered, and to ask again.
"""

from __future__ import annotations

import json
import logging
import time

from telegram import Message, Update
from telegram.error import TelegramError

from bot import formatting
from bot.addressing import text_of, without_mention
from bot.replies import send_reply
from bot.runtime import App, BotData, Context
from bot.transport import Outbox
from retrieval.wording import agreeing

log = logging.getLogger(__name__)

KEPT_FOR = 3600.0  # seconds: a question older at the next start is told it was not answered
# Of the users and chats in a kept update, what is left out: their names (a first name is
# made empty: python-telegram-bot requires one). Answering reads ids and kinds alone, and
# the database keeps no one's name elsewhere either (`chats`).
_NAMES = frozenset({"last_name", "username", "title", "language_code"})


async def keep_dropped(shared: BotData, update: Update, box: Outbox) -> bool:
    """Keep `update`, a question whose answer the stop dropped, for the next start, if none
    of its answer went out (`box`: its handler's calls). Whether it was kept; logged."""
    message = update.effective_message
    if message is None:
        return False
    if not box.withdrawable:
        log.warning(
            "update %s: part of its answer went out before the stop, the rest was dropped",
            update.update_id,
        )
        return False
    kept = await shared.conversations.keep_dropped_question(
        message.chat.id,
        message.message_id,
        update.update_id,
        json.dumps(_without_names(update.to_dict())),
        user_id=update.effective_user.id if update.effective_user else None,
    )
    if kept:
        log.info(
            "update %s: its answer was dropped by the stop; it is answered at the next start",
            update.update_id,
        )
    return kept


def _without_names(value: object) -> object:
    """An update's JSON without the names of the users and chats in it (`_NAMES`)."""
    if isinstance(value, dict):
        return {
            key: "" if key == "first_name" else _without_names(item)
            for key, item in value.items()
            if key not in _NAMES
        }
    if isinstance(value, list):
        return [_without_names(item) for item in value]
    return value


async def answer_kept(app: App) -> None:
    """At start-up (post_init, before polling): put the questions the last stop kept back
    in the update queue, to be answered first; tell those older than KEPT_FOR that they
    were not answered (a job, once the bot runs: a group's share of the flood limits may
    keep a note waiting)."""
    shared = app.bot_data
    kept = await shared.conversations.take_dropped_questions()
    answering, late = 0, []
    for update_json in kept:
        try:
            update = Update.de_json(json.loads(update_json), app.bot)
        except Exception as exc:  # whatever a stored update the start cannot read raises
            log.warning("a question kept at the last stop cannot be read (%r): skipped", exc)
            continue
        message = update.effective_message
        if message is None:
            continue
        if await shared.conversations.answered_text(
            message.chat.id, message.message_id
        ) == text_of(message):
            log.info("update %s: answered since the stop; not again", update.update_id)
        elif time.time() - (message.edit_date or message.date).timestamp() > KEPT_FOR:
            late.append(message)
        else:
            await app.update_queue.put(update)
            answering += 1
    if answering:
        log.info(
            "answering %d %s the last stop cut off",
            answering,
            agreeing(answering, "question", "questions"),
        )
    if late and app.job_queue is not None:
        app.job_queue.run_once(_tell_not_answered, 0, data=late, name="tell not answered")


async def _tell_not_answered(context: Context) -> None:
    """Tell each question of the job's data, kept at a stop and older than KEPT_FOR, that
    it was not answered; a chat no longer allowed hears nothing."""
    assert context.job is not None
    shared = context.bot_data
    late: list[Message] = context.job.data  # type: ignore[assignment]
    for message in late:
        user = message.from_user
        if not shared.access.allows_chat(message.chat.id, user.id if user else None):
            continue
        log.info(
            "message %s in chat %s: asked before the last stop, over an hour ago; told it "
            "was not answered",
            message.message_id,
            message.chat.id,
        )
        try:
            asked = _question_of(message, context.bot.username)
            await send_reply(shared, message, formatting.not_answered(asked))
        except TelegramError as exc:
            log.warning(
                "message %s in chat %s: could not say it was not answered: %s",
                message.message_id,
                message.chat.id,
                exc,
            )


def _question_of(message: Message, username: str) -> str:
    """What `message` asked, as the bot read it: without an /ask command or its @mention."""
    text = text_of(message).strip()
    if text.startswith("/"):  # "/ask@yourbot question"
        text = text.partition(" ")[2]
    return without_mention(text, username)
