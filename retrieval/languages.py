"""The language a text's small words say it is written in, and those words as terms.

The tokenizer leaves out English stopwords only: in a German report "die", "der", "und" and
"für" are terms like any other, and in a mostly English corpus they are rare, so idf weighs
them as it weighs a name. Two German reports of different stories then look alike through
their grammar (a digest made a pension reform and heating oil prices one story). The
digest reads a text whose small words are mostly those of one other language without that
language's small words, and its other words stemmed by that language's rules
(`digest.story_terms.story_terms`). Questions are searched as before: a German question still
matches an English "die" (the index holds every language's words, and a short question's
language is seldom sure).

Told in two steps. First by counting each language's own function words (the `stop-words`
package's lists, less NLTK's English ones): another language is a candidate where its words
are at least `MIN_FUNCTION_WORDS` and more than the text's English stopwords, so English
text, which holds dozens of its own, is settled at once. The lists are generous ("point",
"comment", "car" and "vs" are French ones: 514 Reuters earnings tables would count as
French), so a candidate is then confirmed by `py3langid`'s model of the whole text
(1-2 ms a text, spent only on the few candidates). Only languages written with spaces
between words are listed; Chinese, Japanese and Korean text is read in character pairs,
where a list of words does not apply.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache

import py3langid
import Stemmer
from stop_words import LANGUAGE_MAPPING, get_stop_words

from retrieval.index.tokens import STOPWORDS

LANGUAGES = (
    "arabic", "bulgarian", "catalan", "czech", "danish", "dutch", "finnish", "french",
    "german", "greek", "hebrew", "hindi", "hungarian", "indonesian", "italian", "malaysian",
    "norwegian", "persian", "polish", "portuguese", "romanian", "russian", "slovak",
    "spanish", "swedish", "turkish", "ukrainian",
)  # fmt: skip
ENGLISH = "english"
MIN_FUNCTION_WORDS = 3  # of another language's, to read a text as in it
_WORD = re.compile(r"\w+")


# Words the `stop-words` lists hold that name what news is about: "Estados Unidos", "el
# estado", "el tiempo" (the weather), "l'État", "lo stato", "год" (the year), "время".
_NEWS_WORDS = frozenset(
    ("estado", "estados", "trabajo", "tiempo", "parte", "mayor", "nuevo", "nueva", "état",
     "états", "stato", "stati", "tempo", "год", "года", "время", "жизнь")
)  # fmt: skip


@cache
def function_words() -> dict[str, frozenset[str]]:
    """Each language's function words, case-folded as written (`_NEWS_WORDS` left out)."""
    words = {
        name: frozenset(w.casefold() for w in get_stop_words(name)) - _NEWS_WORDS
        for name in LANGUAGES
    }
    words[ENGLISH] = STOPWORDS
    return words


@cache
def _languages_by_word() -> dict[str, tuple[str, ...]]:
    """The languages other than English each word of their lists is a function word of,
    for the words that are no English stopword (nor of one letter: "U.S." is no Slovak)."""
    languages: dict[str, list[str]] = {}
    for name, words in function_words().items():
        if name != ENGLISH:
            for word in words - STOPWORDS:
                if len(word) > 1:
                    languages.setdefault(word, []).append(name)
    return {word: tuple(names) for word, names in languages.items()}


@cache
def _foreign_words() -> frozenset[str]:
    return frozenset(_languages_by_word())


def language_of(text: str) -> str:
    """The language whose own function words `text` holds the most of (distinct words: a
    table's "vs" on every line is one), if they are at least `MIN_FUNCTION_WORDS`, more than
    its English stopwords and `py3langid` agrees; else `ENGLISH`."""
    words = set(_WORD.findall(text.casefold()))
    foreign = words & _foreign_words()
    if len(foreign) < MIN_FUNCTION_WORDS:  # nearly every text in an English corpus
        return ENGLISH
    by_word = _languages_by_word()
    counts = Counter(name for word in foreign for name in by_word[word])
    name, most = max(counts.items(), key=lambda item: (item[1], item[0]))
    if most < MIN_FUNCTION_WORDS or most <= len(words & STOPWORDS):
        return ENGLISH
    return name if _modelled(text) in _CODES[name] else ENGLISH


# ISO 639-1 codes by `stop-words`' names; langid's Norwegian is "no" where the lists' is "nb".
_CODES = {name: {code} for code, name in LANGUAGE_MAPPING.items()}
_CODES["norwegian"].add("no")


def _modelled(text: str) -> str:
    """py3langid's language code for `text`."""
    code, _ = py3langid.classify(text)
    return str(code)


@cache
def _function_terms(language: str, tokenize: Callable[[str], list[str]]) -> frozenset[str]:
    return frozenset(t for word in function_words()[language] for t in tokenize(word))


def function_terms(language: str, tokenize: Callable[[str], list[str]]) -> frozenset[str]:
    """`language`'s function words as `tokenize` makes them terms (folded and stemmed as
    the text's own are); none for English, whose stopwords the tokenizer leaves out."""
    if language == ENGLISH:
        return frozenset()
    return _function_terms(language, tokenize)


def content_terms(
    language: str, terms: Iterable[str], tokenize: Callable[[str], list[str]]
) -> list[str]:
    """`terms` (made by `tokenize` of a text in `language`) without `language`'s function
    words, the rest stemmed by its Snowball rules: the tokenizer's English ones leave
    "Streik" and "streiken", "Deutsche" and "Deutschen" apart, which two German reports of
    one strike word each their way. English terms as they are."""
    if language == ENGLISH:
        return list(terms)
    small = function_terms(language, tokenize)
    content = [t for t in terms if t not in small]
    if language not in _STEMMED:
        return content
    stemmer = Stemmer.Stemmer(language)  # one a call: a stemmer is no thread's to share
    return list(stemmer.stemWords(content))


_STEMMED = frozenset(Stemmer.algorithms()) - {ENGLISH}
