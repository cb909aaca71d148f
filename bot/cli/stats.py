"""`newsbot stats`: the corpus's figures (articles, sentences, outlets, the dates they span),
and with --outlets each outlet's articles, for a terminal or as JSON (STATS_FIELDS).
"""

from __future__ import annotations

import argparse
from typing import Any
from zoneinfo import ZoneInfo

from bot.bounds import NAME_CHARS, clip
from bot.cli.common import EXIT_OK, json_text, require_database
from bot.config import Settings
from bot.times import day_in, utc_text
from retrieval.corpus.store import CorpusStats
from retrieval.models import one_line
from retrieval.without_index import corpus_sources, corpus_stats
from retrieval.wording import agreeing, counted

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
