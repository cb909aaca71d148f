"""A feed's dates, read as a file's are (`parse_published`), with what feeds write that a
file's date may not: RFC 822's two-digit years, and zones named by letters that name one
zone in feeds' practice ("BST": British Summer Time).

A file's reader refuses such a date, and its owner can write it again; a feed's cannot be
written again, and a date not read leaves its entry undated (counted from when it is
stored): a zone that names one zone in practice is read, one that names several is not.
"""

from __future__ import annotations

import re

from retrieval.corpus.dates import parse_published

# Zones feeds name in letters that newsbot reads there, beside those a file's date may name
# (RFC 2822's and Central European time, `dates._ZONE_NAMES`), as offsets. "BST" is British
# Summer Time in feeds (Bangladesh writes +0600). Not read, as each names several zones:
# "IST" (India +05:30, Ireland +01:00, Israel +02:00), and RFC 822's military letters ("A";
# "Z" is UTC), whose signs RFC 822 gave the wrong way round and software writes either way
# (feedparser reads "A" as -0100, RFC 822 as +0100; RFC 2822 says to take them as unknown).
FEED_ZONES = {
    "BST": "+0100",
    "WET": "+0000",
    "WEST": "+0100",
    "EET": "+0200",
    "EEST": "+0300",
    "MSK": "+0300",
    "HKT": "+0800",
    "SGT": "+0800",
    "JST": "+0900",
    "KST": "+0900",
    "AEST": "+1000",
    "AEDT": "+1100",
    "NZST": "+1200",
    "NZDT": "+1300",
}
# A zone's letters ending a date, after its time on a 24-hour clock or a 12-hour one ("8:00
# PM BST", "8:00 p.m. BST"): the time is read as the date's own, the zone as its offset.
_ZONE_AT_END = re.compile(
    r"(?<=\d)(?:\s*[ap]\.?\s?m\.?)?\s+(?P<zone>[a-z]{3,4})\s*$", re.IGNORECASE
)
# RFC 822's date with a two-digit year: "Sat, 01 Jun 24 08:00:00 GMT"
_TWO_DIGIT_YEAR = re.compile(
    r"^(?P<head>(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+)(?P<year>\d{2})(?P<tail>\s+\d)"
)


def read_feed_date(raw: str) -> str | None:
    """`raw`, a feed's date, in ISO 8601 as `parse_published` writes it; ParseError where it
    refuses it. A two-digit year is read as RFC 2822 (4.3) and Python's email.utils read it:
    00-49 in this century, 50-99 in the last (24 is 2024, 89 is 1989, not 2089: a feed's old
    entry, not one hidden as dated far ahead); a zone of `FEED_ZONES` as its offset, after a
    time on a 24-hour clock or a 12-hour one ("8:00 PM BST", "8:00 p.m. BST")."""
    text = raw.strip()
    if year := _TWO_DIGIT_YEAR.match(text):
        century = 2000 if int(year["year"]) < 50 else 1900
        text = f"{year['head']}{century + int(year['year'])}{text[year.end('year') :]}"
    if (zone := _ZONE_AT_END.search(text)) and zone["zone"].upper() in FEED_ZONES:
        text = f"{text[: zone.start('zone')]}{FEED_ZONES[zone['zone'].upper()]}"
    return parse_published(text)
