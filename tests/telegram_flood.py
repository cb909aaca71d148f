"""Telegram's flood limits, for the fake Bot API server's opt-in flood mode.

Telegram's Bots FAQ ("My bot is hitting limits, how do I avoid this?",
https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this): in a chat,
"avoid sending more than one message per second"; in a group, "not more than 20 messages per
minute"; in bulk, "not more than about 30 messages per second". Past them the API answers
429 "Too Many Requests: retry after N", N also in ``parameters.retry_after`` (ResponseParameters,
https://core.telegram.org/bots/api#responseparameters: "the number of seconds left to wait
before the request can be repeated"). python-telegram-bot's ``telegram.constants.FloodLimit``
has the same three figures.

Each limit is counted over a sliding window of the messages sent before (a message refused
is not counted). Telegram tolerates short bursts, the FAQ says; the fake does not, so a bot
that passes here keeps within the limits as written.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

# The methods that post a message: what the limits count. Edits, deletes, chat actions and
# answers to queries are not messages (Telegram limits them apart, undocumented).
MESSAGE_METHODS = frozenset(
    ("sendMessage", "sendPhoto", "sendDocument", "sendAudio", "sendVideo", "sendAnimation")
    + ("sendVoice", "sendVideoNote", "sendMediaGroup", "sendLocation", "sendVenue")
    + ("sendContact", "sendPoll", "sendDice", "sendSticker", "copyMessage", "forwardMessage")
)


@dataclass(frozen=True)
class FloodLimits:
    """At most ``per_chat`` messages to one chat in ``chat_seconds``, ``per_group`` to one
    group in ``group_seconds``, ``overall`` to all chats in ``overall_seconds``: Telegram's
    figures by default. ``retry_after``: the seconds a 429 says to wait; None, those left
    until the message would be within every limit (rounded up, as Telegram's whole seconds)."""

    per_chat: int = 1
    chat_seconds: float = 1.0
    per_group: int = 20
    group_seconds: float = 60.0
    overall: int = 30
    overall_seconds: float = 1.0
    retry_after: int | None = None


TELEGRAMS_LIMITS = FloodLimits()


@dataclass
class FloodClock:
    """The time flood mode counts in, set by the test (``FakeTelegramServer.flood_clock``):
    a retry_after figure and the end of a window are then checked exactly, whatever the
    machine's load made of the seconds between two requests."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FloodControl:
    """What was sent when, per chat and overall, and whether one more message may go now.
    Not thread-safe: the fake calls it under its lock."""

    limits: FloodLimits
    _to_chat: dict[int, deque[float]] = field(default_factory=dict)
    _to_all: deque[float] = field(default_factory=deque)

    def wait(self, chat_id: int, group: bool, now: float) -> int | None:
        """None if a message to ``chat_id`` (a group's if ``group``) at ``now`` is within
        the limits, else the retry_after to answer with."""
        limits = self.limits
        sent = self._to_chat.get(chat_id, deque())
        windows = [(sent, limits.per_chat, limits.chat_seconds)]
        windows.append((self._to_all, limits.overall, limits.overall_seconds))
        if group:
            windows.append((sent, limits.per_group, limits.group_seconds))
        waits = []
        for times, count, seconds in windows:
            in_window = [t for t in times if t > now - seconds]
            if len(in_window) >= count:  # a place frees as the count-th last message leaves
                waits.append((in_window[-count] if count else now) + seconds - now)
        if not waits:
            return None
        if limits.retry_after is not None:
            return limits.retry_after
        return max(1, math.ceil(max(waits)))

    def sent(self, chat_id: int, now: float) -> None:
        """Count a message sent to ``chat_id`` at ``now``; forget what no window holds."""
        longest = max(self.limits.chat_seconds, self.limits.group_seconds)
        to_chat = self._to_chat.setdefault(chat_id, deque())
        to_chat.append(now)
        self._to_all.append(now)
        while to_chat and to_chat[0] <= now - longest:
            to_chat.popleft()
        while self._to_all and self._to_all[0] <= now - self.limits.overall_seconds:
            self._to_all.popleft()
