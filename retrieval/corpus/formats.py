"""Readers that turn files into article drafts: .txt, .json, .jsonl and .html (also gzipped).

Each reader yields `Record`s: a draft, or the reason one record could not be read, with its
line number where the format has lines, so one bad record never hides the good ones.

Files are streamed, never read whole when they need not be, because an ingest folder may hold
anything: a compressed file is decompressed as it is read and may expand only so far (a 4 MB
gzip bomb holds 4 GB; see `expansion_cap`); JSON lines are read one at a time, each at
most MAX_LINE_BYTES; a file read whole (.txt, .json, .html) is at most MAX_DOCUMENT_BYTES; JSON
nested deeper than MAX_JSON_DEPTH is a bad record, not a RecursionError; an article's text is
at most MAX_ARTICLE_CHARS.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Protocol

from retrieval.addresses import split_url
from retrieval.charset import (
    decode_body,
    legacy_codec,
    legacy_text,
    mixed_text,
    mostly_utf8,
    undeclared_text,
)
from retrieval.corpus.dates import parse_published, spelled_date
from retrieval.corpus.text import clean_line, decode_entities, without_by
from retrieval.errors import ExpansionCapError, ParseError
from retrieval.models import ArticleDraft
from retrieval.wording import counted, json_kind, quoted

SUFFIXES = (".txt", ".json", ".jsonl", ".html", ".htm")
MiB = 1024 * 1024
# What one compressed file may expand to, by default: real news compresses 2.8 to 3.0 times
# with gzip (the four development corpora, up to news-1m's 42 MB to 117 MB), JSON with long
# repeated fields rarely past 10; a bomb of zeros or of repeated lines, about a thousand.
EXPANSION_RATIO = 50
EXPANSION_FLOOR = 64 * MiB  # small files may expand this far whatever their ratio
MAX_LINE_BYTES = 16 * MiB  # one JSON line is one article; the longest real one is 0.1 MB
# A file read whole (.txt, .json, .html); collections go in .jsonl. Its bytes, its text and
# what is parsed of it are held at once: reading a 63 MiB .json list took 141 MB more than at
# start (2.2 times its size), 330 MB (5.2) when one character past U+FFFF (an emoji) made its
# text 4 bytes a character. Bounded so, it is read whole rather than streamed.
MAX_DOCUMENT_BYTES = 64 * MiB
MAX_JSON_DEPTH = 100  # nesting in a record; the store writes extra fields back as JSON
# The text of one article: the longest news of the development corpora is 100,000 characters
# (news-1m's and news-qa-dev's, cut there by their source), a long feature about as much. A
# book, a log or a dump saved as one .txt is no article to quote from, and one article is
# split, read and stored whole, at some 15 bytes of memory a character (a 43 MiB text of
# 700,000 lines took 1 GB): past this, it fails, with the file's name, and the rest is read.
MAX_ARTICLE_CHARS = 1_000_000
_CHUNK = MiB


@dataclass(frozen=True, slots=True)
class Record:
    """One article read from a file, or why it could not be read."""

    draft: ArticleDraft | None
    error: str | None = None
    line: int | None = None


READABLE = ".txt, .json, .jsonl or .html (optionally .gz)"


def format_of(path: Path) -> str | None:
    """The format suffix of `path` (".jsonl" for "x.jsonl.gz"), or None if unsupported."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return None


def size_text(size: int) -> str:
    """A byte count as people write it: 1 GiB, 256 MiB, 512 KiB."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def expansion_cap(compressed_size: int) -> int:
    """The default cap on a compressed file's contents: 50 times its size, at least 64 MiB."""
    return max(EXPANSION_FLOOR, EXPANSION_RATIO * compressed_size)


def _cap_for(compressed_size: int, max_expanded: int | None) -> tuple[int, str]:
    """The cap for one compressed file, and how to say where it comes from."""
    if max_expanded is not None:
        return max_expanded, " (--max-expanded)"
    where = f"{size_text(compressed_size)} compressed; real text expands 3 to 10 times"
    if expansion_cap(compressed_size) == EXPANSION_FLOOR:
        return EXPANSION_FLOOR, f" ({where})"
    return expansion_cap(compressed_size), f", {EXPANSION_RATIO} times its size ({where})"


class _Capped(io.RawIOBase):
    """Decompressed bytes of a file: up to `cap` of them, then ExpansionCapError."""

    def __init__(self, inner: gzip.GzipFile, cap: int, why: str, compressed_size: int) -> None:
        self._inner = inner
        self._cap = cap
        self._why = why
        self._total = 0
        # the cap to suggest: 4 times this one, and no less than the default's ratio (a cap
        # given far under it would be suggested a few times over, each failing again)
        self._raise_to = max(4 * cap, EXPANSION_RATIO * compressed_size)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        # One byte past the cap tells a file of exactly `cap` bytes from a longer one; the
        # bytes up to the cap are handed out first, so every record before it is read.
        # read1: what one step of decompression gives, not a whole buffer's worth. A file
        # cut short raises EOFError at its end, and `read` drops everything it gathered in
        # that call: up to a megabyte of good records before the damage.
        data = self._inner.read1(min(len(buffer), self._cap + 1 - self._total))
        if self._total + len(data) > self._cap:
            data = data[: self._cap - self._total]
            if not data:
                raise ExpansionCapError(
                    f"decompresses to more than {size_text(self._cap)}{self._why}: likely a "
                    "decompression bomb, and refused; if the file is genuine, raise the cap "
                    f"with newsbot ingest --max-expanded {-(-self._raise_to // MiB)}M"
                )
        self._total += len(data)
        buffer[: len(data)] = data
        return len(data)


def read_records(path: Path, max_expanded: int | None = None) -> Iterator[Record]:
    """Read every article in `path`, streaming; raises ParseError when the rest of the file
    cannot be read (records yielded before stay good). A compressed file may expand to
    `max_expanded` bytes, by default `expansion_cap` of its size."""
    suffix = format_of(path)
    if suffix is None:
        raise ParseError(f"unknown format {path.suffix!r}: use {READABLE}")
    try:
        with path.open("rb") as raw:
            stream: IO[bytes] = raw
            if path.name.lower().endswith(".gz"):
                size = path.stat().st_size
                cap, why = _cap_for(size, max_expanded)
                capped = _Capped(gzip.GzipFile(fileobj=raw, mode="rb"), cap, why, size)
                stream = io.BufferedReader(capped, buffer_size=_CHUNK)
            yield from _read_stream(stream, suffix, str(path))
    except ParseError:
        raise
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise ParseError(f"cannot read file: {exc}") from exc


def _read_stream(stream: IO[bytes], suffix: str, origin: str) -> Iterator[Record]:
    if suffix == ".jsonl":
        yield from _read_jsonl(stream, origin)
        return
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        hint = ": write the articles as JSON lines (.jsonl), read one at a time"
        raise ParseError(
            f"over {size_text(MAX_DOCUMENT_BYTES)}, the most a {suffix} file may hold"
            + (hint if suffix == ".json" else ": not one article")
        )
    text = _decode(data, html=suffix in (".html", ".htm"))
    del data  # as large as the text: not held while the text is read
    if suffix == ".txt":
        yield Record(parse_txt(text, origin))
    elif suffix == ".json":
        yield from _read_json(text, origin)
    else:
        yield Record(parse_html(text, origin))


def _decode(data: bytes, html: bool = False) -> str:
    """The text of a file: UTF-16, with its byte-order mark (Notepad's "Unicode") or
    without; else a page's own charset, read as a fetched page's is (`decode_body`); else
    UTF-8, which costs no guess; else UTF-8 but for a few stray bytes, or the legacy
    charset it reads best in (`undeclared_text`, as for a page that declares none).
    Refused if that reads as binary data: a misnamed file is not an article."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseError("not text: broken UTF-16") from None
    # UTF-16 of ASCII and Cyrillic is valid UTF-8 too, NULs and all; real UTF-8 text holds
    # no NUL, and looking for one costs next to nothing.
    if b"\x00" in data and (utf16 := _utf16_without_bom(data)) is not None:
        return utf16
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    data = data.removeprefix(codecs.BOM_UTF8)  # a UTF-8 file's mark, stray bytes or not
    return _text_not_binary(decode_body(data) if html else undeclared_text(data))


def _utf16_without_bom(data: bytes) -> str | None:
    """`data` as UTF-16 if it is that without a byte-order mark: the high byte of every
    ASCII character a NUL, so NULs in every other byte and never in the others (a legacy
    charset's text holds none; binary data holds them anywhere)."""
    if len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    codec = "utf-16-le" if even == 0 else "utf-16-be" if odd == 0 else None
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _text_not_binary(text: str) -> str:
    """`text`, unless control characters make more than 1% of it: binary data read as
    text in some charset."""
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
    if controls > len(text) // 100:
        raise ParseError("not text: neither UTF-8 nor a legacy encoding, likely binary data")
    return text


def within_article_limit(text: str, hint: str = "") -> str:
    """`text`, if one article may hold it (MAX_ARTICLE_CHARS), else ParseError saying so."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise ParseError(
            f"{len(text):,} characters of text, more than one article may hold "
            f"({MAX_ARTICLE_CHARS:,}){hint}"
        )
    return text


# --- plain text in the seed's shape -------------------------------------------------------

_BYLINE = re.compile(r"^By\s+(?P<authors>.+?)\s+(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})$")
_OUTLET = re.compile(r"^/\s*(?P<outlet>\S.*)$")
_CHROME_MAX_WORDS = 3


def parse_txt(text: str, origin: str | None = None) -> ArticleDraft:
    """Read a text article: title line, optional repeated title, `/ Outlet`, byline, body.

    Page chrome left by scraping (lone short lines without sentence punctuation at the end,
    such as "News" and "Dismiss") is dropped from the body.
    """
    # the whole file is one article: one too long is refused before its lines are listed,
    # each a string, which costs several times the text
    within_article_limit(text, ": a .txt file is one article; many go in a .jsonl file")
    # Every line break: \n, \r\n, an old Mac's lone \r, U+2028 and the others the text
    # keeps as one (`models.printable_text`). "\r\r\n", a Windows file converted once too
    # often, stays one line break, as it was before a lone \r was one.
    raw_lines = text.replace("\r\n", "\n").splitlines()
    lines = [clean_line(line) for line in raw_lines]
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        raise ParseError("empty file")
    title = lines[first]
    i = first + 1
    source: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None

    def next_content(j: int) -> int:
        while j < len(lines) and not lines[j]:
            j += 1
        return j

    i = next_content(i)
    if i < len(lines) and lines[i] == title:
        i = next_content(i + 1)
    if i < len(lines) and (match := _OUTLET.match(lines[i])):
        source = match["outlet"]
        i = next_content(i + 1)
    if i < len(lines) and (match := _BYLINE.match(lines[i])):
        date = spelled_date(match["date"])
        if date is not None:
            authors = _split_authors(match["authors"])
            published = date
            i = next_content(i + 1)
    body_lines = raw_lines[i:]
    while body_lines and _is_chrome(clean_line(body_lines[-1])):
        body_lines.pop()
    body = "\n".join(body_lines).strip()
    if not body:
        raise ParseError("no body text after the title")
    return ArticleDraft(title, body, source, authors, published, origin=origin)


def _is_chrome(line: str) -> bool:
    if not line:
        return True
    # Chinese and Japanese sentences end in full-width stops, written without spaces.
    return len(line.split()) <= _CHROME_MAX_WORDS and not line.endswith(
        (".", "!", "?", '"', "\u201d", "'", "\u3002", "\uff01", "\uff1f", "\u300d")
    )


def _split_authors(value: str) -> tuple[str, ...]:
    """The names in an author string: parted at commas, semicolons, "and" and "&", each
    without a leading "By"."""
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", value)
    return _author_names(parts)


def _author_names(names: list[str]) -> tuple[str, ...]:
    """Each name one clean line without a leading "By"; blank ones (a bare "By") left out."""
    cleaned = (without_by(name) for name in names)
    return tuple(name for name in cleaned if name)


# --- JSON and JSON lines ------------------------------------------------------------------


def draft_from_mapping(obj: Any, origin: str | None = None) -> ArticleDraft:
    """Build a draft from the ingest schema: title, text, source, url, authors, published.

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
        authors = _split_authors(authors_value)
    elif isinstance(authors_value, list) and all(isinstance(a, str) for a in authors_value):
        authors = _author_names(authors_value)
    else:
        raise ParseError("field 'authors' must be a list of strings or a string")
    known = {"title", "text", "source", "url", "authors", "published"}
    return ArticleDraft(
        title=clean_line(title),
        text=text,
        source=_string_field(obj, "source"),
        authors=authors,
        published=parse_published(obj.get("published")),
        url=_string_field(obj, "url"),
        origin=origin,
        extra={k: v for k, v in obj.items() if k not in known},
    )


def _string_field(obj: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = obj.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:  # absent (or null), or there with nothing in it: two mistakes
            raise ParseError(f"{'missing' if value is None else 'empty'} field {name!r}")
        return None
    if not isinstance(value, str):
        raise ParseError(f"field {name!r} must be a string, got {json_kind(value)}")
    return value.strip()


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


def _read_json(text: str, origin: str) -> Iterator[Record]:
    try:
        value = _json_value(text)
    except json.JSONDecodeError as exc:
        raise ParseError(_json_error(exc)) from exc
    items = value if isinstance(value, list) else [value]
    if not items:  # as an empty .txt or .jsonl: a file that was meant to hold articles
        raise ParseError("empty JSON list: no articles")
    for number, item in enumerate(items, start=1):
        try:
            yield Record(draft_from_mapping(item, origin))
        except ParseError as exc:
            where = f"item {number}: " if isinstance(value, list) else ""
            yield Record(None, f"{where}{exc}")


class _LineReader(Protocol):
    def readline(self, limit: int = -1, /) -> bytes: ...


def _lines(stream: _LineReader) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) of each line; None for a line over MAX_LINE_BYTES, skipped unread."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            while line and not line.endswith(b"\n"):
                line = stream.readline(_CHUNK)
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


def _read_jsonl(stream: IO[bytes], origin: str) -> Iterator[Record]:
    peek = getattr(stream, "peek", None)
    head = peek(2)[:2] if peek is not None else b""
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding = "utf-16"  # PowerShell's `>` and Out-File
    elif len(head) == 2 and head.count(0) == 1:
        # A JSON line starts with an ASCII character, in UTF-16 one byte of it a NUL,
        # which no UTF-8 or legacy text holds: UTF-16 without its byte-order mark.
        encoding = "utf-16-le" if head[1] == 0 else "utf-16-be"
    else:
        yield from _json_lines(stream, origin)
        return
    utf16 = _Utf8Lines(stream, encoding)
    try:
        yield from _json_lines(utf16, origin)
    finally:
        utf16.release()


def _json_lines(stream: _LineReader, origin: str) -> Iterator[Record]:
    read = False  # a line that is not blank: a file of none is a failure, as an empty .txt
    # The legacy charset of the file's lines that are not UTF-8, guessed once from the first
    # of them: a guess costs a millisecond or more, and one line may say too little.
    legacy: str | None = None
    for number, raw in _lines(stream):
        if raw is None:
            too_long = f"line longer than {size_text(MAX_LINE_BYTES)}: not one article"
            yield Record(None, too_long, line=number)
            read = True
            continue
        if not raw.strip():
            continue
        read = True
        # without its line break: a line cut inside a string is "unterminated", not a string
        # holding a line break ("invalid control character")
        raw = raw.rstrip(b"\r\n")
        try:
            try:
                item = _json_value(raw)
            except UnicodeDecodeError:  # a stray byte, or a line in a legacy charset
                if mostly_utf8(raw):
                    text = mixed_text(raw)
                else:
                    legacy = legacy or legacy_codec(raw) or "cp1252"
                    text = legacy_text(raw, legacy)
                item = _json_value(_text_not_binary(text))
            yield Record(draft_from_mapping(item, origin), line=number)
        except json.JSONDecodeError as exc:
            yield Record(None, _json_error(exc, one_line=True), line=number)
        except ParseError as exc:
            yield Record(None, str(exc), line=number)
    if not read:
        yield Record(None, "empty file: no JSON lines")


# --- saved web pages ----------------------------------------------------------------------


# The fewest words a page's body may have to be an article: a login form ("user"; "Username
# Password Log in Forgot password?"), a wall ("Access denied", "Please enable JavaScript to
# continue.") or a page of only its headline is not one, and was stored as one. The
# shortest article of the 181 pages of html-articles has 18 words; a brief of a few
# sentences, 15 or more.
MIN_PAGE_WORDS = 8
# Fewer words are a story when they say one in a sentence: "Dover port closed as storm Eunice
# hit." is news, "Username Password Log in Forgot password?" is a form.
MIN_BRIEF_WORDS = 4
_BRIEF = re.compile(r"\b[a-z]\w*\b.*[.!。]\s*$", re.DOTALL)
# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
# Burmese): each character counts as one, which a Chinese word is at most a few of.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)


def _word_count(text: str) -> int:
    """The words in `text`: runs between spaces that hold a letter or digit, and each
    character of a script written without spaces."""
    unspaced = len(_UNSPACED.findall(text))
    spaced = _UNSPACED.sub(" ", text).split()
    return unspaced + sum(1 for word in spaced if any(c.isalnum() for c in word))


def parse_html(html: str, origin: str | None = None, url: str | None = None) -> ArticleDraft:
    """Extract the article body and metadata from a web page with trafilatura."""
    draft = extract_article(html, url=url)
    if draft is None:
        raise ParseError("no article text found in the page")
    return replace(draft, origin=origin)


def extract_article(html: str | bytes, url: str | None = None) -> ArticleDraft | None:
    """The article in a page (body, title, authors, date, site name), or None if it has none;
    ParseError if its text is more than one article may hold (`within_article_limit`), or
    fewer than MIN_PAGE_WORDS words that say no sentence (a login form, an "Access
    denied"). A saved page and a feed entry's page, new or read again, are read here alike,
    so the limits hold for each."""
    import trafilatura

    # Tables stay in (trafilatura's default): results, standings and figures are often the
    # article itself, and leaving them out costs more recall than it buys precision on the
    # html-articles benchmark (F1 0.959 without tables, 0.962 with; benchmarks/extraction.py).
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False
    )
    if document is None:
        return None
    meta = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = (meta.get("text") or "").strip()
    title = clean_line(meta.get("title") or "")
    if not text:
        return None
    first_line, _, rest = text.partition("\n")
    if title and clean_line(first_line) == title and rest.strip():
        text = rest.strip()  # trafilatura often repeats the headline as the first line
    words = _word_count(text)
    if words < MIN_PAGE_WORDS and not (words >= MIN_BRIEF_WORDS and _BRIEF.search(text)):
        raise ParseError(
            f"no article text in the page: only {quoted(clean_line(text), 60)} "
            f"({counted(words, 'word')}; an article has at least {MIN_PAGE_WORDS}, or "
            f"{MIN_BRIEF_WORDS} in a sentence)"
        )
    try:
        published = parse_published(meta.get("date"))
    except ParseError:
        published = None
    authors = _split_authors(meta["author"]) if meta.get("author") else ()
    # trafilatura names a site without a name by its address's host, with the user name
    # and password in front if it has them
    userinfo = split_url(meta.get("url") or url or "").netloc.rpartition("@")[0]
    source = meta.get("sitename") or meta.get("hostname")
    if userinfo and source:
        source = source.replace(f"{userinfo}@", "") or None
    return ArticleDraft(
        title=title or clean_line(first_line)[:200],
        text=within_article_limit(text),
        source=source,
        authors=authors,
        published=published,
        url=meta.get("url") or url,
        extra={"description": meta["description"]} if meta.get("description") else {},
    )
