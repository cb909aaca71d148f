"""`newsbot feeds ...`: register news feeds and poll them once (for cron) from the terminal.

The parser is `bot.cli.parser`'s; this module does what the commands ask."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
import time
from datetime import UTC, tzinfo
from typing import Any

from bot.bounds import some_of
from bot.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    MadeNote,
    json_text,
    require_database,
)
from bot.config import Settings
from bot.progress import progress_bar
from bot.times import utc_text, when
from retrieval.addresses import masked_url
from retrieval.corpus.storage_faults import storage_fault
from retrieval.engine import Engine
from retrieval.errors import BadFeedAddress, FeedError, IndexWriteError
from retrieval.feeds import poll
from retrieval.feeds.feed import Feed, format_interval, parse_interval
from retrieval.feeds.feed_addresses import moved_note, new_address
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.outcomes import FeedOutcome, PollStatus
from retrieval.feeds.private_addresses import PrivateAllowed
from retrieval.feeds.probe import NotAFeed, look_at_feed, moved_for_good
from retrieval.feeds.registry import IDS_NAMED, FeedRegistry
from retrieval.without_index import feed_registry
from retrieval.wording import agreeing, counted, shown_name


def interval_value(text: str) -> float:
    """--every's value: seconds in "15m", "2h", "1h30m", "1d"."""
    try:
        return parse_interval(text)
    except FeedError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


NO_FEEDS = "no feeds yet: add one with `newsbot feeds add URL`"


def render_feeds(feeds: list[Feed], zone: tzinfo = UTC) -> str:
    if not feeds:
        return NO_FEEDS
    lines = []
    for feed in feeds:
        fetched = when(feed.last_fetch_ts, zone)
        lines.append(
            f"{feed.id:>3}  {feed.status:<12} every {format_interval(feed.interval):<6}"
            f" {feed.articles:>5,} {agreeing(feed.articles, 'article ', 'articles')}"
            f"  last fetch {fetched}  {feed.label}"
        )
        if feed.label != feed.shown_url:
            lines.append(f"     {feed.shown_url}")
        if feed.last_error:
            retry = (
                "re-add it to resume"
                if feed.paused
                else f"next try {when(feed.next_poll_ts, zone)}"
            )
            lines.append(f"     {feed.error_label}: {feed.last_error} ({retry})")
    # each line escaped (`shown_name`): a feed's title and its last error (a reason phrase)
    # are the feed's and its server's to write, an ESC sequence or a U+202E in them too
    return "\n".join(map(shown_name, lines))


# `feeds list --json`'s fields of a feed, in order (README lists them with their types)
FEED_FIELDS = (
    "id",
    "url",
    "has_credentials",
    "name",
    "title",
    "label",
    "status",
    "failures",
    "interval",
    "articles",
    "added",
    "last_fetch",
    "last_ok",
    "next_poll",
    "paused_since",
    "last_error",
    "warning",
)


def feed_json(feed: Feed) -> dict[str, Any]:
    """A feed as data (FEED_FIELDS), as `render_feeds` lists it: its address with its
    credentials masked, and only whether it has any; its times in UTC; its last error, or
    the warning of the document it last read, under the name the list gives it."""
    problem = feed.masked(feed.last_error) if feed.last_error else None  # stored masked
    warned = feed.error_label == "warning"
    return {
        "id": feed.id,
        "url": feed.shown_url,
        "has_credentials": feed.has_credentials,
        "name": feed.name,
        "title": feed.title,
        "label": feed.label,
        "status": feed.state,
        "failures": feed.failures,
        "interval": round(feed.interval),
        "articles": feed.articles,
        "added": utc_text(feed.added_ts),
        "last_fetch": utc_text(feed.last_fetch_ts),
        "last_ok": utc_text(feed.last_ok_ts),
        "next_poll": None if feed.paused else utc_text(feed.next_poll_ts),
        "paused_since": utc_text(feed.paused_ts),
        "last_error": None if warned else problem,
        "warning": problem if warned else None,
    }


async def cmd_feeds(settings: Settings, args: argparse.Namespace) -> int:
    if args.feeds_command != "add":
        # `feeds poll --quiet` from cron in another folder made an empty newsbot.db there,
        # and said only "no feeds yet"
        require_database(settings.db_path)
    if args.feeds_command == "poll":
        return await _poll(settings, args)
    made = MadeNote(settings.db_path, "newsbot feeds add")  # as ingest makes it
    async with feed_registry(settings.db_path, reads_only=args.feeds_command == "list") as feeds:
        made.tell()  # a mistyped --db got a feed no bot polls
        if args.feeds_command == "add":
            return await _add(feeds, args, settings.allow_private_urls)
        if args.feeds_command == "list":
            listed = await feeds.all()
            if args.json:
                print(json_text({"feeds": [feed_json(feed) for feed in listed]}))
            else:
                print(render_feeds(listed, settings.zone))
        else:
            return await _remove(feeds, args.feeds)
    return EXIT_OK


async def _add(
    feeds: FeedRegistry, args: argparse.Namespace, allow_private: bool | PrivateAllowed
) -> int:
    """Register the feed at `args.url`, once it has answered as one (unless --no-check):
    what is no feed is refused now, not found out at every poll. An address refused by its
    text alone is a usage error (EXIT_USAGE); one refused after looking (fetched, or
    compared with the feeds added), EXIT_FAILED, as `feeds remove` of no feed is."""
    try:
        before = await feeds.added_before(args.url)  # adding it again resumes it
        checked = args.check and new_address(before, args.url)
        looked = await look_at_feed(args.url, allow_private) if checked else None
        if isinstance(looked, NotAFeed):
            print(f"newsbot feeds add: {looked.said()}", file=sys.stderr)
            if hint := _refused_hint(looked):
                print(f"newsbot feeds add: {hint}", file=sys.stderr)
            return EXIT_FAILED
        title = looked.title if looked else None  # named by it before its first poll
        url, moved = args.url, None
        moved_to = looked.moved_to if looked else None
        if moved_to and (there := await feeds.added_before(moved_to)):
            # a feed polls where it moved for good: that one is added again, not a second
            url, before, moved = there.url, there, moved_for_good(args.url, there)
        feed, created = await feeds.add(url, args.name, args.every, allow_private, title)
    except FeedError as exc:
        print(f"newsbot feeds add: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, BadFeedAddress) else EXIT_FAILED
    print(  # escaped: a label may be the feed's title, the feed's to write (`render_feeds`)
        f"{_added(feed, before)}: {shown_name(feed.label)}, every "
        f"{format_interval(feed.interval)}; it is due now (newsbot feeds poll, or the running"
        " bot, fetches it)"
    )
    if moved:
        print(moved)
    if alike := await feeds.shown_alike(feed):
        print(_told_apart(feed, alike))
    return EXIT_OK


def _refused_hint(refused: NotAFeed) -> str | None:
    """What to do about an address `feeds add` refused: add the feed its page names, or add
    it all the same, a feed down for now; None for an address newsbot will not fetch (its
    refusal names the setting that would allow it) or read (over the size cap): --no-check
    would add a feed every poll refuses."""
    if len(refused.named) == 1:
        return f"add its feed: newsbot feeds add {masked_url(refused.named[0])}"
    if refused.named:
        return "add one of its feeds: newsbot feeds add FEED-URL"
    if refused.blocked:
        return None
    return "a feed that is down for now is added all the same with --no-check"


async def _remove(feeds: FeedRegistry, refs: list[str]) -> int:
    """Remove each feed named, in order, each said as it goes: one that names none is an
    error on stderr and the rest are still removed (as `newsbot remove` does articles);
    EXIT_FAILED if any named none."""
    status = EXIT_OK
    for ref in refs:
        try:
            feed = await feeds.remove(ref)
        except FeedError as exc:
            print(f"newsbot feeds remove: {exc}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        print(
            f"removed feed {feed.id} ({shown_name(feed.label)}){moved_note(ref, feed)}; its "
            f"{counted(feed.articles, 'article')} {agreeing(feed.articles, 'stays', 'stay')}"
            " in the corpus"
        )
    return status


def _added(feed: Feed, before: Feed | None) -> str:
    """What `feeds add` did to `feed`, which was `before` it."""
    if before is None:
        return f"added feed {feed.id}"
    resumed = " and resumed it" if before.paused else ""
    if before.url != feed.url:  # the address but for its credentials: a rotated token
        done = "updated" if feed.has_credentials else "dropped"  # no token needed now
        return f"{done} feed {feed.id}'s credentials{resumed}"
    if (before.name, before.interval) != (feed.name, feed.interval):  # --name, --every
        return f"updated{' and resumed' if resumed else ''} feed {feed.id}"
    # nothing to change: it is only made due (and resumed), as adding it again does
    return f"resumed feed {feed.id}" if resumed else f"feed {feed.id} is already added"


def _told_apart(feed: Feed, alike: list[Feed]) -> str:
    """How to tell `feed` from the feeds `alike` (another ?sid= or ?key=, masked), which
    `feeds list` shows at the same address; the first IDS_NAMED of their ids, then how many
    more (a site's every section added by ?sid=: the line grew with each)."""
    ids = some_of([str(f.id) for f in alike], IDS_NAMED)
    which = f"feed {ids} is" if len(alike) == 1 else f"feeds {ids} are"
    return (
        f"{which} listed at {feed.shown_url} too (*** hides what differs): a --name tells "
        f"them apart in `newsbot feeds list`, and `newsbot feeds remove {feed.id}` names this one"
    )


POLL = "newsbot feeds poll"  # what its lines on stderr open with, as every command's do

# A feed's entries are stored, and only then marked seen, in one transaction
# (`retrieval.feeds.poll`): a poll stopped keeps every feed's whole, or none of it.
POLL_INTERRUPTED = (
    "interrupted: the feeds it finished are stored, the others are fetched "
    "again at the next poll (nothing is stored twice)"
)


def _poll_fault(exc: sqlite3.DatabaseError) -> str:
    """What stopped a poll's writes, and what to do."""
    again = "poll again: the entries stored are not fetched again"
    return storage_fault(exc, again) or f"the database failed ({exc}); poll again later"


async def _poll(settings: Settings, args: argparse.Namespace) -> int:
    async with feed_registry(settings.db_path, reads_only=True) as registry:
        if not await registry.all():  # said before the index is loaded, or built, for nothing
            print(NO_FEEDS)  # under --quiet too: a cron job on a database without feeds
            return EXIT_OK
    engine = await Engine.open(settings.db_path)
    unsaved: IndexWriteError | None = None
    try:
        async with Fetcher(allow_private=settings.allow_private_urls) as fetcher:
            feeds = await (engine.active_feeds() if args.all else engine.due_feeds())
            registered = feeds or await engine.feeds()  # none due: is there any at all?
            started = time.monotonic()
            with progress_bar(len(feeds), "feeds", not args.quiet) as tick:

                def done(outcome: FeedOutcome) -> None:
                    tick(1)

                try:
                    report = await engine.poll_feeds(fetcher, feeds, on_feed=done)
                except sqlite3.DatabaseError as exc:  # every feed would fail alike: stop
                    print(f"{POLL}: stopped early: {_poll_fault(exc)}", file=sys.stderr)
                    return EXIT_FAILED
                except asyncio.CancelledError:  # Ctrl-C, SIGTERM: asyncio.run cancels us
                    print(f"{POLL}: {POLL_INTERRUPTED}", file=sys.stderr)
                    raise
        if report.changed:
            try:
                await engine.save_index()
            except IndexWriteError as exc:  # the articles are stored: report the poll first
                unsaved = exc
    finally:
        await engine.close()
    for feed in report.paused:
        # escaped (`shown_name`): its title and its last error (a reason phrase) are the
        # feed's and its server's to write, an ESC sequence or a U+202E in them too
        paused = (
            f"paused: feed {feed.id} ({feed.label}) after {counted(feed.failures, 'failure')} "
            f"in a row: {feed.last_error}; `newsbot feeds add {feed.shown_url}` resumes it"
        )
        credentials = " (its credentials, or new ones, in place of ***)"
        print(
            shown_name(paused) + (credentials if feed.shown_url != feed.url else ""),
            file=sys.stderr,
        )
    # why each failed, as ingest names each file's failure; once: where the poll's own log
    # line is shown, it says it (not under cron's NEWSBOT_LOG_LEVEL=ERROR)
    logged = logging.getLogger(poll.__name__).isEnabledFor
    for outcome in report.outcomes:
        level = (
            logging.WARNING if outcome.status == PollStatus.FAILED else logging.INFO
        )  # as logged
        failed = outcome.status in (PollStatus.FAILED, PollStatus.REMOVED)
        if failed and not outcome.paused and not logged(level):
            print(outcome.line(), file=sys.stderr)
    if not registered:  # every feed removed since it looked (`feeds remove` meanwhile)
        print(NO_FEEDS)
        return EXIT_OK
    if not feeds:
        if all(feed.paused for feed in registered):  # --all would poll none either
            # under --quiet too, on stderr: cron mails it, as the admin's to deal with
            print(
                "every feed is paused: `newsbot feeds list` says why, and adding one again"
                " (`newsbot feeds add URL`) resumes it",
                file=sys.stderr if args.quiet else sys.stdout,
            )
        elif not args.quiet:
            print("no feeds are due" + ("" if args.all else " (use --all to poll them anyway)"))
        return EXIT_OK
    # --quiet, for cron: a poll that went well says nothing, so cron mails only what needs
    # the admin (a feed failed or paused: named above; an entry's problem: logged)
    if not args.quiet or report.failed or unsaved is not None:
        print(f"{report.summary()} in {time.monotonic() - started:.1f} s")
    if unsaved is not None:
        print(f"{POLL}: {unsaved}", file=sys.stderr)
    return EXIT_FAILED if report.failed or unsaved is not None else EXIT_OK
