"""What the corpus holds, listed: /sources (its outlets and their article counts) and /latest
(the newest stories).
"""

from __future__ import annotations

from telegram import Update

from bot import formatting
from bot.access import admitted
from bot.replies import send_reply
from bot.runtime import Context
from bot.searching import zone_of

LATEST_HEADLINES = 10


async def sources(update: Update, context: Context) -> None:
    """List the outlets in the corpus with their article counts."""
    message = update.effective_message
    shared = context.bot_data
    if message is None or not await admitted(shared, message):
        return
    await send_reply(shared, message, *formatting.sources_messages(await shared.engine.sources()))


async def latest(update: Update, context: Context) -> None:
    """List the newest stories, each by its newest headline, linked to its article, dated
    in the chat's zone."""
    message = update.effective_message
    shared = context.bot_data
    if message is None or not await admitted(shared, message):
        return
    stories = await shared.engine.latest_stories(LATEST_HEADLINES)
    zone = await zone_of(shared, message.chat.id)
    await send_reply(shared, message, *formatting.latest_messages(stories, zone))
