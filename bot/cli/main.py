"""The `newsbot` command line: the parser, and `main`, which runs a command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cli import commands
from bot.cli import feeds as cli_feeds
from bot.cli.commands import EXIT_FAILED, EXIT_USAGE
from bot.config import Settings
from bot.logs import quiet_http_logs
from retrieval.digest.digest import DEFAULT_LIMIT
from retrieval.errors import ConfigError, NewsbotError


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's copy of --db must not reset a value given before it.
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="SQLite database (default: $NEWSBOT_DB, else newsbot.db)",
    )
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Ask questions about your news corpus; get quoted passages with sources.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        parents=[common],
        help="add articles from files and folders",
        description="Add articles from .txt, .json, .jsonl and .html files (also .gz), and "
        "from folders, recursively. Duplicates are skipped; bad files are reported by name.",
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    ask = commands.add_parser(
        "ask",
        parents=[common],
        help="answer a question with quoted passages",
        description="Print the passages that best answer QUESTION, with their sources. "
        "Without QUESTION, answer each line of standard input.",
    )
    ask.add_argument("question", nargs="?", metavar="QUESTION")
    ask.add_argument("--limit", type=int, default=3, metavar="K", help="passages (default 3)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")

    commands.add_parser(
        "stats",
        parents=[common],
        help="corpus size: articles, passages, outlets, dates",
        description="Print the corpus size: articles, sentences, outlets and date range.",
    )
    commands.add_parser(
        "reindex",
        parents=[common],
        help="rebuild the search index from the database",
        description="Rebuild the index next to the database from scratch.",
    )
    cli_feeds.add_parser(commands, common)
    digest = commands.add_parser(
        "digest",
        parents=[common],
        help="print the digest of recent news",
        description="Print the news of a period grouped into stories, most widely carried "
        "first, each with a sentence or two and its outlets: what a subscribed chat receives.",
    )
    digest.add_argument(
        "--since",
        type=since_value,
        default="24h",
        metavar="WHEN",
        help="start: a duration back from --until (24h, 90m, 2d) or an ISO date or time "
        "(default 24h)",
    )
    digest.add_argument(
        "--until",
        type=iso_value,
        default=None,
        metavar="WHEN",
        help="end: an ISO date or time (default now)",
    )
    digest.add_argument(
        "--keywords",
        nargs="+",
        default=[],
        metavar="WORD",
        help="only articles with any of these words, e.g. --keywords oil opec",
    )
    digest.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"stories at most (default {DEFAULT_LIMIT})",
    )
    commands.add_parser(
        "run",
        parents=[common],
        help="run the Telegram bot (long polling)",
        description="Run the Telegram bot until interrupted. Needs TELEGRAM_BOT_TOKEN.",
    )
    return parser


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhdw])$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def iso_value(text: str) -> datetime:
    """An ISO date or datetime, as UTC when it names no offset."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or time: use e.g. 2024-11-25 or 2024-11-25T08:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def since_value(text: str) -> timedelta | datetime:
    """A duration (24h, 90m, 2d, 1w) or an ISO date or time."""
    match = _DURATION.match(text.strip())
    if match:
        return timedelta(**{_UNITS[match[2].lower()]: float(match[1])})
    try:
        return iso_value(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a duration nor a date: use e.g. 24h, 90m, 2d or 2024-11-25"
        ) from None


COMMANDS = {
    "ingest": commands.cmd_ingest,
    "ask": commands.cmd_ask,
    "stats": commands.cmd_stats,
    "reindex": commands.cmd_reindex,
    "feeds": cli_feeds.cmd_feeds,
    "digest": commands.cmd_digest,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.load(db=getattr(args, "db", None))
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    quiet_http_logs()
    try:
        if args.command == "run":
            return commands.cmd_run(settings, args)
        return asyncio.run(COMMANDS[args.command](settings, args))
    except NewsbotError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
