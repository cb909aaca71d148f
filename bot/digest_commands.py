"""The digest commands; `add_digest_handlers` adds them to the bot.

/subscribe [HH:MM] [Area/City] [keywords...] [quiet]
    In a group, only its administrators may; in a private chat it subscribes the user. From a
    private chat an admin of the bot (NEWSBOT_ADMINS) may name a channel first, as @channel or
    -100..., once the bot can post there and the sender administers it.
/unsubscribe [@channel]   /subscription [@channel]   /digest [keywords...]
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Chat, ChatFullInfo, ChatMember, ChatMemberRestricted, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden
from telegram.ext import ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot import formatting
from bot.access import admitted, is_admin
from bot.digest_format import (
    command,
    digest_messages,
    digest_usage,
    not_allowed,
    nothing_new,
    subscribe_example,
    subscribed,
    subscription_text,
    usage,
)
from bot.help_commands import example_question
from bot.markup import escape
from bot.replies import send, send_reply, topic_of
from bot.runtime import App, BotData, Context
from bot.subscribe_words import chat_named, chat_ref, parse_subscribe, phrases
from retrieval.conversations import ChatMessage
from retrieval.digest.digest import keyword_terms, typed_keywords
from retrieval.digest.schedule import (
    period_for,
)
from retrieval.errors import DigestError, ScheduleError
from retrieval.index.tokens import Tokenizer

log = logging.getLogger(__name__)

_ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def _reply(context: Context, message: Message, text: str) -> None:
    """Reply as every command's reply does: in a group, replying to the command, so that a
    refusal in a busy group reaches whoever asked."""
    await send_reply(context.bot_data, message, text)


async def _sender_administers(context: Context, chat_id: int, message: Message) -> bool:
    """Whether the sender of `message` is an administrator of the chat (asked of Telegram)."""
    if message.sender_chat is not None and message.sender_chat.id == chat_id:
        return True  # an anonymous administrator of the group speaks as the group
    if message.from_user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat_id, message.from_user.id)
    except (BadRequest, Forbidden):
        return False
    return member.status in _ADMINS


async def _bot_status(context: Context, chat_id: int) -> ChatMember | None:
    """The bot's own membership of the chat; None when Telegram will not say (the bot is not
    in it, or may not see its members)."""
    try:
        return await context.bot.get_chat_member(chat_id, context.bot.id)
    except (BadRequest, Forbidden):
        return None


async def _target_chat(
    update: Update,
    context: Context,
    message: Message,
    ref: str,
    check_posting: bool,
) -> Chat | ChatFullInfo | None:
    """The channel a bot admin named in a private chat, after the checks; None when refused
    (the sender has been told why).

    Once the bot is out of the channel, Telegram finds it no more, or will not say who
    administers it; its digest, stored, can still be seen and stopped (`check_posting`
    false) by a bot admin, by the channel's id or its @name as stored: it could only fail.
    """
    example = f"/subscribe {ref} 08:00 Europe/London"
    if not is_admin(update, context):
        await _reply(
            context,
            message,
            "Only the bot's admins can manage a channel's digest.",
        )
        log.info("a channel's digest refused to a user not in NEWSBOT_ADMINS")
        return None
    chat: ChatFullInfo | None = None
    with contextlib.suppress(BadRequest, Forbidden):
        chat = await context.bot.get_chat(chat_ref(ref))
    if chat is not None and chat.type != ChatType.CHANNEL:
        name = escape(chat.title or ref)
        await _reply(
            context, message, f"{name} is not a channel: send the command in that chat itself."
        )
        return None
    me = await _bot_status(context, chat.id) if chat is not None else None
    if not check_posting and (me is None or me.status not in _ADMINS):
        stored = await context.bot_data.subscriptions.named(chat_ref(ref))
        # a channel's only: a person's or a group's digest is theirs to see and stop
        if stored is not None and stored.chat_type == ChatType.CHANNEL:
            return Chat(
                stored.chat_id,
                stored.chat_type,
                title=stored.chat_title,
                username=stored.chat_username,
            )
    if chat is None:
        await _reply(
            context,
            message,
            usage(
                f"I can't find the chat {ref}: add me to the channel as an "
                "administrator first, then try again.",
                example,
            ),
        )
        return None
    name = escape(chat.title or ref)
    if check_posting and (
        me is None
        or me.status != ChatMemberStatus.ADMINISTRATOR
        or not getattr(me, "can_post_messages", False)
    ):
        await _reply(
            context,
            message,
            f"I can't post in {name}: make me an administrator of the "
            "channel with the right to post messages, then try again.",
        )
        return None
    if not await _sender_administers(context, chat.id, message):
        await _reply(
            context,
            message,
            f"You are not an administrator of {name}: only its "
            "administrators can change its digest.",
        )
        return None
    return chat


async def _chat_to_manage(
    update: Update,
    context: Context,
    message: Message,
    target: str | None,
    check_posting: bool = False,
) -> Chat | ChatFullInfo | None:
    """The chat a digest command is about, if the sender may manage its digest."""
    chat = message.chat
    if target is not None:
        return await _target_chat(update, context, message, target, check_posting)
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        try:
            administers = await _sender_administers(context, chat.id, message)
        except ChatMigrated:  # asked in the group it was: the command is the old chat's
            await _reply(
                context, message, "This group has just become a supergroup: send it again here."
            )
            return None
        if not administers:
            await _reply(
                context, message, "Only administrators of this group can change its daily digest."
            )
            return None
    return chat


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe this chat (or a channel) to a daily digest."""
    message = update.effective_message
    if message is None or not await admitted(context.bot_data, message):
        return
    shared = context.bot_data
    private = message.chat.type == ChatType.PRIVATE
    if await _channel_named_here(context, message, "subscribe"):
        return
    try:
        request = parse_subscribe(context.args or [], shared.settings.timezone, private)
    except (ScheduleError, DigestError) as exc:
        await _reply(context, message, usage(str(exc)))
        return
    chat = await _chat_to_manage(update, context, message, request.target, check_posting=True)
    if chat is None:
        return
    if not shared.access.allows_digests(chat.id):
        log.info("refused a digest subscription for chat %s: not allowed", chat.id)
        await _reply(context, message, not_allowed(chat.id))
        return
    now = shared.digests.clock()
    user = update.effective_user
    subscription = await shared.subscriptions.subscribe(
        chat.id,
        chat.type,
        request.at,
        request.timezone,
        now,
        request.keywords,
        request.quiet,
        # a channel's title, which its digest's replies name it by; no group's, no person's
        chat.title if chat.type == ChatType.CHANNEL else None,
        user.id if user else None,
        topic_of(message) if chat.id == message.chat.id else None,  # not a channel's
        # a channel's @name, to find its digest once the bot is out of it; no person's
        chat.username if chat.type == ChatType.CHANNEL else None,
    )
    log.info(
        "chat %s (%s) subscribed: %s %s %s",
        chat.id,
        chat.type,
        request.at,
        request.timezone,
        list(request.keywords),
    )
    first = await shared.subscriptions.next_run(subscription, now)
    await _reply(context, message, subscribed(subscription, first, request.target))


def _target(context: Context, message: Message) -> str | None:
    """The channel named, where one may be: in a private chat."""
    private = message.chat.type == ChatType.PRIVATE
    return chat_named(context.args or []) if private else None


async def _channel_named_here(context: Context, message: Message, command: str) -> bool:
    """Whether a channel is named outside a private chat, where it is not taken: the sender
    is told where to do it. "/unsubscribe @channel" in a group stopped the group's own
    digest, and "/subscribe @channel" subscribed the group to news about "@channel"."""
    named = chat_named(context.args or [])
    if message.chat.type == ChatType.PRIVATE or named is None:
        return False
    await _reply(
        context,
        message,
        f"A channel's digest is managed in a private chat with me: send "
        f"<code>/{command} {escape(named)} …</code> there. Nothing changed here.",
    )
    return True


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop this chat's (or a channel's) daily digest."""
    message = update.effective_message
    if message is None or not await admitted(context.bot_data, message):
        return
    if await _channel_named_here(context, message, "unsubscribe"):
        return
    target = _target(context, message)
    chat = await _chat_to_manage(update, context, message, target)
    if chat is None:
        return
    # a channel's, managed from a private chat, is named: "here" would be the private chat
    where = "here" if chat.id == message.chat.id else f"in {chat.title or chat.id}"
    if await context.bot_data.subscriptions.stop(chat.id, "unsubscribed"):
        log.info("chat %s unsubscribed", chat.id)
        again = escape(command("subscribe", target))
        await _reply(
            context,
            message,
            f"Stopped: no more daily digests {escape(where)}. {again} starts them again.",
        )
    elif (stored := await context.bot_data.subscriptions.get(chat.id)) is not None:
        # stopped already: /subscription says so, and so does this, not "no digest"
        await _reply(context, message, subscription_text(stored, None, None, ref=target))
    else:  # usage() escapes what it is given
        await _reply(
            context,
            message,
            usage(f"There is no daily digest {where} to stop.", subscribe_example(target)),
        )


async def subscription(update: Update, context: Context) -> None:
    """Show this chat's (or a channel's) digest settings."""
    message = update.effective_message
    if message is None or not await admitted(context.bot_data, message):
        return
    if await _channel_named_here(context, message, "subscription"):
        return
    target = _target(context, message)
    chat = (
        message.chat
        if target is None
        else (await _target_chat(update, context, message, target, check_posting=False))
    )
    if chat is None:
        return
    shared = context.bot_data
    found = await shared.subscriptions.get(chat.id)
    if found is None:
        where = "here" if chat.id == message.chat.id else f"for {chat.title or chat.id}"
        await _reply(
            context,
            message,
            usage(f"There is no daily digest {where} yet.", subscribe_example(target)),
        )
        return
    last = await shared.subscriptions.last_delivered(found)
    upcoming = None
    if found.active:
        upcoming = await shared.subscriptions.next_run(found, shared.digests.clock())
    failed = await shared.subscriptions.last_failed(found)
    here = chat.id == message.chat.id  # not a channel named in a private chat
    forum = here and bool(message.chat.is_forum or message.is_topic_message)
    shown = subscription_text(
        found, upcoming, last, failed, target, forum=forum, asked_in=topic_of(message)
    )
    await _reply(context, message, shown)


async def digest_now(update: Update, context: Context) -> None:
    """Send the news since this chat's last digest (or of the last day) now."""
    message = update.effective_message
    if message is None:
        return
    shared = context.bot_data
    verdict = shared.digest_limiter.check(message.chat.id)
    if not verdict.allowed:
        if verdict.tell:  # once; then nothing until the chat may have one again
            wait = max(1, round(verdict.retry_in))
            await _reply(
                context, message, f"A digest was sent here just now; /digest again in {wait} s."
            )
        return
    found = await shared.subscriptions.get(message.chat.id)
    typed = phrases(context.args or ())
    try:  # typed ones are read and bounded; a subscription's are what it was stored with
        if typed:
            keywords = typed_keywords(typed, Tokenizer())
        else:
            keywords = found.keywords if found and found.active else ()
            keyword_terms(keywords, Tokenizer())
    except DigestError as exc:
        await _no_digest(shared, message, digest_usage(str(exc)))
        return
    last = await shared.subscriptions.last_delivered(found) if found else None
    now = shared.digests.clock()
    period = period_for(  # as the next scheduled digest would take it, late news too
        now,
        now,
        last.period.end if last else None,
        last.period.as_of if last else None,
        last.period.start if last else None,
    )
    digest = await shared.engine.digest(period, keywords, shared.digests.limit)
    zone = found.zone if found else shared.zone
    if not digest.items:
        await _no_digest(shared, message, nothing_new(digest, zone))
        return
    sent = await send_reply(shared, message, *digest_messages(digest, zone))
    # "tell me more about the festival" in reply to it is a question, asked alone
    await shared.conversations.record_prompts([ChatMessage(m.chat_id, m.message_id) for m in sent])


async def _no_digest(shared: BotData, message: Message, text: str) -> None:
    """Say why /digest sent no digest, which then does not count against the chat's digests
    ("/digest zorblaxqq" told the next /digest that one was sent just now) but as a command
    against its sender's per-minute limit, as every other reply does."""
    shared.digest_limiter.give_back(message.chat.id)
    if await admitted(shared, message):
        await send_reply(shared, message, text)


# ----- wiring ------------------------------------------------------------------------------


async def chat_migrated(update: Update, context: Context) -> None:
    """A group became a supergroup (a new chat id): its digest moves with it at once, so
    /subscription and /unsubscribe in the supergroup find it before its next digest does
    (which would move it too: `digest_delivery._send`)."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:  # said in the old group
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:  # said in the new supergroup
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    if await context.bot_data.subscriptions.move_chat(old, new) is not None:
        log.info("chat %s became supergroup %s: its digest moves there", old, new)


async def bot_membership(update: Update, context: Context) -> None:
    """The bot was added to a chat or left it: a group it joins hears how to ask (it said
    nothing until someone found /help); a chat that removed it (or, a private chat, blocked
    it) has its digest stopped: each would fail, and no /unsubscribe can come from there."""
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    if not _out_of_chat(change.new_chat_member):
        joined = _out_of_chat(change.old_chat_member)
        shared = context.bot_data
        groups = (ChatType.GROUP, ChatType.SUPERGROUP)
        if joined and chat.type in groups and shared.access.allows_chat(chat.id, None):
            greeting = formatting.greeting(None, False, await example_question(shared))
            await send(context.bot, shared, chat.id, [greeting], None)
        return
    reason = (
        "the bot was blocked"
        if chat.type == ChatType.PRIVATE
        else f"the bot was removed from the {chat.type}"
    )
    if await context.bot_data.subscriptions.stop(chat.id, reason):
        log.info("digest subscription of chat %s stopped: %s", chat.id, reason)


def _out_of_chat(member: ChatMember) -> bool:
    """Whether the bot, as this member, is no longer in the chat: it left, was banned, or is
    restricted and not a member (Telegram keeps the restrictions of one who left or was
    removed; one still a member is in the chat, restricted or not)."""
    if isinstance(member, ChatMemberRestricted):
        return not member.is_member
    return member.status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)


def add_digest_handlers(app: App) -> None:
    """Add /subscribe, /unsubscribe, /subscription and /digest, follow a group that becomes
    a supergroup, greet a group the bot joins, and stop the digest of a chat that removes
    the bot (the job is in `bot.digest_delivery`, scheduled at start-up)."""
    new = filters.UpdateType.MESSAGE
    app.add_handlers(
        [
            CommandHandler("subscribe", subscribe, filters=new),
            CommandHandler("unsubscribe", unsubscribe, filters=new),
            CommandHandler("subscription", subscription, filters=new),
            CommandHandler("digest", digest_now, filters=new),
            MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated),
            ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        ]
    )
