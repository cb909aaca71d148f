"""The `newsbot` command run: `main` reads the command line (`bot.cli.parser`), loads the
settings, moves the database to this newsbot's schema first, runs the command, and says in
one line how it ended when it failed, with its exit status.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence

from bot.cli import ask as cli_ask
from bot.cli import backup as cli_backup
from bot.cli import digest as cli_digest
from bot.cli import feeds as cli_feeds
from bot.cli import forget as cli_forget
from bot.cli import ingest as cli_ingest
from bot.cli import reindex as cli_reindex
from bot.cli import remove as cli_remove
from bot.cli import run as cli_run
from bot.cli import stats as cli_stats
from bot.cli.common import EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_OK, EXIT_USAGE
from bot.cli.parser import build_parser
from bot.cli.stopping import StopSignals
from bot.config import Settings
from bot.logs import log_to_stderr, quiet_http_logs
from retrieval.compiled import COMPILING, is_compiled
from retrieval.corpus.db import (
    UPGRADE_INTERRUPTED,
    kept_locked,
    locked_too_long,
    migrations_pending,
    upgrade,
)
from retrieval.errors import NO_ROOM, ConfigError, NewsbotError, StoreError
from retrieval.wording import shown_name

COMMANDS = {
    "ingest": cli_ingest.cmd_ingest,
    "ask": cli_ask.cmd_ask,
    "stats": cli_stats.cmd_stats,
    "remove": cli_remove.cmd_remove,
    "reindex": cli_reindex.cmd_reindex,
    "backup": cli_backup.cmd_backup,
    "forget": cli_forget.cmd_forget,
    "feeds": cli_feeds.cmd_feeds,
    "digest": cli_digest.cmd_digest,
}


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

    stops = StopSignals()  # its own: the command's starts anew
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
    stops = StopSignals()
    try:
        if (stopped := _upgrade_first(settings, args)) is not None:
            return stopped
        if args.command == "run":
            return cli_run.cmd_run(settings, args)
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
