"""The scripts text is written in, as Unicode names them: a question's, and the corpus's.

"Что случилось в Газе?" asked of English news holds no word any stored article does, and
was told "Nothing in the news corpus matches that. Try other words", as if other Russian
words might do. A question wholly in scripts the corpus holds next to no text in is in a
language none of its articles is written in: the answer names its words and says so
(`Searcher.search`). The corpus's scripts are those its terms begin with
(`Index.initials`), counted without reading a sentence.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Mapping
from typing import NamedTuple

# A script that fewer than this share of the corpus's terms begin with holds next to none
# of its text: news-qa-dev's 7,829 English articles hold two Cyrillic terms of 91,857, a
# quoted "не" and an "оleksandr" typed with a Cyrillic "о" (0.002%); a corpus with a few
# articles in Russian holds thousands.
SCARCE = 0.001
# Scripts by what a reader calls them, where Unicode's name is not that (kana are "CJK" too)
_NAMES = {"CJK": "Chinese or Japanese", "HANGUL": "Korean"}


def script_of(term: str) -> str:
    """The script of a term's first letter, as Unicode names it ("LATIN", "ARABIC",
    "CYRILLIC"; Japanese kana "CJK", as Chinese characters); "" for a number."""
    letter = next((char for char in term if char.isalpha()), None)
    if letter is None:
        return ""
    script = unicodedata.name(letter, "").partition(" ")[0]
    return "CJK" if script in ("HIRAGANA", "KATAKANA") else script


class Scarce(NamedTuple):
    """Scripts a question is written in, by name ("Cyrillic"), that the corpus holds next
    to no text in, and how many of its terms are in them (0: none)."""

    names: tuple[str, ...]
    terms: int


def scarce_scripts(terms: Collection[str], initials: Mapping[str, int]) -> Scarce | None:
    """The scripts of `terms` (a question's) when the corpus holds next to no text in any
    of them (under SCARCE of its terms begin with one of their letters; `initials`: how
    many of its terms begin with each character); None when it holds some text in one of
    them, when they are in none (numbers), or when it holds no terms at all."""
    scripts = sorted({script_of(term) for term in terms} - {""})
    total = sum(initials.values())
    if not scripts or not total:
        return None
    held = sum(count for char, count in initials.items() if script_of(char) in scripts)
    if held >= SCARCE * total:
        return None
    return Scarce(tuple(_NAMES.get(s, s.title()) for s in scripts), held)
