"""`newsbot ingest`: articles added from files, folders and web pages, then indexed; what
failed, was a duplicate or needs a look is said by name, and an ingest stopped midway says
so, what it stored kept.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.common import EXIT_FAILED, EXIT_OK, MadeNote
from bot.config import Settings
from bot.progress import progress_bar
from retrieval.addresses import is_web_address
from retrieval.corpus.ingest_report import LISTED_DUPLICATES, LISTED_PER_FILE, IngestReport
from retrieval.engine import Engine
from retrieval.errors import IndexWriteError
from retrieval.wording import agreeing, counted, shown_name

# Why an ingest stopped, when Ctrl-C stops it while it stores articles, or after, while it
# indexes them
INTERRUPTED = (
    "interrupted. The articles added are stored and are indexed when newsbot next opens the "
    "database; run the same ingest again to go on: what is stored already is skipped as a "
    "duplicate"
)


INTERRUPTED_INDEXING = (
    "interrupted while indexing. Every article is stored, and is indexed when newsbot next "
    "opens the database"
)


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
