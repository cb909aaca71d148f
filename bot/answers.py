"""An answer shown in Telegram messages: sent, split at passages, with its buttons; shown in
the messages of the answer an edited question replaces; its next page; taken down.

Apart from reading what a message asks (`bot.questions`): the More ▸ button (`bot.buttons`)
shows the next page through here as "more" typed does.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import tzinfo

from telegram import InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, ChatMigrated, TelegramError

from bot import formatting
from bot.replies import Outgoing, following, send_in_order
from bot.runtime import BotData, Context
from bot.searching import log_search, search, show_typing, zone_of
from bot.transport import Follow
from retrieval.conversations import ChatMessage, ShownAnswer
from retrieval.search_result import SearchResult

log = logging.getLogger(__name__)

PASSAGES_PER_ANSWER = 3
# Also what the buttons of an answer forgotten after NEWSBOT_KEEP_DAYS say
NOT_UNDER_AN_ANSWER = (
    "That button is not under one of my answers, or its answer is older than I keep: ask again."
)


async def send_answer(
    context: Context,
    shared: BotData,
    chat_id: int,
    user_id: int | None,
    result: SearchResult,
    offset: int,
    reply_to: int | None,
    as_of: float,
    zone: tzinfo,
    shown_before: Sequence[str] | None = (),
    topic: int | None = None,
    replacing: Sequence[ChatMessage] = (),
    continues: int | None = None,
    first_asked_ts: float | None = None,
    follows: int | None = None,
) -> list[ChatMessage]:
    """Send an answer (split at passages) with its buttons under the last message; `as_of`:
    the moment it was searched as of, which its "More" keeps for every later page, `zone`
    the chat's, which its dates are shown in (`zone_of`), `shown_before` the texts of the
    sentences of the pages before, which it leaves out, `topic` the forum topic asked in
    (`topic_of`), `replacing` the messages of the answer it takes the place of (`_post`),
    `continues` the answer whose "More" page it is, and `first_asked_ts` when the oldest
    question it holds was asked, if earlier (a follow-up's), and `follows` the answer a
    follow-up was read with.
    Returns the messages it is shown in: from the first that went there, in the supergroup
    the group became, if it did on the way (`following`), where the answer is then
    recorded, as its buttons are there."""
    reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    follow = following(shared, user_id)
    if not result.passages:
        text = result.why_none(zone) or "Nothing in the news corpus matches that."
        sent = await _post(
            context, chat_id, [(formatting.plain(text), None)], reply, topic, replacing, follow
        )
        if replacing:  # a reply to it follows up no answer, as a reply to any such message
            await shared.conversations.detach_messages(sent)
        await shared.conversations.record_prompts(sent)  # "try other words": a reply asks
        return sent
    answer_id = await shared.conversations.record_answer(
        chat_id,
        user_id,
        result.question,
        result.passages,
        offset + PASSAGES_PER_ANSWER,
        result.has_more,
        as_of,
        shown_before,
        continues,
        first_asked_ts,
        follows,
    )
    keyboard = (  # none when the answer could not be stored (a full disk): buttons need it
        None
        if answer_id is None
        else formatting.answer_keyboard(
            answer_id, formatting.passage_articles(result.passages), result.has_more
        )
    )
    notes = result.notes(formatting.linked_told)
    pages = formatting.answer_messages(result.passages, zone, notes)
    buttons = [None] * (len(pages) - 1) + [keyboard]  # under the last message
    sent = await _post(
        context, chat_id, list(zip(pages, buttons, strict=True)), reply, topic, replacing, follow
    )
    if answer_id is not None:
        await shared.conversations.attach_messages(answer_id, sent)
        if sent[-1].chat_id != chat_id:  # the group became a supergroup: the buttons are there
            await shared.conversations.move_answer(answer_id, sent[-1].chat_id)
    elif replacing:
        await shared.conversations.detach_messages(sent)
    return sent


NOTHING_MORE = "There is nothing more for that answer."
MORE_BELOW = "The next passages are already below."
# An answer read for a press or a "more", then forgotten before it was gone on with (the
# hourly forgetting past NEWSBOT_KEEP_DAYS, `newsbot forget`)
ANSWER_FORGOTTEN = "That answer is older than I keep: ask again."


async def show_more(
    context: Context,
    answer: ShownAnswer,
    chat_id: int,
    user_id: int,
    reply_to: int | None,
    topic: int | None,
    acknowledge: Callable[[], Awaitable[None]] | None = None,
) -> list[ChatMessage] | str:
    """Show the page after `answer` (a page of an answer), as of the moment the answer
    was asked and leaving out every page before, and take its More ▸ button off: what
    pressing it does, and what "more" typed after it does. `acknowledge` runs once the
    page is claimed (a press's answer). Returns the messages of the page, or what to tell
    instead when there is none to show (nothing more, or it was shown already)."""
    shared = context.bot_data
    if not answer.has_more:
        return NOTHING_MORE
    if not await shared.conversations.claim_more(answer.id):
        return MORE_BELOW if await shared.conversations.kept(answer.id) else ANSWER_FORGOTTEN
    try:
        if acknowledge is not None:
            await acknowledge()
        await show_typing(context, chat_id, topic)
        zone = await zone_of(shared, chat_id)
        searched = await search(
            shared,
            answer.question,
            PASSAGES_PER_ANSWER,
            answer.next_offset,
            as_of=answer.asked_ts,  # the next page of the same ranking
            shown=answer.shown or (),  # every page so far, whatever was stored since
            zone=zone,
        )
        sent = await send_answer(
            context,
            shared,
            chat_id,
            user_id,
            searched.result,
            answer.next_offset,
            reply_to,
            answer.asked_ts,
            zone,
            answer.shown,
            topic,
            continues=answer.id,
            first_asked_ts=answer.first_asked_ts,
        )
    except BaseException:
        # nothing (or not all) of the next page reached the chat: asking again may retry,
        # rather than hear "already below" about passages that are not
        await shared.conversations.release_more(answer.id)
        raise
    await _drop_more_button(context, answer)
    await log_search(shared, chat_id, user_id, searched, answer.asked_since, follows=answer.id)
    return sent


async def _drop_more_button(context: Context, answer: ShownAnswer) -> None:
    """Take the More ▸ button off an answer whose next page was shown: its keyboard, under
    its last message, less that button."""
    messages = await context.bot_data.conversations.messages_of(answer.id)
    if not messages:
        return
    last = messages[-1]
    keyboard = formatting.answer_keyboard(answer.id, answer.article_ranks, more=False)
    try:
        await context.bot.edit_message_reply_markup(
            last.chat_id, last.message_id, reply_markup=keyboard
        )
    except BadRequest as exc:  # already edited, or too old to edit: the button stays inert
        log.debug("kept the More button of answer %s: %s", answer.id, exc)
    except ChatMigrated as exc:  # the page went to the supergroup; the group is read-only
        log.info("kept the More button of answer %s in its old group: %s", answer.id, exc)


async def _post(
    context: Context,
    chat_id: int,
    pages: Sequence[tuple[str, InlineKeyboardMarkup | None]],
    reply: ReplyParameters | None,
    topic: int | None,
    replacing: Sequence[ChatMessage],
    follow: Follow,
) -> list[ChatMessage]:
    """Show `pages` (text, buttons): in the messages of `replacing`, edited in order, and
    in new ones from the first page past them or whose message can no longer be edited
    (deleted, say, or in a group that became a supergroup), so that the pages stay in
    order; messages of `replacing` not edited are deleted. An edited question's answer so
    stays where the first was, not a second answer under it. New messages go to
    `chat_id`, or to the supergroup the group became, if `follow` agrees
    (`send_in_order`). Returns the messages shown in, each with its chat."""
    shown: list[ChatMessage] = []
    for (text, buttons), earlier in zip(pages, replacing, strict=False):
        if not await _edit(context, earlier, text, buttons):
            break
        shown.append(earlier)
    edited = len(shown)
    rest = [  # the first page replies to the question; an edited one did already
        Outgoing(text, buttons, reply if number == 0 else None)
        for number, (text, buttons) in enumerate(pages[edited:], start=edited)
    ]
    sent = await send_in_order(context.bot, chat_id, rest, follow, topic)
    shown += [ChatMessage(message.chat_id, message.message_id) for message in sent]
    for left in replacing[edited:]:
        try:
            await context.bot.delete_message(left.chat_id, left.message_id)
        except TelegramError as exc:  # too old, deleted already, or in a group now read-only
            log.info("message %s in chat %s not deleted: %s", left.message_id, left.chat_id, exc)
    return shown


async def take_down(context: Context, messages: Sequence[ChatMessage]) -> None:
    """Delete the pages of an answer that no longer stands; one Telegram no longer lets
    the bot delete (some 48 hours old) keeps its text, without its buttons."""
    for message in messages:
        try:
            await context.bot.delete_message(message.chat_id, message.message_id)
            continue
        except TelegramError as exc:
            log.info(
                "page %s in chat %s not deleted: %s", message.message_id, message.chat_id, exc
            )
        try:
            await context.bot.edit_message_reply_markup(message.chat_id, message.message_id)
        except TelegramError as exc:  # deleted already, or its group is now read-only
            log.info(
                "page %s in chat %s kept its buttons: %s", message.message_id, message.chat_id, exc
            )


async def _edit(
    context: Context, message: ChatMessage, text: str, buttons: InlineKeyboardMarkup | None
) -> bool:
    """Show a page in one of the bot's messages; False if it can no longer be edited."""
    try:
        await context.bot.edit_message_text(
            text, message.chat_id, message.message_id, reply_markup=buttons
        )
    except BadRequest as exc:
        if "not modified" in exc.message.lower():  # the same answer as before
            return True
        log.info("answer %s in chat %s not edited: %s", message.message_id, message.chat_id, exc)
        return False
    except ChatMigrated as exc:  # its group is now a supergroup: the message is read-only
        log.info("answer %s in chat %s not edited: %s", message.message_id, message.chat_id, exc)
        return False
    return True
