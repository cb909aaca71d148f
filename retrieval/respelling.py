"""A word no stored article holds, spelt as one that many do: "morrocco's" as "morocco".

A misspelt name found nothing, and the answer said only "No stored article mentions
“morrocco's”" over passages about another team. A spelling one letter away (one deleted,
inserted, replaced, or two swapped) that enough articles hold, and that their text writes
as such, is offered in its place ("Did you mean “morocco”?"); the question is searched as
typed all the same. Only words of Latin letters, long enough that a letter's change leaves
them recognisable ("kiev" has neighbours, "kiel", that are other words), and only spellings
the stored text writes: the tokenizer's stem of "Francis" is "franci", which is no word.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Collection, Mapping, Sequence

from retrieval.index.tokens import Tokenizer

# Shorter words have too many real neighbours; a spelling fewer articles hold is as likely
# another name ("Moskau" and the actor "Mosaku", held by a few) as the one meant.
MIN_LETTERS = 5
MIN_ARTICLES = 10
TERMS_TRIED = 3  # of a word's spellings' terms, the most held, until one is written

_LATIN_WORD = re.compile(r"[a-z]+")
_POSSESSIVE = re.compile(r"['’]s$")


def one_letter_off(word: str) -> set[str]:
    """The spellings one edit from `word`: a letter deleted, inserted, replaced, or two
    neighbours swapped (Norvig's `edits1`)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = string.ascii_lowercase
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    ) - {word}


def respelt(
    words: Collection[str],
    tokenizer: Tokenizer,
    articles_holding: Callable[[list[str]], Mapping[str, int]],
    written: Callable[[str, Sequence[str]], str | None],
) -> tuple[str, ...]:
    """Of `words` (a question's, that no stored article holds), a spelling one letter off
    each (its possessive "'s" left off) whose term the most articles hold
    (`articles_holding`), at least MIN_ARTICLES, and that the stored text writes
    (`written`: which of these spellings a text holding the term has); a word without one
    is left out. Lower case, as the edits are."""
    found: list[str] = []
    for word in words:
        bare = _POSSESSIVE.sub("", word.lower())
        if not _LATIN_WORD.fullmatch(bare) or len(bare) < MIN_LETTERS:
            continue
        spellings: dict[str, list[str]] = {}  # term -> the spellings of it
        for spelling in sorted(one_letter_off(bare)):
            terms = tokenizer(spelling)
            if len(terms) == 1:
                spellings.setdefault(terms[0], []).append(spelling)
        held = articles_holding(list(spellings))
        best = sorted(spellings, key=lambda term: (-held.get(term, 0), term))[:TERMS_TRIED]
        for term in best:
            if held.get(term, 0) < MIN_ARTICLES:
                break
            chosen = written(term, spellings[term])
            if chosen is not None:
                if chosen not in found:
                    found.append(chosen)
                break
    return tuple(found)
