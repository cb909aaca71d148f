"""The digest commands, and `register_digests`, which adds them and the job to the bot.

/subscribe [HH:MM] [Area/City] [keywords...] [quiet]
    In a group, only its administrators may; in a private chat it subscribes the user. From a
    private chat an admin of the bot (NEWSBOT_ADMINS) may name a channel first, as @channel or
    -100..., once the bot can post there and the sender administers it.
/unsubscribe [@channel]   /subscription [@channel]   /digest [keywords...]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Chat, ChatFullInfo, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.access import is_admin
from bot.digest_delivery import (
    DIGESTS,
    TICK_SECONDS,
    Clock,
    Digests,
    digests_of,
    send_due_digests,
    system_clock,
)
from bot.digest_format import digest_messages, nothing_new, subscribed, subscription_text, usage
from bot.markup import escape
from bot.runtime import runtime
from retrieval.digest import build_digest, keyword_terms
from retrieval.schedule import DailyTime, looks_like_zone, next_run, parse_zone, period_for
from retrieval.subscriptions import Subscriptions
from retrieval.tokens import Tokenizer

log = logging.getLogger(__name__)

DEFAULT_TIME = DailyTime(8, 0)
QUIET = "quiet"
_TIME_LIKE = re.compile(r"^\d{1,2}(?:[:.h]\d*)?(?:am|pm)?$", re.IGNORECASE)
_CHAT_REF = re.compile(r"^(@\w{4,32}|-\d{5,})$")
_ADMINS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    """What /subscribe asked for; `target` names a channel (from a private chat only)."""

    at: DailyTime
    timezone: str
    keywords: tuple[str, ...]
    quiet: bool
    target: str | None = None


def parse_subscribe(
    args: Sequence[str], default_zone: str, allow_target: bool
) -> SubscribeRequest:
    """Read /subscribe's words; ValueError saying what is wrong.

    The time and the zone may come in either order before the keywords; a word that looks
    like a time or a zone is taken as one, so a typo is reported instead of searched for.
    """
    words = list(args)
    target = words.pop(0) if allow_target and words and _CHAT_REF.match(words[0]) else None
    at: DailyTime | None = None
    zone: str | None = None
    while words:
        if at is None and _TIME_LIKE.match(words[0]):
            at = DailyTime.parse(words.pop(0))
        elif zone is None and looks_like_zone(words[0]):
            zone = parse_zone(words.pop(0)).key
        else:
            break
    quiet = any(w.casefold() == QUIET for w in words)
    keywords = tuple(w for w in words if w.casefold() != QUIET)
    keyword_terms(keywords, Tokenizer())
    return SubscribeRequest(
        at or DEFAULT_TIME, zone or parse_zone(default_zone).key, keywords, quiet, target
    )


def _chat_ref(text: str) -> int | str:
    return int(text) if text.lstrip("-").isdigit() else text


async def _reply(message: Message, text: str) -> None:
    await message.reply_html(text, do_quote=False)


async def _sender_administers(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, message: Message
) -> bool:
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


async def _target_chat(
    update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, ref: str,
    check_posting: bool,
) -> ChatFullInfo | None:  # fmt: skip
    """The channel a bot admin named in a private chat, after the checks; None when refused
    (the sender has been told why)."""
    example = f"/subscribe {ref} 08:00 Europe/London"
    if not is_admin(update, context):
        await _reply(message, "Only the bot's admins can manage a channel's digest (their ids "
                              "are in NEWSBOT_ADMINS).")  # fmt: skip
        return None
    try:
        chat = await context.bot.get_chat(_chat_ref(ref))
    except (BadRequest, Forbidden):
        await _reply(message, usage(f"I can't find the chat {ref}: add me to the channel as an "
                                    "administrator first, then try again.", example))  # fmt: skip
        return None
    name = escape(chat.title or ref)
    if chat.type != ChatType.CHANNEL:
        await _reply(message, f"{name} is not a channel: send the command in that chat itself.")
        return None
    if check_posting:
        me = await context.bot.get_chat_member(chat.id, context.bot.id)
        if me.status != ChatMemberStatus.ADMINISTRATOR or not getattr(
            me, "can_post_messages", False
        ):
            await _reply(message, f"I can't post in {name}: make me an administrator of the "
                         "channel with the right to post messages, then try again.")
            return None
    if not await _sender_administers(context, chat.id, message):
        await _reply(message, f"You are not an administrator of {name}: only its "
                              "administrators can change its digest.")  # fmt: skip
        return None
    return chat


async def _chat_to_manage(
    update: Update, context: ContextTypes.DEFAULT_TYPE, message: Message, target: str | None,
    check_posting: bool = False,
) -> Chat | ChatFullInfo | None:  # fmt: skip
    """The chat a digest command is about, if the sender may manage its digest."""
    chat = message.chat
    if target is not None:
        return await _target_chat(update, context, message, target, check_posting)
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP) and not await _sender_administers(
        context, chat.id, message
    ):
        await _reply(message, "Only administrators of this group can change its daily digest.")
        return None
    return chat


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe this chat (or a channel) to a daily digest."""
    message = update.effective_message
    if message is None:
        return
    rt = runtime(context)
    private = message.chat.type == ChatType.PRIVATE
    try:
        request = parse_subscribe(context.args or [], rt.settings.timezone, private)
    except ValueError as exc:
        await _reply(message, usage(str(exc)))
        return
    chat = await _chat_to_manage(update, context, message, request.target, check_posting=True)
    if chat is None:
        return
    digests = digests_of(context.bot_data)
    now = digests.clock()
    user = update.effective_user
    subscription = await digests.store.subscribe(
        chat.id, chat.type, request.at, request.timezone, now, request.keywords, request.quiet,
        chat.title or chat.full_name, user.id if user else None,
    )  # fmt: skip
    log.info("chat %s (%s) subscribed: %s %s %s", chat.id, chat.type, request.at,
             request.timezone, list(request.keywords))  # fmt: skip
    await _reply(message, subscribed(subscription, next_run(request.at, subscription.zone, now)))


def _target(context: ContextTypes.DEFAULT_TYPE, message: Message) -> str | None:
    args = context.args or []
    if message.chat.type == ChatType.PRIVATE and args and _CHAT_REF.match(args[0]):
        return args[0]
    return None


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop this chat's (or a channel's) daily digest."""
    message = update.effective_message
    if message is None:
        return
    chat = await _chat_to_manage(update, context, message, _target(context, message))
    if chat is None:
        return
    if await digests_of(context.bot_data).store.stop(chat.id, "unsubscribed"):
        log.info("chat %s unsubscribed", chat.id)
        await _reply(message, "Stopped: no more daily digests here. /subscribe starts them "
                              "again.")  # fmt: skip
    else:
        await _reply(message, usage("There is no daily digest here to stop."))


async def subscription(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show this chat's (or a channel's) digest settings."""
    message = update.effective_message
    if message is None:
        return
    target = _target(context, message)
    chat = message.chat if target is None else (
        await _target_chat(update, context, message, target, check_posting=False)
    )  # fmt: skip
    if chat is None:
        return
    digests = digests_of(context.bot_data)
    found = await digests.store.get(chat.id)
    if found is None:
        await _reply(message, usage("There is no daily digest here yet."))
        return
    last = await digests.store.last_delivered(found)
    upcoming = next_run(found.at, found.zone, digests.clock()) if found.active else None
    await _reply(message, subscription_text(found, upcoming, last))


async def digest_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the news since this chat's last digest (or of the last day) now."""
    message = update.effective_message
    if message is None:
        return
    rt = runtime(context)
    digests = digests_of(context.bot_data)
    found = await digests.store.get(message.chat.id)
    keywords = tuple(context.args or ()) or (found.keywords if found and found.active else ())
    try:
        keyword_terms(keywords, Tokenizer())
    except ValueError as exc:
        await _reply(message, usage(str(exc), "/digest oil opec"))
        return
    last = await digests.store.last_delivered(found) if found else None
    now = digests.clock()
    period = period_for(now, now, last.period.end if last else None,
                        last.period.as_of if last else None)  # fmt: skip
    digest = await build_digest(rt.engine.conn, period, keywords, digests.limit)
    zone = found.zone if found else rt.zone
    texts = digest_messages(digest, zone) if digest.items else [nothing_new(digest, zone)]
    for text in texts:
        await context.bot.send_message(message.chat.id, text)


# ----- wiring ------------------------------------------------------------------------------


def register_digests(app: Application[Any, Any, Any, Any, Any, Any],
                     clock: Clock = system_clock) -> Digests:  # fmt: skip
    """Add the digest commands and, at start-up, the subscriptions and the job.

    Wraps the application's post_init and post_shutdown: the subscriptions open on a
    connection of their own after the bot's engine, claims interrupted by the last stop are
    settled, then the job starts (with a tick at once, for digests missed while down).
    """
    digests = Digests(clock)
    app.bot_data[DIGESTS] = digests
    new = filters.UpdateType.MESSAGE
    app.add_handlers([
        CommandHandler("subscribe", subscribe, filters=new),
        CommandHandler("unsubscribe", unsubscribe, filters=new),
        CommandHandler("subscription", subscription, filters=new),
        CommandHandler("digest", digest_now, filters=new),
    ])  # fmt: skip
    inner_init, inner_shutdown = app.post_init, app.post_shutdown

    async def post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if inner_init is not None:
            await inner_init(application)
        await start_digests(application, digests)

    async def post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if digests.subscriptions is not None:
            await digests.subscriptions.close()
            digests.subscriptions = None
        if inner_shutdown is not None:
            await inner_shutdown(application)

    app.post_init, app.post_shutdown = post_init, post_shutdown
    return digests


async def start_digests(app: Application[Any, Any, Any, Any, Any, Any], digests: Digests
                        ) -> None:  # fmt: skip
    """Open the subscriptions, settle interrupted digests, start the job."""
    rt = app.bot_data["runtime"]
    digests.subscriptions = await Subscriptions.open(rt.engine.db_path)
    for interrupted in await digests.store.recover(digests.clock()):
        log.warning(
            "the digest of %s for chat %s was interrupted while sending (%d messages out); "
            "it is not sent again, so it is never sent twice: /digest there sends it by hand",
            interrupted.day, interrupted.chat_id, interrupted.messages,
        )  # fmt: skip
    log.info("%d chats subscribed to daily digests", len(await digests.store.active()))
    if app.job_queue is not None:
        # The job queue starts after post_init: a first run "now" must not count as missed.
        app.job_queue.run_once(
            send_due_digests, when=0.0, name="digests at start-up",
            job_kwargs={"misfire_grace_time": None},
        )  # fmt: skip
        app.job_queue.run_repeating(
            send_due_digests, interval=TICK_SECONDS, first=TICK_SECONDS, name="digests",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )  # fmt: skip
