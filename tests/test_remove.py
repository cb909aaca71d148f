"""Removing articles: gone from the database, hidden in the indexes that still hold them."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.cli.common import EXIT_FAILED
from bot.cli.main import main
from retrieval import indexing
from retrieval.corpus.db import connect
from retrieval.corpus.ingest import ingest_paths
from retrieval.corpus.removals import Removed, remove_articles, removed_since
from retrieval.corpus.store import CorpusStore
from retrieval.engine import Engine
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.poll import FeedPoller
from retrieval.feeds.registry import FeedRegistry
from retrieval.models import ArticleDraft
from retrieval.search_result import SearchResult
from retrieval.without_index import remove_articles as remove_from
from tests.cli_process import cancel_landed, clean_env, script_process, until_cancelled
from tests.feed_server import FeedServer, poll_all

from .conftest import SMALL_CORPUS, run_sql, write_jsonl

QUESTION = "Where did the joint exercise begin?"
AS_OF = 1_800_000_000.0  # a fixed moment after every article here
ASLANDUZ = SMALL_CORPUS[0]


def quoted_articles(result: SearchResult) -> set[int]:
    return {p.article.id for p in result.passages}


def rebuilt(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("rebuilding")]


def restore(backup: Path, db_path: Path) -> None:
    """Put a backup in the database's place, as an admin restores one."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, db_path)


def ingested(tmp_path: Path) -> str:
    """A database of SMALL_CORPUS, ingested by the command line."""
    db = str(tmp_path / "news.db")
    articles = [
        {
            "title": d.title,
            "text": d.text,
            "source": d.source,
            "url": d.url,
            "published": d.published,
        }
        for d in SMALL_CORPUS
    ]
    assert main(["--db", db, "ingest", str(write_jsonl(tmp_path / "a.jsonl", articles))]) == 0
    return db


def test_remove_shows_the_articles_date_as_ask_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`remove` printed the stored string, "2019-11-19T13:03:00+00:00", where `ask` shows
    "2019-11-19 22:03 JST" in NEWSBOT_TIMEZONE."""
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Asia/Tokyo")
    db = str(tmp_path / "news.db")
    article = {
        "title": ASLANDUZ.title,
        "text": ASLANDUZ.text,
        "source": "Wall Street Journal",
        "published": "2019-11-19T13:03:00+00:00",
    }
    assert main(["--db", db, "ingest", str(write_jsonl(tmp_path / "a.jsonl", [article]))]) == 0
    assert main(["--db", db, "ask", "--limit", "1", QUESTION]) == 0
    assert "Wall Street Journal · 2019-11-19 22:03 JST · article 1\n" in capsys.readouterr().out
    assert main(["--db", db, "remove", "1"]) == 0
    out = capsys.readouterr().out
    assert (
        f'removed article 1: "{ASLANDUZ.title}" (Wall Street Journal, 2019-11-19 22:03 JST)' in out
    )


def test_a_removed_article_is_never_quoted_and_the_saved_index_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    db = ingested(tmp_path)
    assert main(["--db", db, "ask", "--limit", "3", QUESTION]) == 0
    out = capsys.readouterr().out
    assert "Aslanduz" in out
    assert "bne IntelliNews · 2024-11-25 · article 1\n" in out  # what remove takes

    assert main(["--db", db, "remove", "1"]) == 0
    out = capsys.readouterr().out
    assert f'removed article 1: "{ASLANDUZ.title}" (bne IntelliNews, 2024-11-25)' in out
    assert (
        "1 article removed: no answer quotes it from now on (a running bot, within seconds); "
        "newsbot reindex rebuilds the index files without its words\n"
    ) in out
    caplog.set_level(logging.WARNING)
    for limit in ("1", "10"):
        assert main(["--db", db, "ask", "--limit", limit, QUESTION]) == 0
        assert "Aslanduz" not in capsys.readouterr().out
    assert rebuilt(caplog) == []  # hidden in the saved index, not rebuilt for it
    assert main(["--db", db, "ask", "--limit", "1", "Where did the drills focus?"]) == 0
    assert "The drills" not in capsys.readouterr().out
    assert run_sql(
        tmp_path / "news.db", "SELECT count(*) FROM sentences WHERE article_id = 1"
    ) == [(0,)]


async def test_a_running_engine_hides_what_another_process_removed(
    small_engine: Engine,
) -> None:
    url = ASLANDUZ.url
    assert url is not None
    before = await small_engine.ask(QUESTION, limit=5, as_of=AS_OF)
    [aslanduz] = quoted_articles(before) & {1}

    # another process removes it, by its address with a tracking parameter added
    report = await remove_from(small_engine.db_path, [url + "?utm_source=feed"])
    assert [a.id for a in report.removed] == [aslanduz] and report.not_found == []
    await small_engine.refresh()

    after = await small_engine.ask(QUESTION, limit=5, as_of=AS_OF)
    assert aslanduz not in quoted_articles(after)
    tokens = small_engine.articles.tokenizer(ASLANDUZ.title)
    assert aslanduz not in {d.doc_id for d in small_engine.articles.search(tokens, 10)}
    assert small_engine.index.search("Aslanduz", 10) == []
    assert small_engine.index.search("Aslanduz", 10, until=AS_OF) == []
    # the other articles are found as before
    assert quoted_articles(await small_engine.ask("Which rate did the central bank hold?"))


async def test_hidden_docs_stay_hidden_through_merges_saves_and_loads(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    for draft in SMALL_CORPUS:  # a segment each
        await engine.add_articles([draft])
        await engine.refresh()
    await remove_from(engine.db_path, ["1"])
    await engine.refresh()
    held = len(engine.index)
    await engine.save_index()  # merges the segments: the merged one keeps them hidden
    assert engine.index.search("Aslanduz", 10) == []
    await engine.close()

    caplog.set_level(logging.WARNING)
    reopened = await Engine.open(engine.db_path)
    try:
        assert rebuilt(caplog) == []
        assert len(reopened.index) == held  # still held, hidden
        assert reopened.index.search("Aslanduz", 10) == []
        assert 1 not in quoted_articles(await reopened.ask(QUESTION, as_of=AS_OF))
    finally:
        await reopened.close()

    anew = await Engine.open(engine.db_path, anew=True)  # `newsbot reindex`
    try:
        stored = run_sql(engine.db_path, "SELECT count(*) FROM sentences")[0][0]
        assert len(anew.index) == stored < held
        assert len(anew.articles) == len(SMALL_CORPUS) - 1
    finally:
        await anew.close()


async def test_a_removed_articles_id_is_never_given_again(engine: Engine) -> None:
    [first, second] = await engine.add_articles(SMALL_CORPUS[1:])
    await engine.refresh()
    await remove_from(engine.db_path, [str(second.article_id)])  # the newest
    await engine.refresh()
    [third] = await engine.add_articles([SMALL_CORPUS[0]])
    assert third.article_id == second.article_id + 1
    await engine.refresh()  # a reused id would be hidden as the removed article's
    assert third.article_id in quoted_articles(await engine.ask(QUESTION, as_of=AS_OF))
    await engine.close()
    reopened = await Engine.open(engine.db_path)
    try:
        assert third.article_id in quoted_articles(await reopened.ask(QUESTION, as_of=AS_OF))
    finally:
        await reopened.close()


def test_each_reference_is_removed_or_said_why_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ingested(tmp_path)
    capsys.readouterr()
    refs = [
        "2",
        "2",
        "https://EXAMPLE.com/markets?id=1&q=<rates>&utm_medium=x#top",
        "99",
        "http://[x",
        " ",
        "abc",
        "https://example.com/none",
    ]
    assert main(["--db", db, "remove", *refs]) == EXIT_FAILED
    out, err = capsys.readouterr()
    assert out.count("removed article 2:") == 1 and "1 article removed" in out
    assert err.splitlines() == [
        "newsbot remove: 99: no article has that id",
        "newsbot remove: http://[x: neither an article id nor an address",
        "newsbot remove:  : neither an article id nor an address",
        # a word is told how an article is named
        "newsbot remove: abc: no stored article has that address (an article is named by its "
        "id or its link)",
        "newsbot remove: https://example.com/none: no stored article has that address",
    ]
    assert main(["--db", db, "remove", "2", "https://example.com/markets?id=1&q=<rates>"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "newsbot remove: 2: removed already",
        "newsbot remove: https://example.com/markets?id=1&q=<rates>: removed already",
    ]
    # http or https, "www." or not: the same page's address (`same_page`)
    stored = "https://www.intellinews.com/azerbaijani-and-iranian-forces-begin-joint-exercises"
    assert run_sql(Path(db), "SELECT url FROM articles WHERE id = 1") == [(stored,)]
    bare = stored.replace("https://www.", "http://") + "/"
    assert main(["--db", db, "remove", bare]) == 0
    assert "removed article 1:" in capsys.readouterr().out
    assert main(["--db", db, "remove", stored]) == EXIT_FAILED
    assert capsys.readouterr().err.splitlines() == [f"newsbot remove: {stored}: removed already"]
    assert main(["--db", str(tmp_path / "none.db"), "remove", "1"]) == EXIT_FAILED
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
    assert [r[0] for r in run_sql(Path(db), "SELECT id FROM articles")] == [3]


def test_an_address_is_removed_by_the_form_a_browser_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A browser copies an Arabic or German address percent-encoded, and may give a host
    in punycode: `remove` said no stored article had the address."""
    db = tmp_path / "news.db"
    articles = [
        {"title": "A", "text": "The budget rose.", "url": "https://ahram.org.eg/News/مقال/123"},
        {"title": "B", "text": "The book fair opened.", "url": "https://bücher.de/messe"},
    ]
    write_jsonl(tmp_path / "in.jsonl", articles)
    assert main(["--db", str(db), "ingest", str(tmp_path / "in.jsonl")]) == 0
    capsys.readouterr()
    copied = "https://ahram.org.eg/News/%D9%85%D9%82%D8%A7%D9%84/123"
    assert main(["--db", str(db), "remove", copied, "https://xn--bcher-kva.de/messe/"]) == 0
    out = capsys.readouterr().out
    assert "removed article 1:" in out and "removed article 2:" in out


async def test_no_feed_brings_a_removed_article_back_and_an_ingest_by_hand_does(
    feed_server: FeedServer, fetcher: Fetcher, db: aiosqlite.Connection, tmp_path: Path
) -> None:
    """The feed it came from remembered its entry, but removed and added again it did not,
    and another feed carrying the same story stored it anew."""
    url = feed_server.serve("/feeds/quayside.rss", "quayside-1.rss", etag=None, last_modified=None)
    feeds, poller = FeedRegistry(db), FeedPoller(db, fetcher)
    await feeds.add(url)
    assert (await poll_all(poller)).added == 1
    report = await remove_articles(db, ["1"])
    assert [a.title[:10] for a in report.removed] == ["Fish marke"]

    assert (await poll_all(poller)).added == 0  # its entry is seen
    await feeds.remove(url)
    await feeds.add(url)  # its entries forgotten
    again = feed_server.serve("/feeds/copy.rss", "quayside-1.rss", etag=None, last_modified=None)
    await feeds.add(again)  # the same story in another feed
    polled = await poll_all(poller)
    assert [(o.status, o.new_entries, o.added, o.removed) for o in polled.outcomes] == [
        ("ok", 1, 0, 1),
        ("ok", 1, 0, 1),
    ]
    assert "1 removed article left out" in polled.outcomes[0].line()
    async with db.execute("SELECT title FROM articles") as cur:
        assert [tuple(row) for row in await cur.fetchall()] == []

    # an admin's own ingest of it stores it again, under a new id
    page = feed_server.routes["/pages/market.html"].body
    (tmp_path / "market.html").write_bytes(page)
    store = CorpusStore(db)
    report_in = await ingest_paths(store, [tmp_path / "market.html"])
    assert report_in.added == 1
    async with db.execute("SELECT id FROM articles") as cur:
        assert [tuple(row) for row in await cur.fetchall()] == [(2,)]
    # ... and a feed carrying it since finds a copy, not a removed article
    third = feed_server.serve("/feeds/third.rss", "quayside-1.rss", etag=None, last_modified=None)
    await feeds.add(third)
    [outcome] = (await poller.poll_due()).outcomes
    assert (outcome.added, outcome.duplicates, outcome.removed) == (0, 1, 0)


async def test_nothing_of_a_removed_articles_text_is_left(
    small_engine: Engine, db: aiosqlite.Connection
) -> None:
    await small_engine.add_articles(
        [ArticleDraft(title="Second", text="A second article on the ferry.", source="X")]
    )
    await remove_articles(db, ["1"])
    text = "\n".join(
        str(row)
        for table in ("articles", "sentences", "title_terms", "removed_articles", "meta")
        for row in run_sql(small_engine.db_path, f"SELECT * FROM {table}")
    )
    assert "Aslanduz" not in text and "Azerbaijani" not in text and "IntelliNews" not in text
    # what finds it again, to keep it out of feeds: its address and its words' fingerprint
    assert run_sql(small_engine.db_path, "SELECT url FROM removed_articles") == [(ASLANDUZ.url,)]
    removed = run_sql(small_engine.db_path, "SELECT sentence_id FROM removed_sentences")
    assert [r[0] for r in removed] == [1, 2, 3]


async def test_a_removal_while_an_index_loads_rebuilds_nothing(
    engine: Engine, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read apart, the removals and the count of stored docs could straddle a removal,
    which looked like a lost doc: both indexes were rebuilt (minutes, on a large corpus)."""
    await engine.add_articles(SMALL_CORPUS)
    await engine.refresh()
    await engine.save_index()
    await engine.close()
    other = await connect(engine.db_path)
    reads: list[int] = []

    async def racing(conn: aiosqlite.Connection, after: int) -> Removed:
        found = await removed_since(conn, after)
        reads.append(after)
        if len(reads) == 2:  # the sentence index's load: just after its read
            await remove_articles(other, ["1"])
        return found

    monkeypatch.setattr(indexing, "removed_since", racing)
    caplog.set_level(logging.WARNING)
    try:
        reopened = await Engine.open(engine.db_path)
    finally:
        await other.close()
    try:
        assert rebuilt(caplog) == [] and len(reads) >= 2
        await reopened.refresh()
        assert reopened.index.search("Aslanduz", 10) == []
        assert 1 not in quoted_articles(await reopened.ask(QUESTION, as_of=AS_OF))
    finally:
        await reopened.close()


async def test_an_index_hiding_what_a_restored_database_holds_is_rebuilt(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Saved hidden, then the database restored from a backup made before the removal: the
    counts matched, so the index was trusted, and the restored article was never found."""
    await engine.add_articles(SMALL_CORPUS)
    await engine.refresh()
    backup = tmp_path / "backup.db"
    with closing(sqlite3.connect(engine.db_path)) as live, closing(sqlite3.connect(backup)) as b:
        live.backup(b)
    await remove_from(engine.db_path, ["1"])
    await engine.refresh()
    await engine.save_index()  # its segments saved with the article hidden
    await engine.close()
    restore(backup, engine.db_path)

    caplog.set_level(logging.WARNING)
    reopened = await Engine.open(engine.db_path)
    try:
        assert "it hides docs the database does not say were removed" in caplog.text
        assert 1 in quoted_articles(await reopened.ask(QUESTION, as_of=AS_OF))
    finally:
        await reopened.close()


def test_a_corpus_whose_articles_were_all_removed_is_not_seeded_again(
    seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty database was taken for a new one: the seed article, removed, came back at
    the next ask, and questions were told to try other words."""
    db = str(seeded_db)
    assert main(["--db", db, "remove", "1"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "ask", QUESTION]) == 0
    out, err = capsys.readouterr()
    assert out == "The news corpus holds no articles.\n"
    assert "its articles were removed" in err and "the seeds are not added to it" in err
    assert run_sql(Path(db), "SELECT count(*) FROM articles") == [(0,)]


async def test_a_removed_articles_text_is_not_left_in_the_database_files(
    small_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleted rows stayed in free pages where SQLite was built without secure delete, and
    in the write-ahead log as ingest wrote them, until both were reused."""

    async def no_secure_delete(path: Path) -> aiosqlite.Connection:
        conn = await connect(path)
        await conn.execute("PRAGMA secure_delete = OFF")  # as other builds have it
        return conn

    monkeypatch.setattr("retrieval.without_index.connect", no_secure_delete)
    phrase = b"border town of Aslanduz"
    files = [Path(f"{small_engine.db_path}{suffix}") for suffix in ("", "-wal")]
    assert any(phrase in path.read_bytes() for path in files if path.exists())
    await remove_from(small_engine.db_path, ["1"])
    assert not any(phrase in path.read_bytes() for path in files if path.exists())


@pytest.mark.parametrize(
    ("stopped_in", "removed"),
    [("delete_securely", False), ("_remove", True), ("empty_log", True)],
    ids=["before it began", "while it removes", "after its commit"],
)
def test_a_remove_stopped_says_what_it_removed(
    stopped_in: str,
    removed: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGTERM just after the removal's commit ended `remove` with status 143 and not a
    word, the articles gone: a script could not tell whether the retraction was done.
    Once begun, a removal now goes on and says what it removed; stopped before, it says
    nothing was."""
    from retrieval.corpus import removals

    db = ingested(tmp_path)
    capsys.readouterr()
    step = getattr(removals, stopped_in)

    async def sigterm_then(*args: object) -> object:
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd's stop, `timeout`
        if stopped_in != "delete_securely":  # under way (`finished`): the cancel lands in
            await cancel_landed()  # the wait for it, not here; it slept 30 s after its commit
        else:
            await until_cancelled()
        return await step(*args)

    monkeypatch.setattr(removals, stopped_in, sigterm_then)
    assert main(["--db", db, "remove", "1"]) == 128 + signal.SIGTERM
    out, err = capsys.readouterr()
    left = run_sql(Path(db), "SELECT id FROM articles WHERE id = 1")
    if removed:
        assert out.startswith(f'removed article 1: "{ASLANDUZ.title}"') and err == ""
        assert "1 article removed: no answer quotes it from now on" in out
        assert left == []
    else:
        assert out == "" and left == [(1,)]
        assert (
            err == "newsbot remove: "
            "interrupted before it began: nothing was removed; run it again\n"
        )


# `newsbot remove 1 2`, stopped twice, by the signals named, once the transaction began
STOPPED_TWICE = """
import asyncio, os, signal, sys
from bot.cli.main import main
from retrieval.corpus import removals
from tests.cli_process import cancel_landed
first, second = (getattr(signal, name) for name in sys.argv[2:4])
remove = removals._remove
async def stopped_twice(*args, **kwargs):
    if remove.__dict__.setdefault("stops", 0) == 0:
        remove.__dict__["stops"] = 2
        os.kill(os.getpid(), first)
        await cancel_landed()
        os.kill(os.getpid(), second)
        for _ in range(2):  # the turns in which a second cancel, were it asked, would land
            await asyncio.sleep(0)
    return await remove(*args, **kwargs)
removals._remove = stopped_twice
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
sys.exit(main(["--db", sys.argv[1], "remove", "1", "2"]))
"""


@pytest.mark.parametrize(
    "stops",
    [("SIGINT", "SIGINT"), ("SIGTERM", "SIGINT"), ("SIGINT", "SIGTERM"), ("SIGTERM", "SIGTERM")],
    ids="-then-".join,
)
def test_a_remove_stopped_twice_finishes_and_says_so(
    stops: tuple[str, str], tmp_path: Path
) -> None:
    """A second Ctrl-C cancelled the removal's transaction (asyncio.run cancelled every
    task), a second SIGTERM ended it by the kernel: rolled back, and told "interrupted
    before it began", or committed, and told nothing was removed. Once begun, a removal
    now finishes whatever further stops come, and says what it removed."""
    db = ingested(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", STOPPED_TWICE, db, *stops],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 128 + getattr(signal, stops[0]), done.stderr
    assert done.stdout.startswith(f'removed article 1: "{ASLANDUZ.title}"'), done.stderr
    assert "2 articles removed: no answer quotes them" in done.stdout
    assert done.stderr == ""
    assert run_sql(Path(db), "SELECT id FROM articles WHERE id IN (1, 2)") == []


# `newsbot remove 1`, its transaction told on stderr as it begins, and SQLite's wait for a
# lock another process holds far longer than the test waits
REMOVE_BEHIND_A_LOCK = """
import signal, sys
from bot.cli.main import main
from retrieval.corpus import db, removals
db.BUSY_TIMEOUT_S = 600.0
remove_named = removals._remove_named
async def told(*args, **kwargs):
    print("removing", file=sys.stderr, flush=True)
    return await remove_named(*args, **kwargs)
removals._remove_named = told
signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal
sys.exit(main(["--db", sys.argv[1], "remove", "1"]))
"""


def test_a_remove_waiting_for_another_process_lock_stops_at_once(tmp_path: Path) -> None:
    """Ctrl-C while a removal waited for the write lock another process held (a bot's
    write, an ingest) was heard only when SQLite's wait was over, 30 s later, and a second
    Ctrl-C not at all: it counted as begun. Nothing is removed then: it stops at once."""
    db = ingested(tmp_path)
    with closing(sqlite3.connect(db, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # held, as another process's write, to the end
        with script_process(REMOVE_BEHIND_A_LOCK, [db], tmp_path) as process:
            assert process.stderr is not None
            assert process.stderr.readline() == "removing\n"  # behind the lock
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)  # not the 600 s SQLite would wait
        holder.execute("ROLLBACK")
    assert (process.returncode, out) == (128 + signal.SIGINT, ""), err
    assert (
        err == "newsbot remove: interrupted before it began: nothing was removed; run it again\n"
    )
    assert run_sql(Path(db), "SELECT id FROM articles WHERE id = 1") == [(1,)]


def test_a_remove_stopped_empties_the_log_of_what_it_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A removal stopped once begun went on, but its command ended without emptying the
    write-ahead log: with another process holding the database open (a bot), the removed
    text stayed in the database's files (the page as ingest wrote it, until a checkpoint)."""
    from retrieval.corpus import removals

    db = ingested(tmp_path)
    remove = removals._remove

    async def sigterm_then(*args: Any) -> int:
        os.kill(os.getpid(), signal.SIGTERM)  # as systemd's stop
        await cancel_landed()
        return await remove(*args)

    monkeypatch.setattr(removals, "_remove", sigterm_then)
    phrase = b"border town of Aslanduz"
    files = [Path(f"{db}{suffix}") for suffix in ("", "-wal")]
    with closing(sqlite3.connect(db)) as bot:  # holds the database open, as a bot does
        bot.execute("SELECT count(*) FROM articles").fetchone()
        assert any(phrase in path.read_bytes() for path in files)
        assert main(["--db", db, "remove", "1"]) == 128 + signal.SIGTERM
        assert not any(phrase in path.read_bytes() for path in files)
    assert run_sql(Path(db), "SELECT id FROM articles WHERE id = 1") == []
