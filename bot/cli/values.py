"""What the command line's words are read as: a count (--limit), a size (--max-expanded), a
duration or a moment (digest's --since and --until), each refused with the forms that are
(ask's --as-of: `bot.cli.as_of`).

Checked as the command line is parsed, before any settings or database: a moment is read
in NEWSBOT_TIMEZONE only by the command, once the settings are loaded.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, timedelta

from bot.times import MOMENT_EXAMPLES, NotAMoment, moment_of

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def count_value(text: str) -> int:
    """argparse type of a --limit: a whole number of at least 1. Checked here, as other
    values are, so that 0 is told with the usage line and exit 2, as "abc" is."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return count


def size_value(text: str) -> int:
    """A size in bytes: 4G, 500M, 64KiB or a plain number of bytes (binary units)."""
    match = _SIZE.match(text.strip())
    if not match or float(match[1]) <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size: use e.g. 500M, 4G or 2048K (bytes without a unit)"
        )
    return int(float(match[1]) * _SIZE_UNITS[match[2].lower()])


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([mhdw])$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def until_value(text: str) -> str:
    """A date, an ISO week, a month or a date-time, read to its end as `ask --as-of` reads it
    (`bot.times.moment_of`): checked here, and read in NEWSBOT_TIMEZONE by the command once
    the settings are loaded (here in UTC)."""
    try:
        moment_of(text, UTC, end=True)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


LONGEST_SINCE = timedelta(days=100 * 365)  # "since 1000000d" would run past year 1: OverflowError


def since_value(text: str) -> timedelta | str:
    """A duration (24h, 90m, 2d, 1w; at most a century), or a date, an ISO week, a month or
    a date-time, read from its start (`bot.times.moment_of`)."""
    match = _DURATION.match(text.strip())
    if match:
        amount, unit = float(match[1]), _UNITS[match[2].lower()]
        if amount > LONGEST_SINCE / timedelta(**{unit: 1}):
            raise argparse.ArgumentTypeError(
                f"{text!r} is too long ago: use at most {LONGEST_SINCE.days}d, or a date"
            )
        return timedelta(**{unit: amount})
    try:
        moment_of(text, UTC, end=False)
    except NotAMoment:
        forms = f"24h, 90m, 2d, {MOMENT_EXAMPLES}"
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither a duration nor a date: use e.g. {forms}"
        ) from None
    except ValueError as exc:  # a week or month that is none, a date out of range
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text
