"""A search as the bot runs it for a chat: timed, a month or day read in the chat's zone, and
logged once its answer is sent.

Questions, an answer's next page and inline queries all search through here, so each is
timed and read in a zone alike; the core's `Engine` knows nothing of chats.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import tzinfo
from typing import NamedTuple

from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.runtime import BotData, Context
from retrieval.follow_ups import AnswerAbove
from retrieval.search_result import SearchResult

log = logging.getLogger(__name__)


async def show_typing(context: Context, chat_id: int, topic: int | None = None) -> None:
    """Show "typing…" (in the forum `topic` asked in) while searching; an answer does not
    depend on it, so failing is fine."""
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=topic)
    except TelegramError as exc:
        log.debug("no typing indicator for chat %s: %s", chat_id, exc)


class Searched(NamedTuple):
    """A search's result, and how long it took: for the query log (`log_search`)."""

    result: SearchResult
    elapsed_ms: float


async def search(
    shared: BotData,
    question: str,
    limit: int,
    offset: int = 0,
    as_of: float | None = None,
    shown: Sequence[str] = (),
    zone: tzinfo | None = None,
) -> Searched:
    """Search as of `as_of`, leaving out the sentences of `shown` (their texts: all of it in
    a worker thread), a month or day the question names read in `zone` (a chat's,
    `zone_of`; NEWSBOT_TIMEZONE when None), timed; `log_search` logs it once its answer is
    sent."""
    started = time.perf_counter()
    result = await shared.engine.ask(
        question,
        limit=limit,
        offset=offset,
        as_of=as_of,
        shown=shown,
        zone=shared.zone if zone is None else zone,
    )
    return Searched(result, (time.perf_counter() - started) * 1000)


async def search_after(
    shared: BotData,
    message: str,
    above: AnswerAbove,
    points_back: bool,
    limit: int,
    as_of: float,
    zone: tzinfo,
) -> Searched:
    """Search `message`, sent after the answer `above`, as its follow-up or alone
    (`Engine.ask_after`), a month or day it names read in `zone`, timed as `search` is."""
    started = time.perf_counter()
    result = await shared.engine.ask_after(message, above, points_back, limit, as_of, zone)
    return Searched(result, (time.perf_counter() - started) * 1000)


async def zone_of(shared: BotData, chat_id: int) -> tzinfo:
    """The zone a chat's days are in: its digest's (`/subscribe 07:30 America/Los_Angeles`),
    else NEWSBOT_TIMEZONE, as `/digest` there tells them. A message's date is a moment, in
    no zone: asked at 20:00 on 31 January in Los Angeles, "in February 2022" names a time
    to come there, not one begun at midnight in UTC."""
    zone = await shared.subscriptions.zone_of(chat_id)  # remembered, till /subscribe
    return shared.zone if zone is None else zone


async def log_search(
    shared: BotData,
    chat_id: int | None,
    user_id: int | None,
    searched: Searched,
    first_asked_ts: float | None = None,
    message_id: int | None = None,
    follows: int | None = None,
) -> None:
    """Log a question with its timing, after its answer was sent: a write, which may wait
    for a lock another process holds, and the answer does not wait for it.
    `first_asked_ts`: when the oldest question it holds was asked (`record_answer`);
    `message_id`, the message it was asked in (an edit's line replaces the question's);
    `follows`, the answer whose question it holds besides its own (`log_query`)."""
    result = searched.result
    await shared.conversations.log_query(
        chat_id,
        user_id,
        result.question,
        len(result.passages),
        searched.elapsed_ms,
        first_asked_ts,
        message_id,
        follows,
    )
