"""Where an ordinal number ends no sentence: German (and Dutch, Scandinavian, Finnish,
Czech, Slovak, Polish, Croatian, Slovene) writes "am 3. März", "im 19. Jahrhundert", and
German "z. B.", "bzw.", where Punkt's tables break before a capital.

Apart from the other breaks news copy needs (`punkt_breaks`), which asks it of a sentence
that ends with a number and its stop, or with one of those abbreviations. Part of the
splitter's rules: a change that splits some text otherwise bumps `splitter.SPLITTER_VERSION`.
"""

from __future__ import annotations

import re

from retrieval.corpus.sentence_starts import goes_on_a_sentence

# "fällt erst am 3. | März", "im 19. | Jahrhundert", "Am 12. | Bis 13. | September": German
# (and Dutch, Scandinavian, Finnish, Czech, Slovak, Polish, Croatian, Slovene) writes an
# ordinal as a number with a full stop, and Punkt ends a sentence there before a capital. A
# number of one or two digits and its stop go on to a month's name, written or cut short
# ("3. März", "12. Sept.", "5. januari", "7. května"), to a German noun an ordinal counts
# ("19. Jahrhundert", "3. Platz") and to the other end of a range ("12. bis 13."). Only
# German's months are capitalised here: English writes "in 2019. March was" (four digits)
# and never the lower-case names; what it shares with German ("12. August") it ends no
# sentence of news with. A month cut short goes on to a word in lower case or a number
# ("1. Okt. endet", "1. Okt. 2026").
_ORDINAL_END = re.compile(r"(?<![\w.,:/-])\d{1,2}\.\Z")
_GERMAN_MONTHS = (
    *("Januar", "Jänner", "Februar", "Feber", "März", "April", "Mai", "Juni", "Juli"),
    *("August", "September", "Oktober", "November", "Dezember"),
)
_SHORT_GERMAN_MONTHS = (
    *("Jan", "Feb", "Febr", "Mär", "Mrz", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Okt"),
    *("Nov", "Dez"),
)
_OTHER_MONTHS = (
    *("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"),  # Dutch
    *("september", "oktober", "november", "december", "augusti", "mars", "maj"),  # Swedish
    *("januar", "februar", "marts", "mai", "august", "desember"),  # Danish, Norwegian
    *("janúar", "febrúar", "apríl", "maí", "júní", "júlí", "ágúst", "október", "nóvember"),
    *("tammikuuta", "helmikuuta", "maaliskuuta", "huhtikuuta", "toukokuuta", "kesäkuuta"),
    *("heinäkuuta", "elokuuta", "syyskuuta", "lokakuuta", "marraskuuta", "joulukuuta"),
    *("ledna", "února", "března", "dubna", "května", "června", "července", "srpna"),  # Czech
    *("září", "října", "listopadu", "prosince"),
    *("januára", "februára", "marca", "apríla", "mája", "júna", "júla", "augusta"),  # Slovak
    *("septembra", "októbra", "novembra", "decembra"),
    *("stycznia", "lutego", "kwietnia", "maja", "czerwca", "lipca", "sierpnia"),  # Polish
    *("września", "października", "listopada", "grudnia"),
    *("siječnja", "veljače", "ožujka", "travnja", "svibnja", "lipnja", "srpnja"),  # Croatian
    *("kolovoza", "rujna", "studenoga", "prosinca"),
    *("januarja", "februarja", "aprila", "junija", "julija", "avgusta", "oktobra"),  # Slovene
)
_SHORT_OTHER_MONTHS = (
    *("jan", "feb", "febr", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct"),
    *("nov", "dec", "des"),
)
_ORDINAL_NOUNS = (
    *("Jahrhundert", "Jahrhunderts", "Jahrhunderte", "Jahrtausend", "Jahrtausends", "Jh"),
    *("Jhd", "Platz", "Platzes", "Rang", "Runde", "Spieltag", "Spieltags"),
    *("Stockwerk", "Etage", "Mal", "Klasse", "Liga", "Geburtstag", "Geburtstags"),
    *("Jahrestag", "Jahrestags", "Lebensjahr", "Kapitel", "Auflage", "Minute", "Quartal"),
    *("Halbjahr", "Sitzung", "Bezirk", "Jubiläum", "Todestag", "Wahlgang", "Legislaturperiode"),
)
_ORDINAL_GOES_ON_TO = re.compile(
    rf"(?:(?:{'|'.join((*_GERMAN_MONTHS, *_OTHER_MONTHS, *_ORDINAL_NOUNS))})(?!\w)"
    rf"|(?:{'|'.join((*_SHORT_GERMAN_MONTHS, *_SHORT_OTHER_MONTHS, 'Jh', 'Jhd'))})\."
    r"|(?:[Bb]is|und|oder|–|-) \d{1,2}\.(?!\S))"
)
_SHORT_MONTH_END = re.compile(
    rf"(?<![\w.,:/-])\d{{1,2}}\. "
    rf"(?:{'|'.join((*_SHORT_GERMAN_MONTHS, *_SHORT_OTHER_MONTHS, 'Jh', 'Jhd'))})\.\Z"
)
# "z. | B. die Kosten", "bzw. | Lebenslange": German's "z. B." (for example), "u. a." (among
# others), "d. h." (that is), "v. a." (above all), "z. T." (partly) and "bzw." (or rather)
# end no sentence, their halves none either.
_NO_END_ABBREVIATION = re.compile(r"(?<!\S)(?:z\. ?[BT]|u\. ?a|d\. ?h|v\. ?a|bzw)\.\Z")
_FIRST_HALVES = {"z.": ("B.", "T."), "u.": ("a.",), "d.": ("h.",), "v.": ("a.",)}


# The months English writes too, whole or cut short: "the record of 25. | August was a bad
# month", a list's "8. | April 21, 1841: ...", "37. | Feb. 26: ...". Before one of them an
# ordinal goes on only after a word German writes a date with ("am 12. August", "bis zum
# 3. Nov.") or a comma ("Montag, 12. August").
_SHARED_WITH_ENGLISH = frozenset(
    {"April", "August", "September", "November", "Jan", "Feb", "Apr", "Jun", "Jul", "Aug"}
    | {"Sep", "Sept", "Nov"}
)
_GERMAN_DATE_WORDS = frozenset(
    {"am", "vom", "zum", "bis", "ab", "seit", "den", "dem", "der", "des", "und", "oder"}
    | {"ende", "anfang", "mitte", "zwischen"}
)


def _dated_in_german(sentence: str) -> bool:
    """Whether the number that ends `sentence` follows a comma or a word German writes a
    date with (`_GERMAN_DATE_WORDS`)."""
    words = sentence.rsplit(None, 2)
    if len(words) < 2:
        return False
    before = words[-2]
    return before.endswith(",") or before.lower() in _GERMAN_DATE_WORDS


# "Der 1. | FC Köln", "in der 2. | Bundesliga", "Es war der 2. | Versuch", "Beim 4. |
# Anlauf": after an article, or a preposition with one in it, a German ordinal counts the
# noun that follows, whatever it is. That noun is capitalised and no word a sentence opens
# with ("I am 12. | My sister", "Next year"); and "am" is no article after "I".
_ORDINAL_ARTICLES = frozenset(
    {"der", "die", "das", "dem", "den", "des", "im", "am", "zum", "zur", "beim"}
)
_CAPITALISED_WORD = re.compile(r"[A-ZÄÖÜ][\w-]*")


def _counted_after_article(sentence: str, after: str) -> bool:
    """Whether the ordinal that ends `sentence` follows an article and counts the noun that
    opens `after` (`_ORDINAL_ARTICLES`)."""
    words = sentence.rsplit(None, 3)
    if len(words) < 2 or words[-2].lower() not in _ORDINAL_ARTICLES:
        return False
    if words[-2] == "am" and len(words) > 2 and words[-3] in ("I", "I'm", "I’m"):
        return False
    noun = _CAPITALISED_WORD.match(after)
    if noun is None:
        return False
    return goes_on_a_sentence(noun.group())


def ordinal_goes_on(sentence: str, after: str) -> bool:
    """Whether `after` goes on from `sentence`, which ends with an ordinal number, a month
    cut short after one, or an abbreviation ending no German sentence."""
    tail = sentence[-14:]
    if tail[-2:-1].isdigit():
        if _ORDINAL_END.search(tail) is None:
            return False
        following = _ORDINAL_GOES_ON_TO.match(after)
        if following is None:
            return _counted_after_article(sentence, after)
        return following.group().rstrip(".") not in _SHARED_WITH_ENGLISH or _dated_in_german(
            sentence
        )
    space = tail.rfind(" ")
    word = tail[space + 1 :]
    if len(word) > 2 and word[-3] != "." and word != "bzw." and tail[space - 1 : space] != ".":
        return False  # "said.": most ends, passed at a look
    if _NO_END_ABBREVIATION.search(tail) is not None:
        return True
    halves = _FIRST_HALVES.get(tail[-2:])
    if halves is not None and (len(tail) == 2 or tail[-3].isspace()):
        return after.startswith(halves) and (len(after) == 2 or after[2].isspace())
    return _SHORT_MONTH_END.search(tail) is not None and (
        after[:1].islower() or after[:1].isdigit()
    )
