"""Articles split again under the sentence rules of now: the version each article records,
`newsbot reindex` re-splitting those of an older one, `newsbot stats` counting them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

import retrieval.corpus.db
from bot.cli.main import main
from retrieval.corpus import resplit
from retrieval.corpus import sentences as sentence_rules
from retrieval.corpus.db import connect
from retrieval.corpus.schema import MIGRATIONS
from retrieval.corpus.sentences import article_sentences
from retrieval.corpus.splitter import SPLITTER_VERSION
from retrieval.corpus.text import paragraphs
from retrieval.engine import Engine
from retrieval.index.index import ScoredDoc
from retrieval.indexing import article_index_dir
from retrieval.models import ArticleDraft
from retrieval.search_result import SearchResult
from retrieval.without_index import resplit_articles

from .cli_process import clean_env, run_newsbot
from .conftest import SEEDS, run_sql, write_jsonl
from .test_store import store_by_hand

T = TypeVar("T")
AS_OF = 1_800_000_000.0  # a fixed moment after every article here
# Articles an older splitter split otherwise: the page furniture kept (a dateline, a
# newsletter's promotion, a photo credit), and breaks inside names and clock times. The
# harbour's splits as before.
ARTICLES = [
    {
        "title": "Envoy meets former president",
        "text": "CNN —\n\nFormer President George H.W. Bush met the envoy at 3:35 p.m. ET on "
        "Tuesday, aides said.\n\nSign up for our newsletter.",
        "published": "2024-11-25",
    },
    {
        "title": "Council votes on the ceasefire",
        "text": "UNITED NATIONS —\n\nThe council voted on the ceasefire on Friday. Russia "
        "voted no. China abstained.\n\nRead more here.",
        "published": "2024-11-22",
    },
    {
        "title": "Harbour reopens",
        "text": "The harbour reopened on Monday. Ferries sailed again.",
        "published": "2024-11-18",
    },
    {
        "title": "Senator speaks at the school",
        "text": "WASHINGTON —\n\nSen. J.D. Vance spoke at the Harvard T.H. Chan School on "
        "Monday.\n\nPhoto: Justin Sullivan/Getty Images",
        "published": "2024-11-11",
    },
]
FURNITURE = ("CNN —", "Sign up for our newsletter.", "UNITED NATIONS —", "Read more here.")


def older_split(text: str) -> list[tuple[int, str]]:
    """What an older splitter made of `text`: a break after every full stop before a
    capital, and every line kept."""
    return [
        (number, sentence)
        for number, paragraph in enumerate(paragraphs(text))
        for sentence in re.split(r"(?<=\.) (?=[A-Z])", paragraph)
    ]


def split_as_before(
    db_path: Path, split: Callable[[str], list[tuple[int, str]]] = older_split
) -> dict[int, list[tuple[int, str]]]:
    """Give every article the sentences an older splitter (`split`) makes of its text, under
    new ids, and the version of before any was recorded; returns them by article."""
    made = {}
    for article_id, text in run_sql(db_path, "SELECT id, text FROM articles ORDER BY id"):
        [(first,)] = run_sql(
            db_path, "SELECT seq + 1 FROM sqlite_sequence WHERE name = 'sentences'"
        )
        made[article_id] = split(text)
        run_sql(db_path, "DELETE FROM sentences WHERE article_id = ?", article_id)
        for position, (paragraph, sentence) in enumerate(made[article_id]):
            run_sql(
                db_path,
                "INSERT INTO sentences (id, article_id, position, paragraph, text)"
                " VALUES (?, ?, ?, ?, ?)",
                first + position,
                article_id,
                position,
                paragraph,
                sentence,
            )
        run_sql(
            db_path,
            "UPDATE articles SET first_sentence = ?, sentence_count = ?, splitter = 0"
            " WHERE id = ?",
            first,
            len(made[article_id]),
            article_id,
        )
    return made


def stored_sentences(db_path: Path) -> dict[int, list[tuple[int, int, str]]]:
    """Each article's (id, paragraph, text) rows in order, checked to run as its row says."""
    stored: dict[int, list[tuple[int, int, str]]] = {}
    for article_id, first, count in run_sql(
        db_path, "SELECT id, first_sentence, sentence_count FROM articles ORDER BY id"
    ):
        rows = run_sql(
            db_path,
            "SELECT id, position, paragraph, text FROM sentences WHERE article_id = ?"
            " ORDER BY position",
            article_id,
        )
        assert [(i, p) for i, p, _, _ in rows] == [(first + p, p) for p in range(count)]
        stored[article_id] = [(i, paragraph, text) for i, _, paragraph, text in rows]
    return stored


def texts_of(rows: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
    return [(paragraph, text) for _, paragraph, text in rows]


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
        "re-splits it\n" in capsys.readouterr().out
    )


def test_reindex_resplits_the_articles_an_older_splitter_split(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each is split again from its stored text, as an ingest splits it now, and the indexes
    are built of its new sentences: the furniture is found no more, a name and a clock time
    are one sentence. One that splits as before keeps its sentences, ids and all."""
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "a.jsonl", ARTICLES))]) == 0
    older = split_as_before(db_path)
    before = stored_sentences(db_path)

    async def newsletter(engine: Engine) -> list[ScoredDoc]:
        return engine.index.search("newsletter", 10)

    assert opened(db_path, newsletter)  # as an older newsbot indexed it
    capsys.readouterr()

    assert main([*db, "reindex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "re-split 4 articles stored by an older splitter: 3 have new sentences\n"
    )
    after = stored_sentences(db_path)
    texts = dict(run_sql(db_path, "SELECT id, text FROM articles"))
    for article_id, rows in after.items():
        assert texts_of(rows) == article_sentences(texts[article_id])
    harbour = 3
    assert after[harbour] == before[harbour] and older[harbour] == texts_of(after[harbour])
    newest = max(i for rows in before.values() for i, _, _ in rows)
    assert all(i > newest for a in (1, 2, 4) for i, _, _ in after[a])  # ids never given before
    assert run_sql(db_path, "SELECT DISTINCT splitter FROM articles") == [(SPLITTER_VERSION,)]

    async def look(engine: Engine) -> tuple[int, list[list[ScoredDoc]], SearchResult]:
        furniture = [engine.index.search(line, 10) for line in FURNITURE]
        answer = await engine.ask("When did George Bush meet the envoy?", as_of=AS_OF)
        return len(engine.index), furniture, answer

    size, furniture, answer = opened(db_path, look)
    assert size == sum(len(rows) for rows in after.values())
    assert furniture == [[]] * len(FURNITURE)
    [bush] = [i for i, _, text in after[1] if "George H.W. Bush met the envoy" in text]
    assert answer.passages[0].sentence_ids == (bush,)
    assert not any(line in p.quote for p in answer.passages for line in FURNITURE)
    assert main([*db, "stats"]) == 0
    assert "splitter:" not in capsys.readouterr().out
    assert main([*db, "reindex"]) == 0  # nothing left to split
    assert capsys.readouterr().out.startswith("indexed ")


def test_a_quiet_reindex_that_went_well_prints_nothing_for_cron(
    db_path: Path, tmp_path: Path
) -> None:
    """`reindex` had no --quiet, as `feeds poll` has: from cron, every reindex mailed its
    summary and, at the default log level, its progress lines. An error is still said. (A
    real process: the log level is the process's.)"""
    db = ["--db", str(db_path)]
    assert main([*db, "ingest", "--quiet", str(write_jsonl(tmp_path / "a.jsonl", ARTICLES))]) == 0
    split_as_before(db_path)
    env = clean_env()  # NEWSBOT_LOG_LEVEL as default: INFO
    done = run_newsbot([*db, "reindex", "--quiet"], tmp_path, env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert run_sql(db_path, "SELECT DISTINCT splitter FROM articles") == [(SPLITTER_VERSION,)]
    loud = run_newsbot([*db, "reindex"], tmp_path, env)  # without --quiet, as before
    assert loud.returncode == 0 and loud.stdout.startswith("indexed ")
    assert "INFO newsbot.progress: reindex: " in loud.stderr
    typo = tmp_path / "newbsot.db"
    done = run_newsbot(["--db", str(typo), "reindex", "--quiet"], tmp_path, env)
    assert done.returncode == 1 and done.stderr.startswith(
        f"newsbot reindex: no database at {typo}"
    )


def opened(db_path: Path, look: Callable[[Engine], Awaitable[T]]) -> T:
    """What `look` finds in the engine of the database, opened (its indexes loaded, or
    rebuilt where stale) and closed again, as a command opens it."""

    async def run() -> T:
        engine = await Engine.open(db_path)
        try:
            return await look(engine)
        finally:
            await engine.close()

    return asyncio.run(run())


async def indexed(engine: Engine) -> int:
    return len(engine.index)


def ingested_as_before(db_path: Path, tmp_path: Path) -> dict[int, list[tuple[int, int, str]]]:
    """ARTICLES stored with the sentences `older_split` makes, indexed so, the index saved;
    returns their rows (`stored_sentences`)."""
    source = write_jsonl(tmp_path / "a.jsonl", ARTICLES)
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    split_as_before(db_path)
    assert opened(db_path, indexed) == sum(len(older_split(str(a["text"]))) for a in ARTICLES)
    return stored_sentences(db_path)


async def newsletter(engine: Engine) -> set[int]:
    """The articles whose doc in the article index holds "newsletter"."""
    return {hit.doc_id for hit in engine.articles.search("newsletter", 10)}


def articles_indexed_as_before(db_path: Path) -> None:
    """The article index made anew from the sentences as an older newsbot stored them, as
    an older newsbot made it (article 1's promotion in it)."""
    shutil.rmtree(article_index_dir(db_path))
    assert 1 in opened(db_path, newsletter)


KILLED_WHILE_WRITING = """
import os, signal, sys
from bot.cli import main as cli
from retrieval.corpus import resplit
from retrieval.corpus.store import CorpusStore
resplit.RESPLIT_BATCH = 1
real, calls = CorpusStore.next_sentence_id, []
async def killed(self):
    calls.append(self)
    if len(calls) == 2:  # the second article's transaction, its old sentences deleted
        os.kill(os.getpid(), signal.SIGKILL)
    return await real(self)
CorpusStore.next_sentence_id = killed
sys.exit(cli.main(["--db", sys.argv[1], "reindex"]))
"""


def test_a_reindex_killed_while_re_splitting_leaves_each_article_old_or_new(
    db_path: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Killed inside a batch's transaction, after it deleted an article's old sentences:
    that article keeps them, the batches before have their new ones, the indexes no
    longer matching are rebuilt at the next opening, and the next reindex finishes."""
    before = ingested_as_before(db_path, tmp_path)
    articles_indexed_as_before(db_path)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_WRITING, str(db_path)],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    texts = dict(run_sql(db_path, "SELECT id, text FROM articles"))
    now = stored_sentences(db_path)
    assert texts_of(now[1]) == article_sentences(texts[1])  # the first batch: new
    assert {a: now[a] for a in (2, 3, 4)} == {a: before[a] for a in (2, 3, 4)}  # old, ids too
    assert run_sql(db_path, "SELECT id, splitter FROM articles ORDER BY id") == [
        (1, SPLITTER_VERSION),
        (2, 0),
        (3, 0),
        (4, 0),
    ]

    async def ask(engine: Engine) -> tuple[int, list[SearchResult], set[int]]:
        questions = ("When did George Bush meet the envoy?", "Who spoke at the Chan School?")
        answers = [await engine.ask(q, as_of=AS_OF) for q in questions]
        return len(engine.index), answers, await newsletter(engine)

    caplog.set_level(logging.WARNING)
    size, (bush, vance), promoted = opened(db_path, ask)
    rebuilt = [r.getMessage() for r in caplog.records if r.getMessage().startswith("rebuilding")]
    assert any(m.startswith("rebuilding the index") for m in rebuilt)
    # the article index too: its count is as it was, its docs were read from old sentences
    assert any(m.startswith("rebuilding the article index") for m in rebuilt), rebuilt
    assert 1 not in promoted  # article 1's promotion is gone
    assert size == sum(len(rows) for rows in now.values())
    [new] = [i for i, _, text in now[1] if "George H.W. Bush met the envoy" in text]
    assert bush.passages[0].sentence_ids == (new,)
    assert vance.passages[0].article.id == 4  # from its old sentences, which are stored
    assert set(vance.passages[0].sentence_ids) <= {i for i, _, _ in now[4]}

    capsys.readouterr()
    assert main(["--db", str(db_path), "reindex"]) == 0
    assert capsys.readouterr().out.startswith(
        "re-split 3 articles stored by an older splitter: 2 have new sentences\n"
    )
    done = stored_sentences(db_path)
    assert done[1] == now[1] and done[3] == before[3]
    for article_id, rows in done.items():
        assert texts_of(rows) == article_sentences(texts[article_id])


def test_a_reindex_stopped_while_re_splitting_says_what_it_left(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = ingested_as_before(db_path, tmp_path)
    monkeypatch.setattr(resplit, "RESPLIT_BATCH", 1)
    real = sentence_rules.article_sentences

    def stopped(text: str) -> list[tuple[int, str]]:
        if text.startswith("WASHINGTON"):  # the last article: SIGTERM while it is split
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        return real(text)

    monkeypatch.setattr(sentence_rules, "article_sentences", stopped)
    capsys.readouterr()
    interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
    try:
        assert main(["--db", str(db_path), "reindex"]) == 143
    finally:
        signal.signal(signal.SIGINT, interrupt)
    assert capsys.readouterr().err == (
        "newsbot reindex: "
        "interrupted after re-splitting 3 of 4 articles stored by an older "
        "splitter (each has its old sentences or its new ones): the index saved before no "
        "longer matches them and is rebuilt when newsbot next opens the database; run "
        "newsbot reindex again to finish\n"
    )
    assert stored_sentences(db_path)[4] == before[4]
    assert run_sql(db_path, "SELECT count(*) FROM articles WHERE splitter = 0") == [(1,)]


async def test_a_running_engine_reads_the_articles_split_again_meanwhile(
    db_path: Path, tmp_path: Path
) -> None:
    """A bot answering while `newsbot reindex` re-splits its articles: once refreshed, it
    quotes their new sentences, not the ones it remembered, which are gone."""
    await asyncio.to_thread(ingested_as_before, db_path, tmp_path)
    await asyncio.to_thread(articles_indexed_as_before, db_path)
    question = "When did George Bush meet the envoy?"
    engine = await Engine.open(db_path)
    try:
        before = await engine.ask(question, as_of=AS_OF)
        assert before.passages[0].article.id == 1  # its old sentences, remembered
        assert (await resplit_articles(db_path)).replaced == 3  # by another process
        await engine.refresh()
        after = await engine.ask(question, as_of=AS_OF)
        # as a bot saves what it indexed: the old docs with it, so it is not saved
        assert await engine.save_index() is False
    finally:
        await engine.close()
    [bush] = [i for i, _, text in stored_sentences(db_path)[1] if "George H.W. Bush met" in text]
    assert after.passages, "its remembered sentences are gone, and nothing else is quoted"
    assert after.passages[0].sentence_ids == (bush,)

    # the index saved before, its article docs read from the old sentences, is rebuilt
    assert 1 not in await asyncio.to_thread(opened, db_path, newsletter)


def test_a_reindex_that_cannot_write_says_so_and_how_to_go_on(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = ingested_as_before(db_path, tmp_path)
    monkeypatch.setattr(retrieval.corpus.db, "BUSY_TIMEOUT_S", 0.2)
    capsys.readouterr()
    with contextlib.closing(sqlite3.connect(db_path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another process's write, held too long
        try:
            assert main(["--db", str(db_path), "reindex"]) == 1
        finally:
            other.execute("ROLLBACK")
    err = capsys.readouterr().err
    assert err.startswith(
        "newsbot reindex: another process has kept the database locked for over "
    )
    assert err.endswith(
        "The articles stored before are safe; let it finish (another ingest, a reindex, a "
        "long query) or stop it, and run newsbot reindex again: it goes on with the articles "
        "not split yet\n"
    )
    assert stored_sentences(db_path) == before


async def test_long_articles_are_split_again_fewer_at_a_time(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction takes RESPLIT_BATCH articles, fewer where they hold more than
    RESPLIT_CHARS characters of text, and one alone however long: 500 articles of a million
    characters would be read, split and written at once, in gigabytes."""
    await asyncio.to_thread(ingested_as_before, db_path, tmp_path)
    lengths = [n for (n,) in run_sql(db_path, "SELECT length(text) FROM articles ORDER BY id")]
    most = lengths[1] + lengths[2]
    assert lengths[0] + lengths[1] > most < lengths[2] + lengths[3]
    monkeypatch.setattr(resplit, "RESPLIT_CHARS", most, raising=False)
    batches: list[int] = []
    assert (await resplit_articles(db_path, batches.append)).articles == 4
    assert batches == [1, 2, 1]
    texts = dict(run_sql(db_path, "SELECT id, text FROM articles"))
    for article_id, rows in stored_sentences(db_path).items():
        assert texts_of(rows) == article_sentences(texts[article_id])
