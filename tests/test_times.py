"""The one helper that shows a moment, in each of its styles; the one that writes it as
data (`--json`); and the one reading of an article's stored date behind both."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.formatting import display_date
from bot.times import iso_text, published_text, utc_text, when
from retrieval.search_result import SearchResult

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


def test_json_writes_every_time_in_one_form() -> None:
    """`stats` and `feeds list` wrote times to the second, `ask` to the microsecond when they
    had a fraction, `digest` with "+00:00" for UTC: three copies of the helper, drifted."""
    assert iso_text(MOMENT) == "2024-06-03T07:05:00Z"
    assert iso_text(MOMENT.timestamp() + 0.25) == "2024-06-03T07:05:00.250000Z"
    assert utc_text(MOMENT.timestamp()) == "2024-06-03T07:05:00Z" and utc_text(None) is None
    tokyo = ZoneInfo("Asia/Tokyo")  # a digest's period, in its zone's days
    assert iso_text(MOMENT, tokyo) == "2024-06-03T16:05:00+09:00"
    assert iso_text(datetime(2024, 6, 3, tzinfo=tokyo), UTC) == "2024-06-02T15:00:00Z"
    assert published_text("2024-06-03T07:05:00.5+00:00") == "2024-06-03T07:05:00.500000Z"
    assert published_text("2024-06-03T16:05:00+09:00") == "2024-06-03T07:05:00Z"
    assert published_text("2024-06-03") == "2024-06-03"


@pytest.mark.parametrize(
    "stored", ["2024-11", "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "2024-13-45"]
)
def test_a_stored_date_that_has_no_utc_time_is_shown_as_stored_everywhere(stored: str) -> None:
    """The bot's copy of the reading (`display_date`) raised OverflowError on a date before
    year 1 in UTC, where the command line's copies showed it as stored."""
    assert display_date(stored, ZoneInfo("Asia/Tokyo")) == stored
    assert published_text(stored) == stored
