"""Publication dates: parse what inputs give us into ISO 8601, and back into Unix time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from retrieval.errors import ParseError
from retrieval.wording import json_kind, quoted

# A weekday may lead a spelled date, as in feeds ("Mon, 08 Nov 2021"); it is not checked.
_WEEKDAY = r"(?:(?i:mon|tue|wed|thu|fri|sat|sun)[A-Za-z]{0,6}\.?,? )?"
_MONTH_DAY_YEAR = re.compile(
    rf"^{_WEEKDAY}(?P<month>[A-Za-z]{{3,9}})\.? (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})$"
)
_DAY_MONTH_YEAR = re.compile(
    rf"^{_WEEKDAY}(?P<day>\d{{1,2}}) (?P<month>[A-Za-z]{{3,9}})\.?,? (?P<year>\d{{4}})$"
)
_SLASHED = re.compile(r"^(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})$")  # 2024/12/03
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}


def parse_published(value: object) -> str | None:
    """Normalize a published date to ISO 8601: `YYYY-MM-DD`, or a UTC datetime with offset.

    Accepts ISO 8601 dates and datetimes (a naive datetime is taken as UTC), "YYYY/MM/DD",
    "Month D, YYYY" and "D Month YYYY", and the RFC 2822 dates of feeds and mail ("Mon, 08
    Nov 2021 09:30:00 +0100", "... GMT", "... EST"), which dumps of feeds keep. A date
    without a time, in any of these forms, is a bare date (`date_only`). Raises ParseError
    naming the value for anything else.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ParseError(f"published must be an ISO 8601 string, got {json_kind(value)}")
    text = value.strip()
    day = date_only(text)
    if day is not None:
        return day
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        mailed = _rfc2822(text)
        if mailed is None:
            raise ParseError(
                f"published {quoted(value)} is not a date: use ISO 8601 such as 2024-11-25 "
                "or 2024-11-25T08:30:00Z (RFC 2822 dates are read too)"
            ) from None
        moment = mailed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except OverflowError:  # 0001-01-01T00:30+01:00 is before year 1 in UTC
        raise ParseError(f"published {quoted(value)} is out of range") from None


def date_only(text: str) -> str | None:
    """The ISO form of a date that has no time of day, or None if `text` is not one: ISO 8601
    in any form ("2021-11-08", "20211108", "2021-W45-1"), "2021/11/08", "Nov 8, 2021",
    "Mon, 08 Nov 2021". Such a date is kept bare, never made midnight UTC, which is the day
    before west of UTC (see BARE_DATE_HOUR)."""
    text = text.strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        day = _spelled_date(text)
        return day.isoformat() if day is not None else None


def _rfc2822(text: str) -> datetime | None:
    """An RFC 2822 date-time ("Mon, 08 Nov 2021 09:30:00 +0100"), or None. A zone of
    -0000 (unknown) is taken as UTC, as a naive ISO time is."""
    if not any(c.isalpha() for c in text):
        return None  # the email parser reads any run of numbers as some date
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _spelled_date(text: str) -> date | None:
    slashed = _SLASHED.match(text)
    if slashed:
        try:
            return date(int(slashed["year"]), int(slashed["month"]), int(slashed["day"]))
        except ValueError:
            return None
    match = _MONTH_DAY_YEAR.match(text) or _DAY_MONTH_YEAR.match(text)
    if not match:
        return None
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return None
    try:
        return date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def spelled_date(text: str) -> str | None:
    """ISO form of a "Month D, YYYY" or "D Month YYYY" date, or None if it is not one."""
    parsed = _spelled_date(text.strip())
    return parsed.isoformat() if parsed else None


# When in its day a bare date ("2024-11-25") counts from: 10:00 UTC is that same calendar day
# in every zone from UTC-10 (Hawaii) to UTC+13:59 (New Zealand's summer, Tonga, Samoa); only
# UTC-11 and UTC+14, a few islands, see the day before or after. Midnight UTC is the day
# before west of UTC, so in New York an article dated the 25th would be "published" by the
# 24th: quoted as of the 24th, in the 24th's digest, and the last day of `stats`; noon UTC is
# the day after in New Zealand.
BARE_DATE_HOUR = 10


def to_timestamp(published: str | None) -> float | None:
    """Unix time of a normalized published value; a bare date from BARE_DATE_HOUR UTC."""
    if not published:
        return None
    if len(published) == 10:
        day = datetime.fromisoformat(published).replace(hour=BARE_DATE_HOUR, tzinfo=UTC)
        return day.timestamp()
    return datetime.fromisoformat(published).timestamp()
