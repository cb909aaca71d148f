"""What ingest reads once and stores: what each sentence names, and each title's terms. A
question takes them as stored, and reads the text or tokenizes the title only where they
were stored without them (before migration 7) or by other code (another signature). Same
answers either way."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import retrieval.corpus.db
from bot.cli.main import main
from retrieval.corpus.db import connect
from retrieval.corpus.prepare import parsed_title_terms
from retrieval.corpus.read_connections import ReadConnections
from retrieval.corpus.reader import CorpusReader
from retrieval.corpus.schema import MIGRATIONS
from retrieval.engine import Engine
from retrieval.index.tokens import Tokenizer
from retrieval.ranking import answers, marks
from retrieval.search import Searcher
from tests.conftest import SEEDS, run_sql
from tests.test_store import store_by_hand

QUESTIONS = ("Which bank raised rates?", "Where did the joint exercise begin?", "harvest festival")
# One moment for every search: asked "now", two searches a few milliseconds apart weigh each
# article's recency differently, and a score rounded to six places can differ in its last.
ASKED_AT = time.time() + 86_400


@pytest.fixture
def texts_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The texts the marks read (not taken as stored), with nothing remembered yet."""
    read: list[str] = []

    def counting(texts: list[str]) -> list[tuple[str, int, int]]:
        read.extend(texts)
        return marks.sentences_finds(texts)

    monkeypatch.setattr(answers, "sentences_finds", counting)
    yield read


def _asked(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, titles: list[str] | None = None
) -> list[list[tuple[str, float]]]:
    """Each of QUESTIONS' passages (quote, score), with no finds remembered from before;
    the titles the searcher tokenizes go to `titles`."""
    fresh = answers._RememberedFinds(1000)  # noqa: SLF001
    monkeypatch.setattr(answers, "finds_of", fresh)
    readers = ReadConnections(engine.db_path)
    try:
        searcher = Searcher(CorpusReader(readers.get), engine.index, engine.articles)
        tokenize = searcher._title_terms  # noqa: SLF001

        def tokenizing(title: str) -> frozenset[str]:
            if titles is not None:
                titles.append(title)
            return tokenize(title)

        monkeypatch.setattr(searcher, "_title_terms", tokenizing)
        found = [searcher.search(q, limit=5, as_of=ASKED_AT).passages for q in QUESTIONS]
    finally:
        readers.close()
    assert all(found)
    return [[(p.quote, p.score) for p in passages] for passages in found]


async def test_ingest_stores_what_each_sentence_names(small_engine: Engine) -> None:
    rows = run_sql(small_engine.db_path, "SELECT text, finds FROM sentences ORDER BY id")
    assert rows
    assert [found for _, found in rows] == answers.packed([text for text, _ in rows])
    assert all(answers.stored(found) for _, found in rows)


async def test_a_question_takes_the_stored_finds_and_reads_no_text_for_them(
    small_engine: Engine, monkeypatch: pytest.MonkeyPatch, texts_read: list[str]
) -> None:
    taken = _asked(small_engine, monkeypatch)
    assert texts_read == []
    assert not answers.finds_of._known  # noqa: SLF001 (taken as read, not remembered too)
    run_sql(small_engine.db_path, "UPDATE sentences SET finds = NULL")  # stored before
    assert _asked(small_engine, monkeypatch) == taken
    assert texts_read
    assert answers.finds_of._known  # noqa: SLF001 (read from the text: remembered)


async def test_finds_stored_by_other_code_are_read_again(
    small_engine: Engine, monkeypatch: pytest.MonkeyPatch, texts_read: list[str]
) -> None:
    taken = _asked(small_engine, monkeypatch)
    monkeypatch.setattr(answers, "READING_SIGNATURE", b"\x00\x00\x00\x01")
    assert _asked(small_engine, monkeypatch) == taken
    assert texts_read


async def test_the_migrations_leave_stored_articles_without_finds_or_title_terms(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        retrieval.corpus.db, "MIGRATIONS", MIGRATIONS[:6]
    )  # before finds and title terms
    await (await connect(db_path)).close()
    store_by_hand(db_path, {1: [(1, 0), (2, 1)]})
    monkeypatch.setattr(retrieval.corpus.db, "MIGRATIONS", MIGRATIONS)
    await (await connect(db_path)).close()
    assert run_sql(db_path, "SELECT id, finds FROM sentences") == [(1, None), (2, None)]
    assert run_sql(db_path, "SELECT count(*) FROM title_terms") == [(0,)]


async def test_ingest_stores_each_titles_terms(small_engine: Engine) -> None:
    rows = run_sql(
        small_engine.db_path,
        "SELECT a.title, t.terms FROM articles a JOIN title_terms t ON t.article_id = a.id",
    )
    assert len(rows) == len(run_sql(small_engine.db_path, "SELECT id FROM articles"))
    tokenizer = Tokenizer()
    for title, terms in rows:
        assert parsed_title_terms(terms) == (tokenizer.signature, frozenset(tokenizer(title)))
    assert parsed_title_terms(None) is None


async def test_a_question_takes_the_stored_title_terms(
    small_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokenized: list[str] = []
    taken = _asked(small_engine, monkeypatch, tokenized)
    assert tokenized == []
    run_sql(small_engine.db_path, "UPDATE title_terms SET terms = 'v0:other rules' || terms")
    assert _asked(small_engine, monkeypatch, tokenized) == taken
    assert tokenized
    tokenized.clear()
    run_sql(small_engine.db_path, "DELETE FROM title_terms")  # stored before
    assert _asked(small_engine, monkeypatch, tokenized) == taken
    assert tokenized


async def test_read_again_fills_what_a_database_lacks(small_engine: Engine) -> None:
    """Sentences stored without finds or with another code's, titles without terms or with
    other token rules: filled as ingest would have, in batches; nothing else is touched."""
    db = small_engine.db_path
    finds = run_sql(db, "SELECT id, finds FROM sentences ORDER BY id")
    titles = run_sql(db, "SELECT article_id, terms FROM title_terms ORDER BY article_id")
    for i, found in finds:
        if i % 3 == 0:  # read by other code: another signature
            run_sql(db, "UPDATE sentences SET finds = ? WHERE id = ?", b"\x00" * 4 + found[4:], i)
    run_sql(db, "UPDATE sentences SET finds = NULL WHERE id % 2 = 0")  # stored before
    run_sql(db, "DELETE FROM title_terms WHERE article_id = 1")
    run_sql(db, "UPDATE title_terms SET terms = 'v0' || terms WHERE article_id = 2")
    stale = sum(1 for i, _ in finds if i % 2 == 0 or i % 3 == 0)
    assert await small_engine._store.read_again(batch=2) == (stale, 2)  # noqa: SLF001
    assert run_sql(db, "SELECT id, finds FROM sentences ORDER BY id") == finds
    assert run_sql(db, "SELECT article_id, terms FROM title_terms ORDER BY article_id") == titles
    assert await small_engine.read_again() == (0, 0)
    assert await small_engine.read_again(anew=True) == (0, len(titles))  # as a reindex does
    assert run_sql(db, "SELECT article_id, terms FROM title_terms ORDER BY article_id") == titles


def test_reindex_reads_again_what_the_database_lacks(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", "--quiet", "--db", str(db_path), str(SEEDS)]) == 0
    finds = run_sql(db_path, "SELECT id, finds FROM sentences ORDER BY id")
    run_sql(db_path, "UPDATE sentences SET finds = NULL")
    run_sql(db_path, "DELETE FROM title_terms")
    capsys.readouterr()
    assert main(["reindex", "--db", str(db_path)]) == 0
    assert (
        f"read the names and numbers of {len(finds)} sentences and the terms of 1 title\n"
        in capsys.readouterr().out
    )
    assert run_sql(db_path, "SELECT id, finds FROM sentences ORDER BY id") == finds


def test_the_scanner_reads_in_runs_of_bounded_length(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its buffer, kept by each thread, grows with the text of one call: a batch is read in
    runs of at most so many characters (a longer text alone), each text once, in order."""
    runs: list[list[str]] = []

    def counting(texts: list[str]) -> list[tuple[str, int, int]]:
        runs.append(list(texts))
        return marks.sentences_finds(texts)

    texts = ["Paris hosted 12 talks.", "x" * 30, "Lyon.", "Rome won in 2020.", "y" * 5]
    expected = answers.packed(texts)
    monkeypatch.setattr(answers, "sentences_finds", counting)
    monkeypatch.setattr(answers, "_PACKED_AT_ONCE", 25)
    assert answers.packed(texts) == expected
    assert runs == [texts[:1], texts[1:2], texts[2:4], texts[4:]]
