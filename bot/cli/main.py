"""The `newsbot` command line: the parser, and `main`, which runs a command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import logging
import os
import re
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, timedelta
from typing import Any

from bot.cli import ask as cli_ask
from bot.cli import backup as cli_backup
from bot.cli import commands
from bot.cli import feeds as cli_feeds
from bot.cli import forget as cli_forget
from bot.cli.commands import EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.cli.version import version_text
from bot.config import Settings
from bot.logs import log_to_stderr, quiet_http_logs
from bot.times import MOMENT_EXAMPLES, NotAMoment, moment_of
from retrieval.compiled import COMPILING, is_compiled
from retrieval.corpus.db import (
    UPGRADE_INTERRUPTED,
    kept_locked,
    locked_too_long,
    migrations_pending,
    upgrade,
)
from retrieval.corpus.formats import EXPANSION_FLOOR, EXPANSION_RATIO, suffixes_listed
from retrieval.corpus.records import size_text
from retrieval.digest.digest import DEFAULT_LIMIT
from retrieval.errors import NO_ROOM, ConfigError, NewsbotError, StoreError
from retrieval.finishing import finishing
from retrieval.wording import shown_name

# What each command does: a line for `newsbot --help`, in full for `newsbot NAME --help`.
_HELP = {
    "ingest": (
        "add articles from files, folders and web pages",
        f"Add articles from {suffixes_listed('and')} files (also .gz), from folders, "
        "recursively, and from web pages by their http(s) address, fetched as a feed's pages "
        "are. Duplicates are skipped; bad files and pages are reported by name.",
    ),
    "ask": (
        "answer a question with quoted passages",
        "Print the passages that best answer QUESTION, with their sources, as of --as-of "
        "(default: now). Without QUESTION, answer each line of standard input; a line that is "
        'a JSON object {"question": ..., "as_of": ..., "limit": ...} is a request of its own.',
    ),
    "stats": (
        "corpus size: articles, passages, outlets, dates",
        "Print the corpus size: articles, sentences, outlets and date range, and how many "
        "articles have the sentences of an older splitter (reindex re-splits them).",
    ),
    "remove": (
        "take articles out: retracted, or stored by mistake",
        "Remove articles, each named by its id (`ask --json` shows it) or its address: "
        "their text and sentences are deleted, no answer or digest quotes them, and no feed "
        "brings them back (an ingest by hand does). Exits 1 if any names no stored article.",
    ),
    "reindex": (
        "re-split what an older version split, and rebuild the search index",
        "Split again, from its stored text, every article whose sentences an older"
        " version's splitter made; rebuild the index next to the database from scratch; and"
        " read what ingest reads once (each sentence's names and numbers, each title's"
        " terms) wherever the database lacks it: stored before, or by another version.",
    ),
    "backup": (
        "copy the database, while the bot runs",
        "Copy the database to PATH as it is at one moment, while the bot and a cron `feeds "
        "poll` go on writing it (a plain cp of the file misses what its -wal log holds); a "
        "read-only database too. The index files are not copied: they are rebuilt from the "
        "database where it is restored.",
    ),
    "forget": (
        "forget what is past NEWSBOT_KEEP_DAYS, or one chat's or user's data",
        "Delete, overwritten, what chats asked (questions, answers, votes) older than "
        "NEWSBOT_KEEP_DAYS and the subscriptions ended as long ago (--expired: what a running "
        "bot deletes hourly, and a backup leaves out of its copy); or every row naming one "
        "chat (--chat) or one user (--user), on their request.",
    ),
    "digest": (
        "print the digest of recent news",
        "Print the news of a period grouped into stories, most widely carried first, each "
        "with a sentence or two and its outlets: what a subscribed chat receives.",
    ),
    "run": (
        "run the Telegram bot (long polling)",
        "Run the Telegram bot until interrupted. Needs TELEGRAM_BOT_TOKEN. A database serves "
        "the bot that first ran on it; another bot is refused (give it its own NEWSBOT_DB), "
        "unless --take-over hands the database over to it.",
    ),
    "feeds": (
        "news feeds: add, list, remove, poll",
        "Manage the RSS and Atom feeds newsbot polls for new articles. The bot polls due feeds "
        "by itself while it runs; `feeds poll` does one round, for cron.",
    ),
    "feeds add": (
        "register a feed (RSS or Atom URL)",
        "Register a feed, due at once, once it has answered as one: a new address is "
        "fetched, and what is no RSS or Atom feed (a 404, a web page) is refused, naming the "
        "feed a web page names. Adding a feed again resumes it if it was paused, and "
        "changes its name or interval where given; its address with other credentials (a "
        "rotated token, a new password) updates that feed's, which keeps its id and entries.",
    ),
    "feeds list": (
        "feeds with last fetch, last error, article count",
        "List the feeds: id, status, interval, articles, last fetch and error.",
    ),
    "feeds remove": (
        "stop polling feeds (their articles stay)",
        "Forget feeds, each named by its id or its address; the articles they brought stay "
        "in the corpus. Exits 1 if any names no feed.",
    ),
    "feeds poll": (
        "poll the due feeds once (for cron)",
        "Poll every due feed once, store new articles and update the index on disk. Exits 1 "
        "if any feed failed.",
    ),
}


class _Commands:
    """The subcommands of a parser; each takes the common options (--db) and says what it
    does in a line (`newsbot --help`) and in full (`newsbot NAME --help`)."""

    def __init__(
        self,
        parser: argparse.ArgumentParser,
        common: argparse.ArgumentParser,
        dest: str,
        metavar: str,
        within: str = "",
    ) -> None:
        self._group = parser.add_subparsers(dest=dest, required=True, metavar=metavar)
        self._common = common
        self._within = within  # "feeds " for feeds' own commands

    def add(self, name: str) -> argparse.ArgumentParser:
        summary, description = _HELP[self._within + name]
        return self._group.add_parser(
            name, parents=[self._common], help=summary, description=description
        )


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
    parser.add_argument(
        "--version",
        action=_PrintVersion,
        help="print the installed version, the commit of the checkout it runs from (when it "
        "does), the database schema it writes and its splitter's",
    )
    top = _Commands(parser, common, "command", "COMMAND")

    ingest = top.add("ingest")
    ingest.add_argument(
        "paths",
        nargs="+",
        metavar="PATH|URL",
        help="a file, a folder, or a web page's http:// or https:// address (its article is "
        "read as a feed's page is; a host of your own network where "
        "NEWSBOT_ALLOW_PRIVATE_URLS lists it)",
    )
    ingest.add_argument(
        "--quiet",
        action="store_true",
        help="for cron: nothing printed or logged for an ingest that went well; only "
        "warnings and errors (what failed or needs a look, with the ingest's summary)",
    )
    ingest.add_argument(
        "--archive",
        action="store_true",
        help="a backfill of old news: searched as any other, but kept out of digests (an "
        "undated article would count from now, as the day's news); archives those of its "
        "articles already stored too",
    )
    ingest.add_argument(
        "--max-expanded",
        type=size_value,
        default=None,
        metavar="SIZE",
        help="most one compressed file may decompress to, e.g. 800M or 4G (default: "
        f"{EXPANSION_RATIO} times its size, at least {size_text(EXPANSION_FLOOR)}); a guard "
        "against decompression bombs",
    )

    cli_ask.add_arguments(top.add("ask"))

    stats = top.add("stats")
    stats.add_argument(
        "--json",
        action="store_true",
        help=f"one JSON object: {', '.join(commands.STATS_FIELDS)} (README: Scripting)",
    )
    stats.add_argument(
        "--outlets",
        action="store_true",
        help="also each outlet's articles, most first, as the bot's /sources lists them "
        '(--json: a "sources" list of {"outlet", "articles"})',
    )
    remove = top.add("remove")
    remove.add_argument(
        "refs", nargs="+", metavar="ARTICLE", help="an article's id, or its address (URL)"
    )
    reindex = top.add("reindex")
    reindex.add_argument(
        "--quiet",
        action="store_true",
        help="for cron: nothing printed or logged for a reindex that went well; only warnings "
        "and errors (the index not saved, the reindex stopped)",
    )
    cli_backup.add_arguments(top.add("backup"))
    cli_forget.add_arguments(top.add("forget"))
    _add_feeds(top, common)
    digest = top.add("digest")
    digest.add_argument(
        "--since",
        type=since_value,
        default="24h",
        metavar="WHEN",
        help="start: a duration back from --until (24h, 90m, 2d), or a date, an ISO week "
        "(2022-W23) or a month (2022-06), from its start, or a time (default 24h; without an "
        "offset, in NEWSBOT_TIMEZONE)",
    )
    digest.add_argument(
        "--until",
        type=until_value,
        metavar="WHEN",
        help="end: a date, an ISO week or a month, through its end, as ask --as-of reads it "
        "(2022-06-05, 2022-W23 through its Sunday, 2022-06 through the 30th), or a time, not "
        "included (default now)",
    )
    digest.add_argument(
        "--keywords",
        nargs="+",
        action="extend",  # --keywords oil --keywords gold: both
        default=[],
        metavar="WORD",
        help="only articles with any of these words, e.g. --keywords oil opec; a number "
        "goes with the word before it (apollo 11); an argument of words is one keyword, and "
        "one with quotes in it is read as /subscribe reads words ('\"Bank of England\" oil': "
        "two)",
    )
    digest.add_argument(
        "--limit",
        type=commands.count_value,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"stories at most (default {DEFAULT_LIMIT})",
    )
    digest.add_argument(
        "--json",
        action="store_true",
        help="one JSON object: since, until and the stories, each with every article that told it",
    )
    run = top.add("run")
    run.add_argument(
        "--take-over",
        action="store_true",
        help="hand the database over to this bot when it serves another (each database "
        "serves the bot that first ran on it): the other bot's chats are not this one's",
    )
    return parser


class _PrintVersion(argparse.Action):
    """--version: `version_text`, made only when asked for (it reads the checkout's .git),
    printed whole (argparse's own wraps it at the terminal's width)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(version_text())
        parser.exit()


def _add_feeds(top: _Commands, common: argparse.ArgumentParser) -> None:
    """`newsbot feeds add|list|remove|poll` (what they do is in bot.cli.feeds)."""
    feeds = top.add("feeds")
    actions = _Commands(feeds, common, "feeds_command", "ACTION", within="feeds ")
    add = actions.add("add")
    add.add_argument("url", metavar="URL", help="the feed's http(s) address")
    add.add_argument(
        "--name", help="outlet name to attribute its articles to (default: the feed's own title)"
    )
    add.add_argument(
        "--every",
        type=cli_feeds.interval_value,
        metavar="INTERVAL",
        help="how often to poll: 15m, 2h, 1h30m, 1d (default 15m)",
    )
    add.add_argument(
        "--no-check",
        dest="check",
        action="store_false",
        help="add it without fetching it first: a feed that is down for now (by default a "
        "new address is fetched once, and one that is no RSS or Atom feed, a 404 or a web "
        "page, is refused, naming the feed a page names)",
    )
    listing = actions.add("list")
    listing.add_argument(
        "--json",
        action="store_true",
        help='one JSON object, {"feeds": [...]}, each feed with '
        f"{', '.join(cli_feeds.FEED_FIELDS)}; its address with its credentials masked, "
        "has_credentials whether it carries any (README: Scripting)",
    )
    remove = actions.add("remove")
    remove.add_argument("feeds", nargs="+", metavar="URL|ID")
    poll = actions.add("poll")
    poll.add_argument(
        "--all",
        action="store_true",
        help="poll every feed that is not paused, due or not (a failure of one still backing "
        "off is not counted toward pausing it)",
    )
    poll.add_argument(
        "--quiet",
        action="store_true",
        help="for cron: nothing printed or logged for a poll that went well; only warnings "
        "and errors (a feed failed or paused, with the poll's summary; an entry's problem)",
    )


_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def size_value(text: str) -> int:
    """A size in bytes: 4G, 500M, 64KiB or a plain number of bytes (binary units)."""
    match = _SIZE.match(text.strip())
    if not match or float(match[1]) <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size: use e.g. 500M, 4G or 2048K (bytes without a unit)"
        )
    return int(float(match[1]) * _SIZE_UNITS[match[2].lower()])


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhdw])$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def until_value(text: str) -> str:
    """A date, an ISO week, a month or a date-time, read to its end as `ask --as-of` reads it
    (`bot.times.moment_of`): checked here, and read in NEWSBOT_TIMEZONE by the command once
    the settings are loaded (here in UTC)."""
    try:
        moment_of(text, UTC, end=True)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


LONGEST_SINCE = timedelta(days=100 * 365)  # "since 1000000d" would run past year 1: OverflowError


def since_value(text: str) -> timedelta | str:
    """A duration (24h, 90m, 2d, 1w; at most a century), or a date, an ISO week, a month or
    a date-time, read from its start (`bot.times.moment_of`)."""
    match = _DURATION.match(text.strip())
    if match:
        amount, unit = float(match[1]), _UNITS[match[2].lower()]
        if amount > LONGEST_SINCE / timedelta(**{unit: 1}):
            raise argparse.ArgumentTypeError(
                f"{text!r} is too long ago: use at most {LONGEST_SINCE.days}d, or a date"
            )
        return timedelta(**{unit: amount})
    try:
        moment_of(text, UTC, end=False)
    except NotAMoment:
        forms = f"24h, 90m, 2d, {MOMENT_EXAMPLES}"
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a duration nor a date: use e.g. {forms}"
        ) from None
    except ValueError as exc:  # a week or month that is none, a date out of range
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


COMMANDS = {
    "ingest": commands.cmd_ingest,
    "ask": cli_ask.cmd_ask,
    "stats": commands.cmd_stats,
    "remove": commands.cmd_remove,
    "reindex": commands.cmd_reindex,
    "backup": cli_backup.cmd_backup,
    "forget": cli_forget.cmd_forget,
    "feeds": cli_feeds.cmd_feeds,
    "digest": commands.cmd_digest,
}


class _StopSignals:
    """While a command runs, SIGTERM (systemd's stop, `timeout`, a cron job's end) stops it
    as Ctrl-C does, by cancelling it: what it did is said and kept. It ended one without a
    word, status 143 from the kernel, an ingest's summary and the hint to run it again
    unprinted. Told again, it ends the command at once (SIGTERM by the kernel, Ctrl-C by
    KeyboardInterrupt), unless what must not be left halfway is under way (`finishing`)."""

    def __init__(self) -> None:
        self.by = signal.SIGINT  # what stopped the command
        self._told = False  # whether a stop was heard
        self._before: Any = None
        self._before_int: Any = None
        self._command: asyncio.Task[int] | None = None

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():  # where Python handles them
            self._before = signal.signal(signal.SIGTERM, self._terminated)
            # Ctrl-C as asyncio.run hears it, but for a second one while work that must
            # not be left halfway is under way (`finishing`): asyncio's raised
            # KeyboardInterrupt, and asyncio.run then cancelled every task, a removal's
            # transaction too, rolled back or committed unsaid. Left ignored where it is
            # (a job a shell starts in the background), as asyncio.run leaves it.
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                self._before_int = signal.signal(signal.SIGINT, self._interrupted)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._before is not None:
            signal.signal(signal.SIGTERM, self._before)
        if self._before_int is not None:
            signal.signal(signal.SIGINT, self._before_int)

    async def run(self, command: Coroutine[Any, Any, int]) -> int:
        """`command`, cancelled by SIGTERM, and by Ctrl-C where SIGINT is not ignored (as it
        is in a job a shell starts in the background)."""
        self._command = asyncio.current_task()
        return await command

    def _interrupted(self, signum: int, frame: Any) -> None:
        command = self._command
        if self._told and finishing():  # waited for, as the first stop waits
            return
        if self._told or command is None:  # told twice: as asyncio.run's handler does
            raise KeyboardInterrupt
        self._stop(signal.SIGINT, command)

    def _terminated(self, signum: int, frame: Any) -> None:
        command = self._command
        if self._told and finishing():  # waited for, as the first stop waits
            return
        if self.by == signal.SIGTERM or command is None:
            # not started yet, or told twice (a cancelled command waits for the work its
            # worker thread is doing: a first compile, a digest): ended by the kernel now
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.raise_signal(signal.SIGTERM)
        self._stop(signal.SIGTERM, command)

    def _stop(self, by: signal.Signals, command: asyncio.Task[int] | None) -> None:
        """Cancel `command`, stopped `by` a signal (said in the status)."""
        self.by = by
        self._told = True
        if command is not None and not command.done():
            with contextlib.suppress(RuntimeError):  # its loop closed: the command is over
                command.get_loop().call_soon_threadsafe(command.cancel)

    @property
    def status(self) -> int:
        return 128 + self.by  # as a shell reports a command the signal ended


def _opens_engine(args: argparse.Namespace) -> bool:
    """Whether the command opens the engine (and compiles its kernels the first time)."""
    return (
        args.command in ("ingest", "ask", "reindex")
        or getattr(args, "feeds_command", None) == "poll"
    )


def _upgrade_first(settings: Settings, args: argparse.Namespace) -> int | None:
    """Move the database to this newsbot's schema before the command runs, saying so first
    when that moves stored articles: on a terminal in a line of its own, as the first
    compile is said, else in the log (the bot's, at INFO). None when done; when Ctrl-C or
    SIGTERM stopped it, said so, and the exit status (the command's own words, "reindex
    interrupted...", would be wrong). Nothing is done with none pending, so that a Ctrl-C
    as the command opens the database is the command's to tell: an up-to-date database is
    not said to be moving. A backup copies the database as it is, an older schema too; the
    bot moves it itself once its settings are checked (a trial `run` of a newer build
    refused for its token leaves the database to the version installed)."""
    if args.command in ("backup", "run") or not migrations_pending(settings.db_path):
        return None
    tell = None  # logged
    if sys.stderr.isatty():

        def tell(note: str) -> None:
            print(f"{said_by(args)}: {note}", file=sys.stderr)

    stops = _StopSignals()  # its own: the command's starts anew
    try:
        with stops:
            asyncio.run(stops.run(_upgrade(settings, tell)))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print(f"{said_by(args)}: {UPGRADE_INTERRUPTED}", file=sys.stderr)
        return stops.status
    except StoreError:  # a lock held too long (`_upgrade`): said once, not waited out twice
        return _said_locked(args)
    return None


async def _upgrade(settings: Settings, tell: Callable[[str], None] | None) -> int:
    """The upgrade; StoreError only for a lock another process held past the busy timeout.
    Any other database that cannot be opened or moved (a full disk, not newsbot's) is the
    command's to tell, in its words: some read it as it is all the same."""
    try:
        await upgrade(settings.db_path, tell)
    except StoreError as exc:
        if exc.__cause__ is not None and kept_locked(exc.__cause__):
            raise
    return EXIT_OK


def _said_locked(args: argparse.Namespace) -> int:
    """Say that another process kept the database locked past the busy timeout, in the one
    wording every command uses (`locked_too_long`); the exit status."""
    why, what = locked_too_long()
    print(f"{said_by(args)}: {why}: {what}, then run the command again", file=sys.stderr)
    return EXIT_FAILED


def said_by(args: argparse.Namespace) -> str:
    """What each line a command says on stderr opens with: "newsbot ingest", "newsbot feeds
    poll", as the commands' own errors do, whatever part of newsbot said it."""
    action = getattr(args, "feeds_command", None)
    return f"newsbot {args.command}" + (f" {action}" if action else "")


def _writable_anywhere() -> None:
    """Let stdout and stderr write what their encoding lacks as escapes (a Cyrillic title as
    \\u041a... on a Latin-1 terminal, a KOI8-R locale's "é"), rather than end in a traceback
    partway through an answer or a digest."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper) or stream.errors == "backslashreplace":
            continue
        # "strict", or the C locale's "surrogateescape", which fails on any non-ASCII
        if not stream.encoding.lower().replace("_", "-").startswith("utf"):
            stream.reconfigure(errors="backslashreplace")


# What an unset variable passes (`newsbot ingest "$INCOMING"` in a cron job): read as ".",
# an ingest added every file under the folder it ran in; --db fell back to NEWSBOT_DB, and
# a backup to " " wrote a file of that name.
BLANK_PATHS = {
    "ingest": "an empty path: name a file or folder (. for this one)",
    "backup": "an empty path: name the backup's file, e.g. ./news.db",
}
BLANK_DB = "--db is empty: name the database's file (leave --db out for $NEWSBOT_DB)"


def blank_path(args: argparse.Namespace) -> str | None:
    """Why a PATH given (ingest's, backup's, --db) is no path: empty, or spaces alone;
    None when each is one."""
    if (db := getattr(args, "db", None)) is not None and not db.strip():
        return BLANK_DB
    given = list(getattr(args, "paths", []))  # ingest's files, folders and addresses
    if args.command == "backup":
        given.append(args.path)
    return BLANK_PATHS[args.command] if any(not path.strip() for path in given) else None


def main(argv: Sequence[str] | None = None) -> int:
    _writable_anywhere()
    args = build_parser().parse_args(argv)
    if (blank := blank_path(args)) is not None:  # before a database is opened, or made
        print(f"{said_by(args)}: {blank}", file=sys.stderr)
        return EXIT_USAGE
    try:
        settings = Settings.load(db=getattr(args, "db", None))
    except ConfigError as exc:
        print(f"{said_by(args)}: {shown_name(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    level = logging.getLevelNamesMapping()[settings.log_level]
    if getattr(args, "quiet", False):  # warnings and errors only: cron mails any output
        level = max(level, logging.WARNING)
    log_to_stderr(level)
    quiet_http_logs()
    stops = _StopSignals()
    try:
        if (stopped := _upgrade_first(settings, args)) is not None:
            return stopped
        if args.command == "run":
            return commands.cmd_run(settings, args)
        if _opens_engine(args) and sys.stderr.isatty() and not is_compiled():
            print(f"{said_by(args)}: {COMPILING}", file=sys.stderr)
        with stops:
            return asyncio.run(stops.run(COMMANDS[args.command](settings, args)))
    except NewsbotError as exc:  # one line, whatever a path it names holds
        print(f"{said_by(args)}: {shown_name(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    except sqlite3.OperationalError as exc:
        if not kept_locked(exc):
            raise
        # a write of any command (remove, feeds add...) that waited out the busy timeout;
        # ingest and feeds poll say so in their own words (what they stored is kept)
        return _said_locked(args)
    except (KeyboardInterrupt, asyncio.CancelledError):  # Ctrl-C; SIGTERM
        return stops.status
    except BrokenPipeError:
        # The reader went away (`newsbot ask ... | head -1`): stop quietly, with the status
        # of a tool that SIGPIPE ended, and point stdout at /dev/null so that the
        # interpreter's last flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if exc.errno not in NO_ROOM:  # as stdout meets it
            raise
        # Output to a full disk or a quota's end (`> /dev/full`): said in one line, and
        # stdout pointed at /dev/null so that the interpreter's last flush does not fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"{said_by(args)}: cannot write the output: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
