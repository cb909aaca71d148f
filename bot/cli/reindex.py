"""`newsbot reindex`: the articles of an older splitter split again, the index rebuilt beside
the saved one and saved whole, and what ingest reads once read again; a reindex stopped or
refused midway says what it leaves serving.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.cli.common import EXIT_FAILED, EXIT_OK, require_database
from bot.config import Settings
from bot.progress import progress_bar
from retrieval.corpus.db import require_writable
from retrieval.corpus.resplit import ResplitReport
from retrieval.engine import Engine
from retrieval.errors import NO_ROOM, IndexWriteError
from retrieval.finishing import finished
from retrieval.without_index import clean_authors_stored, corpus_stats, resplit_articles
from retrieval.wording import agreeing, counted

REINDEX_INTERRUPTED = (
    "interrupted: the index saved before serves until a reindex finishes (answers "
    "are as they were); run newsbot reindex again"
)
REINDEX_INTERRUPTED_SAVED = (
    "interrupted after it saved its new index, which serves from now on; it had not "
    "finished reading each sentence's names and numbers and each title's terms anew: run "
    "newsbot reindex again"
)


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
