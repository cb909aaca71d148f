"""What `newsbot ask` is asked: the QUESTION argument, or each line of standard input, a
question or a JSON request of its own, read whatever its encoding and length; a line that
is no request is a `BadLine`, answered with its error while the rest are answered.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, tzinfo
from difflib import SequenceMatcher
from typing import Any, AnyStr, cast

from bot.cli.as_of import AsOf, parse_as_of
from bot.times import MOMENT_EXAMPLES
from retrieval.question_text import MAX_QUESTION_CHARS
from retrieval.wording import quoted

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
    "no_such_day",
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
