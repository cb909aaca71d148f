"""`newsbot remove`: articles taken out by id or address; each one removed is said, and each
reference that names none.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import tzinfo

from bot.bounds import NAME_CHARS, TITLE_CHARS, clip
from bot.cli.common import EXIT_FAILED, EXIT_OK, require_database
from bot.config import Settings
from bot.times import date_shown
from retrieval.corpus.removals import RemovalReport
from retrieval.without_index import remove_articles
from retrieval.wording import agreeing, counted

REMOVE_INTERRUPTED = "interrupted before it began: nothing was removed; run it again"


async def cmd_remove(settings: Settings, args: argparse.Namespace) -> int:
    require_database(settings.db_path)
    report = RemovalReport()
    try:
        await remove_articles(settings.db_path, args.refs, report)
    except asyncio.CancelledError:  # Ctrl-C, SIGTERM: a removal begun was let finish
        if report.committed:
            _tell_removal(report, settings.zone)  # the articles are gone: a script must know which
        else:
            print(f"newsbot remove: {REMOVE_INTERRUPTED}", file=sys.stderr)
        raise
    return _tell_removal(report, settings.zone)


def _tell_removal(report: RemovalReport, zone: tzinfo) -> int:
    """Print what a removal did, each article removed (its date as `ask` shows it, in
    `zone`) and each reference that named none; the exit status."""
    for article in report.removed:
        outlet = clip(article.source or "unknown outlet", NAME_CHARS)
        shown = date_shown(article, zone) if article.published else ""
        dated = f", {clip(shown, NAME_CHARS)}" if shown else ""
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
