"""Reading /subscribe's words: a channel named first, the time, the zone, the keywords.

Pure parsing, no Telegram: `parse_subscribe` turns the words into a `SubscribeRequest` or
says what is wrong (ScheduleError, DigestError).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.digest.digest import typed_keywords
from retrieval.digest.schedule import DailyTime
from retrieval.errors import ScheduleError
from retrieval.index.tokens import Tokenizer
from retrieval.wording import quoted
from retrieval.zones import (
    is_abbreviation,
    looks_like_zone,
    parse_zone,
    read_zone,
    zone_label,
)

DEFAULT_TIME = DailyTime(8, 0)
QUIET = "quiet"
# What may end a time, typed as a word of its own or not: "7:30 pm", "7 p.m.", "19:30 hrs"
# ("24 hours" is no time: "hrs" ends one that has its minutes).
_HALF = r"[ap]\.?m\.?"
_HOURS = r"(?:hrs|hours)"
_ENDS_A_TIME = re.compile(rf"^(?:{_HALF}|{_HOURS})$", re.IGNORECASE)
# A word meant as a time, valid or not: "0730" is told to be 07:30, but "1930" (a year too)
# and "737" stay keywords; "1930 hrs" is a time.
_TIME_LIKE = re.compile(
    rf"^(?:\d{{1,2}}(?:[:.h]\d*(?::\d*)?)?(?:{_HALF})?"
    rf"|\d{{1,2}}[:.h]\d+(?::\d*)?{_HOURS}|\d{{4}}{_HOURS}|0\d{{3}})$",
    re.IGNORECASE,
)
# A time that can be no keyword ("07:30", "7pm", "19:30:00", "1930hrs"), taken after the
# keywords too; a bare "9" there stays a keyword ("apollo 11").
_CLOCK_TIME = re.compile(
    rf"^(?:\d{{1,2}}(?:[:.h]\d{{2}}(?::\d{{2}})?(?:{_HALF}|{_HOURS})?|{_HALF})"
    rf"|\d{{4}}{_HOURS})$",
    re.IGNORECASE,
)
# A time without its colon, 00:00 to 09:59 ("0730"): after the keywords too it is refused
# with the time written right, not searched for; "1930" (a year) stays a keyword there.
_COLONLESS_TIME = re.compile(r"^0\d[0-5]\d$")
# A channel by its public name or its id (a 64-bit integer: 19 digits at most); what is
# longer is no chat, and echoed in a reply it would run past a message's length.
# A phrase in quotes, or a word: a quote opens a phrase at a word's start, and closes it
# where only punctuation stands between it and a space or the end.
_PHRASE = re.compile(
    r'(?:^|(?<=\s))["“„«](?P<phrase>[^"”“»]*)(?:["”“»][^\w\s]*(?=\s|$)|$)|(?P<word>\S+)'
)
_CHAT_REF = re.compile(r"^(@\w{4,32}|-\d{5,19})$")


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    """What /subscribe asked for; `target` names a channel (from a private chat only)."""

    at: DailyTime
    timezone: str
    keywords: tuple[str, ...]
    quiet: bool
    target: str | None = None


def parse_subscribe(
    args: Sequence[str], default_zone: str, allow_target: bool
) -> SubscribeRequest:
    """Read /subscribe's words; ScheduleError or DigestError saying what is wrong.

    The time and the zone may come in either order before the keywords; a word that looks
    like a time or a zone is taken as one, so a typo is reported instead of searched for
    (an abbreviation, "EST", is told the Area/City zone to use). After the keywords,
    "/subscribe oil opec 07:30 Europe/London", a clock time and a valid zone are still
    taken as such: searching for "07:30" is never what was meant; so is a word right after
    a clock time that looks like a zone ("07:30 EST"), valid or not, and a time without its
    colon ("oil 0730" is refused, as "0730" is).
    """
    words = _times_whole(phrases(args))
    target = words.pop(0) if allow_target and chat_named(words) else None
    at: DailyTime | None = None
    zone: str | None = None
    while words and " " not in words[0]:
        if at is None and _TIME_LIKE.match(words[0]):
            at = DailyTime.parse(words.pop(0))
        elif zone is None and _zone_meant(words[0]):
            zone = read_zone(words.pop(0)).key
        else:
            break
    keywords_and_quiet = []
    for previous, word in zip(["", *words], words, strict=False):
        if " " in word:  # a phrase typed in quotes
            keywords_and_quiet.append(word)
        elif _CLOCK_TIME.match(word) or _COLONLESS_TIME.match(word):
            if at is not None:  # else "07:30 08:30" would be a digest about "08:30"
                raise ScheduleError(
                    f"two times given, {at} and {quoted(word)}: a digest comes once a day"
                )
            at = DailyTime.parse(word)
        elif _zone_meant(word) and (_CLOCK_TIME.match(previous) or _is_zone(word)):
            if zone is not None:
                raise ScheduleError(
                    f"two time zones given, {zone_label(zone)} and {quoted(word)}: give one"
                )
            zone = read_zone(word).key
        else:
            keywords_and_quiet.append(word)
    quiet = any(w.casefold() == QUIET for w in keywords_and_quiet)
    keywords = typed_keywords(
        [w for w in keywords_and_quiet if w.casefold() != QUIET], Tokenizer()
    )
    return SubscribeRequest(
        at or DEFAULT_TIME, zone or parse_zone(default_zone).key, keywords, quiet, target
    )


def phrases(words: Sequence[str]) -> list[str]:
    """A command's words with each phrase typed in quotes made one ("Bank of England",
    “Bank of England”, «…», „…“), its quotes and the punctuation right after them dropped
    (`"Bank of England", oil`): Telegram parts a command's words at every space. A quote
    opens a phrase only at a word's start (`5'9"` is a word); one left open runs to the
    end."""
    found = (
        " ".join((match["phrase"] if match["word"] is None else match["word"]).split())
        for match in _PHRASE.finditer(" ".join(words))
    )
    return [word for word in found if word]


def _times_whole(words: list[str]) -> list[str]:
    """`words` with what ends a time joined to it ("7:30", "pm" is "7:30pm"; "19:30 hrs"):
    a part of a time is never a keyword, a digest "about pm" at 07:30. What does not make
    a time with the word before it stays a word ("strike 24 hours")."""
    joined: list[str] = []
    for word in words:
        if (
            joined
            and _ENDS_A_TIME.match(word)
            and joined[-1][-1].isdigit()  # not ended yet: "7pm pm" stays two words
            and _TIME_LIKE.match(joined[-1] + word)
        ):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def _zone_meant(word: str) -> bool:
    """Whether `word` is meant as a zone where one stands (first, or right after a time),
    valid or not: a name or offset (`looks_like_zone`: "Europe/Londn", "+05:45") or an
    abbreviation in capitals ("EST")."""
    return looks_like_zone(word) or is_abbreviation(word)


def _is_zone(word: str) -> bool:
    try:
        read_zone(word)
    except ScheduleError:
        return False
    return True


def chat_ref(text: str) -> int | str:
    """A chat named as `get_chat` takes it: an id as a number, an @name as it is."""
    return int(text) if text.lstrip("-").isdigit() else text


def chat_named(words: Sequence[str]) -> str | None:
    """The chat a command's first word names (@channel, -100...), if it names one."""
    return words[0] if words and _CHAT_REF.match(words[0]) else None
