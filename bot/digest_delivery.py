"""Sending scheduled digests: a job every minute asks the subscriptions which are due.

python-telegram-bot's job queue keeps jobs in memory only, so it holds no schedule of ours:
one repeating job asks the database (`Subscriptions.due`) what is due now, and everything it
needs to know survives a restart there. The first tick runs at start-up, which is also how a
digest missed while the bot was down goes out once it is back.

Each due digest is claimed before its first message (see retrieval/subscriptions.py), then
sent. What Telegram answers decides what becomes of it:
  - 403 Forbidden (bot blocked, kicked, not a member), 400 chat not found: the subscription
    is stopped and logged; Telegram will not take messages for that chat again.
  - ChatMigrated (a group became a supergroup): the subscription moves to the new chat id
    and the message is sent there.
  - RetryAfter (429): waited out, then sent again (the rate limiter already retries a few
    times; this covers floods longer than that).
  - Unreachable before anything was sent: the claim is released, the next tick tries again.
  - A timeout, or any failure after some messages went out: we cannot know what arrived, so
    the digest counts as delivered and is not sent again (never twice).
Digests go out concurrently and each failure stays with its chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot.digest_format import digest_messages, nothing_new
from bot.runtime import Runtime
from retrieval.digest import DEFAULT_LIMIT, build_digest
from retrieval.subscriptions import Due, State, Subscriptions

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
DIGESTS = "digests"  # bot_data key of the Digests
TICK_SECONDS = 60.0  # how often the job asks what is due: digests go out within a minute
MAX_FLOOD_WAITS = 5  # RetryAfter waited out this many times per message, then given up
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Digests:
    """What the digest commands and the job share. `subscriptions` opens at start-up."""

    clock: Clock = system_clock
    limit: int = DEFAULT_LIMIT
    subscriptions: Subscriptions | None = None

    @property
    def store(self) -> Subscriptions:
        if self.subscriptions is None:
            raise RuntimeError("the digest subscriptions are not open yet")
        return self.subscriptions


def digests_of(bot_data: dict[object, object]) -> Digests:
    found = bot_data.get(DIGESTS)
    if not isinstance(found, Digests):
        raise RuntimeError("digests are not registered in this application")
    return found


class _Stopped(Exception):
    """The chat will not take messages any more; the subscription was stopped."""


async def send_due_digests(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The job: send every digest that is due now."""
    await deliver_due(context.application)


async def deliver_due(app: Application) -> int:  # type: ignore[type-arg]
    """Send the digests due at the clock's now, concurrently; returns how many were due."""
    digests = digests_of(app.bot_data)
    rt = app.bot_data.get("runtime")
    if not isinstance(rt, Runtime) or digests.subscriptions is None:
        return 0  # not started yet
    due = await digests.store.due(digests.clock())
    results = await asyncio.gather(
        *(deliver(app.bot, rt, digests, d) for d in due), return_exceptions=True
    )
    for d, result in zip(due, results, strict=True):
        if isinstance(result, BaseException):
            log.error("digest for chat %s failed", d.subscription.chat_id, exc_info=result)
    return len(due)


async def deliver(bot: Bot, rt: Runtime, digests: Digests, due: Due) -> None:
    """Claim, build and send one due digest, recording how it ended."""
    store = digests.store
    delivery = await store.claim(due, digests.clock())
    if delivery is None:
        return  # claimed already: by an earlier tick, or another instance
    sub = due.subscription
    chat_id, sent = sub.chat_id, 0
    try:
        digest = await build_digest(rt.engine.conn, due.period, sub.keywords, digests.limit)
        if not digest.items and sub.quiet_when_empty:
            await store.finish(delivery.id, State.EMPTY, digests.clock(), items=0)
            return
        messages = (digest_messages(digest, sub.zone) if digest.items
                    else [nothing_new(digest, sub.zone)])  # fmt: skip
        for text in messages:
            chat_id = await _send(bot, store, chat_id, text)
            sent += 1
            await store.progress(delivery.id, sent, chat_id)
    except _Stopped as exc:
        await _end(store, delivery.id, sent, digests.clock(), str(exc))
        return
    except NetworkError as exc:
        if sent == 0 and isinstance(exc.__cause__, _NOT_SENT):
            log.warning("digest for chat %s: Telegram unreachable (%s); trying again",
                        chat_id, exc)  # fmt: skip
            await store.release(delivery.id)
            return
        await _end(store, delivery.id, sent, digests.clock(), str(exc),
                   maybe_sent=isinstance(exc, TimedOut))  # fmt: skip
        log.warning("digest for chat %s not completed: %s", chat_id, exc)
        return
    except Exception as exc:
        await _end(store, delivery.id, sent, digests.clock(), repr(exc))
        raise
    state = State.SENT if digest.items else State.EMPTY
    await store.finish(delivery.id, state, digests.clock(), items=len(digest.items))
    log.info("digest for chat %s: %d stories in %d messages", chat_id, len(digest.items), sent)


async def _end(
    store: Subscriptions, delivery_id: int, sent: int, now: datetime, error: str,
    maybe_sent: bool = False,
) -> None:  # fmt: skip
    """Record a digest that did not complete: failed if nothing can have arrived."""
    state = State.UNKNOWN if sent or maybe_sent else State.FAILED
    await store.finish(delivery_id, state, now, error=error)


async def _send(bot: Bot, store: Subscriptions, chat_id: int, text: str) -> int:
    """Send one message, following a migrated group and waiting out floods; returns the chat
    id it went to. Raises _Stopped when the chat is gone for good."""
    floods = 0
    while True:
        try:
            await bot.send_message(chat_id, text)
            return chat_id
        except ChatMigrated as exc:
            new_chat_id = int(exc.new_chat_id)
            log.info("chat %s became supergroup %s: its digest moves there", chat_id,
                     new_chat_id)  # fmt: skip
            await store.move_chat(chat_id, new_chat_id)
            chat_id = new_chat_id
        except RetryAfter as exc:
            floods += 1
            if floods > MAX_FLOOD_WAITS:
                raise
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            log.info("flood control on chat %s: waiting %.0f s", chat_id, seconds)
            await asyncio.sleep(seconds)
        except Forbidden as exc:
            await _stop(store, chat_id, f"Telegram refused: {exc.message}")
        except BadRequest as exc:
            if "chat not found" not in exc.message.lower():
                raise
            await _stop(store, chat_id, "Telegram does not know the chat")


async def _stop(store: Subscriptions, chat_id: int, reason: str) -> None:
    await store.stop(chat_id, reason)
    log.warning("digest subscription of chat %s stopped: %s", chat_id, reason)
    raise _Stopped(reason)
