"""Sending scheduled digests: a job every minute asks the subscriptions which are due.

python-telegram-bot's job queue keeps jobs in memory only, so it holds no schedule of ours:
one repeating job asks the database (`Subscriptions.due`) what is due now, and everything it
needs to know survives a restart there. The first tick runs at start-up, which is also how a
digest missed while the bot was down goes out once it is back: after the first feed poll,
which stores what the feeds carried meanwhile (`deliver_due`).

Digests go only to chats the allowlist allows (`apply_allowlist`, at every tick): another
chat's subscription is paused, kept with its settings, and resumes afresh once allowed.

Each due digest is claimed before its first message (see retrieval/digest/subscriptions.py), then
sent. What Telegram answers decides what becomes of it:
  - 403 Forbidden (bot blocked, kicked, not a member), 400 chat not found: the subscription
    is stopped and logged; Telegram will not take messages for that chat again.
  - ChatMigrated (a group became a supergroup): the subscription moves to the new chat id
    and the message is sent there.
  - Its forum topic closed (TOPIC_CLOSED): the digest fails, shown by /subscription, and the
    subscription keeps its topic: the next one tries it again, as an admin may reopen it.
    Its topic deleted ("message thread not found"): sent to General, from then on, noted on
    the delivery for /subscription.
  - RetryAfter (429): waited out, then sent again (the rate limiter already retries a few
    times; this covers floods longer than that).
  - The bot stopping (`DroppedAtStop`: it ends any wait): with none of its messages out,
    the claim is released, and the tick at the next start sends the digest if that is the
    same day in the subscription's zone (else the next digest covers its news too); part
    of it out, it is `unknown` as below, and the rest is not sent.
  - A failure that certainly sent nothing (no connection, a 5xx answer) is retried for a
    minute (`bot.transport`); if it still fails and no message of the digest went out, the
    claim is released and the next tick tries again.
  - A timeout, or any failure after some messages went out: we cannot know what arrived, so
    the digest counts as delivered and is not sent again (never twice).
Digests go out concurrently and each failure stays with its chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.digest_format import digest_messages, nothing_new
from bot.logs import redact
from bot.replies import topic_closed, topic_deleted
from bot.runtime import App, BotData, Context, run_every
from bot.transport import (
    DroppedAtStop,
    RetryingRateLimiter,
    flood_wait,
    not_delivered,
    send_following,
)
from retrieval.conversations import ChatMessage
from retrieval.digest.subscriptions import Due, State, Subscriptions
from retrieval.wording import agreeing

log = logging.getLogger(__name__)

PAUSED = "this chat is not in NEWSBOT_ALLOWED_CHATS"
TICK_SECONDS = 60.0  # how often the job asks what is due: digests go out within a minute
# How long digests due at start-up wait for the first feed poll: what a slow poll has not
# stored by then joins the next digest, as a late arrival (`retrieval.digest.digest.Period`)
FIRST_POLL_WAIT = 300.0
MAX_FLOOD_WAITS = 5  # RetryAfter waited out this many times per message, then given up
# What /subscription says of the digest that went to General, its topic deleted
TOPIC_DELETED_NOTE = "its forum topic was deleted, so it went to General, as the next ones will"


class _Stopped(Exception):
    """The chat will not take messages any more; the subscription was stopped."""


class _Refused(Exception):
    """Telegram refused this digest for now (its forum topic is closed): it failed, and the
    subscription stays as it is, for the next one to try again."""


async def settle_interrupted(shared: BotData) -> None:
    """At start-up: digests the last stop interrupted mid-send become `unknown` (never sent
    twice), each logged; then how many chats are subscribed."""
    subscriptions = shared.subscriptions
    for interrupted in await subscriptions.recover(shared.digests.clock()):
        log.warning(
            "the digest of %s for chat %s was interrupted while sending (%d %s out); "
            "it is not sent again, so it is never sent twice: /digest there sends it by hand",
            interrupted.day,
            interrupted.chat_id,
            interrupted.messages,
            agreeing(interrupted.messages, "message", "messages"),
        )
    chats = len(await subscriptions.active())
    log.info("%d %s subscribed to daily digests", chats, agreeing(chats, "chat", "chats"))


def schedule_digests(app: App) -> None:
    """The digest job: a tick at start-up (for digests missed while down), then every
    TICK_SECONDS."""
    run_every(app, send_due_digests, TICK_SECONDS, "digests", at_start=True)


async def send_due_digests(context: Context) -> None:
    """The job: send every digest that is due now."""
    await deliver_due(context.bot, context.bot_data)


async def deliver_due(bot: Bot, shared: BotData) -> int:
    """Send the digests due at the clock's now, concurrently; returns how many were due.

    Each tick first holds every subscription against the allowlist (it is read at start-up,
    so a restart changes it): a chat it does not allow is paused, one it allows again
    resumes. Content goes only to allowed chats. Until a feed poll has ended since start-up,
    digests due wait for it (FIRST_POLL_WAIT at most) while feeds are due to be polled.
    """
    await apply_allowlist(shared)
    due = await shared.subscriptions.due(shared.digests.clock())
    if due and not shared.feeds_polled.is_set() and await shared.engine.due_feeds():
        # Back from an outage, the feeds hold what was published meanwhile: a digest built
        # before their first poll said "No new articles", and their news fell before the
        # next digest's period. Its period is read again after: its `as_of` is later.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(shared.feeds_polled.wait(), FIRST_POLL_WAIT)
        due = await shared.subscriptions.due(shared.digests.clock())
    results = await asyncio.gather(*(deliver(bot, shared, d) for d in due), return_exceptions=True)
    for d, result in zip(due, results, strict=True):
        if isinstance(result, BaseException):
            log.error("digest for chat %s failed", d.subscription.chat_id, exc_info=result)
    return len(due)


async def apply_allowlist(shared: BotData) -> None:
    """Pause the subscriptions of chats NEWSBOT_ALLOWED_CHATS does not allow (kept, not
    deleted; logged with the chat id) and resume those it allows again."""
    store = shared.subscriptions
    for subscription in await store.active():
        allowed = shared.access.allows_digests(subscription.chat_id)
        if not allowed and subscription.paused_reason is None:
            await store.pause(subscription.chat_id, PAUSED)
            log.warning(
                "digest for chat %s refused: the chat is not in NEWSBOT_ALLOWED_CHATS; its "
                "subscription is paused (kept) and resumes when the chat is allowed again",
                subscription.chat_id,
            )
        elif allowed and subscription.paused_reason is not None:
            await store.resume(subscription.chat_id, shared.digests.clock())
            log.info("digest for chat %s resumed: the chat is allowed again", subscription.chat_id)


async def deliver(bot: Bot, shared: BotData, due: Due) -> None:
    """Claim, build and send one due digest, recording how it ended."""
    store, digests = shared.subscriptions, shared.digests
    delivery = await store.claim(due, digests.clock())
    if delivery is None:
        return  # claimed already: by an earlier tick, or another instance
    sub = due.subscription
    chat_id, topic, sent = sub.chat_id, sub.topic_id, 0
    try:
        digest = await shared.engine.digest(due.period, sub.keywords, digests.limit)
        if not digest.items and sub.quiet_when_empty:
            await store.finish(delivery.id, State.EMPTY, digests.clock(), items=0)
            return
        messages = (
            digest_messages(digest, sub.zone) if digest.items else [nothing_new(digest, sub.zone)]
        )
        for text in messages:
            chat_id, topic, message_id = await _send(bot, shared, sub.id, chat_id, text, topic)
            sent += 1
            await store.progress(delivery.id, sent, chat_id)
            # "tell me more about the festival" in reply to it, in a group, is a question
            await shared.conversations.record_prompts([ChatMessage(chat_id, message_id)])
    except (_Stopped, _Refused) as exc:
        await _end(store, delivery.id, sent, digests.clock(), str(exc))
        return
    except NetworkError as exc:
        if sent == 0 and isinstance(exc, DroppedAtStop):  # not a try that failed: no try
            await store.release(delivery.id)
            log.warning(
                "digest for chat %s not sent: the bot stopped before it went out; it is sent "
                "at the next start if that is the same day, else the next digest covers its "
                "news",
                chat_id,
            )
            return
        if sent == 0 and not_delivered(exc):
            log.warning(
                "digest for chat %s: Telegram unreachable (%s); trying again", chat_id, exc
            )
            await store.release(delivery.id)
            return
        await _end(
            store,
            delivery.id,
            sent,
            digests.clock(),
            str(exc),
            maybe_sent=isinstance(exc, TimedOut),
        )
        log.warning("digest for chat %s not completed: %s", chat_id, exc)
        return
    except Exception as exc:
        await _end(store, delivery.id, sent, digests.clock(), repr(exc))
        raise
    state = State.SENT if digest.items else State.EMPTY
    # noted for /subscription: it went elsewhere than where it was subscribed
    went_to_general = sub.topic_id is not None and topic is None and chat_id == sub.chat_id
    note = TOPIC_DELETED_NOTE if went_to_general else None
    await store.finish(delivery.id, state, digests.clock(), items=len(digest.items), error=note)
    stories = len(digest.items)
    log.info(
        "digest for chat %s: %d %s in %d %s",
        chat_id,
        stories,
        agreeing(stories, "story", "stories"),
        sent,
        agreeing(sent, "message", "messages"),
    )


async def _end(
    store: Subscriptions,
    delivery_id: int,
    sent: int,
    now: datetime,
    error: str,
    maybe_sent: bool = False,
) -> None:
    """Record a digest that did not complete: failed if nothing can have arrived."""
    state = State.UNKNOWN if sent or maybe_sent else State.FAILED
    # Telegram's words, or an exception's: kept in the database (and its backups) and shown
    # by /subscription, so never with the token
    await store.finish(delivery_id, state, now, error=redact(error))


async def _send(
    bot: Bot, shared: BotData, subscription_id: int, chat_id: int, text: str, topic: int | None
) -> tuple[int, int | None, int]:
    """Send one message (to the forum topic `topic`, if any), following a migrated group,
    a topic deleted (to General, from then on) and waiting out floods; returns the chat and
    topic it went to, and the message's id. Raises _Stopped when the chat is gone for good,
    or moved to a supergroup with a digest of its own, or to one NEWSBOT_ALLOWED_CHATS does
    not name (its subscription is then paused, as `apply_allowlist` pauses any chat it does
    not allow); _Refused when the topic is closed: an admin reopens it, and a digest moved
    to General for it stayed there for good."""
    store = shared.subscriptions
    floods = 0

    async def follow(old: int, new: int) -> bool:
        nonlocal chat_id, topic  # the errors of later tries are the supergroup's
        log.info("chat %s became supergroup %s: its digest moves there", old, new)
        await store.move_chat(old, new)
        there = await store.get(new)
        if there is None or there.id != subscription_id:
            # the supergroup's own digest wins (`move_chat`): were this one to go on, the
            # chat would get two that day, the second with the old group's keywords
            raise _Stopped(f"migrated to {new}, which has a digest of its own") from None
        chat_id, topic = new, None
        if not shared.access.allows_digests(new):
            await store.pause(new, PAUSED)
            log.warning(
                "digest for chat %s refused: the group became this supergroup, which is not "
                "in NEWSBOT_ALLOWED_CHATS; its subscription is paused (kept) and resumes "
                "when the chat is allowed",
                new,
            )
            raise _Stopped(PAUSED) from None
        return True

    while True:
        try:
            message = await send_following(bot, chat_id, text, follow, message_thread_id=topic)
            return chat_id, topic, message.message_id
        except RetryAfter as exc:
            floods += 1
            if floods > MAX_FLOOD_WAITS:
                raise
            seconds = flood_wait(exc)
            log.info("flood control on chat %s: waiting %.0f s", chat_id, seconds)
            limiter = bot.rate_limiter if isinstance(bot, ExtBot) else None
            if isinstance(limiter, RetryingRateLimiter):  # a stop ends the wait
                await limiter.wait_out(seconds, f"digest to chat {chat_id}")
            else:
                await asyncio.sleep(seconds)
        except Forbidden as exc:
            await _stop(store, chat_id, f"Telegram refused: {exc.message}")
        except BadRequest as exc:
            if topic is not None and topic_closed(exc):
                log.warning(
                    "digest for chat %s not sent: its topic %s is closed (%s); the next one "
                    "tries the topic again",
                    chat_id,
                    topic,
                    exc.message,
                )
                raise _Refused(
                    "its forum topic is closed: reopen it, or /subscribe in another topic "
                    f"(Telegram: {exc.message})"
                ) from None
            if topic is not None and topic_deleted(exc):
                log.warning(
                    "digest for chat %s: its topic %s was deleted (%s); it goes to General now",
                    chat_id,
                    topic,
                    exc.message,
                )
                await store.forget_topic(chat_id)
                topic = None
                continue
            if "chat not found" not in exc.message.lower():
                raise
            await _stop(store, chat_id, "Telegram does not know the chat")


async def _stop(store: Subscriptions, chat_id: int, reason: str) -> None:
    reason = redact(reason)  # Telegram's words, kept and shown by /subscription
    await store.stop(chat_id, reason)
    log.warning("digest subscription of chat %s stopped: %s", chat_id, reason)
    raise _Stopped(reason)
