"""Counts in words, for the lines people read: "1 article", "2,088 articles", "1 story"."""

from __future__ import annotations


def counted(n: int, thing: str, things: str | None = None) -> str:
    """`n` (thousands grouped) and `thing`, or its plural (`things`, else `thing` + "s")
    unless `n` is 1."""
    return f"{n:,} {thing}" if n == 1 else f"{n:,} {things or thing + 's'}"


def agreeing(n: int, one: str, many: str) -> str:
    """The word that agrees with a count of `n`: "its 1 article *stays*", "4 *stay*"."""
    return one if n == 1 else many
