"""JSON and JSON lines read into article drafts: the ingest schema's fields checked, each
line of a .jsonl file its own record, so one bad line never hides the good ones.

JSON lines are read one at a time, each at most MAX_LINE_BYTES; JSON nested deeper than
MAX_JSON_DEPTH is a bad record, not a RecursionError. A .jsonl file in UTF-16 is read as
one in UTF-8, and a line that is not UTF-8 in the legacy charset it reads best in.
"""

from __future__ import annotations

import codecs
import io
import json
from collections.abc import Iterator
from datetime import UTC, tzinfo
from typing import IO, Any, Protocol

from retrieval.charset import legacy_codec, legacy_text, mixed_text, mostly_utf8
from retrieval.corpus.dates import parse_published
from retrieval.corpus.records import (
    CHUNK,
    MiB,
    Record,
    author_names,
    size_text,
    split_authors,
    text_not_binary,
    within_article_limit,
)
from retrieval.corpus.text import clean_line, decode_entities
from retrieval.errors import ParseError
from retrieval.models import ArticleDraft
from retrieval.wording import json_kind, quoted

MAX_LINE_BYTES = 16 * MiB  # one JSON line is one article; the longest real one is 0.1 MB
MAX_JSON_DEPTH = 100  # nesting in a record; the store writes extra fields back as JSON
FIELDS = ("title", "text", "source", "url", "authors", "published")  # the ingest schema's
FIELDS_NAMED = 8  # of a record's other fields, named when it lacks a title or a text


def draft_from_mapping(obj: Any, origin: str | None = None, zone: tzinfo = UTC) -> ArticleDraft:
    """Build a draft from the ingest schema: title, text, source, url, authors, published
    (a time in it that names no zone is in `zone`).

    Unknown fields are kept in `extra`; missing optional fields are fine; a missing title or
    text, or a field of the wrong type, raises ParseError naming the field.
    """
    if not isinstance(obj, dict):
        raise ParseError(f"expected a JSON object, got {json_kind(obj)}")
    title = _string_field(obj, "title", required=True)
    text = _string_field(obj, "text", required=True)
    assert title is not None and text is not None
    title, text = decode_entities(title), within_article_limit(decode_entities(text))
    authors_value = obj.get("authors")
    if authors_value is None or authors_value == "":
        authors: tuple[str, ...] = ()
    elif isinstance(authors_value, str):
        authors = split_authors(authors_value)
    elif isinstance(authors_value, list) and all(isinstance(a, str) for a in authors_value):
        authors = author_names(authors_value)
    else:
        raise ParseError("field 'authors' must be a list of strings or a string")
    return ArticleDraft(
        title=clean_line(title),
        text=text,
        source=_string_field(obj, "source"),
        authors=authors,
        published=parse_published(obj.get("published"), zone),
        url=_string_field(obj, "url"),
        origin=origin,
        extra={k: v for k, v in obj.items() if k not in FIELDS},
        published_as_written=_as_written(obj.get("published")),
    )


def _as_written(value: object) -> str | None:
    """A record's published value as it wrote it: a string, or a number's digits."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return value.strip() if isinstance(value, str) else repr(value)


def _string_field(obj: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = obj.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required and value is None:  # absent (or null): named otherwise, maybe
            raise ParseError(f"missing field {name!r}{_other_fields(obj)}")
        if required:  # there with nothing in it
            raise ParseError(f"empty field {name!r}")
        return None
    if not isinstance(value, str):
        raise ParseError(f"field {name!r} must be a string, got {json_kind(value)}")
    return value.strip()


def _other_fields(obj: dict[str, Any]) -> str:
    """The fields of a record that lacks a title or a text, where it has others than the
    schema's: a CMS export's "headline" and "body" failed each record with "missing field
    'title'" alone, which did not say that the fields were there under other names."""
    others = [name for name in obj if name not in FIELDS]
    if not others:
        return ""
    named = ", ".join(quoted(name, 30) for name in others[:FIELDS_NAMED])
    more = f" and {len(others) - FIELDS_NAMED:,} more" if len(others) > FIELDS_NAMED else ""
    return (
        f" (it has {named}{more}: an article's fields are named title and text, and source, "
        "url, authors, published if it has them)"
    )


def _json_value(text: str | bytes) -> Any:
    """json.loads, with nesting past MAX_JSON_DEPTH a ParseError like any other bad JSON."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise ParseError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except (json.JSONDecodeError, UnicodeDecodeError):  # the callers say why, or decode again
        raise
    except ValueError:  # no JSONDecodeError: past the digits Python reads an integer of
        raise ParseError("invalid JSON: a number too long to read") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ParseError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def _json_error(exc: json.JSONDecodeError, one_line: bool = False) -> str:
    """What is wrong with a JSON text and where: "invalid JSON: unterminated string starting
    at line 3, column 12"; the column alone for a line of a JSON lines file, which the
    caller numbers."""
    where = f"column {exc.colno}" if one_line else f"line {exc.lineno}, column {exc.colno}"
    at = "" if exc.msg.endswith(" at") else " at"  # most of json's messages end in "at"
    return f"invalid JSON: {exc.msg[:1].lower()}{exc.msg[1:]}{at} {where}"


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in `value`; iterative, so no depth breaks it."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def read_json(text: str, origin: str, zone: tzinfo = UTC) -> Iterator[Record]:
    """Every article in the text of a .json file: one object, or a list of them; a time
    that names no zone is in `zone`."""
    if not text.strip():  # as an empty .txt or .jsonl, not "invalid JSON: expecting value"
        raise ParseError("empty file")
    try:
        value = _json_value(text)
    except json.JSONDecodeError as exc:
        raise ParseError(_json_error(exc)) from exc
    items = value if isinstance(value, list) else [value]
    if not items:  # as an empty .txt or .jsonl: a file that was meant to hold articles
        raise ParseError("empty JSON list: no articles")
    for number, item in enumerate(items, start=1):
        try:
            yield Record(draft_from_mapping(item, origin, zone))
        except ParseError as exc:
            yield Record(None, str(exc), item=number if isinstance(value, list) else None)


class _LineReader(Protocol):
    def readline(self, limit: int = -1, /) -> bytes: ...


def _lines(stream: _LineReader) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) of each line; None for a line over MAX_LINE_BYTES, skipped unread."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            while line and not line.endswith(b"\n"):
                line = stream.readline(CHUNK)
            yield number, None
        else:
            yield number, line


class _Utf8Lines:
    """The lines of a UTF-16 stream, as UTF-8 bytes: `_lines` splits bytes at b"\n", which
    cuts UTF-16 ("\n\x00") out of step, so its first record and every other would be lost."""

    def __init__(self, stream: IO[bytes], encoding: str) -> None:
        self._text = io.TextIOWrapper(stream, encoding=encoding, errors="replace")

    def readline(self, limit: int = -1, /) -> bytes:
        return self._text.readline(limit).encode("utf-8")

    def release(self) -> None:
        """Let go of the stream, which its opener closes (a wrapper would close it too)."""
        self._text.detach()


def read_jsonl(stream: IO[bytes], origin: str, zone: tzinfo = UTC) -> Iterator[Record]:
    """Every article in a JSON lines stream, one a line, in UTF-8 or UTF-16; a time that
    names no zone is in `zone`."""
    peek = getattr(stream, "peek", None)
    head = peek(2)[:2] if peek is not None else b""
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding = "utf-16"  # PowerShell's `>` and Out-File
    elif len(head) == 2 and head.count(0) == 1:
        # A JSON line starts with an ASCII character, in UTF-16 one byte of it a NUL,
        # which no UTF-8 or legacy text holds: UTF-16 without its byte-order mark.
        encoding = "utf-16-le" if head[1] == 0 else "utf-16-be"
    else:
        binary = peek is not None and _binary(peek(BINARY_SAMPLE)[:BINARY_SAMPLE])
        yield from _json_lines(stream, origin, zone, binary)
        return
    utf16 = _Utf8Lines(stream, encoding)
    try:
        yield from _json_lines(utf16, origin, zone)
    finally:
        utf16.release()


# The start of a JSON lines file looked at to tell binary data (an image, an archive under
# a .jsonl name): random bytes split at their newline bytes gave 19 failed "lines" of 5 KB.
BINARY_SAMPLE = 4096
BINARY = "not text: neither UTF-8 nor a legacy encoding, likely binary data"


def _binary(head: bytes) -> bool:
    """Whether the first bytes of a file not in UTF-16 are binary data: a NUL byte, which
    no UTF-8 or legacy text holds, or control characters in more than 5% of them."""
    controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\n\r\f")
    return b"\0" in head or controls > len(head) // 20


def _json_lines(
    stream: _LineReader, origin: str, zone: tzinfo, binary: bool = False
) -> Iterator[Record]:
    """The records of JSON lines; a file that starts `binary` (`_binary`) and whose first
    line is no JSON is refused whole, once, as a .txt of binary data is."""
    read = False  # a line that is not blank: a file of none is a failure, as an empty .txt
    # The legacy charset of the file's lines that are not UTF-8, guessed once from the first
    # of them: a guess costs a millisecond or more, and one line may say too little.
    legacy: str | None = None
    first = 0  # the number of the first line that is not blank
    for number, raw in _lines(stream):
        if raw is None:
            too_long = f"line longer than {size_text(MAX_LINE_BYTES)}: not one article"
            yield Record(None, too_long, line=number)
            read = True
            continue
        if not raw.strip():
            continue
        if not read:
            first = number
        read = True
        # without its line break: a line cut inside a string is "unterminated", not a string
        # holding a line break ("invalid control character")
        raw = raw.rstrip(b"\r\n")
        item: Any = None
        try:
            try:
                item = _json_value(raw)
            except UnicodeDecodeError:  # a stray byte, or a line in a legacy charset
                if mostly_utf8(raw):
                    text = mixed_text(raw)
                else:
                    legacy = legacy or legacy_codec(raw) or "cp1252"
                    text = legacy_text(raw, legacy)
                item = _json_value(text_not_binary(text))
            yield Record(draft_from_mapping(item, origin, zone), line=number)
        except json.JSONDecodeError as exc:
            if binary and number == first:
                raise ParseError(BINARY) from None  # one failure, not one per "line" of it
            yield Record(None, _json_error(exc, one_line=True), line=number)
        except ParseError as exc:
            if binary and number == first and item is None:  # not text, not a bad record
                raise ParseError(BINARY) from None
            yield Record(None, str(exc), line=number)
    if not read:
        yield Record(None, "empty file: no JSON lines")
