"""A window's sentences as the text of its quote: what the answer, `ask --json`'s "quote" and
the bot's blockquote show.

Sentences are joined as written (`text.joined_sentences`), but where the stored sentences
lose what the page showed:

- a heading that opens the quote is set off from the sentence after it (`SET_OFF`);
- a paragraph that ends with no stop (a story-highlight bullet, a caption, a subhead, a list
  item) is followed by a line break, not run into the next sentence ("...in an appeal The
  court ordered...");
- a sentence the page repeats (the same text again at once: 333 in 79 articles of
  news-qa-dev) is shown once;
- a quote whose first sentence, past its article's first, opens in lower case, its start
  cut off by a paragraph break the page made mid-sentence ("the Kenilworth Inn. Funds
  raised..."), opens with "…".

None of it changes a word: the words of a quote, and so its word count, are its sentences'
(less a repeat), which the ranking read. The ranking and the sentences are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.corpus.text import joined_sentences
from retrieval.ranking.headings import looks_like_heading

# Where a heading that opens a quote meets the sentence after it
SET_OFF = ": "

# Between a paragraph that ends with no stop and the next: a line break. It is the page's
# own break, so it reads as the page did: Telegram shows it as one inside the blockquote,
# `ask` prints it (its next line indented under the quote), and JSON keeps it as "\n", which
# a reader that wants one line folds with the other spaces (the benchmarks' answer matching
# does). A visible mark would read as the text's own ("—", "/", "·" are in news copy) and be
# a word of its own wherever words are counted by spaces (`quote.split()`).
PARAGRAPH_BREAK = "\n"
# What ends a sentence: a stop (Latin, CJK, Devanagari, Arabic and Urdu, Armenian, Ethiopic,
# Myanmar; ";" is also the Greek question mark, ":" and ";" end a clause that a space may
# follow), then any closing quotes and brackets. A closing bracket or quote alone is no end
# ("...(AP Photo)").
_ENDS_SENTENCE = re.compile(r"[.!?…:;。！？｡।॥؟۔։።፧፨။][\"'”’»›)\]」』》〉]*$")
# Where a quote opens mid-sentence: "…", which `clip` also uses for a cut.
CUT_BEFORE = "…"
# A first word in lower case that opens a sentence all the same: a name's particle before
# the name ("de Blasio", "van Gogh"; "al-Assad" has a capital of its own).
_PARTICLES = frozenset(
    ("al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el")
    + ("ibn", "la", "le", "van", "von")
)
# A line that opens with a list's label ("a)", "iv.") or a lower-case label of one or two
# words and its colon ("ticket price: $9.11", "extreme drought: 0.0%"): a line of
# a list or a table, not a sentence cut short.
_LABEL = re.compile(r"^(?:(?:[a-z]|[ivx]{1,4})[.)]\s|(?:\S+\s)?\S+:(?:\s|$))")


def quote_text(
    sentences: Sequence[str], paragraphs: Sequence[int | None], opens_article: bool = False
) -> str:
    """A window's sentences (and the paragraph number of each, None where not known) as the
    text of its quote (see the module's docstring). A window that `opens_article` gets no
    "…": nothing of its article was cut before it (an article may be written in lower case)."""
    kept, numbers = _once(sentences, paragraphs)
    parts: list[str] = []
    start = 0
    if _opens_with_heading(kept, numbers):
        head = kept[0].rstrip()
        parts.append(head + (" " if head[-1] in ":—–-" else SET_OFF))
        start = 1
    run = kept[start : start + 1]
    for i in range(start + 1, len(kept)):
        before, after = kept[i - 1], kept[i]
        if _ends_paragraph_unstopped(before, numbers[i - 1], after, numbers[i]):
            parts.append(joined_sentences(run) + PARAGRAPH_BREAK)
            run = []
        run.append(after)
    parts.append(joined_sentences(run))
    text = "".join(parts)
    return CUT_BEFORE + text if not opens_article and _opens_mid_sentence(text) else text


def _once(
    sentences: Sequence[str], paragraphs: Sequence[int | None]
) -> tuple[list[str], list[int | None]]:
    """The sentences without one that repeats the one before it, with their paragraphs: a
    repeat's paragraph is the one kept, as it is where the text goes on from."""
    kept: list[str] = []
    numbers: list[int | None] = []
    for sentence, paragraph in zip(sentences, paragraphs, strict=True):
        if kept and sentence.strip() == kept[-1].strip():
            numbers[-1] = paragraph
            continue
        kept.append(sentence)
        numbers.append(paragraph)
    return kept, numbers


def _opens_with_heading(sentences: Sequence[str], paragraphs: Sequence[int | None]) -> bool:
    """Whether the first sentence is a heading of a paragraph other than the next's
    (`headings.looks_like_heading`), to be set off: not where the next opens in lower case,
    the rest of a sentence the page broke in two ("raised at | the Kenilworth Inn")."""
    return (
        len(sentences) > 1
        and paragraphs[0] is not None
        and paragraphs[0] != paragraphs[1]
        and looks_like_heading(sentences[0])
        and not _starts_lower(sentences[1])
    )


def _ends_paragraph_unstopped(
    sentence: str, paragraph: int | None, following: str, next_paragraph: int | None
) -> bool:
    """Whether `sentence` ends its paragraph without a stop, and `following` opens the next
    as a sentence does: one that opens in lower case goes on with the sentence the page broke
    in two ("...raised at | the Kenilworth Inn"), which a space joins as it was meant."""
    if paragraph is None or next_paragraph is None or paragraph == next_paragraph:
        return False
    return not _ENDS_SENTENCE.search(sentence.rstrip()) and not _starts_lower(following)


def _opens_mid_sentence(text: str) -> bool:
    """Whether `text` opens in lower case as a sentence does not: not a brand's ("iPhone",
    "eBay"), an address ("livenation.com"), a name's particle ("de Blasio") nor a list's or
    a table's label ("a)", "ticket price: $9.11")."""
    if not _starts_lower(text):
        return False
    words = text.split(maxsplit=2)
    first = words[0]
    if any(c.isupper() or c.isdigit() or c in "@." for c in first.rstrip(".,;:!?")):
        return False
    if first in _PARTICLES and len(words) > 1 and words[1][:1].isupper():
        return False
    return not _LABEL.match(text)


def _starts_lower(text: str) -> bool:
    """Whether `text` opens with a letter in lower case: not a quotation's mark, which opens
    what it quotes as written ("“no one has ever seen Ben Affleck smile this hard”")."""
    return text.lstrip()[:1].islower()
