"""How much of a stored text the bot shows, whatever its size: the same bounds in a
Telegram reply (`bot.formatting`) and on a terminal (`newsbot ask`).

A stored sentence is at most 1,000 characters (`retrieval.corpus.sentence_bounds`), and a
passage of up to three is within QUOTE_CHARS unless its words are very long; anything longer
came from a database written before sentences were bounded, or from a hostile page or feed.
Each part is clipped with "…" where it enters a reply, so one huge field costs what a normal
one does.
Imports nothing of Telegram, so the command line stays quick to start.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.markup import grapheme_start
from retrieval.wording import first_of

QUOTE_CHARS = 1200
TITLE_CHARS = 200
NAME_CHARS = 80  # an outlet, a date given as odd text
LISTED_NAME_CHARS = 40  # each name of a list: an article's authors, a story's outlets
AUTHORS_SHOWN = 3
OUTLETS_SHOWN = 10  # of a digest's story, then how many more carried it
KEYWORDS_SHOWN = 20  # a digest takes as many; subscriptions stored before the cap may have more


def clip(text: str, chars: int) -> str:
    """`text` if it has at most `chars` characters, else its start and "…" within `chars`,
    cut after a word when one ends in the second half."""
    if len(text) <= chars:
        return text
    # a character sequence longer than the cap (a "Zalgo" letter, a chain of ZWJ emoji) is
    # cut inside, rather than not at all
    head = text[: grapheme_start(text, chars - 1) or chars - 1]
    if not text[chars - 1].isspace() and head.strip():
        words = head.rsplit(None, 1)[0]
        if len(words) >= chars // 2:
            head = words
    return head.rstrip() + "…"


def some_of(names: Sequence[str], shown: int, chars: int = LISTED_NAME_CHARS) -> str:
    """'A, B, C and 997 more': the first `shown` names, each clipped to `chars`."""
    return first_of([clip(name, chars) for name in names[:shown]] + [*names[shown:]], shown)
