"""A question's text as it is searched, before any index is asked: the markup dropped, a run
of marks cut short, the whole cut between words within MAX_QUESTION_CHARS, its links found.

Apart from the searcher because it reads text alone: the bot reads a message so before it
tells whether it follows an answer up (`read_question`), and a follow-up is joined to its
question within the same limit (`follow_ups`), neither with an index at hand.
"""

from __future__ import annotations

import re

from retrieval.addresses import canonical_url
from retrieval.typed import without_markup

# Longer input is cut, between words, and the answer says so (`SearchResult.cut_at`): nobody
# asks a 4,000-character question, and every term is a postings list scanned; a follow-up
# and the question it follows are joined within it too (`follow_ups.with_earlier`).
MAX_QUESTION_CHARS = 1000


# An address: not looked up, as its parts ("https", "www", "news") would find chance passages.
LINK = re.compile(r"<?(?:https?://|www\.)[^\s>]+>?", re.IGNORECASE)


def link_addresses(question: str) -> list[str]:
    """The canonical forms (as articles are stored) of the links in `question`, without
    the angle brackets or closing marks around one pasted in a sentence."""
    found = []
    for match in LINK.finditer(question):
        link = match[0].strip("<>").rstrip(".,;:!?)]}'\"”’")
        if link.lower().startswith("www."):
            link = f"https://{link}"
        url = canonical_url(link)
        if url is not None and url not in found:
            found.append(url)
    return found


# Marks typed over and over ("?!!!!!!…", "?!?!?!…"): three say as much. Three thousand
# pushed "Who won Wimbledon?!!!…" past MAX_QUESTION_CHARS, and the cut went back to the
# space before it.
_MARKS_RUN = re.compile(r"([^\w\s]{3})[^\w\s]+")


def read_question(question: str) -> str:
    """A question as it is searched: the text it shows (`without_markup`), its spaces run
    together and a run of marks past three cut to its first three. The bot reads a message
    so before telling whether it follows an answer up, so that it sees what is searched."""
    return _MARKS_RUN.sub(r"\1", without_markup(question))


def cut(question: str) -> tuple[str, int | None]:
    """`question` (its spaces run together) within MAX_QUESTION_CHARS, cut between words
    (`between_words`), and the characters kept; None when it is not cut."""
    if len(question) <= MAX_QUESTION_CHARS:
        return question, None
    kept = between_words(question, MAX_QUESTION_CHARS)
    return kept, len(kept)


def between_words(text: str, limit: int) -> str:
    """`text` within `limit` characters, cut at the last space before them, or after a word
    whose marks alone run past them ("Wimbledon?!!!…": the word and what fits of its
    marks). Cut within a word, a half word ("Minj") was searched, and named as no stored
    article's; cut back to the space before "Wimbledon?!!!…", its one word was lost."""
    if len(text) <= limit:
        return text
    kept = text[:limit]
    if has_words(text[limit:].partition(" ")[0]):  # the cut is within a word
        kept = kept.rpartition(" ")[0] or kept  # one word longer than all: no word anyway
    return kept.rstrip()


def has_words(text: str) -> bool:
    """Whether `text` holds a letter or digit ("?!", an emoji: none to search for)."""
    return any(c.isalnum() for c in text)
