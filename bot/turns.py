"""The order updates are handled in: one chat's one at a time, as they were sent; different
chats' at once (`ChatsInTurn`, the application's update processor).

Handled all at once, a chat's updates raced: "more" sent right after a question (a backlog
after a restart, a slow search) went on with the answer before that question's, and of a
press of More ▸ and a "more" sent together, one was told "The next passages are already
below." before the page was sent.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


@dataclass
class _Turn:
    """An update of a chat, waiting for its turn or being handled."""

    message: int | None  # the id of the message it carries or edits, if any
    edit: bool  # it edits `message`
    done: asyncio.Event = field(default_factory=asyncio.Event)


class ChatsInTurn(BaseUpdateProcessor):
    """Each update of a chat waits until the chat's updates before it are handled; updates of
    other chats, and of none (inline queries), do not wait for it. At most `at_once` updates
    are handled at a time, of all chats.

    An edit does not wait for the updates of the message it edits: `OneAtATime` orders
    those, and answers only a question's newest text, which waiting here would undo (each
    of two quick edits searched and shown in turn) without knowing whether the edit is one
    that will be searched.
    """

    def __init__(self, at_once: int) -> None:
        # python-telegram-bot takes its own bound before `do_process_update`, and so for the
        # updates waiting for their turn: a backlog of that many in one chat would keep every
        # other chat waiting. It is left unbounded; `at_once` counts the updates handled.
        super().__init__(max_concurrent_updates=sys.maxsize)
        self._handling = asyncio.Semaphore(at_once)
        self._turns: dict[int, list[_Turn]] = {}  # by chat: in the order they came

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._handling:
                await coroutine
            return
        # No await before the turn is queued: updates come in the order Telegram numbered
        # them, each in its own task, started in that order.
        assert isinstance(update, Update)
        turn = _turn_of(update)
        turns = self._turns.setdefault(chat.id, [])
        before = [t for t in turns if not (turn.edit and t.message == turn.message)]
        turns.append(turn)
        try:
            for earlier in before:
                await earlier.done.wait()
            async with self._handling:
                await coroutine
        finally:
            turn.done.set()
            turns.remove(turn)
            if not turns:
                del self._turns[chat.id]

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close: the application waits for every update before it shuts down."""

    def __len__(self) -> int:
        """How many chats have an update waiting or being handled."""
        return len(self._turns)


def _turn_of(update: Update) -> _Turn:
    edited = update.edited_message or update.edited_channel_post
    message = edited or update.message or update.channel_post
    return _Turn(message.message_id if message else None, edited is not None)
