"""A large ingest's batches prepared in a worker process (`retrieval.corpus.prepare_worker`):
the same database as when prepared here, nothing started for a small ingest or on one
core, and nothing lost when the worker or the ingest is killed."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from retrieval.corpus import ingest, prepare_worker
from retrieval.corpus.db import connect
from retrieval.corpus.ingest import ingest_paths
from retrieval.corpus.ingest_report import IngestReport
from retrieval.corpus.prepare import PreparedArticle, complete_articles
from retrieval.corpus.store import CorpusStore
from tests.conftest import unavailable, write_jsonl

BATCH = 40


def _articles(count: int) -> list[dict[str, Any]]:
    """News-like articles, some a copy of an earlier one (in an earlier batch, or the same)."""
    made = []
    for n in range(count):
        made.append(
            {
                "title": f"Harbour report {n}",
                "text": (
                    f"The ferry {n} left Dr. Smith's harbour at 5 a.m. on Jan. {n % 28 + 1}. "
                    f"It carried {n * 7} passengers, the U.S. consul said.\n\n"
                    f"\u201cWe are {n % 5} hours late,\u201d the captain said. Storms closed "
                    f"the port of St. Ives for {n % 3 + 1} days."
                ),
                "source": f"Outlet {n % 4}",
                "url": f"https://news.example/{n}",
                "published": f"2024-03-{n % 28 + 1:02d}T10:00:00Z",
            }
        )
        if n % 17 == 5:  # a copy: at another address, maybe in a batch to write before
            made.append({**made[max(0, n - 50)], "url": f"https://copy.example/{n}"})
    return made


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "harbour.jsonl", _articles(6 * BATCH))


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "BATCH", BATCH)


@pytest.fixture
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare_worker, "usable_cores", lambda: 2)


@pytest.fixture
def prepared_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the batches this process prepared itself."""
    sizes: list[int] = []

    def counted(
        articles: Sequence[PreparedArticle], skipped: Collection[int] = ()
    ) -> list[PreparedArticle]:
        sizes.append(len(articles))
        return complete_articles(articles, skipped)

    monkeypatch.setattr(ingest, "complete_articles", counted)
    monkeypatch.setattr(prepare_worker, "complete_articles", counted)  # the worker's, if it died
    return sizes


async def _ingested(path: Path, db_path: Path) -> IngestReport:
    conn = await connect(db_path)
    try:
        return await ingest_paths(CorpusStore(conn), [path])
    finally:
        await conn.close()


def _stored(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table an ingest writes, but for the ingest times."""
    columns = {
        "articles": "id, title, source, authors, published, published_ts, url, text,"
        " content_hash, origin, extra, first_sentence, sentence_count, splitter",
        "sentences": "*",
        "title_terms": "*",
        "article_sketches": "*",
    }
    with closing(sqlite3.connect(db_path)) as conn:
        return {
            table: conn.execute(f"SELECT {what} FROM {table} ORDER BY 1, 2").fetchall()
            for table, what in columns.items()
        }


async def test_a_large_ingest_prepares_its_batches_in_a_worker_process(
    articles: Path,
    tmp_path: Path,
    small_batches: None,
    two_cores: None,
    prepared_here: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Splitting, finds, sketches and title terms are some 60% of an ingest's CPU, all in
    the one process with the reading and the writing: a second core stood idle."""
    report = await _ingested(articles, tmp_path / "worker.db")
    assert prepared_here == []  # all in the worker
    monkeypatch.setattr(prepare_worker, "usable_cores", lambda: 1)
    alone = await _ingested(articles, tmp_path / "alone.db")
    assert len(prepared_here) == 7  # 254 articles: all batches here on one core
    assert (report.added, report.duplicates, report.sentences) == (
        alone.added,
        alone.duplicates,
        alone.sentences,
    )
    assert report.duplicates == 14
    assert _stored(tmp_path / "worker.db") == _stored(tmp_path / "alone.db")


async def test_a_small_ingest_or_one_core_starts_no_worker(
    articles: Path,
    tmp_path: Path,
    small_batches: None,
    prepared_here: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker's start and imports cost a second or more of CPU: worth it for an ingest
    of a few hundred articles or more, and only with a second core to run it."""

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker process was started")

    monkeypatch.setattr(subprocess, "Popen", refused)
    small = write_jsonl(tmp_path / "small.jsonl", _articles(BATCH - 5))
    assert (await _ingested(small, tmp_path / "small.db")).added == BATCH - 5
    assert prepared_here == [BATCH - 5 + 2]
    monkeypatch.setattr(prepare_worker, "usable_cores", lambda: 1)
    assert (await _ingested(articles, tmp_path / "one-core.db")).added == 240
    assert len(prepared_here) == 1 + 7


async def test_a_worker_that_died_leaves_the_batches_to_this_process(
    articles: Path,
    tmp_path: Path,
    small_batches: None,
    two_cores: None,
    prepared_here: list[int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Killed (out of memory, by hand), the worker takes no batch with it: the one it was
    preparing and the later ones are prepared here, which the ingest says (it did not: a
    slower ingest, for no reason told)."""
    handed = prepare_worker.BatchPreparer.preparing
    calls: list[int] = []

    def killing_the_third(
        self: prepare_worker.BatchPreparer,
        articles: Sequence[PreparedArticle],
        skipped: Collection[int],
    ) -> Any:
        job = handed(self, articles, skipped)
        calls.append(len(articles))
        if len(calls) == 3 and self._worker is not None:
            self._worker.kill()
        return job

    monkeypatch.setattr(prepare_worker.BatchPreparer, "preparing", killing_the_third)
    with caplog.at_level(logging.WARNING, logger="retrieval.corpus.preparing"):
        report = await _ingested(articles, tmp_path / "killed.db")
    assert len(prepared_here) >= 5  # the one killed, and the rest
    assert [r.getMessage() for r in caplog.records] == [  # once, however many it took
        "the worker process ended: the ingest prepares its batches in this process"
    ]
    monkeypatch.setattr(prepare_worker, "usable_cores", lambda: 1)
    alone = await _ingested(articles, tmp_path / "alone.db")
    assert report.added == alone.added == 240
    assert _stored(tmp_path / "killed.db") == _stored(tmp_path / "alone.db")


FAILING_WORKER = """
import os, sys
from retrieval.corpus import prepare_worker

def failing(articles, skipped):
    raise ValueError("a bug in the worker")

prepare_worker.complete_articles = failing
answering = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
prepare_worker._serve(sys.stdin.buffer, answering)
"""


async def test_an_error_in_the_worker_is_raised_not_taken_for_its_end(
    articles: Path,
    tmp_path: Path,
    small_batches: None,
    two_cores: None,
    prepared_here: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A ValueError that `complete_articles` raised in the worker was taken for its pipes
    closed: the worker was stopped for the rest of the ingest, unsaid, and the bug was
    prepared again here. It is raised, as it would be here."""
    command = [sys.executable, "-c", FAILING_WORKER]
    monkeypatch.setattr(prepare_worker, "_worker_command", lambda: command)
    with pytest.raises(prepare_worker.WorkerFailed, match="a bug in the worker") as raised:
        await _ingested(articles, tmp_path / "failing.db")
    assert isinstance(raised.value.__cause__, ValueError)
    assert prepared_here == []


KILLED_INGEST = """
import asyncio, sys
from pathlib import Path
from retrieval.corpus import ingest, prepare_worker
from tests.test_prepare_worker import BATCH, _ingested
ingest.BATCH = BATCH
prepare_worker.usable_cores = lambda: 2
asyncio.run(_ingested(Path(sys.argv[1]), Path(sys.argv[2])))
"""


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.fixture
def many_articles(tmp_path: Path) -> Iterator[Path]:
    yield write_jsonl(tmp_path / "many.jsonl", _articles(100 * BATCH))


def test_an_ingest_killed_leaves_whole_batches_and_its_worker_ends(
    many_articles: Path, tmp_path: Path
) -> None:
    """Killed outright, an ingest leaves each batch stored whole or not at all, and its
    worker process, which waits for batches from it, goes too."""
    if not Path("/proc/self/task").exists():
        unavailable("no /proc to find the worker in", "CI runs on Linux, which has /proc")
    db_path = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    command = [sys.executable, "-c", KILLED_INGEST, str(many_articles), str(db_path)]
    process = subprocess.Popen(command, env=env)
    try:
        worker = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (worker and _stored_count(db_path) > BATCH):
            workers = _children(process.pid)
            worker = workers[0] if workers else worker
            time.sleep(0.05)
        assert worker is not None
        process.send_signal(signal.SIGKILL)
        process.wait()
        while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline + 60:
            time.sleep(0.1)
        assert not Path(f"/proc/{worker}").exists() or _zombie(worker)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        articles, counted, sentences = conn.execute(
            "SELECT count(*), sum(sentence_count), (SELECT count(*) FROM sentences) FROM articles"
        ).fetchone()
    assert 0 < articles < 4000 + 4000 // 17 and counted == sentences


def _stored_count(db_path: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return False


async def test_a_module_in_the_working_folder_is_not_the_workers(
    articles: Path,
    tmp_path: Path,
    small_batches: None,
    two_cores: None,
    prepared_here: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`python -m` puts the working folder first on the worker's import path: a
    `textwrap.py` where an ingest was run from was imported for the library's, and what it
    printed garbled the answers (the ingest stopped on a MemoryError, nothing stored)."""
    here = tmp_path / "here"
    here.mkdir()
    for name in ("textwrap", "json"):
        (here / f"{name}.py").write_text("print('a script of the working folder')\n")
    monkeypatch.chdir(here)
    report = await _ingested(articles, tmp_path / "worker.db")
    assert report.added == 240
    assert prepared_here == []  # all in the worker, which imported the libraries


async def test_a_worker_answering_garbled_leaves_the_batches_to_this_process(
    articles: Path,
    tmp_path: Path,
    small_batches: None,
    two_cores: None,
    prepared_here: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever else reaches the pipe (a library printing as it is imported) was read as an
    answer's length: some 7e18 bytes, and the ingest ended on a MemoryError."""
    garbling = "import sys; print('a warning on stdout' * 4, flush=True); sys.stdin.read()"
    monkeypatch.setattr(
        prepare_worker, "_worker_command", lambda: [sys.executable, "-c", garbling]
    )
    report = await _ingested(articles, tmp_path / "garbled.db")
    monkeypatch.setattr(prepare_worker, "usable_cores", lambda: 1)
    alone = await _ingested(articles, tmp_path / "alone.db")
    assert report.added == alone.added == 240
    assert len(prepared_here) == 2 * 7  # every batch here, both times
    assert _stored(tmp_path / "garbled.db") == _stored(tmp_path / "alone.db")


def test_a_worker_whose_ingest_is_gone_ends_without_a_traceback() -> None:
    """Killed mid-batch (the OOM killer picks the largest process: the ingest), the ingest
    left its worker to finish the batch and write it to a closed pipe: a BrokenPipeError
    traceback in the terminal, the cron mail or the journal, after the kill."""
    root = Path(__file__).resolve().parents[1]
    worker = subprocess.Popen(
        prepare_worker._worker_command(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdout.close()  # the ingest gone: nobody reads the answer
    prepare_worker._send(worker.stdin, ([], frozenset()))
    worker.stdin.close()
    assert worker.stderr is not None
    with worker.stderr:
        err = worker.stderr.read()
    worker.wait(timeout=120)
    assert b"Traceback" not in err, err.decode()
    assert worker.returncode == 0


# A worker that takes its time over each batch (`SLOW_WORKER_S`): what this process does
# meanwhile is then told apart from what it does after.
SLOW_WORKER_S = 0.5
SLOW_WORKER = f"""
import time
from retrieval.corpus import prepare_worker
made = prepare_worker.complete_articles
def slowly(*args):
    time.sleep({SLOW_WORKER_S})
    return made(*args)
prepare_worker.complete_articles = slowly
prepare_worker._main()
"""


@pytest.fixture
def slow_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        prepare_worker, "_worker_command", lambda: [sys.executable, "-P", "-c", SLOW_WORKER]
    )


async def test_the_next_batch_is_sent_while_the_worker_prepares_one(
    tmp_path: Path, two_cores: None, slow_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handed over only once the one before was back, a batch waited in this process
    while the worker stood idle: for the answer read, then for the next batch pickled and
    sent, each step waiting for the GIL beside this process's own work."""
    from retrieval.corpus.prepare import identify_articles
    from retrieval.models import ArticleDraft

    told: list[str] = []
    sent, received = prepare_worker._sent, prepare_worker._received

    def sending(pipe: Any, request: bytes) -> None:
        told.append("sending")
        sent(pipe, request)

    def receiving(pipe: Any) -> Any:
        answer = received(pipe)
        told.append("received")
        return answer

    monkeypatch.setattr(prepare_worker, "_sent", sending)
    monkeypatch.setattr(prepare_worker, "_received", receiving)
    drafts = [
        ArticleDraft(title=f"Ferry {n}", text=f"The ferry {n} left. It was late.")
        for n in range(3)
    ]
    batches = [identify_articles([draft]) for draft in drafts]
    preparer = prepare_worker.BatchPreparer()
    preparer.start()
    try:
        made = []
        for job, batch in [(preparer.preparing(batch, ()), batch) for batch in batches]:
            assert job is not None
            made.append(await preparer.prepared(job, batch, ()))
    finally:
        preparer.close()
    assert [article.sentences for [article] in made] == [
        ((0, f"The ferry {n} left."), (0, "It was late.")) for n in range(3)
    ]
    # the second sent while the worker prepared the first (the third maybe too: it fits
    # in the pipe)
    assert told[:2] == ["sending", "sending"] and sorted(told) == 3 * ["received"] + 3 * [
        "sending"
    ]


def test_the_workers_pipes_hold_a_megabyte(two_cores: None) -> None:
    """A batch's 8 MB through a pipe of 64 KB were read in a hundred calls, each giving the
    GIL up and waiting for it again: up to 5 ms each beside a busy thread of this process,
    while the worker waited to write the rest."""
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        unavailable("no pipe sizes to set (Linux has them)", "CI runs on Linux")
    preparer = prepare_worker.BatchPreparer()
    preparer.start()
    try:
        worker = preparer._worker
        assert worker is not None and worker.stdin is not None and worker.stdout is not None
        for pipe in (worker.stdin, worker.stdout):
            assert fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ) == 1 << 20
    finally:
        preparer.close()
