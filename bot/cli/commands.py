"""What each `newsbot` command does: ingest, digest, stats, remove, reindex, run (ask:
`bot.cli.ask`).

`bot.cli.main` calls these on the command line `bot.cli.parser` parsed; each returns the exit
status.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.bounds import (
    KEYWORDS_SHOWN,
    NAME_CHARS,
    OUTLETS_SHOWN,
    QUOTE_CHARS,
    TITLE_CHARS,
    clip,
    some_of,
)
from bot.config import Settings
from bot.progress import progress_bar
from bot.subscribe_words import phrases
from bot.times import day_in, iso_text, moment_of, published_text, story_times, utc_text, when
from retrieval.addresses import is_web_address
from retrieval.corpus.db import require_writable
from retrieval.corpus.ingest import LISTED_DUPLICATES, LISTED_PER_FILE, IngestReport
from retrieval.corpus.removals import RemovalReport
from retrieval.corpus.resplit import ResplitReport
from retrieval.corpus.store import CorpusStats
from retrieval.digest.digest import Digest, Period, keyword_labels, typed_keywords
from retrieval.engine import Engine
from retrieval.errors import NO_ROOM, DigestError, IndexWriteError, StoreError
from retrieval.finishing import finished
from retrieval.index.tokens import Tokenizer
from retrieval.models import one_line
from retrieval.without_index import (
    clean_authors_stored,
    corpus_sources,
    corpus_stats,
    period_digest,
    remove_articles,
    resplit_articles,
)
from retrieval.wording import UNSHOWN, agreeing, counted, shown_name

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool its reader left
# Why an ingest stopped, when Ctrl-C stops it while it stores articles, or after, while it
# indexes them
INTERRUPTED = (
    "interrupted. The articles added are stored and are indexed when newsbot next opens the "
    "database; run the same ingest again to go on: what is stored already is skipped as a "
    "duplicate"
)
REINDEX_INTERRUPTED = (
    "interrupted: the index saved before serves until a reindex finishes (answers "
    "are as they were); run newsbot reindex again"
)
REINDEX_INTERRUPTED_SAVED = (
    "interrupted after it saved its new index, which serves from now on; it had not "
    "finished reading each sentence's names and numbers and each title's terms anew: run "
    "newsbot reindex again"
)
REMOVE_INTERRUPTED = "interrupted before it began: nothing was removed; run it again"
INTERRUPTED_INDEXING = (
    "interrupted while indexing. Every article is stored, and is indexed when newsbot next "
    "opens the database"
)


def count_value(text: str) -> int:
    """argparse type of a --limit: a whole number of at least 1. Checked here, as other
    values are, so that 0 is told with the usage line and exit 2, as "abc" is."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return count


def ingest_sources(given: list[str]) -> tuple[list[Path], list[str]]:
    """The files and folders among `ingest`'s arguments, and the web pages' addresses
    (http:// or https://), each in the order given."""
    addresses = [arg for arg in given if is_web_address(arg)]
    return [Path(arg) for arg in given if not is_web_address(arg)], addresses


async def cmd_ingest(settings: Settings, args: argparse.Namespace) -> int:
    paths, urls = ingest_sources(args.paths)
    made = MadeNote(settings.db_path, "newsbot ingest")
    engine = await Engine.open(settings.db_path)
    if not args.quiet:  # under --quiet, with the outcome (`_print_ingest`)
        made.tell()
    report = IngestReport()
    unsaved: IndexWriteError | None = None
    stopped = INTERRUPTED  # what Ctrl-C would have cut short
    try:
        with progress_bar(None, "articles read", not args.quiet, "ingest") as tick:
            await engine.ingest(
                paths,
                on_article=tick,
                max_expanded=args.max_expanded,
                archive=args.archive,
                report=report,
                zone=settings.zone,
                urls=urls,
                allow_private=settings.allow_private_urls,
            )
        stopped = INTERRUPTED_INDEXING
        with progress_bar(report.sentences, "sentences indexed", not args.quiet, "ingest") as tick:
            indexed = await engine.refresh(progress=tick)
        try:
            if indexed:
                await engine.save_index()
        except IndexWriteError as exc:  # the articles are stored: say so, then what failed
            unsaved = exc
    except asyncio.CancelledError:  # Ctrl-C: asyncio.run cancels us, then exits with 130
        report.stopped = stopped
        _print_ingest(report, args, made=made)
        raise
    finally:
        await engine.close()
    _print_ingest(report, args, unsaved is not None, made)
    if unsaved is not None:
        print(f"newsbot ingest: {shown_name(str(unsaved))}", file=sys.stderr)
    return EXIT_OK if report.ok and unsaved is None else EXIT_FAILED


def _print_ingest(
    report: IngestReport,
    args: argparse.Namespace,
    unsaved: bool = False,
    made: MadeNote | None = None,
) -> None:
    """What an ingest added, what failed and why, and why it stopped if it did; under
    --quiet, as for `feeds poll --quiet`, nothing for an ingest that went well (the summary
    with what failed or needs a look, or an index not saved). `made`: under --quiet, said
    first when the ingest made the database and failed, stopped or stored nothing."""
    # A mistyped --db in a cron job made an empty database unsaid, and its failure was read
    # as one of the real database's; an ingest that stored its articles stays silent.
    if made is not None and args.quiet and (not report.ok or unsaved or report.added == 0):
        made.tell()
    for failure in report.failures:
        print(f"failed: {failure}", file=sys.stderr)
    if report.unlisted:
        print(
            f"failed: {counted(report.unlisted, 'more bad record')}, not listed "
            f"(each file's first {LISTED_PER_FILE} reasons are)",
            file=sys.stderr,
        )
    if not args.quiet:
        for duplicate in report.copies:
            print(f"duplicate: {duplicate}", file=sys.stderr)
        if n := report.unlisted_copies:
            print(
                f"duplicate: {counted(n, 'more article')} found by "
                f"{agreeing(n, 'its', 'their')} text, not listed (the first "
                f"{LISTED_DUPLICATES} are)",
                file=sys.stderr,
            )
    for notice in report.notices:  # said with --quiet too: each needs a person's look
        print(f"warning: {notice}", file=sys.stderr)
    if report.unlisted_notices:
        print(
            f"warning: {counted(report.unlisted_notices, 'more warning')} of these kinds, "
            f"not listed (the first {LISTED_PER_FILE} are)",
            file=sys.stderr,
        )
    if not args.quiet or not report.ok or report.notices or unsaved:
        print(report.summary())
    if report.undated and not (args.archive or args.quiet):
        n = report.undated
        print(
            f"newsbot ingest: {counted(n, 'article')} added had no date, so "
            f"{agreeing(n, 'it counts', 'they count')} from now: the next digest takes "
            f"{agreeing(n, 'it', 'them')} as new. For a backfill of old news, `newsbot ingest "
            "--archive` keeps its articles out of digests (run again with it, it archives "
            f"{agreeing(n, 'this one', 'these')}).",
            file=sys.stderr,
        )
    if report.stopped:
        print(f"newsbot ingest: stopped early: {report.stopped}", file=sys.stderr)


def json_text(data: Any) -> str:
    """`data` as JSON for stdout, one line however its reader splits lines: its characters
    as they are where stdout takes any (UTF-8), else escaped (\\u041a), which every JSON
    reader reads back, rather than a traceback on a terminal or pipe in Latin-1 or KOI8-R.
    What a terminal would obey or hide (`wording.UNSHOWN`) is escaped all the same: JSON
    leaves a U+202E raw, which showed the rest of the line reversed, and a U+2028 or U+0085,
    where str.splitlines() breaks a line, so an answer echoing a question that held one was
    two lines to a reader that splits so."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("_", "-")
    dumped = json.dumps(data, ensure_ascii=not encoding.startswith("utf"))
    # only inside strings: JSON's own characters are ASCII, and it escapes C0 controls itself
    return UNSHOWN.sub(lambda char: f"\\u{ord(char[0]):04x}", dumped)


def text_block(*lines: str | None) -> str:
    """One item of a terminal listing: its lines that exist (an item may lack a URL)."""
    return "\n".join(line for line in lines if line)


def render_digest(digest: Digest, zone: ZoneInfo) -> str:
    """The digest as plain text for a terminal."""
    start, end = (
        when(moment, zone, "stamp") for moment in (digest.period_start, digest.period_end)
    )
    span = f"{start} to {end} ({zone.key})"
    # clipped as the bot clips them: a stored title or outlet may be of any length
    keywords = some_of(keyword_labels(digest.keywords), KEYWORDS_SHOWN)
    if not digest.items:
        about = f" about {keywords}" if digest.keywords else ""
        return f"No new articles{about} from {span}."
    head = (
        f"News from {span}: {counted(digest.stories, 'story', 'stories')} from "
        f"{counted(digest.articles, 'article')}"
    )
    if digest.keywords:
        head += f", about {keywords}"
    if digest.stories > len(digest.items):
        head += f"; the top {len(digest.items)}"
    blocks = [head + "."]
    for number, item in enumerate(digest.items, start=1):
        carried = some_of(item.outlets, OUTLETS_SHOWN) or "unknown outlet"
        blocks.append(
            text_block(
                f"{number}. {clip(item.headline, TITLE_CHARS)}",
                item.extract and f"   {clip(item.extract, QUOTE_CHARS)}",
                f"   {carried} · {story_times(item, zone)}",
                item.url and f"   {item.url}",
            )
        )
    return "\n\n".join(blocks)


def digest_json(digest: Digest) -> dict[str, Any]:
    """The digest as data: every story with every article that told it, best story first."""
    return {
        # the period's bounds in its zone, with their offset: a day or a month of the zone
        "since": iso_text(digest.period_start, digest.period_start.tzinfo or UTC),
        "until": iso_text(digest.period_end, digest.period_end.tzinfo or UTC),
        "stories": [
            {
                "rank": rank,
                "title": item.headline,
                "extract": item.extract,
                "articles": [
                    {
                        "id": a.id,
                        "title": a.title,
                        "source": a.source,
                        "url": a.url,
                        "published": published_text(a.published),
                    }
                    for a in item.articles
                ],
            }
            for rank, item in enumerate(digest.items, start=1)
        ],
    }


def require_database(db_path: Path) -> None:
    """StoreError unless there is a database at `db_path`. A command that only reads or
    rebuilds (stats, digest, reindex, feeds list and remove; ask, but at the default
    newsbot.db) given a mistyped --db would otherwise make an empty database there and
    report on it, as if the corpus were empty."""
    if not db_path.exists():
        where = "" if db_path.parent.is_dir() else f" (no folder {db_path.parent})"
        raise StoreError(
            f"no database at {db_path}{where}: newsbot ingest PATH makes one (in a folder "
            "that exists); --db or NEWSBOT_DB names another"
        )


class MadeNote:
    """What a command that makes the database where there is none (ingest, feeds add) says
    it did, as `ask` says it of the seeded one: a mistyped --db is told, not written to
    unsaid. Made before the command opens the database, `tell`s once it has."""

    def __init__(self, db_path: Path, said_by: str) -> None:
        self.db_path = db_path
        self.said_by = said_by  # what the command's lines open with: "newsbot ingest"
        self.missing = not db_path.exists()

    def tell(self) -> None:
        """Say on stderr that the database was made, if it was not there before."""
        if self.missing:
            print(
                f"{self.said_by}: there was no database at {self.db_path}: made one (--db or "
                "NEWSBOT_DB names another)",
                file=sys.stderr,
            )


_OPENING_QUOTES = tuple('"“„«')  # what opens a phrase in /subscribe's words


def keyword_args(args: list[str]) -> list[str]:
    """The keywords of `--keywords`: each argument one ("Bank of England", which the shell
    passed quoted), but one that holds a phrase in quotes the shell kept (`'"Wend Rovers"'`,
    `'"Wend Rovers" cup'`) read as /subscribe reads its words (`phrases`): the digest was
    about “"Wend Rovers"”, its quotes a part of the keyword."""
    return [
        keyword
        for arg in args
        for keyword in (
            phrases([arg]) if any(w.startswith(_OPENING_QUOTES) for w in arg.split()) else [arg]
        )
    ]


async def cmd_digest(settings: Settings, args: argparse.Namespace) -> int:
    zone = settings.zone
    try:
        keywords = typed_keywords(keyword_args(args.keywords), Tokenizer())
    except DigestError as exc:
        print(f"newsbot digest: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:  # checked when read, but a time near year 1 may be out of range only in `zone`
        # a date, a week or a month runs through its end, as `ask --as-of` reads it
        until = moment_of(args.until, zone, end=True) if args.until else datetime.now(UTC)
        # a duration is elapsed time, not wall-clock time across a change of clocks
        since = (
            (until.astimezone(UTC) - args.since).astimezone(until.tzinfo)
            if isinstance(args.since, timedelta)
            else moment_of(args.since, zone, end=False)
        )
    except (ValueError, OverflowError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "--since reaches before year 1"
        print(f"newsbot digest: {reason}", file=sys.stderr)
        return EXIT_USAGE
    if since >= until:
        print("newsbot digest: --since must be before --until", file=sys.stderr)
        return EXIT_USAGE
    require_database(settings.db_path)
    digest = await period_digest(settings.db_path, Period(since, until), keywords, args.limit)
    if args.json:
        print(json_text(digest_json(digest)))
    else:
        print(render_digest(digest, zone))
    return EXIT_OK


# `stats --json`'s fields, in order (README lists them with their types)
STATS_FIELDS = (
    "articles",
    "sentences",
    "outlets",
    "first_published",
    "last_published",
    "first_day",
    "last_day",
    "timezone",
    "undated",
    "ahead",
    "archived",
    "older_splits",
)


async def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    require_database(settings.db_path)
    stats = await corpus_stats(settings.db_path)
    sources = await corpus_sources(settings.db_path) if args.outlets else None
    if args.json:
        payload = stats_json(stats, settings.zone)
        if sources is not None:
            payload["sources"] = [{"outlet": name, "articles": n} for name, n in sources]
        print(json_text(payload))
    else:
        print(render_stats(stats, settings.zone))
        if sources is not None:
            print(render_sources(sources))
    return EXIT_OK


def render_sources(sources: list[tuple[str | None, int]]) -> str:
    """Each outlet and its articles, a line each, most first, as /sources counts them (and
    `--json` lists them), the articles that name no outlet among them."""
    rows = [
        (clip(one_line(name), NAME_CHARS) if name is not None else "(no outlet named)", count)
        for name, count in sources
    ]
    if not rows:
        return "by outlet:  none"
    width = max(len(name) for name, _ in rows)
    counts = max(len(f"{count:,}") for _, count in rows)
    lines = [f"  {name:<{width}}  {count:>{counts},}" for name, count in rows]
    return "\n".join(["by outlet:", *lines])


def render_stats(stats: CorpusStats, zone: ZoneInfo) -> str:
    """The corpus's figures for a terminal, a line each."""
    span = (
        f"{day_in(stats.first_published, zone)} to {day_in(stats.last_published, zone)}"
        if stats.first_published is not None and stats.last_published is not None
        else "none dated"
        if stats.undated
        else "none"
    )
    undated = f"; {stats.undated:,} undated" if stats.undated else ""
    ahead = (
        f"; {stats.ahead:,} dated ahead, quoted from "
        f"{agreeing(stats.ahead, 'its date', 'their dates')}"
        if stats.ahead
        else ""
    )
    lines = [
        f"articles:   {stats.articles:,}",
        f"passages:   {counted(stats.sentences, 'sentence')}",
        f"outlets:    {stats.outlets:,}",
        f"published:  {span}{undated}{ahead}",
        f"archived:   {stats.archived:,} (kept out of digests)",
    ]
    if older := stats.older_splits:
        lines.append(
            f"splitter:   {counted(older, 'article')} with the sentences of an older "
            f"splitter: newsbot reindex re-splits {agreeing(older, 'it', 'them')}"
        )
    return "\n".join(lines)


def stats_json(stats: CorpusStats, zone: ZoneInfo) -> dict[str, Any]:
    """The corpus's figures as data (STATS_FIELDS): the published range as moments in UTC,
    and as the days the text shows, in `zone`; a count the text leaves out when it is 0
    is 0 here."""
    first, last = stats.first_published, stats.last_published
    return {
        "articles": stats.articles,
        "sentences": stats.sentences,
        "outlets": stats.outlets,
        "first_published": utc_text(first),
        "last_published": utc_text(last),
        "first_day": None if first is None else day_in(first, zone),
        "last_day": None if last is None else day_in(last, zone),
        "timezone": zone.key,
        "undated": stats.undated,
        "ahead": stats.ahead,
        "archived": stats.archived,
        "older_splits": stats.older_splits,
    }


async def cmd_remove(settings: Settings, args: argparse.Namespace) -> int:
    require_database(settings.db_path)
    report = RemovalReport()
    try:
        await remove_articles(settings.db_path, args.refs, report)
    except asyncio.CancelledError:  # Ctrl-C, SIGTERM: a removal begun was let finish
        if report.committed:
            _tell_removal(report)  # the articles are gone: a script must know which
        else:
            print(f"newsbot remove: {REMOVE_INTERRUPTED}", file=sys.stderr)
        raise
    return _tell_removal(report)


def _tell_removal(report: RemovalReport) -> int:
    """Print what a removal did, each article removed and each reference that named none;
    the exit status."""
    for article in report.removed:
        outlet = clip(article.source or "unknown outlet", NAME_CHARS)
        dated = f", {clip(article.published, NAME_CHARS)}" if article.published else ""
        title = clip(article.headline, TITLE_CHARS)
        print(f'removed article {article.id}: "{title}" ({outlet}{dated})')
    for ref, why in report.not_found:
        print(f"newsbot remove: {clip(ref, TITLE_CHARS)}: {why}", file=sys.stderr)
    if removed := len(report.removed):
        print(
            f"{counted(removed, 'article')} removed: no answer quotes "
            f"{agreeing(removed, 'it', 'them')} from now on (a running bot, within seconds); "
            "newsbot reindex rebuilds the index files without "
            f"{agreeing(removed, 'its words', 'their words')}"
        )
    return EXIT_FAILED if report.not_found else EXIT_OK


async def cmd_reindex(settings: Settings, args: argparse.Namespace) -> int:
    require_database(settings.db_path)
    require_writable(settings.db_path)  # it reads again what ingest reads once, and stores it
    resplit = ResplitReport()
    # First the articles an older splitter split, split again (in batches, each article
    # whole: stopped, it goes on from there at the next reindex), so the indexes built next
    # hold their new sentences. Then the indexes, built anew beside the saved ones, which
    # stay whole until the new ones replace them: a reindex that cannot save (a full disk),
    # or is stopped, leaves them as they were.
    try:
        older = (await corpus_stats(settings.db_path)).older_splits
        if older:
            with progress_bar(older, "articles re-split", not args.quiet, "reindex") as tick:
                await resplit_articles(settings.db_path, tick, resplit)
        # the authors older versions stored, cleaned as ingest cleans them now
        authors = await clean_authors_stored(settings.db_path)
        with progress_bar(None, "sentences", not args.quiet, "reindex") as tick:
            engine = await Engine.open(settings.db_path, progress=tick, anew=True)
    except asyncio.CancelledError:  # Ctrl-C, SIGTERM: asyncio.run cancels us
        print(f"newsbot reindex: {_reindex_interrupted(resplit)}", file=sys.stderr)
        raise
    saved = False  # the new index: what a stop after this point leaves
    try:
        saving = asyncio.ensure_future(engine.save_index())
        try:
            saved = await finished(saving)
        except asyncio.CancelledError:
            # its thread goes on writing whatever befalls us: a stop, and any after it,
            # waits for it, and leaves what it saved, the new index or none
            saved = not saving.cancelled() and saving.result()
            raise
        except IndexWriteError as exc:
            if not isinstance(exc.__cause__, OSError) or exc.__cause__.errno not in NO_ROOM:
                raise
            raise IndexWriteError(
                f"{exc}. The index saved before is kept until a new one replaces it whole: "
                "reindex needs room for both"
            ) from exc
        if not saved:  # another reindex saved first, or articles were split again
            print(f"newsbot reindex: {REINDEX_NOT_SAVED}", file=sys.stderr)
            return EXIT_FAILED
        sentences, titles = await engine.read_again(anew=True)
    except asyncio.CancelledError:
        print(f"newsbot reindex: {_reindex_interrupted(resplit, saved)}", file=sys.stderr)
        raise
    finally:
        await engine.close()
    # saved, but not recorded in the database (logged: why, and what it risks): as when
    # another reindex saved first, not a reindex that went well
    status = EXIT_FAILED if engine.save_unrecorded else EXIT_OK
    if args.quiet:  # for cron: a reindex that went well says nothing
        return status
    if resplit.articles:
        print(
            f"re-split {counted(resplit.articles, 'article')} stored by an older splitter: "
            f"{resplit.replaced:,} {agreeing(resplit.replaced, 'has', 'have')} new sentences"
        )
    if authors:
        print(f"cleaned the authors of {counted(authors, 'article')} as ingest does now")
    print(
        f"indexed {counted(len(engine.index), 'sentence')} of "
        f"{counted(len(engine.articles), 'article')}"
    )
    if sentences or titles:
        print(
            f"read the names and numbers of {counted(sentences, 'sentence')} and the terms "
            f"of {counted(titles, 'title')}"
        )
    return status


# `Engine.save_index` refused: the database's index generation moved on while this
# reindex read it, and its indexes may already be older than the saved ones
REINDEX_NOT_SAVED = (
    "the index was not saved: while this reindex read the database, another reindex saved "
    "a newer index or articles were split again; the index saved before is kept (a newer "
    "one, if another reindex saved it): run newsbot reindex again once that has finished"
)


def _reindex_interrupted(resplit: ResplitReport, saved: bool = False) -> str:
    """What a reindex stopped midway leaves: its new index, if it had `saved` it; else the
    index saved before, still serving, unless it re-split articles into other sentences,
    which that index no longer matches."""
    if saved:
        return REINDEX_INTERRUPTED_SAVED
    if not resplit.replaced:
        return REINDEX_INTERRUPTED
    return (
        f"interrupted after re-splitting {resplit.articles:,} of "
        f"{counted(resplit.older, 'article')} stored by an older splitter (each has its old "
        "sentences or its new ones): the index saved before no longer matches them and is "
        "rebuilt when newsbot next opens the database; run newsbot reindex again to finish"
    )


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import run_bot

    return int(run_bot(settings, take_over=args.take_over))
