"""Fingerprints and clean lines: the fast paths give exactly what their definitions give."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata

import pytest

from retrieval.corpus import text as text_module
from retrieval.corpus.text import (
    clean_line,
    fingerprint,
    is_near_duplicate,
    joined_sentences,
    paragraphs,
    shingles,
)

from .conftest import shared_articles

# The definitions, as plain regular expressions: what the fast paths must equal.
_WORDS = re.compile(r"\w+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def reference_fingerprint(text: str) -> str:
    words = _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def reference_clean_line(line: str) -> str:
    return _SPACES.sub(" ", line.replace("\x00", "")).strip()


EDGE_CASES = [
    "",
    "   ",
    'Shares rose; "sharply" -- on MONDAY_2.',
    "It’s the ‘best’ “deal” — or – not • 3−2",
    "Café ÉTÉ naïve façade",
    "ﬁne ﬂow ½ ² Ⅻ",
    "ＡＢＣ　ｄｅｆ",
    "İstanbul ǅungla Straße ΣΊΣΥΦΟΣ",
    "東京で会議が開かれた。",
    "x\x00y\tz  w\u00a0v",
    "tab\there",
    " leading and trailing \n",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_fingerprint_and_clean_line_equal_their_definitions(text: str) -> None:
    assert fingerprint(text) == reference_fingerprint(text)
    assert clean_line(text) == reference_clean_line(text)


@pytest.mark.parametrize("line", ["The \u202eQuays", "The\u2067 \u2069Quays", "The\u2028Quays"])
def test_clean_line_spaces_bidi_controls_and_separators(line: str) -> None:
    # a feed's title or a page's kept an override that reversed the rest of its line
    assert clean_line(line) == "The Quays"


# A text outside ASCII has its words found without a search over it (`_folded_words`): its
# characters outside ASCII that are no word's (a currency, an emoji, a zero-width space, an
# ellipsis, C1 controls) part words, those that are (a combining accent, a letter a ligature
# or the folding makes) stay in them, and its ASCII is read as the search reads it.
ALPHABET = list("abcXYZ_09 .,;:!?'\"-\t\n\x00\x7f") + list(
    "éÉßẞİıſ\u212aﬁﬀ½²①ÅåØœΣσςΐ\u0301\u0308\u200b\u00a0\u2019\u201c—–•−…"
    "日本語。、한국어ـعربي€£©™😀👍🏽\U0001d400\U00020000\x85\ud800"
)


def test_fingerprint_of_text_outside_ascii_equals_its_definition() -> None:
    choose = random.Random(14).choice
    for _ in range(5000):
        text = "".join(choose(ALPHABET) for _ in range(choose(range(1, 40))))
        assert fingerprint(text) == reference_fingerprint(text), repr(text)


def test_the_words_of_a_long_text_are_those_of_their_definition() -> None:
    """Past `text.ARRAY_FROM` bytes the runs of spaces are made one by numpy: the words,
    one space between two, none before or after, are those of a short text's way."""
    choose = random.Random(15).choice
    ascii_only = [c for c in ALPHABET if c.isascii()]
    for alphabet in (ascii_only, ALPHABET):
        for _ in range(300):
            size = choose(range(text_module.ARRAY_FROM - 8, 3 * text_module.ARRAY_FROM))
            text = "".join(choose(alphabet) for _ in range(size))
            assert fingerprint(text) == reference_fingerprint(text), repr(text)
    for text in ("  " * 300, " x " * 300, "x" * 600, "\t" + "word " * 200 + "\n"):
        assert fingerprint(text) == reference_fingerprint(text), repr(text)


def test_fingerprint_ignores_case_spacing_and_punctuation_only() -> None:
    assert fingerprint("Shares  rose, sharply.") == fingerprint("shares rose sharply")
    assert fingerprint("It’s done") == fingerprint("it s done")
    assert fingerprint("Shares rose") != fingerprint("Shares fell")


@pytest.mark.slow
def test_fingerprint_and_clean_line_equal_their_definitions_on_real_news() -> None:
    for name in ("bbc-news", "reuters-21578", "news-1m/articles", "news-qa-dev/articles"):
        for article in shared_articles(name, limit=300):
            text = article["text"]
            assert fingerprint(text) == reference_fingerprint(text), text[:200]
            for line in text.split("\n"):
                assert clean_line(line) == reference_clean_line(line), line
            assert paragraphs(text)  # every real article has a paragraph


def test_a_near_duplicate_is_one_sharing_at_least_the_threshold_of_shingles() -> None:
    assert is_near_duplicate("a b c d e f g", "a b c d e f x")  # 4 of 5 shingles: 0.8
    assert not is_near_duplicate("a b c d e f g", "a b c d e x y")


@pytest.mark.parametrize(
    "text, grams",
    [
        ("Floods hit the town", {("floods", "hit", "the"), ("hit", "the", "town")}),
        (
            "Ely\u00a0floods:\u2003the TOWN",
            {("ely", "floods:", "the"), ("floods:", "the", "town")},
        ),
        ("Two words", {("two", "words")}),  # fewer than three: one gram of them all
        ("One", {("one",)}),
        ("   ", {()}),  # one empty gram: two blank texts are the same text
        ("a b a b a", {("a", "b", "a"), ("b", "a", "b")}),
    ],
)
def test_shingles_are_a_texts_case_folded_word_3_grams(
    text: str, grams: set[tuple[str, ...]]
) -> None:
    """One function makes them for the digest's syndicated copies and for the answer's
    rewrites (`ranking.selection`), which had one of its own, as tuples where this one
    joined strings."""
    assert shingles(text) == grams


@pytest.mark.parametrize(
    ("sentences", "joined"),
    [
        (["The board met.", "Fees fell."], "The board met. Fees fell."),
        (["港口委员会宣布了。", "渔民们欢迎。"], "港口委员会宣布了。渔民们欢迎。"),
        (["「発表した」", "（共同）"], "「発表した」（共同）"),  # full-width marks both sides
        (["会見した。", "The G7 met.", "東京で。"], "会見した。 The G7 met. 東京で。"),
        # Korean spaces its sentences
        (["항구가 열렸다.", "어민들이 환영했다."], "항구가 열렸다. 어민들이 환영했다."),
        ([], ""),
    ],
)
def test_sentences_are_joined_as_their_script_writes_them(
    sentences: list[str], joined: str
) -> None:
    assert joined_sentences(sentences) == joined
