"""What the handlers and jobs share while the bot runs: the application's typed `bot_data`.

`build_application` makes python-telegram-bot create one `BotData` as the application's
bot_data (`ContextTypes(bot_data=BotData)`, as in its contexttypesbot.py example) and gives
it the settings; post_init opens the engine and the subscriptions in it, post_shutdown
closes them. Handlers take a `Context` and reach it as `context.bot_data`; no string keys.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, Job, JobQueue

from bot.access import Access, QuestionLimiter, Refusals
from bot.config import Settings
from retrieval.conversations import REFUSAL_INTERVAL, Conversations
from retrieval.digest.digest import DEFAULT_LIMIT
from retrieval.digest.subscriptions import Subscriptions
from retrieval.engine import Engine

INLINE_QUERIES_PER_QUESTION = 3  # inline asks as you type: allow that many per question
# /digest in one chat per minute, whoever sends it: each is several messages, and any member
# of a group may send it; Telegram lets a bot post some 20 messages a minute to a group.
DIGESTS_PER_MINUTE = 2

Clock = Callable[[], datetime]
T = TypeVar("T")


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Digests:
    """What the digest commands and job share: their clock (tests move it) and how many
    stories a digest holds."""

    clock: Clock = system_clock
    limit: int = DEFAULT_LIMIT


class _OpenedAtStartUp(Generic[T]):
    """A BotData attribute post_init sets as it opens the thing; reading it before then, or
    after `BotData.release`, raises rather than hand out None."""

    def __set_name__(self, owner: type[BotData], name: str) -> None:
        self.name, self.slot = name, f"_{name}"

    def __get__(self, shared: BotData | None, owner: type[BotData] | None = None) -> T:
        value: T | None = getattr(shared, self.slot, None)
        if value is None:
            raise RuntimeError(
                f"BotData.{self.name} is not open: it opens in post_init, closes in post_shutdown"
            )
        return value

    def __set__(self, shared: BotData, value: T) -> None:
        setattr(shared, self.slot, value)


class Newest:
    """Whether a version of a message (`OneAtATime.hold`) is still the newest come so far,
    when called; `superseded` is set once a newer one has come."""

    def __init__(self, is_newest: Callable[[], bool]) -> None:
        self._is_newest = is_newest
        self.superseded = asyncio.Event()

    def __call__(self) -> bool:
        return self._is_newest()


class OneAtATime:
    """Locks by key, held while in use: a message's question and the edits of it are
    answered one after the other (an edit does not wait for its chat's turn behind them:
    `ChatsInTurn`), so an edit finds the answer it is to replace; and only the newest text
    asked is answered. Two quick edits
    were each searched and shown in turn, and an edit could overtake its question (whose
    handler waited on a write) and be replaced by its answer.
    """

    KEEP = 60.0  # seconds a key's newest version is remembered after its last use

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._locks: dict[tuple[int, int], tuple[asyncio.Lock, list[int]]] = {}
        self._newest: dict[tuple[int, int], tuple[int, float]] = {}  # version, last used
        self._holders: dict[tuple[int, int], list[tuple[int, Newest]]] = {}  # waiting or in

    @asynccontextmanager
    async def hold(self, key: tuple[int, int], version: int) -> AsyncIterator[Newest]:
        """Hold `key`'s lock, for `version` of what it names (an update's id: a later
        update's is higher). Yields whether `version` is still the newest of the key come so
        far, waiting or done: its holder stops once it is not, as a later one answers. Its
        `superseded` is set as a newer version comes, the lock still held: an answer waiting
        to go out (a group's share of the flood limits used up) is withdrawn for it."""
        self._forget_unused()
        newest, _ = self._newest.get(key, (version, 0.0))
        self._newest[key] = (max(newest, version), self.clock())
        lock, users = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        users[0] += 1
        this = Newest(lambda: self._newest[key][0] == version)
        holders = self._holders.setdefault(key, [])
        holders.append((version, this))
        for other_version, other in holders:  # a newer version supersedes what is on its way
            if other_version < self._newest[key][0]:
                other.superseded.set()
        try:
            async with lock:
                yield this
        finally:
            holders.remove((version, this))
            users[0] -= 1
            if not users[0]:
                del self._locks[key]
                del self._holders[key]
            self._newest[key] = (self._newest[key][0], self.clock())

    def _forget_unused(self) -> None:
        """Forget the newest versions of keys unused for KEEP seconds: an older update
        still on its way after that is none a person waits for."""
        now = self.clock()
        for key, (_, used) in list(self._newest.items()):
            if used <= now - self.KEEP and key not in self._locks:
                del self._newest[key]

    def __len__(self) -> int:
        return len(self._locks)


class BotData:
    """Everything the handlers and jobs share, one per application.

    python-telegram-bot makes it with no arguments; `configure` gives it the settings and
    the policies made from them (build_application); post_init sets the engine and the
    subscriptions as it opens them. Reading either before that, or after shutdown, raises.
    """

    engine = _OpenedAtStartUp[Engine]()
    # chats, answers shown, votes, the query log: on a connection that waits for a lock
    # another process holds for seconds at most (`Conversations.open`)
    conversations = _OpenedAtStartUp[Conversations]()
    subscriptions = _OpenedAtStartUp[Subscriptions]()
    settings: Settings
    access: Access
    limiter: QuestionLimiter  # questions and "More"
    inline_limiter: QuestionLimiter  # inline queries: one per pause in typing, so more
    digest_limiter: QuestionLimiter  # /digest per chat (DIGESTS_PER_MINUTE), whoever asks
    refusals: Refusals  # when a chat that is not allowed is told so
    zone: ZoneInfo  # dates are shown in NEWSBOT_TIMEZONE

    def __init__(self) -> None:
        self._engine: Engine | None = None
        self._conversations: Conversations | None = None
        self._subscriptions: Subscriptions | None = None
        self.digests = Digests()
        self.feed_poll_lock = asyncio.Lock()  # one feed poll at a time
        # set once a feed poll has ended since start-up: a digest due then waits for it
        # (`digest_delivery.deliver_due`), else it misses what the feeds carried meanwhile
        self.feeds_polled = asyncio.Event()
        self.index_dirty = False  # sentences indexed since the index was last saved
        self.index_saved = time.monotonic()  # when it was last saved, or the bot started
        self.chats_noted: set[int] = set()  # chats recorded in the database this run
        # chats and users erased from the database (`newsbot forget`) when it was last read:
        # what is held above of them is dropped once it moves (`bot.app.drop_erased`)
        self.erasures_seen = 0
        self.conflict_told = -math.inf  # when a second poller of this token was last logged
        self.asking = OneAtATime()  # a question's message: its first asking, then its edits
        self.take_over = False  # `run --take-over`: the database may have served another bot

    def configure(self, settings: Settings) -> None:
        """Take the settings and make the policies they set."""
        self.settings = settings
        self.access = Access.from_settings(settings)
        self.limiter = QuestionLimiter(settings.questions_per_minute)
        self.inline_limiter = QuestionLimiter(
            settings.questions_per_minute * INLINE_QUERIES_PER_QUESTION
        )
        self.digest_limiter = QuestionLimiter(DIGESTS_PER_MINUTE)
        self.refusals = Refusals(REFUSAL_INTERVAL)
        self.zone = settings.zone

    def release(self) -> tuple[Engine | None, Conversations | None, Subscriptions | None]:
        """Let go of the engine, the conversations and the subscriptions (any may never
        have opened), for post_shutdown to close."""
        held = self._engine, self._conversations, self._subscriptions
        self._engine = self._conversations = self._subscriptions = None
        return held


# The types of the one application build_application makes, spelled once. ExtBot[int]: the
# AIORateLimiter takes an int (max retries) per request.
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
App = Application[ExtBot[int], Context, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Context]]


def _in_turn(
    callback: Callable[[Context], Coroutine[Any, Any, None]],
) -> Callable[[Context], Coroutine[Any, Any, None]]:
    """`callback`, each run waiting for the one before to end."""
    turn = asyncio.Lock()

    async def in_turn(context: Context) -> None:
        async with turn:
            await callback(context)

    return in_turn


def run_every(
    app: App,
    callback: Callable[[Context], Coroutine[Any, Any, None]],
    seconds: float,
    name: str,
    first: float | None = None,
    at_start: bool = False,
) -> Job[Context]:
    """Run `callback` every `seconds` (the first time after `first`, else after one period),
    never two runs at once: runs missed while one goes on merge into one. `at_start`: a run
    at start-up as well, as "NAME at start-up"."""
    if app.job_queue is None:
        raise RuntimeError(
            "the bot's jobs need python-telegram-bot's job queue: "
            "pip install 'python-telegram-bot[job-queue]'"
        )
    if at_start:
        # The start-up run and the repeating ones take turns: a start-up run that outlasts
        # `seconds` (the digests' tick waiting out floods to many chats) was joined by the
        # first repeating run, two deliveries of the same digests at once on one connection
        callback = _in_turn(callback)
        # The job queue starts after post_init: a run "now" must not count as missed.
        app.job_queue.run_once(
            callback,
            when=0.0,
            name=f"{name} at start-up",
            job_kwargs={"misfire_grace_time": None},
        )
    return app.job_queue.run_repeating(
        callback,
        interval=seconds,
        first=seconds if first is None else first,
        name=name,
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
