"""What a question asks for, read from its wording: the kind of answer and how recent.

News questions say what they want in their first words: "who" wants a person, "how many"
a number, "which country" a place. The ranking uses that to prefer passages that hold
something of that kind which the question does not already say (the answer is never in the
question). Plain regular expressions over the question: no model, nothing downloaded, and
nothing that depends on the index's tokenizer. A claim or a keyword query matches no
pattern and gets the kind OTHER, so the ranking leans on its other evidence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum


class AnswerKind(IntEnum):
    OTHER = 0
    PERSON = 1
    PLACE = 2
    ORGANIZATION = 3
    NUMBER = 4
    DATE = 5


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NOUNS: dict[AnswerKind, frozenset[str]] = {
    AnswerKind.PERSON: _words("""
        person people man woman men women actor actress singer rapper musician artist player
        golfer athlete coach quarterback pitcher driver star celebrity politician senator
        governor president candidate lawmaker judge justice official minister leader ceo
        executive founder billionaire author writer director host comedian journalist
        scientist astronaut doctor king queen prince princess pope lawyer activist member
        rival suspect character boxer swimmer skater skier gymnast footballer designer chef
        model broadcaster anchor secretary mayor speaker representative congressman
        congresswoman nominee winner runner cyclist wrestler icon legend royal heir
    """),
    AnswerKind.PLACE: _words("""
        country countries nation city cities state states town village island islands region
        continent county province capital place location venue stadium territory border area
        neighborhood park river lake sea ocean mountain volcano airport port coast district
        site destination landmark beach
    """),
    AnswerKind.ORGANIZATION: _words("""
        company companies firm team teams network brand organization organisation agency
        party club university college school airline retailer chain app service platform
        carrier automaker bank store restaurant outlet newspaper magazine studio label
        league streamer government department court union charity manufacturer maker giant
        startup franchise channel website publisher
    """),
    AnswerKind.NUMBER: _words("""
        percentage percent proportion share number amount age fraction price sum total rate
        score
    """),
    AnswerKind.DATE: _words("""
        year date day month decade century season week
    """),
}
_NUMBER = re.compile(
    r"\b(?:how\s+(?:many|much|long|old|far|tall|big|high|fast|often|large|deep|heavy)|"
    r"by\s+how\s+much)\b"
)
_WH_WORD_KINDS = {
    "who": AnswerKind.PERSON,
    "whom": AnswerKind.PERSON,
    "whose": AnswerKind.PERSON,
    "where": AnswerKind.PLACE,
    "when": AnswerKind.DATE,
}
_NOUN_REACH = 3  # words after "which"/"what" searched for the noun: "which US city"
# A question mark in the scripts that have their own: Arabic and Persian "؟", Armenian "՞",
# Ethiopic "፧", and Greek's ";" (NFKC makes "\u037e" one) after a Greek letter; full-width
# "？" is "?" after NFKC.
_QUESTION_MARK = r"(?:[?\u061f\u055e\u1367]|(?<=[\u0370-\u03ff\u1f00-\u1fff]);)"
_WH = re.compile(rf"\b(?:who|whom|whose|what|which|where|when|why|how)\b|{_QUESTION_MARK}\s*$")
# A question, not a claim or keywords: it holds a question mark, ends with ":" ("...paddled
# down a river for:"), or opens with a question word ("who won the open", typed without
# "?"). A question word further on does not make one: "a law which bans..." is a claim.
_ASKS = re.compile(
    rf"{_QUESTION_MARK}|:\W*$|^\W*(?:who|whom|whose|what|which|where|when|why|how)\b"
)
_RECENT = re.compile(
    r"\b(?:this|last|past)\s+(?:week|weekend|month|year)\b|\b(?:today|yesterday|tonight|"
    r"recently|recent|latest|newest|new|just|(?:on|last|this)\s+(?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday))\b"
)
_WORD = re.compile(r"\w+")
# A question word and its "'s" typed without the apostrophe ("whats the latest on...",
# "wheres the summit", "whos hosting"): read as with it, so that it asks, and what for.
_UNSPELT_WH = re.compile(r"\b(what|where|who|when|why|how)s\b")
_SENTENCE_END = re.compile(rf"(?:(?<=[.!:])|(?<={_QUESTION_MARK}))\s+")


@dataclass(frozen=True, slots=True)
class QuestionProfile:
    """The wording of a question, read once: its answer kind and its words.

    `words` are the question's words case-folded (NFKC), for telling what a passage adds
    to the question; `asks` is False for a claim or keywords (`_ASKS`): they get sources,
    not answers (`selection.choose`).
    """

    kind: AnswerKind
    asking: str  # the sentence that asks ("...this week. Which state...?": the second)
    asks: bool
    recent: bool  # says "this week", "on Tuesday", "latest"...
    words: frozenset[str]


def profile(question: str) -> QuestionProfile:
    """Read the answer kind, whether it is a question at all, and its words."""
    text = unicodedata.normalize("NFKC", question).casefold().replace("’", "'")
    text = _UNSPELT_WH.sub(r"\1's", text)
    # The asking sentence decides the kind: "X made history this week. Which state...?"
    asking = next((part for part in reversed(_SENTENCE_END.split(text)) if _WH.search(part)), text)
    kind = _kind(asking)
    return QuestionProfile(
        kind=kind,
        asking=asking,
        asks=bool(_ASKS.search(text.strip())),
        recent=bool(_RECENT.search(text)),
        words=frozenset(_WORD.findall(text)),
    )


def _kind(asking: str) -> AnswerKind:
    """How many/much first, then the noun after which/what, then who/where/when."""
    if _NUMBER.search(asking):
        return AnswerKind.NUMBER
    words = _WORD.findall(asking)
    for i, word in enumerate(words):
        if word in ("which", "what"):
            for noun in words[i + 1 : i + 1 + _NOUN_REACH]:
                for kind, nouns in _NOUNS.items():
                    if noun in nouns:
                        return kind
    return next((_WH_WORD_KINDS[w] for w in words if w in _WH_WORD_KINDS), AnswerKind.OTHER)
