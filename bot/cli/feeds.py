"""`newsbot feeds ...`: register news feeds and poll them once (for cron) from the terminal."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC

from bot.cli.commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.config import Settings
from bot.progress import progress_bar
from bot.times import when
from retrieval.engine import Engine
from retrieval.errors import FeedError
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.poll import FeedOutcome
from retrieval.feeds.registry import Feed, format_interval, parse_interval


def _interval(text: str) -> float:
    try:
        return parse_interval(text)
    except FeedError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the `feeds` command group to the main parser's subcommands."""
    feeds = commands.add_parser(
        "feeds",
        parents=[common],
        help="news feeds: add, list, remove, poll",
        description="Manage the RSS and Atom feeds newsbot polls for new articles. The bot "
        "polls due feeds by itself while it runs; `feeds poll` does one round, for cron.",
    )
    actions = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add",
        parents=[common],
        help="register a feed (RSS or Atom URL)",
        description="Register a feed, due at once. Adding a feed again resumes it if it was "
        "paused, and changes its name or interval where given.",
    )
    add.add_argument("url", metavar="URL", help="the feed's http(s) address")
    add.add_argument(
        "--name", help="outlet name to attribute its articles to (default: the feed's own title)"
    )
    add.add_argument(
        "--every",
        type=_interval,
        metavar="INTERVAL",
        help="how often to poll: 15m, 2h, 1h30m, 1d (default 15m)",
    )
    actions.add_parser(
        "list",
        parents=[common],
        help="feeds with last fetch, last error, article count",
        description="List the feeds: id, status, interval, articles, last fetch and error.",
    )
    remove = actions.add_parser(
        "remove",
        parents=[common],
        help="stop polling a feed (its articles stay)",
        description="Forget a feed; the articles it brought stay in the corpus.",
    )
    remove.add_argument("feed", metavar="URL|ID")
    poll = actions.add_parser(
        "poll",
        parents=[common],
        help="poll the due feeds once (for cron)",
        description="Poll every due feed once, store new articles and update the index on "
        "disk. Exits 1 if any feed failed.",
    )
    poll.add_argument(
        "--all", action="store_true", help="poll every feed that is not paused, due or not"
    )
    poll.add_argument("--quiet", action="store_true", help="no progress bar")


def render_feeds(feeds: list[Feed]) -> str:
    if not feeds:
        return "no feeds yet: add one with `newsbot feeds add URL`"
    lines = []
    for feed in feeds:
        fetched = when(feed.last_fetch_ts, UTC)
        lines.append(
            f"{feed.id:>3}  {feed.status:<12} every {format_interval(feed.interval):<6}"
            f" {feed.articles:>5} articles  last fetch {fetched}  {feed.label}"
        )
        if feed.label != feed.url:
            lines.append(f"     {feed.url}")
        if feed.last_error:
            retry = (
                "re-add it to resume"
                if feed.paused
                else f"next try {when(feed.next_poll_ts, UTC)}"
            )
            lines.append(f"     last error: {feed.last_error} ({retry})")
    return "\n".join(lines)


async def cmd_feeds(settings: Settings, args: argparse.Namespace) -> int:
    if args.feeds_command == "poll":
        return await _poll(settings, args)
    engine = await Engine.open(settings.db_path)
    try:
        if args.feeds_command == "add":
            try:
                feed, created = await engine.add_feed(args.url, args.name, args.every)
            except FeedError as exc:
                print(f"newsbot feeds add: {exc}", file=sys.stderr)
                return EXIT_USAGE
            verb = "added" if created else "updated (and resumed)"
            print(
                f"{verb} feed {feed.id}: {feed.label}, every {format_interval(feed.interval)}"
                "; it is due now (newsbot feeds poll, or the running bot, fetches it)"
            )
        elif args.feeds_command == "list":
            print(render_feeds(await engine.feeds()))
        else:
            feed = await engine.remove_feed(args.feed)
            print(
                f"removed feed {feed.id} ({feed.label}); its {feed.articles} articles stay "
                "in the corpus"
            )
    finally:
        await engine.close()
    return EXIT_OK


async def _poll(settings: Settings, args: argparse.Namespace) -> int:
    engine = await Engine.open(settings.db_path)
    try:
        async with Fetcher(allow_private=settings.allow_private_urls) as fetcher:
            feeds = await (engine.active_feeds() if args.all else engine.due_feeds())
            started = time.monotonic()
            with progress_bar(len(feeds), "feeds", not args.quiet) as tick:

                def done(outcome: FeedOutcome) -> None:
                    tick(1)

                report = await engine.poll_feeds(fetcher, feeds, on_feed=done)
        if report.added:
            await engine.save_index()
    finally:
        await engine.close()
    for feed in report.paused:
        print(
            f"paused: feed {feed.id} ({feed.label}) after {feed.failures} failures in a "
            f"row: {feed.last_error}; `newsbot feeds add {feed.url}` resumes it",
            file=sys.stderr,
        )
    if not feeds:
        print("no feeds are due" + ("" if args.all else " (use --all to poll them anyway)"))
        return EXIT_OK
    print(f"{report.summary()} in {time.monotonic() - started:.1f} s")
    return EXIT_FAILED if report.failed else EXIT_OK
