"""The database helpers: one transaction, read-only connections per thread."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.cli.main import main
from retrieval.corpus import db as database
from retrieval.corpus.db import connect, snapshot, transaction
from retrieval.corpus.ingest import ingest_paths
from retrieval.corpus.ingest_report import IngestReport
from retrieval.corpus.prepare import PreparedArticle
from retrieval.corpus.read_connections import ReadConnections
from retrieval.corpus.schema import MIGRATIONS
from retrieval.corpus.served import ServedBot, serve, served_bot
from retrieval.corpus.store import AddResult, CorpusStore
from retrieval.engine import Engine
from retrieval.errors import StoreError
from retrieval.finishing import finished
from retrieval.seeding import SeedingStage
from tests.cli_process import run_newsbot
from tests.conftest import SEEDS, write_jsonl


async def count(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT count(*) FROM t") as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def test_a_database_serves_the_first_bot_until_another_takes_it_over(
    conn: aiosqlite.Connection,
) -> None:
    """A database made before bots were recorded (none is) takes the first that runs on it;
    another is refused, with nothing written, until it takes the database over."""
    assert await served_bot(conn) is None
    first, other = ServedBot(123456789, "alpha_bot"), ServedBot(987654321)
    assert await serve(conn, first) is None
    assert await serve(conn, ServedBot(123456789, "renamed_bot")) is None  # the same bot
    renamed = ServedBot(123456789, "renamed_bot")
    assert await serve(conn, other) == renamed
    assert await served_bot(conn) == renamed
    assert await serve(conn, other, take_over=True) == renamed
    assert await served_bot(conn) == other  # its username unknown: not the other's
    assert str(renamed) == "bot 123456789 (@renamed_bot)" and str(other) == "bot 987654321"


async def test_a_transaction_commits_when_its_block_ends(
    conn: aiosqlite.Connection, db_path: Path
) -> None:
    async with transaction(conn):
        await conn.execute("INSERT INTO t (tag) VALUES ('a')")
        await conn.execute("INSERT INTO t (tag) VALUES ('b')")
    other = await connect(db_path)  # another connection sees it: it was committed
    try:
        assert await count(other) == 2
    finally:
        await other.close()


async def test_a_transaction_rolls_back_on_an_error_and_on_cancellation(
    conn: aiosqlite.Connection,
) -> None:
    with pytest.raises(ValueError, match="boom"):
        async with transaction(conn):
            await conn.execute("INSERT INTO t (tag) VALUES ('a')")
            raise ValueError("boom")
    assert not conn.in_transaction and await count(conn) == 0
    started = asyncio.Event()

    async def write_then_wait() -> None:
        async with transaction(conn):
            await conn.execute("INSERT INTO t (tag) VALUES ('b')")
            started.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(write_then_wait())
    await asyncio.wait_for(started.wait(), 10)  # a failure, never a hang, if it cannot start
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await count(conn) == 0
    assert not conn.in_transaction  # the connection is usable again


async def test_a_transaction_inside_one_of_its_task_is_a_part_of_it(
    conn: aiosqlite.Connection, db_path: Path
) -> None:
    """Seeding stores the seeds through ingest's own transactions inside the one that holds
    the write lock from its check on (`Engine.seed_if_empty`): each inner one, a task it
    starts too, is a savepoint, undone alone by its error, and nothing is seen by another
    connection until the outer one commits."""
    other = await connect(db_path)
    try:
        async with transaction(conn):
            async with transaction(conn):
                await conn.execute("INSERT INTO t (tag) VALUES ('kept')")
            with pytest.raises(ValueError, match="bad batch"):
                async with transaction(conn):
                    await conn.execute("INSERT INTO t (tag) VALUES ('undone')")
                    raise ValueError("bad batch")

            async def in_a_task_of_its_own() -> None:
                async with transaction(conn):
                    await conn.execute("INSERT INTO t (tag) VALUES ('task')")

            await asyncio.ensure_future(in_a_task_of_its_own())
            assert conn.in_transaction and await count(other) == 0  # not committed yet
        async with other.execute("SELECT tag FROM t ORDER BY id") as cur:
            assert [row[0] for row in await cur.fetchall()] == ["kept", "task"]
    finally:
        await other.close()
    assert not conn.in_transaction


@pytest.mark.parametrize("interruption", [asyncio.CancelledError, KeyboardInterrupt])
async def test_a_transaction_inside_another_is_undone_by_an_interruption_too(
    conn: aiosqlite.Connection, db_path: Path, interruption: type[BaseException]
) -> None:
    """A write inside a transaction of its task's (a savepoint) that a cancellation or a
    Ctrl-C interrupts, neither of them an Exception, is undone as an error's is: the outer
    one goes on and commits its own writes alone, and the connection takes the next
    transaction. Caught as an Exception only, the savepoint was left open, and its write
    committed with the rest."""
    async with transaction(conn):
        await conn.execute("INSERT INTO t (tag) VALUES ('kept')")
        with pytest.raises(interruption):
            async with transaction(conn):
                await conn.execute("INSERT INTO t (tag) VALUES ('interrupted')")
                raise interruption
    assert not conn.in_transaction
    async with transaction(conn):  # usable: a transaction of its own, not a savepoint
        await conn.execute("INSERT INTO t (tag) VALUES ('after')")
    other = await connect(db_path)  # what is committed
    try:
        async with other.execute("SELECT tag FROM t ORDER BY id") as cur:
            assert [row[0] for row in await cur.fetchall()] == ["kept", "after"]
    finally:
        await other.close()


async def test_another_tasks_transaction_is_not_joined(conn: aiosqlite.Connection) -> None:
    """Only the task in a transaction (and those it starts) nests in it: another task's
    writes landing in it would be committed or undone by a block not theirs."""
    inside, done = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with transaction(conn):
            inside.set()
            await done.wait()

    held = asyncio.create_task(holder())
    await inside.wait()
    try:
        with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
            async with transaction(conn):
                await conn.execute("INSERT INTO t (tag) VALUES ('stray')")
    finally:
        done.set()
        await held
    assert await count(conn) == 0


@pytest.mark.parametrize(
    "short", ["BEGIN IMMEDIATE", "PRAGMA wal_checkpoint"], ids=["in-slices", "empty-log"]
)
async def test_a_short_wait_for_a_lock_is_not_another_tasks(
    conn: aiosqlite.Connection, db_path: Path, monkeypatch: pytest.MonkeyPatch, short: str
) -> None:
    """A batch waiting for another process's write lock LOCK_SLICE_S at a time (so a stop is
    heard), or the log emptied without waiting, set the busy timeout of the whole connection,
    which the bot's tasks share: another task's write meanwhile (a chat recorded) found the
    lock held and failed at once ("database is locked") where it waits 30 seconds."""
    monkeypatch.setattr(database, "LOCK_SLICE_S", 0.05)  # failing well within the second
    loop = asyncio.get_running_loop()
    waits = asyncio.Event()  # `short` runs: the next statement queued runs after it
    await conn.set_trace_callback(
        lambda sql: loop.call_soon_threadsafe(waits.set) if sql.startswith(short) else None
    )

    async def batch() -> None:  # as an ingest's
        async with transaction(conn):
            await conn.execute("INSERT INTO t (tag) VALUES ('batch')")

    holder = sqlite3.connect(db_path, isolation_level=None)
    with contextlib.closing(holder):
        holder.execute("BEGIN IMMEDIATE")  # another process's write, under way
        if short == "BEGIN IMMEDIATE":
            waiting = asyncio.ensure_future(finished(batch(), until_locked=True))
        else:
            waiting = asyncio.ensure_future(database.empty_log(conn))
        await asyncio.wait_for(waits.wait(), 10)  # a failure, never a hang
        chat = asyncio.ensure_future(conn.execute("INSERT INTO t (tag) VALUES ('chat')"))
        await asyncio.wait([chat], timeout=1)  # the lock held well past the short wait
        holder.execute("ROLLBACK")
    await asyncio.wait_for(asyncio.gather(chat, waiting), 60)  # the chat waited, not failed
    assert await count(conn) == (2 if short == "BEGIN IMMEDIATE" else 1)


async def test_a_cursor_let_go_of_in_the_loop_leaves_the_same_statement_running_alone(
    conn: aiosqlite.Connection,
) -> None:
    """The bot recording an answer's messages failed under load with "bad parameter or other
    API misuse": an earlier executemany's cursor, let go of in the event loop's thread while
    aiosqlite's thread ran the same statement again, reset that shared statement between
    its binding and its step, and the next row's binding found it unreset. Letting go of
    the cursor while the row binds (`__conform__`) makes the same interleaving happen."""
    insert = "INSERT INTO t (tag) VALUES (?)"
    held = [await conn.executemany(insert, [("first",)])]
    await conn.execute("SELECT 1")  # aiosqlite's thread holds this one now: `held` is the last

    class LetsGoOfTheFirst:
        def __conform__(self, protocol: object) -> str:
            held.clear()  # as the loop's thread does when a handler is done with it
            return "second"

    await conn.executemany(insert, [(LetsGoOfTheFirst(),), ("third",)])
    assert await count(conn) == 3


@pytest.mark.parametrize("statement", ["BEGIN IMMEDIATE", "COMMIT"])
async def test_a_cancellation_while_begin_or_commit_runs_stays_a_cancellation(
    conn: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    """Ctrl-C landing while COMMIT waited its turn on aiosqlite's thread: the ROLLBACK sent
    next failed ("no transaction is active"), its error replaced the cancellation, and the
    ingest took it for a bad batch and went on to the end, exit status 0."""
    execute = conn.execute

    def cancelled_during(sql: str, *args: object) -> object:
        if sql == statement:
            task = asyncio.current_task()
            assert task is not None
            asyncio.get_running_loop().call_soon(task.cancel)  # while it is awaited
        return execute(sql, *args)

    monkeypatch.setattr(conn, "execute", cancelled_during)
    with pytest.raises(asyncio.CancelledError):
        async with transaction(conn):
            await execute("INSERT INTO t (tag) VALUES ('a')")
    monkeypatch.undo()
    # a COMMIT that was under way is kept (the cancellation came too late to stop it)
    assert await count(conn) == (1 if statement == "COMMIT" else 0)
    assert not conn.in_transaction  # a BEGIN that ran is not left open either


@pytest.mark.parametrize("statement", ["BEGIN DEFERRED", "COMMIT"])
async def test_a_snapshot_cancelled_at_any_point_leaves_no_transaction(
    conn: aiosqlite.Connection, monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    """Cancelled while its BEGIN ran, a snapshot left the connection inside a read
    transaction, and the next `transaction` failed ("within a transaction")."""
    execute = conn.execute

    def cancelled_during(sql: str, *args: object) -> object:
        if sql == statement:
            task = asyncio.current_task()
            assert task is not None
            asyncio.get_running_loop().call_soon(task.cancel)
        return execute(sql, *args)

    monkeypatch.setattr(conn, "execute", cancelled_during)
    with pytest.raises(asyncio.CancelledError):
        async with snapshot(conn):
            await count(conn)
            await asyncio.sleep(0)
    monkeypatch.undo()
    assert not conn.in_transaction
    async with transaction(conn):
        await execute("INSERT INTO t (tag) VALUES ('a')")
    assert await count(conn) == 1


async def test_read_connections_are_one_per_thread_read_only_and_closed_together(
    conn: aiosqlite.Connection, db_path: Path
) -> None:
    await conn.execute("INSERT INTO t (tag) VALUES ('a')")
    readers = ReadConnections(db_path)
    here = readers.get()
    assert readers.get() is here
    there = await asyncio.to_thread(readers.get)
    assert there is not here
    assert here.execute("SELECT tag FROM t").fetchall()[0]["tag"] == "a"
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        here.execute("INSERT INTO t (tag) VALUES ('b')")
    readers.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        here.execute("SELECT 1")
    with pytest.raises(StoreError, match="closed"):
        await asyncio.to_thread(readers.get)


async def test_an_engine_whose_seeding_fails_is_closed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Engine.open_seeded` closes what it opened when seeding fails: an open connection's
    thread would keep the process from exiting (`newsbot ask` hung so)."""

    async def failing(self: Engine, seeds: Path, zone: tzinfo, stage: SeedingStage) -> None:
        raise StoreError("the disk is full")

    monkeypatch.setattr(Engine, "seed_if_empty", failing)
    before = connection_threads()
    with pytest.raises(StoreError, match="the disk is full"):
        await Engine.open_seeded(tmp_path / "newsbot.db", SEEDS)
    await assert_threads_back_to(before)


def connection_threads() -> list[threading.Thread]:
    """aiosqlite's threads, one an open connection."""
    return [t for t in threading.enumerate() if "_connection_worker" in t.name]


async def assert_threads_back_to(before: list[threading.Thread]) -> None:
    """aiosqlite's threads are those of `before` again: a closed connection's thread ends
    soon after it closes (polled, never slept blindly)."""
    for _ in range(100):
        if connection_threads() == before:
            break
        await asyncio.sleep(0.05)
    assert connection_threads() == before


@pytest.mark.parametrize(
    "stop", [asyncio.CancelledError, KeyboardInterrupt], ids=["cancel", "ctrl-c"]
)
async def test_a_stop_while_the_database_migrates_closes_its_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]
) -> None:
    """A stop as `connect` migrates a database (SIGTERM or Ctrl-C: asyncio's cancel; or a
    KeyboardInterrupt, where no event loop hears the signal) closes the connection it
    opened: left open, its thread would keep the process from exiting. The migrations
    before the stop are kept, the one it cut short is rolled back whole, and the next open
    migrates the rest."""
    path = tmp_path / "newsbot.db"
    cut = len(MIGRATIONS) // 2
    statements = database._statements

    def stopped_at_the_cut(script: str) -> list[str]:
        if script == MIGRATIONS[cut].sql:
            if stop is KeyboardInterrupt:
                raise KeyboardInterrupt
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # heard at the migration's next await, one of its statements
        return statements(script)

    opened: list[aiosqlite.Connection] = []  # held here: one dropped closes on its own
    aiosqlite_connect = aiosqlite.connect

    def kept(*args: Any, **kwargs: Any) -> aiosqlite.Connection:
        opened.append(aiosqlite_connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(database, "_statements", stopped_at_the_cut)
    monkeypatch.setattr(aiosqlite, "connect", kept)
    before = connection_threads()
    with pytest.raises(stop):
        if stop is KeyboardInterrupt:  # raised in this task: in its own, the loop's to end
            await connect(path)
        else:  # a task of its own, as asyncio.run's that a signal cancels
            await asyncio.create_task(connect(path))
    monkeypatch.undo()
    [conn] = opened
    with pytest.raises(ValueError, match="no active connection"):
        await conn.execute("SELECT 1")
    await assert_threads_back_to(before)
    with contextlib.closing(sqlite3.connect(path)) as check:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        versions = "SELECT version FROM schema_migrations ORDER BY version"
        assert [v for (v,) in check.execute(versions)] == sorted(
            m.version for m in MIGRATIONS[:cut]
        )
    conn = await connect(path)
    try:
        async with conn.execute(versions) as cur:
            assert [v for (v,) in await cur.fetchall()] == sorted(m.version for m in MIGRATIONS)
    finally:
        await conn.close()


@pytest.mark.parametrize("where", ["a-folder.db", "a-file/news.db"])
def test_a_database_that_cannot_be_opened_is_one_line_of_error(tmp_path: Path, where: str) -> None:
    """After the error, aiosqlite's thread outlived the event loop and died with a traceback
    of its own ("RuntimeError: Event loop is closed")."""
    (tmp_path / "a-folder.db").mkdir()
    (tmp_path / "a-file").write_text("not a folder")
    done = run_newsbot(["--db", where, "ingest", str(SEEDS)], tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"newsbot ingest: cannot open database {where!r}: ")
    if where == "a-folder.db":
        assert done.stderr.endswith("it is a folder, not a file\n")


class _SlowToReport(CorpusStore):
    """A store whose batch is written, then heard of a moment later: as when the batch's
    transaction commits in SQLite's thread while its caller is cancelled."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__(conn)
        self.written = asyncio.Event()

    async def add_articles(
        self, articles: Sequence[PreparedArticle], archive: bool = False
    ) -> list[AddResult]:
        results = await super().add_articles(articles, archive)
        self.written.set()
        await asyncio.sleep(0.2)
        return results


@pytest.mark.parametrize("stops", [1, 2], ids=["stopped once", "stopped twice"])
async def test_an_ingest_cancelled_while_a_batch_is_written_counts_it(
    stops: int, db: aiosqlite.Connection, tmp_path: Path
) -> None:
    """Stopped by SIGTERM, an ingest said "added 1,526 articles" of the 1,770 it stored: the
    batch being written was stored, and not counted. A second stop (Ctrl-C again, SIGTERM
    after Ctrl-C) did so still: the batch is now waited for through any number of stops,
    as a removal is."""
    path = write_jsonl(
        tmp_path / "harbour.jsonl",
        [
            {"title": f"Harbour note {i}", "text": f"The harbour took ship {i} today."}
            for i in (1, 2)
        ],
    )
    store = _SlowToReport(db)
    report = IngestReport()
    ingest = asyncio.create_task(ingest_paths(store, [path], report=report))
    await store.written.wait()
    for _ in range(stops):
        ingest.cancel()
        await asyncio.sleep(0.05)  # the cancel lands
    with pytest.raises(asyncio.CancelledError):
        await ingest
    async with db.execute("SELECT count(*) FROM articles WHERE title LIKE 'Harbour note%'") as cur:
        [(stored,)] = await cur.fetchall()
    assert report.added == stored == 2


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which a file made without a mode of its own is 0644."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def test_the_database_and_its_index_are_made_this_users_alone(
    tmp_path: Path, umask_022: None
) -> None:
    """The database holds feed credentials, the query log with user ids and chat titles, and
    its index files its words: made under umask 022, they were all readable by every user of
    the machine (0644, folders 0755). An ingest that makes them makes them 0600 and 0700."""
    db_path = tmp_path / "news.db"
    assert main(["--db", str(db_path), "ingest", "--quiet", str(SEEDS)]) == 0
    made = [db_path, *tmp_path.glob("news.db.*index/**/*")]
    assert any(p.suffix == ".npy" for p in made) and any(p.name == "lock" for p in made)
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in made if p.is_file()} == {
        p.name: "0o600" for p in made if p.is_file()
    }
    folders = [p for p in [*tmp_path.glob("news.db.*index"), *made] if p.is_dir()]
    assert len(folders) >= 4 and {oct(p.stat().st_mode & 0o777) for p in folders} == {"0o700"}
    with contextlib.closing(sqlite3.connect(db_path)) as writer:  # its log, while it is open
        writer.execute("CREATE TABLE scratch (x)")
        logs = [Path(f"{db_path}-wal"), Path(f"{db_path}-shm")]
        assert [oct(p.stat().st_mode & 0o777) for p in logs] == ["0o600", "0o600"]


def test_a_database_there_already_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    """An operator's chmod (0640, for a backup group) is not undone."""
    db_path = tmp_path / "news.db"
    assert main(["--db", str(db_path), "ingest", "--quiet", str(SEEDS)]) == 0
    db_path.chmod(0o640)
    assert main(["--db", str(db_path), "ingest", "--quiet", str(SEEDS)]) == 0
    assert oct(db_path.stat().st_mode & 0o777) == "0o640"
