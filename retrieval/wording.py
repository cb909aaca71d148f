"""Counts in words, for the lines people read: "1 article", "2,088 articles", "1 story"; a
moment's date and time; what someone typed, quoted back in a message; a file's name, as
printed; and what kind of JSON value they gave."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo


def counted(n: int, thing: str, things: str | None = None) -> str:
    """`n` (thousands grouped) and `thing`, or its plural (`things`, else `thing` + "s")
    unless `n` is 1."""
    return f"{n:,} {thing}" if n == 1 else f"{n:,} {things or thing + 's'}"


def agreeing(n: int, one: str, many: str) -> str:
    """The word that agrees with a count of `n`: "its 1 article *stays*", "4 *stay*"."""
    return one if n == 1 else many


def stamp(local: datetime) -> str:
    """`local`'s date and time as "2024-11-25 08:30": the year in four digits, which
    strftime's %Y is not for years before 1000 with glibc ("1-01-01")."""
    return f"{local.year:04d}-{local:%m-%d %H:%M}"


def local_time(moment: datetime | float, zone: tzinfo) -> datetime:
    """`moment` in `zone`; in UTC where `zone` would run it past year 1 or 9999 (a
    placeholder date such as .NET's 0001-01-01T00:00:00 west of UTC)."""
    try:
        if isinstance(moment, datetime):
            return moment.astimezone(zone)
        return datetime.fromtimestamp(moment, zone)
    except (OverflowError, ValueError):
        if isinstance(moment, datetime):
            return moment.astimezone(UTC)
        return datetime.fromtimestamp(moment, UTC)


QUOTED_CHARS = 60


def quoted(text: str, chars: int = QUOTED_CHARS) -> str:
    """`text` quoted back in an error (Python's repr), its first `chars` characters and "…"
    when longer: a reply repeating 4,000 typed characters would be over Telegram's limit."""
    return repr(text if len(text) <= chars else text[: chars - 1] + "…")


# What a file's name may hold that a terminal obeys or hides: C0 and C1 controls and DEL (a
# line break splits a failure in two, ESC sequences colour, move the cursor, erase lines),
# the line and paragraph separators, the bidi controls and marks (U+202E shows the rest of
# the line reversed) and the invisible word joiners and BOM. ZWNJ and ZWJ stay: Persian and
# Indic names and emoji sequences need them. A lone surrogate (a byte that did not decode)
# is escaped here too, as stderr escapes it, so stdout, which may not, prints it alike.
UNSHOWN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


def shown_name(text: str) -> str:
    """`text`, a path or a line naming one, as printed: what a terminal would obey or hide
    in it as Python's escapes (\\n, \\x1b, \\u202e, \\udcff), as stderr prints a byte that
    did not decode. A name from a folder is anyone's who may write there."""
    if not UNSHOWN.search(text):
        return text
    return UNSHOWN.sub(lambda char: char[0].encode("unicode_escape").decode("ascii"), text)


def json_kind(value: object) -> str:
    """What JSON calls `value`, for an error about it: "null", "an array", "a number"; not
    Python's names for what `json` made of it (NoneType, list, int)."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: True is an int to Python
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def first_of(items: Sequence[str], shown: int) -> str:
    """'A, B, C and 997 more': the first `shown` of `items`, then how many more."""
    listed = ", ".join(items[:shown])
    rest = len(items) - shown
    return f"{listed} and {rest} more" if rest > 0 else listed


# An article without a published date, as its attribution shows it: it ranks as of when it
# was stored, and shown with no date a 2004 story stored today passed for this week's.
UNDATED = "undated"
