"""The compiled reading of sentence marks (`scan`) against the patterns it stands for
(`marks.marks_by_pattern`): the same marks, field by field, on real news, on text made to
take each of its branches, and on random text of the pieces its patterns turn on; and text
it does not know left to the patterns."""

from __future__ import annotations

import random
import re
import sys

import numpy as np
import pytest

from retrieval.ranking import lexicon, marks, scan

from .conftest import sentence_marks, shared_lines

# Each branch of the scanner, and the places where a pattern could read otherwise.
BRANCHES = [
    # runs: stopwords dropped, a run of stopwords dropped whole, "of"/"de"/"the" inside
    "The Bank of England and Charles de Gaulle met In The Hague; Bank of the West",
    "Bank of  England, Bank of\tthe West, Bank ofEngland, Bank of the, Bank of , X de y",
    "U.S. President O'Brien, Women’s Open, AT&T, A&M-Texas, ’Tis, A’ B’s C’, x-Ray",
    "The He It. He said. A I O. S s. In On At By",
    # months: as written and whole, sought only if a name word is one, case-folded
    "Sept. SEPT Sep May’s May-June MayDay May5 In May, The MAY Monday’s SUNDAY sunday",
    "MAY day and Mays, On Jan.Feb January1 1January, It’s May. May I? May May May",
    # numbers: signs, whitespace, digits, separators, scales, number words
    "$5 $ 5 $\xa05 $  5 $,5 $.5 $$5 £ 5 € 5 €5 5% 5 % 5  % 5\t% 5\xa0% 1\n\npercent",
    "3.6 million 5 percentage 5millions 5 Million 5PERCENT 1,000,000 5. 1.5. ,5 .5 a5 _5 5_",
    "one Two THREE dozen Dozens dozenS hundreds thousandth twelves one-off someone 1one one1",
    "2 billion 7 trillion 9 thousand 4bn 10,5.3 million 1.2.3",
    # years
    "1999 2000 2099 2100 1499 1500 12345 1999a a1999 _1999 2000_ 20001 1999.5 ’1999 '1999",
    # money
    "dollar Dollars DOLLARS pounds Pound euro Euros percent Percents %% $$ ££ €€ dollars_",
    # cued places: either order, possessives, "of" after, place words, nothing left
    "the town of Aslanduz, Ardabil province, the city of Uvalde's, Iran’s Ardabil province",
    "Iran's S province, S's province, Iran's province, town of Iran's, X-town of Yorkshire",
    "Kent county of, Kent County, state of the art, New York state of mind, town  of  Paris",
    "province ofX, province of, Georgia state’s, Jersey city city of X, O’ Brien province",
    "town of New York city, the city of New York state, Mexico City city, port of Spain",
    "townsfolk of Troy, citystate of Ur, Sparta states, Rome city-state, Texas state_",
    # places counted: listed names of one, two, three words
    "New York, Papua New Guinea, North Korea’s, New New York York, Saint-Denis, Hong Kong",
    "Las Vegas Sphere, Washington D.C., Georgia Georgia, South Korea and North Korea",
    "the United Arab Emirates, Rio de Janeiro, Salt Lake City, Salt Lake City Utah",
    # characters: every one the scanner knows, and the end of text
    "\u2018Open\u2019 \u201cShut\u201d \u2013 \u2014 \u2026 \u2212 5 \u22125 \xa0£€",
    "A\x1cB C\x1fD\x0bE\x0cF \x00 G\x00H",
    "x" * 5000 + " the Town of Xanadu 1999",
    "",
    "A",
    "5",
]

# The pieces the patterns turn on, for random text.
PIECES = [
    *("The", "the", "of", "de", "town", "province", "state", "city", "port", "Paris", "Iran"),
    *("New", "York", "Korea", "Kong", "Hong", "May", "Sept", "Sep", "June", "Monday", "S"),
    *("s", "In", "one", "Dozens", "million", "percent", "dollars", "pounds", "euros", "5"),
    *("1999", "2020", "12", "3.6", "1,000", "$", "£", "€", "%", "’", "'", "-", ".", ",", "&"),
    *("_", "“", "”", "—", "\xa0", "\t", "\n", "x", "Of", "THE", "De", "Mc", "O"),
]


def _same_marks(text: str) -> bool:
    read, plain = sentence_marks(text), marks.marks_by_pattern(text)
    return read == plain and all(type(a) is type(b) for a, b in zip(read, plain, strict=True))


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return shared_lines("bbc-news", 150)


def test_the_scanner_reads_what_the_patterns_read(lines: list[str]) -> None:
    """Real news, and text taking each branch: read by the scanner, the same marks."""
    for line in lines + BRANCHES:
        assert _same_marks(line), line
    for line in BRANCHES:
        assert scan.scan(line, marks.LEXICON) is not None, line
    read = [line for line in lines if scan.scan(line, marks.LEXICON) is not None]
    assert len(read) > 0.9 * len(lines)
    found = [sentence_marks(line) for line in read + BRANCHES]
    for field in ("names", "numbers", "years", "months", "money", "cued_places"):
        assert any(getattr(m, field) for m in found), field
    assert any(m.alone is not None and m.alone.places for m in found)


def test_random_text_of_the_patterns_pieces_reads_the_same() -> None:
    """Random sentences of the pieces the patterns turn on, joined by a space or not."""
    rng = random.Random(14)
    for _ in range(3000):
        pieces = rng.choices(PIECES, k=rng.randint(1, 14))
        text = "".join(p + rng.choice(("", " ", " ", " ", "  ")) for p in pieces)
        assert _same_marks(text), text


def test_text_the_scanner_does_not_know_goes_to_the_patterns() -> None:
    """A character other than ASCII and the punctuation it knows: left to the patterns
    (letters with other case forms, other digits, a lone surrogate, NEL)."""
    known = {c for c in range(sys.maxunicode + 1) if scan.scan(chr(c), marks.LEXICON) is not None}
    wide = {ord(c) for c in marks._WIDE_PUNCTUATION}  # noqa: SLF001
    assert known == set(range(128)) | wide
    others = ("İstanbul", "ıi", "ſix", "\u212aelvin", "Zürich", "١٢٣", "\ud800", "a\x85b", "😀")
    for text in others:
        assert scan.scan(text, marks.LEXICON) is None, text
        assert _same_marks(text), text


def test_the_scanner_classes_are_the_patterns() -> None:
    """Each character's classes, as the scanner has them, are what the patterns' classes
    match."""
    classes = {
        lexicon.WORD: r"\w",
        lexicon.WHITE: r"\s",
        lexicon.UPPER: r"[A-Z]",
        lexicon.DIGIT: r"\d",
        lexicon.IN_RUN: r"[\w'’&.-]",
        lexicon.IN_NAME: r"[\w'’-]",
        lexicon.IN_NUMBER: r"[\d,.]",
        lexicon.CURRENCY: r"[$£€]",
    }
    for char in [chr(c) for c in range(128)] + list(marks._WIDE_PUNCTUATION):  # noqa: SLF001
        code = scan._codes(np.frombuffer(char.encode(), dtype=np.uint8))[0]  # noqa: SLF001
        for bit, pattern in classes.items():
            assert bool(lexicon.CLASSES[code] & bit) == bool(re.fullmatch(pattern, char)), char
    assert "’" in marks._CAPS_RUN.pattern and "’" in marks._NAME  # noqa: SLF001


def test_the_scanner_words_are_the_patterns_words() -> None:
    """The word lists the scanner holds are the patterns': months (with "Sept?"), number
    words (with "dozens?"), money words, scales and place kinds; a scale or place kind is
    matched where it starts, none the start of another."""
    expand = {
        form
        for word in marks._MONTHS_AND_DAYS
        for form in (word.replace("?", ""), word[:-2])  # noqa: SLF001
    }
    months = {w for w in expand if re.fullmatch(marks._MONTH_OR_DAY, w)}  # noqa: SLF001
    assert set(lexicon.MONTHS_AND_DAYS) == months
    assert set(lexicon.NUMBER_WORDS) == marks._NUMBER_WORD_FORMS  # noqa: SLF001
    money = ("dollar", "dollars", "pounds", "euros", "percent", "euro", "pound", "cent")
    assert set(lexicon.MONEY_WORDS) == {w for w in money if marks._MONEY.fullmatch(w)}  # noqa: SLF001
    scales = rf"(?:\s?(?:{'|'.join(lexicon.SCALES)}))?"
    assert scales == marks._SCALE  # noqa: SLF001
    assert lexicon.PLACE_KINDS == marks._PLACE_KINDS  # noqa: SLF001
    for words in (lexicon.SCALES, lexicon.PLACE_KINDS):
        assert not any(a != b and b.startswith(a) for a in words for b in words)


def test_many_texts_read_in_one_call_read_as_each_alone(lines: list[str]) -> None:
    """`scan_many`, as a question reads its new sentences: each text's finds are its own,
    with texts the scanner does not know (None) and empty ones between them."""
    texts = [*lines[:40], "İstanbul 1999", *BRANCHES, "", "Zürich, May 5", *lines[40:80]]
    alone = [scan.scan(text, marks.LEXICON) for text in texts]
    assert alone.count(None) >= 2 and any(a is not None and a[0] != "||||" for a in alone)
    assert scan.scan_many(texts, marks.LEXICON) == alone
    assert marks.sentences_marks(texts) == [sentence_marks(text) for text in texts]
    assert scan.scan_many([], marks.LEXICON) == []
