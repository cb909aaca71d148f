"""Admin commands for feeds (/feeds, /addfeed, /removefeed) and the polling job.

The handlers read `context.bot_data["engine"]` (a `retrieval.engine.Engine`) and
`context.bot_data["settings"]` (a `bot.config.Settings`). Only the bot's admins, in a private
chat, may use them. `schedule_feed_polling(application)` registers the repeating job that
polls due feeds and tells the admins when one is paused.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, Job, filters

from bot.config import Settings
from bot.markup import escape, pack
from bot.times import when
from retrieval.engine import Engine
from retrieval.errors import FeedError
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.registry import Feed, format_interval

log = logging.getLogger(__name__)

POLL_EVERY = 60.0  # seconds between looks for due feeds; each feed has its own interval
ADD_USAGE = (
    "Usage: <code>/addfeed URL [name]</code>, e.g. "
    "<code>/addfeed https://example.org/feed.xml Example News</code>"
)
REMOVE_USAGE = "Usage: <code>/removefeed ID</code> (the ids are in /feeds)"


# --- presentation (pure) ------------------------------------------------------------------


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def render_feed(feed: Feed, zone: tzinfo = UTC) -> str:
    """One feed as a block of Telegram HTML."""
    lines = [
        f"<b>{feed.id}</b> · {escape(feed.label)}",
        f"{escape(feed.status)} · every {format_interval(feed.interval)} · "
        f"{feed.articles} articles · last fetch {when(feed.last_fetch_ts, zone)}",
    ]
    if feed.label != feed.url:
        lines.append(f"<code>{escape(feed.url)}</code>")
    if feed.last_error:
        lines.append(f"<i>last error: {escape(feed.last_error)}</i>")
    return "\n".join(lines)


def render_feed_list(feeds: list[Feed], zone: tzinfo = UTC) -> list[str]:
    """The /feeds answer as Telegram HTML messages, each within the length limit: feeds are
    packed whole, and one too long for a message alone is split between tags, never in one."""
    if not feeds:
        return ["No feeds yet. Add one with <code>/addfeed URL</code>."]
    return pack([f"<b>Feeds</b> ({len(feeds)})", *(render_feed(feed, zone) for feed in feeds)])


def render_paused(feed: Feed) -> str:
    """Telegram HTML telling an admin a feed was paused, and how to resume it."""
    return (
        f"Feed <b>{feed.id}</b> ({escape(feed.label)}) is paused after {feed.failures} "
        f"failed polls in a row. Last error: <i>{escape(feed.last_error or 'unknown')}</i>\n"
        f"To resume it: <code>/addfeed {escape(feed.url)}</code>"
    )


def parse_add_args(args: list[str]) -> tuple[str, str | None] | None:
    """(URL, name or None) from /addfeed's arguments, or None when there is no URL."""
    if not args:
        return None
    return args[0], " ".join(args[1:]) or None


# --- handlers -----------------------------------------------------------------------------


async def _admin_in_private(update: Update, settings: Settings) -> bool:
    """Whether the sender may manage feeds here; tells them why not when they may not."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if message is None:
        return False
    if user is None or user.id not in settings.admins:
        await message.reply_text("Only the bot's admins can manage feeds.")
        return False
    if chat is None or chat.type != ChatType.PRIVATE:
        await message.reply_text("Manage feeds in a private chat with me.")
        return False
    return True


async def _reply(update: Update, html: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            html, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )


async def feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the feeds with their state, last fetch, last error and article count."""
    settings: Settings = context.bot_data["settings"]
    if not await _admin_in_private(update, settings):
        return
    engine: Engine = context.bot_data["engine"]
    for message in render_feed_list(await engine.feeds(), _zone(settings.timezone)):
        await _reply(update, message)


async def add_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Register a feed (or resume a paused one) and poll it now."""
    settings: Settings = context.bot_data["settings"]
    if not await _admin_in_private(update, settings):
        return
    parsed = parse_add_args(list(context.args or []))
    if parsed is None:
        await _reply(update, ADD_USAGE)
        return
    engine: Engine = context.bot_data["engine"]
    try:
        feed, created = await engine.add_feed(*parsed)
    except FeedError as exc:
        await _reply(update, f"{escape(str(exc))}\n{ADD_USAGE}")
        return
    verb = "Added" if created else "Resumed"
    await _reply(
        update,
        f"{verb} feed <b>{feed.id}</b> ({escape(feed.label)}), polled every "
        f"{format_interval(feed.interval)}. Fetching it now; /feeds shows how it went.",
    )
    if context.job_queue is not None:
        context.job_queue.run_once(poll_feeds_job, 0, name="feed polling (after /addfeed)")


async def remove_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop polling a feed; its articles stay in the corpus."""
    settings: Settings = context.bot_data["settings"]
    if not await _admin_in_private(update, settings):
        return
    args = list(context.args or [])
    if len(args) != 1:
        await _reply(update, REMOVE_USAGE)
        return
    engine: Engine = context.bot_data["engine"]
    try:
        feed = await engine.remove_feed(args[0])
    except FeedError as exc:
        await _reply(update, escape(str(exc)))
        return
    await _reply(
        update,
        f"Removed feed <b>{feed.id}</b> ({escape(feed.label)}). Its "
        f"{feed.articles} articles stay searchable.",
    )


# --- polling ------------------------------------------------------------------------------

_LOCK = "feed_poll_lock"


async def poll_feeds_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Poll the due feeds into the corpus; tell the admins about feeds this paused.

    The poll writes through a connection of its own, so its transactions never interleave
    with the handlers' use of the engine's connection; parsing and extraction run in worker
    threads, so the event loop keeps answering. A run that finds the previous one still
    going does nothing.
    """
    engine: Engine = context.bot_data["engine"]
    settings: Settings = context.bot_data["settings"]
    lock: asyncio.Lock = context.bot_data.setdefault(_LOCK, asyncio.Lock())
    if lock.locked() or not await engine.due_feeds():
        return
    async with lock, Fetcher(allow_private=settings.allow_private_urls) as fetcher:
        report = await engine.poll_feeds(fetcher)
    for feed in report.paused:
        for admin in sorted(settings.admins):
            try:
                await context.bot.send_message(
                    admin,
                    render_paused(feed),
                    parse_mode=ParseMode.HTML,
                    disable_web_page_preview=True,
                )
            except TelegramError as exc:
                log.warning(
                    "could not tell admin %d that feed %d is paused: %s", admin, feed.id, exc
                )


def schedule_feed_polling(
    application: Application,  # type: ignore[type-arg]
    every: float = POLL_EVERY,
    first: float = 10.0,
) -> Job:  # type: ignore[type-arg]
    """Register the repeating job that polls due feeds (every `every` seconds)."""
    if application.job_queue is None:
        raise RuntimeError(
            "feed polling needs python-telegram-bot's job queue: "
            "pip install 'python-telegram-bot[job-queue]'"
        )
    return application.job_queue.run_repeating(
        poll_feeds_job,
        interval=every,
        first=first,
        name="feed polling",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


def register_feeds(app: Application) -> None:  # type: ignore[type-arg]
    """Add the admins' feed commands and, once the engine is open, the polling job.

    The handlers read the engine and settings from `bot_data`, which post_init fills from
    the bot's Runtime (wrapped here, like the digests do).
    """
    new = filters.UpdateType.MESSAGE
    app.add_handlers(
        [
            CommandHandler("feeds", feeds, filters=new),
            CommandHandler("addfeed", add_feed, filters=new),
            CommandHandler("removefeed", remove_feed, filters=new),
        ]
    )
    inner_init = app.post_init

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        if inner_init is not None:
            await inner_init(application)
        rt = application.bot_data["runtime"]
        application.bot_data["engine"] = rt.engine
        application.bot_data["settings"] = rt.settings
        schedule_feed_polling(application)

    app.post_init = post_init
