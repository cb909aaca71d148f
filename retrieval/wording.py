"""Counts in words, for the lines people read: "1 article", "2,088 articles", "1 story"; and
what someone typed, quoted back in a message."""

from __future__ import annotations


def counted(n: int, thing: str, things: str | None = None) -> str:
    """`n` (thousands grouped) and `thing`, or its plural (`things`, else `thing` + "s")
    unless `n` is 1."""
    return f"{n:,} {thing}" if n == 1 else f"{n:,} {things or thing + 's'}"


def agreeing(n: int, one: str, many: str) -> str:
    """The word that agrees with a count of `n`: "its 1 article *stays*", "4 *stay*"."""
    return one if n == 1 else many


QUOTED_CHARS = 60


def quoted(text: str, chars: int = QUOTED_CHARS) -> str:
    """`text` quoted back in an error (Python's repr), its first `chars` characters and "…"
    when longer: a reply that repeated 4,000 typed characters was over Telegram's limit."""
    return repr(text if len(text) <= chars else text[: chars - 1] + "…")
