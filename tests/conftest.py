"""Shared fixtures: real SQLite files in tmp_path, the bundled seeds, the development corpora,
a small hostile corpus, the loopback feed server and the fake Telegram Bot API server."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, NoReturn

import aiosqlite
import pytest

from benchmarks.corpora import corpus_path, missing
from retrieval.conversations import Conversations
from retrieval.corpus.db import connect
from retrieval.engine import Engine
from retrieval.feeds.fetch import Fetcher, FetchLimits
from retrieval.models import ArticleDraft
from retrieval.ranking.marks import Marks, sentences_marks
from tests.feed_server import FeedServer

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
pytest_plugins = ["tests.fake_telegram_fixtures"]

# Short enough that a test of a timeout costs two seconds, long enough for a busy machine: at
# 0.5 s a page from the loopback server timed out while the machine ran four suites at once.
TEST_LIMITS = FetchLimits(timeout=2.0, deadline=6.0, max_bytes=64 * 1024, max_redirects=3)


def corpus_file(name: str) -> Path:
    """The development corpus file or folder `name`, from the folder NEWSBOT_CORPUS names.

    A clone of the repository alone does not have these corpora, so a test that needs one is
    skipped, saying what it needs and where it looked; under CI (CI=true), where they must be
    present, the test fails instead.
    """
    path = corpus_path(name)
    if not path.exists():
        unavailable(missing(path), "a missing corpus fails the run")
    return path


def unavailable(why: str, under_ci: str) -> NoReturn:
    """Skip a test that cannot run here, saying why; under CI (CI=true), which must run every
    test, fail it instead (`under_ci` says what the failure means)."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{why} (CI=true: {under_ci})")
    pytest.skip(why)


def shared_articles(name: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Articles from the development corpus <name>.jsonl.gz (never copied into the repo)."""
    path = corpus_file(f"{name}.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)


def shared_lines(name: str, articles: int) -> list[str]:
    """The non-blank lines of the first `articles` articles of the corpus <name>."""
    return [
        line
        for article in shared_articles(name, articles)
        for line in article["text"].splitlines()
        if line.strip()
    ]


def run_sql(db_path: Path, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one statement on the database at `db_path` through a connection of the test's
    own, committed, and return its rows: raw access for checks and set-ups (the engine keeps
    its connection to itself)."""
    with contextlib.closing(sqlite3.connect(db_path)) as conn, conn:
        return [tuple(row) for row in conn.execute(statement, params).fetchall()]


def sentence_marks(text: str) -> Marks:
    """The names, numbers and dates of one sentence (`marks.sentences_marks`)."""
    return sentences_marks([text])[0]


def stdin(text: str | bytes) -> io.TextIOWrapper:
    """A stand-in for sys.stdin holding `text` (bytes as they are: not always UTF-8)."""
    raw = io.BytesIO(text.encode() if isinstance(text, str) else text)
    return io.TextIOWrapper(io.BufferedReader(raw))


def write_jsonl(path: Path, articles: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


# A tiny corpus with HTML-hostile titles, sources and URLs, and emoji, for the bot's tests.
SMALL_CORPUS = (
    ArticleDraft(
        title="Azerbaijani and Iranian forces begin joint border exercises",
        text=(
            "Iran's Revolutionary Guard and Azerbaijan's Special Forces have launched a joint "
            "military exercise in Iran's northwestern border region.\n\n"
            "The four-day Joint Aras Exercise began in the border town of Aslanduz in Ardabil "
            "province, the Guard's public relations office said.\n\n"
            "The drills focus on counter-terrorism operations and border security in mountainous "
            "terrain."
        ),
        source="bne IntelliNews",
        authors=("bne Tehran bureau",),
        published="2024-11-25",
        url="https://www.intellinews.com/azerbaijani-and-iranian-forces-begin-joint-exercises",
    ),
    ArticleDraft(
        title="Rates & <Markets>: the central bank holds",
        text=(
            "The central bank held its main rate at 4.5% on Thursday, citing sticky inflation.\n\n"
            "Markets had priced in a cut; bond yields rose after the decision.\n\n"
            "Economists expect the first cut in the spring."
        ),
        source="Finance <Daily>",
        authors=("A. Writer", "B. Editor"),
        published="2024-11-21T09:30:00Z",
        url="https://example.com/markets?id=1&q=<rates>",
    ),
    ArticleDraft(
        title="Harvest festival draws record crowds 🎉",
        text=(
            "The harvest festival drew record crowds on Saturday, organisers said. 🎉🎃\n\n"
            "Visitors queued for pumpkin soup and cider from local orchards."
        ),
        source="Village Post",
        published="2024-10-05",
        url=None,
    ),
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


@pytest.fixture
async def conn(db_path: Path) -> AsyncIterator[aiosqlite.Connection]:
    """A connection to a database of one table, t (id, tag), for the database helpers."""
    opened = await connect(db_path)
    await opened.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, tag TEXT)")
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def seeded_db(db_path: Path) -> Path:
    """`db_path` holding the seed article, indexed: what `newsbot ask` makes of newsbot.db
    on a first run, for tests of commands on a database named otherwise, which `ask`
    refuses when it is not there."""
    engine = await Engine.open(db_path)
    try:
        seeding = await engine.seed_if_empty(SEEDS)
    finally:
        await engine.close()
    assert seeding.report is not None and seeding.report.added == 1, seeding
    return db_path


@pytest.fixture
async def engine(db_path: Path) -> AsyncIterator[Engine]:
    """An engine over an empty database file."""
    opened = await Engine.open(db_path)
    yield opened
    await opened.close()


@pytest.fixture
async def db(engine: Engine) -> AsyncIterator[aiosqlite.Connection]:
    """The test's own connection to the engine's database, for raw SQL and for the core's
    parts under test: the engine keeps its connection to itself."""
    conn = await connect(engine.db_path)
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def small_engine(engine: Engine) -> Engine:
    """An engine holding SMALL_CORPUS, indexed."""
    await engine.add_articles(SMALL_CORPUS)
    await engine.refresh()
    return engine


@pytest.fixture
async def conversations(small_engine: Engine) -> AsyncIterator[Conversations]:
    """The bot's conversation state over small_engine's database, opened as the bot opens
    it (`Conversations.open`: a connection of its own)."""
    opened = await Conversations.open(small_engine.db_path)
    yield opened
    await opened.close()


@pytest.fixture
async def seed_engine(engine: Engine) -> Engine:
    """An engine holding the bundled seed article, indexed."""
    report = await engine.ingest([SEEDS])
    assert report.added == 1, report
    await engine.refresh()
    return engine


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    server.serve_pages()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher allowed to reach the loopback server, with the short test limits."""
    async with Fetcher(allow_private=True, limits=TEST_LIMITS) as client:
        yield client
