"""The newest stories (/latest): the newest articles, grouped into stories as the digest
groups a period's (`stories.group_stories`), one line a story.

Listed article by article, the newest headlines were mostly a few stories told by several
outlets ("Biden ... vaccine goal" three times, from three outlets, of ten lines). Grouping
the newest `LATEST_POOL` articles finds each story's reports among them: a story shows its
newest report, and the other outlets that carried it. Stories are in order of their newest
report. The pool is read newest first through indexes (`attributions.newest_rows`), with its
sentences (the grouping compares titles and leads): cheap at any corpus size.

An undated article's age is unknown: it comes after every dated one, where fewer than the
pool are dated, and is shown as stored then (`LatestStory.stored`), never as the newest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from retrieval.corpus.attributions import attribution, newest_rows
from retrieval.digest.digest import article_sentences
from retrieval.digest.stories import group_stories
from retrieval.digest.story_articles import StoryArticle
from retrieval.index.tokens import Tokenizer
from retrieval.models import Attribution
from retrieval.outlets import distinct_outlets, outlet_key

# The newest articles grouped: ten stories of several reports each, with room for the wire
# that files a dozen items between two of them
LATEST_POOL = 100


@dataclass(frozen=True, slots=True)
class LatestStory:
    """A story among the newest: its newest report, and who else carried it."""

    article: Attribution  # the newest report
    others: tuple[str, ...]  # the other outlets among its reports, newest first
    reports: int  # how many of the newest articles tell it, the shown one included
    stored: float | None = None  # when the shown report was stored, if it is undated


async def latest_stories(
    conn: aiosqlite.Connection, limit: int, tokenizer: Tokenizer
) -> list[LatestStory]:
    """The `limit` newest stories, newest first (see the module docstring). Reads only."""
    rows = await newest_rows(conn, max(LATEST_POOL, limit))
    articles = [attribution(row) for row in rows]
    times = [float(row["t"]) for row in rows]
    stored = [None if row["stored"] is None else float(row["stored"]) for row in rows]
    sentences = await article_sentences(conn, [a.id for a in articles])
    return await asyncio.to_thread(_stories, articles, times, stored, sentences, limit, tokenizer)


def _stories(
    articles: Sequence[Attribution],
    times: Sequence[float],
    stored: Sequence[float | None],
    sentences: dict[int, tuple[str, ...]],
    limit: int,
    tokenizer: Tokenizer,
) -> list[LatestStory]:
    reports = [
        StoryArticle(a.id, a.title, sentences.get(a.id, ()), a.source, t, s is None)
        for a, t, s in zip(articles, times, stored, strict=True)
    ]
    stories: list[LatestStory] = []
    # each group in input order, so newest report first; groups by their newest report
    for group in group_stories(reports, tokenizer)[:limit]:
        newest = articles[group[0]]
        outlets = distinct_outlets(articles[i].source for i in group)
        shown = outlet_key(newest.source)
        others = tuple(o for o in outlets if outlet_key(o) != shown)
        stories.append(LatestStory(newest, others, len(group), stored[group[0]]))
    return stories
