"""`newsbot digest`: the news of a period grouped into stories, as a subscribed chat gets it,
for a terminal or as JSON (`--json`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.bounds import KEYWORDS_SHOWN, OUTLETS_SHOWN, QUOTE_CHARS, TITLE_CHARS, clip, some_of
from bot.cli.common import EXIT_OK, EXIT_USAGE, json_text, require_database, text_block
from bot.config import Settings
from bot.subscribe_words import phrases
from bot.times import iso_text, moment_of, published_text, stored_field, story_times, when
from retrieval.digest.digest import Digest, Period, keyword_labels, typed_keywords
from retrieval.errors import DigestError
from retrieval.index.tokens import Tokenizer
from retrieval.without_index import period_digest
from retrieval.wording import counted


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
                        **stored_field(a.stored_ahead),
                    }
                    for a in item.articles
                ],
            }
            for rank, item in enumerate(digest.items, start=1)
        ],
    }


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
