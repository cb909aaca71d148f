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
from difflib import get_close_matches
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from retrieval.digest.digest import Period
from retrieval.errors import ScheduleError
from retrieval.wording import quoted

FIRST_PERIOD = timedelta(hours=24)  # what a first digest covers
LONGEST_PERIOD = timedelta(days=7)  # a digest after a long silence covers at most this

# A time of day as people write one: 24-hour ("19:30", "18.30", "7h05", "19:30:00",
# "19:30 hrs") or 12-hour ("7:30 pm", "7 p.m.", "12am").
_TIME = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
    r"\s*(?:(?P<half>[ap])\.?\s?m\.?|(?P<hours>hrs|hours))?$",
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
        """`8:00`, `08:00`, `18.30`, `18:30:00`, `18:30 hrs`, or on a 12-hour clock `6:30 pm`,
        `6 p.m.` (12 am is midnight, 12 pm noon); ScheduleError with an example otherwise."""
        match = _TIME.match(text.strip())
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


# tzdata's areas: the first part of an Area/City name.
_AREAS = (
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
    "Indian", "Pacific", "Etc",
)  # fmt: skip
# A suggestion is offered only this close to what was typed: "Europe/Londn" is told of
# Europe/London, "America/Londn" of nothing rather than of America/Moncton.
_SUGGESTION_CUTOFF = 0.85
_LONGEST_SUGGESTED = 64  # longer than any zone name: nothing to suggest, and slow to compare


@cache
def _zone_names() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


@cache
def _zones_by_city() -> dict[str, tuple[str, ...]]:
    """The Area/City zones by their city, case-folded: "london" is Europe/London."""
    cities: dict[str, list[str]] = {}
    for name in sorted(available_timezones()):
        area, _, city = name.rpartition("/")
        if area.split("/")[0] in _AREAS:
            cities.setdefault(city.casefold(), []).append(name)
    return {city: tuple(names) for city, names in cities.items()}


def _one_slip_apart(typed: str, meant: str) -> bool:
    """Whether `typed` is `meant` with one typing slip: a letter changed, added or dropped,
    or two neighbours swapped ("Eurpoe" for "Europe")."""
    if typed == meant or abs(len(typed) - len(meant)) > 1:
        return False
    if len(typed) == len(meant):
        diff = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and (typed[diff[0]], typed[diff[1]]) == (meant[diff[1]], meant[diff[0]])
        )
    longer, shorter = (typed, meant) if len(typed) > len(meant) else (meant, typed)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _area_slip(text: str) -> str | None:
    """The zone `text` names but for a slip in its area ("Eurpoe/London" is Europe/London),
    if any. The rest must be a real zone's in that area, so keywords that pair a country
    with a city ("Israel/Gaza", "India/Kolkata", "Austria/Vienna") are not taken for one."""
    area, slash, rest = text.strip().partition("/")
    if not slash:
        return None
    for real in _AREAS:
        if _one_slip_apart(area.casefold(), real.casefold()):
            zone = _zone_names().get(f"{real}/{rest}".casefold())
            if zone is not None:
                return zone
    return None


def _suggestion(name: str) -> str | None:
    """The real zone `name` most likely meant, if one is close: its area mistyped, its city
    placed in the wrong area ("America/London"), or a name a letter or two away."""
    name = name.strip()
    if len(name) > _LONGEST_SUGGESTED:
        return None
    if (zone := _area_slip(name)) is not None:
        return zone
    in_areas = _zones_by_city().get(name.rpartition("/")[2].casefold(), ())
    if "/" in name and len(in_areas) == 1:
        return in_areas[0]
    close = get_close_matches(name.casefold(), _zone_names(), n=1, cutoff=_SUGGESTION_CUTOFF)
    return _zone_names()[close[0]] if close else None


def parse_zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (any letter case); ScheduleError naming the zone probably meant,
    or valid examples, otherwise."""
    canonical = _zone_names().get(name.strip().casefold(), name.strip())
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: too long a file name
        meant = _suggestion(name)
        advice = (
            f"did you mean {meant}?"
            if meant is not None
            else "use an Area/City name such as Europe/London, America/New_York or Asia/Tokyo "
            "(or UTC)"
        )
        raise ScheduleError(f"unknown time zone {quoted(name)}: {advice}") from None


# An Area/City name of one of tzdata's areas, valid or not (Europe/Londn is told it is
# unknown): not any word with a slash ("<b>oil</b>", "AI/ML" and "Israel/Gaza" would be
# unknown time zones, keywords lost).
_ZONE_LIKE = re.compile(rf"(?:{'|'.join(_AREAS)})(?:/[\w+-]+)+", re.IGNORECASE)


def looks_like_zone(text: str) -> bool:
    """True for a word meant as a zone, valid or not: Area/City, a zone tzdata knows by
    another name with a slash (US/Eastern), a zone with a slip in its area (Eurpoe/London),
    UTC, or an offset from it (GMT+2, +05:45). Legacy names without a slash ("Japan", "Egypt") are
    read as keywords, which is what people mean by them; so are abbreviations
    (`is_abbreviation`) but where a zone stands."""
    text = text.strip()
    folded = text.casefold()
    return (
        bool(_ZONE_LIKE.fullmatch(text))
        or ("/" in text and folded in _zone_names())
        or _area_slip(text) is not None
        or folded in ("utc", "gmt")
        or _OFFSET.fullmatch(text) is not None
        or _BARE_OFFSET.fullmatch(text) is not None
    )


# An offset from UTC as people write it: "GMT+2", "UTC-5", "utc+05:30", "UTC−3"; bare, as
# ISO 8601 writes it after a time ("+05:45", "-0500"), it is refused (`read_zone`).
_OFFSET = re.compile(r"(?:UTC|GMT)([+\-\u2212])(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
_BARE_OFFSET = re.compile(r"([+\-\u2212])(\d{1,2})(?::?(\d{2}))?")
_ETC_OFFSET = re.compile(r"Etc/GMT([+-])(\d{1,2})")
# Abbreviations people write for a zone, with the Area/City zones they likely mean. Each is
# a fixed offset or several places' (CST is Chicago's and Shanghai's), never a place whose
# clocks change on its own dates: EST, which tzdata knows, is UTC-5 all year, while New
# York is UTC-4 in summer (tzdata's EST5EDT and its kin are named here too: a setting of
# them never says which place's rules it meant). Words they also are ("WEST", "EAT", "CAT",
# "MET", "ART") and abbreviations of other things ("GST" is a tax, "ICT" computing) are left
# out, and the rest are taken only as written, in capitals: "wet markets", "est" and "ist"
# (French and German for "is") stay keywords.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "est": ("America/New_York",), "edt": ("America/New_York",),
    "est5edt": ("America/New_York",),
    "cst": ("America/Chicago", "Asia/Shanghai"), "cdt": ("America/Chicago",),
    "cst6cdt": ("America/Chicago",),
    "mst": ("America/Denver", "America/Phoenix"), "mdt": ("America/Denver",),
    "mst7mdt": ("America/Denver",),
    "pst": ("America/Los_Angeles",), "pdt": ("America/Los_Angeles",),
    "pst8pdt": ("America/Los_Angeles",),
    "akst": ("America/Anchorage",), "akdt": ("America/Anchorage",),
    "hst": ("Pacific/Honolulu",),
    "ast": ("America/Halifax", "Asia/Riyadh"), "adt": ("America/Halifax",),
    "nst": ("America/St_Johns",), "ndt": ("America/St_Johns",),
    "brt": ("America/Sao_Paulo",), "clt": ("America/Santiago",),
    "clst": ("America/Santiago",),
    "bst": ("Europe/London",), "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "wet": ("Europe/Lisbon",), "cet": ("Europe/Paris", "Europe/Berlin"),
    "cest": ("Europe/Paris", "Europe/Berlin"), "eet": ("Europe/Athens", "Europe/Kyiv"),
    "eest": ("Europe/Athens", "Europe/Kyiv"), "msk": ("Europe/Moscow",),
    "sast": ("Africa/Johannesburg",),
    "irst": ("Asia/Tehran",), "irdt": ("Asia/Tehran",), "aft": ("Asia/Kabul",),
    "pkt": ("Asia/Karachi",), "npt": ("Asia/Kathmandu",), "mmt": ("Asia/Yangon",),
    "wib": ("Asia/Jakarta",), "pht": ("Asia/Manila",),
    "jst": ("Asia/Tokyo",), "kst": ("Asia/Seoul",), "hkt": ("Asia/Hong_Kong",),
    "sgt": ("Asia/Singapore",), "awst": ("Australia/Perth",),
    "acst": ("Australia/Adelaide", "Australia/Darwin"), "acdt": ("Australia/Adelaide",),
    "aest": ("Australia/Sydney", "Australia/Brisbane"), "aedt": ("Australia/Sydney",),
    "nzst": ("Pacific/Auckland",), "nzdt": ("Pacific/Auckland",),
    "chast": ("Pacific/Chatham",), "chadt": ("Pacific/Chatham",),
}  # fmt: skip
# The zones a hint for an offset names first: those called by an abbreviation, then other
# big cities' (a sorted list of all would offer tzdata's old names, Asia/Katmandu, first).
_WELL_KNOWN = tuple(
    dict.fromkeys(
        [
            *(zone for zones in _ABBREVIATIONS.values() for zone in zones),
            "Asia/Dubai", "Asia/Dhaka", "Asia/Bangkok", "Africa/Cairo", "Africa/Lagos",
            "Africa/Nairobi", "America/Mexico_City", "America/Bogota",
            "America/Argentina/Buenos_Aires",
        ]
    )
)  # fmt: skip
_MOST_SUGGESTED = 2  # zones named in a hint for an offset


def is_abbreviation(text: str) -> bool:
    """Whether `text` is a zone's abbreviation, in capitals ("EST", "CET"): a zone meant, if
    it stands where one does (first, or after a time), else a keyword like any other word."""
    text = text.strip()
    return text.isupper() and text.casefold() in _ABBREVIATIONS


def is_bare_offset(text: str) -> bool:
    """Whether `text` is an offset from UTC without a zone's name ("+05:45", "-0500", "+2"):
    a zone meant where one stands, though no zone (`read_zone`)."""
    return _BARE_OFFSET.fullmatch(text.strip()) is not None


def zones_at(offset: timedelta, when: datetime) -> tuple[str, ...]:
    """The Area/City zones whose clocks are `offset` ahead of UTC at `when` (behind, if
    negative): the well-known ones if any is, else all: "+05:45" is Asia/Kathmandu."""
    known = tuple(name for name in _WELL_KNOWN if ZoneInfo(name).utcoffset(when) == offset)
    if known:
        return known
    places = (name for name in available_timezones() if name.split("/")[0] in _AREAS[:-1])
    return tuple(sorted(name for name in places if ZoneInfo(name).utcoffset(when) == offset))


def _advice_for(offset: timedelta, when: datetime) -> str:
    """What to name instead of an offset: the places on it at `when`, and UTC±H for a
    fixed offset of whole hours."""
    places = zones_at(offset, when)[:_MOST_SUGGESTED]
    fixed = f" (or {_fixed(offset)} for a fixed offset)" if _fixed(offset) else ""
    if not places:
        return (
            f"use an Area/City name such as Europe/London, America/New_York or Asia/Tokyo{fixed}"
        )
    return (
        f"use an Area/City name such as {' or '.join(places)}, which keeps the place's time, "
        f"summer time included{fixed}"
    )


def _fixed(offset: timedelta) -> str | None:
    """The offset as `read_zone` takes it for a fixed one, "UTC-5"; None if it takes none."""
    minutes = int(offset.total_seconds()) // 60
    whole = minutes % 60 == 0 and -12 <= minutes // 60 <= 14
    return f"UTC{minutes // 60:+d}" if whole and minutes else ("UTC" if whole else None)


def _offset_of(sign: str, hours: str, minutes: str | None) -> timedelta:
    size = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return size if sign == "+" else -size


def read_zone(text: str, now: datetime | None = None) -> ZoneInfo:
    """The zone a person named: an IANA name (`parse_zone`), or a whole number of hours from
    UTC ("GMT+2" is UTC+2, tzdata's Etc/GMT-2: POSIX inverts the sign). ScheduleError for an
    abbreviation ("EST"), a bare offset ("+05:45") or another offset from UTC, naming the
    Area/City zones likely meant: those of the abbreviation, or those at that offset `now`
    (default: the present moment)."""
    text = text.strip()
    names = _ABBREVIATIONS.get(text.casefold())
    when = now or datetime.now(UTC)
    if names is not None:
        first = ZoneInfo(names[0])
        standard = _fixed(
            (first.utcoffset(when) or timedelta()) - (first.dst(when) or timedelta())
        )
        raise ScheduleError(
            f"{quoted(text)} is an abbreviation, not a time zone: use an Area/City name "
            f"such as {' or '.join(names)}, which keeps the place's time, summer time included"
            + (f" (or a fixed offset such as {standard})" if standard else "")
        )
    bare = _BARE_OFFSET.fullmatch(text)
    if bare is not None:
        offset = _offset_of(*bare.groups())
        raise ScheduleError(
            f"{quoted(text)} is an offset, not a time zone: {_advice_for(offset, when)}"
        )
    named = _OFFSET.fullmatch(text)
    if named is None:
        return parse_zone(text)
    hours = int(named[2])
    west = named[1] != "+"
    if named[3] not in (None, "00") or hours > (12 if west else 14):
        offset = _offset_of("-" if west else "+", named[2], named[3])
        raise ScheduleError(
            f"{quoted(text)} is not a time zone: offsets run in whole hours from UTC-12 to "
            f"UTC+14; for another, {_advice_for(offset, when)}"
        )
    if hours == 0:
        return ZoneInfo("UTC")
    return ZoneInfo(f"Etc/GMT{'+' if west else '-'}{hours}")  # Etc/GMT+5 is UTC-5


def zone_label(name: str) -> str:
    """A zone's name as people read it: tzdata's Etc/GMT-2 is UTC+2."""
    etc = _ETC_OFFSET.fullmatch(name)
    if etc is None:
        return name
    hours = int(etc[2])
    return f"UTC{'-' if etc[1] == '+' else '+'}{hours}" if hours else "UTC"


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
    return Period(start, slot_at, previous_as_of, max(now, slot_at), previous_start)
