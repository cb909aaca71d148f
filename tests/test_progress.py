"""Progress of long runs reaches the log, not only a terminal's bar."""

from __future__ import annotations

import logging

import pytest

from bot import progress
from bot.progress import progress_bar


def test_a_labelled_run_logs_its_progress_and_its_end(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)  # a line at every tick
    with (
        caplog.at_level(logging.INFO, logger="newsbot.progress"),
        progress_bar(3, "articles", enabled=True, label="ingest") as tick,
    ):
        tick()
        tick(2)
    assert [r.getMessage() for r in caplog.records] == [
        "ingest: 1/3 articles",
        "ingest: 3/3 articles",
        "ingest: 3/3 articles, done",
    ]


def test_a_total_passed_grows_with_the_count(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexing counts the sentences an interrupted run or a concurrent poll left, too."""
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    with (
        caplog.at_level(logging.INFO, logger="newsbot.progress"),
        progress_bar(2, "sentences indexed", enabled=True, label="ingest") as tick,
    ):
        tick(3)
        tick()
    assert [r.getMessage() for r in caplog.records] == [
        "ingest: 3/3 sentences indexed",
        "ingest: 4/4 sentences indexed",
        "ingest: 4/4 sentences indexed, done",
    ]


def test_without_a_label_nothing_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO), progress_bar(None, "feeds", enabled=True) as tick:
        tick(5)
    assert caplog.records == []


def test_quiet_logs_no_progress_lines_either(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    with caplog.at_level(logging.INFO), progress_bar(3, "articles", False, "ingest") as tick:
        tick(3)
    assert caplog.records == []


def test_counts_read_in_words() -> None:
    count = progress._count  # noqa: SLF001
    assert count(1, None, "articles read") == "1 article read"
    assert count(2_088, None, "articles read") == "2,088 articles read"
    assert count(1, None, "feeds") == "1 feed"
    assert count(1, 3, "feeds") == "1/3 feeds"
    assert count(1_500, 20_000, "sentences indexed") == "1,500/20,000 sentences indexed"
