"""The `newsbot` command line: ingest, ask, digest, stats, and run the bot."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import cli_feeds
from bot.config import ConfigError, Settings
from bot.logs import quiet_http_logs
from bot.progress import progress_bar
from retrieval.digest import DEFAULT_LIMIT, Digest, Period, build_digest, keyword_terms
from retrieval.engine import Engine
from retrieval.errors import NewsbotError
from retrieval.ingest import ingest_paths
from retrieval.models import Passage
from retrieval.schedule import parse_zone
from retrieval.search import SearchResult
from retrieval.tokens import Tokenizer

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
        "ingest", parents=[common], help="add articles from files and folders",
        description="Add articles from .txt, .json, .jsonl and .html files (also .gz), and "
        "from folders, recursively. Duplicates are skipped; bad files are reported by name.",
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")

    ask = commands.add_parser(
        "ask", parents=[common], help="answer a question with quoted passages",
        description="Print the passages that best answer QUESTION, with their sources. "
        "Without QUESTION, answer each line of standard input.",
    )
    ask.add_argument("question", nargs="?", metavar="QUESTION")
    ask.add_argument("--limit", type=int, default=3, metavar="K", help="passages (default 3)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")

    commands.add_parser(
        "stats", parents=[common], help="corpus size: articles, passages, outlets, dates",
        description="Print the corpus size: articles, sentences, outlets and date range.",
    )
    commands.add_parser(
        "reindex", parents=[common], help="rebuild the search index from the database",
        description="Rebuild the index next to the database from scratch.",
    )
    cli_feeds.add_parser(commands, common)
    digest = commands.add_parser(
        "digest", parents=[common], help="print the digest of recent news",
        description="Print the news of a period grouped into stories, most widely carried "
        "first, each with a sentence or two and its outlets: what a subscribed chat receives.",
    )
    digest.add_argument(
        "--since", type=since_value, default="24h", metavar="WHEN",
        help="start: a duration back from --until (24h, 90m, 2d) or an ISO date or time "
        "(default 24h)",
    )
    digest.add_argument(
        "--until", type=iso_value, default=None, metavar="WHEN",
        help="end: an ISO date or time (default now)",
    )
    digest.add_argument("--keywords", nargs="+", default=[], metavar="WORD",
                        help="only articles with any of these words, e.g. --keywords oil opec")
    digest.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                        help=f"stories at most (default {DEFAULT_LIMIT})")
    digest.add_argument("--json", action="store_true",
                        help="one JSON object: since, until and the stories, each with every "
                        "article that told it")
    commands.add_parser(
        "run", parents=[common], help="run the Telegram bot (long polling)",
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


async def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    engine = await Engine.open(settings.db_path)
    try:
        with progress_bar(None, "articles read", not args.quiet, "ingest") as tick:
            report = await ingest_paths(engine.store, args.paths, on_article=tick)
        with progress_bar(report.sentences, "sentences indexed", not args.quiet, "ingest") as tick:
            await engine.refresh(progress=tick)
        await engine.save_index()
    finally:
        await engine.close()
    for failure in report.failures:
        print(f"failed: {failure}", file=sys.stderr)
    print(report.summary())
    return EXIT_OK if report.ok else EXIT_FAILED


async def open_with_seeds(settings: Settings) -> Engine:
    """Open the engine; an empty database gets the bundled seed corpus first."""
    engine = await Engine.open(settings.db_path)
    report = await engine.seed_if_empty(settings.seeds_dir)
    if report is not None:
        print(f"the database was empty: ingested the bundled seeds from {settings.seeds_dir} "
              f"({report.summary()})", file=sys.stderr)
    elif await engine.store.is_empty():
        print(f"the database is empty and there is no seed folder at {settings.seeds_dir}:"
              " ingest some articles first (newsbot ingest PATH)", file=sys.stderr)
    return engine


def passage_json(passage: Passage) -> dict[str, Any]:
    a = passage.article
    return {
        "rank": passage.rank,
        "score": passage.score,
        "quote": passage.quote,
        "article": {
            "id": a.id, "title": a.title, "source": a.source, "authors": list(a.authors),
            "published": a.published, "url": a.url,
        },
    }


def result_json(result: SearchResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "question": result.question,
        "results": [passage_json(p) for p in result.passages],
    }
    if result.message:
        out["message"] = result.message
    return out


def render_text(result: SearchResult, color: bool) -> str:
    if not result.passages:
        return result.message or "No answer."
    blocks = []
    for passage in result.passages:
        quote = passage.quote
        if color:
            for start, end in reversed(passage.highlights):
                quote = f"{quote[:start]}\033[1m{quote[start:end]}\033[0m{quote[end:]}"
        a = passage.article
        source = " · ".join(
            part for part in (a.title, a.source, ", ".join(a.authors), a.published) if part
        )
        lines = [f"{passage.rank}. “{quote}”", f"   — {source}"]
        if a.url:
            lines.append(f"     {a.url}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


async def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    if args.limit < 1:
        print("newsbot ask: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    engine = await open_with_seeds(settings)
    try:
        questions = [args.question] if args.question is not None else (
            line.rstrip("\n") for line in sys.stdin
        )
        color = sys.stdout.isatty()
        for question in questions:
            result = await engine.searcher.search(question, limit=args.limit)
            if args.json:
                print(json.dumps(result_json(result), ensure_ascii=False), flush=True)
            else:
                if args.question is None:
                    print(f"? {question}")
                print(render_text(result, color), end="\n\n" if args.question is None else "\n",
                      flush=True)
    finally:
        await engine.close()
    return EXIT_OK


def render_digest(digest: Digest, zone: ZoneInfo) -> str:
    """The digest as plain text for a terminal."""

    def when(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    span = f"{when(digest.period_start)} to {when(digest.period_end)} ({zone.key})"
    if not digest.items:
        about = f" about {' '.join(digest.keywords)}" if digest.keywords else ""
        return f"No new articles{about} from {span}."
    head = f"News from {span}: {digest.stories} stories from {digest.articles} articles"
    if digest.keywords:
        head += f", about {' '.join(digest.keywords)}"
    if digest.stories > len(digest.items):
        head += f"; the top {len(digest.items)}"
    blocks = [head + "."]
    for number, item in enumerate(digest.items, start=1):
        lines = [f"{number}. {item.headline}"]
        if item.extract:
            lines.append(f"   {item.extract}")
        carried = ", ".join(item.outlets) or "unknown outlet"
        lines.append(f"   {carried} · {when(item.published)}")
        if item.url:
            lines.append(f"   {item.url}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def digest_json(digest: Digest) -> dict[str, Any]:
    """The digest as data: every story with every article that told it, best story first."""
    return {
        "since": digest.period_start.isoformat(),
        "until": digest.period_end.isoformat(),
        "stories": [
            {
                "rank": rank,
                "title": item.headline,
                "extract": item.extract,
                "articles": [
                    {"id": a.id, "title": a.title, "source": a.source, "url": a.url,
                     "published": a.published}
                    for a in item.articles
                ],  # fmt: skip
            }
            for rank, item in enumerate(digest.items, start=1)
        ],
    }


async def cmd_digest(settings: Settings, args: argparse.Namespace) -> int:
    if args.limit < 1:
        print("newsbot digest: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    try:
        zone = parse_zone(settings.timezone)
        keyword_terms(args.keywords, Tokenizer())
    except ValueError as exc:
        print(f"newsbot digest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    until = args.until or datetime.now(UTC)
    since = until - args.since if isinstance(args.since, timedelta) else args.since
    if since >= until:
        print("newsbot digest: --since must be before --until", file=sys.stderr)
        return EXIT_USAGE
    engine = await Engine.open(settings.db_path)
    try:
        digest = await build_digest(engine.conn, Period(since, until), args.keywords, args.limit)
    finally:
        await engine.close()
    if args.json:
        print(json.dumps(digest_json(digest), ensure_ascii=False))
    else:
        print(render_digest(digest, zone))
    return EXIT_OK


async def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    engine = await Engine.open(settings.db_path)
    try:
        stats = await engine.store.stats()
    finally:
        await engine.close()
    print(f"articles:   {stats.articles}")
    print(f"passages:   {stats.sentences} sentences")
    print(f"outlets:    {stats.outlets}")
    span = f"{stats.first_published} to {stats.last_published}" if stats.first_published else "-"
    print(f"published:  {span}")
    return EXIT_OK


async def cmd_reindex(settings: Settings, args: argparse.Namespace) -> int:
    import shutil

    from retrieval.persist import index_dir

    shutil.rmtree(index_dir(settings.db_path), ignore_errors=True)
    with progress_bar(None, "sentences", True, "reindex") as tick:
        engine = await Engine.open(settings.db_path, progress=tick)
    print(f"indexed {len(engine.index)} sentences")
    await engine.close()
    return EXIT_OK


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run_bot

    return int(run_bot(settings))


COMMANDS = {
    "ingest": cmd_ingest, "ask": cmd_ask, "stats": cmd_stats, "reindex": cmd_reindex,
    "feeds": cli_feeds.cmd_feeds, "digest": cmd_digest,
}  # fmt: skip


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
            return cmd_run(settings, args)
        return asyncio.run(COMMANDS[args.command](settings, args))
    except (NewsbotError, ConfigError) as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
