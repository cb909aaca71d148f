"""An article as a story's grouping and extract read it (`StoryArticle`), and which of its
lines are news prose: not page furniture, headings in capitals or tables (`is_chrome`), its
lead the first of them; whether it says more than its headline (`has_text`).

Apart from the grouping (`stories`) and the extract (`extracts`), which both read articles
through it, and from the digest, which asks it which stories have text of their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

MIN_WORDS = 5


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """An article as the grouping and extract need it; `time` is Unix seconds (published,
    else stored), None when unknown; `dated` is False when it is only when it was stored."""

    id: int
    title: str
    sentences: tuple[str, ...]
    source: str | None = None
    time: float | None = None
    dated: bool = True


# Page furniture trafilatura sometimes keeps, and wire sign-offs.
_CHROME = re.compile(
    r"\b(click here|sign up|subscribe|newsletter|cookies?|all rights reserved|copyright"
    r"|follow us|share (this|on)|read more|advertisement|image caption|getty images"
    r"|photograph:|related articles?|terms of (use|service)|privacy policy|in your inbox)\b"
    r"|^(notes?|editor['’]s note|corrected|correction)\b",
    re.IGNORECASE,
)
# A sentence's last mark, then any closing quotes or brackets: Latin, Greek and Cyrillic;
# CJK full stops and marks, full- and half-width; Arabic and Urdu question mark and full stop;
# Devanagari danda and double danda; the Armenian, Ethiopic, Myanmar and Khmer full stops.
# Thai and Lao end a sentence with a space and no mark, so their last letter ends it.
_FINISHED = re.compile(r"""(?:[.!?。．｡！？؟۔।॥։።။។]["'”’»)\]」』）》〉】]*|[\u0e01-\u0eff])$""")
_DIGIT = re.compile(r"\d")
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")
# Scripts written without spaces between words: a run of them is one "word" to split().
# Han and kana take two characters a word (most Chinese words are two characters, Japanese
# ones two to three); Thai, Lao, Khmer and Myanmar, whose words are longer, four.
_CJK = re.compile("[\u3005-\u3007\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")


def _words(sentence: str) -> tuple[float, int]:
    """How many words `sentence` holds, and how many of them are numbers: its space-separated
    words, with a run of a script that does not space its words counted by its characters
    (and the numbers in it one by one)."""
    words, numbers = 0.0, 0
    for word in sentence.split():
        cjk, unspaced = len(_CJK.findall(word)), len(_UNSPACED.findall(word))
        if cjk or unspaced:
            words += max(1.0, cjk / 2 + unspaced / 4)
            numbers += len(_NUMBERS.findall(word))
        else:
            words += 1
            numbers += bool(_DIGIT.search(word))
    return words, numbers


def _shouted(sentence: str) -> bool:
    """Set in capitals: no lower-case letter, and no fewer capitals than letters without
    case. Arabic, Chinese or Hindi have no case, and "NATO" in a sentence of one is not a
    heading."""
    if any(c.islower() for c in sentence):
        return False  # most prose, found at its second letter
    upper = sum(1 for c in sentence if c.isupper())
    return upper >= sum(1 for c in sentence if c.isalpha()) - upper


def is_chrome(sentence: str) -> bool:
    """True for lines that are not news prose: short, shouted, tables, furniture."""
    words, numbers = _words(sentence)
    if words < MIN_WORDS or not _FINISHED.search(sentence):
        return True
    if _shouted(sentence):
        return True  # headings and wire slugs in capitals
    if numbers * 3 >= words:
        return True  # a results table ("Shr 16.3p vs 12.2p")
    return bool(_CHROME.search(sentence))


def cut_short(title: str) -> bool:
    """Whether a headline was cut short where it was published, ending in "..." or "…"."""
    return title.rstrip().endswith(("...", "…"))


def has_text(article: StoryArticle) -> bool:
    """Whether the article says more than its headline: a sentence's worth of words
    (`MIN_WORDS`) in lines that neither repeat its title nor are furniture ("Read more").
    A feed entry given with its title alone, or a summary of a few words, whose page was not
    read, has none: it may join a story other reports tell, its outlet named there, but
    tells none itself (the digest ranks a story of such reports alone below every story
    with text, and takes no extract from one)."""
    title = _plain_words(article.title)
    words = 0.0
    for sentence in article.sentences:
        if _plain_words(sentence) != title and not _CHROME.search(sentence):
            words += _words(sentence)[0]
            if words >= MIN_WORDS:
                return True
    return False


def has_prose(article: StoryArticle) -> bool:
    """Whether any of the article's lines is news prose (`is_chrome`), which an extract is
    taken from: a price table or a list of results has text (`has_text`) but none."""
    return bool(prose(article.sentences, 1))


def _plain_words(text: str) -> list[str]:
    """`text`'s words, case and punctuation aside: a title repeated as a summary is one."""
    return re.findall(r"\w+", text.casefold())


def prose(sentences: Sequence[str], limit: int | None = None) -> list[str]:
    """The sentences that are news prose, the first `limit` of them; after the first, one
    starting in lower case is the broken tail of a line, not a sentence."""
    found: list[str] = []
    for i, s in enumerate(sentences):
        if len(found) == limit:
            break
        if not is_chrome(s) and (i == 0 or not s[0].islower()):
            found.append(s)
    return found
