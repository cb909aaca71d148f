"""What people ask the bot for: questions (private, group, inline), buttons and commands.

Each handler parses its update, calls the core and sends what `bot.formatting` makes. Access
is checked before any of them runs (`bot.gate`); errors they raise go to its error handler.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import tzinfo
from typing import Any, NamedTuple

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, TelegramError
from telegram.ext import Application, CommandHandler

from bot import formatting
from bot.access import admitted
from bot.addressing import (
    ASKS_FOR_HELP,
    ASKS_FOR_MORE,
    GREETING,
    THANKS,
    Lean,
    caption_command,
    in_group,
    lean,
    mentions_bot,
    question_in,
    replies_to_bot,
    text_of,
    without_greeting,
    without_mention,
)
from bot.formatting import Command
from bot.logs import redact
from bot.replies import Outgoing, following, send_in_order, send_reply, topic_of
from bot.resume import keep_dropped
from bot.runtime import BotData, Context, Newest
from bot.transport import DroppedAtStop, Follow, Withdrawn, outbox
from retrieval.conversations import ChatMessage, ShownAnswer
from retrieval.follow_ups import AnswerAbove
from retrieval.question_text import read_question
from retrieval.ranking.named_time import named_time
from retrieval.search_result import SearchResult

log = logging.getLogger(__name__)

PASSAGES_PER_ANSWER = 3
INLINE_RESULTS = 5
LATEST_HEADLINES = 10
# Also what the buttons of an answer forgotten after NEWSBOT_KEEP_DAYS say
NOT_UNDER_AN_ANSWER = (
    "That button is not under one of my answers, or its answer is older than I keep: ask again."
)

COMMANDS = (
    Command(  # /help asks what the corpus answers (`formatting.example_question`)
        "ask", "answer a question with quoted passages", f"/ask {formatting.SEED_QUESTION}"
    ),
    Command("sources", "the outlets in the corpus and their article counts", "/sources"),
    Command("latest", "the newest stories", "/latest"),
    Command("digest", "the news since the last digest, grouped into stories", "/digest"),
    Command(
        "subscribe", "a daily digest here (group admins)", "/subscribe 07:30 Europe/London oil"
    ),
    Command("subscription", "this chat's daily digest settings", "/subscription"),
    Command("unsubscribe", "stop the daily digest", "/unsubscribe"),
    Command("help", "how to ask, and these commands", "/help"),
    Command("start", "what this bot does", "/start"),
)
# Not in the public menu: /help lists them to an admin only (the feed ones refuse a group)
ADMIN_COMMANDS = (
    Command("feeds", "the feeds polled, with their last fetch", "/feeds"),
    Command(
        "addfeed",
        "poll an RSS or Atom feed",
        "/addfeed https://example.org/world.rss",
    ),
    Command("removefeed", "stop polling a feed, its articles stay", "/removefeed 3"),
    Command("removearticle", "take articles out, by id or address", "/removearticle 42"),
)


def command_names(application: Application[Any, Any, Any, Any, Any, Any]) -> set[str]:
    """Every command some handler of `application` answers, whoever added it."""
    return {
        command
        for group in application.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }


async def show_typing(context: Context, chat_id: int, topic: int | None = None) -> None:
    """Show "typing…" (in the forum `topic` asked in) while searching; an answer does not
    depend on it, so failing is fine."""
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=topic)
    except TelegramError as exc:
        log.debug("no typing indicator for chat %s: %s", chat_id, exc)


class Searched(NamedTuple):
    """A search's result, and how long it took: for the query log (`log_search`)."""

    result: SearchResult
    elapsed_ms: float


async def search(
    shared: BotData,
    question: str,
    limit: int,
    offset: int = 0,
    as_of: float | None = None,
    shown: Sequence[str] = (),
    zone: tzinfo | None = None,
) -> Searched:
    """Search as of `as_of`, leaving out the sentences of `shown` (their texts: all of it in
    a worker thread), a month or day the question names read in `zone` (a chat's,
    `zone_of`; NEWSBOT_TIMEZONE when None), timed; `log_search` logs it once its answer is
    sent."""
    started = time.perf_counter()
    result = await shared.engine.ask(
        question,
        limit=limit,
        offset=offset,
        as_of=as_of,
        shown=shown,
        zone=shared.zone if zone is None else zone,
    )
    return Searched(result, (time.perf_counter() - started) * 1000)


async def search_after(
    shared: BotData,
    message: str,
    above: AnswerAbove,
    points_back: bool,
    limit: int,
    as_of: float,
    zone: tzinfo,
) -> Searched:
    """Search `message`, sent after the answer `above`, as its follow-up or alone
    (`Engine.ask_after`), a month or day it names read in `zone`, timed as `search` is."""
    started = time.perf_counter()
    result = await shared.engine.ask_after(message, above, points_back, limit, as_of, zone)
    return Searched(result, (time.perf_counter() - started) * 1000)


async def zone_of(shared: BotData, chat_id: int) -> tzinfo:
    """The zone a chat's days are in: its digest's (`/subscribe 07:30 America/Los_Angeles`),
    else NEWSBOT_TIMEZONE, as `/digest` there tells them. A message's date is a moment, in
    no zone: asked at 20:00 on 31 January in Los Angeles, "in February 2022" names a time
    to come there, not one begun at midnight in UTC."""
    zone = await shared.subscriptions.zone_of(chat_id)  # remembered, till /subscribe
    return shared.zone if zone is None else zone


async def log_search(
    shared: BotData,
    chat_id: int | None,
    user_id: int | None,
    searched: Searched,
    first_asked_ts: float | None = None,
    message_id: int | None = None,
    follows: int | None = None,
) -> None:
    """Log a question with its timing, after its answer was sent: a write, which may wait
    for a lock another process holds, and the answer does not wait for it.
    `first_asked_ts`: when the oldest question it holds was asked (`record_answer`);
    `message_id`, the message it was asked in (an edit's line replaces the question's);
    `follows`, the answer whose question it holds besides its own (`log_query`)."""
    result = searched.result
    await shared.conversations.log_query(
        chat_id,
        user_id,
        result.question,
        len(result.passages),
        searched.elapsed_ms,
        first_asked_ts,
        message_id,
        follows,
    )


def _through(message: Message) -> float:
    """The moment a message asks about: its date (an edited one's, the edit's), which names
    a whole second, through the end of that second (an article stored in it, before the
    question, still counts)."""
    return (message.edit_date or message.date).timestamp() + 1 - 1e-6


async def send_answer(
    context: Context,
    shared: BotData,
    chat_id: int,
    user_id: int | None,
    result: SearchResult,
    offset: int,
    reply_to: int | None,
    as_of: float,
    shown_before: Sequence[str] | None = (),
    topic: int | None = None,
    replacing: Sequence[ChatMessage] = (),
    continues: int | None = None,
    first_asked_ts: float | None = None,
    follows: int | None = None,
) -> list[ChatMessage]:
    """Send an answer (split at passages) with its buttons under the last message; `as_of`:
    the moment it was searched as of, which its "More" keeps for every later page,
    `shown_before` the texts of the sentences of the pages before, which it leaves out, `topic`
    the forum topic asked in (`topic_of`), `replacing` the messages of the answer it
    takes the place of (`_post`), `continues` the answer whose "More" page it is, and
    `first_asked_ts` when the oldest question it holds was asked, if earlier (a follow-up's),
    and `follows` the answer a follow-up was read with.
    Returns the messages it is shown in: from the first that went there, in the supergroup
    the group became, if it did on the way (`following`), where the answer is then
    recorded, as its buttons are there."""
    reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    follow = following(shared, user_id)
    if not result.passages:
        text = result.why_none(shared.zone) or "Nothing in the news corpus matches that."
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
    pages = formatting.answer_messages(result.passages, shared.zone, notes)
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
        searched = await search(
            shared,
            answer.question,
            PASSAGES_PER_ANSWER,
            answer.next_offset,
            as_of=answer.asked_ts,  # the next page of the same ranking
            shown=answer.shown or (),  # every page so far, whatever was stored since
            zone=await zone_of(shared, chat_id),
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


async def _take_down(context: Context, messages: Sequence[ChatMessage]) -> None:
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


async def ask(update: Update, context: Context) -> None:
    """Answer the question in a message with quoted passages and their sources."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    if message.via_bot is not None and message.via_bot.id == context.bot.id:
        return  # a passage posted through this bot's inline mode, in its own chat: no question
    if context.args is None:  # "/ask question" as a photo's caption is the same command
        context.args = caption_command(message, context.bot.username)
    if update.edited_message is not None and await _unchanged(context.bot_data, message):
        return  # Telegram sends an edit for formatting alone: its answer stands as it is
    searched = await _to_search(update, context, message)
    if searched is None:
        return
    # held only by what will be searched: an edit refused, or one that is no question,
    # leaves the answer of the text before it standing
    asking = context.bot_data.asking.hold((message.chat.id, message.message_id), update.update_id)
    # an answer still waiting to go out when an edit comes (its group's share of the flood
    # limits used up) is withdrawn: the edit's answer stands, not first this one
    async with asking as newest:
        with outbox(newest.superseded) as box:
            try:
                await _answer(update, context, message, user, searched, newest)
            except Withdrawn:
                log.info("update %s: its answer was withdrawn for an edit's", update.update_id)
            except DroppedAtStop:
                if not await keep_dropped(context.bot_data, update, box):
                    raise


def as_kept(message: Message) -> str:
    """What `message` says as the bot keeps it to tell an edit that changes nothing
    (`record_replies`, `_unchanged`): the credentials of the addresses it quotes masked, as
    in the logs (`redact`). An admin's `/addfeed https://user:password@…/rss?token=…` was
    kept whole, for NEWSBOT_KEEP_DAYS and in every backup."""
    return redact(text_of(message))


async def _unchanged(shared: BotData, message: Message) -> bool:
    """Whether an edited message says what the bot read in it: the question its replies
    answered, or a command's text (`note_command`)."""
    answered = await shared.conversations.answered_text(message.chat.id, message.message_id)
    return answered == as_kept(message)


class _Asked(NamedTuple):
    """What a message asks: the words to search, the answer it comes after, which it may
    follow up (`Engine.ask_after`), and the answer whose next page it is ("more")."""

    question: str
    above: AnswerAbove | None = None
    points_back: bool = False  # at the answer above: read with it whatever the corpus says
    continues: ShownAnswer | None = None  # "more", "next": the page it goes on after
    # when the oldest question the answer above holds was asked: a follow-up holds it too
    above_asked_since: float | None = None
    above_id: int | None = None  # the answer above, whose question a follow-up holds


async def _to_search(update: Update, context: Context, message: Message) -> _Asked | None:
    """What `message` asks, with the question it follows up and what that answer showed;
    None when it is no question to search (told why when it is one the sender should hear
    about)."""
    shared = context.bot_data
    question = question_in(message, context)
    replied = message.reply_to_message
    by_bot = replies_to_bot(message)
    asked_of = replied and not by_bot and (replied.text or replied.caption)
    if not question and context.args is not None and asked_of:
        # "/ask" in reply to someone's message (or photo) asks what it says, which may
        # name the bot ("@bot does anyone know…?")
        question = without_mention(asked_of, context.bot.username)
    # as it is searched (markup read, "?!!!…" as "?!!!"): what tells a follow-up, and what
    # is cut to fit beside the question it follows (`with_earlier`), is what is searched
    question = read_question(question)
    follows = None
    # in a group, a message to the bot neither a command nor a mention replies to it
    talk = in_group(message) and context.args is None and not mentions_bot(message)
    if replied and by_bot:  # a follow-up: search with the question it follows
        chat_id = message.chat.id
        follows = await shared.conversations.answer_for_reply(chat_id, replied.message_id)
        # or the question a hint or "nothing matches" asked for, asked alone
        asked_for = follows is not None or await shared.conversations.invites_question(
            chat_id, replied.message_id
        )
        if not asked_for and talk:
            return None  # "thanks!" under a digest or a help text: the group talking
        if asked_for and not re.search(r"\w", question):
            if talk:
                return None  # "😂" under an answer in a group: a reaction, not a question
            follows = None  # it adds nothing to search: told, as alone, it has no words
    if question and context.args is None and THANKS.fullmatch(question):
        return None  # "thanks!", "👍" under an answer, or in a private chat (not "Nice?")
    greets = context.args is None and GREETING.fullmatch(question)
    asks_help = context.args is None and ASKS_FOR_HELP.fullmatch(question)
    if (greets or asks_help) and talk:
        return None  # "hi", "help" under an answer in a group: said to the group
    if not await admitted(shared, message):
        return None
    if greets and in_group(message):  # "hey @bot": asks nothing, as a bare /ask
        await _ask_for_a_question(shared, message)
        return None
    if greets:  # "hi" in a private chat: what /start says
        await _greet(context, message, update.effective_user)
        return None
    if asks_help:  # "help", "what can you do?": what /help says
        await _help(context, message)
        return None
    if not question:
        await _ask_for_a_question(shared, message)
        return None
    question = without_greeting(question)  # "hi, who won the open?" asks who won
    if follows is None and in_group(message) and ASKS_FOR_MORE.fullmatch(question):
        # "@bot more", "/ask more": of a group's answers, the one it replies to goes on
        await send_reply(shared, message, formatting.MORE_IN_A_GROUP)
        return None
    if context.args is None and ASKS_FOR_MORE.fullmatch(question):
        if follows is None and not in_group(message):  # "more" after an answer above
            follows = await shared.conversations.latest_answer(message.chat.id)
        if follows is not None:  # the same question, after the last page shown of it
            last = await shared.conversations.last_page(follows.id) or follows
            return _Asked(last.question, continues=last)
        if not in_group(message):  # "more" in a chat with no answer yet: searched, it
            await _no_answer_to_continue(shared, message)  # had "only very common words"
            return None
    if (
        follows is None
        and replied is None
        and not in_group(message)
        and re.search(r"\w", question)
    ):
        # "and who else?" sent after an answer in a private chat, not as a reply to it,
        # may lean on it as a reply does: the chat's last answer, if recent
        follows = await _recent_answer(shared, message)
    leaning = lean(question)
    if follows is None or leaning is Lean.NONE:
        return _Asked(question)  # a question of its own under an answer is asked alone
    above = AnswerAbove(follows.question, follows.shown or ())
    points_back = leaning is Lean.POINTS_BACK
    return _Asked(question, above, points_back, None, follows.asked_since, follows.id)


# How long a private chat's last answer is what a message after it may lean on without
# replying to it (`_recent_answer`): a follow-up ("and who else?", "which province?") comes
# while the answer is on screen, within minutes; half an hour later a short message more
# likely starts afresh, and searched with an answer long scrolled away it would get
# passages about neither. A reply to an answer follows it up at any age.
FOLLOW_UP_SECONDS = 30 * 60


async def _recent_answer(shared: BotData, message: Message) -> ShownAnswer | None:
    """The last answer in a private chat asked by the time `message` was sent (an edited
    message's own answer, or what came after it, is none), if at most `FOLLOW_UP_SECONDS`
    before it."""
    sent = message.date.timestamp()
    # an edit (which may come in the second it was sent, as its answer did): of the answers
    # asked before that second; else through its second, as `_through`
    sent += -1e-6 if message.edit_date else 1 - 1e-6
    latest = await shared.conversations.latest_answer(message.chat.id, asked_by=sent)
    if latest is None or sent - latest.asked_ts > FOLLOW_UP_SECONDS:
        return None
    return latest


async def _no_answer_to_continue(shared: BotData, message: Message) -> None:
    """Tell "more" sent before any answer that there is none to go on with, and how to
    ask; a reply to it is the question (`record_prompts`)."""
    example = await example_question(shared)
    sent = await send_reply(shared, message, formatting.no_answer_to_continue(example))
    await shared.conversations.record_prompts(
        [ChatMessage(reply.chat_id, reply.message_id) for reply in sent]
    )


async def _ask_for_a_question(shared: BotData, message: Message) -> None:
    """Say how to ask, with an example; a reply to it is the question (`record_prompts`)."""
    usage = formatting.ask_usage(await example_question(shared))
    sent = await send_reply(shared, message, usage)
    await shared.conversations.record_prompts(
        [ChatMessage(reply.chat_id, reply.message_id) for reply in sent]
    )


async def _answer(
    update: Update,
    context: Context,
    message: Message,
    user: User,
    searched: _Asked,
    newest: Newest,
) -> None:
    """Answer `message` with the passages for `searched`, unless it is edited again on the
    way (`newest`): the edit is answered then, and only its answer stands."""
    if not newest():
        return
    shared = context.bot_data
    chat_id = message.chat.id
    reply_to = message.message_id if in_group(message) else None
    if searched.continues is not None:  # "more": what its answer's More ▸ does
        shown = await show_more(
            context, searched.continues, chat_id, user.id, reply_to, topic_of(message)
        )
        if isinstance(shown, str):
            told = await send_reply(shared, message, formatting.plain(shown))
            shown = [ChatMessage(m.chat_id, m.message_id) for m in told]
        await shared.conversations.record_replies(
            chat_id, message.message_id, shown, as_kept(message), user.id
        )
        return
    # An edited question is answered again, in the messages its first answer was shown in
    replacing = (
        await shared.conversations.replies_to(chat_id, message.message_id)
        if update.edited_message is not None
        else ()
    )
    # and the pages its "More" showed go: they went on with the question as it was
    later = await shared.conversations.later_pages(replacing) if replacing else ()
    replaced = await shared.conversations.answers_in(replacing)
    await show_typing(context, chat_id, topic_of(message))
    if not newest():
        return
    as_of = _through(message)
    above = searched.above
    zone = await zone_of(shared, chat_id)
    if above is None:
        found = await search(
            shared, searched.question, PASSAGES_PER_ANSWER, as_of=as_of, zone=zone
        )
    else:
        found = await search_after(
            shared,
            searched.question,
            above,
            searched.points_back,
            PASSAGES_PER_ANSWER,
            as_of,
            zone,
        )
    # a follow-up leaves out the passages right above it, which are no answer to it, and
    # its "More" leaves them out alike; a question asked alone has shown nothing yet
    followed = above is not None and found.result.follows is not None
    left_out = above.shown if above is not None and followed else ()
    # read with the question above, it holds it: forgotten by when that was asked
    first_asked = searched.above_asked_since if followed else None
    above_id = searched.above_id if followed else None
    if not newest():
        asked_in = message.message_id
        await log_search(shared, chat_id, user.id, found, first_asked, asked_in, above_id)
        return  # not shown
    sent = await send_answer(
        context,
        shared,
        chat_id,
        user.id,
        found.result,
        0,
        reply_to,
        as_of,
        left_out,
        topic=topic_of(message),
        replacing=replacing,
        first_asked_ts=first_asked,
        follows=above_id,
    )
    await shared.conversations.record_replies(
        chat_id, message.message_id, sent, as_kept(message), user.id
    )
    if later:
        await _take_down(context, later)
        await shared.conversations.detach_messages(later)
    if replaced:  # they held the words the edit took out
        await shared.conversations.forget_answers(replaced)
    await log_search(shared, chat_id, user.id, found, first_asked, message.message_id, above_id)


async def inline_ask(update: Update, context: Context) -> None:
    """Offer the top passages for an inline question, each with its quote and source."""
    query = update.inline_query
    if query is None:
        return
    shared = context.bot_data
    question = query.query.strip()
    if not question:
        await query.answer([], cache_time=300)
        return
    if not shared.inline_limiter.check(query.from_user.id).allowed:
        await query.answer([], cache_time=0, is_personal=True)
        return
    # an inline query comes from no chat: a month it names is read in the zone of its
    # sender's private chat with the bot (whose id is theirs), if it has one
    zone = await zone_of(shared, query.from_user.id)
    searched = await search(shared, question, INLINE_RESULTS, zone=zone)
    result = searched.result
    results = [
        InlineQueryResultArticle(
            id=str(passage.rank),
            title=formatting.inline_title(passage),
            description=formatting.inline_description(passage),
            input_message_content=InputTextMessageContent(
                formatting.inline_message(passage, shared.zone), parse_mode=ParseMode.HTML
            ),
        )
        for passage in result.passages
    ]
    # Nothing matched: a button above the empty list says so (an empty list alone looks like
    # a bot still thinking, or a broken one), and opens the private chat, where /start says
    # how to ask.
    nothing = InlineQueryResultsButton(formatting.INLINE_NOTHING, start_parameter="nothing")
    # Telegram caches results per query; with an allowlist, only for the user who asked, and
    # so for a question naming a month or day, which another's zone may read otherwise
    personal = not shared.access.is_open or named_time(question) is not None
    await query.answer(
        results,
        cache_time=60,
        is_personal=personal,
        button=None if results else nothing,
    )
    # its timing alone: Telegram sends one as each letter is typed, and each, kept with
    # its sender's id, was a draft of theirs, "gordon b", "gordon br"...
    await shared.conversations.log_query(None, None, "", len(result.passages), searched.elapsed_ms)


async def start(update: Update, context: Context) -> None:
    """Greet and say in two lines what the bot does and how to ask."""
    message = update.effective_message
    if message is None:
        return
    if not await admitted(context.bot_data, message):
        return
    await _greet(context, message, update.effective_user)


async def _greet(context: Context, message: Message, user: User | None) -> None:
    """Send /start's two lines: what the bot does and how to ask in this chat."""
    name = user.first_name if user else None
    example = await example_question(context.bot_data)
    greeting = formatting.greeting(name, not in_group(message), example)
    sent = await send_reply(context.bot_data, message, greeting)
    await _record_prompts(context.bot_data, sent)  # says how to ask: a reply to it asks


async def help_command(update: Update, context: Context) -> None:
    """List the commands, each with an example, and the ways to ask."""
    message = update.effective_message
    if message is not None and await admitted(context.bot_data, message):
        await _help(context, message)


async def _help(context: Context, message: Message) -> None:
    """Send /help's text: every command with an example, and the ways to ask; to an admin
    in a private chat, the admin commands too."""
    question = await example_question(context.bot_data)
    asker = message.from_user.id if message.from_user else None
    # in a private chat only: a group's members read what its admin is told there
    private = message.chat.type == ChatType.PRIVATE
    admin = ADMIN_COMMANDS if private and context.bot_data.access.is_admin(asker) else ()
    text = formatting.help_text(COMMANDS, context.bot.username, question, admin)
    sent = await send_reply(context.bot_data, message, text)
    await _record_prompts(context.bot_data, sent)  # a reply to it asks, as to a hint's


async def _record_prompts(shared: BotData, sent: Sequence[Message]) -> None:
    """Note messages that invite a question: a reply to one is asked (`invites_question`)."""
    await shared.conversations.record_prompts([ChatMessage(m.chat_id, m.message_id) for m in sent])


async def example_question(shared: BotData) -> str:
    """A question the corpus answers, for a hint (`formatting.example_question`)."""
    newest = await shared.engine.latest(1)  # one row, by an index: cheap at any size
    return formatting.example_question(newest[0] if newest else None)


async def unknown_command(update: Update, context: Context) -> None:
    """Point a private chat, or a group that named this bot (/foo@bot), that sent an
    unknown command to /help."""
    message = update.effective_message
    if message is None or not message.text:
        return
    # Runs after the command handlers (a later group), so commands other modules add after
    # build_application are not shadowed: it only speaks when none of them knows the name.
    if _command_name(message.text) not in command_names(context.application) and await admitted(
        context.bot_data, message
    ):
        await send_reply(context.bot_data, message, formatting.UNKNOWN_COMMAND)


def _command_name(text: str) -> str:
    """The name of the command `text` opens with, without its slash or @bot: "subscribe"."""
    return text.split()[0][1:].split("@")[0].lower()


async def edited_command(update: Update, context: Context) -> None:
    """Say that an edited command (but /ask, whose edits are asked again) is not read: an
    edited "/subscribe 08:30" left the digest at 07:30, without a word."""
    message = update.effective_message
    shared = context.bot_data
    if message is None or not message.text:
        return
    if _command_name(message.text) not in command_names(context.application):
        return
    if await _unchanged(shared, message):
        return  # Telegram sends an edit for a reaction or formatting alone: nothing to tell
    if await admitted(shared, message):
        await send_reply(shared, message, formatting.EDITED_COMMAND)
    await _note_text(shared, message)  # a reaction to the edited command is no edit either


async def note_command(update: Update, context: Context) -> None:
    """Keep the text of a command (but /ask, which keeps its own with its answer), so that
    an edit leaving it as it was is not told it is not read (`edited_command`). Writes one
    row, after the command's reply."""
    message = update.message
    if message is not None and message.text and _command_name(message.text) != "ask":
        await _note_text(context.bot_data, message)


async def _note_text(shared: BotData, message: Message) -> None:
    """Record what `message` says as the text the bot read (`_unchanged`), with no replies
    of its own: an edit of it into /ask is answered in a new message."""
    sender = message.from_user.id if message.from_user else None
    await shared.conversations.record_replies(
        message.chat.id, message.message_id, (), as_kept(message), sender
    )


async def not_text(update: Update, context: Context) -> None:
    """Say, in a private chat, that a sticker, voice note or bare photo is not a question
    (any message there is one to answer: silence would look like a broken bot)."""
    message = update.effective_message
    if message is not None and await admitted(context.bot_data, message):
        example = await example_question(context.bot_data)
        await send_reply(context.bot_data, message, formatting.text_only(example))


async def sources(update: Update, context: Context) -> None:
    """List the outlets in the corpus with their article counts."""
    message = update.effective_message
    shared = context.bot_data
    if message is None or not await admitted(shared, message):
        return
    await send_reply(shared, message, *formatting.sources_messages(await shared.engine.sources()))


async def latest(update: Update, context: Context) -> None:
    """List the newest stories, each by its newest headline, linked to its article."""
    message = update.effective_message
    shared = context.bot_data
    if message is None or not await admitted(shared, message):
        return
    stories = await shared.engine.latest_stories(LATEST_HEADLINES)
    await send_reply(shared, message, *formatting.latest_messages(stories, shared.zone))
