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
from zoneinfo import ZoneInfo

from retrieval.digest.digest import Period
from retrieval.errors import ScheduleError
from retrieval.wording import quoted

FIRST_PERIOD = timedelta(hours=24)  # what a first digest covers
LONGEST_PERIOD = timedelta(days=7)  # a digest after a long silence covers at most this

# A time of day as people write one: 24-hour ("19:30", "18.30", "7h05", "19:30:00",
# "19:30 hrs", "1930 hrs": the "hrs" says it is no year) or 12-hour ("7:30 pm", "7 p.m.",
# "12am").
_TIME = re.compile(
    r"^(?:(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"\s*(?:(?P<half>[ap])\.?\s?m\.?|(?P<hours>hrs|hours))?"
    r"|(?P<hhmm_hour>\d{2})(?P<hhmm_minute>\d{2})\s*(?:hrs|hours))$",
    re.IGNORECASE,
)
_HHMM = re.compile(r"^([01]\d|2[0-3])([0-5]\d)(?!\d)")  # "0730": the example is 07:30


@dataclass(frozen=True, slots=True, order=True)
class DailyTime:
    """A time of day on a 24-hour clock, to the minute."""

    hour: int
    minute: int

    @classmethod
    def parse(cls, text: str) -> DailyTime:
        """`8:00`, `08:00`, `18.30`, `18:30:00`, `18:30 hrs`, `1830 hrs`, or on a 12-hour
        clock `6:30 pm`, `6 p.m.` (12 am is midnight, 12 pm noon); ScheduleError with an
        example otherwise."""
        match = _TIME.match(text.strip())
        if match and match["hhmm_hour"] is not None:  # "1930 hrs"
            hour, minute = int(match["hhmm_hour"]), int(match["hhmm_minute"])
            if hour <= 23 and minute <= 59:
                return cls(hour, minute)
        if match and match["half"] is not None:
            return cls._twelve_hour(text, int(match["hour"]), int(match["minute"] or 0), match)
        if match and match["minute"] is not None:
            hour, minute = int(match["hour"]), int(match["minute"])
            if (hour, minute) == (24, 0):
                raise ScheduleError(
                    f"{quoted(text)} is not a time of day: a digest at midnight is at 00:00"
                )
            if match["second"] not in (None, "00") and hour <= 23 and minute <= 59:
                raise ScheduleError(
                    f"{quoted(text)} is not a time of day: a digest is set to the minute, e.g. "
                    f"{hour:02d}:{minute:02d}"
                )
            if hour <= 23 and minute <= 59:
                return cls(hour, minute)
        meant = _HHMM.match(text.strip())
        example = f"{meant[1]}:{meant[2]}" if meant else "08:00 or 18:30 (or 6:30 pm)"
        raise ScheduleError(
            f"{quoted(text)} is not a time of day: use HH:MM on a 24-hour clock, e.g. {example}"
        )

    @classmethod
    def _twelve_hour(cls, text: str, hour: int, minute: int, match: re.Match[str]) -> DailyTime:
        if not 1 <= hour <= 12 or minute > 59 or match["second"] not in (None, "00"):
            raise ScheduleError(
                f"{quoted(text)} is not a time of day: on a 12-hour clock the hour runs from 1 "
                "to 12, e.g. 6:30 pm (or 18:30 on a 24-hour clock)"
            )
        afternoon = match["half"].casefold() == "p"
        return cls(hour % 12 + (12 if afternoon else 0), minute)

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


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
    previous_start: datetime | None = None,
) -> Period:
    """What the digest due at `slot_at` and built `now` covers: since the end of the previous
    one, or the last 24 hours for a first one; never more than `LONGEST_PERIOD`. Late
    arrivals are those stored after the previous one was built (`Period`)."""
    start = previous_end if previous_end is not None else slot_at - FIRST_PERIOD
    start = min(max(start, slot_at - LONGEST_PERIOD), slot_at)
    as_of = max(now, slot_at)
    return Period(start, slot_at, previous_as_of, as_of, previous_start, previous_end)
