"""Tokens for BM25: Unicode-normalized, case-folded words, accents off, English stopwords out,
stemmed; acronyms with or without dots and numbers in words or digits meet; Chinese, Japanese
and Korean as overlapping character bigrams.

Queries and passages go through the same `Tokenizer`, so a change here changes the index:
the index records the tokenizer's `signature` and is rebuilt when it differs. A word newly
left out needs no new signature: an index made before keeps its term, which no question
asks for any more.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import Stemmer

from retrieval.index.irregular import IRREGULAR

# NLTK's English stopword list (nltk_data/corpora/stopwords/english), shipped here because
# nltk.download() cannot run offline. Contracted forms are split at the apostrophe by the
# word pattern, so their parts ("don", "t") are listed as NLTK lists them; "won" is left
# out, as in news it is the past of "win" far more often than part of "won't".
_NLTK_ENGLISH = """
    a about above after again against ain all am an and any are aren arent as at be because
    been before being below between both but by can couldn couldnt d did didn didnt do does
    doesn doesnt doing don dont down during each few for from further had hadn hadnt has
    hasn hasnt have haven havent having he her here hers herself him himself his how i if in
    into is isn isnt it its itself just ll m ma me mightn mightnt more most mustn mustnt my
    myself needn neednt no nor not now o of off on once only or other our ours ourselves out
    over own re s same shan shant she shes should shouldn shouldnt shouldve so some such t
    than that thatll the their theirs them themselves then there these they this those
    through to too under until up ve very was wasn wasnt we were weren werent what when
    where which while who whom why will with wouldn wouldnt y you youd youll your youre
    yours yourself yourselves youve
"""
STOPWORDS = frozenset(_NLTK_ENGLISH.split())
# Contractions typed without their apostrophe, as phones and hurried thumbs send them. With
# it, each is words the list leaves out ("What's" is "what" and "s"); without it, "whats"
# was a word, stemmed to "what", and "whats the latest on the jan 6 hearing" searched for
# "what" and quoted shouted headings ("WHAT:", "WHAT MATTERS:"). "cant" as a noun
# (hypocrisy) is rare in news and never what a question means. Not "im" (Sungjae Im, the
# IM-1 lander), "ive" (Jony Ive), "id", "ill", "wed", "hed" or "lets" ("let" is no
# stopword): words of their own.
_UNSPELT = """
    aint cant hes heres hows thats theres theyre theyve weve whats whens wheres whos whys
"""
UNSPELT_CONTRACTIONS = frozenset(_UNSPELT.split())
# "won't" keeps "won", which the list leaves in as the past of "win" (and "won't play"
# finds "won't play"): "wont" is read as "won't", the noun (habit) being rare in news.
UNSPELT_FORMS = {"wont": "won"}
# The words the tokenizer leaves out. STOPWORDS alone are what the sentence splitter, the
# names of `ranking.marks` and the language guess read (where "im" is German).
LEFT_OUT = STOPWORDS | UNSPELT_CONTRACTIONS

# Words, and runs of them joined by a dot or comma with no space: the runs are split again
# by `Tokenizer._pieces` (rare, so one regex pass over every text stays a plain one).
_TOKEN = re.compile(r"\w+(?:[.,]\w+)*")
_MAYBE_JOINED = re.compile(r"[.,]\w")  # a quick scan: most sentences have no such run
# In a run: a dotted abbreviation, single letters with dots between ("U.S", "W.H.O", "a.m":
# the run ends before the last dot), tried first so that "U.S." is not "u" and "s"; a number
# with thousands separators or a decimal point ("1,500" is one term, 1500; "1.5" too).
_DOTTED = r"^[^\W\d_](?:\.[^\W\d_])+$"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+\.\d+"
_WORD = r"\w+"
# Characters that are not words and have no case, common in news copy: as spaces, they
# change no word, and leave most texts ASCII (see `Tokenizer.__call__`).
SPACED = ("\u2019", "\u2018", "\u201c", "\u201d", "\u2014", "\u2013", "\u2022", "\u2212")
# Lower-cases an ASCII word byte and makes every other byte a space: split, the words of
# \w+ in the case-folded text.
_ASCII_WORD_BYTES = bytes(
    ord(chr(c).lower()) if c < 128 and re.fullmatch(r"\w", chr(c)) else ord(" ")
    for c in range(256)
)
# `Tokenizer.written_many`'s texts joined around a word of their own: a Latin-1 letter,
# which no ASCII text holds
_MANY_SEPARATOR = "\xaa"
_MANY_JOIN = f" {_MANY_SEPARATOR} "
# What a stopword in capitals stands for in `Tokenizer._written` until the whole text decides
# (no term holds a NUL).
_ACRONYM = "\x00acronym"
# Stopwords are ASCII, so these find every stopword in capitals, the second quickly.
_CAPITALS = re.compile(r"\b[A-Z]{2,}\b")
_CAPITALS_ONLY = bytes(c if 65 <= c <= 90 else 32 for c in range(256))  # A-Z, else space
CAPITAL_STOPWORDS = frozenset(w.upper().encode() for w in LEFT_OUT if len(w) > 1)
_MAYBE_CAPITALS = re.compile(r"[A-Z][A-Z]")
MAX_TOKEN_LENGTH = 40  # longer "words" are URLs, hashes or markup debris (CJK runs aside)
# Invisible characters that break no word: a soft hyphen ("Straßen\u00adbahn"), zero-width
# space and (non-)joiners, word joiner, byte order mark, and the selectors of text or emoji
# style that phone keyboards put after "❤", "☀", "👍": a combining mark, it was a word of
# its own, the rarest of a question's, and "Who won the Masters? 👍️" found darts players'
# emoji. Removed before words are found. The zero-width space too, where Unicode breaks words:
# pages put it inside words, where a break would cut them ("kille\u200bd", "L\u200barge": in
# news-qa-dev's 7,946 articles, all 7 between two letters, in 5 articles, are inside a word).
# A question that joins two words so has the joined word named as in no article
# (`Searcher._words`).
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufe0e\ufe0f\ufeff]")
# Chinese, Japanese and Korean: Han, Hiragana, Katakana, Hangul (full- and half-width). Their
# words are not spaced, so a run of them (often a whole clause) becomes overlapping bigrams,
# as Lucene's CJKAnalyzer makes them: a question's substring then matches.
_CJK_CHARS = (
    "\u1100-\u11ff\u3005-\u3007\u3041-\u309f\u30a0-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc"
    "\U0001b000-\U0001b16f\U00020000-\U0003134f"
)
_CJK = re.compile(f"[{_CJK_CHARS}]")
_CJK_OR_NOT = re.compile(f"([{_CJK_CHARS}]+)|[^{_CJK_CHARS}]+")
# Japanese voicing marks: combining, but they make another kana (か, が), not an accent.
_KANA_VOICING = frozenset("\u3099\u309a")
MAX_CACHED_STEMS = 2_000_000  # distinct words whose stems are remembered (about 200 MB at most)

# Number words meet their digits ("six-week" and "6 Weeks"). Cardinals up to twenty and the
# tens only: "hundred", "thousand" and "million" multiply ("two hundred" is not "2 100"), and
# "dozen" is left alone because news uses it loosely ("dozens of protesters" are not 12).
# "one" is left alone too: in news it is mostly a pronoun ("one of the", "no one"), and
# mapped, every such sentence would match a question's "1" (answer@5 on news-qa-dev 0.581
# with it, 0.582 without). Ordinals meet their digit forms ("Fifth Amendment", "5th
# Amendment"), except "second", which is as often the unit of time: mapped, it would part
# from "seconds".
_CARDINALS = (
    "zero",
    None,
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
_TENS = {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": "1st",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
    "eleventh": "11th",
    "twelfth": "12th",
    "thirteenth": "13th",
    "fourteenth": "14th",
    "fifteenth": "15th",
    "sixteenth": "16th",
    "seventeenth": "17th",
    "eighteenth": "18th",
    "nineteenth": "19th",
    "twentieth": "20th",
}
NUMBERS: dict[str, str] = {
    **{word: str(n) for n, word in enumerate(_CARDINALS) if word},
    **{word: str(n) for word, n in _TENS.items()},
    **_ORDINALS,
}


def is_shouting(words: Sequence[str]) -> bool:
    """True for text set in capitals, like a wire headline ("U.S. NAVAL FORCES ATTACK"): at
    least three words in capitals, and more of them than words with lower-case letters.
    There capitals say nothing, so "IT" and "US" are the stopwords "it" and "us" again (a
    dotted "U.S." still is the abbreviation)."""
    caps = lower = 0
    for word in words:
        if word.isupper():
            caps += len(word) > 1
        elif word != word.upper():
            lower += 1
    return caps >= 3 and caps > lower


@functools.cache
def _marks() -> str:
    """A character class body of every combining mark (Mn, Mc, Me): inside a word they are
    part of it, where \\w alone would split vowelled Arabic or Devanagari into letters. Built
    on first use (tens of milliseconds), by the first text that is not ASCII."""
    codes = [c for c in range(0x300, 0x20000) if unicodedata.category(chr(c)).startswith("M")]
    codes.extend(range(0xE0100, 0xE01F0))  # variation selectors
    ranges = []
    for _, run in itertools.groupby(enumerate(codes), lambda pair: pair[1] - pair[0]):
        first, *rest = (code for _, code in run)
        last = rest[-1] if rest else first
        ranges.append(f"\\U{first:08x}-\\U{last:08x}")
    return "".join(ranges)


def _spaced(text: str) -> str:
    """`text` with each `SPACED` character a space, one for one: its words and their
    offsets are unchanged, and most news text is ASCII then."""
    if text.isascii():
        return text
    for char in SPACED:
        if char in text:
            text = text.replace(char, " ")
    return text


@functools.cache
def _wide(pattern: str) -> re.Pattern[str]:
    """`pattern` with each \\w taken as a word character or a combining mark, for texts that
    are not ASCII (in ASCII the two are the same, and the plain pattern is faster to build)."""
    return re.compile(pattern.replace(r"\w", rf"[\w{_marks()}]"))


def visible(text: str) -> str:
    """`text` without the invisible characters that break no word (`_INVISIBLE`): its words
    as the tokenizer finds them, "Volta\\u200bMotors" one, as "VoltaMotors" is."""
    return _INVISIBLE.sub("", text) if _INVISIBLE.search(text) else text


def _normal(text: str) -> str:
    """`text` as the tokenizer reads it: invisible characters out, NFKC (ASCII is both)."""
    return text if text.isascii() else unicodedata.normalize("NFKC", visible(text))


# Letters with a stroke, a slash or no dot that Unicode gives no decomposition, so dropping
# combining marks leaves them as they are, and a keyboard's spelling ("Lodz", "Walesa",
# "Orsted", "Diyarbakir") never met the correct one ("Łódź", "Wałęsa", "Ørsted",
# "Diyarbakır": Turkish capitals fold "DİYARBAKIR" to "diyarbakir"). Case-folded first, so
# only the small letters; mapped as Lucene's ASCIIFoldingFilter maps them ("ß" case-folds to
# "ss" already). Arabic teh marbuta is heh, as Arabic search engines fold it: "غزة" and "غزه"
# are the same word spelt two ways (the dots are often left off), never two words news tells
# apart.
_UNDECOMPOSED = {
    "ł": "l",
    "ø": "o",
    "đ": "d",  # Croatian, Vietnamese
    "ð": "d",  # Icelandic eth
    "ı": "i",  # Turkish dotless i
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ħ": "h",
    "ŧ": "t",
    "ة": "ه",
}


@functools.cache
def _folding() -> dict[int, str]:
    """`str.translate`'s table for `fold`: `_UNDECOMPOSED`, and every decimal digit that
    is not ASCII ("٣" Arabic-Indic, "۳" Persian, "३" Devanagari) as its ASCII digit, so
    "٢٠٢٤" finds "2024". Built on first use, by the first word that is not ASCII."""
    table = {ord(letter): plain for letter, plain in _UNDECOMPOSED.items()}
    for code in range(0x80, 0x20000):
        char = chr(code)
        if char.isdecimal():
            table[code] = str(unicodedata.decimal(char))
    return table


def fold(word: str) -> str:
    """`word` case-folded and, if not ASCII, without accents and other diacritics, so that
    "cafe" finds "Café", "Istanbul" finds "İstanbul" (whose "i̇" is "i" and a dot above) and
    "ΑΘΗΝΑ" finds "Αθήνα". The marks dropped are those with a combining class, as Unicode's
    diacritic folding (UTR #30) drops them: accents, Arabic and Hebrew vowel points, Indic
    nukta and virama; Indic vowel signs, which are letters, stay. Letters without a
    decomposition ("ł", "ø", "ı") and digits that are not ASCII are mapped (`_folding`)."""
    folded = word.casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded).translate(_folding())
    bare = "".join([c for c in decomposed if not unicodedata.combining(c) or c in _KANA_VOICING])
    return unicodedata.normalize("NFC", bare)  # Hangul and kana compose again


def has_cjk(text: str) -> bool:
    """Whether `text` holds a Chinese, Japanese or Korean character (searched as bigrams)."""
    return _CJK.search(text) is not None


def _cjk_pieces(word: str) -> list[tuple[str, int, int]]:
    """The (piece, start, end) of a word: its runs of CJK characters as overlapping bigrams
    (a lone character as itself), its other runs as they are."""
    if not _CJK.search(word):
        return [(word, 0, len(word))]
    pieces = []
    for run in _CJK_OR_NOT.finditer(word):
        text, start = run.group(), run.start()
        if run.group(1) is None or len(text) == 1:
            pieces.append((text, start, run.end()))
        else:
            pieces.extend(
                (text[i : i + 2], start + i, start + i + 2) for i in range(len(text) - 1)
            )
    return pieces


Word = TypeVar("Word", str, bytes)


def _through_cache(
    known: dict[Word, str | None],
    words: list[Word],
    compute: Callable[[list[Word]], list[str | None]],
) -> list[str | None]:
    """Each word's value from `known`, computed (for the distinct missing words at once)
    and remembered where missing. The cache only grows, to MAX_CACHED_STEMS words, so
    threads may share it: a word found in it stays there."""
    try:
        return list(map(known.__getitem__, words))
    except KeyError:
        pass
    missing = [word for word in dict.fromkeys(words) if word not in known]
    fresh = dict(zip(missing, compute(missing), strict=True))
    if len(known) < MAX_CACHED_STEMS:
        known.update(fresh)
        return list(map(known.__getitem__, words))
    return [fresh[word] if word in fresh else known[word] for word in words]


@dataclass(frozen=True)
class Tokenizer:
    """Turns text into index terms; every rule can be switched off to compare.

    News rules (`acronyms`, `numbers`): "U.S.", "US" and "U.S" are one term, and so are
    "W.H.O." and "WHO"; a word in capitals is an acronym, not a stopword ("WHO", "US", "IT"
    are kept; "who", "us", "It" are not), except in text set all in capitals
    (`is_shouting`); "six" meets "6", "fifth" meets "5th", "1,500" is one term.
    """

    stem: bool = True
    stopwords: bool = True
    irregular: bool = True  # map "began" to "begin", "children" to "child" before stemming
    acronyms: bool = True
    numbers: bool = True

    @property
    def signature(self) -> str:
        """Identifies the token rules, so an index built with other rules is not reused
        (v4: letters without a decomposition and digits that are not ASCII folded, `fold`:
        an index of v3 terms is rebuilt, and titles' stored v3 terms are not trusted)."""
        return (
            f"v4:stem={int(self.stem)}:stop={int(self.stopwords)}:irr={int(self.irregular)}"
            f":acr={int(self.acronyms)}:num={int(self.numbers)}"
        )

    @cached_property
    def _stemmers(self) -> threading.local:
        # A PyStemmer stemmer keeps state while it stems and must not be shared by threads
        # that may stem at once: questions, catch-ups and digests run in worker threads.
        return threading.local()

    def _stemmer(self) -> Stemmer.Stemmer:
        """The calling thread's stemmer (its own small cache: `_stems` is the big one)."""
        local = self._stemmers
        stemmer: Stemmer.Stemmer | None = getattr(local, "stemmer", None)
        if stemmer is None:
            stemmer = local.stemmer = Stemmer.Stemmer("english")
        return stemmer

    @cached_property
    def _pieces_pattern(self) -> str:
        kinds = [_DOTTED] * self.acronyms + [_NUMBER] * self.numbers + [_WORD]
        return "|".join(kinds)

    @cached_property
    def _pieces(self) -> re.Pattern[str]:
        return re.compile(self._pieces_pattern)

    def _patterns(self, text: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
        """The patterns of words, of a run that may be joined words, and of the pieces of
        such a run, for `text`: with marks in words if it is not ASCII."""
        if text.isascii():
            return _TOKEN, _MAYBE_JOINED, self._pieces
        return _wide(_TOKEN.pattern), _wide(_MAYBE_JOINED.pattern), _wide(self._pieces_pattern)

    def _split(self, text: str) -> list[tuple[str, int]]:
        """The words of `text` as written (no invisible characters), with their offsets."""
        token, maybe_joined, pieces_of = self._patterns(text)
        found = [(m.group(), m.start()) for m in token.finditer(text)]
        if not maybe_joined.search(text):
            return found
        # Only a word with a dot or comma in it can be pieces: any other is one `_WORD`.
        pieces = pieces_of.finditer
        return [
            piece
            for word, start in found
            for piece in (
                [(p.group(), start + p.start()) for p in pieces(word)]
                if "." in word or "," in word
                else ((word, start),)
            )
        ]

    def words(self, text: str) -> list[tuple[str, int, int]]:
        """The (term, start, end) of every indexable word, offsets into `text` as given.

        Offsets index the original string, so highlights line up with what the user reads;
        NFKC is applied word by word for that reason. CJK bigrams overlap.
        """
        plain = _spaced(text)  # one character for one: the offsets stay those of `text`
        if plain.isascii():  # NFKC leaves ASCII as it is; each word's final term, cached
            split = self._split(plain)
            terms = self._written_aligned([w for w, _ in split])
            return [(t, a, a + len(w)) for t, (w, a) in zip(terms, split, strict=True) if t]
        shown = visible(text)
        # where each character of `shown` is in `text`, and the end
        at: Sequence[int] = range(len(text) + 1)
        if len(shown) < len(text):
            at = [i for i, c in enumerate(text) if not _INVISIBLE.fullmatch(c)] + [len(text)]
        words: list[str] = []
        spans: list[tuple[int, int]] = []
        for word, start in self._split(shown):
            end = start + len(word)
            normal = unicodedata.normalize("NFKC", word)
            for piece, a, b in _cjk_pieces(normal):
                words.append(piece)
                # a piece of a word NFKC made shorter or longer: the whole word is its place
                a, b = (start + a, start + b) if len(normal) == len(word) else (start, end)
                spans.append((at[a], at[b - 1] + 1))
        terms = self._written_aligned(words)
        return [(t, a, b) for t, (a, b) in zip(terms, spans, strict=True) if t]

    def __call__(self, text: str) -> list[str]:
        """The terms of `text` in order, repeats kept (BM25 counts them)."""
        text, words = self._route(text)
        if words is not None:
            return self._ascii_terms(words)
        return self._written_terms(self._written_words(text))

    def _written_words(self, text: str) -> list[str]:
        """The words of normalized `text` as written, runs split into their pieces, CJK runs
        into bigrams."""
        token, maybe_joined, pieces_of = self._patterns(text)
        words = token.findall(text)
        if maybe_joined.search(text):
            # Only a word with a dot or comma in it can be pieces (most of a long text is not).
            pieces = pieces_of.findall
            words = [
                piece
                for word in words
                for piece in (pieces(word) if "." in word or "," in word else (word,))
            ]
        if text.isascii() or not _CJK.search(text):
            return words
        return [piece for word in words for piece, _, _ in _cjk_pieces(word)]

    def written_many(self, texts: Sequence[str]) -> list[list[str]]:
        """`self(text)` of each text off the common path (`ascii_words` is None) that is
        ASCII once `SPACED` characters are spaces (words joined by "." or ",", a stopword in
        capitals: one news sentence in eleven), their words found in one pass over them all
        and looked up at once; a text set in capitals with a stopword among them alone."""
        if not texts:
            return []
        spaced = [_spaced(text) for text in texts]
        if not all(map(str.isascii, spaced)):
            raise ValueError("written_many takes texts that are ASCII once spaced")
        # One such text is NFKC already (SPACED characters have no other form), and its words
        # are found alike with or without those characters (neither words nor marks).
        split = self._pieces.findall  # only a word with a dot or comma in it can be pieces
        pieces = [
            piece
            for word in _TOKEN.findall(_MANY_JOIN.join(spaced))
            for piece in (split(word) if "." in word or "," in word else (word,))
        ]
        ends = [at for at, piece in enumerate(pieces) if piece == _MANY_SEPARATOR]
        ends.append(len(pieces))
        # (the separator's term is remembered too: no text read alone holds it, NFKC's)
        terms = _through_cache(self._written, pieces, self._written_final)
        made: list[list[str]] = []
        start = 0
        for end in ends:
            own = terms[start:end]
            if _ACRONYM in own:  # decided by the whole text (`is_shouting`)
                own = self._written_aligned(pieces[start:end])
            made.append(list(filter(None, own)))
            start = end + 1
        return made

    def ascii_words(self, text: str) -> list[bytes] | None:
        """The case-folded words of `text` as bytes when it takes the common path (ASCII
        once a few quotes and dashes are spaces, no acronym or joined words): its terms are
        then `ascii_terms` of them, in order, the left-out words dropped. None otherwise."""
        return self._route(text)[1]

    def ascii_terms(self, words: list[bytes]) -> list[str | None]:
        """Each of `ascii_words`'s words' term, None for a word left out (a stopword...)."""
        return _through_cache(
            self._ascii, words, lambda missing: self._final_terms([w.decode() for w in missing])
        )

    def _route(self, text: str) -> tuple[str, list[bytes] | None]:
        """`text` normalized, and its words as bytes if it takes the common path, None if it
        takes the path of words as written (acronyms, joined words, text not ASCII)."""
        text = _normal(text)
        ascii_text = _spaced(text)
        if not ascii_text.isascii():
            # Words are found before case-folding, which may make a mark of a letter
            # ("İ" is "i" and a dot above), and folded one by one (`fold`).
            return text, None
        if _MAYBE_JOINED.search(text) or self._has_capital_stopword(text):
            return text, None
        # Most sentences: an ASCII text (most news, once a few quotes and dashes are
        # spaces) with no capitals or dots that decide anything; its words are found as
        # bytes, case-folded by the same translation.
        return text, ascii_text.encode().translate(_ASCII_WORD_BYTES).split()

    @cached_property
    def _ascii(self) -> dict[bytes, str | None]:
        # A lower-cased ASCII word's final term on the common path (None: left out), so that
        # a word costs one lookup, not a stopword test, a form lookup and a stem lookup.
        return {}

    def _ascii_terms(self, words: list[bytes]) -> list[str]:
        """The terms of lower-cased ASCII words given as bytes: stopwords and overlong words
        out, forms replaced, stemmed. Through a cache shared by threads, which only grows (to
        a bound), like `_stems`."""
        return list(filter(None, self.ascii_terms(words)))

    @cached_property
    def _written(self) -> dict[str, str | None]:
        # A word as written (NFKC) to its final term, or None, or _ACRONYM for a stopword in
        # capitals, whose term depends on the whole text (`is_shouting`): for the texts off
        # the common path (`ascii_words`), one lookup a word.
        return {}

    def _written_terms(self, words: list[str]) -> list[str]:
        """`_terms` of words as written, stemmed, without the left-out ones: one cached
        lookup a word, and `is_shouting` only for a text with a stopword in capitals."""
        return list(filter(None, self._written_aligned(words)))

    def _written_aligned(self, words: list[str]) -> list[str | None]:
        """`_written_terms`, with None for each word left out."""
        terms = _through_cache(self._written, words, self._written_final)
        if _ACRONYM in terms:
            shouting = is_shouting(words)
            acronyms = [
                None if shouting else fold(word)
                for word, term in zip(words, terms, strict=True)
                if term == _ACRONYM
            ]
            kept = [a for a in acronyms if a is not None]
            stems = iter(self._stem(kept) if self.stem else kept)
            decided = iter([None if a is None else next(stems) for a in acronyms])
            terms = [next(decided) if term == _ACRONYM else term for term in terms]
        return terms

    def _written_final(self, words: list[str]) -> list[str | None]:
        """Each distinct written word's final term as `_terms` and the stemmer make it, but
        _ACRONYM for a stopword in capitals (`_terms` decides those by the whole text)."""
        acronyms = self.acronyms and self.stopwords
        maybe = [
            _ACRONYM
            if acronyms and len(word) > 1 and word.isupper() and fold(word) in LEFT_OUT
            else None
            for word in words
        ]
        terms = self._terms([word for word, m in zip(words, maybe, strict=True) if m is None])
        kept = [term for term in terms if term]
        stems = iter(self._stem(kept) if self.stem else kept)
        plain = iter([next(stems) if term else None for term in terms])
        return [m if m is not None else next(plain) for m in maybe]

    def _final_terms(self, words: list[str]) -> list[str | None]:
        """Each distinct case-folded word's term: None for a stopword or an overlong word,
        else its form (number words, irregular forms) stemmed."""
        stopwords = LEFT_OUT if self.stopwords else frozenset()
        kept = [w for w in words if len(w) <= MAX_TOKEN_LENGTH and w not in stopwords]
        forms = [self._forms.get(word, word) for word in kept]
        terms = dict(zip(kept, self._stem(forms) if self.stem else forms, strict=True))
        return [terms.get(word) for word in words]

    def _has_capital_stopword(self, text: str) -> bool:
        return (
            self.acronyms
            and self.stopwords
            and _MAYBE_CAPITALS.search(text) is not None
            # runs of capitals first, found as bytes: a whole article has many, and few of
            # them are stopwords (every \b[A-Z]{2,}\b is one of these runs)
            and not CAPITAL_STOPWORDS.isdisjoint(
                text.encode("utf-8", "surrogatepass").translate(_CAPITALS_ONLY).split()
            )
            and any(w.lower() in LEFT_OUT for w in _CAPITALS.findall(text))
        )

    @cached_property
    def _forms(self) -> dict[str, str]:
        """Words replaced before stemming: number words by digits, irregular forms, and
        `UNSPELT_FORMS` by what their words with the apostrophe become ("won" is "win")."""
        forms = {**(NUMBERS if self.numbers else {}), **(IRREGULAR if self.irregular else {})}
        return forms | {unspelt: forms.get(word, word) for unspelt, word in UNSPELT_FORMS.items()}

    def _terms(self, words: Sequence[str]) -> list[str | None]:
        """Each word's term before stemming, or None for a word left out. Case decides
        here, so `words` come as written (NFKC-normalized), not case-folded."""
        stopwords = LEFT_OUT if self.stopwords else frozenset()
        forms, acronyms = self._forms, self.acronyms
        terms: list[str | None] = []
        append = terms.append
        shouting: bool | None = None  # decided only when a stopword in capitals needs it
        for word in words:
            term = fold(word)
            if term in stopwords:
                if acronyms and len(word) > 1 and word.isupper():
                    if shouting is None:
                        shouting = is_shouting(words)
                    if not shouting:
                        append(term)  # an acronym: WHO, US, IT
                        continue
                append(None)
            elif len(term) > MAX_TOKEN_LENGTH:
                append(None)
            elif "." in term and not term[0].isdigit():
                append(term.replace(".", ""))  # a dotted abbreviation: always kept
            else:
                if "," in term:
                    term = term.replace(",", "")  # 1,500 is 1500
                append(forms.get(term, term))
        return terms

    @cached_property
    def _stems(self) -> dict[str, str]:
        # A dict lookup is ten times cheaper than the stemmer, and news vocabulary repeats.
        return {}

    def _stem(self, words: list[str]) -> list[str]:
        """Stem through a cache shared by threads: it only grows (to a bound), so a word found
        in it stays there, and the words this call stems come from its own results."""
        stems = self._stems
        missing = [w for w in words if w not in stems]
        if not missing:
            return [stems[w] for w in words]
        fresh = dict(zip(missing, self._stemmer().stemWords(missing), strict=True))
        if len(stems) < MAX_CACHED_STEMS:
            stems.update(fresh)
        return [fresh[w] if w in fresh else stems[w] for w in words]
