"""The `newsbot` command line's parser: every command and its arguments, and what each does
in a line (`newsbot --help`) and in full (`newsbot NAME --help`).

What the commands do is theirs (`bot.cli.ingest`, `bot.cli.ask`, ...); `bot.cli.main` runs
the one parsed.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bot.cli import feeds as cli_feeds
from bot.cli import stats as cli_stats
from bot.cli.as_of import as_of_value
from bot.cli.ask_requests import question_value
from bot.cli.values import count_value, since_value, size_value, until_value
from bot.cli.version import version_text
from retrieval.corpus.formats import EXPANSION_FLOOR, EXPANSION_RATIO, suffixes_listed
from retrieval.corpus.records import size_text
from retrieval.digest.digest import DEFAULT_LIMIT

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

    ask = top.add("ask")
    ask.add_argument("question", nargs="?", type=question_value, metavar="QUESTION")
    ask.add_argument(
        "--limit",
        type=count_value,
        default=3,
        metavar="K",
        help="passages (default 3; at most what the question's 100 best windows hold, some 30-50)",
    )
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument(
        "--as-of",
        type=as_of_value,
        default=None,
        metavar="WHEN",
        help="answer as of this date or time: nothing published later is quoted and recent "
        "news counts more; a date, an ISO week (2022-W23) or a month (2022-06) means through "
        "its end; without "
        "an offset, in NEWSBOT_TIMEZONE (e.g. 2022-06-10 or 2022-06-10T18:30+02:00; "
        "default: now)",
    )

    stats = top.add("stats")
    stats.add_argument(
        "--json",
        action="store_true",
        help=f"one JSON object: {', '.join(cli_stats.STATS_FIELDS)} (README: Scripting)",
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
    backup = top.add("backup")
    # a str, checked by `bot.cli.main` (Path("") is ".", an empty argument lost)
    backup.add_argument("path", metavar="PATH", help="the file to write the copy to")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    forget = top.add("forget")
    forget.add_argument(
        "--quiet",
        action="store_true",
        help="for cron: nothing printed or logged when it went well; only warnings and errors",
    )
    what = forget.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--expired",
        action="store_true",
        help="what is older than NEWSBOT_KEEP_DAYS, and subscriptions ended as long ago: the "
        "step a running bot takes hourly, for a database no bot runs on (cron)",
    )
    what.add_argument(
        "--chat",
        type=int,
        metavar="ID",
        help="every row naming the chat ID (a group's negative id, or a user's private chat): "
        "its questions, answers, votes, subscription, deliveries and record",
    )
    what.add_argument(
        "--user",
        type=int,
        metavar="ID",
        help="every row naming the user ID: their private chat's (as --chat), and what they "
        "asked and voted in groups and inline; a group's subscription they made stays, "
        "without their id",
    )
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
        type=count_value,
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
