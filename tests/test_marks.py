"""The shortcuts of `sentence_marks`, each against the plain pattern it stands for: the
marks must be what the patterns alone would read, on real news and on text made to trip
them (characters whose case forms or word class differ, NUL, digits of other scripts)."""

from __future__ import annotations

import re
import sys

import pytest

from retrieval.index.tokens import STOPWORDS
from retrieval.ranking import marks

from .conftest import sentence_marks, shared_lines

TRICKY = [
    "",
    " \x00 ",
    "one\x00two 5\x00%",
    "İstanbul İ ı ſ ſix ſeven Hundreds DOZENS of İİ",
    "Straße STRASSE ß ẞ Groß Müller Élysée Ōsaka ΟΔΟΣ Σ",
    "“Quoted” ‘single’ it’s Women’s Open – dash — em … ellipsis\xa0here −5",
    "£5 €3.5 million $20,000 $ 5 % 5percent 300 DOLLARS EUROſ",
    "one two three ten eleven twelve dozen dozens hundreds ONE Two someone often one-off",
    "one’s “one” –one– _one one_ 5 thousands 3 millions twelve 12",
    "٣ million ௫ ５ ½ ² 1½ x² ١٢٣ ۱۹۹۹ one",
    "port of Dover",
    "report statement support Port State the port of Dover, Kent county",
    "the town of İzmir, İtown, ıtown, town_ and towns, Murcia region of Spain",
    "state\u00a0of\u00a0Georgia, New York state, city\u2009of Rome, Lyon\u3000city",
    "Kelvin \u212aelvin TOWN \u212aingston \ufb01ve \u0345 \u0390",
    "a\x1cb\x1dc\x1ed\x1ff O'Brien D’Arcy J.R.R. Tolkien & Sons",
]


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return shared_lines("bbc-news", 150) + TRICKY


def test_words_are_the_words_of_the_pattern(lines: list[str]) -> None:
    """`_words` lower-cases and splits ASCII text (and text that is ASCII but for common
    punctuation, caseless) without the pattern: the same words, whatever the text holds."""
    for mark in marks._WIDE_PUNCTUATION:  # noqa: SLF001
        assert not re.match(r"\w", mark) and mark.lower() == mark.casefold() == mark
    assert any(not line.isascii() for line in lines)
    for line in lines:
        for fold in (str.lower, str.casefold):
            assert marks._words(line, fold) == marks._WORD.findall(fold(line)), line  # noqa: SLF001


def test_numbers_are_what_the_whole_number_pattern_finds(lines: list[str]) -> None:
    """Numbers spelled out without a digit come from the words alone; with digits, from
    the pattern over the lower-cased text (its digit part without a number word); İ, ı and
    ſ send a text the slow way."""
    ways = set()
    spelled = [  # each number word with digits, and others near it
        f"{form.title()} of 5, some{form} {form}s, often one 3 million Dozens"
        for form in sorted(marks._NUMBER_WORD_FORMS)  # noqa: SLF001
    ]
    for line in lines + spelled:
        words = marks._words(line, str.lower)  # noqa: SLF001
        found = marks._numbers(line, words)  # noqa: SLF001
        plain = marks._NUMBER.findall(line)  # noqa: SLF001
        assert [n.casefold() for n in found] == [n.casefold() for n in plain], line
        ways.add(("".join(words).isalpha(), bool(marks._NUMBER_WORD_FORMS.intersection(words))))  # noqa: SLF001
    assert len(ways) == 4  # every way was taken
    opening = "".join(sorted({w[0] for w in marks._NUMBER_WORDS}))  # noqa: SLF001
    assert marks._NUMBER.pattern.startswith(rf"(?=[$£€\d{opening}])")  # noqa: SLF001


def test_a_number_of_digits_is_one_word() -> None:
    """`sentence_marks` takes a number of digits alone ("2022") as its own case-folded
    word: no digit has another case form."""
    digits = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdecimal()]
    assert all(re.fullmatch(r"\d", d) and d.casefold() == d for d in digits)
    assert len(digits) == sum(1 for c in range(sys.maxunicode + 1) if re.match(r"\d", chr(c)))


def test_places_are_cued_only_where_a_lower_cased_word_is_a_place_kind(lines: list[str]) -> None:
    """`_cued_places` skips the scan where no lower-cased word is a place kind: the pattern
    wants one as a whole word, and lower-casing makes no word character of another."""
    lowered_into_words = [
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if not re.match(r"\w", c) and re.search(r"\w", c.lower())
    ]
    assert lowered_into_words == []
    cued = 0
    for line in lines:
        read = marks._cued_places(line, marks._words(line, str.lower))  # noqa: SLF001
        plain = tuple(
            words
            for m in marks._CUED_PLACE.finditer(line)  # noqa: SLF001
            if (words := marks._after_possessive(marks._WORD.findall((m[1] or m[2]).casefold())))  # noqa: SLF001
        )
        assert read == plain, line
        cued += bool(plain)
    assert cued > 1


def test_months_are_sought_only_where_a_name_word_is_one(lines: list[str]) -> None:
    """`sentence_marks` seeks months and weekdays only if a name word is one, case-folded:
    none is a stopword, and a run's characters around a word stay no word characters."""
    assert marks._MONTH_OR_DAY_WORDS.isdisjoint(STOPWORDS)  # noqa: SLF001
    around = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()] + list("'’&.-")
    assert not any(re.search(r"\w", c.casefold()) for c in around)
    months = 0
    every = ["On May 5 and Sept. 9", "MAY may May\u0345 ΜΆΪ May", "Sunday’s Sep"] + [
        f"On {name.replace(end, '')} 5"
        for name in marks._MONTHS_AND_DAYS  # noqa: SLF001
        for end in ("?", "t?")
    ]
    for line in lines + every:
        runs = " ".join(marks._CAPS_RUN.findall(line))  # noqa: SLF001
        found = tuple(m.casefold() for m in marks._MONTH_OR_DAY.findall(runs))  # noqa: SLF001
        assert sentence_marks(line).months == found, line
        months += bool(found)
    assert months > 1


def test_what_a_sentence_adds_is_counted_word_by_word(lines: list[str]) -> None:
    """`novelty`, with questions sharing some of each sentence's words: every count as
    its definition reads, one word at a time."""
    shared = 0
    for line in lines:
        read = sentence_marks(line)
        for question in (frozenset(), frozenset(read.words[::2]), frozenset(read.words[1:4])):
            shape = marks.novelty(read, question)
            names = [run for run in read.names if not set(run) & question]
            numbers = [n for n in read.numbers if n and not set(n) & question]
            cued = [run for run in read.cued_places if not set(run) & question]
            assert shape.names == sum(w not in question for run in read.names for w in run)
            assert shape.places == sum(map(marks._places_in, names)) + sum(  # noqa: SLF001
                not marks._places_in(run)  # noqa: SLF001
                for run in cued
            )
            assert shape.numbers == len(numbers)
            assert shape.years == sum(y not in question for y in read.years)
            assert shape.months == sum(m not in question for m in read.months)
            assert shape.money == read.money
            assert shape.candidates == tuple(" ".join(run) for run in names + numbers)
            shared += not question.isdisjoint(read.words)
    assert shared > len(lines)


def test_money_is_sought_only_where_a_lower_cased_word_is_a_money_word(lines: list[str]) -> None:
    """Without a sign, `_money` seeks `_MONEY` only if a lower-cased word is one of its
    words: a character matching one of their letters, case ignored, lower-cases to it, but
    "ſ" (an s), which sends a text to the pattern."""
    letters = "".join(set("".join(marks._MONEY_WORDS)))  # noqa: SLF001
    any_letter = re.compile(f"[{letters}]", re.IGNORECASE)
    for c in filter(any_letter.fullmatch, map(chr, range(sys.maxunicode + 1))):
        for letter in letters:
            if re.fullmatch(letter, c, re.IGNORECASE):
                assert c.lower() == letter or c == "ſ", (c, letter)
    counted = 0
    for line in [*lines, "ſome DOLLARſ", "Dollar POUNDS Euros perCent", "pounds_ euro"]:
        words = marks._words(line, str.lower)  # noqa: SLF001
        found = len(marks._MONEY.findall(line))  # noqa: SLF001
        assert marks._money(line, words) == found, line  # noqa: SLF001
        counted += bool(found)
    assert counted > 1
