"""What handlers share while the bot runs: settings, the engine, its state, the policies.

`build_application` puts one `Runtime` in `bot_data["runtime"]` once the engine is open
(post_init); handlers reach it with `runtime(context)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from telegram.ext import ContextTypes

from bot.access import Access, QuestionLimiter
from bot.config import Settings
from retrieval.conversations import Conversations
from retrieval.engine import Engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    state: Conversations
    access: Access
    limiter: QuestionLimiter  # questions, "More"
    inline_limiter: QuestionLimiter  # inline queries: one per pause in typing, so more
    zone: tzinfo  # dates are shown in NEWSBOT_TIMEZONE


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    """The running bot's Runtime; only missing if a handler runs before post_init."""
    found = context.bot_data.get("runtime")
    if not isinstance(found, Runtime):
        raise RuntimeError("the bot's engine is not open yet")
    return found
