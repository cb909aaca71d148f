"""Questions asked of the bot: in a private chat, in a group (a mention, a reply, /ask), inline.

A message is read for what it asks (a follow-up of the answer above, "more", a greeting,
thanks) and answered, and answered again when edited; how the answer is shown is
`bot.answers`. Access is checked before any handler runs (`bot.gate`); errors they raise go
to its error handler.
"""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    Update,
    User,
)
from telegram.constants import ParseMode

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
    without_greeting,
    without_mention,
)
from bot.answers import PASSAGES_PER_ANSWER, send_answer, show_more, take_down
from bot.edits import as_kept, unchanged
from bot.help_commands import example_question, greet, show_help
from bot.replies import send_reply, topic_of
from bot.resume import keep_dropped
from bot.runtime import BotData, Context, Newest
from bot.searching import log_search, search, search_after, show_typing, zone_of
from bot.transport import DroppedAtStop, Withdrawn, outbox
from retrieval.conversations import ChatMessage, ShownAnswer
from retrieval.follow_ups import AnswerAbove
from retrieval.question_text import read_question
from retrieval.ranking.named_time import named_time

log = logging.getLogger(__name__)

INLINE_RESULTS = 5


def _through(message: Message) -> float:
    """The moment a message asks about: its date (an edited one's, the edit's), which names
    a whole second, through the end of that second (an article stored in it, before the
    question, still counts)."""
    return (message.edit_date or message.date).timestamp() + 1 - 1e-6


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
    if update.edited_message is not None and await unchanged(context.bot_data, message):
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
        await greet(context, message, update.effective_user)
        return None
    if asks_help:  # "help", "what can you do?": what /help says
        await show_help(context, message)
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
        zone,
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
        await take_down(context, later)
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
                # shown in NEWSBOT_TIMEZONE, not the sender's zone read above: an inline
                # answer is posted into chats the bot knows nothing of, read by people in
                # whatever zone those chats are in
                formatting.inline_message(passage, shared.zone),
                parse_mode=ParseMode.HTML,
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
