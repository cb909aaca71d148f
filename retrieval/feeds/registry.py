"""The feed registry: which feeds to poll, how often, how they fared, which entries they gave.

Polling itself is in `retrieval.feeds.poll`; this module only reads and writes the `feeds` and
`feed_entries` tables (migration 3).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Collection, Iterable, Sequence

import aiosqlite

from retrieval.addresses import MASK, masked_url
from retrieval.corpus.db import transaction
from retrieval.corpus.rows_by_id import rows_for_ids
from retrieval.corpus.text import clean_line
from retrieval.errors import FeedError
from retrieval.feeds.feed import (
    DEFAULT_INTERVAL,
    MAX_BACKOFF,
    MIN_INTERVAL,
    EntryRead,
    Feed,
    SeenEntry,
    backoff,
)
from retrieval.feeds.feed_addresses import (
    addable,
    credentials_apart,
    credentials_dropped,
    new_address,
    plain_url,
)
from retrieval.feeds.private_addresses import PrivateAllowed
from retrieval.wording import first_of, quoted

PAUSE_AFTER = 6  # consecutive failures; at 15 minutes that is about 16 hours of failing
# An entry that gives no text (no summary, its page not to be had) is tried again at each
# poll until it has failed this many polls over at least this long: a page down for an
# afternoon comes back, one gone for good is not fetched, nor its feed in full, forever.
ENTRY_TRIES = 3
ENTRY_PATIENCE = 86400.0
RETRIES_KEPT = 7 * ENTRY_PATIENCE  # the tries of an entry gone from its feed are forgotten
BACKLOG_SECONDS = MIN_INTERVAL  # a feed with entries left over is polled again this soon
# A feed due this soon is polled now. Feeds are looked at once a minute (the bot; cron
# likewise), and a poll times the next from when it started, a moment after the look that
# found it due: due that moment after the next look, a feed would wait for the one after:
# "every 1m" would poll every two minutes, "every 15m" every 16.
EARLY = MIN_INTERVAL / 2
MAX_NAME = 200
IDS_NAMED = 20  # of the feeds an error or a reply names: then how many more

# Aliased to the names of Feed's fields, so a row becomes a Feed as it is.
_COLUMNS = (
    "id, url, name, title, interval_s AS interval, added_ts, etag, last_modified,"
    " last_fetch_ts, last_ok_ts, last_error, failures, next_poll_ts, paused_ts"
)
# A feed's entry names the article it gave, stored then or found stored already (a
# duplicate, `SeenEntry`); an article is the feed's that stored it, which it records as its
# `feed_id` (`retrieval.feeds.poll`). Feed ids are never given twice (`FeedRegistry.add`).
_SELECT = (
    f"SELECT {_COLUMNS}, (SELECT count(DISTINCT e.article_id) FROM feed_entries e"
    " JOIN articles a ON a.id = e.article_id WHERE e.feed_id = feeds.id"
    " AND json_extract(a.extra, '$.feed_id') = feeds.id) AS articles FROM feeds"
)


def _feed(row: aiosqlite.Row) -> Feed:
    return Feed(**dict(zip(row.keys(), row, strict=True)))


# Past the largest feed id there is and the largest ever given (kept in `meta`).
_NEXT_ID = (
    "SELECT max(coalesce((SELECT max(id) FROM feeds), 0),"
    " coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'feeds_last_id'), 0)) + 1"
)


def _some_ids(feeds: Sequence[Feed]) -> str:
    """'1, 2, ... 20 and 5 more': the first IDS_NAMED feeds' ids, then how many more: a
    site's every section added by ?sid=, all shown at one address, made an error that grew
    with each."""
    return first_of([str(f.id) for f in feeds], IDS_NAMED)


class FeedRegistry:
    """The feeds tables over one aiosqlite connection (owned by the caller)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def add(
        self,
        url: str,
        name: str | None = None,
        interval: float | None = None,
        allow_private: bool | PrivateAllowed = True,
        title: str | None = None,
    ) -> tuple[Feed, bool]:
        """Register a feed, due at once; returns it and whether it is new.

        Adding a feed that is already registered resumes it if it was paused, makes it due,
        and changes its name or interval where given. Adding one at a feed's address but for
        its credentials (a rotated ?token=, a new password, a token the feed did not need
        before, or no longer needs: `added_before`) puts them in that feed's address: it
        keeps its id and the entries it delivered, its failures and pause are cleared and
        its validators dropped (the next fetch is whole, as the new credentials see it).
        Writes one row; fetches nothing.
        An address that names a private or local host itself that `allow_private`
        (NEWSBOT_ALLOW_PRIVATE_URLS) does not allow is refused now, not at every poll
        (`addable`); one already added as it is, which the setting may have come to leave
        out since, is said to be added, and left as it is: polls refuse it.
        The feed's own `title`, read as it was looked at (`probe.look_at_feed`), is stored
        as a poll stores it: the feed is named by it before its first poll.
        """
        url = addable(url)  # an http(s) address of a length, whatever its host
        before = await self.added_before(url)
        try:
            addable(url, allow_private)
        except FeedError as refused:
            if new_address(before, url):
                raise
            assert before is not None
            # not resumed nor made due: every poll would refuse it
            why = str(refused).partition(": ")[2]  # past "cannot add 'URL'" (no space in it)
            raise FeedError(f"feed {before.id} is already added, but {why}") from None
        name = clean_line(name)[:MAX_NAME] or None if name else None
        if interval is not None and interval < MIN_INTERVAL:
            raise FeedError("interval too short: poll at most once a minute")
        now = time.time()
        async with transaction(self.conn):
            existing = await self.added_before(url)
            url = plain_url(url)
            if existing is None:
                # an id never given before: `feeds remove 5` in a script must not reach a
                # feed added after feed 5 was removed
                await self.conn.execute(
                    "INSERT INTO feeds (id, url, name, title, interval_s, added_ts, next_poll_ts)"
                    f" VALUES (({_NEXT_ID}), ?, ?, ?, ?, ?, ?)",
                    (url, name, title, interval or DEFAULT_INTERVAL, now, now),
                )
                await self.conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value)"
                    " SELECT 'feeds_last_id', max(id) FROM feeds"
                )
            elif plain_url(existing.url) != url:  # its credentials: the old ones failed
                await self.conn.execute(
                    "UPDATE feeds SET url = ?, name = coalesce(?, name),"
                    " title = coalesce(?, title), interval_s = coalesce(?, interval_s),"
                    " etag = NULL, last_modified = NULL, last_error = NULL, paused_ts = NULL,"
                    " failures = 0, next_poll_ts = ? WHERE id = ?",
                    (url, name, title, interval, now, existing.id),
                )
            else:
                await self.conn.execute(
                    "UPDATE feeds SET name = coalesce(?, name),"
                    " interval_s = coalesce(?, interval_s),"
                    " paused_ts = NULL, failures = 0, next_poll_ts = ? WHERE id = ?",
                    (name, interval, now, existing.id),
                )
            feed = await self.get(url if existing is None else existing.id)
        assert feed is not None
        return feed, existing is None

    async def move(self, feed: Feed, url: str) -> Feed | None:
        """Store `url` (as `add` stores it) as `feed`'s address: it has moved there for good
        (a permanent redirect), and polls asking the old one would each be two requests.
        The old one names it still (`moved_from`). Returns the feed already at `url`, if
        another is, and changes nothing then. One transaction (a savepoint of the caller's)."""
        url = plain_url(url)
        other = await self.get(url)
        if other is not None and other.id != feed.id:
            return other
        try:
            async with transaction(self.conn):
                await self.conn.execute("UPDATE feeds SET url = ? WHERE id = ?", (url, feed.id))
                await self.conn.execute(
                    "INSERT OR REPLACE INTO feed_moves (url, feed_id, moved_ts) VALUES (?, ?, ?)",
                    (plain_url(feed.url), feed.id, time.time()),
                )
        except sqlite3.IntegrityError:  # added there by another process since the look above
            return await self.get(url)
        return None

    async def moved_from(self, url: str) -> Feed | None:
        """The feed that moved for good from `url` (`move`), where it is polled now; None:
        no feed moved from there (or before moves were kept, migration 42)."""
        async with self.conn.execute(
            "SELECT feed_id FROM feed_moves WHERE url IN (?, ?) ORDER BY moved_ts DESC LIMIT 1",
            (url.strip(), plain_url(url)),
        ) as cur:
            row = await cur.fetchone()
        return await self.get(int(row[0])) if row else None

    async def get(self, ref: str | int) -> Feed | None:
        """The feed with this id (a number) or URL: as stored, or as `add` stores it now (a
        feed added before may be stored otherwise)."""
        if isinstance(ref, int) or ref.strip().isdigit():
            if not 0 <= int(ref) < 2**63:  # past SQLite's integers: no feed has that id
                return None
            async with self.conn.execute(f"{_SELECT} WHERE id = ?", (int(ref),)) as cur:
                row = await cur.fetchone()
            return _feed(row) if row else None
        typed, plain = ref.strip(), plain_url(ref)
        async with self.conn.execute(
            f"{_SELECT} WHERE url IN (?, ?) ORDER BY url = ? DESC LIMIT 1", (typed, plain, typed)
        ) as cur:
            row = await cur.fetchone()
        if row:
            return _feed(row)
        # stored by a release before `add` made addresses plain: a few rows to read
        return next((f for f in await self.all() if plain_url(f.url) == plain), None)

    async def added_before(self, url: str) -> Feed | None:
        """The feed `add` of `url` updates, if any: the one at this address (`get`: as given,
        or as stored before it was made plain), else the one at it but for its credentials
        (`with_other_credentials`); of several, the one whose credentials have the same
        names (a rotated ?token= of a feed a release before added twice, with a token and
        without). FeedError if that leaves several: which to update?"""
        feed = await self.get(url)
        if feed is not None:
            return feed
        alike = await self.with_other_credentials(url)
        if len(alike) > 1:
            named = [f for f in alike if credentials_apart(f.url) == credentials_apart(url)]
            alike = named if len(named) == 1 else alike
        if len(alike) > 1:
            raise FeedError(
                f"feeds {_some_ids(alike)} are at {quoted(masked_url(url.strip()))} with other "
                "credentials: remove all but one (by id), then add it again to update that one's"
            )
        return alike[0] if alike else None

    async def with_other_credentials(self, url: str) -> list[Feed]:
        """The feeds at `url` but for what can only be its credentials (user:password@,
        ?token=: `without_credentials`), other ones, or some where it has none, or none
        where it has some: a rotated token is the same feed, and so is one that comes to
        need a token, or no longer needs it. Not those that differ in a ?sid= or ?key=
        (`feeds list` masks them alike): for ?sid=politics and ?sid=sports, that is another
        feed."""
        wanted, plain = credentials_dropped(url), plain_url(url)
        return [
            f
            for f in await self.all()
            if credentials_dropped(f.url) == wanted and plain_url(f.url) != plain
        ]

    async def remove(self, ref: str | int) -> Feed:
        """Forget a feed and its seen entries; its articles stay in the corpus. A feed is
        named by its id, its address, or its address as shown (`Feed.shown_url`, its
        credentials masked) if that is no other feed's too, or an address it moved from
        for good (`moved_from`: the one it was added by, as a script removes it)."""
        feed = await self.get(ref)
        masked_ref = isinstance(ref, str) and MASK in ref
        shown_as = [] if feed or not masked_ref else await self._shown_as(str(ref))
        if feed is None and len(shown_as) == 1:
            [feed] = shown_as
        if feed is None and isinstance(ref, str) and not shown_as:
            feed = await self.moved_from(ref)
        if feed is None:
            known = _some_ids(await self.all())
            shown = quoted(masked_url(str(ref)))  # a mistyped address holds its credentials
            if shown_as:
                raise FeedError(
                    f"{len(shown_as)} feeds are shown as {shown}: give one's id (ids: "
                    f"{_some_ids(shown_as)})"
                )
            if not masked_ref and (alike := await self.with_other_credentials(str(ref))):
                # `feeds list` shows it as the address given: it is not for its credentials
                listed = _some_ids(alike)
                which = f"feed {listed} has" if len(alike) == 1 else f"feeds {listed} have"
                whose = "its" if len(alike) == 1 else "one's"
                given, other = (
                    ("without credentials", "")
                    if credentials_dropped(str(ref)) == plain_url(str(ref))
                    else ("with these credentials", "other ")
                )
                raise FeedError(
                    f"no feed {shown} {given}: {which} that address with {other}"
                    f"credentials (give {whose} id to remove it)"
                )
            hint = (
                "; a feed with credentials is named by its id or its full address"
                if masked_ref
                else ""
            )
            if not known:
                raise FeedError(f"no feed {shown}: there are no feeds")
            raise FeedError(f"no feed {shown}: give a feed's id or URL (ids: {known}){hint}")
        await self.conn.execute("DELETE FROM feeds WHERE id = ?", (feed.id,))
        return feed

    async def _shown_as(self, shown: str) -> list[Feed]:
        """The feeds whose address is shown as `shown` (as `feeds list` and /feeds show it,
        its credentials masked), or as its plain form."""
        wanted = {shown.strip(), plain_url(shown)}
        return [f for f in await self.all() if {f.shown_url, plain_url(f.shown_url)} & wanted]

    async def shown_alike(self, feed: Feed) -> list[Feed]:
        """The other feeds shown at `feed`'s address (`Feed.shown_url`): at it but for a
        value masked that is no credential alone (?sid=politics, ?sid=sports), or for their
        credentials, as a release before added them."""
        return [f for f in await self._shown_as(feed.shown_url) if f.id != feed.id]

    async def ever_added(self) -> bool:
        """Whether a feed was ever added here, removed since or not: the database of a
        deployment, never to be seeded (`Engine.seed_if_empty`)."""
        async with self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM feeds)"
            " OR EXISTS (SELECT 1 FROM meta WHERE key = 'feeds_last_id')"
        ) as cur:
            row = await cur.fetchone()
        return bool(row and row[0])

    async def all(self) -> list[Feed]:
        async with self.conn.execute(f"{_SELECT} ORDER BY id") as cur:
            return [_feed(row) for row in await cur.fetchall()]

    async def due(self, now: float | None = None) -> list[Feed]:
        """Feeds that are not paused and whose time has come (or comes within `EARLY`, for a
        feed not failing: one backing off, or waiting a server's Retry-After, waits it out),
        the longest waiting first."""
        now = time.time() if now is None else now
        async with self.conn.execute(
            f"{_SELECT} WHERE paused_ts IS NULL"
            " AND next_poll_ts <= ? + CASE WHEN failures = 0 THEN ? ELSE 0 END"
            " ORDER BY next_poll_ts, id",
            (now, EARLY),
        ) as cur:
            return [_feed(row) for row in await cur.fetchall()]

    async def active(self) -> list[Feed]:
        """Every feed that is not paused."""
        async with self.conn.execute(f"{_SELECT} WHERE paused_ts IS NULL ORDER BY id") as cur:
            return [_feed(row) for row in await cur.fetchall()]

    async def unseen(self, feed_id: int, keys: Iterable[str]) -> set[str]:
        """The keys among `keys` this feed has not delivered before."""
        wanted = set(keys)
        seen = await rows_for_ids(
            self.conn,
            "SELECT entry_key FROM feed_entries WHERE entry_key IN ({ids}) AND feed_id = ?",
            wanted,
            feed_id,
        )
        return wanted - {str(row[0]) for row in seen}

    async def entries_read(self, feed_id: int, keys: Iterable[str]) -> dict[str, EntryRead]:
        """What this feed said before of the entries among `keys` it gave before (by key)."""
        rows = await rows_for_ids(
            self.conn,
            "SELECT entry_key, article_id, words_hash, updated FROM feed_entries"
            " WHERE entry_key IN ({ids}) AND feed_id = ?",
            set(keys),
            feed_id,
        )
        return {str(row[0]): EntryRead(row[1], row[2], row[3]) for row in rows}

    async def reread(self, feed_id: int, entries: Iterable[SeenEntry]) -> None:
        """Record what the feed says now of `entries`, given before (`EntryRead`): their
        words and date as read at this poll, the tries of a correction waiting for its page
        forgotten (`count_tries`). Inside the caller's transaction, if any."""
        entries = list(entries)
        await self.conn.executemany(
            "UPDATE feed_entries SET words_hash = ?, updated = ? WHERE feed_id = ?"
            " AND entry_key = ?",
            [(e.words_hash, e.updated, feed_id, e.key) for e in entries],
        )
        await self.conn.executemany(
            "DELETE FROM feed_retries WHERE feed_id = ? AND entry_key = ?",
            [(feed_id, e.key) for e in entries],
        )

    async def retried(self, feed_id: int, keys: Iterable[str]) -> set[str]:
        """The keys among `keys` of entries this feed gave no text for at an earlier poll,
        tried again since (`feed_retries`): their problems were said at that poll."""
        rows = await rows_for_ids(
            self.conn,
            "SELECT entry_key FROM feed_retries WHERE entry_key IN ({ids}) AND feed_id = ?",
            set(keys),
            feed_id,
        )
        return {str(row[0]) for row in rows}

    async def articles_of_links(self, feed_id: int, links: Iterable[str]) -> dict[str, int]:
        """The article each of these links gave this feed before (`SeenEntry.url`)."""
        rows = await rows_for_ids(
            self.conn,
            "SELECT url, article_id FROM feed_entries WHERE url IN ({ids}) AND feed_id = ?"
            " AND article_id IS NOT NULL",
            links,
            feed_id,
        )
        return {str(row[0]): int(row[1]) for row in rows}

    async def anchors_given(self, feed_id: int, pages: Iterable[str]) -> set[str]:
        """The links this feed gave before that are anchors of these pages (`live.html#post-1`
        of `live.html`), as given."""
        found: set[str] = set()
        for page in set(pages):
            # "#" and the character after it bound every link that goes on with "#"
            async with self.conn.execute(
                "SELECT url FROM feed_entries WHERE feed_id = ? AND url > ? AND url < ?",
                (feed_id, f"{page}#", f"{page}$"),
            ) as cur:
                found.update(str(row[0]) for row in await cur.fetchall())
        return found

    async def record_success(
        self,
        feed: Feed,
        entries: Sequence[SeenEntry],
        title: str | None,
        etag: str | None,
        last_modified: str | None,
        now: float | None = None,
        backlog: bool = False,
        no_text: Sequence[SeenEntry] = (),
        listed: Collection[str] | None = None,
        started: float | None = None,
        warning: str | None = None,
        reread: Sequence[SeenEntry] = (),
        refetch: bool = False,
    ) -> list[SeenEntry]:
        """Mark entries seen and the poll done; one transaction. Returns the entries of
        `no_text` given up. The next poll is timed from when this one `started`: timed from
        its end, a poll of 40 s would come due just after the look it was due at, and wait
        for the next (every 16 minutes for a feed of 15).

        Called only after the entries' articles are stored, so a crash in between refetches
        them next time (and the store's dedupe finds them) rather than losing them. A 304
        answer passes no validators and keeps the stored ones. With a `backlog` (entries
        left for the next poll: past the poll's count or its time for pages) the validators
        are dropped, so the next fetch is not answered "not modified", and that poll comes
        after BACKLOG_SECONDS, not the feed's interval. Entries that gave `no_text` are tried
        again at the feed's interval, the validators dropped too if one has a link (its
        page may come), until they have failed ENTRY_TRIES polls over ENTRY_PATIENCE: then
        they are seen, with no article.
        A `warning` (a feed read in part: malformed) is kept as its last error, the poll
        a success (`Feed.status` "warning"). What the feed says now of the entries it gave
        before that are `reread` is recorded (`reread`). With `refetch` (a correction
        waiting for its page) the validators are dropped too, the next poll at the feed's
        interval.
        """
        now = time.time() if now is None else now
        wait = min(feed.interval, BACKLOG_SECONDS) if backlog else feed.interval
        due = max(now, (now if started is None else started) + wait)
        async with transaction(self.conn):
            given_up = await self._count_tries(feed, entries, no_text, listed, now)
            await self.conn.executemany(
                "INSERT OR IGNORE INTO feed_entries (feed_id, entry_key, article_id, url,"
                " seen_ts, words_hash, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (feed.id, e.key, e.article_id, e.url, now, e.words_hash, e.updated)
                    for e in [*entries, *given_up]
                ],
            )
            await self.reread(feed.id, reread)
            # the validators dropped: the next answer is no 304, and lists the entries again
            # whose page may come; one with no link (a podcast's audio alone) can only get
            # text from the feed, whose next change the server answers in full anyway
            out = {e.key for e in given_up}
            refetch = refetch or backlog or any(e.url and e.key not in out for e in no_text)
            await self.conn.execute(
                "UPDATE feeds SET title = coalesce(?, title),"
                " etag = CASE WHEN ? THEN NULL ELSE coalesce(?, etag) END,"
                " last_modified = CASE WHEN ? THEN NULL ELSE coalesce(?, last_modified) END,"
                " last_fetch_ts = ?, last_ok_ts = ?, last_error = ?, failures = 0,"
                " next_poll_ts = ? WHERE id = ?",
                (title, refetch, etag, refetch, last_modified, now, now, warning, due, feed.id),
            )
        return given_up

    async def warn(self, feed: Feed, warning: str) -> None:
        """Keep `warning` as the feed's, in place of the one its last `record_success`
        kept: something found after it (`poll._follow_move`)."""
        await self.conn.execute("UPDATE feeds SET last_error = ? WHERE id = ?", (warning, feed.id))

    async def _count_tries(
        self,
        feed: Feed,
        seen: Sequence[SeenEntry],
        no_text: Sequence[SeenEntry],
        listed: Collection[str] | None,
        now: float,
    ) -> list[SeenEntry]:
        """Count a failed try of each entry of `no_text`, forget those of `seen` (their
        text came at last) and, when the feed's entries are `listed`, those of entries it no
        longer lists, tried first long ago; return those of `no_text` out of tries."""
        await self.conn.executemany(
            "DELETE FROM feed_retries WHERE feed_id = ? AND entry_key = ?",
            [(feed.id, e.key) for e in seen],
        )
        if listed is not None:  # not on a 304: the feed's entries are not known then
            await self.conn.execute(
                "DELETE FROM feed_retries WHERE feed_id = ? AND first_ts < ?"
                " AND entry_key NOT IN (SELECT value FROM json_each(?))",
                (feed.id, now - RETRIES_KEPT, json.dumps(sorted(listed))),
            )
        keys = await self._out_of_tries(feed.id, {e.key for e in no_text}, now)
        return [e for e in no_text if e.key in keys]

    async def count_tries(
        self, feed_id: int, keys: Collection[str], now: float | None = None
    ) -> set[str]:
        """Count a failed try of each of the feed's entries `keys` (a correction whose page
        was not to be had); return those out of tries (ENTRY_TRIES polls over
        ENTRY_PATIENCE), their count forgotten. One transaction."""
        async with transaction(self.conn):
            return await self._out_of_tries(feed_id, keys, time.time() if now is None else now)

    async def _out_of_tries(self, feed_id: int, keys: Collection[str], now: float) -> set[str]:
        """Count a failed try of each entry of `keys`; those out of tries, forgotten."""
        await self.conn.executemany(
            "INSERT INTO feed_retries (feed_id, entry_key, first_ts, tries) VALUES (?, ?, ?, 1)"
            " ON CONFLICT (feed_id, entry_key) DO UPDATE SET tries = tries + 1",
            [(feed_id, key, now) for key in keys],
        )
        out = await rows_for_ids(
            self.conn,
            "SELECT entry_key FROM feed_retries WHERE entry_key IN ({ids}) AND feed_id = ?"
            " AND tries >= ? AND first_ts <= ?",
            set(keys),
            feed_id,
            ENTRY_TRIES,
            now - ENTRY_PATIENCE,
        )
        given_up = {str(row[0]) for row in out}
        await self.conn.executemany(
            "DELETE FROM feed_retries WHERE feed_id = ? AND entry_key = ?",
            [(feed_id, key) for key in given_up],
        )
        return given_up

    async def record_failure(
        self,
        feed: Feed,
        error: str,
        pause_after: int = PAUSE_AFTER,
        now: float | None = None,
        wait: float | None = None,
        gone: bool = False,
    ) -> Feed | None:
        """Count a failed poll: back off, or pause the feed after `pause_after` in a row, or
        at once if it is `gone` (HTTP 410). `wait`: what the server asked (Retry-After), if
        longer than the backoff; at most MAX_BACKOFF.

        A poll forced while the feed backs off (`feeds poll --all`, before its `next_poll_ts`)
        is recorded (its error, its time) but not counted, and leaves the back-off as it is
        (longer only if the server asks): the failure that began the back-off counted already,
        and six forced polls in four minutes paused a feed "after 6 failures in a row".

        A feed with a warning (`Feed.warning`: read in part) loses its validators: the
        failure's error takes the warning's place, and the next answer must be the
        document, read again and its warning with it, not a 304 that would leave the feed
        "ok" though it is as malformed as it was.

        Returns the feed as updated; its `paused` tells whether this failure paused it. None
        if it was removed meanwhile (during its poll).
        """
        now = time.time() if now is None else now
        asked = min(wait or 0.0, MAX_BACKOFF)
        if feed.failures and now < feed.next_poll_ts:  # within the back-off: forced
            failures = feed.failures
            next_poll = max(feed.next_poll_ts, now + asked)
        else:
            failures = feed.failures + 1
            next_poll = now + max(backoff(feed.interval, failures), asked)
        paused = now if gone or failures >= pause_after else None
        warned = feed.warning is not None
        await self.conn.execute(
            "UPDATE feeds SET last_fetch_ts = ?, last_error = ?, failures = ?,"
            " next_poll_ts = ?, paused_ts = ?,"
            " etag = CASE WHEN ? THEN NULL ELSE etag END,"
            " last_modified = CASE WHEN ? THEN NULL ELSE last_modified END WHERE id = ?",
            (now, error, failures, next_poll, paused, warned, warned, feed.id),
        )
        return await self.get(feed.id)
