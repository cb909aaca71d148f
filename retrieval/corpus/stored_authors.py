"""Author lists an older version stored, cleaned as an ingest cleans them now (`newsbot
reindex`).

An article's authors are cleaned once, when it is read and stored (`records.author_names`,
`models.draft_authors`): an article an older version stored keeps the names its rules let
through ("By Jean Dupont", "Ap Auto Writer"). Cleaning the stored list by today's rules gives
what an ingest of that list (a JSON record's "authors") gives now: the same functions on the
same names. What it cannot mend is a list the
older version stored already joined ("Ashley Strickland Jackie Wattles", two people whose
separator it lost): without the parts beside it, such a name passes for one person.
Cleaning a cleaned list changes nothing, so a second reindex stores nothing.
"""

from __future__ import annotations

import json
import sqlite3

import aiosqlite

from retrieval.corpus.db import stored_names, transaction
from retrieval.corpus.records import author_names
from retrieval.corpus.storage_faults import storage_fault
from retrieval.errors import StoreError
from retrieval.models import draft_authors

AUTHORS_BATCH = 500  # articles read, and their changed lists written, a transaction
AGAIN = "run newsbot reindex again: it goes on with the authors not cleaned yet"


def cleaned_list(stored: str, source: str | None) -> str | None:
    """The JSON list `stored` cleaned by today's rules, as the store writes it, where that
    changes it; None where it does not, or where it holds no list of names (left as is)."""
    names = stored_names(stored)
    if names is None:
        return None
    # as a JSON record's list of authors is read (each without a leading "By"), then kept
    cleaned = list(draft_authors(author_names(names), source))
    return None if cleaned == names else json.dumps(cleaned)


async def clean_stored_authors(conn: aiosqlite.Connection, batch: int = AUTHORS_BATCH) -> int:
    """Clean every stored article's authors by today's rules (`cleaned_list`), `batch`
    articles a transaction, storing only the lists that change; the number of articles
    whose authors changed. Stopped at any point, each list is old or clean, and a call
    again goes on; a list another process changed meanwhile is left to it. StoreError when
    the database takes no write (a full disk, a lock held too long), saying what to do."""
    changed = 0
    after = -1
    while True:
        async with conn.execute(
            "SELECT id, authors, source FROM articles WHERE id > ? AND authors != '[]'"
            " ORDER BY id LIMIT ?",
            (after, batch),
        ) as cur:
            rows = [(int(r[0]), str(r[1]), r[2]) for r in await cur.fetchall()]
        if not rows:
            return changed
        after = rows[-1][0]
        updates = [
            (cleaned, article_id, stored)
            for article_id, stored, source in rows
            if (cleaned := cleaned_list(stored, source)) is not None
        ]
        if updates:
            changed += await _store_lists(conn, updates)


async def _store_lists(conn: aiosqlite.Connection, updates: list[tuple[str, int, str]]) -> int:
    """Store each (cleaned list, article id, list read) where the list read is still there;
    how many were stored."""
    stored = 0
    try:
        async with transaction(conn):
            for update in updates:
                async with conn.execute(
                    "UPDATE articles SET authors = ? WHERE id = ? AND authors = ?", update
                ) as cur:
                    stored += cur.rowcount
    except sqlite3.DatabaseError as exc:
        if (fault := storage_fault(exc, AGAIN)) is not None:
            raise StoreError(fault) from exc
        raise
    return stored
