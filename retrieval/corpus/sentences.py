"""An article into sentences: its paragraphs, datelines cut off (`furniture`), each split
by Punkt (`punkt`) with the breaks news copy needs that its tables lack, a bound on what one
sentence may be, and page furniture left out.

A sentence is what the index scores and what a reply quotes, so a "sentence" of megabytes
(text with no full stops, a page of CJK, a list run together) would be searched, scored and
sent whole. Past `MAX_SENTENCE_CHARS` a run is cut: at clause punctuation, else between
words, else (one endless word) at the limit itself.

Every article records the version of these rules its sentences were split by: a change here
that splits some text otherwise bumps `splitter.SPLITTER_VERSION`, and `newsbot reindex`
splits the articles stored before it again.
"""

from __future__ import annotations

import re

from retrieval.corpus.clutter import without_clutter
from retrieval.corpus.furniture import from_dateline, is_furniture
from retrieval.corpus.punkt import punkt_tokenizer
from retrieval.corpus.text import paragraphs
from retrieval.index.tokens import STOPWORDS

# Longer runs are cut. Real news sentences over 1,000 characters are about 3 in 100,000
# (news-1m 32 of 1,040,334, news-qa-dev 12 of 647,595, BBC 1 of 39,339, Reuters none; over
# 500 it would be 35 in 100,000), and those are lists of names or wire items run together.
# benchmarks/sentence_lengths.py measures it; docs/retrieval.md has the table.
MAX_SENTENCE_CHARS = 1000

# Where a long run may be cut, after the mark: clause punctuation followed by a space, a
# spaced dash, an ellipsis, or CJK punctuation (which takes no space after it).
_CLAUSE_BREAK = re.compile(
    r"(?:[,;:)\]}\u2014\u2013]|\s-)(?=\s)|\.{3}|\u2026|[\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f]"
)
_WORD_BREAK = re.compile(r"\s+")


def bound_sentence(text: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """`text` as pieces of at most `limit` characters (one piece when it is short enough).

    Each cut is at the last clause break in the second half of the piece, else at its last
    space, else at `limit`: pieces stay as long as they may be and end where a reader pauses.
    Linear in the length of `text`.
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = _last_end(_CLAUSE_BREAK, text, start + limit // 2, end)
        if cut is None:
            space = _last_start(_WORD_BREAK, text, start + 1, end + 1)
            cut = space if space is not None else end
        piece = text[start:cut].strip()
        if piece:
            pieces.append(piece)
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return pieces


def _last_end(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    """The end of the last match of `pattern` that ends within text[lo:hi]."""
    last = None
    for match in pattern.finditer(text, lo, hi):
        last = match.end()
    return last


def _last_start(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    """The start of the last match of `pattern` that starts within text[lo:hi]."""
    last = None
    for match in pattern.finditer(text, lo, hi):
        last = match.start()
    return last


# A lone capital initial ("J. K. Rowling") ends no sentence; Punkt's tables miss some.
_INITIAL_BREAK = re.compile(r"(?:^|\s)[A-Z]\.$")


def _ends_with_initial(text: str) -> bool:
    """`_INITIAL_BREAK.search(text)`, read from the end (the search scans the whole text)."""
    if text.endswith("\n"):  # `$` also matches before a final newline
        return _INITIAL_BREAK.search(text) is not None
    return (
        len(text) >= 2
        and text[-1] == "."
        and "A" <= text[-2] <= "Z"
        and (len(text) == 2 or text[-3].isspace())  # what `\s` matches
    )


# "No." is an abbreviation for "No. 10 Downing Street", so Punkt keeps "Russia voted no. China
# abstained." whole; a lower-case "no." before a capital is the word, ending its sentence.
_WORD_NO_BREAK = re.compile(r"(?<![\w.])no\.(?= +[A-Z])")


# "according to the U.S. | Fish and Wildlife Service": Punkt breaks after an abbreviation
# before a capitalised word it has seen in lower case. After a run of initials ("U.S.",
# "L.A.", "D.C.") a capitalised word goes on the name ("U.S. Circuit", "L.A. Coliseum")
# unless it is one a sentence starts with: a function word ("The", "She", "At") or one of
# Punkt's sentence starters ("However", "Meanwhile").
_ENDS_WITH_RUN = re.compile(r"(?<!\S)(?:[A-Z]\.){2,3}\Z")
_RUN_TAIL = 7  # "\sU.S.A.": where `_ENDS_WITH_RUN` is looked for, not the whole sentence
# a plural's possessive goes on too: "the 2012 U.S. Girls’ Junior", "J.D. Powers' Banks"
_NAME_GOES_ON = re.compile(r"[A-Z][a-z]+(?=s[’'](?!\w)|(?![\w'’]))")


def _name_goes_on(sentence: str, after: str) -> bool:
    """Whether `after` continues a name that `sentence` ends with a run of initials of."""
    tail = max(0, len(sentence) - _RUN_TAIL)
    if not sentence.endswith(".") or _ENDS_WITH_RUN.search(sentence, tail) is None:
        return False
    word = _NAME_GOES_ON.match(after)
    if word is None:
        return False
    key = word.group().lower()
    return key not in STOPWORDS and key not in punkt_tokenizer()._params.sent_starters


# "retiring Sen. | Rob Portman", "the plant in St. | Petersburg.": Punkt breaks after a title
# before a name it has seen open sentences. A title goes on to the name after it, unless
# that is a word a sentence starts with ("on Main St. The shop") or the title is a street's
# ("Tampa St. Healthy tips": "St." and "Dr." after a capitalised word or a number). And
# Punkt reads no abbreviation in a word a quotation opens ("“Dr. | Oz”", "said “U.S. |
# citizens should"): so marked, one goes on to a word in lower case, a title or a run of
# initials to a name too.
_TITLES = frozenset(
    {"mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "rev", "hon", "st", "sen"}
    | {"sens", "rep", "reps", "gov", "govs", "pres", "amb", "atty", "supt", "det", "insp"}
    | {"gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt"}
)
_STREETS = frozenset({"st", "dr"})  # Saint and Doctor before a name, Street and Drive after
_OPENING_MARKS = "“\"‘'«(["


def _abbreviation_goes_on(sentence: str, after: str) -> bool:
    """Whether `sentence` ends with a title or a quoted abbreviation that `after` goes on
    from, one sentence with it."""
    token = sentence[sentence.rfind(" ") + 1 :]
    if not (token[:1].isupper() or token[:1] in _OPENING_MARKS):  # "said.": most ends
        return False
    core = token.lstrip(_OPENING_MARKS)
    if len(core) < 2 or core[-1] != ".":
        return False
    name = core[:-1].lower()
    if name in _STREETS and _names_a_street(sentence, len(token)):
        return False
    if name in _TITLES or (core != token and _ENDS_WITH_RUN.fullmatch(core)):
        word = _NAME_GOES_ON.match(after)
        if word is not None:
            key = word.group().lower()
            return key not in STOPWORDS and key not in punkt_tokenizer()._params.sent_starters
    return core != token and after[:1].islower() and _is_abbreviation(name)


def _names_a_street(sentence: str, token: int) -> bool:
    """Whether the "St." or "Dr." that ends `sentence` (its last `token` characters) follows
    a street's name or number ("635 St. Louis St.", "Sunset Dr."), where it ends one."""
    before = sentence[: len(sentence) - token].rstrip()
    word = before[before.rfind(" ") + 1 :]
    return word[:1].isupper() or word[:1].isdigit()


def _is_abbreviation(name: str) -> bool:
    return name in punkt_tokenizer()._params.abbrev_types


# "She grew up in Cortland, N.Y. Cortland is small.": a state's abbreviation is one for
# Punkt ("N.Y." a run of initials, "Calif." in its tables), and Punkt breaks after one only
# before a word it takes for a sentence's first ("The", "He"), never before a name. After a
# place, news writes the state with a comma when the sentence goes on ("Cortland, N.Y.,
# police said"): without one, a capitalised word starts the next sentence, if a sentence
# follows (not in a list's "Bardstown, Ky. Jailers Inn"). "D.C." also names the city's own
# ("Washington, D.C. Mayor Muriel Bowser", "the audit, D.C. Housing"): after it, as after
# "U.S.", only a word a sentence starts with does (`_name_goes_on`).
_STATES = (
    *("Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ia", "Ill", "Ind"),
    *("Kan", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev"),
    *("N.H", "N.J", "N.M", "N.Y", "N.C", "N.D", "Okla", "Ore", "Pa", "R.I", "S.C", "S.D"),
    *("Tenn", "Tex", "Vt", "Va", "Wash", "W.Va", "Wis", "Wyo", "D.C"),
)
_ARTICLES = frozenset({"the", "a", "an"})
_STATE_NAMES = "|".join(re.escape(state) for state in _STATES)
_STATE_MENTION = re.compile(rf", (?:{_STATE_NAMES})\. +[A-Z]")  # opens with ", ": found fast
_STATE_END = re.compile(
    rf"(?<![\w’'-])[A-Z][\w’'-]*[a-z], (?:{_STATE_NAMES})\."
    r"(?= +([A-Z][^\s.]*).*(?:[a-z]{2}|[\d\"”’)])[.!?](?:\s|$))"  # a sentence's end, no "Rd."
)


def _parted_after_states(sentence: str) -> list[str]:
    """`sentence` cut after each place's state a new sentence follows (`_STATE_END`), where
    the place ends what comes before it ("She grew up in Cortland, N.Y."): after a word in
    lower case that is no article. A place that names what follows ("The Atlanta, Ga. City
    Council voted", "Johnson & Johnson, N.J. Inc.") is no sentence's end."""
    parts, start = [], 0
    for match in _STATE_END.finditer(sentence):
        if match.group().endswith("D.C.") and _name_goes_on(match.group(), match[1]):
            continue
        before = sentence[: match.start()].split()
        while before and before[-1][:1].isupper():  # the place's other words: "Seaside"
            before.pop()
        if not before or not before[-1].islower() or before[-1] in _ARTICLES:
            continue
        parts.append(sentence[start : match.end()])
        start = match.end()
    parts.append(sentence[start:])
    return [part for part in map(str.strip, parts) if part]


# "“There it is!” | she yelled.", "Ripley's Believe It or Not! | on Hollywood Boulevard",
# "Rep. Bennie Thompson, D-Miss. | said": Punkt breaks after a "!" or "?" (a quotation's, a
# title's) and after a party and state before any word. A sentence goes on after one, or
# after a quotation's full stop, when a word in lower case follows: news opens no sentence
# so, but with a name written so ("iPhone", "eBay") or an address ("facebook.com").
_GOES_ON_AFTER = re.compile(r"(?:[!?][\"”’')\]]*|\.[\"”’')\]]+|(?<!\S)[DRI]-[A-Z][a-z]*\.)\Z")
_LOWER_WORD = re.compile(r"[a-z][a-z’'-]*(?=[\s,;!?)\]\"”]|:(?!//)|\.(?!\w)|\Z)")


def _sentence_goes_on(sentence: str, after: str) -> bool:
    """Whether `after`, opening with a word in lower case, goes on from `sentence`, which a
    quotation, a "!" or "?", or a party and state ends (`_GOES_ON_AFTER`)."""
    return (
        _LOWER_WORD.match(after) is not None
        and _GOES_ON_AFTER.search(sentence, max(0, len(sentence) - 12)) is not None
    )


# "fact No. | 15.)", "Wilmington, Del. | and Tuesday to Hemlock", "40 oz. | to Fresno",
# "25 Mio. | Versicherte", "fallübergreifende bzw. | lebenslange": Punkt breaks after an
# abbreviation its tables have before a word it has seen open sentences, or after one they
# lack. A sentence goes on after "No." before a number, after a state's abbreviation or a
# number's unit before a word in lower case (news opens no sentence so), and after German's
# "bzw." ("or rather"), a number's "Mio." or "Mrd." (million, billion) and "Nr." before a
# number, which end none.
_GOES_ON_TO = (
    (re.compile(r"(?:^|[\s“\"‘'(])No\.\Z"), re.compile(r"\d")),
    (re.compile(rf"(?<![\w.])(?:{_STATE_NAMES})\.\Z"), _LOWER_WORD),
    (re.compile(r"\d(?:[ -]|[ -]sq )?(?:oz|lbs?|mi|in|kg|ft|tsp|[Tt]bsp)\.\Z"), _LOWER_WORD),
    (re.compile(r"(?:(?<!\S)bzw|\d (?:Mio|Mrd))\.\Z"), re.compile(r"\w")),
    (re.compile(r"(?<!\S)Nr\.\Z"), re.compile(r"\d")),
)
_GOES_ON_TAIL = 40  # where the endings of `_GOES_ON_TO` are looked for
# the words they end with (after a hyphen: "1.33-lbs."): other sentences are passed at a look
_GOES_ON_WORDS = frozenset(
    ["No", *_STATES, "oz", "lb", "lbs", "mi", "in", "kg", "ft", "tsp", "tbsp", "Tbsp"]
    + ["bzw", "Mio", "Mrd", "Nr"]
)


def _abbreviation_goes_on_to(sentence: str, after: str) -> bool:
    """Whether `after` goes on from `sentence`, which ends with an abbreviation that ends no
    sentence before it (`_GOES_ON_TO`)."""
    word = sentence[sentence.rfind(" ") + 1 : -1]
    if word[word.rfind("-") + 1 :].lstrip(_OPENING_MARKS) not in _GOES_ON_WORDS:
        return False
    tail = max(0, len(sentence) - _GOES_ON_TAIL)
    return any(
        opening.match(after) is not None and ending.search(sentence, tail) is not None
        for ending, opening in _GOES_ON_TO
    )


def punkt_sentences(paragraph: str) -> list[str]:
    """Punkt's sentences of one paragraph, lone initials and names after a run of initials
    joined to what follows, and a word in lower case to the quotation or "!" before it; a
    sentence ending in the word "no." or a place's state parted from the next; unbounded."""
    merged: list[str] = []
    for piece in punkt_tokenizer().tokenize(paragraph):
        last = merged[-1] if merged else ""
        # the first two joins want a capital and a dot at the end (or `$`'s newline), the
        # last a word in lower case after: most sentences are passed at this first look
        if (
            (
                (last[-2:-1].isupper() or last.endswith("\n"))
                and (_ends_with_initial(last) or _name_goes_on(last, piece))
            )
            or (last[-1:] == "." and _abbreviation_goes_on(last, piece))
            or (piece[:1].islower() and last and _sentence_goes_on(last, piece))
            or (last[-1:] == "." and _abbreviation_goes_on_to(last, piece))
        ):
            merged[-1] = f"{last} {piece}"
        else:
            merged.append(piece)
    if "no. " in paragraph:
        merged = [part for sentence in merged for part in _parted_after(_WORD_NO_BREAK, sentence)]
    if _STATE_MENTION.search(paragraph):
        merged = [part for sentence in merged for part in _parted_after_states(sentence)]
    return merged


def _parted_after(pattern: re.Pattern[str], sentence: str) -> list[str]:
    """`sentence` cut after each match of `pattern`, the pieces stripped, none empty."""
    parts, start = [], 0
    for match in pattern.finditer(sentence):
        parts.append(sentence[start : match.end()])
        start = match.end()
    parts.append(sentence[start:])
    return [part for part in map(str.strip, parts) if part]


# The full stops of scripts Punkt's English tables do not know: Chinese and Japanese "。！？"
# (written without a space after them, so a whole paragraph would otherwise be one sentence),
# Devanagari's danda "।". One inside closing quotes ends a quotation, which the sentence
# goes on after ("「本当ですか？」と彼は言った。"), as an English one does.
_OTHER_FULL_STOP = re.compile(
    r"[\u3002\uff01\uff1f\u0964]++(?![\u300d\u300f\u201d\u2019\uff09)\]])"  # a run, whole
)


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; keeps quotes, decimals and abbreviations whole.

    No sentence is longer than MAX_SENTENCE_CHARS: longer runs are cut (`bound_sentence`).
    """
    sentences = punkt_sentences(paragraph)
    if _OTHER_FULL_STOP.search(paragraph):  # a stop inside closing quotes cuts nothing
        sentences = [
            part for sentence in sentences for part in _parted_after(_OTHER_FULL_STOP, sentence)
        ]
    if all(len(sentence) <= MAX_SENTENCE_CHARS for sentence in sentences):
        return sentences
    return [bounded for sentence in sentences for bounded in bound_sentence(sentence)]


def article_sentences(text: str) -> list[tuple[int, str]]:
    """Split an article body into (paragraph number, sentence) pairs, in reading order;
    datelines cut off, page furniture left out and clutter cut out (`from_dateline`,
    `is_furniture`, `clutter.without_clutter`), unless it is all there is."""
    sentences = [
        (number, sentence)
        for number, paragraph in from_dateline(paragraphs(text))
        for sentence in split_sentences(paragraph)
    ]
    prose = [pair for pair in without_clutter(sentences) if not is_furniture(pair[1])]
    return prose or sentences
