"""Text clean-up and comparison: whitespace, hard wraps, fingerprints, near duplicates; and
sentences joined back into a quote."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from html.entities import html5
from itertools import pairwise

import numpy as np

from retrieval.models import one_line

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n")
_SIGN_OFF = re.compile(r"(?:^|(?<=[.!?)\"'])\s+)reuter\W*$", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_WORDS = re.compile(r"\w+")


# Fingerprints are made of the words `_WORDS` finds in the NFKC, case-folded text. A text
# that is ASCII once a few common non-word characters are spaces (almost all news copy:
# curly quotes and dashes are the usual exceptions) has the same words found without the
# regular expression and without case folding (slow on any non-ASCII string): as bytes,
# each capital made lower case and every non-word byte a space, runs of spaces then one.
_SPACED = tuple("\u2019\u2018\u201c\u201d\u2014\u2013\u2022\u2212")  # none is \w or cased
_ASCII_WORD_BYTES = bytes(
    ord(chr(c).lower()) if c < 128 and _WORDS.fullmatch(chr(c)) else ord(" ") for c in range(256)
)
# and for UTF-8 whose characters outside ASCII are all word characters (`_folded_words`):
# their bytes, all 128 or more, kept; ASCII as `_WORDS` finds it, case unchanged
_UTF8_WORD_BYTES = bytes(
    c if c >= 128 or _WORDS.fullmatch(chr(c)) else ord(" ") for c in range(256)
)
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
# Chinese and Japanese, written with no space between sentences (nor words): Han, kana, their
# punctuation (。、「」) and full-width and half-width forms (！？（）ｶ). Not Hangul: Korean
# spaces its words and sentences.
_UNSPACED_SCRIPT = re.compile(
    "[\u3001-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff01-\uff9f\U00020000-\U0003134f]"
)
# What `clean_line` changes besides trimming: `_SPACES` but a single plain space, and
# control characters, line and paragraph separators and bidi controls, which `one_line`
# spaces (two plain spaces are looked for apart: a character class alone is scanned faster).
# Without the bidi controls here, a feed's title "The \u202eQuays" kept its override, which
# reversed the rest of the line wherever it was shown.
_NEEDS_CLEANING = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00a0\u2000-\u200b\u2028-\u202f\u205f\u2066-\u2069\u3000]"
)


def clean_line(line: str) -> str:
    """Collapse runs of spaces (including exotic Unicode ones), line breaks and other control
    characters (`models.one_line`) to one space, drop NULs, and trim."""
    if "  " not in line and _NEEDS_CLEANING.search(line) is None:
        return line.strip()  # only single plain spaces: the common case, nothing replaced
    return _SPACES.sub(" ", one_line(line)).strip()


def _looks_hard_wrapped(lines: list[str]) -> bool:
    """Tell wire copy wrapped at ~70 columns from text with one paragraph per line.

    Wrapped text has many lines of similar, moderate length and none much longer; text with a
    paragraph per line has long lines, or short lines that each end a sentence.
    """
    content = [line for line in lines if line.strip()]
    if len(content) < 4:
        return False
    longest = max(len(line) for line in content)
    if longest > 110:
        return False
    # Not counted: a line the next one's indent shows to end a paragraph, as short as it
    # happens to be. Counted, a short wire of three paragraphs ("Program II.", "offering,
    # it said.") would be taken for one paragraph a line, its sentences cut at every line
    # end. Text without indents is judged by all its lines.
    ends = {n for n, (_, after) in enumerate(pairwise(content)) if after[0].isspace()}
    wrapped = [line for n, line in enumerate(content) if n not in ends]
    mid_length = sum(1 for line in wrapped if 35 <= len(line.strip()) <= 100)
    unfinished = sum(1 for line in content if not line.rstrip().endswith((".", '"', "'", ":")))
    return mid_length >= 0.6 * max(len(wrapped), 1) and unfinished >= 0.4 * len(content)


def paragraphs(text: str) -> list[str]:
    """Split an article body into clean paragraphs.

    Blank lines always separate paragraphs. In hard-wrapped text (Reuters) an indented line also
    starts one and the other line breaks are joined with a space; elsewhere every line is a
    paragraph of its own, so headings and list items never run into the next sentence.

    Articles are split into sentences from these paragraphs: a change to what they are
    bumps `splitter.SPLITTER_VERSION`, as a change to the sentence rules does.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    result: list[str] = []
    for block in _BLANK_LINES.split(text):
        lines = block.split("\n")
        if _looks_hard_wrapped(lines):
            current: list[str] = []
            for line in lines:
                if line[:1] in (" ", "\t") and current:
                    result.append(_unwrapped(current))
                    current = []
                if line.strip():
                    current.append(line)
            if current:
                result.append(_unwrapped(current))
        else:
            result.extend(clean_line(line) for line in lines)
    result = [p for p in result if p]
    if result:  # the wire's "REUTER" under the story, on its own or wrapped onto its end
        result[-1] = _SIGN_OFF.sub("", result[-1])
        if not result[-1]:
            result.pop()
    return result


def _unwrapped(lines: list[str]) -> str:
    """Wrapped lines as one paragraph. A line ending in a hyphen after a letter, before one
    starting with a letter, is a compound cut at its hyphen ("English-" / "language"): wire
    copy is wrapped between words and at hyphens, never inside a word."""
    parts: list[str] = []
    for line in map(str.strip, lines):
        last = parts[-1] if parts else ""
        if last.endswith("-") and last[-2:-1].isalpha() and line[:1].isalpha():
            parts[-1] = last + line
        else:
            parts.append(line)
    return clean_line(" ".join(parts))


def joined_sentences(sentences: Iterable[str]) -> str:
    """Sentences as the text of one quote: a space between two, but none where the one ends
    and the next begins in Chinese or Japanese ("。港口", as written; "。 港口" reads as a
    gap)."""
    parts: list[str] = []
    before = ""
    for sentence in sentences:
        if parts and not (
            _UNSPACED_SCRIPT.match(before[-1:]) and _UNSPACED_SCRIPT.match(sentence[:1])
        ):
            parts.append(" ")
        parts.append(sentence)
        before = sentence
    return "".join(parts)


def decode_entities(text: str) -> str:
    """HTML character references (&#233;, &eacute;, &amp;) as the characters they name: JSON
    exports of scraped pages keep some, which a quote would show as they are ("a G7
    communiqu&#233;"). Only whole ones, with their semicolon: "AT&T" and "R&D" stay as they
    are."""
    if "&" not in text:
        return text
    return _ENTITY.sub(_character, text)


def _character(found: re.Match[str]) -> str:
    """A reference as its character; a name HTML does not know kept as it is ("&notit;"
    is no "¬it;", though `html.unescape` reads a known name's head)."""
    reference = found.group()
    if reference[1] != "#" and reference[1:] not in html5:
        return reference
    return html.unescape(reference)


def normal_words(text: str) -> bytes:
    """The words of `text` (NFKC, case-folded), one space between two, as UTF-8: what two
    copies that differ only in spacing, case or punctuation share. Fingerprints and the
    sketches of near-identical texts (`sketches`) are made of it."""
    normal = unicodedata.normalize("NFKC", text)
    if not normal.isascii():
        for char in _SPACED:  # not words and without case: as spaces, no word changes
            if char in normal:
                normal = normal.replace(char, " ")
    if normal.isascii():
        # only word bytes and spaces are left: runs of spaces made one
        return _single_spaced(normal.encode().translate(_ASCII_WORD_BYTES))
    return _folded_words(normal.casefold())


_SPACE = ord(" ")
# Past this length a text's runs of spaces are made one by numpy: 5 times faster than
# `b" ".join(data.split())` over an article (a new bytes object a word), slower over a title
ARRAY_FROM = 256


def _single_spaced(data: bytes) -> bytes:
    """`b" ".join(data.split())` of bytes whose only ASCII whitespace is the space (as
    `normal_words`' translations leave them)."""
    if len(data) < ARRAY_FROM:
        return b" ".join(data.split())
    codes = np.frombuffer(data, dtype=np.uint8)
    word = codes != _SPACE
    kept = word.copy()
    kept[1:] |= word[:-1]  # a word's byte, or the first space after one
    spaced: bytes = codes[kept].tobytes()
    return spaced.strip(b" ")


def _folded_words(folded: str) -> bytes:
    """`" ".join(_WORDS.findall(folded)).encode()`, without a search over the whole text (a
    fifth of news copy, and the slowest): its few distinct characters outside ASCII that are
    no word's made spaces, then, as UTF-8, each ASCII byte that is no word's a space (every
    byte of a character outside ASCII left as it is), and the text split at spaces."""
    for char in set(_NOT_ASCII.findall(folded)):
        if _WORDS.match(char) is None:
            folded = folded.replace(char, " ")
    return _single_spaced(folded.encode().translate(_UTF8_WORD_BYTES))


def fingerprint(text: str) -> str:
    """A hash of the words of `text`, equal for copies that differ only in spacing, case or
    punctuation."""
    return words_fingerprint(normal_words(text))


def words_fingerprint(words: bytes) -> str:
    """`fingerprint` of a text whose `normal_words` are `words`."""
    return hashlib.sha256(words).hexdigest()


SYNDICATED = 0.8  # share of the shorter text's 3-grams found in the other: the same copy


# A text's word 3-grams, case-folded, each a tuple of its words: made without joining
# strings (the choice of a question's passages makes some 250 a window).
Shingles = set[tuple[str, ...]]


def shingles(text: str) -> Shingles:
    """The word 3-grams of `text`, case-folded (one gram of all its words for a text of
    fewer than three)."""
    words = text.casefold().split()
    if len(words) < 3:
        return {tuple(words)}
    return set(zip(words, words[1:], words[2:], strict=False))


def near_duplicate_shingles(
    a: str, shingles_a: Shingles, b: str, shingles_b: Shingles, threshold: float = SYNDICATED
) -> bool:
    """`is_near_duplicate` for texts whose shingles are already made (compared many times):
    whether the share of the shorter's 3-grams found in the other is `threshold` or more."""
    if not shingles_a or not shingles_b:
        return a.strip() == b.strip()
    return len(shingles_a & shingles_b) / min(len(shingles_a), len(shingles_b)) >= threshold


def is_near_duplicate(a: str, b: str, threshold: float = SYNDICATED) -> bool:
    """True for syndicated copies: the word 3-grams of the shorter are mostly in the other."""
    return near_duplicate_shingles(a, shingles(a), b, shingles(b), threshold)


# A byline's "By" (or "By:"), which exports and feeds leave in the author field: "By John
# Smith and Jane Doe" was stored as the authors "By John Smith" and "Jane Doe". "Byron" is a
# name.
_BY = re.compile(r"^by(?::|\s|$)\s*", re.IGNORECASE)


def without_by(name: str) -> str:
    """An author's name as one clean line, without a byline's leading "By" ("" for a bare
    "By")."""
    return _BY.sub("", clean_line(name)).strip()
