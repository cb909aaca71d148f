"""The authors older versions stored, cleaned as ingest cleans them now (`newsbot reindex`)."""

import json
from pathlib import Path

from retrieval.corpus.db import connect
from retrieval.corpus.stored_authors import clean_stored_authors

from .conftest import run_sql


async def test_stored_authors_are_cleaned_batch_by_batch_and_only_where_they_change(
    tmp_path: Path,
) -> None:
    """Each batch its own transaction (a stop keeps each list old or clean); a list that
    is no list of names is left as it is, and a clean one is not written again."""
    db = tmp_path / "news.db"
    conn = await connect(db)
    lists = {
        1: json.dumps(["By Jean Dupont"]),
        2: json.dumps(["Marie Curie"]),
        3: "not json",
        4: json.dumps(["Staff writer", "Cnn Business"]),
    }
    for article_id, authors in lists.items():
        await conn.execute(
            "INSERT INTO articles (id, title, text, content_hash, source, authors, ingested_ts)"
            " VALUES (?, 't', 'x', ?, 'CNN Business', ?, 0)",
            (article_id, f"hash{article_id}", authors),
        )
    try:
        assert await clean_stored_authors(conn, batch=1) == 2
        assert await clean_stored_authors(conn, batch=1) == 0  # once is enough
    finally:
        await conn.close()
    assert run_sql(db, "SELECT id, authors FROM articles ORDER BY id") == [
        (1, json.dumps(["Jean Dupont"])),
        (2, json.dumps(["Marie Curie"])),
        (3, "not json"),
        (4, "[]"),
    ]
