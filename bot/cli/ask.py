"""`newsbot ask`: one question from the command line, or one per line of standard input.

A question is answered as of a moment: `--as-of 2022-06-10` (through the end of that day),
`--as-of 2022-W23` (through the end of that ISO week, its Sunday), `--as-of 2022-06` (through
the end of that month) or `--as-of 2022-06-10T18:30+02:00`; now by default. Nothing
published later is quoted. A date or time without an offset is in NEWSBOT_TIMEZONE, the zone
newsbot shows dates in.

A stdin line that is a JSON object is a request of its own:
`{"question": "...", "as_of": "2022-06-10", "limit": 5}` (`as_of` and `limit` optional,
defaulting to the flags); any other line is a question. A malformed line gets an error for
that line (a JSON object with `error` under --json) and the rest are still answered; the
exit status is then 1. Each JSON answer echoes `question` and `as_of`, and a request's other
fields ("id") as they came, so that answers can be matched to what asked them (an error too,
all but a field holding what no JSON output may: half a UTF-16 pair, NaN); a field that
stands for one of the three not given ("asof", "date") or is one of the answer's own
("results") is an error.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, AnyStr, cast

from bot.bounds import AUTHORS_SHOWN, NAME_CHARS, QUOTE_CHARS, TITLE_CHARS, clip, some_of
from bot.cli.commands import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    count_value,
    json_text,
    require_database,
    text_block,
)
from bot.config import DEFAULT_DB, Settings
from bot.times import (
    MOMENT_EXAMPLES,
    iso_text,
    last_day,
    moment_of,
    published_text,
    stored_moment,
    when,
)
from retrieval.engine import Engine
from retrieval.models import Attribution, Passage
from retrieval.question_text import MAX_QUESTION_CHARS
from retrieval.quotes import PARAGRAPH_BREAK
from retrieval.search_result import SearchResult
from retrieval.wording import UNDATED, quoted

FIELDS = ("question", "as_of", "limit")
# Every field newsbot writes on an output line (`answer_line`), in the order written: an
# answer's are all but "line" and "error" (most only where they apply), a bad line's the
# first six. A request field of one of these names is refused: echoed with the request's
# own, it would pass for newsbot's.
ANSWER_FIELDS = (
    "question",
    "as_of",
    "as_of_moment",
    "line",
    "error",
    "results",
    "named_time",
    "named_after_as_of",
    "nothing_recent",
    "unmatched",
    "did_you_mean",
    "other_scripts",
    "off_topic",
    "cut_at",
    "linked",
    "message",
)
# Names a request may give a field of FIELDS by, were it not written so: given without it, the
# line would be answered as of now, or with the flag's count, without a word. Not "asked",
# the date of a news-qa record, which may come along with the record's other fields.
_MEANT = {
    "as_of": {"date", "when", "time", "moment", "datetime", "timestamp"},
    "limit": {"k", "topk", "n", "count", "maxresults", "numresults"},
}
# A JSON object's first token after its brace is a key or the closing brace. A key in single
# or curly quotes (Python's str() of a dict, a word processor's quotes) opens a request that
# is not JSON: an error, not a question about "question" and "as_of" answered as of now.
JSON_OBJECT = re.compile(r'\s*\{\s*["}\'\u2018\u2019\u201c\u201d]')
MAX_LINE = 64 * 1024  # bytes of one stdin line read (its end of line aside)
# A quote's next line, after a paragraph's break: indented under it, as its source line is
QUOTE_LINE = "\n   "


@dataclass(frozen=True, slots=True)
class AsOf:
    """A moment asked about: `text` as read (a date, or a time in UTC), `moment` in Unix
    time, `utc` that moment to the microsecond (what a JSON answer shows as `as_of_moment`:
    a float holds no microseconds far from 1970), `given` as the asker wrote it (what a JSON
    answer echoes), `zone` the one it was read in (its offset, else NEWSBOT_TIMEZONE), whose
    days a month or day the question names are."""

    text: str
    moment: float
    utc: str = field(compare=False)
    given: str = field(default="", compare=False)
    zone: tzinfo = field(default=UTC, compare=False)


def parse_as_of(value: str, zone: tzinfo = UTC) -> AsOf:
    """An ISO date, week, month or date-time, read as `digest --until` reads it
    (`moment_of`); its ValueError names the value and shows the valid forms, or says why a
    week or month is none ("2022 has 52 ISO weeks").

    A bare date means through its last instant: an article dated 2022-06-10 is not
    "published after 2022-06-10". A week ("2022-W23") means through its Sunday's last
    instant, a month ("2022-06") through its last day's (`last_day`). What names no
    offset is in `zone` (NEWSBOT_TIMEZONE).
    """
    read = moment_of(value, zone, end=True)
    end = read.astimezone(UTC)  # in range in UTC: checked
    zone = read.tzinfo or zone  # "2022-06-10T18:30+02:00": the asker's own offset
    day = last_day(value)  # any ISO form of a day ("20220610" too), a week's Sunday, a
    # month's last day
    if day is None:  # a date-time: itself
        return AsOf(iso_text(end), end.timestamp(), iso_text(end), value, zone)
    # a microsecond before the next day, or a float's step where that is longer (before
    # 1425, after 2514): `end - 1e-6` was then the next day's midnight
    moment = min(end.timestamp() - 1e-6, math.nextafter(end.timestamp(), -math.inf))
    last = iso_text(end - timedelta(microseconds=1))
    return AsOf(day.isoformat(), moment, last, value, zone)


def as_of_value(text: str) -> str:
    """argparse type of --as-of: checked here (argparse names the flag before the message),
    read in NEWSBOT_TIMEZONE once the settings are loaded."""
    try:
        parse_as_of(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def add_arguments(ask: argparse.ArgumentParser) -> None:
    ask.add_argument("question", nargs="?", type=question_value, metavar="QUESTION")
    ask.add_argument(
        "--limit",
        type=count_value,
        default=3,
        metavar="K",
        help="passages (default 3; at most what the question's 100 best windows hold, some 30-50)",
    )
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument(
        "--as-of",
        type=as_of_value,
        default=None,
        metavar="WHEN",
        help="answer as of this date or time: nothing published later is quoted and recent "
        "news counts more; a date, an ISO week (2022-W23) or a month (2022-06) means through "
        "its end; without "
        "an offset, in NEWSBOT_TIMEZONE (e.g. 2022-06-10 or 2022-06-10T18:30+02:00; "
        "default: now)",
    )


@dataclass(frozen=True, slots=True)
class Request:
    """One question to answer, with its own moment and passage count."""

    question: str
    as_of: AsOf | None
    limit: int
    extra: dict[str, Any] = field(default_factory=dict)  # other fields, echoed as they came


@dataclass(frozen=True, slots=True)
class BadLine:
    """A stdin line that could not be read as a request: answered with this error, and
    with what it gave of the answer's `echo` (question, as_of, as_of_moment) and its
    other fields (`extra`)."""

    line: int
    error: str
    echo: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A value no answer could echo as JSON: one Python's json reads and JSON has not (NaN,
    Infinity; a number past a float's range, 1e400, read as infinity; an integer of more
    digits than Python reads), or a string holding half of a UTF-16 pair ("\\ud800"), which
    JSON may escape but is no character, so no UTF-8. Read as this, not raised, the
    request's other fields ("id") still come back on its error."""

    why: str
    in_json: bool = False  # JSON has it (a surrogate's escape): the line is JSON all the same


SURROGATE = Unreadable("a lone UTF-16 surrogate (\\ud800 to \\udfff), which is no character", True)


def _not_json(constant: str) -> Unreadable:
    return Unreadable(f"{constant} is not a JSON value")


def _finite(text: str) -> float | Unreadable:
    """A JSON number as a float, or Unreadable past a float's range."""
    value = float(text)
    if not math.isfinite(value):
        return Unreadable(f"{quoted(text)} is past the largest number")
    return value


def _integer(text: str) -> int | Unreadable:
    """A JSON integer, or Unreadable past the digits Python reads one of."""
    try:
        return int(text)
    except ValueError:
        return Unreadable("a number too long to read")


def _unreadable(value: Any) -> Unreadable | None:
    """The first thing in `value` (a field's name or value, and all within it) that no
    answer could echo; None when there is none."""
    if isinstance(value, Unreadable):
        return value
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return SURROGATE
        return None
    if isinstance(value, dict):
        value = [part for item in value.items() for part in item]
    if isinstance(value, list | tuple):
        return next((found for item in value if (found := _unreadable(item))), None)
    return None


def _echo(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What an error echoes of a request: its question and as_of, and its other fields."""
    echo: dict[str, Any] = {k: data[k] for k in ("question", "as_of") if k in data}
    return echo, {k: v for k, v in data.items() if k not in FIELDS}


def parse_line(
    text: str, number: int, as_of: AsOf | None, limit: int, zone: tzinfo = UTC
) -> Request | BadLine:
    """A stdin line as a request: a JSON object when it looks like one (its first key or its
    end after the brace: "{zebra} parade" is a question), else a question."""
    if not JSON_OBJECT.match(text):
        return Request(text, as_of, limit)
    try:
        data = json.loads(text, parse_constant=_not_json, parse_float=_finite, parse_int=_integer)
    except (ValueError, RecursionError) as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            at = "" if exc.msg.endswith(" at") else " at"  # "Unterminated string starting at"
            where = f" ({exc.msg}{at} column {exc.colno})"
        return BadLine(number, _not_valid_json(number, where), {})
    if not isinstance(data, dict):
        return BadLine(number, f"line {number} is JSON but not an object", {})
    for name, value in data.items():
        found = _unreadable((name, value))
        if found is None:
            continue
        # the rest is echoed, an "id" with it, so that the error is matched to its request
        echo, extra = _echo({k: v for k, v in data.items() if _unreadable((k, v)) is None})
        if not found.in_json:
            return BadLine(
                number, _not_valid_json(number, f" (in {name!r}, {found.why})"), echo, extra
            )
        return BadLine(number, f"line {number}: field {name!r} holds {found.why}", echo, extra)
    echo, extra = _echo(data)
    for name in extra:
        meant = _meant(name, data)
        if name in ANSWER_FIELDS or meant:
            why = (
                "is the answer's own"
                if name in ANSWER_FIELDS
                else f"is not read (did you mean {meant!r}?)"
            )
            others = {k: v for k, v in extra.items() if k != name}
            return BadLine(
                number,
                f"line {number}: field {name!r} {why}: use {', '.join(FIELDS)}",
                echo,
                others,
            )
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        return BadLine(
            number, f'line {number}: "question" must be a non-empty string', echo, extra
        )
    moment = as_of
    if data.get("as_of") is not None:
        try:
            if not isinstance(data["as_of"], str):
                raise ValueError(f"{data['as_of']!r} is not a date: use e.g. {MOMENT_EXAMPLES}")
            moment = parse_as_of(data["as_of"], zone)
        except ValueError as exc:
            return BadLine(number, f'line {number}: "as_of" {exc}', echo, extra)
    count = data.get("limit")
    if count is None:  # as "as_of": null is the flag's
        count = limit
    elif isinstance(count, float) and count.is_integer():  # 5.0, 1e2: JSON has one number
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        if moment is not None and data.get("as_of") is not None:  # read: shown, as answered
            echo["as_of_moment"] = moment.utc
        return BadLine(
            number, f'line {number}: "limit" must be a whole number of at least 1', echo, extra
        )
    return Request(question, moment, count, extra)


def _not_valid_json(number: int, why: str) -> str:
    """The error of a line that opens as a JSON object and is none; `why` as " (...)"."""
    return (
        f"line {number} is not valid JSON{why}; a JSON line looks like "
        '{"question": "...", "as_of": "2022-06-10", "limit": 5}'
    )


def _meant(name: str, data: dict[str, Any]) -> str | None:
    """The field of FIELDS that `name` is given for, when that one is not given: written
    otherwise ("asof", "As-Of", "limits", "asof_date") or by another name ("date", "k")."""
    letters = re.sub(r"[\W_]", "", name).casefold()
    for known in FIELDS:
        plain = known.replace("_", "")
        if known in data:
            continue
        if plain in letters or letters in _MEANT.get(known, ()):
            return known
        if SequenceMatcher(None, letters, plain).ratio() >= 0.8:  # "quesiton", "limt"
            return known
    return None


def requests(
    args: argparse.Namespace, as_of: AsOf | None, zone: tzinfo
) -> Iterator[Request | BadLine]:
    if args.question is not None:
        yield Request(args.question, as_of, args.limit)
        return
    for number, line in enumerate(_stdin_lines(), 1):
        if line is None:
            request: Request | BadLine = BadLine(
                number,
                f"line {number} is longer than {MAX_LINE:,} bytes (a question is read to "
                f"its first {MAX_QUESTION_CHARS:,} characters)",
                {},
            )
        else:
            request = parse_line(line.rstrip("\r\n"), number, as_of, args.limit, zone)
        if isinstance(request, BadLine) and request.echo.get("as_of") is None and as_of:
            # the moment it would have been answered as of, as a good line echoes it
            echo = {**request.echo, "as_of": as_of.given, "as_of_moment": as_of.utc}
            request = replace(request, echo=echo)
        yield request


def _stdin_lines() -> Iterator[str | None]:
    """The lines of stdin, read as ingest reads a file: UTF-16 or UTF-32 when it opens with
    its byte-order mark (PowerShell's `>`) or, without one, with the zero bytes of an ASCII
    character in them (`json.detect_encoding`), else each line UTF-8 (a mark of it dropped,
    on any line: files joined with `cat`), else Windows-1252; a code unit that is no
    character is replaced, not a traceback that lost the whole batch. A line ends at a line
    feed only, as in UTF-8 (a lone carriage return inside a line split it in two, and every
    answer after it was a line out). None for a line longer than MAX_LINE, skipped without
    holding it: one line of 120 MB took 2 GB."""
    stream = cast(io.BufferedReader, sys.stdin.buffer)  # what Python gives stdin
    encoding = json.detect_encoding(stream.peek(4)[:4])
    if encoding not in ("utf-8", "utf-8-sig"):
        text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")
        width = 4 if encoding.startswith("utf-32") else 2  # bytes a character, at least
        for line in _bounded(text.readline, "\n", MAX_LINE // width):
            yield None if line is None else line.removeprefix("\ufeff")
        return
    for raw in _bounded(stream.readline, b"\n", MAX_LINE):
        yield None if raw is None else _decoded(raw).removeprefix("\ufeff")


def _decoded(raw: bytes) -> str:
    """Bytes of a question: UTF-8, else Windows-1252, a byte of no character replaced."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def question_value(text: str) -> str:
    """argparse type of QUESTION: read as a stdin line is. Python keeps bytes of an argument
    that are not UTF-8 (a Latin-1 terminal's "é") as lone surrogates, which no JSON answer
    could echo (a UnicodeEncodeError traceback, or bytes no JSON reader takes) and which
    cut the word they were in ("caf")."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return _decoded(os.fsencode(text))
    return text


def _bounded(readline: Callable[[int], AnyStr], end: AnyStr, most: int) -> Iterator[AnyStr | None]:
    """The lines `readline` gives, None for one longer than `most` (read past, in parts); its
    end of line ("\r\n" too) is not counted."""
    while line := readline(most + 2):
        if len(line) <= most or line.endswith(end) and len(line.rstrip()) <= most:
            yield line
            continue
        # one a byte too long ends in what was read: reading on took the next line with it
        while not line.endswith(end) and (line := readline(most)):
            pass
        yield None


def result_json(request: Request, result: SearchResult, zone: tzinfo) -> dict[str, Any]:
    """The answer as data, echoing the question and its moment as asked (`as_of_moment`:
    the moment read from it, in UTC; null, as `as_of`, for now)."""
    as_of = request.as_of
    out: dict[str, Any] = {
        "question": request.question,  # as asked, not as searched (spaces run together)
        "as_of": as_of.given if as_of else None,
        "as_of_moment": as_of.utc if as_of else None,
        "results": [passage_json(p) for p in result.passages],
    }
    if result.named is not None:  # answered as of the time the question names
        out["named_time"] = {
            "words": result.named.words,
            "as_of_moment": iso_text(result.named.moment),
        }
    if result.later is not None:  # a time named after the moment answered as of: told
        out["named_after_as_of"] = {
            "words": result.later.named.words,
            "begins": iso_text(result.later.named.begins),
        }
    if result.recent is not None:  # a recent span asked about that every passage is older than
        out["nothing_recent"] = {
            "words": result.recent.words,
            "since": iso_text(result.recent.since),
            "newest": iso_text(result.recent.newest),
        }
    if result.unmatched:  # the question's words no stored article holds
        out["unmatched"] = list(result.unmatched)
    if result.respelt:  # ... and the spellings of them that articles hold: "Did you mean"
        out["did_you_mean"] = list(result.respelt)
    if result.other_scripts:  # ... all of them, in scripts it holds next to no text in
        out["other_scripts"] = list(result.other_scripts)
    if result.off_topic:  # the answer ends early: the rest match only these words
        out["off_topic"] = list(result.off_topic)
    if result.cut_at is not None:  # the characters searched of a question too long
        out["cut_at"] = result.cut_at
    if result.linked:  # a question of links only, to stored articles: their leads
        out["linked"] = list(result.linked)
    why = result.why_none(zone)
    if why:
        out["message"] = why
    return answer_line(request.extra, out)


def answer_line(extra: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """An output line: the request's other fields (an "id"), then `fields` in the order of
    ANSWER_FIELDS, the only names newsbot writes, and that no request field echoed has (a
    line that gave two is refused for one, and echoes the rest)."""
    own = {name: value for name, value in extra.items() if name not in ANSWER_FIELDS}
    return {**own, **{name: fields[name] for name in ANSWER_FIELDS if name in fields}}


def passage_json(passage: Passage) -> dict[str, Any]:
    a = passage.article
    return {
        "rank": passage.rank,
        "score": passage.score,
        "quote": passage.quote,
        "article": {
            "id": a.id,
            "title": a.headline,  # as shown: the stored title without its outlet's name
            "source": a.source,
            "authors": list(a.authors),
            "published": published_text(a.published),
            "url": a.url,
        },
    }


def _linked_told(articles: Sequence[Attribution]) -> str:
    """The note over the openings of the stored articles a question of links only names
    (`SearchResult.notes`): which they are (a terminal has no button to send one whole)."""
    named = "; ".join(f"article {a.id}, “{a.headline}”" for a in articles)
    which = "That link is a stored article" if len(articles) == 1 else "Those links are stored"
    return (
        f"{which} ({named}): its opening is below. Ask about the story in words to get the "
        "passages that answer you."
    )


def render_text(result: SearchResult, color: bool, zone: tzinfo) -> str:
    """The answer for a terminal, quotes and names clipped as the bot clips them, so a
    sentence stored whole before sentences were bounded prints a screenful, not megabytes."""
    if not result.passages:
        return result.why_none(zone) or "No answer."
    blocks: list[str] = []
    blocks.extend(result.notes(_linked_told))  # an earlier time named, words nothing holds
    for passage in result.passages:
        quote = clip(passage.quote, QUOTE_CHARS)
        if color:
            shown = len(quote) if quote == passage.quote else len(quote) - 1  # not the "…"
            for start, end in reversed(passage.highlights):
                if start < shown:
                    end = min(end, shown)
                    quote = f"{quote[:start]}\033[1m{quote[start:end]}\033[0m{quote[end:]}"
        quote = quote.replace(PARAGRAPH_BREAK, QUOTE_LINE)
        a = passage.article
        parts = (
            clip(a.headline, TITLE_CHARS),
            clip(a.source or "", NAME_CHARS),
            some_of(a.authors, AUTHORS_SHOWN),
            clip(_date_shown(a.published, zone), NAME_CHARS),
            f"article {a.id}",  # what `newsbot remove` takes
        )
        source = " · ".join(part for part in parts if part)
        blocks.append(
            text_block(f"{passage.rank}. “{quote}”", f"   — {source}", a.url and f"     {a.url}")
        )
    return "\n\n".join(blocks)


def _date_shown(published: str | None, zone: tzinfo) -> str:
    """A published date as given (2024-11-25), a date and time in `zone` (2024-11-25 17:30
    JST): stored in UTC, it would print as 2024-11-25T08:30:00+00:00 whatever the zone."""
    if not published:
        return UNDATED
    read = stored_moment(published)
    return when(read, zone) if isinstance(read, datetime) else published


def bad_line_json(bad: BadLine) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "question": bad.echo.get("question"),
        "as_of": bad.echo.get("as_of"),
        "as_of_moment": bad.echo.get("as_of_moment"),
        "line": bad.line,
        "error": bad.error,
        "results": [],
    }
    return answer_line(bad.extra, fields)


def is_default_db(db_path: Path) -> bool:
    """Whether `db_path` is newsbot.db in the working folder, where `ask` makes a database
    with the seeds (the quick start's first command, on a machine with none). One named
    otherwise (--db, NEWSBOT_DB) that is not there is refused, as `stats` refuses it: made,
    a mistyped name answered from the seed article alone, and every question of a --json
    batch came back as if the corpus held no answer to it."""
    return db_path.resolve() == Path(DEFAULT_DB).resolve()


async def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    if args.question is None and sys.stdin is None:  # started with stdin closed (`<&-`)
        print("newsbot ask: no question given, and standard input is closed", file=sys.stderr)
        return EXIT_USAGE
    if sys.stdout is None:  # started with stdout closed (`>&-`): no answer could be read
        print("newsbot ask: standard output is closed: nowhere to print answers", file=sys.stderr)
        return EXIT_USAGE
    try:  # checked when read, but a time near year 1 may be out of range only in the zone
        as_of = parse_as_of(args.as_of, settings.zone) if args.as_of else None
    except ValueError as exc:
        print(f"newsbot ask: --as-of: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not settings.db_path.exists() and not is_default_db(settings.db_path):
        require_database(settings.db_path)  # says how to make one, and exits 1
    # an empty database gets the bundled seed corpus first
    engine, seeding = await Engine.open_seeded(
        settings.db_path, settings.seeds_dir, reads_only=True, zone=settings.zone
    )
    status = EXIT_OK
    try:
        if seeding.message:
            print(f"newsbot ask: {seeding.message}", file=sys.stderr)
        color = sys.stdout.isatty()
        batch = args.question is None
        if batch and sys.stdin.isatty():  # else it waits without a word, as if it hung
            print(
                "newsbot ask: no question given: reading questions from the terminal, one a "
                "line (Ctrl-D ends)",
                file=sys.stderr,
                flush=True,
            )
        for request in requests(args, as_of, settings.zone):
            if isinstance(request, BadLine):
                status = EXIT_FAILED
                if args.json:
                    print(json_text(bad_line_json(request)), flush=True)
                else:
                    print(f"newsbot ask: {request.error}", file=sys.stderr, flush=True)
                continue
            moment, zone = (
                (request.as_of.moment, request.as_of.zone)
                if request.as_of
                else (None, settings.zone)
            )
            result = await engine.ask(
                request.question, limit=request.limit, as_of=moment, zone=zone
            )
            if args.json:
                line = json_text(result_json(request, result, settings.zone))
                print(line, flush=True)
                continue
            if batch:
                dated = f" (as of {request.as_of.text})" if request.as_of else ""
                print(f"? {request.question}{dated}")
            print(
                render_text(result, color, settings.zone),
                end="\n\n" if batch else "\n",
                flush=True,
            )
    finally:
        await engine.close()
    return status
