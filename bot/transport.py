"""How the bot talks to the Bot API when the API or the network misbehaves.

Three small extensions at python-telegram-bot's own extension points, and `send_following`,
which follows a group to the supergroup it became:

- `ApiRequest` (a `BaseRequest.do_request`): a 5xx answer becomes `ServerError`, so a
  transient failure can be told from the others.
- `RetryingRateLimiter` (a `BaseRateLimiter`, which wraps every API call but getUpdates):
  retries a call that certainly did nothing, with exponential backoff, for at most
  MAX_REPLY_AGE seconds; then the reply is dropped with a log line, never sent late. The
  getMe of start-up gets CONNECT_AGE: a wrong TELEGRAM_API_BASE_URL or a network that is
  down says so in seconds, not a minute. A flood's 429 on a call to a chat pauses that
  chat's calls only; AIORateLimiter paused every chat's.
- `outbox` (a handler's calls, as the limiter sees them): which of them went out, and an
  event that withdraws those not yet out (an edited question's answer still waiting for
  its group's share of the flood limits, `Withdrawn`), while none went out.
- `UpdatesRequest` (the getUpdates request): an update python-telegram-bot cannot read
  reaches it as a bare update id, logged once, instead of failing the whole batch forever.

What "certainly did nothing" means, so no message is ever sent twice: the connection was
never made (refused, connect timeout, no free connection in the pool), or the API answered
with a 5xx status (its front says the request was not carried out). A read timeout, or a
connection lost after the request went out, may have delivered the message: it is not
retried, and the log says it may have arrived.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import httpx
from telegram import Bot, Message, Update
from telegram.error import BadRequest, ChatMigrated, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

MAX_REPLY_AGE = 60.0  # seconds: a reply Telegram has not taken by then is dropped
CONNECT_AGE = 10.0  # seconds: getMe, which `newsbot run` calls before it polls
FIRST_WAIT = 0.5  # seconds before the first retry; doubled each time
MAX_WAIT = 8.0  # seconds between retries at most
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class ServerError(NetworkError):
    """The Bot API answered with a 5xx status: it did not carry the request out."""


class ReplyDropped(NetworkError):
    """A call that kept failing for MAX_REPLY_AGE seconds and was given up, undelivered."""


class DroppedAtStop(ReplyDropped):
    """A call given up before it went out because the bot is stopping (`stop_waiting`):
    Telegram may be reachable, the bot just will not wait."""


class Withdrawn(NetworkError):
    """A call given up before it went out because its `Outbox` was withdrawn: what it would
    have sent no longer stands (its question was edited meanwhile)."""


class ReplyUnconfirmed(TimedOut):
    """A call that failed after it went out (a read time-out, a connection lost): it may
    have arrived, so it is not sent again, nor apologised for. A time-out to its callers,
    which take one for "maybe sent" (`gate.report_error`, a digest's delivery)."""


def maybe_delivered(error: BaseException) -> bool:
    """Whether a failed call may have been carried out: it went out, and its answer was
    lost (a read time-out, a connection reset or closed). An answer with an error status is
    Telegram's refusal (413, a 429 without Retry-After: a plain NetworkError, no cause)."""
    return isinstance(error, TimedOut) or (
        isinstance(error.__cause__, httpx.TransportError)
        and not isinstance(error.__cause__, _NEVER_SENT)
    )


def not_delivered(error: BaseException) -> bool:
    """Whether a failed call certainly had no effect, so sending it again cannot repeat it."""
    if isinstance(error, ServerError | ReplyDropped):
        return True
    return isinstance(error, NetworkError) and isinstance(error.__cause__, _NEVER_SENT)


# The calls that change what a chat shows; "typing…" (sendChatAction) is none
_CHANGES_A_CHAT = ("send", "edit", "delete")


@dataclass
class Outbox:
    """A handler's calls to the Bot API (`outbox`): the messages that went out (each as
    (chat id, message id)) and how many calls that change a chat did, and `withdraw`: set, it
    drops every call of the handler not yet out, as a stop does, as long as none went out
    (an answer half out is let finish: its rest would be missed)."""

    sent: list[tuple[int, int]] = field(default_factory=list)
    changes: int = 0  # calls that went out and changed a chat: sent, edited, deleted
    withdraw: asyncio.Event = field(default_factory=asyncio.Event)

    def went_out(self, endpoint: str, answer: object) -> None:
        if endpoint == "sendChatAction" or not endpoint.startswith(_CHANGES_A_CHAT):
            return
        self.changes += 1
        if endpoint == "sendMessage" and isinstance(answer, dict):
            chat = answer.get("chat")
            if isinstance(chat, dict) and "message_id" in answer:
                self.sent.append((int(chat["id"]), int(answer["message_id"])))

    @property
    def withdrawable(self) -> bool:
        return self.changes == 0


_OUTBOX: ContextVar[Outbox | None] = ContextVar("outbox", default=None)


@contextmanager
def outbox(withdraw: asyncio.Event | None = None) -> Iterator[Outbox]:
    """The calls made within the block (and the tasks it starts) as one `Outbox`: what of
    them went out, and `withdraw` (a new event if None), which drops those not yet out."""
    box = Outbox() if withdraw is None else Outbox(withdraw=withdraw)
    token = _OUTBOX.set(box)
    try:
        yield box
    finally:
        _OUTBOX.reset(token)


Follow = Callable[[int, int], Awaitable[bool]]
"""Asked `(old, new)` when group `old` became supergroup `new`: whether to send there. It
may note the move, or raise to send nothing."""


async def send_following(
    bot: Bot, chat_id: int, text: str, follow: Follow, **kwargs: Any
) -> Message:
    """Send a message (`kwargs` as `Bot.send_message` takes them); if Telegram says the group
    became a supergroup (ChatMigrated), send it there when `follow` agrees, else raise the
    ChatMigrated. There it goes to no forum topic and replies to nothing: a supergroup just
    made has no topics, and the group's messages are not its. The message's chat says
    where it went."""
    try:
        return await bot.send_message(chat_id, text, **kwargs)
    except ChatMigrated as exc:
        new_chat_id = int(exc.new_chat_id)
        if not await follow(chat_id, new_chat_id):
            raise
    there = kwargs | {"message_thread_id": None, "reply_parameters": None}
    return await bot.send_message(new_chat_id, text, **there)


class ApiRequest(HTTPXRequest):
    """python-telegram-bot's HTTPX request, with a 5xx answer raised as ServerError."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            try:
                phrase = HTTPStatus(code).phrase
            except ValueError:
                phrase = "Server Error"
            raise ServerError(f"{phrase} ({code})")
        return code, payload


class UpdatesRequest(ApiRequest):
    """The getUpdates request: an update python-telegram-bot cannot read (a `message` that
    is not an object, say) would fail the whole batch, and the updater would fetch the same
    batch again forever. Such an update is handed on as its bare id, which handlers ignore
    and the next offset confirms, and logged once."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if code != HTTPStatus.OK:
            return code, payload
        try:
            body = json.loads(payload)
            updates = body["result"]
        except (ValueError, KeyError, TypeError):
            return code, payload  # python-telegram-bot reports a broken answer itself
        if not isinstance(updates, list):
            return code, payload
        readable = [_readable(update) for update in updates]
        if readable == updates:
            return code, payload
        return code, json.dumps(body | {"result": readable}).encode()


def _readable(update: Any) -> Any:
    """`update`, or its bare id when python-telegram-bot cannot read it (logged)."""
    try:
        Update.de_json(update, None)
    except Exception as exc:  # whatever a malformed field makes the parser raise
        update_id = update.get("update_id") if isinstance(update, dict) else None
        log.warning("skipped update %s: python-telegram-bot cannot read it (%r)", update_id, exc)
        return {"update_id": update_id} if isinstance(update_id, int) else update
    return update


# What a Bot API call answers, and the call AIORateLimiter.process_request is handed.
_Answer = bool | dict[str, Any] | list[dict[str, Any]]
_Call = Callable[..., Coroutine[Any, Any, _Answer]]


def flood_wait(error: RetryAfter) -> float:
    """The seconds a 429 says to wait (a timedelta with PTB_TIMEDELTA set, else an int)."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class _ChatFlooded(Exception):
    """A call to a chat answered 429, kept from AIORateLimiter, which would pause every
    chat's calls for it (`RetryingRateLimiter._past_floods`)."""

    def __init__(self, error: RetryAfter) -> None:
        super().__init__(str(error))
        self.error = error


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (Telegram's flood limits, RetryAfter waited out), which also retries
    a call that failed without effect: exponential backoff from FIRST_WAIT to MAX_WAIT,
    until the call is MAX_REPLY_AGE seconds old (getMe: CONNECT_AGE). Then it raises
    ReplyDropped; so does a call still waiting (for its chat's share of the flood limits, a
    RetryAfter, a retry) when the bot stops (`stop_waiting`), as `DroppedAtStop`, and
    Withdrawn when its handler's `Outbox` is withdrawn. A chat action ("typing…") goes
    straight out: it neither waits nor counts against the flood limits that the answers
    need.

    A RetryAfter (429) on a call to a chat pauses that chat's calls alone for its
    retry_after, then the call is tried again, `max_retries` times at most (then the
    RetryAfter is raised). AIORateLimiter paused every call of the bot: one busy group over
    its some 20 messages a minute held up every private chat's answer for the whole wait,
    though Telegram limits each chat on its own (its docs call that pause "stricter than
    necessary"); the bot's overall rate stays under AIORateLimiter's limiter. A 429 on a
    call to no chat (answering a button press or an inline query) still pauses them all."""

    def __init__(self, *, max_retries: int = 0, **kwargs: Any) -> None:
        super().__init__(max_retries=max_retries, **kwargs)
        self._stopping = asyncio.Event()
        self._flood_retries = max_retries
        self._chat_paused_until: dict[str, float] = {}  # chat id -> time.monotonic()

    def stop_waiting(self) -> None:
        """Drop every call waiting to be made, now and from now on: the bot is stopping,
        and its stop waits for every handler, so a reply waiting out Telegram's failures
        held it up for a minute (past a container's grace period: killed, its index not
        saved). A call already out is let finish: it may arrive."""
        self._stopping.set()

    async def process_request(
        self,
        callback: _Call,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _Answer:
        if endpoint == "sendChatAction":
            # "typing…" is a hint, sent before the answer it announces: held back or
            # counted against the chat's share of Telegram's flood limits (a group's some
            # 20 messages a minute), it took half of that share from the answers and made
            # every one of them wait. Sent as it is, never retried: failing is fine.
            return await callback(*args, **kwargs)
        started = time.monotonic()
        wait = FIRST_WAIT
        max_age = CONNECT_AGE if endpoint == "getMe" else MAX_REPLY_AGE
        chat = data.get("chat_id")
        where = endpoint if chat is None else f"{endpoint} to chat {chat}"
        while True:
            try:
                return await self._past_floods(
                    where, callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as exc:
                age = time.monotonic() - started
                if isinstance(exc, BadRequest | ReplyDropped | Withdrawn):  # refused, given up
                    raise
                if not not_delivered(exc):
                    if endpoint.startswith(
                        ("send", "edit", "answer", "delete")
                    ) and maybe_delivered(exc):
                        log.warning(
                            "%s failed after it went out (%s): it may have arrived, so it is "
                            "not sent again",
                            where,
                            exc,
                        )
                        raise ReplyUnconfirmed(f"{endpoint}: {exc}") from exc
                    raise
                if age + wait > max_age:
                    log.warning(
                        "%s dropped: Telegram failed it for %.0f s (%s); not sent late",
                        where,
                        age,
                        exc,
                    )
                    raise ReplyDropped(f"{endpoint} dropped after {age:.0f} s: {exc}") from exc
                log.info("%s failed (%s): trying again in %.1f s", where, exc, wait)
                await self.wait_out(wait, where)
                wait = min(wait * 2, MAX_WAIT)

    async def _past_floods(
        self,
        where: str,
        callback: _Call,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _Answer:
        """Make the call, a call to a chat after that chat's flood pause (`_ChatFlooded`);
        its 429 pauses that chat, and it is tried again, `rate_limit_args` times at most
        (else max_retries), then the RetryAfter is raised."""
        chat = data.get("chat_id")
        rest = (args, kwargs, endpoint, data, rate_limit_args)
        if chat is None:  # AIORateLimiter's own way: its 429 pauses every call
            return await self._unless_stopping(where, callback, *rest)

        async def flooded_apart(*args: Any, **kwargs: Any) -> _Answer:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                raise _ChatFlooded(exc) from exc

        floods = 0
        while True:
            await self._chat_pause_over(str(chat), where)
            try:
                return await self._unless_stopping(where, flooded_apart, *rest)
            except _ChatFlooded as flooded:
                floods += 1
                if floods > (rate_limit_args or self._flood_retries):
                    raise flooded.error from None
                seconds = flood_wait(flooded.error) + 0.1  # AIORateLimiter's margin
                self._pause_chat(str(chat), seconds)
                log.info("%s: flood control, trying again in %.1f s", where, seconds)

    def _pause_chat(self, chat: str, seconds: float) -> None:
        """Hold the calls to `chat` back for `seconds`; forget pauses that are over."""
        now = time.monotonic()
        paused = self._chat_paused_until
        for over in [other for other, until in paused.items() if until <= now]:
            del paused[over]
        paused[chat] = max(paused.get(chat, now), now + seconds)

    async def _chat_pause_over(self, chat: str, where: str) -> None:
        """Wait until `chat`'s flood pause, if any, is over (it may grow meanwhile)."""
        while (left := self._chat_paused_until.get(chat, 0.0) - time.monotonic()) > 0:
            await self.wait_out(left, where)

    async def _unless_stopping(
        self,
        where: str,
        callback: _Call,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _Answer:
        """Make the call through AIORateLimiter; one still waiting there when the bot stops,
        or when its handler's `Outbox` is withdrawn, is dropped (nothing went out), one
        already out is let finish; one that went out is noted in that outbox."""
        out = False  # a try of it is out (AIORateLimiter tries again after a RetryAfter)
        box = _OUTBOX.get()
        if _withdrawn(box):
            raise _withdrawal(where)

        async def sending(*args: Any, **kwargs: Any) -> _Answer:
            nonlocal out
            out = True
            try:
                answer = await callback(*args, **kwargs)
            except RetryAfter as exc:
                if self._stopping.is_set() or _withdrawn(box):  # else AIORateLimiter waits
                    raise self._given_up(where) from exc
                raise
            finally:
                out = False
            if box is not None:
                box.went_out(endpoint, answer)
            return answer

        # made first, so it runs first: a call with nothing to wait for goes out before
        # a stop already under way is seen
        call = asyncio.ensure_future(
            super().process_request(sending, args, kwargs, endpoint, data, rate_limit_args)
        )
        given_up = asyncio.ensure_future(self._until_given_up(box))
        try:
            await asyncio.wait((call, given_up), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # the handler itself was cancelled
            call.cancel()
            raise
        finally:
            given_up.cancel()
        if not call.done() and not out:
            call.cancel()
            raise self._given_up(where)
        return await call

    async def _until_given_up(self, box: Outbox | None) -> None:
        """Return once a call not yet out is not to go: the bot stops, or `box` (the
        caller's) is withdrawn while none of it went out."""
        waits = [asyncio.ensure_future(self._stopping.wait())]
        if box is not None and box.withdrawable:
            waits.append(asyncio.ensure_future(box.withdraw.wait()))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    def _given_up(self, where: str) -> DroppedAtStop | Withdrawn:
        """Why a call not yet out was given up: the stop, else its withdrawn outbox."""
        return self._dropped(where) if self._stopping.is_set() else _withdrawal(where)

    async def wait_out(self, seconds: float, where: str) -> None:
        """Wait `seconds` before a call is tried again (a retry here, or a flood's
        retry_after that a caller waits out itself, as a digest does past the retries
        here), unless the bot stops meanwhile (or the caller's `Outbox` is withdrawn):
        ReplyDropped (Withdrawn) then, nothing having been sent, so that its stop is not
        held up for it."""
        try:
            await asyncio.wait_for(self._until_given_up(_OUTBOX.get()), seconds)
        except TimeoutError:
            return
        raise self._given_up(where)

    def _dropped(self, where: str) -> DroppedAtStop:
        log.warning("%s dropped: the bot is stopping; not sent late", where)
        return DroppedAtStop(f"{where} dropped: the bot is stopping")


def _withdrawn(box: Outbox | None) -> bool:
    """Whether a call of `box` not yet out is not to go (`Outbox.withdraw`)."""
    return box is not None and box.withdraw.is_set() and box.withdrawable


def _withdrawal(where: str) -> Withdrawn:
    log.info("%s withdrawn: what it would send no longer stands", where)
    return Withdrawn(f"{where} withdrawn")
