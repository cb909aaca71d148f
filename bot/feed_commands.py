"""Admin commands for feeds (/feeds, /addfeed, /removefeed) and the polling job.

Only the bot's admins, in a private chat, may use the commands; `add_feed_handlers` adds
them. `schedule_feed_polling`, called at start-up, registers the repeating job that polls
the due feeds and tells the admins when one is paused.
"""

from __future__ import annotations

import logging
from datetime import UTC, tzinfo
from typing import NamedTuple

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CommandHandler, Job, filters

from bot.access import admin_only
from bot.bounds import TITLE_CHARS, clip, some_of
from bot.markup import escape, pack
from bot.replies import send_reply
from bot.runtime import App, Context, run_every
from bot.searching import zone_of
from bot.times import when
from retrieval.addresses import masked_url
from retrieval.errors import FeedError
from retrieval.feeds.feed import Feed, format_interval
from retrieval.feeds.feed_addresses import moved_note, new_address
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.probe import NotAFeed, look_at_feed, moved_for_good
from retrieval.feeds.registry import IDS_NAMED
from retrieval.wording import agreeing, counted, shown_name

log = logging.getLogger(__name__)

POLL_EVERY = 60.0  # seconds between looks for due feeds; each feed has its own interval
ADD_USAGE = (
    "Usage: <code>/addfeed URL [name]</code>, e.g. "
    "<code>/addfeed https://example.org/feed.xml Example News</code> "
    "(<code>/addfeed --no-check URL</code> adds a feed that is down for now)"
)
# /addfeed's flag to add a feed without fetching it first; phones type "--" as a dash
NO_CHECK = frozenset({"--no-check", "—no-check", "–no-check"})
REMOVE_USAGE = "Usage: <code>/removefeed ID</code> (the ids are in /feeds)"


# --- presentation (pure) ------------------------------------------------------------------


def _feeds_own(text: str) -> str:
    """`text`, a feed's or its server's to write (a title, a reason phrase), as Telegram
    HTML: escaped, and with what would reorder or break the admin's message (a U+202E, a
    line separator, a control) written as the CLI writes it (`wording.shown_name`)."""
    return escape(shown_name(text))


def _feed_label(feed: Feed) -> str:
    """The feed's name, title or address, clipped, as Telegram HTML (`_feeds_own`)."""
    return _feeds_own(clip(feed.label, TITLE_CHARS))


def render_feed(feed: Feed, zone: tzinfo = UTC) -> str:
    """One feed as a block of Telegram HTML."""
    lines = [
        f"<b>{feed.id}</b> · {_feed_label(feed)}",
        f"{escape(feed.status)} · every {format_interval(feed.interval)} · "
        f"{counted(feed.articles, 'article')} · last fetch {when(feed.last_fetch_ts, zone)}",
    ]
    if feed.label != feed.shown_url:
        lines.append(f"<code>{escape(feed.shown_url)}</code>")
    if feed.last_error:
        lines.append(f"<i>{feed.error_label}: {_feeds_own(feed.last_error)}</i>")
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
        f"Feed <b>{feed.id}</b> ({_feed_label(feed)}) is paused after "
        f"{counted(feed.failures, 'failed poll')} in a row. "
        f"Last error: <i>{_feeds_own(feed.last_error or 'unknown')}</i>\n"
        f"To resume it: <code>/addfeed {escape(feed.shown_url)}</code>"
        + (
            " (its credentials, or new ones, in place of ***)"
            if feed.shown_url != feed.url
            else ""
        )
    )


class AddArgs(NamedTuple):
    """What /addfeed was given."""

    url: str
    name: str | None = None
    check: bool = True  # fetch it first, and refuse what is no feed (not --no-check)


def parse_add_args(args: list[str]) -> AddArgs | None:
    """/addfeed's arguments: its URL, name and --no-check (anywhere), or None when there is
    no URL."""
    words = [arg for arg in args if arg.lower() not in NO_CHECK]
    if not words:
        return None
    return AddArgs(words[0], " ".join(words[1:]) or None, check=len(words) == len(args))


def render_not_a_feed(refused: NotAFeed) -> str:
    """Telegram HTML telling an admin why /addfeed refused an address, and what to do."""
    said = escape(refused.said()[:1].upper() + refused.said()[1:])
    if len(refused.named) == 1:
        named = escape(masked_url(refused.named[0]))
        return f"{said}\nTo add its feed: <code>/addfeed {named}</code>"
    if refused.named:
        return f"{said}\nAdd one of its feeds with <code>/addfeed URL</code>."
    if refused.blocked:  # not fetched, or too large, at any poll: --no-check is no remedy
        return f"{said}."
    again = escape(masked_url(refused.url))
    return (
        f"{said}.\nA feed that is down for now is added all the same with "
        f"<code>/addfeed --no-check {again}</code>."
    )


# --- handlers -----------------------------------------------------------------------------


async def _in_private(update: Update, context: Context) -> bool:
    """Whether an admin's feed command came in a private chat; tells them to go there when
    not. Anyone else is refused before (`admin_only`), as /removearticle is: the same
    words, counted against their limit, and logged."""
    chat, message = update.effective_chat, update.effective_message
    if message is None:
        return False
    if chat is None or chat.type != ChatType.PRIVATE:
        await send_reply(context.bot_data, message, "Manage feeds in a private chat with me.")
        return False
    return True


async def _reply(update: Update, context: Context, html: str) -> None:
    if update.effective_message is not None:
        await send_reply(context.bot_data, update.effective_message, html)


@admin_only
async def feeds(update: Update, context: Context) -> None:
    """List the feeds with their state, last fetch, last error and article count."""
    if not await _in_private(update, context):
        return
    shared = context.bot_data
    chat = update.effective_chat
    zone = shared.zone if chat is None else await zone_of(shared, chat.id)
    for message in render_feed_list(await shared.engine.feeds(), zone):
        await _reply(update, context, message)


@admin_only
async def add_feed(update: Update, context: Context) -> None:
    """Register a feed (or resume a paused one) and poll it now."""
    if not await _in_private(update, context):
        return
    parsed = parse_add_args(list(context.args or []))
    if parsed is None:
        await _reply(update, context, ADD_USAGE)
        return
    shared = context.bot_data
    allow_private = shared.settings.allow_private_urls
    try:
        before = await shared.engine.feed_added_before(parsed.url)  # resumed if paused
        checked = parsed.check and new_address(before, parsed.url)
        looked = await look_at_feed(parsed.url, allow_private) if checked else None
        if isinstance(looked, NotAFeed):
            await _reply(update, context, render_not_a_feed(looked))
            return
        url, moved = parsed.url, None
        moved_to = looked.moved_to if looked else None
        if moved_to and (there := await shared.engine.feed_added_before(moved_to)):
            # a feed polls where it moved for good: that one is added again, not a second
            url, before, moved = there.url, there, moved_for_good(parsed.url, there)
        feed, created = await shared.engine.add_feed(
            url,
            parsed.name,
            allow_private=allow_private,
            title=looked.title if looked else None,  # named by it before its first poll
        )
    except FeedError as exc:
        await _reply(update, context, f"{escape(str(exc))}\n{ADD_USAGE}")
        return
    told = (
        f"{_added(feed, None if created else before)}, polled every "
        f"{format_interval(feed.interval)}. Fetching it now; /feeds shows how it went."
    )
    if moved:
        told += f"\n{escape(moved)}."  # an address opens it: not capitalised
    if alike := await shared.engine.feeds_shown_alike(feed):  # ?sid=politics, ?sid=sports
        ids = some_of([str(f.id) for f in alike], IDS_NAMED)  # a site's every ?sid=
        told += (
            f"\n{'Feed' if len(alike) == 1 else 'Feeds'} {ids} {agreeing(len(alike), 'is', 'are')}"
            f" listed at the same address (*** hides what differs): /removefeed {feed.id}"
            " names this one."
        )
    await _reply(update, context, told)
    if context.job_queue is not None:
        context.job_queue.run_once(poll_feeds_job, 0, name="feed polling (after /addfeed)")


def _added(feed: Feed, before: Feed | None) -> str:
    """What /addfeed did to `feed`, which was `before` it, to open its reply."""
    named = f"<b>{feed.id}</b> ({_feed_label(feed)})"
    if before is None:
        return f"Added feed {named}"
    verb = "Resumed" if before.paused else "Updated"
    if before.url != feed.url:  # at its address with other credentials: put in it
        how = "with its new credentials" if feed.has_credentials else "without credentials"
        return f"{verb} feed {named} {how}"
    if before.paused or (before.name, before.interval) != (feed.name, feed.interval):
        return f"{verb} feed {named}"
    return f"Feed {named} is already added"  # only made due: fetched now


@admin_only
async def remove_feed(update: Update, context: Context) -> None:
    """Stop polling a feed; its articles stay in the corpus."""
    if not await _in_private(update, context):
        return
    args = list(context.args or [])
    if len(args) != 1:
        await _reply(update, context, REMOVE_USAGE)
        return
    try:
        feed = await context.bot_data.engine.remove_feed(args[0])
    except FeedError as exc:
        await _reply(update, context, escape(str(exc)))
        return
    await _reply(
        update,
        context,
        f"Removed feed <b>{feed.id}</b> ({_feed_label(feed)})"
        f"{escape(moved_note(args[0], feed))}. Its "
        f"{counted(feed.articles, 'article')} {agreeing(feed.articles, 'stays', 'stay')}"
        " searchable.",
    )


def add_feed_handlers(app: App) -> None:
    """Add /feeds, /addfeed and /removefeed."""
    new = filters.UpdateType.MESSAGE
    app.add_handlers(
        [
            CommandHandler("feeds", feeds, filters=new),
            CommandHandler("addfeed", add_feed, filters=new),
            CommandHandler("removefeed", remove_feed, filters=new),
        ]
    )


# --- polling ------------------------------------------------------------------------------


async def poll_feeds_job(context: Context) -> None:
    """Poll the due feeds into the corpus; tell the admins about feeds this paused.

    The engine polls through a connection of its own, so the poll's transactions never
    interleave with the handlers'; parsing, extraction and sentence splitting run in worker
    threads, so the event loop keeps answering. A run that finds the previous one still
    going does nothing. Each run that ends sets `feeds_polled`, which a digest due at
    start-up waits for.
    """
    shared = context.bot_data
    lock = shared.feed_poll_lock
    if lock.locked():
        return  # the run going on tells `feeds_polled` when it ends
    try:
        if not await shared.engine.due_feeds():
            return
        async with lock, Fetcher(allow_private=shared.settings.allow_private_urls) as fetcher:
            report = await shared.engine.poll_feeds(fetcher)
    finally:
        shared.feeds_polled.set()  # failed or not: a digest waits no longer for it
    if report.changed:
        shared.index_dirty = True  # the poll indexed them: the index on disk is behind
    for feed in report.paused:
        for admin in sorted(shared.access.admins):
            try:
                await context.bot.send_message(admin, render_paused(feed))
            except TelegramError as exc:
                log.warning(
                    "could not tell admin %d that feed %d is paused: %s", admin, feed.id, exc
                )


def schedule_feed_polling(app: App) -> Job[Context]:
    """Register the repeating job that polls the due feeds, every POLL_EVERY seconds."""
    return run_every(app, poll_feeds_job, POLL_EVERY, "feed polling", first=10.0)
