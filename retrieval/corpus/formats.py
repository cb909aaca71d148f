"""Readers that turn files into article drafts: .txt, .json, .jsonl and .html or .htm (also
gzipped).

Each reader yields `Record`s: a draft, or the reason one record could not be read, with its
line number where the format has lines, so one bad record never hides the good ones. This
module opens a file, decompresses and decodes it, and reads plain text itself; JSON and JSON
lines are read in `json_records`, pages in `pages`, and what they all share is in `records`.

Files are streamed, never read whole when they need not be, because an ingest folder may hold
anything: a compressed file is decompressed as it is read and may expand only so far (a 4 MB
gzip bomb holds 4 GB; see `expansion_cap`); JSON lines are read one at a time, each at
most `json_records.MAX_LINE_BYTES`; a file read whole (.txt, .json, .html) is at most
MAX_DOCUMENT_BYTES; JSON nested deeper than `json_records.MAX_JSON_DEPTH` is a bad record, not
a RecursionError; an article's text is at most `records.MAX_ARTICLE_CHARS`.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import stat
import zlib
from collections.abc import Iterator
from datetime import UTC, tzinfo
from pathlib import Path
from typing import IO, Any

from retrieval.charset import decode_body, undeclared_text
from retrieval.corpus.dates import spelled_date
from retrieval.corpus.json_records import read_json, read_jsonl
from retrieval.corpus.pages import parse_html
from retrieval.corpus.records import (
    CHUNK,
    MiB,
    Record,
    size_text,
    split_authors,
    text_not_binary,
    within_article_limit,
)
from retrieval.corpus.text import clean_line
from retrieval.errors import ExpansionCapError, ParseError
from retrieval.models import ArticleDraft

SUFFIXES = (".txt", ".json", ".jsonl", ".html", ".htm")
# What one compressed file may expand to, by default: real news compresses 2.8 to 3.0 times
# with gzip (the four development corpora, up to news-1m's 42 MB to 117 MB), JSON with long
# repeated fields rarely past 10; a bomb of zeros or of repeated lines, about a thousand.
EXPANSION_RATIO = 50
EXPANSION_FLOOR = 64 * MiB  # small files may expand this far whatever their ratio
# A file read whole (.txt, .json, .html); collections go in .jsonl. Its bytes, its text and
# what is parsed of it are held at once: reading a 63 MiB .json list took 141 MB more than at
# start (2.2 times its size), 330 MB (5.2) when one character past U+FFFF (an emoji) made its
# text 4 bytes a character. Bounded so, it is read whole rather than streamed.
MAX_DOCUMENT_BYTES = 64 * MiB


def suffixes_listed(conjunction: str) -> str:
    """SUFFIXES in words, "and" or "or" before the last: what help and errors name, all of
    them (".htm" was left out of both)."""
    return f"{', '.join(SUFFIXES[:-1])} {conjunction} {SUFFIXES[-1]}"


READABLE = f"{suffixes_listed('or')} (optionally .gz)"
_WHOLE_HINT = ": write the articles as JSON lines (.jsonl), read one at a time"


def format_of(path: Path) -> str | None:
    """The format suffix of `path` (".jsonl" for "x.jsonl.gz"), or None if unsupported."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return None


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

    def __init__(
        self, inner: gzip.GzipFile, cap: int, why: str, compressed_size: int, suffix: str
    ) -> None:
        self._inner = inner
        self._cap = cap
        self._why = why
        self._total = 0
        # the cap to suggest: 4 times this one, and no less than the default's ratio (a cap
        # given far under it would be suggested a few times over, each failing again); a
        # file read whole, no more than it may hold whatever the cap (MAX_DOCUMENT_BYTES)
        raise_to = max(4 * cap, EXPANSION_RATIO * compressed_size)
        whole = suffix != ".jsonl"
        most = f"a {suffix} file may hold at most {size_text(MAX_DOCUMENT_BYTES)}"
        if whole and cap >= MAX_DOCUMENT_BYTES:  # no cap would do
            self._hint = f"{most}, whatever the cap" + (_WHOLE_HINT if suffix == ".json" else "")
            return
        if whole:
            raise_to = min(raise_to, MAX_DOCUMENT_BYTES)
        self._hint = (
            "if the file is genuine, raise the cap with newsbot ingest --max-expanded "
            f"{-(-raise_to // MiB)}M" + (f" ({most})" if whole else "")
        )

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
                    f"decompression bomb, and refused; {self._hint}"
                )
        self._total += len(data)
        buffer[: len(data)] = data
        return len(data)


def read_records(
    path: Path,
    max_expanded: int | None = None,
    zone: tzinfo = UTC,
    identity: tuple[int, int] | None = None,
) -> Iterator[Record]:
    """Read every article in `path`, streaming; raises ParseError when the rest of the file
    cannot be read (records yielded before stay good). A compressed file may expand to
    `max_expanded` bytes, by default `expansion_cap` of its size. A time that names no zone
    is in `zone`. `identity`, (st_dev, st_ino), is the file a folder's walk found there:
    another one opened is refused."""
    suffix = format_of(path)
    if suffix is None:
        raise ParseError(f"unknown format {path.suffix!r}: use {READABLE}")
    try:
        with _open_regular(path, identity) as raw:
            stream: IO[bytes] = raw
            if path.name.lower().endswith(".gz"):
                size = os.fstat(raw.fileno()).st_size
                cap, why = _cap_for(size, max_expanded)
                inner = gzip.GzipFile(fileobj=raw, mode="rb")
                capped = _Capped(inner, cap, why, size, suffix)
                stream = io.BufferedReader(capped, buffer_size=CHUNK)
            yield from _read_stream(stream, suffix, str(path), zone)
    except ParseError:
        raise
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise ParseError(f"cannot read file: {exc}") from exc


def _open_regular(path: Path, identity: tuple[int, int] | None) -> IO[bytes]:
    """`path` opened for reading if it is a regular file (and the one `identity` names, if
    given); ParseError otherwise. Opened without blocking, so a pipe put in its place is
    refused rather than waited on for ever."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise ParseError("not a regular file (a pipe, a device or a socket): not read")
        if identity is not None and (status.st_dev, status.st_ino) != identity:
            raise ParseError(
                "another file was put in its place after its folder was read: not read"
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_stream(stream: IO[bytes], suffix: str, origin: str, zone: tzinfo) -> Iterator[Record]:
    if suffix == ".jsonl":
        yield from read_jsonl(stream, origin, zone)
        return
    data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ParseError(
            f"over {size_text(MAX_DOCUMENT_BYTES)}, the most a {suffix} file may hold"
            + (_WHOLE_HINT if suffix == ".json" else ": not one article")
        )
    text = _decode(data, html=suffix in (".html", ".htm"))
    del data  # as large as the text: not held while the text is read
    if suffix == ".txt":
        yield Record(parse_txt(text, origin))
    elif suffix == ".json":
        yield from read_json(text, origin, zone)
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
    return text_not_binary(decode_body(data) if html else undeclared_text(data))


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
            authors = split_authors(match["authors"])
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
