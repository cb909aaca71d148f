"""Shared fixtures: real SQLite files in tmp_path, the bundled seeds, the shared corpus, a small
opened engine, and the fake Telegram Bot API server (tests/fake_telegram_fixtures.py)."""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from retrieval.engine import Engine
from retrieval.ingest import ingest_paths
from retrieval.models import ArticleDraft

pytest_plugins = ["tests.fake_telegram_fixtures"]

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"

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


@pytest_asyncio.fixture
async def engine(db_path: Path) -> AsyncIterator[Engine]:
    """An engine over an empty database file."""
    opened = await Engine.open(db_path)
    yield opened
    await opened.close()


@pytest_asyncio.fixture
async def small_engine(engine: Engine) -> Engine:
    """An engine over SMALL_CORPUS, indexed."""
    await engine.store.add_articles(SMALL_CORPUS)
    await engine.refresh()
    return engine


@pytest_asyncio.fixture
async def seed_engine(engine: Engine) -> Engine:
    """An engine holding the bundled seed article, indexed."""
    report = await ingest_paths(engine.store, [SEEDS])
    assert report.added == 1, report
    await engine.refresh()
    return engine
