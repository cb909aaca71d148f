"""Pages to read again: feed entries stored with the feed's summary because their page
failed for a moment (a 429, a 5xx, a time-out, a dropped connection).

Such an entry is stored at once, summary and all, so nothing waits on a flaky site and
nothing is lost if the page never comes back. Its page is fetched again at the feed's next
polls, after PAGE_WAIT, then three times as long each time; once read, the article is
replaced by the page's whole text (`removals.replace_article`). After PAGE_TRIES failed
fetches, or one that is not passing (a 404, a page over the size cap, no article in the
page), it keeps the summary.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from retrieval.corpus.db import transaction

PAGE_TRIES = 4  # fetches in all, the first included: 5, 15, then 45 minutes apart
PAGE_WAIT = 300.0
PAGES_AGAIN_PER_POLL = 20  # read again in one poll of a feed, the longest waiting first
# The failures worth trying again: the site is busy or down for a moment, not saying no.
PASSING_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def passing(status: int | None) -> bool:
    """Whether a fetch that failed with this HTTP status (None: no answer at all, a time-out
    or a dropped connection) may succeed if tried again later."""
    return status is None or status in PASSING_STATUSES


@dataclass(frozen=True, slots=True)
class PageRetry:
    """A stored article whose page is to be read again, for the feed entry that gave it."""

    article_id: int
    entry_key: str
    link: str  # as the feed gave it: a page may need its token (masked where shown)
    tries: int  # failed fetches so far


class PageRetries:
    """The pages of a feed's entries to read again, in the database of `conn`."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(
        self, feed_id: int, retries: Iterable[PageRetry], now: float | None = None
    ) -> None:
        """Read these pages again from PAGE_WAIT on; one transaction."""
        due = (time.time() if now is None else now) + PAGE_WAIT
        async with transaction(self.conn):
            await self.conn.executemany(
                "INSERT OR REPLACE INTO page_retries"
                " (article_id, feed_id, entry_key, link, tries, next_ts)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [(r.article_id, feed_id, r.entry_key, r.link, r.tries, due) for r in retries],
            )

    async def due(self, feed_id: int, now: float | None = None) -> list[PageRetry]:
        """The feed's pages due to be read again, the longest waiting first."""
        async with self.conn.execute(
            "SELECT article_id, entry_key, link, tries FROM page_retries"
            " WHERE feed_id = ? AND next_ts <= ? ORDER BY next_ts LIMIT ?",
            (feed_id, time.time() if now is None else now, PAGES_AGAIN_PER_POLL),
        ) as cur:
            return [
                PageRetry(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in await cur.fetchall()
            ]

    async def failed(self, retry: PageRetry, now: float | None = None) -> bool:
        """Count a failed fetch of `retry`'s page; whether it is given up (PAGE_TRIES)."""
        tries = retry.tries + 1
        async with transaction(self.conn):
            if tries >= PAGE_TRIES:
                await self.conn.execute(
                    "DELETE FROM page_retries WHERE article_id = ?", (retry.article_id,)
                )
                return True
            due = (time.time() if now is None else now) + PAGE_WAIT * 3 ** (tries - 1)
            await self.conn.execute(
                "UPDATE page_retries SET tries = ?, next_ts = ? WHERE article_id = ?",
                (tries, due, retry.article_id),
            )
        return False

    async def done(self, retry: PageRetry) -> None:
        """`retry`'s page is read (its article replaced, or kept) or not to be had."""
        async with transaction(self.conn):
            await self.conn.execute(
                "DELETE FROM page_retries WHERE article_id = ?", (retry.article_id,)
            )
