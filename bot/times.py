"""Moments as newsbot shows them, to a chat or on a terminal (one helper, three styles), as
the command line reads them, and as its `--json` outputs write them (`iso_text`), with an
article's stored date read once for all of them (`stored_moment`).

Telegram-free, so the command line can use it without importing the bot.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from retrieval.corpus.dates import ascii_digits, end_of_day_advice
from retrieval.digest.digest import DigestItem
from retrieval.models import Attribution
from retrieval.wording import UNDATED, local_time, stamp

Style = Literal["stamp", "stamp_zone", "weekday"]
# A date and a time, with an offset or not, in the ISO forms Python reads: checked before it
# reads them, as it also takes any one character between date and time, and a date followed
# by an offset ("2024-06-03+05:00" is 05:00 local time to it; "2024-06-03Z" loses its Z).
_ISO_MOMENT = re.compile(
    r"^(?:\d{4}-?\d{2}-?\d{2}|\d{4}-?W\d{2}-?\d)"  # the day, or the day of an ISO week
    r"[Tt ]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?"  # the time
    r"(?:[Zz]|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?)?$"  # the offset
)
# An ISO week without its day, which `date.fromisoformat` reads as the week's Monday.
_ISO_WEEK = re.compile(r"^\d{4}-?W\d{2}$")
# An ISO week, with its day or not, to say why one is no week ("2022-W53")
_ANY_WEEK = re.compile(r"^(\d{4})-?W(\d{2})(?:-?\d)?$", re.IGNORECASE)
# A month (2022-06): ISO 8601 has no 202206, which would read as a day of some other form.
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]|$)")  # its time, if any, aside
# The forms `moment_of` reads, as its errors show them
MOMENT_EXAMPLES = (
    "2022-06-10, 2022-06-10T18:30, 2022-06-10T18:30:00Z, 2022-06-10T18:30+02:00, a week, "
    "2022-W23, or a month, 2022-06"
)


def when(moment: datetime | float | None, zone: tzinfo, style: Style = "stamp_zone") -> str:
    """`moment` (an aware datetime or a Unix time) in `zone`; "never" for None.

    "stamp": 2024-11-25 08:30, for lists whose zone is named once; "stamp_zone":
    2024-11-25 08:30 UTC; "weekday": Mon 25 Nov 08:30, for a digest's recent days.
    """
    if moment is None:
        return "never"
    local = local_time(moment, zone)
    if style == "weekday":
        return f"{local:%a} {local.day} {local:%b %H:%M}"
    shown = stamp(local)
    return f"{shown} {local:%Z}" if style == "stamp_zone" else shown


def day_of(moment: datetime, style: Style = "stamp") -> str:
    """The day of a moment known only by its date (an article's bare "2022-11-08", counted
    from 10:00 UTC of that day): its UTC date, the same in every zone a reader is in, and no
    time of day. "stamp": 2022-11-08; "weekday": Tue 8 Nov."""
    day = moment.astimezone(UTC)
    if style == "weekday":
        return f"{day:%a} {day.day} {day:%b}"
    return f"{day.year:04d}-{day:%m-%d}"


def story_times(item: DigestItem, zone: tzinfo, style: Style = "stamp") -> str:
    """When a digest's story was reported, as the line under its headline says it: when the
    headline's article was (it is what the headline links to), then, if a report of the story
    came later, "latest report" and when, its time alone on the same day
    ("1987-10-19 10:54 · latest report 16:59"). A time that is only when an undated article
    was stored says "stored"."""
    lead = item.lead_published or item.published
    lead_only = item.lead_date_only if item.lead_published else item.date_only
    lead_stored = item.lead_stored if item.lead_published else item.published_stored
    shown = f"{'stored ' if lead_stored else ''}{_moment(lead, lead_only, zone, style)}"
    if item.published <= lead:
        return shown
    latest = _moment(item.published, item.date_only, zone, style)
    if latest == _moment(lead, lead_only, zone, style):
        return shown  # later, but not by what is shown ("2022-08-01" twice)
    if not (item.date_only or lead_only) and local_time(item.published, zone).date() == (
        local_time(lead, zone).date()
    ):
        latest = f"{local_time(item.published, zone):%H:%M}"
    return f"{shown} · latest report {'stored ' if item.published_stored else ''}{latest}"


def _moment(moment: datetime, date_only: bool, zone: tzinfo, style: Style) -> str:
    """A time shown, or its day alone when only the day is known (`day_of`)."""
    return day_of(moment, style) if date_only else when(moment, zone, style)


def iso_text(moment: datetime | float, zone: tzinfo = UTC) -> str:
    """`moment` (an aware datetime or a Unix time) as every `--json` output writes one: ISO
    8601 in `zone`, to the microsecond when it has a fraction, so that the moment shown is
    the one used ("2022-06-10T23:59:59.999999Z"), else to the second; in UTC with a Z
    ("2024-11-25T10:00:00Z"), elsewhere with its offset (a digest's period, in its zone's
    days: "2024-11-25T00:00:00+01:00")."""
    if isinstance(moment, datetime):
        shown = moment.astimezone(zone)
    else:
        shown = datetime.fromtimestamp(moment, zone)
    text = shown.isoformat(timespec="auto")
    return f"{text.removesuffix('+00:00')}Z" if text.endswith("+00:00") else text


def stored_field(stored_ahead: datetime | None) -> dict[str, str]:
    """What a `--json` output gives beside the `published` date of an article that counts
    from when it was stored, its date ahead of then (`dates.stored_ahead`): that `"stored"`
    time, the one its text shows ("stored 2026-12-08 00:13"); nothing for another article."""
    return {"stored": iso_text(stored_ahead)} if stored_ahead is not None else {}


def utc_text(moment: float | None) -> str | None:
    """A Unix time as `iso_text` writes it, in UTC; None as is."""
    return None if moment is None else iso_text(moment)


def stored_moment(published: str) -> date | datetime | None:
    """An article's stored date, read as every place that shows one reads it: a day alone
    ("2024-11-25", as the article gave it) as a date; a moment as an aware datetime in UTC
    (one stored without an offset is in UTC); None for what neither form reads (another
    build's "2024-11") or what has no UTC time ("0001-01-01T00:30:00+01:00", before year 1
    there), which each shows as stored rather than fail."""
    try:
        if len(published) == 10:
            return date.fromisoformat(published)
        moment = datetime.fromisoformat(published)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def published_text(published: str | None) -> str | None:
    """An article's stored date as `--json` gives it: a moment as `iso_text` writes it, in
    UTC ("2024-11-25T09:30:00Z"); a day alone stays a day ("2024-11-25"); what
    `stored_moment` cannot read, as stored."""
    if published is None:
        return None
    read = stored_moment(published)
    return iso_text(read) if isinstance(read, datetime) else published


def day_in(moment: float, zone: tzinfo) -> str:
    """The date of a Unix time in `zone`, as 2024-11-25."""
    return local_time(moment, zone).date().isoformat()


def read_day(text: str) -> date | None:
    """`text` as a bare ISO date (2024-11-25, 20241125), or None if it is not one. An ISO
    week without its day (2024-W48) is its Monday: Python reads it so."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def last_day(text: str) -> date | None:
    """The last day `text` names as a bare ISO date (the day), as an ISO week without its
    day (2024-W48, 2024W48: its Sunday), or as a month (2024-11: its 30th); None if it is
    none of them. "As of 2024-W48" is through that week, as "as of 2024-11-25" is through
    that day, not through its Monday only; and "as of 2024-11" through the month's last
    day. (A question naming "November 2024" is answered as of two weeks later, when its
    reports were written, as one naming a day is as of a week after it: `named_time`. An
    "as of" is the moment itself, of a month as of a day.)"""
    month = _ISO_MONTH.match(text.strip())
    if month:
        year, number = int(month[1]), int(month[2])
        if not 1 <= number <= 12 or year < 1:
            return None
        return date(year, number, calendar.monthrange(year, number)[1])
    day = read_day(text)
    if day is not None and _ISO_WEEK.match(text.strip()):
        return day + timedelta(days=6)
    return day


def why_no_day(text: str) -> str | None:
    """Why `text`, written as an ISO week, a month or a day, names none: "2022 has 52 ISO
    weeks", "a month is 01 to 12", "February 2022 has 28 days"; None for any other text."""
    week = _ANY_WEEK.match(text.strip())
    if week:
        year, number = int(week[1]), int(week[2])
        weeks = date(year, 12, 28).isocalendar().week if year else 52
        if not 1 <= number <= weeks:
            return f"{year} has {weeks} ISO weeks ({year}-W01 to {year}-W{weeks})"
    month = _ISO_MONTH.match(text.strip())
    if month and not 1 <= int(month[2]) <= 12:
        return "a month is 01 to 12"
    day = _ISO_DAY.match(text.strip())
    if day and int(day[1]) and 1 <= int(day[2]) <= 12:
        year, number = int(day[1]), int(day[2])
        days = calendar.monthrange(year, number)[1]
        if not 1 <= int(day[3]) <= days:
            return f"{calendar.month_name[number]} {year} has {days} days"
    return None


def read_moment(text: str, zone: tzinfo) -> datetime:
    """An ISO date or date-time as an aware datetime; ValueError if it is neither, or if it
    is too near year 1 or 9999 to be told in UTC.

    What names no offset is in `zone` (NEWSBOT_TIMEZONE), the zone the dates are shown in:
    a London desk's "2024-11-25" is London's midnight. A bare date is that midnight. A date
    with an offset and no time ("2024-06-03Z"), or any other shape (`_ISO_MOMENT`), is
    refused rather than misread.
    """
    day = read_day(text)
    if day is not None:
        moment = datetime.combine(day, time(), zone)
    elif not _ISO_MOMENT.match(text.strip()):
        raise ValueError(f"{text!r} is not an ISO date, or date and time")
    else:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    local = moment.tzinfo is None
    moment = moment.replace(tzinfo=zone) if local else moment
    try:
        utc = moment.astimezone(UTC)
        # a time the zone's clocks skipped (02:30 as they went forward) would be read as an
        # hour later, silently; a skipped midnight, a bare date's, is the day's start
        skipped = local and day is None and _wall(utc.astimezone(zone)) != _wall(moment)
    except OverflowError:
        raise OutOfRange(f"{text!r} is out of range") from None
    if skipped:
        raise SkippedTime(f"{text!r} is no time in {zone}: its clocks skipped it")
    return moment


def moment_of(value: str, zone: tzinfo, *, end: bool) -> datetime:
    """What `ask --as-of`, `digest --since` and `digest --until` read: a date, an ISO week, a
    month or a date-time, from its start (`start_of`), or to its end when `end` (`end_of`),
    in `zone` where it names no offset. Its ValueError names `value` and says why: a week or
    month that is none (`NoSuchDay`: "2022 has 52 ISO weeks"), a date out of range
    (`OutOfRange`), a time the clocks skipped (`SkippedTime`), or else the forms it may take
    (`NotAMoment`). Its digits may be of any script ("٢٠٢٤-١١-٢٥"), as an ingested date's."""
    text = ascii_digits(value)
    try:
        return end_of(text, zone) if end else start_of(text, zone)
    except SkippedTime:
        raise
    except (OverflowError, OutOfRange):  # the day after 9999-12-31; past year 1 in UTC
        raise OutOfRange(
            f"{value!r} is out of the range of dates newsbot can use (years 1 to 9999, "
            "through 9999-12-30)"
        ) from None
    except ValueError:
        why = why_no_day(text)
        if why is not None:
            raise NoSuchDay(f"{value!r} is no date: {why}") from None
        if (advice := end_of_day_advice(text)) is not None:
            raise NotAMoment(f"{value!r} is not a date-time newsbot can use: {advice}") from None
        raise NotAMoment(
            f"{value!r} is not a date or date-time newsbot can use: use e.g. {MOMENT_EXAMPLES}"
        ) from None


def start_of(text: str, zone: tzinfo) -> datetime:
    """The start of what `text` names: of a bare date, an ISO week (its Monday) or a month
    (its 1st), that day's midnight in `zone`; of a date-time, that moment (`read_moment`).
    "Since 2022-06" is from 1 June as "until 2022-06" is through the 30th (`end_of`).
    ValueError as `read_moment`."""
    month = _ISO_MONTH.match(text.strip())
    if month and last_day(text) is not None:
        return read_moment(f"{month[1]}-{month[2]}-01", zone)
    return read_moment(text, zone)


def end_of(text: str, zone: tzinfo) -> datetime:
    """The end of what `text` names, itself not included: of a bare date, an ISO week or a
    month (`last_day`), the midnight after its last day in `zone`; of a date-time, that moment
    (`read_moment`). "Until 2022-06-05" is through that day, "until 2022-W23" through its
    Sunday and "until 2022-06" through the 30th, as "as of" any of them is: `ask --as-of` and
    `digest --until` read them alike.
    ValueError as `read_moment`; OutOfRange for a day past 9999-12-30."""
    day = last_day(text)
    if day is None:
        return read_moment(text, zone)
    try:
        after = day + timedelta(days=1)
    except OverflowError:
        raise OutOfRange(f"{text!r} is out of range") from None
    return read_moment(after.isoformat(), zone)


def _wall(moment: datetime) -> datetime:
    """The time on the clock: `moment` without its zone."""
    return moment.replace(tzinfo=None)


class SkippedTime(ValueError):
    """A local time that did not happen in its zone (`read_moment`)."""


class OutOfRange(ValueError):
    """A date or time too near year 1 or 9999 to be told in UTC (`read_moment`)."""


class NoSuchDay(ValueError):
    """An ISO week or a month written as one that is none: 2022-W53, 2022-13 (`moment_of`)."""


class NotAMoment(ValueError):
    """Text of no form `moment_of` reads: not a date, week, month or date-time."""


def date_shown(article: Attribution, zone: tzinfo) -> str:
    """A published date as given (2024-11-25), a date and time in `zone` (2024-11-25 17:30
    JST): stored in UTC, it would print as 2024-11-25T08:30:00+00:00 whatever the zone. One
    dated ahead of when it was stored shows when it was stored, as a digest does."""
    published = article.published
    if article.stored_ahead is not None:
        return f"stored {when(article.stored_ahead, zone)}"
    if not published:
        return UNDATED
    read = stored_moment(published)
    return when(read, zone) if isinstance(read, datetime) else published
