"""Before and after the handlers: the access check every update passes, and the one error
handler every failure reaches."""

from __future__ import annotations

import logging
import time

from telegram import InlineQueryResultsButton, Update
from telegram.error import (
    ChatMigrated,
    Conflict,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ApplicationHandlerStop

from bot import formatting
from bot.replies import send, topic_closed, topic_deleted, topic_of
from bot.runtime import Context
from bot.transport import ReplyDropped
from retrieval.corpus.db import cannot_write, kept_locked, locked_too_long

log = logging.getLogger(__name__)

CONFLICT_TOLD_EVERY = 600.0  # seconds: a line every ten minutes, not one every poll


async def skip_automatic_forward(update: Update, context: Context) -> None:
    """Stop a channel post that Telegram forwarded by itself into the channel's discussion
    group: nobody asked. One that mentioned the bot ("Ask @yourbot about the floods!") was
    answered as a question, under every such post."""
    log.debug(
        "update %s: a channel post forwarded into its discussion group: not read", update.update_id
    )
    raise ApplicationHandlerStop


async def check_access(update: Update, context: Context) -> None:
    """Stop updates from chats (or inline users) that are not allowed; tell a chat once.

    Stopped whatever befalls the telling: an error raised here would go to the error handler
    and python-telegram-bot would then run the next handlers, answering the question of a
    chat whose refusal Telegram did not confirm (a time-out, a 400)."""
    if _allowed(update, context):
        return
    try:
        await _refuse(update, context)
    except TelegramError as exc:
        log.warning("update %s: could not say that it is not allowed: %s", update.update_id, exc)
    except Exception:
        log.exception("update %s: could not say that it is not allowed", update.update_id)
    raise ApplicationHandlerStop


def _allowed(update: Update, context: Context) -> bool:
    """Whether the update's chat (an inline query's user) may use the bot."""
    access = context.bot_data.access
    if update.inline_query is not None:
        return access.allows_inline(update.inline_query.from_user.id)
    chat, user = update.effective_chat, update.effective_user
    return chat is None or access.allows_chat(chat.id, user.id if user else None)


async def _refuse(update: Update, context: Context) -> None:
    """Tell an update's sender that it is not allowed: an inline user and a button's presser
    each time, a chat once a day, a few chats a minute (`Refusals`)."""
    shared = context.bot_data
    chat = update.effective_chat
    if update.inline_query is not None:
        await update.inline_query.answer(
            [],
            cache_time=0,
            is_personal=True,
            button=InlineQueryResultsButton("This bot is private", start_parameter="access"),
        )
    elif chat is None:
        return
    elif update.callback_query is not None:
        await update.callback_query.answer("This chat is not allowed to use the bot.")
    elif (
        update.message is not None
        and shared.refusals.may_tell(chat.id)  # else no write and no reply: nothing at all
        # its id and type only, not its names: a stranger's chat is no chat of the bot's
        and await shared.conversations.claim_refusal(chat.id, chat.type)
    ):
        log.info("refused chat %s (%s): not in NEWSBOT_ALLOWED_CHATS", chat.id, chat.type)
        # not after a group into its supergroup (`replies`): it names this chat's id
        await context.bot.send_message(
            chat.id, formatting.refusal(chat.id), message_thread_id=topic_of(update.message)
        )


async def note_chat(update: Update, context: Context) -> None:
    """Remember each chat the bot is used in, once per run: after its handlers, so that no
    reply waits for the write (another process may hold the database's write lock)."""
    chat = update.effective_chat
    if chat is None or update.message is None:
        return
    shared = context.bot_data
    if chat.id not in shared.chats_noted:
        shared.chats_noted.add(chat.id)
        await shared.conversations.note_chat(chat.id, chat.type)


def _tell_conflict(context: Context, error: Conflict) -> None:
    """Log once in `CONFLICT_TOLD_EVERY` that another process polls with this bot's token
    (a second `newsbot run`, an old one not stopped): Telegram ends one's getUpdates for
    the other's every few seconds, for as long as both run, and each gets part of the
    updates. Either may be the one to stop, so this one keeps polling."""
    shared = context.bot_data
    now = time.monotonic()
    if now - shared.conflict_told < CONFLICT_TOLD_EVERY:
        return
    shared.conflict_told = now
    log.error(
        "another process is getting this bot's updates (%s): each gets only part of them"
        " until one stops; stop the other `newsbot run` (or whatever else uses the token)",
        error,
    )


async def report_error(update: object, context: Context) -> None:
    """Log a failure with its update's id and tell the user, without any details."""
    error = context.error
    if not isinstance(update, Update):
        if isinstance(error, Conflict):
            _tell_conflict(context, error)
        elif isinstance(error, NetworkError):  # polling hiccups: PTB retries on its own
            log.warning("Telegram not reachable: %s", error)
        else:
            log.error("background task failed", exc_info=error)
        return
    if isinstance(error, Forbidden):  # blocked or kicked: nobody to tell
        log.warning("update %s: cannot send to the chat: %s", update.update_id, error)
        return
    if isinstance(error, ReplyDropped):  # Telegram failed for a minute: an apology would too
        log.warning("update %s: its reply was dropped: %s", update.update_id, error)
        return
    if isinstance(error, TimedOut):  # the reply may well have arrived: no "sorry" after it
        log.warning("update %s: Telegram did not confirm the reply: %s", update.update_id, error)
        return
    if error is not None and (topic_closed(error) or topic_deleted(error)):
        # closed or deleted after the question was asked in it: an apology there fails alike
        log.warning(
            "update %s: its forum topic is closed or deleted (%s): no reply can go there",
            update.update_id,
            error,
        )
        return
    busy = error is not None and kept_locked(error)
    unwritable = error is not None and not busy and cannot_write(error)
    if isinstance(error, ChatMigrated):  # a reply no one made follow the group: say sorry there
        log.warning("update %s: the group became a supergroup: %s", update.update_id, error)
    elif busy:  # another process kept the write lock past the busy timeout: no bug of ours
        log.warning("update %s: %s", update.update_id, locked_too_long()[0])
    elif unwritable:  # a full disk, not a bug: what to fix, without a traceback
        log.error(
            "update %s: the database cannot be written (%s): free space on its disk, or "
            "make it writable",
            update.update_id,
            error,
        )
    else:
        log.error("update %s failed", update.update_id, exc_info=error)
    if isinstance(error, RetryAfter):
        return  # flood control outlasted our retries; another message would only add to it
    sorry = (
        formatting.DATABASE_BUSY
        if busy
        else formatting.DATABASE_UNWRITABLE
        if unwritable
        else formatting.SOMETHING_WENT_WRONG
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(sorry)
        elif update.inline_query is not None:
            await update.inline_query.answer([], cache_time=0)
        elif update.effective_chat is not None:
            user = update.effective_user
            await send(
                context.bot,
                context.bot_data,
                update.effective_chat.id,
                [sorry],
                user.id if user else None,
                topic_of(update.effective_message),
            )
    except TelegramError as exc:
        log.warning("update %s: could not say that it failed: %s", update.update_id, exc)
