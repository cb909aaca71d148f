"""Pytest plugin with fixtures for the fake Telegram Bot API server.

Load it from the suite's conftest with ``pytest_plugins = ["tests.fake_telegram_fixtures"]``.
"""

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from telegram import Bot

from tests.fake_telegram import TEST_TOKEN, FakeTelegramServer
from tests.telegram_flood import FloodLimits

FLOOD_MARK = "telegram_flood"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{FLOOD_MARK}(**limits): the fake_telegram fixture answers 429 past Telegram's flood "
        "limits (keyword arguments: tests.telegram_flood.FloodLimits' fields)",
    )


@pytest.fixture
def fake_telegram(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeTelegramServer]:
    """A started fake Bot API server, stopped (threads joined) after the test.

    Flood mode is off unless the test is marked ``@pytest.mark.telegram_flood(...)``, its
    keyword arguments the `FloodLimits` (none: Telegram's own), e.g. ``retry_after=1``.

    Sets ``PTB_TIMEDELTA=true``: otherwise PTB 22 emits a PTBDeprecationWarning while building
    every RetryAfter, which ``filterwarnings = error`` turns into the wrong exception.
    Teardown fails the test if the fake itself crashed while handling a request, so a bug in
    the fake cannot pass for a bot error.
    """
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    mark = request.node.get_closest_marker(FLOOD_MARK)
    flood = FloodLimits(**mark.kwargs) if mark is not None else None
    server = FakeTelegramServer(flood=flood).start()
    try:
        yield server
    finally:
        server.stop()
    assert not server.internal_errors, f"fake Telegram server crashed: {server.internal_errors}"


@pytest_asyncio.fixture
async def fake_bot(fake_telegram: FakeTelegramServer) -> AsyncIterator[Bot]:
    """An initialized real ``telegram.Bot`` talking to ``fake_telegram``."""
    async with Bot(TEST_TOKEN, base_url=fake_telegram.base_url) as bot:
        yield bot
