"""The one helper that shows a moment, in each of its styles."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.times import when

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
