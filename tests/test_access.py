"""Who may use the bot and the per-user question limit (pure policy, no Telegram)."""

from __future__ import annotations

from bot.access import Access, QuestionLimiter, Refusals
from bot.config import Settings


def test_without_an_allowlist_everyone_may_ask() -> None:
    access = Access.from_settings(Settings())
    assert access.is_open
    assert access.allows_chat(-100123, 5) and access.allows_inline(5)
    assert not access.is_admin(5)


def test_allowlist_admits_listed_chats_and_admins_anywhere() -> None:
    access = Access(allowed_chats=frozenset({-100123, 42}), admins=frozenset({7}))
    assert access.allows_chat(-100123, 99)
    assert not access.allows_chat(-100999, 99)
    assert access.allows_chat(-100999, 7)  # an admin, in a chat nobody listed
    assert access.allows_inline(42)  # their private chat is allowed
    assert access.allows_inline(7)  # an admin, inline in any chat
    assert not access.allows_inline(99)
    assert access.is_admin(7) and not access.is_admin(None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_allows_n_per_minute_then_tells_once() -> None:
    clock = Clock()
    limiter = QuestionLimiter(3, clock)
    assert [limiter.check(1).allowed for _ in range(3)] == [True, True, True]
    clock.now += 10
    refused = limiter.check(1)
    assert not refused.allowed and refused.tell and refused.retry_in == 50.0
    again = limiter.check(1)
    assert not again.allowed and not again.tell  # said once, not to every message
    assert limiter.check(2).allowed  # other users are not affected
    clock.now += 50
    assert limiter.check(1).allowed  # the oldest question left the window


def test_limiter_forgets_idle_users() -> None:
    clock = Clock()
    limiter = QuestionLimiter(3, clock)
    limiter.check(1)
    clock.now += 61
    limiter.check(2)
    limiter.forget_idle()
    assert set(limiter._asked) == {2}


def test_strangers_are_told_once_a_chat_and_a_few_chats_a_minute() -> None:
    """Every message from a chat not on the allowlist wrote its names and a refusal time
    to the database, and a crowd of strangers could each be told at once, counted by no
    limit, taking the bot's share of Telegram's flood limit from the allowed chats."""
    clock = Clock()
    refusals = Refusals(interval=3600.0, per_minute=2, clock=clock)
    assert [refusals.may_tell(chat) for chat in (1, 1, 2, 3)] == [True, False, True, False]
    clock.now += 60  # a minute on: another stranger may be told, not one told before
    assert [refusals.may_tell(chat) for chat in (3, 1, 2)] == [True, False, False]
    clock.now += 3590
    refusals.forget_idle()  # those told an hour ago
    assert set(refusals._told) == {3}
    assert refusals.may_tell(1)  # an hour on, told again
