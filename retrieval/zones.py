"""Time zones as people name them: an IANA name in any case, a slip in it told of the zone
meant, UTC+H, and abbreviations and offsets refused with the Area/City zones likely meant.

Apart from the digest's schedule because it is read in more places than that: a /subscribe
zone, and NEWSBOT_TIMEZONE, the zone of a whole installation (bot/config.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from difflib import get_close_matches
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from retrieval.errors import ScheduleError
from retrieval.wording import quoted

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


def _have_zones() -> bool:
    """Whether zoneinfo finds any zone: the system's zoneinfo files or the tzdata package.
    Alpine, distroless images and Windows have no system files."""
    try:
        ZoneInfo("UTC")
    except ZoneInfoNotFoundError:
        return False
    return True


def parse_zone(name: str) -> ZoneInfo:
    """The IANA zone `name` (any letter case); ScheduleError naming the zone probably meant,
    or valid examples, otherwise."""
    canonical = _zone_names().get(name.strip().casefold(), name.strip())
    try:
        return ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: too long a file name
        if not _have_zones():  # "unknown time zone 'UTC': use ... (or UTC)" helps no one
            raise ScheduleError(
                f"cannot read time zone {quoted(name)}: no time zone database found "
                "(install tzdata)"
            ) from None
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
