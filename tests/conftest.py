"""Fixtures shared by the test modules: real SQLite files in tmp_path, a small opened engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from retrieval.engine import Engine
from retrieval.models import ArticleDraft

pytest_plugins = ["tests.fake_telegram_fixtures"]

REPO = Path(__file__).resolve().parent.parent
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


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsbot.db"


@pytest_asyncio.fixture
async def engine(db_path: Path) -> AsyncIterator[Engine]:
    """An open engine over SMALL_CORPUS, indexed; closed after the test."""
    opened = await Engine.open(db_path)
    try:
        await opened.store.add_articles(SMALL_CORPUS)
        await opened.refresh()
        yield opened
    finally:
        await opened.close()
