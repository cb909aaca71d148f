"""The one helper that shows a moment, in each of its styles."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.times import when
from retrieval.search import SearchResult

MOMENT = datetime(2024, 6, 3, 7, 5, tzinfo=UTC)


def test_each_style_in_the_zone_asked_for() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert when(MOMENT, berlin, "stamp") == "2024-06-03 09:05"
    assert when(MOMENT, berlin, "stamp_zone") == "2024-06-03 09:05 CEST"
    assert when(MOMENT, berlin, "weekday") == "Mon 3 Jun 09:05"
    assert when(MOMENT, UTC) == "2024-06-03 07:05 UTC"


def test_unix_times_and_never() -> None:
    assert when(MOMENT.timestamp(), UTC, "stamp") == "2024-06-03 07:05"
    assert when(None, UTC) == "never"


def test_a_year_before_1000_has_four_digits() -> None:
    """strftime's %Y gave "1-01-01" for a placeholder date of year 1."""
    first = datetime(1, 1, 1, 9, 0, tzinfo=UTC)
    assert when(first, UTC) == "0001-01-01 09:00 UTC"
    assert when(datetime(999, 12, 31, tzinfo=UTC), UTC, "stamp") == "0999-12-31 00:00"
    nothing = SearchResult("Who?", (), nothing_by=first.timestamp())
    assert nothing.why_none(UTC) == (
        "Nothing published by 0001-01-01 09:00 UTC matches that; later articles do."
    )
