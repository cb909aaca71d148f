"""Articles split again under the sentence rules of now: the version each article records,
`newsbot reindex` re-splitting those of an older one, `newsbot stats` counting them."""

from __future__ import annotations

from pathlib import Path

import pytest

import retrieval.corpus.db
from bot.cli.main import main
from retrieval.corpus.db import connect
from retrieval.corpus.schema import MIGRATIONS
from retrieval.corpus.splitter import SPLITTER_VERSION
from retrieval.engine import Engine
from retrieval.models import ArticleDraft

from .conftest import SEEDS, run_sql
from .test_store import store_by_hand


async def test_a_migrated_database_counts_its_articles_split_by_an_older_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS[:25])  # before versions
    await (await connect(db_path)).close()
    store_by_hand(db_path, {1: [(1, 0), (2, 1)]})
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    engine = await Engine.open(db_path)
    try:
        await engine.add_articles([ArticleDraft("Ferry", "The ferry sailed. It came back.")])
    finally:
        await engine.close()
    assert SPLITTER_VERSION > 0
    assert run_sql(db_path, "SELECT id, splitter FROM articles ORDER BY id") == [
        (1, 0),
        (2, SPLITTER_VERSION),
    ]
    plan = run_sql(db_path, "EXPLAIN QUERY PLAN SELECT count(*) FROM articles WHERE splitter < 1")
    assert "articles_splitter" in str(plan)  # counted without reading the articles' text


def test_stats_counts_the_articles_an_older_splitter_split(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db_path), "ingest", "--quiet", str(SEEDS)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "stats"]) == 0
    assert "splitter:" not in capsys.readouterr().out
    run_sql(db_path, "UPDATE articles SET splitter = 0")
    assert main(["--db", str(db_path), "stats"]) == 0
    assert (
        "splitter:   1 article with the sentences of an older splitter: newsbot reindex "
        "re-splits them\n" in capsys.readouterr().out
    )
