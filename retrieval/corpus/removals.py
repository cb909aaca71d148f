"""Taking articles out of the corpus: a retraction, a story stored by mistake.

A removed article is deleted with everything of it (its sentences, title terms, archive
mark). What is kept is what finds it again: its ids, its canonical address and the
fingerprint of its words, so that no feed brings it back (`removed_among`); an ingest of it
by hand stores it again, under a new id.

The indexes are caches of the database that only ever grow, so they may still hold the
article's docs: `removed_articles` and `removed_sentences` (migration 22) keep the ids, and
whoever holds an index hides them there (`Index.hide`): at load, and a running bot at each
refresh, from the removals numbered after those it has hidden. Nothing of the article's text
is kept; `newsbot reindex` rebuilds the indexes without its terms.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiosqlite

from retrieval.addresses import (
    canonical_url,
    masked_url,
    public_url,
    same_page,
    same_page_urls,
    secret_params,
)
from retrieval.corpus.attributions import ATTRIBUTION_COLUMNS, attribution
from retrieval.corpus.db import (
    delete_securely,
    empty_log,
    transaction,
)
from retrieval.corpus.prepare import PreparedArticle
from retrieval.corpus.rows_by_id import rows_for_ids
from retrieval.corpus.store import AddResult, CorpusStore, counts_from
from retrieval.finishing import finished
from retrieval.models import Attribution


@dataclass(frozen=True, slots=True)
class Removed:
    """The removals after some point: their ids, and the last one's number (`removal`)."""

    removal: int
    articles: tuple[int, ...] = ()
    sentences: tuple[int, ...] = ()


@dataclass(slots=True)
class RemovalReport:
    """What `remove_articles` did with each reference it was given."""

    removed: list[Attribution] = field(default_factory=list)
    # (reference, why), the reference's credentials masked (`addresses.masked_url`)
    not_found: list[tuple[str, str]] = field(default_factory=list)
    committed: bool = False  # False: stopped before it began, nothing done


async def remove_articles(
    conn: aiosqlite.Connection, refs: Sequence[str], report: RemovalReport | None = None
) -> RemovalReport:
    """Remove the articles named by `refs` (an id, or an address as ingested or as the feed
    gave it); one transaction. A reference that names no stored article is reported, the
    others are removed all the same. `report` (a new one if None) is filled once the
    transaction is committed; once begun, it goes on whatever befalls the caller: a cancel
    (Ctrl-C, SIGTERM), and any after it, waits for it, so `report` tells what was removed
    (it told nothing, the articles gone), and the log is emptied of their text. Not begun
    while it waits for another process's write lock: a cancel then ends it at once."""
    report = RemovalReport() if report is None else report
    # deleted rows overwritten; then the write-ahead log, which holds the pages as written
    # at ingest, emptied
    await delete_securely(conn)
    try:
        await finished(_remove_named(conn, refs, report), until_locked=True)
    finally:
        if report.removed:  # committed: stopped or not, the log emptied all the same
            await finished(empty_log(conn))
    return report


async def _remove_named(
    conn: aiosqlite.Connection, refs: Sequence[str], report: RemovalReport
) -> None:
    """`remove_articles`' transaction: what it did added to `report` once committed."""
    done = RemovalReport()
    async with transaction(conn):
        wanted: dict[int, str] = {}
        async with conn.execute("SELECT url FROM feeds") as cur:
            feeds_secrets = [n for row in await cur.fetchall() if (n := secret_params(row[0]))]
        for ref in refs:
            found = await _article_of(conn, ref, feeds_secrets)
            if isinstance(found, str):  # quoted back: a link a feed gave holds its token
                done.not_found.append((masked_url(ref), found))
            else:
                wanted.setdefault(found, ref)
        for article_id in wanted:
            async with conn.execute(
                f"SELECT {ATTRIBUTION_COLUMNS} FROM articles WHERE id = ?", (article_id,)
            ) as cur:
                row = await cur.fetchone()
            if row is None:  # named twice, by id and by address
                continue
            done.removed.append(attribution(row))
            await _remove(conn, article_id)
    report.removed.extend(done.removed)
    report.not_found.extend(done.not_found)
    report.committed = True


async def _remove(conn: aiosqlite.Connection, article_id: int, keep_address: bool = True) -> int:
    """Delete the stored article `article_id`, keeping what hides it in the indexes and what
    keeps it out of feeds (its address too, if `keep_address`); inside the caller's
    transaction. Returns the removal's number."""
    cur = await conn.execute(
        "INSERT INTO removed_articles (article_id, removed_ts, url, content_hash)"
        " SELECT id, ?, CASE WHEN ? THEN url END, content_hash FROM articles WHERE id = ?",
        (time.time(), keep_address, article_id),
    )
    removal = int(cur.lastrowid or 0)
    await conn.execute(
        "INSERT INTO removed_sentences (sentence_id, removal)"
        " SELECT id, ? FROM sentences WHERE article_id = ?",
        (removal, article_id),
    )
    await conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    return removal


async def replace_article(
    store: CorpusStore, article_id: int, article: PreparedArticle
) -> AddResult | None:
    """Replace the stored article `article_id` by `article` (its whole text, where a feed's
    summary was stored; its text as its feed corrected it: `retrieval.feeds.poll`), in one
    transaction (a savepoint of the caller's, if any): the old one removed as
    `newsbot remove` removes one, but for its address, which is the new one's; the new one
    stored under a new id (an id, and a sentence's, names one text for good: the indexes
    and the answers shown hold them), or found stored already. The feed entries that gave
    the old one give the new one. None if the old one is gone (removed meanwhile), or if the
    new one's words or address are a removed article's (`removed_among`): not brought back."""
    conn = store.conn
    async with transaction(conn):
        async with conn.execute(
            "SELECT ingested_ts FROM articles WHERE id = ?", (article_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        if await removed_among(conn, [article]):  # its page's words were taken out
            return None
        stored = float(row[0])
        async with conn.execute(
            "SELECT feed_id, entry_key FROM feed_entries WHERE article_id = ?", (article_id,)
        ) as cur:
            entries = [tuple(row) for row in await cur.fetchall()]
        removal = await _remove(conn, article_id, keep_address=False)
        [result] = await store.insert_articles([article])
        if result.added:  # the same article to a digest: stored when the summary was
            await conn.execute(
                "UPDATE articles SET ingested_ts = ?, published_ts = ? WHERE id = ?",
                (stored, counts_from(article.published_ts, stored), result.article_id),
            )
        await conn.execute(
            "UPDATE removed_articles SET replaced_by = ? WHERE removal = ?",
            (result.article_id, removal),
        )
        await conn.executemany(
            "UPDATE feed_entries SET article_id = ? WHERE feed_id = ? AND entry_key = ?",
            [(result.article_id, *entry) for entry in entries],
        )
    return result


async def _article_of(
    conn: aiosqlite.Connection, ref: str, feeds_secrets: Sequence[set[str]]
) -> int | str:
    """The stored article `ref` names, or why there is none (`feeds_secrets`: the names of
    the parameters carrying credentials in each feed's address that has some)."""
    ref = ref.strip()
    if ref.isascii() and ref.isdigit():
        article_id = int(ref)
        if article_id > 2**63 - 1:
            return "no article has that id"
        async with conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)) as cur:
            if await cur.fetchone():
                return article_id
        async with conn.execute(
            "SELECT replaced_by FROM removed_articles WHERE article_id = ?", (article_id,)
        ) as cur:
            gone = await cur.fetchone()
        if gone is None:
            return "no article has that id"
        if gone[0] is not None:
            return (
                f"replaced by article {gone[0]}, a newer text of it (its page's whole text "
                "where a feed gave a summary, or its feed's correction)"
            )
        return "removed already"
    try:
        urls = _stored_forms(ref, feeds_secrets)
    except ValueError:  # urlsplit's: a bracketed host that is no IP address, a bad port
        urls = []
    if not urls:  # stored under none (`canonical_url`: http(s) addresses only)
        return _NO_ADDRESS if ref and "://" not in ref else "neither an article id nor an address"
    for url in urls:
        async with conn.execute("SELECT id FROM articles WHERE url = ?", (url,)) as cur:
            row = await cur.fetchone()
        if row:
            return int(row[0])
    # the same page stored under another form of its address (http or https, "www." or
    # not, its directory's index page: `same_page`), the first stored
    pages = [variant for url in urls for variant in same_page_urls(url)]
    rows = await rows_for_ids(conn, "SELECT id FROM articles WHERE url IN ({ids})", pages)
    if rows:
        return min(int(row[0]) for row in rows)
    removed = await rows_for_ids(
        conn, "SELECT 1 FROM removed_articles WHERE url IN ({ids})", [*urls, *pages]
    )
    if removed:
        return "removed already"
    return "no stored article has that address"


# What a word ("abc", "javascript:x") names: told how an article is named
_NO_ADDRESS = "no stored article has that address (an article is named by its id or its link)"


def _stored_forms(ref: str, feeds_secrets: Sequence[set[str]]) -> list[str]:
    """The addresses an article given by the address `ref` may be stored under: its
    canonical form (without the credentials any address loses), then, as a link one of the
    feeds gave, that form without the parameters carrying credentials in the feed's own
    address too (`public_url`, as its poll stores it); none if `ref` is no address."""
    url = canonical_url(ref)
    if url is None:
        return []
    forms = [url]
    for names in feeds_secrets:
        form = canonical_url(public_url(ref, names))
        if form is not None and form not in forms:
            forms.append(form)
    return forms


async def removed_among(
    conn: aiosqlite.Connection, articles: Sequence[PreparedArticle]
) -> set[int]:
    """The positions in `articles` of those removed before: the same canonical address or
    the same words as a removed article (what `CorpusStore.add_articles` takes for a copy).
    An article replaced by its page's text (`replace_article`) was not removed:
    `replaced_among`."""
    urls = await rows_for_ids(
        conn,
        "SELECT url FROM removed_articles WHERE url IN ({ids}) AND replaced_by IS NULL",
        {variant for a in articles if a.url is not None for variant in same_page_urls(a.url)},
    )
    hashes = await rows_for_ids(
        conn,
        "SELECT content_hash FROM removed_articles WHERE content_hash IN ({ids})"
        " AND replaced_by IS NULL",
        {a.content_hash for a in articles},
    )
    gone = {str(row[0]) for row in hashes} | {same_page(str(row[0])) for row in urls}
    return {
        n
        for n, a in enumerate(articles)
        if (a.url is not None and same_page(a.url) in gone) or a.content_hash in gone
    }


async def replaced_among(
    conn: aiosqlite.Connection, articles: Sequence[PreparedArticle]
) -> dict[int, int]:
    """The positions in `articles` of those with the words of an article replaced by its
    page's text (a feed's summary: `replace_article`), and the id of what replaced it: the
    same story, stored already."""
    rows = await rows_for_ids(
        conn,
        "SELECT content_hash, replaced_by FROM removed_articles WHERE content_hash IN ({ids})"
        " AND replaced_by IN (SELECT id FROM articles)",
        {a.content_hash for a in articles},
    )
    by_hash = {str(row[0]): int(row[1]) for row in rows}
    return {
        n: by_hash[a.content_hash] for n, a in enumerate(articles) if a.content_hash in by_hash
    }


async def removed_since(conn: aiosqlite.Connection, removal: int) -> Removed:
    """The removals numbered after `removal` (0: all of them)."""
    async with conn.execute(
        "SELECT removal, article_id FROM removed_articles WHERE removal > ? ORDER BY removal",
        (removal,),
    ) as cur:
        rows = list(await cur.fetchall())
    if not rows:
        return Removed(removal)
    async with conn.execute(
        "SELECT sentence_id FROM removed_sentences WHERE removal > ? AND removal <= ?"
        " ORDER BY sentence_id",
        (removal, rows[-1][0]),
    ) as cur:
        sentences = tuple(int(row[0]) for row in await cur.fetchall())
    return Removed(int(rows[-1][0]), tuple(int(row[1]) for row in rows), sentences)
