"""Who may use the bot, who is an admin, and how many questions a user may ask a minute.

The policy (`Access`, `QuestionLimiter`) makes no Telegram calls and uses no database, so it
is the same for every handler and cheap to test. `is_admin` is the one admin check;
admin-only commands use it, or wrap their handler in `admin_only`. `admitted` is the one
per-minute check of a message the bot replies to, refusals included.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Message, Update

from bot import formatting
from bot.config import Settings
from bot.replies import send_reply

if TYPE_CHECKING:  # bot.runtime holds an Access: only the type goes the other way
    from bot.runtime import BotData, Context

    Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Access:
    """The allowlist and the admins from the settings.

    With no allowlist the bot is open to everyone. Admins may use it anywhere, and a user whose
    private chat is allowed may also ask inline (inline queries carry no chat id).
    """

    allowed_chats: frozenset[int]
    admins: frozenset[int]

    @classmethod
    def from_settings(cls, settings: Settings) -> Access:
        return cls(settings.allowed_chats, settings.admins)

    @property
    def is_open(self) -> bool:
        return not self.allowed_chats

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins

    def allows_chat(self, chat_id: int, user_id: int | None) -> bool:
        return self.is_open or chat_id in self.allowed_chats or self.is_admin(user_id)

    def allows_inline(self, user_id: int) -> bool:
        return self.is_open or user_id in self.allowed_chats or self.is_admin(user_id)

    def allows_digests(self, chat_id: int) -> bool:
        """Whether daily digests may go to the chat: an allowed chat, or an admin's own
        private chat (its id is the admin's). An admin's presence does not make a group or
        channel allowed: a digest is a standing feed of the corpus to everyone in it."""
        return self.is_open or chat_id in self.allowed_chats or chat_id in self.admins


def is_admin(update: Update, context: Context) -> bool:
    """Whether the update's sender is listed in NEWSBOT_ADMINS."""
    user = update.effective_user
    return user is not None and context.bot_data.access.is_admin(user.id)


NOT_AN_ADMIN = "Only the bot's admins can use that command."


def admin_only(handler: Handler) -> Handler:
    """Run `handler` only for admins (whose commands count against no limit); anyone else
    is told the command is for admins, a reply that counts against their limit
    (`admitted`)."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: Context) -> None:
        if is_admin(update, context):
            await handler(update, context)
            return
        message = update.effective_message
        if update.callback_query:
            await update.callback_query.answer("Only the bot's admins can do that.")
        elif message is not None and await admitted(context.bot_data, message):
            # the setting is for whoever runs the bot, not a group's members: logged
            user = update.effective_user
            log.info(
                "%s refused to user %s in chat %s: not in NEWSBOT_ADMINS",
                (message.text or "").split(maxsplit=1)[0][:64],
                user.id if user else None,
                message.chat.id,
            )
            await send_reply(context.bot_data, message, NOT_AN_ADMIN)

    return guarded


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    retry_in: float = 0.0  # seconds until the oldest counted question leaves the window
    tell: bool = False  # first refusal in this window: say why (later ones stay silent)


def sender_of(message: Message) -> int | None:
    """Whom a message counts against in the per-minute limit: the chat it was sent on behalf
    of, else its user. Every anonymous group admin, and every channel posting in a group,
    arrives as one shared user: keyed by it, one group's anonymous questions would use up
    another's."""
    if message.sender_chat is not None:
        return message.sender_chat.id
    return message.from_user.id if message.from_user is not None else None


async def admitted(shared: BotData, message: Message) -> bool:
    """Count a message the bot replies to against its sender's per-minute limit (`sender_of`);
    say so once when it is hit. Every reply counts, not only answers: a member repeating
    /sources filled the group's share of Telegram's flood limit (some 20 messages a
    minute), and everyone's answers waited behind the replies; so does one repeating an
    admin's command, refused each time."""
    sender = sender_of(message)
    if sender is None:  # a message from no one Telegram names: nothing to count it against
        return True
    verdict = shared.limiter.check(sender)
    if not verdict.allowed and verdict.tell:
        await send_reply(
            shared, message, formatting.slow_down(shared.limiter.per_minute, verdict.retry_in)
        )
    return verdict.allowed


# Chats that are not allowed told so, in all, a minute at most: each a message against the
# bot's share of Telegram's flood limit, which a crowd of strangers (or one making chats)
# would otherwise take from the answers of the chats that are allowed
REFUSALS_PER_MINUTE = 20


class Refusals:
    """When to tell a chat that is not allowed so: once per `interval` a chat, and at most
    `per_minute` chats a minute in all (in memory, no database: a stranger's messages in
    between cost nothing; `Conversations.claim_refusal` keeps the interval across restarts).
    """

    WINDOW = 60.0

    def __init__(
        self,
        interval: float,
        per_minute: int = REFUSALS_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval, self.per_minute, self.clock = interval, per_minute, clock
        self._told: dict[int, float] = {}  # chat id: when it was last told (or found told)
        self._recent: deque[float] = deque()  # when each refusal of the last minute was

    def may_tell(self, chat_id: int) -> bool:
        """Whether `chat_id` may be told now; counted if so."""
        now = self.clock()
        told = self._told.get(chat_id)
        if told is not None and told > now - self.interval:
            return False
        while self._recent and self._recent[0] <= now - self.WINDOW:
            self._recent.popleft()
        if len(self._recent) >= self.per_minute:
            return False  # told later, when it writes again
        self._recent.append(now)
        self._told[chat_id] = now
        return True

    def forget_chats(self) -> None:
        """Forget when each chat was told: a chat erased from the database (`newsbot forget
        --chat`) is no longer known there to have been told, nor here. A chat told still
        is known there (`Conversations.claim_refusal`), so none is told twice for this."""
        self._told.clear()

    def forget_idle(self) -> None:
        """Drop chats told longer than `interval` ago: memory follows recent strangers only
        (at most `per_minute` a minute)."""
        now = self.clock()
        for chat_id, told in list(self._told.items()):
            if told <= now - self.interval:
                del self._told[chat_id]


class QuestionLimiter:
    """At most `per_minute` questions per user in any 60-second window (in memory).

    Handlers run concurrently on one event loop and `check` does not await, so a check and
    its count cannot interleave with another's.
    """

    WINDOW = 60.0

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._told: dict[int, float] = {}

    def check(self, user_id: int) -> Verdict:
        """Count a question from `user_id` if the limit allows it."""
        now = self.clock()
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - self.WINDOW:
            asked.popleft()
        if len(asked) < self.per_minute:
            asked.append(now)
            self._told.pop(user_id, None)
            return Verdict(True)
        retry_in = asked[0] + self.WINDOW - now
        told = self._told.get(user_id)
        tell = told is None or told <= now - self.WINDOW
        if tell:
            self._told[user_id] = now
        return Verdict(False, retry_in, tell)

    def give_back(self, user_id: int) -> None:
        """Uncount the newest of `user_id`'s counted questions: it turned out to be none of
        what the limit bounds (a /digest that sent no digest)."""
        asked = self._asked.get(user_id)
        if asked:
            asked.pop()

    def forget_all(self) -> None:
        """Forget every user's questions: a user erased from the database (`newsbot forget
        --chat/--user`) is kept nowhere, and the database does not say which it was. Each
        user's next question opens a new window."""
        self._asked.clear()
        self._told.clear()

    def forget_idle(self) -> None:
        """Drop users with nothing in the window, so memory follows active users only."""
        now = self.clock()
        for user_id, asked in list(self._asked.items()):
            if not asked or asked[-1] <= now - self.WINDOW:
                del self._asked[user_id]
                self._told.pop(user_id, None)
