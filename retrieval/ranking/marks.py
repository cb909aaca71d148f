"""What a sentence holds besides the question's words: names, numbers, dates.

An answer is never in its question: "Which golfer won the US Women's Open?" is answered by
a sentence naming someone the question does not name. So for each sentence of a candidate
article this counts the capitalised words, numbers, years and months that are not words
of the question, and lists them as candidate answers (to count in how many articles each
recurs). Regular expressions over the stored text; independent of the index's tokenizer.
Most text is read by a compiled scanner instead (`scan`), which finds what they find; and
a question's pool is told what is new in it by compiled code too (`answers`), which counts
what `novelty` counts here, the definition it is tested against.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain
from typing import NamedTuple

from retrieval.index.tokens import STOPWORDS
from retrieval.ranking.lexicon import lexicon
from retrieval.ranking.places import PLACES
from retrieval.ranking.scan import scan_many

# A run of capitalised words ("Minjee Lee", "New York Yankees"), or a number with its
# separators and an optional scale ("3.6 million", "$20,000", "15").
# Most patterns open with a lookahead of the characters a match can start with: the same
# matches, found about twice as fast (the scan skips other positions at one test each).
# Those scanning every sentence do better: they open with those characters themselves, for
# the scan to skip to one in C, and test the `\b` before it after it, as `(?<!\w.)` (the
# character before the one just read is not a word character).
_CAPS_RUN = re.compile(r"[A-Z](?<!\w.)[\w'’&.-]*(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w'’&.-]*)*")
_NUMBER_WORDS = (
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "dozens?", "hundreds?", "thousands?", "millions?", "billions?"),
)
_SCALE = r"(?:\s?(?:%|percent|million|billion|trillion|thousand))?"
_DIGITS = r"(?:[$£€]\s?)?\b\d[\d,.]*" + _SCALE
_NUMBER = re.compile(  # opening with a lookahead of the characters a number starts with
    rf"(?=[$£€\d{''.join(sorted({w[0] for w in _NUMBER_WORDS}))}])"
    rf"(?:{_DIGITS}|\b(?:{'|'.join(_NUMBER_WORDS)})\b)",
    re.IGNORECASE,
)
# `_NUMBER` runs faster over the lower-cased text, and finds the same: `str.lower` keeps
# every character's place and class, and maps a character to an ASCII letter exactly when
# IGNORECASE matches it with that letter, but for these three (found by trying every code
# point), which send a text the slow way.
_LOWER_DIFFERS = re.compile("[\u0130\u0131\u017f]")  # İ, dotless ı, long ſ
# ... and without a number word in the text, the pattern is its digit part (the words,
# spelled out).
_DIGITS_LOWER = re.compile(  # `_DIGITS`, opening with its first character
    r"[$£€\d](?:(?<=[$£€])\s?\b\d|(?<=\d)(?<!\w.))[\d,.]*" + _SCALE
)
_NUMBER_WORD_FORMS = frozenset(
    form for word in _NUMBER_WORDS for form in (word.removesuffix("s?"), word.replace("?", ""))
)
_YEAR = re.compile(r"(?:1(?<!\w.)[5-9]|2(?<!\w.)0)\d\d\b")
_MONTHS_AND_DAYS = (
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
    *("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept?", "Oct", "Nov", "Dec"),
    *("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
)
_MONTH_OR_DAY = re.compile(rf"(?=[JFMASONDTW])\b(?:{'|'.join(_MONTHS_AND_DAYS)})\b")
# Their words case-folded. A run holding one keeps it among its name words, case-folded:
# none is a stopword, and the characters of a run around a word (whitespace, '’&.-) stay
# no word characters when case-folded.
_MONTH_OR_DAY_WORDS = frozenset(
    form.lower()
    for word in _MONTHS_AND_DAYS
    for form in (word.removesuffix("t?"), word.replace("?", ""))
)
_WORD = re.compile(r"\w+")
# `_WORD.findall` of lower-cased text without the pattern, for most text: over ASCII bytes,
# capitals lower-cased, other word characters kept and any other as a space, then split.
_ASCII_WORDS_LOWERED = bytes(
    ord(chr(c).lower()) if c < 128 and re.fullmatch(r"\w", chr(c)) else 32 for c in range(256)
)
# What makes most news text not ASCII (curly quotes, dashes): none of it a word character,
# so a space in its place leaves the words as they were.
_WIDE_PUNCTUATION = ("’", "“", "”", "‘", "–", "—", "−", "…", "£", "€", "\xa0")
# Places the list cannot know, told by their wording: "the border town of Aslanduz",
# "Ardabil province", "the city of Uvalde".
_PLACE_KINDS = (
    *("town", "city", "village", "province", "region", "county", "district", "port"),
    *("island", "state"),
)
_PLACE_KIND = f"(?:{'|'.join(_PLACE_KINDS)})"
# `_CUED_PLACE` wants a place kind as a whole word, so among the words of the lower-cased
# text (lower-casing turns no other character into a word character: the word stays whole).
_PLACE_KIND_WORDS = frozenset(_PLACE_KINDS)
_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
_CUED_PLACE = re.compile(
    rf"\b{_PLACE_KIND}\s+of\s+({_NAME})|\b({_NAME})\s+{_PLACE_KIND}\b(?!\s+of\b)"
)
# Every word of a place name: a run holding none of them names no place.
_PLACE_WORDS = frozenset(word for place in PLACES for word in place.split())
_MONEY = re.compile(
    r"(?=[$£€%dpe])(?:[$£€]|\b(?:dollars?|pounds|euros)\b|%|\bpercent\b)", re.IGNORECASE
)
_MONEY_WORDS = frozenset(("dollar", "dollars", "pounds", "euros", "percent"))
# The words `sentences_marks` wants whole, for its compiled reading (`scan`).
LEXICON = lexicon(STOPWORDS, PLACES)


# Tuples, not dataclasses: made for every sentence read, and a tuple is made 3-4 times faster.
class Shape(NamedTuple):
    """Counts of what one sentence adds to the question, and its candidate answers."""

    names: int  # capitalised words, not stopwords, not in the question
    places: int  # names of countries, US states and large cities not in the question
    numbers: int  # numbers not in the question (years included)
    years: int
    months: int  # month and weekday names
    money: int  # currency signs and percentages
    candidates: tuple[str, ...]  # case-folded name runs and numbers not in the question


class Marks(NamedTuple):
    """What a sentence holds that could answer something, whatever the question: read once
    per sentence (it does not depend on the question)."""

    names: tuple[tuple[str, ...], ...]  # runs of capitalised words, case-folded, no stopwords
    numbers: tuple[tuple[str, ...], ...]  # numbers, as their case-folded words
    years: tuple[str, ...]
    months: tuple[str, ...]  # month and weekday names, case-folded
    money: int  # currency signs and percentages
    cued_places: tuple[tuple[str, ...], ...] = ()  # "the town of X", "X province": places
    # Every word of the above, and what the sentence adds to a question holding none of
    # them (most questions, for most sentences): `novelty` is then a set test.
    words: tuple[str, ...] = ()
    alone: Shape | None = None


def sentences_marks(texts: Sequence[str]) -> list[Marks]:
    """The names, numbers and dates of each of `texts`, a sentence each: most read by one
    call of the compiled reading, any with a character it does not know by the patterns."""
    return [
        marks_by_pattern(text) if scanned is None else _marks_of_scan(*scanned)
        for text, scanned in zip(texts, scan_many(texts, LEXICON), strict=True)
    ]


def sentences_finds(texts: Sequence[str]) -> list[tuple[str, int, int]]:
    """The finds of each of `texts` as the compiled reading writes them, with its counts of
    money marks and of places (`scan`): most read by one call of it, any with a character
    it does not know read by the patterns and written alike (`written`)."""
    found: list[tuple[str, int, int]] = []
    for text, scanned in zip(texts, scan_many(texts, LEXICON), strict=True):
        if scanned is None:
            marks = marks_by_pattern(text)
            assert marks.alone is not None  # the patterns always say it
            found.append((written(marks), marks.money, marks.alone.places))
        else:
            found.append(scanned)
    return found


def written(marks: Marks) -> str:
    """`marks` as the compiled reading writes what it finds (`scan`): the words of each find
    joined by " ", finds by ",", and runs, numbers, cued places, years, months by "|"."""
    finds = (
        ",".join(" ".join(run) for run in marks.names),
        ",".join(" ".join(number) for number in marks.numbers if number),
        ",".join(" ".join(place) for place in marks.cued_places),
        " ".join(marks.years),
        " ".join(marks.months),
    )
    return "|".join(finds)


def _marks_of_scan(found: str, money: int, places: int) -> Marks:
    """The marks of what the compiled reading found (`scan`)."""
    # Words joined by " ", finds by ",", kinds by "|", in the order of `Marks.words`.
    runs, numbers, cued, years, months = found.split("|")
    run_list = runs.split(",") if runs else []
    names = [tuple(run.split(" ")) for run in run_list]
    number_list = numbers.split(",") if numbers else []
    counted = tuple([tuple(number.split(" ")) for number in number_list])
    cued_places = tuple([tuple(place.split(" ")) for place in cued.split(",")]) if cued else ()
    year_list = tuple(years.split(" ")) if years else ()
    month_list = tuple(months.split(" ")) if months else ()
    alone = Shape(
        runs.count(" ") + len(run_list),  # name words
        places,
        len(counted),
        len(year_list),
        len(month_list),
        money,
        tuple(run_list + number_list),  # their words joined: `_novelty`'s candidates
    )
    words = tuple(found.replace(",", " ").replace("|", " ").split())
    return Marks(tuple(names), counted, year_list, month_list, money, cued_places, words, alone)


def marks_by_pattern(text: str) -> Marks:
    """A sentence's marks (`sentences_marks`) read with the patterns: for any text (the
    compiled reading, for most, finds the same)."""
    capitals = _CAPS_RUN.findall(text)
    names = []
    for run in capitals:
        folded = _words(run, str.casefold)  # never empty: a run opens with a letter
        if STOPWORDS.isdisjoint(folded):  # most runs
            names.append(tuple(folded))
        elif kept := tuple([w for w in folded if w not in STOPWORDS]):
            names.append(kept)
    name_words = tuple(chain.from_iterable(names))
    lowered_words = _words(text, str.lower)
    numbers = tuple(
        [
            (n,) if n.isdecimal() else tuple(_WORD.findall(n.casefold()))  # "15", "2,500"
            for n in _numbers(text, lowered_words)
        ]
    )
    years = tuple(_YEAR.findall(text)) if "1" in text or "2" in text else ()
    # A month or weekday is a capitalised word: inside a run, and found there alone, and
    # only if a name word is one case-folded.
    months: tuple[str, ...] = ()
    if not _MONTH_OR_DAY_WORDS.isdisjoint(name_words):
        months = tuple([m.casefold() for m in _MONTH_OR_DAY.findall(" ".join(capitals))])
    money = _money(text, lowered_words)
    cued = _cued_places(text, lowered_words)
    counted = [number for number in numbers if number]
    # What `_novelty` finds for a question holding none of these words: all of it.
    places = 0
    if not _PLACE_WORDS.isdisjoint(name_words):  # most sentences name no listed place
        places = sum([_places_in(run) for run in names])
    if cued:
        places += sum([not _places_in(run) for run in cued])
    alone = Shape(
        len(name_words),
        places,
        len(counted),
        len(years),
        len(months),
        money,
        tuple([" ".join(run) for run in chain(names, counted)]),
    )
    words = name_words + tuple(chain.from_iterable((*counted, *cued, years, months)))
    return Marks(tuple(names), numbers, years, months, money, cued, words, alone)


def novelty(marks: Marks, question_words: frozenset[str]) -> Shape:
    """What the sentence of `marks` holds that the question (its case-folded words) does not."""
    if marks.alone is not None and question_words.isdisjoint(marks.words):
        return marks.alone
    return _novelty(marks, question_words)


def _novelty(marks: Marks, question_words: frozenset[str]) -> Shape:
    # Set tests rather than loops over words: a question shares words with about a third of
    # the sentences it reads.
    names = places = numbers = 0
    candidates: list[str] = []
    for run in marks.names:
        if question_words.isdisjoint(run):
            names += len(run)
            candidates.append(" ".join(run))
            places += _places_in(run)
        else:
            names += sum([w not in question_words for w in run])
    for run in marks.cued_places:  # named as a place, and not one the list already counted
        if question_words.isdisjoint(run) and not _places_in(run):
            places += 1
    for number in marks.numbers:
        if number and question_words.isdisjoint(number):
            numbers += 1
            candidates.append(" ".join(number))
    return Shape(
        names,
        places,
        numbers,
        sum([y not in question_words for y in marks.years]),
        sum([m not in question_words for m in marks.months]),
        marks.money,
        tuple(candidates),
    )


def _words(text: str, fold: Callable[[str], str]) -> list[str]:
    """`_WORD.findall(fold(text))`, `fold` lower-casing or case-folding; found faster for
    most text: ASCII but for some punctuation (which has no case)."""
    if not text.isascii():
        for mark in _WIDE_PUNCTUATION:
            if mark in text:
                text = text.replace(mark, " ")
        if not text.isascii():
            return _WORD.findall(fold(text))
    return text.encode().translate(_ASCII_WORDS_LOWERED).decode().split()


def _numbers(text: str, lowered_words: list[str]) -> list[str]:
    """What `_NUMBER` finds in `text`, found faster: over the lower-cased text (whose words
    are `lowered_words`), and for most sentences without the whole pattern."""
    if not text.isascii() and _LOWER_DIFFERS.search(text) is not None:
        return _NUMBER.findall(text)
    # A number word matches a whole word; \d is a word character.
    spelled = _NUMBER_WORD_FORMS.intersection(lowered_words)
    if "".join(lowered_words).isalpha():  # no digit (most sentences): the words alone
        return [word for word in lowered_words if word in spelled] if spelled else []
    if spelled:
        return _NUMBER.findall(text.lower())
    return _DIGITS_LOWER.findall(text.lower())  # without a number word, the digit part


def _money(text: str, lowered_words: list[str]) -> int:
    """How many currency signs and percentages `text` (lower-cased words: `lowered_words`)
    holds (`_MONEY`)."""
    # Most sentences hold neither a sign nor a word of `_MONEY`: a whole word, whose letters
    # have no other case forms than capitals, but "ſ", an s.
    sign = "$" in text or "£" in text or "€" in text or "%" in text
    if not sign and _MONEY_WORDS.isdisjoint(lowered_words) and "ſ" not in text:
        return 0
    return len(_MONEY.findall(text))


def _cued_places(text: str, lowered_words: list[str]) -> tuple[tuple[str, ...], ...]:
    """The places `text` (whose lower-cased words are `lowered_words`) names as places
    ("the town of X", "X province")."""
    if _PLACE_KIND_WORDS.isdisjoint(lowered_words):  # most sentences: no pattern scan
        return ()
    return tuple(
        words
        for match in _CUED_PLACE.finditer(text)
        if (words := _after_possessive(_WORD.findall((match[1] or match[2]).casefold())))
    )


def _after_possessive(words: list[str]) -> tuple[str, ...]:
    """The place of "Iran's Ardabil province" is Ardabil: the words after a possessive."""
    cut = max((i + 1 for i, w in enumerate(words) if w == "s" and i), default=0)
    return tuple(words[cut:])


def _places_in(run: tuple[str, ...]) -> int:
    """How many place names a run of capitalised words holds ("Las Vegas Sphere": one)."""
    if _PLACE_WORDS.isdisjoint(run):  # most runs: people, organizations
        return 0
    found, i = 0, 0
    while i < len(run):
        for size in (3, 2, 1):
            if " ".join(run[i : i + size]) in PLACES:
                found += 1
                i += size
                break
        else:
            i += 1
    return found
