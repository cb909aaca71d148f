"""When digests are due: a local time of day in an IANA zone, across daylight-saving changes.

Pure functions of the time they are given, so tests (and the bot's job) pass the clock in.

A subscription has one slot per local day, at its local time. On the day clocks spring
forward, a time that does not exist (02:30 in New York) runs when it would have, measured in
the old offset: 03:30, right after the gap. On the day they fall back, a time that happens
twice (01:30) runs the first time only. A slot missed while the bot was down is still due
later the same local day, never the next: yesterday's digest on tomorrow's breakfast table
is noise, and the next digest covers its articles anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from retrieval.digest.digest import Period
from retrieval.errors import ScheduleError
from retrieval.wording import quoted

FIRST_PERIOD = timedelta(hours=24)  # what a first digest covers
LONGEST_PERIOD = timedelta(days=7)  # a digest after a long silence covers at most this

_TIME = re.compile(r"^(\d{1,2})[:.h](\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class DailyTime:
    """A time of day on a 24-hour clock, to the minute."""

    hour: int
    minute: int

    @classmethod
    def parse(cls, text: str) -> DailyTime:
        """`8:00`, `08:00` or `18.30`; ScheduleError with an example otherwise."""
        match = _TIME.match(text.strip())
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ScheduleError(
                f"{quoted(text)} is not a time of day: use HH:MM on a 24-hour clock, e.g. 08:00 "
                "or 18:30"
            )
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


@cache
def _zone_names() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def parse_zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (any letter case); ScheduleError naming valid examples otherwise."""
    canonical = _zone_names().get(name.strip().casefold(), name.strip())
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: too long a file name
        raise ScheduleError(
            f"unknown time zone {quoted(name)}: use an Area/City name such as Europe/London, "
            "America/New_York or Asia/Tokyo (or UTC)"
        ) from None


# An Area/City name of one of tzdata's areas, valid or not (Europe/Londn is told it is
# unknown): not any word with a slash ("<b>oil</b>", "AI/ML" and "Israel/Gaza" would be
# unknown time zones, keywords lost).
_ZONE_LIKE = re.compile(
    r"(?:africa|america|antarctica|arctic|asia|atlantic|australia|europe|indian|pacific|etc)"
    r"(?:/[\w+-]+)+",
    re.IGNORECASE,
)


def looks_like_zone(text: str) -> bool:
    """True for a word meant as a zone, valid or not: Area/City, a zone tzdata knows by
    another name with a slash (US/Eastern), or UTC. Legacy names without a slash ("Japan",
    "Egypt") are read as keywords, which is what people mean by them."""
    text = text.strip()
    folded = text.casefold()
    return (
        bool(_ZONE_LIKE.fullmatch(text))
        or ("/" in text and folded in _zone_names())
        or folded in ("utc", "gmt")
    )


def run_at(day: date, at: DailyTime, zone: ZoneInfo) -> datetime:
    """When the slot of local `day` is, in UTC (see the module docstring for DST)."""
    wall = datetime.combine(day, time(at.hour, at.minute), tzinfo=zone)  # fold=0
    return wall.astimezone(UTC)


def next_run(
    at: DailyTime, zone: ZoneInfo, after: datetime, last_day: date | None = None
) -> datetime:
    """The first slot strictly after `after` (an aware datetime), in UTC, of a local day
    after `last_day`: a day that had its digest gets no other (`due_slot`), so a time
    moved later that same day first runs the next day."""
    day = after.astimezone(zone).date()
    if last_day is not None and last_day >= day:
        day = last_day + timedelta(days=1)
    while True:
        run = run_at(day, at, zone)
        if run > after:
            return run
        day += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Slot:
    """One scheduled digest: the local day it belongs to, and when it is due (UTC)."""

    day: date
    at: datetime


def due_slot(
    at: DailyTime,
    zone: ZoneInfo,
    now: datetime,
    schedule_since: datetime,
    last_day: date | None,
) -> Slot | None:
    """Today's slot if it is due at `now`, else None.

    Due when its time has come, it is not earlier than `schedule_since` (when the time or zone
    was last set: changing them never fires a slot that has already passed) and no digest was
    claimed for today or a later local day yet (`last_day`).
    """
    today = now.astimezone(zone).date()
    if last_day is not None and last_day >= today:
        return None
    run = run_at(today, at, zone)
    if run > now or run < schedule_since:
        return None
    return Slot(today, run)


def period_for(
    slot_at: datetime,
    now: datetime,
    previous_end: datetime | None = None,
    previous_as_of: datetime | None = None,
) -> Period:
    """What the digest due at `slot_at` and built `now` covers: since the end of the previous
    one, or the last 24 hours for a first one; never more than `LONGEST_PERIOD`."""
    start = previous_end if previous_end is not None else slot_at - FIRST_PERIOD
    start = min(max(start, slot_at - LONGEST_PERIOD), slot_at)
    return Period(start, slot_at, previous_as_of, max(now, slot_at))
