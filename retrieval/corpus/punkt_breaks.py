"""Where a paragraph's sentences break: Punkt's sentences (`punkt`) joined again where news
copy goes on past a break its tables make (initials, a name after "U.S.", titles, a
quotation's attribution, German ordinals and abbreviations: `ordinal_breaks`, French
guillemets), and parted where they miss one (the word "no.", a place's state).

Apart from the article's way into sentences (`sentences`), which splits each paragraph with
these, then parts other scripts' full stops and bounds each sentence's length. Part of the
splitter's rules: a change that splits some text otherwise bumps `splitter.SPLITTER_VERSION`.
"""

from __future__ import annotations

import re

from retrieval.corpus.ordinal_breaks import ordinal_goes_on
from retrieval.corpus.punkt import is_abbreviation, punkt_tokenizer
from retrieval.corpus.sentence_starts import goes_on_a_sentence
from retrieval.index.tokens import STOPWORDS

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
    return goes_on_a_sentence(word.group())


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
            return goes_on_a_sentence(word.group())
    return core != token and after[:1].islower() and is_abbreviation(name)


def _names_a_street(sentence: str, token: int) -> bool:
    """Whether the "St." or "Dr." that ends `sentence` (its last `token` characters) follows
    a street's name or number ("635 St. Louis St.", "Sunset Dr."), where it ends one."""
    before = sentence[: len(sentence) - token].rstrip()
    word = before[before.rfind(" ") + 1 :]
    return word[:1].isupper() or word[:1].isdigit()


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
# after a quotation's full stop (French's "Jamais ! » a-t-il dit" spaced), when a word in
# lower case follows: news opens no sentence
# so, but with a name written so ("iPhone", "eBay") or an address ("facebook.com").
_GOES_ON_AFTER = re.compile(
    r"(?:[!?][\"”’')\]]*|\.[\"”’')\]]+|[.!?…][\s\u00a0\u202f]*»|(?<!\S)[DRI]-[A-Z][a-z]*\.)\Z"
)
_LOWER_WORD = re.compile(r"[a-z][a-z’'-]*(?=[\s,;!?)\]\"”]|:(?!//)|\.(?!\w)|\Z)")


def _sentence_goes_on(sentence: str, after: str) -> bool:
    """Whether `after`, opening with a word in lower case, goes on from `sentence`, which a
    quotation, a "!" or "?", or a party and state ends (`_GOES_ON_AFTER`)."""
    return (
        _LOWER_WORD.match(after) is not None
        and _GOES_ON_AFTER.search(sentence, max(0, len(sentence) - 12)) is not None
    )


# "“Go card!” | Woods tweeted.", "“Well, why is that, Kevin?” | Crawford asked.", "...for a
# decision.” | He added.": Punkt ends a sentence at a quotation's closing mark after a "!",
# "?" or full stop when a capital follows, and the attribution after it is left a sentence
# of its own, which quoted alone names nobody and leaves the quotation without its speaker.
# An attribution is a name of one to four capitalised words (no stopword: "That said.") or a
# pronoun, then a verb of saying and the full stop, nothing more; it goes on with the
# quotation. ("said Smith." goes on already, a word in lower case: `_sentence_goes_on`.)
_QUOTATION_END = re.compile(r"[!?.][\"”’']+\Z")
_CLOSING_QUOTES = ('"', "”", "’", "'")  # what `_QUOTATION_END` ends with, found at a look
_SAYING = (
    *("said", "says", "asked", "asks", "added", "adds", "wrote", "writes", "tweeted"),
    *("tweets", "posted", "posts", "texted", "replied", "replies", "responded", "responds"),
    *("answered", "continued", "continues", "concluded", "explained", "explains", "noted"),
    *("recalled", "recalls", "insisted", "joked", "quipped", "countered", "demanded"),
    *("wondered", "wonders", "exclaimed", "shouted", "yelled", "screamed", "screams"),
    *("whispered", "cried", "declared", "proclaimed", "interrupted", "remarked", "argued"),
)
_PRONOUNS = frozenset({"He", "She", "They", "I", "We", "It", "You"})
_ATTRIBUTION = re.compile(rf"((?:[A-Z][\w’'-]*\.? ){{1,4}})(?:{'|'.join(_SAYING)})\.")
_ATTRIBUTION_CHARS = 60


def _attribution_goes_on(sentence: str, after: str) -> bool:
    """Whether `after` is a name or a pronoun and a verb of saying alone (`_ATTRIBUTION`),
    the attribution of the quotation that ends `sentence` (`_QUOTATION_END`)."""
    if len(after) > _ATTRIBUTION_CHARS or _QUOTATION_END.search(sentence[-4:]) is None:
        return False
    attribution = _ATTRIBUTION.fullmatch(after)
    if attribution is None:
        return False
    names = attribution[1].split()
    if len(names) == 1 and names[0] in _PRONOUNS:
        return True
    return all(name.lower().rstrip(".") not in STOPWORDS for name in names)


# "fact No. | 15.)", "Wilmington, Del. | and Tuesday to Hemlock", "40 oz. | to Fresno",
# "25 Mio. | Versicherte", "fallübergreifende bzw. | lebenslange", "kam ca. | 10 Min. | zu
# spät", "Nach Art. | 5 GG": Punkt breaks after an abbreviation its tables have before a word
# it has seen open sentences, or after one they lack. A sentence goes on after "No." before a
# number, after a state's abbreviation or a number's unit before a word in lower case (news
# opens no sentence so), and after German's "bzw." ("or rather"), "ggf." ("if need be"),
# "evtl." ("possibly") and "inkl." ("including"), a number's "Mio." or "Mrd." (million,
# billion); before a number after "Nr.", "Art.", "Abs." (a law's article and paragraph),
# "Tel." and "ca." ("about", before a word in lower case too), and before a word in lower
# case after "usw." ("etc.") and a number's "Min." or "Std." (minutes, hours): which end none
# there. ("S. 12", a page, is a lone initial's.) "Art." and "Abs." are English words too
# ("Nature as Art. | 9 a.m. $30."): they go on to a number in German only (`_reads_german`).
_GERMAN_LOWER_WORD = re.compile(r"[a-zäöüß]")
_GOES_ON_TO = (
    (re.compile(r"(?:^|[\s“\"‘'(])No\.\Z"), re.compile(r"\d")),
    (re.compile(rf"(?<![\w.])(?:{_STATE_NAMES})\.\Z"), _LOWER_WORD),
    (re.compile(r"\d(?:[ -]|[ -]sq )?(?:oz|lbs?|mi|in|kg|ft|tsp|[Tt]bsp)\.\Z"), _LOWER_WORD),
    (re.compile(r"(?:(?<!\S)(?:bzw|ggf|evtl|inkl)|\d (?:Mio|Mrd))\.\Z"), re.compile(r"\w")),
    (re.compile(r"(?<!\S)(?:Nr|Tel|ca)\.\Z"), re.compile(r"\d")),
    (re.compile(r"(?:(?<!\S)(?:ca|usw)|\d (?:Min|Std))\.\Z"), _GERMAN_LOWER_WORD),
)
_GOES_ON_TAIL = 40  # where the endings of `_GOES_ON_TO` are looked for
# the words they end with (after a hyphen: "1.33-lbs."): other sentences are passed at a look
_GOES_ON_WORDS = frozenset(
    ["No", *_STATES, "oz", "lb", "lbs", "mi", "in", "kg", "ft", "tsp", "tbsp", "Tbsp"]
    + ["bzw", "ggf", "evtl", "inkl", "Mio", "Mrd", "Nr", "Art", "Abs", "Tel", "ca", "usw"]
    + ["Min", "Std"]
)


_LAW_CITATION = re.compile(r"(?<!\S)(?:Art|Abs)\.\Z")  # "nach Art. 5 Abs. 1 GG"
# words of German's that English has not, and its letters: a sentence with one reads German
_GERMAN_WORDS = frozenset(
    {"der", "das", "und", "nach", "gemäß", "laut", "ist", "nicht", "ein", "eine", "mit"}
    | {"von", "vom", "zu", "zum", "im", "dem", "auf", "sich", "wird", "sind"}  # no "die"
)


def _reads_german(sentence: str) -> bool:
    """Whether `sentence` has a German letter or one of `_GERMAN_WORDS` in its last words."""
    last_words = sentence[-80:]
    return any(letter in last_words for letter in "äöüßÄÖÜ") or not _GERMAN_WORDS.isdisjoint(
        last_words.lower().split()
    )


def _abbreviation_goes_on_to(sentence: str, after: str) -> bool:
    """Whether `after` goes on from `sentence`, which ends with an abbreviation that ends no
    sentence before it (`_GOES_ON_TO`)."""
    word = sentence[sentence.rfind(" ") + 1 : -1]
    if word[word.rfind("-") + 1 :].lstrip(_OPENING_MARKS) not in _GOES_ON_WORDS:
        return False
    tail = max(0, len(sentence) - _GOES_ON_TAIL)
    if _LAW_CITATION.search(sentence, tail) is not None:
        return after[:1].isdigit() and _reads_german(sentence)
    return any(
        opening.match(after) is not None and ending.search(sentence, tail) is not None
        for ending, opening in _GOES_ON_TO
    )


def punkt_sentences(paragraph: str) -> list[str]:
    """Punkt's sentences of one paragraph, lone initials and names after a run of initials
    joined to what follows, a word in lower case to the quotation or "!" before it and an
    attribution alone ("Woods tweeted.") to the quotation; a sentence ending in the word
    "no." or a place's state parted from the next; unbounded."""
    merged: list[str] = []
    for piece in punkt_tokenizer().tokenize(paragraph):
        last = merged[-1] if merged else ""
        # the first two joins want a capital and a dot at the end (or `$`'s newline), the
        # third a word in lower case after, the fourth a closing quote mark before: most
        # sentences are passed at this first look
        if (
            (
                (last[-2:-1].isupper() or last.endswith("\n"))
                and (_ends_with_initial(last) or _name_goes_on(last, piece))
            )
            or (last[-1:] == "." and _abbreviation_goes_on(last, piece))
            or (piece[:1].islower() and last and _sentence_goes_on(last, piece))
            or (
                piece[-1:] == "."
                and last.endswith(_CLOSING_QUOTES)
                and _attribution_goes_on(last, piece)
            )
            or (last[-1:] == "." and _abbreviation_goes_on_to(last, piece))
            or (last[-1:] == "." and ordinal_goes_on(last, piece))
        ):
            merged[-1] = f"{last} {piece}"
        else:
            merged.append(piece)
    if "«" in paragraph:
        merged = _opening_guillemets_moved_on(paragraph, merged)
    if "»" in paragraph:
        merged = _closing_guillemets_moved_back(paragraph, merged)
    if "no. " in paragraph:
        merged = [part for sentence in merged for part in parted_after(_WORD_NO_BREAK, sentence)]
    if _STATE_MENTION.search(paragraph):
        merged = [part for sentence in merged for part in _parted_after_states(sentence)]
    return merged


# "…Thomas Müller. « | Nous avons besoin… »": French spaces its guillemets (a space, U+00A0
# or U+202F inside them), and Punkt ends a sentence after the opening one that follows a
# full stop. It opens the next sentence; a closing "»" after a stop stays with its own.
_TRAILING_GUILLEMET = re.compile(r"(?<=[.!?…])([\s\u00a0\u202f]+)«[\s\u00a0\u202f]*\Z")


def _opening_guillemets_moved_on(paragraph: str, sentences: list[str]) -> list[str]:
    """`sentences` of `paragraph` with an opening "«" that ends one moved to the start of
    the next, with the space that follows it there."""
    moved: list[str] = []
    carried = ""
    for number, sentence in enumerate(sentences):
        sentence = carried + sentence
        carried = ""
        guillemet = _TRAILING_GUILLEMET.search(sentence)
        if guillemet is not None and number + 1 < len(sentences):
            opening = re.search(
                rf"«([\s\u00a0\u202f]*){re.escape(sentences[number + 1][:30])}", paragraph
            )
            carried = "«" + (opening.group(1) if opening else guillemet.group(1))
            sentence = sentence[: guillemet.start()]
        moved.append(sentence)
    return moved


# "« Nous ne céderons pas. | Jamais. | », a-t-il dit.": after a quotation's last stop and
# the space French writes inside a closing "»" (a space, U+00A0 or U+202F), Punkt opens a
# sentence with the "»". It closes the sentence before it, with its space; what follows goes
# on from there if it opens with a clause's punctuation or a word in lower case, as "Never.”
# he said." does, and is a sentence of its own otherwise. A "»" that opens a word
# ("»Wir brauchen Zeit«", German's and Danish's opening one) is no closing one.
_LEADING_GUILLEMET = re.compile(r"»(?![^\W\d_])\s*")


def _closing_guillemets_moved_back(paragraph: str, sentences: list[str]) -> list[str]:
    """`sentences` of `paragraph` with a closing "»" that opens one moved to the end of the
    one before, with the space before it there, and the rest joined to it if it goes on."""
    moved: list[str] = []
    for sentence in sentences:
        guillemet = _LEADING_GUILLEMET.match(sentence)
        if guillemet is None or not moved or moved[-1][-1:] not in ".!?…":
            moved.append(sentence)
            continue
        closing = re.search(rf"{re.escape(moved[-1][-30:])}([\s\u00a0\u202f]*)»", paragraph)
        moved[-1] += (closing.group(1) if closing else " ") + "»"
        rest = sentence[guillemet.end() :]
        if rest[:1] in (",", ";", ":", ")", "]") or rest[:1].islower():
            moved[-1] += (" " if guillemet.end() > 1 else "") + rest
        elif rest:
            moved.append(rest)
    return moved


def parted_after(pattern: re.Pattern[str], sentence: str) -> list[str]:
    """`sentence` cut after each match of `pattern`, the pieces stripped, none empty."""
    parts, start = [], 0
    for match in pattern.finditer(sentence):
        parts.append(sentence[start : match.end()])
        start = match.end()
    parts.append(sentence[start:])
    return [part for part in map(str.strip, parts) if part]
