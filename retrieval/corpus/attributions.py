"""An article's attribution as read from the `articles` table: the columns that make one
(the address shown: its own, else a live page's post's, `SHOWN_URL`), a row made an
`Attribution`, and the newest articles' rows (/latest's, a hint's example).

Apart from the store's writes because every reader of attributions shares these: the
question's reads (`reader`), the removals', the digest's, /latest's and the store's own.
"""

from __future__ import annotations

import json
import sqlite3
import time

import aiosqlite

from retrieval.addresses import WEB_SCHEMES
from retrieval.corpus.dates import stored_ahead
from retrieval.models import Attribution


def attribution(row: sqlite3.Row) -> Attribution:
    return Attribution(
        id=int(row["id"]),
        title=row["title"],
        source=row["source"],
        authors=tuple(json.loads(row["authors"])),
        published=row["published"],
        url=row["url"],
        stored_ahead=stored_ahead(row["published"], row["published_ts"]),
    )


# An article's address as shown (a source's link): its own, else the anchor of a live page's
# post a feed gave (`feeds.entry_articles`), which is kept apart: one address is one
# article's, and a page's is every post's. Only an http(s) one (`addresses.WEB_SCHEMES`): a
# file's record may hold a "post_url" field of its own, kept in `extra` as it is.
_POST_URL = "json_extract(extra, '$.post_url')"
_WEB_POST_URL = " OR ".join(f"{_POST_URL} LIKE '{scheme}%'" for scheme in WEB_SCHEMES)
SHOWN_URL = f"coalesce(url, CASE WHEN {_WEB_POST_URL} THEN {_POST_URL} END)"
ATTRIBUTION_COLUMNS = f"id, title, source, authors, published, published_ts, {SHOWN_URL} AS url"

# The newest dated articles not archived, read through the index `articles_published`, with
# the time each counts from (`t`: /latest's stories are ordered by it); not one dated days
# ahead (`counts_from`): it is not published yet
LATEST_DATED = (
    f"SELECT {ATTRIBUTION_COLUMNS}, published_ts AS t, NULL AS stored FROM articles"
    " WHERE published_ts <= ? AND id NOT IN (SELECT article_id FROM archived)"
    " ORDER BY published_ts DESC, id DESC LIMIT ?"
)
# Then the undated ones, by when they were stored (`stored`), which is all that is known.
# Read through `articles_newest` (migration 15), whose order is theirs where they are undated:
# asked only when fewer than the limit are dated, it steps over those few; `+` keeps SQLite
# from looking them up by `articles_published` and sorting every undated article.
LATEST_UNDATED = (
    f"SELECT {ATTRIBUTION_COLUMNS}, ingested_ts AS t, ingested_ts AS stored FROM articles"
    " WHERE +published_ts IS NULL AND id NOT IN (SELECT article_id FROM archived)"
    " ORDER BY coalesce(published_ts, ingested_ts) DESC, id DESC LIMIT ?"
)


async def newest_rows(conn: aiosqlite.Connection, limit: int) -> list[sqlite3.Row]:
    """The `limit` newest articles not archived (/latest's, a hint's example): the dated
    ones newest first, then, where fewer are dated, the undated ones by when they were
    stored. An undated article's age is unknown: stored today, it may be a 2004 story (a
    backfill without dates), and it was listed above this morning's news as the newest.
    Each row has its attribution, `t` (when it counts from) and `stored` (when an undated
    one was stored; None for a dated one). Reads only, through indexes."""
    async with conn.execute(LATEST_DATED, (time.time(), limit)) as cur:
        rows = list(await cur.fetchall())
    if len(rows) < limit:
        async with conn.execute(LATEST_UNDATED, (limit - len(rows),)) as cur:
            rows += await cur.fetchall()
    return rows
