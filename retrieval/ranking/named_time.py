"""The time a question names: "in June 2022", "on 15 June 2022", "during March 2020".

Asked today, "What did the Federal Reserve do to interest rates in June 2022?" wants June
2022's news, not this year's stories that mention rates: the question is answered as of a
little after the time it names, when that time's reports were written, if anything published
by then matches (else as asked). A month or a day with its year (a day also as ISO's
2022-06-15, and in no other numbers), after "in", "during" or "on", or ending a range
("between June 2022 and March 2023", "in June of 2022" too), and only those. A bare year
does not move the moment: news says "in 2022" of data reported the next year ("Which country
lost the most tropical rainforest in 2022?", asked in June 2023) and in events' names ("the
2022 US Open"); a day without its year ("on July 4") may be last year's or next year's.
"Since", "by" and "until" name bounds, not the time, and a time named after "since",
"after", "than" or "compared" asks about the change up to now.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from retrieval.corpus.dates import month_number
from retrieval.wording import local_time

# How long after the time named its reports are still written: a month's figures and
# round-ups come out in the next weeks, a day's story within the week.
MONTH_REPORTS = timedelta(days=14)
DAY_REPORTS = timedelta(days=7)

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# A day is also read in ISO's numbers, "on 2024-06-01", and in no other: "1.6.2024" is 1 June
# in Europe and "6/1/2024" is 1 June in the US, 6 January to most others, and neither says
# which. A day that is none ("on 31 June 2024", "on 2023-02-29") names no time: the answer
# says so (`NoSuchDay`), as it is of no time the asker meant.
# A range's ends name times as "in" does: "between June 2022 and March 2023", "from May
# 2021 to (or through, until) August 2021"; its end is an "and" or "to" after a "between" or
# "from" (`_names_a_time`), not any "and" ("Apple and May 2022 sales").
_NAMED = re.compile(
    r"\b(?P<before>in|during|on|between|from|and|to|through|until)\s+(?:the\s+)?"
    r"(?P<words>(?P<iso>(?:19|20)\d\d-\d\d-\d\d)|(?:(?:early|mid|late)[\s-]+)?"
    rf"(?:(?P<day_first>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?)?{_MONTH}"
    r"(?:\s+(?P<day_after>\d{1,2})(?:st|nd|rd|th)?)?,?\s+(?:of\s+)?(?P<year>(?:19|20)\d\d))\b"
    r"(?![-/–]\d)",  # "in June 2022-23" names a season, not the month
    re.IGNORECASE,
)
_RANGE_ENDS = ("and", "to", "through", "until")


# A time named after one of these bounds what is asked, from then on or against then
# ("What has happened to inflation since it peaked in June 2022?", "How has the war changed
# since Russia invaded in February 2022?"): the question is about now.
_BOUND = re.compile(r"\b(?:since|after|than|compared)\b", re.IGNORECASE)
# What a follow-up says to ask about now, not the time its earlier question named
_NOW = re.compile(
    r"\b(?:now|today|currently|lately|recently|this (?:week|month|year)|latest)\b"
    r"|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class NamedTime:
    """A time a question names: its words, as asked, and the moment to answer it as of;
    its days are those of `zone`, the zone of the moment the question is asked as of."""

    words: str
    moment: float  # Unix time: the end of the time named, and the days its reports take
    begins: float  # Unix time: the first instant of the time named (its midnight in `zone`)
    zone: tzinfo = UTC

    def told(self) -> str:
        """Why an answer's passages are of an earlier time, its last day as read (`zone`)."""
        through = local_time(self.moment - 1, self.zone)
        return f"As of {self.words}, which the question names: published by {through:%Y-%m-%d}."


@dataclass(frozen=True, slots=True)
class NamedLater:
    """A time a question names that begins after the moment it is answered as of (`as_of`,
    Unix time): "Who won the Super Bowl in February 2023?" asked as of 1 January 2022. It is
    answered as of that moment all the same, which nothing published later may pass, and
    says so: else a 2021 final passes for the answer."""

    named: NamedTime
    as_of: float

    def told(self) -> str:
        """That the passages are of before the time named, the moment told in the zone the
        time named was read in (asked as of 20:00 in Los Angeles, February has not begun
        there)."""
        moment = _moment_told(self.as_of, self.named.zone)
        return (
            f"The question names {self.named.words}, after {moment}, the moment it is "
            "answered as of: nothing published after that is quoted."
        )


@dataclass(frozen=True, slots=True)
class NoSuchDay:
    """A day a question names that no calendar has: "What happened on February 30, 2022?"
    names no time, and is answered as of `as_of` (Unix time; None: now), told in `zone`,
    all the same. It says so: without a word, the news of no day the asker meant passed for
    that day's."""

    words: str  # as asked: "February 30, 2022"
    day: str  # as told: "30 February 2022"; as asked where its month is none ("2022-13-01")
    as_of: float | None
    zone: tzinfo = UTC

    def told(self) -> str:
        """That there is no such day, and the moment the question is answered as of."""
        moment = "now" if self.as_of is None else _moment_told(self.as_of, self.zone)
        return f"There is no {self.day}: the question is answered as of {moment}."


def _moment_told(moment: float, zone: tzinfo) -> str:
    """`moment` (Unix time) in `zone` as a note tells it: its day, when it is a day's last
    instant (`--as-of 2022-01-01`), else its day and time ("1 July 2022 18:30 JST")."""
    local = local_time(moment, zone)
    told = f"{local.day} {local:%B %Y}"
    if local_time(moment + 1, zone).date() == local.date():  # not a day's end
        told = f"{told} {local:%H:%M %Z}"
    return told


def named_time(question: str, zone: tzinfo = UTC) -> NamedTime | None:
    """The latest month or day, with its year, that `question` names after "in", "during"
    or "on", or that ends a range; None if it names none. A range's end begins when the
    range does: "born between January 1, 2025, and December 31, 2028" names a time
    already begun in 2026. Its days are those of `zone`, the zone of the moment asked
    (the offset of `--as-of 2022-01-31T20:00-08:00`, a chat's): read in UTC, "February
    2022" began at 16:00 on 31 January there, and asked at 20:00 it was not told to be
    after the moment."""
    latest: NamedTime | None = None
    opened: float | None = None  # when the last range opened ("between May 2021") begins
    for match in _NAMED.finditer(question):
        if _BOUND.search(question, 0, match.start()):
            continue  # "since it peaked in June 2022": the change up to now is asked
        year, month, day = _named_parts(match)
        if month is None:
            continue
        try:
            if day is None:
                first = date(year, month, 1)
                last = date(year, month, calendar.monthrange(year, month)[1])
                end = last + timedelta(days=1) + MONTH_REPORTS
            else:
                first = date(year, month, day)
                end = first + timedelta(days=1) + DAY_REPORTS
        except ValueError:  # "on 31 June 2022": no such day
            continue
        moment, begins = _midnight(end, zone), _midnight(first, zone)
        before = match["before"].lower()
        if before in ("between", "from"):
            opened = begins
        if not _names_a_time(question, match):
            continue  # a range's start: when the time begins, not its end
        if before in _RANGE_ENDS and opened is not None:
            begins = min(begins, opened)
        if latest is None or moment > latest.moment:
            latest = NamedTime(match["words"], moment, begins, zone)
    return latest


def no_such_day(question: str) -> tuple[str, str] | None:
    """The first day `question` names as `named_time` reads one that no calendar has ("on
    31 June 2022", "on February 29, 2023", "on 2022-13-01"): its words as asked, and as
    told ("31 June 2022"; an ISO day whose month is none, as asked); None if it names none."""
    for match in _NAMED.finditer(question):
        if _BOUND.search(question, 0, match.start()):
            continue  # a bound is no time named, real or not
        year, month, day = _named_parts(match)
        if month is None or day is None:
            continue
        try:
            date(year, month, day)
        except ValueError:
            told = f"{day} {calendar.month_name[month]} {year}" if 1 <= month <= 12 else None
            return match["words"], told or match["words"]
    return None


def _named_parts(match: re.Match[str]) -> tuple[int, int | None, int | None]:
    """The year, month (None for a word that names none) and day (None for a month named
    alone) of a time `_NAMED` found, as written: not checked to be a day."""
    if match["iso"]:
        year, month, day = (int(part) for part in match["iso"].split("-"))
        return year, month, day
    written = match["day_first"] or match["day_after"]
    return int(match["year"]), month_number(match["month"]), int(written) if written else None


def _midnight(day: date, zone: tzinfo) -> float:
    """The Unix time `day` begins in `zone`."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).timestamp()


def _names_a_time(question: str, match: re.Match[str]) -> bool:
    """Whether the month or day `match` found is a time the question is about: after "in",
    "during", "on", or as the end of a range that a "between" or "from" opens ("between
    June 2022 and March 2023"). A range's start is not its time, and a range that runs to
    now ("from June 2022 to today") names no end, so it asks about now."""
    before = match["before"].lower()
    if before in ("between", "from"):
        return False
    if before in _RANGE_ENDS:
        return re.search(r"\b(?:between|from)\b", question[: match.start()], re.I) is not None
    return True


def names_its_own_time(follow_up: str) -> bool:
    """Whether a follow-up names its time ("and in 2024?", "what about now?", "in May
    2022?"): then the time its earlier question named is no longer asked about."""
    return named_time(follow_up) is not None or _NOW.search(follow_up) is not None


def without_own_time(follow_up: str) -> str:
    """A follow-up without the time it names (`names_its_own_time`): what else it asks
    ("and in 2024?" asks nothing else, "who won in 2024?" who won)."""
    return _NOW.sub(" ", without_named_time(follow_up))


def without_named_time(question: str) -> str:
    """`question` without the times it names (`named_time`'s phrases, "in June 2022",
    "between May 2021 and August 2021")."""

    def left_out(match: re.Match[str]) -> str:
        ranged = match["before"].lower() in ("between", "from")
        return " " if ranged or _names_a_time(question, match) else match[0]

    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join(_NAMED.sub(left_out, question).split()))


_SPACE_BEFORE_MARK = re.compile(r" ([?!.,;:])")


# A recent span a question asks about, as of the moment asked: "today" and "yesterday" are
# the moment's days (in its zone), "this week" and "this month" the week and month up to it
# (rolling: asked on a Monday, "this week" is not one morning's news). "Latest" names no
# span (the newest there is, however old), "last week" the one before: neither is here.
# Capitalized within a sentence, they are a name: "the USA TODAY Network", "ABC's This Week".
_RECENT = re.compile(
    r"\b(?P<words>today|tonight|yesterday|(?:this\s+(?:past\s+)?|past\s+)(?:week|month))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class NothingRecent:
    """A recent span a question asks about ("this week") that all its passages are older
    than, as of the moment asked: the newest is `newest` (Unix time), told in `zone`."""

    words: str
    since: float  # Unix time: when the span begins
    newest: float
    zone: tzinfo = UTC

    def told(self) -> str:
        """That nothing of the span matches, and how old the newest passage is: "what
        happened in Ukraine this week" quoted 2023's news as if it were this week's."""
        newest = local_time(self.newest, self.zone)
        return (
            f"Nothing from {self.words} matches; the newest passage below is from "
            f"{newest.day} {newest:%B %Y}."
        )


def recent_span(question: str, moment: float, zone: tzinfo = UTC) -> tuple[str, float] | None:
    """The recent span `question` asks about (`_RECENT`), as its words (lower case) and
    when it begins, as of `moment` (Unix time) in `zone`; None if it names none. Of two,
    the longer ("today or this week": this week)."""
    local = local_time(moment, zone)
    midnight = _midnight(local.date(), zone)
    spans = []
    for match in _RECENT.finditer(question):
        if _a_name(question, match):
            continue
        words = " ".join(match["words"].lower().split())
        if words in ("today", "tonight"):
            since = midnight
        elif words == "yesterday":
            since = _midnight(local.date() - timedelta(days=1), zone)
        elif words.endswith("week"):
            since = moment - timedelta(days=7).total_seconds()
        else:
            since = moment - timedelta(days=31).total_seconds()
        spans.append((words, since))
    return min(spans, key=lambda span: span[1]) if spans else None


def _a_name(question: str, match: re.Match[str]) -> bool:
    """Whether the span's words `match` found are capitalized within a sentence (not at
    its start): a name ("USA TODAY", "This Week" the programme), not a time."""
    before = question[: match.start()].rstrip()
    return match[0][0].isupper() and bool(before) and before[-1] not in ".?!:;\"“'‘("
