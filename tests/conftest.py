"""Shared fixtures: real SQLite files in tmp_path, the bundled seeds, the shared corpus,
the loopback feed server and a fetcher allowed to reach it."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from retrieval.engine import Engine
from retrieval.fetch import Fetcher, FetchLimits
from retrieval.ingest import ingest_paths
from tests.feed_server import FeedServer

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
# Short enough that a test of a timeout costs half a second, long enough for a busy machine.
TEST_LIMITS = FetchLimits(timeout=0.5, deadline=3.0, max_bytes=64 * 1024, max_redirects=3)


def shared_articles(name: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Articles from ../shared/corpus/<name>.jsonl.gz (never copied into the repo)."""
    path = SHARED_CORPUS / f"{name}.jsonl.gz"
    if not path.exists():
        pytest.fail(f"the shared corpus is missing: {path}")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)


def write_jsonl(path: Path, articles: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


@pytest.fixture
async def engine(db_path: Path) -> AsyncIterator[Engine]:
    """An engine over an empty database file."""
    opened = await Engine.open(db_path)
    yield opened
    await opened.close()


@pytest.fixture
async def seed_engine(engine: Engine) -> Engine:
    """An engine holding the bundled seed article, indexed."""
    report = await ingest_paths(engine.store, [SEEDS])
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
