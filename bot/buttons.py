"""The buttons under an answer: More ▸ (the next passages), 📄 the whole article, and 👍/👎.

Each takes the answer it sits under from the conversations store: a button under an answer
forgotten since, or not under one of ours, is told so (`NOT_UNDER_AN_ANSWER`); one forgotten
while its press is handled, too (`ANSWER_FORGOTTEN`).
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import TelegramError

from bot import formatting
from bot.answers import ANSWER_FORGOTTEN, NOT_UNDER_AN_ANSWER, show_more
from bot.replies import send, topic_of
from bot.runtime import BotData, Context
from bot.searching import zone_of
from bot.transport import Outbox, ReplyDropped, outbox
from retrieval.conversations import ChatMessage, ShownAnswer

log = logging.getLogger(__name__)


async def more(update: Update, context: Context) -> None:
    """Show the next passages for the question of an answer."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    shared = context.bot_data
    answer = await _answer_under(query, shared)
    if answer is None or query.message is None:
        return
    if not shared.limiter.check(query.from_user.id).allowed:
        await query.answer("Too many questions in the last minute; try again shortly.")
        return
    shown = await show_more(
        context,
        answer,
        query.message.chat.id,
        query.from_user.id,
        query.message.message_id,
        topic_of(query.message),
        acknowledge=lambda: _acknowledge(query),
    )
    if isinstance(shown, str):
        await query.answer(shown)


async def _acknowledge(query: CallbackQuery) -> None:
    """Answer a press, which stops the client's spinner, before sending what it asked for.
    The page does not depend on it: Telegram refuses the answer to a press some 15 seconds
    old (one that waited out a restart or a backlog), and the page is still wanted. Only
    Telegram unreachable for a minute (`ReplyDropped`) ends the press: the page would come
    as late."""
    try:
        await query.answer()
    except ReplyDropped:
        raise
    except TelegramError as exc:
        log.info("press %s not acknowledged, its reply goes on: %s", query.id, exc)


async def _answer_under(query: CallbackQuery, shared: BotData) -> ShownAnswer | None:
    """The answer named by a button's callback data ("more:7", "vote:7:1"), if the button is
    under one of that answer's messages; else None, and the presser is told.

    Telegram passes on any callback data a modified client sends, on any message, including
    one sent in inline mode (no chat: our inline results carry no buttons). So an answer id
    counts only where the bot sent that answer: a vote or a "More" cannot reach another
    chat's answer, nor come from someone who never saw it.
    """
    assert query.data is not None
    named = int(query.data.split(":")[1])
    answer = await _answer_of(query, shared)
    if answer is None or answer.id != named:
        log.info("refused a button for answer %s from user %s", named, query.from_user.id)
        await query.answer(NOT_UNDER_AN_ANSWER)
        return None
    return answer


async def _answer_of(query: CallbackQuery, shared: BotData) -> ShownAnswer | None:
    """The answer the button's message is part of, if it is one of the bot's answers."""
    message = query.message
    if message is None:
        return None
    return await shared.conversations.answer_for_message(message.chat.id, message.message_id)


async def full_article(update: Update, context: Context) -> None:
    """Send the whole text of an article shown in an answer."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    if query.message is None:  # a message sent in inline mode: no chat to send the article to
        await query.answer(NOT_UNDER_AN_ANSWER)
        return
    shared = context.bot_data
    if not shared.limiter.check(query.from_user.id).allowed:  # up to 8 messages a tap
        await query.answer("Too many requests in the last minute; try again shortly.")
        return
    # Only an article the answer quoted: a modified client may send any article id (an
    # archived one, one no answer here showed, one past SQLite's integers).
    article_id = int(query.data.split(":")[1])
    answer = await _answer_of(query, shared)
    if answer is None or article_id not in answer.article_ids:
        log.info("refused a full article %s for user %s", article_id, query.from_user.id)
        await query.answer(NOT_UNDER_AN_ANSWER)
        return
    found = await shared.engine.article_text(article_id)
    if found is None:
        await query.answer("That article is no longer in the corpus.")
        return
    cut_at = 0  # the messages of it that went out already: a stop cut it short there
    if not await shared.conversations.claim_article(answer.id, article_id):
        rest_from = await shared.conversations.claim_rest_of_article(answer.id, article_id)
        if rest_from is None:
            await query.answer("That article was sent here already, under this answer.")
            return
        cut_at = rest_from
    article, text = found
    with outbox() as box:
        try:
            await _acknowledge(query)
            chat_id, topic = query.message.chat.id, topic_of(query.message)
            zone = await zone_of(shared, chat_id)
            pages = formatting.article_messages(article, text, zone)[cut_at:]
            await send(context.bot, shared, chat_id, pages, query.from_user.id, topic)
        except BaseException:
            # not (all) sent: a press again sends what did not go out (all of it if none)
            await _article_cut(shared, answer.id, article_id, cut_at, box)
            raise
    await _attach_article(shared, answer.id, box)


async def _article_cut(
    shared: BotData, answer_id: int, article_id: int, cut_at: int, box: Outbox
) -> None:
    """Record how far an article went before sending it failed (a stop dropped its rest,
    say), `cut_at` of its messages having gone out before: a press again sends the rest,
    not all of it again (the message that failed, if it went out unconfirmed, may come
    twice). None out: the claim is released, and a press again sends it all."""
    went = cut_at + len(box.sent)
    if not went:
        await shared.conversations.release_article(answer_id, article_id)
        return
    await shared.conversations.article_cut(answer_id, article_id, went)
    await _attach_article(shared, answer_id, box)
    log.info("article %s under answer %s: cut after %d messages", article_id, answer_id, went)


async def _attach_article(shared: BotData, answer_id: int, box: Outbox) -> None:
    """Record the messages the article went out in: a reply to one of them follows its
    answer up, as a reply to the answer does."""
    shown_in = [ChatMessage(chat_id, message_id) for chat_id, message_id in box.sent]
    await shared.conversations.attach_article(answer_id, shown_in)


async def stale_button(update: Update, context: Context) -> None:
    """Answer a button's press that no handler takes (data of another version, or forged):
    unanswered, the client shows its spinner until it gives up."""
    query = update.callback_query
    if query is not None:
        await query.answer(NOT_UNDER_AN_ANSWER)


async def feedback(update: Update, context: Context) -> None:
    """Record a 👍 or 👎 for an answer, with its question and passages."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    vote = query.data.split(":")[2]
    shared = context.bot_data
    answer = await _answer_under(query, shared)
    if answer is None:
        return
    noted = await shared.conversations.record_vote(
        answer, query.from_user.id, 1 if vote == "1" else -1
    )
    if not noted:  # not "noted": nothing was
        kept = await shared.conversations.kept(answer.id)
        await query.answer(formatting.VOTE_NOT_SAVED if kept else ANSWER_FORGOTTEN)
        return
    await query.answer("Thanks, noted 👍" if vote == "1" else "Thanks, noted 👎")
