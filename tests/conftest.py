"""Shared fixtures: a database path in tmp_path, the loopback feed server, a fetcher for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from retrieval.fetch import Fetcher, FetchLimits
from tests.feed_server import FeedServer

# Short enough that a test of a timeout costs half a second, long enough for a busy machine.
TEST_LIMITS = FetchLimits(timeout=0.5, deadline=3.0, max_bytes=64 * 1024, max_redirects=3)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


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
