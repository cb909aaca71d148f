"""Headings among a window's sentences: a short paragraph of its own with no full stop ("NBA
Finals", "Aktuelle Situation", a listicle's "5. Church shooting"), stored as a sentence.

A heading introduces what follows it, so a window holds one only as its first sentence (a
window that ends on one, or runs through one, joins two sections: "...in franchise history.
THIS JUST IN"), and a quote that opens with one sets it off ("NBA Finals: The Golden State
Warriors defeated..."; `retrieval.quotes`), not run into the sentence. Told from the text
and the paragraph numbers stored with the sentences (`CorpusReader.sentence_texts_and_finds`);
docs/retrieval.md gives the counts behind the rule.
"""

from __future__ import annotations

from collections.abc import Iterable

# What ends a sentence, closing quotes and brackets after a stop included.
_STOPS = frozenset(".!?…\"”'’»")
# Most words of a heading: 92% of the paragraphs of one sentence without a stop in news-qa-dev
# (68,500 of 608,356 sentences) have 12 or fewer; longer ones are mostly captions, teaser
# links and sentences a page cut off, which a window should not end on either, but which
# read as text, not as a title to set off.
HEADING_WORDS = 12


def looks_like_heading(text: str) -> bool:
    """Whether a sentence's text reads as a heading: no stop at its end, at most
    `HEADING_WORDS` words."""
    return bool(heading_like([text]))


def heading_like(texts: Iterable[str]) -> list[int]:
    """The places in `texts` of those that read as headings (`looks_like_heading`), in one
    pass: a question's pool has a hundred sentences or more to judge, and one call each
    cost more than judging them."""
    return [
        i
        for i, text in enumerate(map(str.rstrip, texts))
        if text and text[-1] not in _STOPS and len(text.split()) <= HEADING_WORDS
    ]


def is_heading(text: str, paragraph: int | None, before: int | None, after: int | None) -> bool:
    """Whether a sentence is a heading: it reads as one, and it is a paragraph of its own as
    far as is known (`before` and `after`, the paragraphs of the sentences next to it in its
    article, None where not known or there is none; `paragraph` None: not known)."""
    if not looks_like_heading(text):
        return False
    if paragraph is None:
        return False
    return before != paragraph and after != paragraph
