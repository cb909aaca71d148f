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


# What a date may be given as, for messages that refuse one.
ACCEPTED = (
    "use ISO 8601 (2024-11-25 or 2024-11-25T08:30:00Z), an RFC 2822 date (Mon, 25 Nov 2024 "
    "08:30:00 +0000), 2024/11/25, Nov 25, 2024, 25 Nov 2024, or Unix seconds (1732523400)"
)
# Unix time read from a number: seconds of 9 or 10 digits (1973-03-03 to 2286-11-20), or
# milliseconds of 13 (2001-09-09 to 2286), as JavaScript's Date.now() and many exports write
# it. A number of other sizes says nothing sure: 20211108 is a date written without dashes,
# or seconds into 1970; 202111081230 a date and time so written, or milliseconds of 1976.
_UNIX_SECONDS = (10**8, 10**10)
_UNIX_MILLISECONDS = (10**12, 10**13)
_NUMBER = re.compile(r"^\d{1,16}(?:\.\d{1,9})?$")  # longer: no Unix time, nor for int()
# Day and month in either order: 08/11/2021 is 8 November in London, 11 August in New York.
_AMBIGUOUS = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")


def parse_published(value: object) -> str | None:
    """Normalize a published date to ISO 8601: `YYYY-MM-DD`, or a UTC datetime with offset.

    Accepts ISO 8601 dates and datetimes (a naive datetime is taken as UTC), "YYYY/MM/DD",
    "Month D, YYYY" and "D Month YYYY", the RFC 2822 dates of feeds and mail ("Mon, 08
    Nov 2021 09:30:00 +0100", "... GMT", "... EST"), which dumps of feeds keep, and Unix
    time, as a number or a string of digits: seconds, or milliseconds where the number's
    size says so (`_unix_time`). A date without a time, in any of these forms, is a bare
    date (`date_only`). Raises ParseError naming the value and what is accepted for
    anything else, such as "08/11/2021", whose day and month could be either way round.
    """
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _unix_time(value, repr(value))
    if not isinstance(value, str):
        raise ParseError(f"published must be a string or a number, got {json_kind(value)}")
    text = value.strip()
    day = date_only(text)
    if day is not None:
        return day
    if _NUMBER.match(text):
        return _unix_time(float(text) if "." in text else int(text), quoted(value))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        mailed = _rfc2822(text)
        if mailed is None:
            if _AMBIGUOUS.match(text):
                raise ParseError(
                    f"published {quoted(value)} is ambiguous: its day and month could be "
                    f"either way round; {ACCEPTED}"
                ) from None
            raise ParseError(f"published {quoted(value)} is not a date: {ACCEPTED}") from None
        moment = mailed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).isoformat(timespec="seconds")
    except OverflowError:  # 0001-01-01T00:30+01:00 is before year 1 in UTC
        raise ParseError(f"published {quoted(value)} is out of range") from None


def _unix_time(number: float, shown: str) -> str:
    """The UTC moment of Unix seconds, or milliseconds, by the number's size; ParseError
    for a number that is neither for sure (see _UNIX_SECONDS)."""
    if _UNIX_MILLISECONDS[0] <= number < _UNIX_MILLISECONDS[1]:
        number /= 1000
    elif not _UNIX_SECONDS[0] <= number < _UNIX_SECONDS[1]:
        raise ParseError(
            f"published {shown} is not a date: a number is read as Unix seconds (9 or 10 "
            f"digits) or milliseconds (13); {ACCEPTED}"
        )
    return datetime.fromtimestamp(number, UTC).isoformat(timespec="seconds")


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


def month_number(name: str) -> int | None:
    """1-12 for a month's English name or its abbreviation ("Sept", "dec"), else None."""
    return _MONTHS.get(name.lower().rstrip("."))
