"""Which outlet names are one outlet: the one rule every count of outlets uses.

Records spell an outlet's name as their source wrote it, and sources differ: "USA Today" in
one feed, "USA TODAY" in another; "The Hill" and "The Hill." An outlet counted twice reads
as two outlets to whoever counts them (/sources, `newsbot stats`, a story's outlets, the
reports the grouping takes for one outlet's). Names that differ only in case, spacing and
punctuation are one outlet here ("FoxNews", "A.P."), shown as the spelling most of its
articles give (on a tie, one in mixed case: "USA Today" before "USA TODAY"). Nothing
more is merged: "college.usatoday.com" or "USA Today Sports" may be a section or another
outlet, and no rule tells them apart from one.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


def outlet_key(source: str | None) -> str | None:
    """What two spellings of one outlet share: its letters and digits, case folded, without
    the spaces and punctuation among them ("USA TODAY" and "USA Today" are "usatoday", "Fox
    News" and "FoxNews" "foxnews", "A.P." and "AP" "ap"). None for no outlet, and for a name
    of no word ("—"), which tells no outlet apart."""
    if not source:
        return None
    return "".join(_WORD.findall(source.casefold())) or None


def _spelling(spellings: Counter[str]) -> str:
    """The spelling most articles give; on a tie, one in mixed case, then the first in
    alphabetical order: the same name wherever the outlet is shown."""
    return min(spellings, key=lambda name: (-spellings[name], name.isupper(), name))


def outlet_counts(counts: Iterable[tuple[str | None, int]]) -> list[tuple[str | None, int]]:
    """(outlet, articles) pairs with each outlet's spellings added up under its most frequent
    one (`_spelling`), most articles first, then by name; None, and names of no
    word, together as None (naming no outlet)."""
    totals: Counter[str | None] = Counter()
    spellings: defaultdict[str | None, Counter[str]] = defaultdict(Counter)
    for source, count in counts:
        key = outlet_key(source)
        totals[key] += count
        if key is not None and source is not None:
            spellings[key][source] += count
    merged = [
        (_spelling(spellings[key]) if key is not None else None, total)
        for key, total in totals.items()
    ]
    return sorted(merged, key=lambda pair: (-pair[1], pair[0] is None, pair[0] or ""))


def distinct_outlets(sources: Iterable[str | None]) -> tuple[str, ...]:
    """The outlets of `sources` (a story's reports), each once, in the order they first
    appear, each spelled as most of its reports spell it."""
    order: dict[str, None] = {}
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for source in sources:
        key = outlet_key(source)
        if key is not None and source is not None:
            order.setdefault(key)
            spellings[key][source] += 1
    return tuple(_spelling(spellings[key]) for key in order)
