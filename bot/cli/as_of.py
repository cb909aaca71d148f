"""The moment a question is answered as of (`ask --as-of`, a JSON request's "as_of"): a
date, an ISO week or a month through its end, or a date-time; in NEWSBOT_TIMEZONE unless it
names an offset.

Apart from `newsbot ask`'s reading and printing: the benchmarks read their sets' dates so.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass, field
from datetime import UTC, timedelta, tzinfo

from bot.times import iso_text, last_day, moment_of
from retrieval.corpus.dates import ascii_digits


@dataclass(frozen=True, slots=True)
class AsOf:
    """A moment asked about: `moment` in Unix time, `utc` that moment to the microsecond
    (what a JSON answer shows as `as_of_moment`: a float holds no microseconds far from
    1970), `given` as the asker wrote it (what a JSON answer echoes and a batch's text answer
    shows), `zone` the one it was read in (its offset, else NEWSBOT_TIMEZONE), whose days a
    month or day the question names are."""

    moment: float
    utc: str = field(compare=False)
    given: str = field(default="", compare=False)
    zone: tzinfo = field(default=UTC, compare=False)


def parse_as_of(value: str, zone: tzinfo = UTC) -> AsOf:
    """An ISO date, week, month or date-time, read as `digest --until` reads it
    (`moment_of`); its ValueError names the value and shows the valid forms, or says why a
    week or month is none ("2022 has 52 ISO weeks").

    A bare date means through its last instant: an article dated 2022-06-10 is not
    "published after 2022-06-10". A week ("2022-W23") means through its Sunday's last
    instant, a month ("2022-06") through its last day's (`last_day`). What names no
    offset is in `zone` (NEWSBOT_TIMEZONE).
    """
    read = moment_of(value, zone, end=True)
    end = read.astimezone(UTC)  # in range in UTC: checked
    zone = read.tzinfo or zone  # "2022-06-10T18:30+02:00": the asker's own offset
    # any ISO form of a day ("20220610" too, "٢٠٢٢-٠٦-١٠"), a week's Sunday, a month's last day
    day = last_day(ascii_digits(value))
    if day is None:  # a date-time: itself
        return AsOf(end.timestamp(), iso_text(end), value, zone)
    # a microsecond before the next day, or a float's step where that is longer (before
    # 1425, after 2514): `end - 1e-6` was then the next day's midnight
    moment = min(end.timestamp() - 1e-6, math.nextafter(end.timestamp(), -math.inf))
    last = iso_text(end - timedelta(microseconds=1))
    return AsOf(moment, last, value, zone)


def as_of_value(text: str) -> str:
    """argparse type of --as-of: checked here (argparse names the flag before the message),
    read in NEWSBOT_TIMEZONE once the settings are loaded."""
    try:
        parse_as_of(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text
