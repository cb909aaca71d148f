"""Readers that turn files into article drafts: .txt, .json, .jsonl and .html (also gzipped).

Each reader yields `Record`s: a draft, or the reason one record could not be read, with its
line number where the format has lines, so one bad record never hides the good ones.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from retrieval.corpus.dates import parse_published, spelled_date
from retrieval.corpus.text import clean_line
from retrieval.errors import ParseError
from retrieval.models import ArticleDraft

SUFFIXES = (".txt", ".json", ".jsonl", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class Record:
    """One article read from a file, or why it could not be read."""

    draft: ArticleDraft | None
    error: str | None = None
    line: int | None = None


def format_of(path: Path) -> str | None:
    """The format suffix of `path` (".jsonl" for "x.jsonl.gz"), or None if unsupported."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return suffix
    return None


def read_records(path: Path) -> Iterator[Record]:
    """Read every article in `path`; raises ParseError when the file as a whole is unusable."""
    suffix = format_of(path)
    if suffix is None:
        raise ParseError(
            f"unknown format {path.suffix!r}: use .txt, .json, .jsonl or .html (optionally .gz)"
        )
    try:
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ParseError(f"cannot read file: {exc}") from exc
    origin = str(path)
    if suffix == ".jsonl":
        yield from _read_jsonl(data, origin)
        return
    text = _decode(data, html=suffix in (".html", ".htm"))
    if suffix == ".txt":
        yield Record(parse_txt(text, origin))
    elif suffix == ".json":
        yield from _read_json(text, origin)
    else:
        yield Record(parse_html(text, origin))


def _decode(data: bytes, html: bool = False) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if html:
            # Pages declare their own charset; trafilatura's loader honours it.
            from trafilatura.utils import decode_file

            decoded: str = decode_file(data)
            return decoded
        raise ParseError("not UTF-8 text") from None


# --- plain text in the seed's shape -------------------------------------------------------

_BYLINE = re.compile(r"^By\s+(?P<authors>.+?)\s+(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})$")
_OUTLET = re.compile(r"^/\s*(?P<outlet>\S.*)$")
_CHROME_MAX_WORDS = 3


def parse_txt(text: str, origin: str | None = None) -> ArticleDraft:
    """Read a text article: title line, optional repeated title, `/ Outlet`, byline, body.

    Page chrome left by scraping (lone short lines without sentence punctuation at the end,
    such as "News" and "Dismiss") is dropped from the body.
    """
    lines = [clean_line(line) for line in text.replace("\r\n", "\n").split("\n")]
    raw_lines = text.replace("\r\n", "\n").split("\n")
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
    return len(line.split()) <= _CHROME_MAX_WORDS and not line.endswith(
        (".", "!", "?", '"', "\u201d", "'")
    )


def _split_authors(value: str) -> tuple[str, ...]:
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", value)
    return tuple(p.strip() for p in parts if p.strip())


# --- JSON and JSON lines ------------------------------------------------------------------


def draft_from_mapping(obj: Any, origin: str | None = None) -> ArticleDraft:
    """Build a draft from the ingest schema: title, text, source, url, authors, published.

    Unknown fields are kept in `extra`; missing optional fields are fine; a missing title or
    text, or a field of the wrong type, raises ParseError naming the field.
    """
    if not isinstance(obj, dict):
        raise ParseError(f"expected a JSON object, got {type(obj).__name__}")
    title = _string_field(obj, "title", required=True)
    text = _string_field(obj, "text", required=True)
    assert title is not None and text is not None
    authors_value = obj.get("authors")
    if authors_value is None or authors_value == "":
        authors: tuple[str, ...] = ()
    elif isinstance(authors_value, str):
        authors = _split_authors(authors_value)
    elif isinstance(authors_value, list) and all(isinstance(a, str) for a in authors_value):
        authors = tuple(clean_line(a) for a in authors_value if a.strip())
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
        if required:
            raise ParseError(f"missing field {name!r}")
        return None
    if not isinstance(value, str):
        raise ParseError(f"field {name!r} must be a string, got {type(value).__name__}")
    return value.strip()


def _read_json(text: str, origin: str) -> Iterator[Record]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc
    items = value if isinstance(value, list) else [value]
    for number, item in enumerate(items, start=1):
        try:
            yield Record(draft_from_mapping(item, origin))
        except ParseError as exc:
            where = f"item {number}: " if isinstance(value, list) else ""
            yield Record(None, f"{where}{exc}")


def _read_jsonl(data: bytes, origin: str) -> Iterator[Record]:
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            yield Record(draft_from_mapping(item, origin), line=number)
        except UnicodeDecodeError:
            yield Record(None, "not UTF-8 text", line=number)
        except json.JSONDecodeError as exc:
            yield Record(None, f"invalid JSON: {exc.msg}", line=number)
        except ParseError as exc:
            yield Record(None, str(exc), line=number)


# --- saved web pages ----------------------------------------------------------------------


def parse_html(html: str, origin: str | None = None, url: str | None = None) -> ArticleDraft:
    """Extract the article body and metadata from a web page with trafilatura."""
    draft = extract_article(html, url=url)
    if draft is None:
        raise ParseError("no article text found in the page")
    return replace(draft, origin=origin)


def extract_article(html: str | bytes, url: str | None = None) -> ArticleDraft | None:
    """The article in a page (body, title, authors, date, site name), or None if it has none."""
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
    try:
        published = parse_published(meta.get("date"))
    except ParseError:
        published = None
    authors = _split_authors(meta["author"]) if meta.get("author") else ()
    return ArticleDraft(
        title=title or clean_line(first_line)[:200],
        text=text,
        source=meta.get("sitename") or meta.get("hostname"),
        authors=authors,
        published=published,
        url=meta.get("url") or url,
        extra={"description": meta["description"]} if meta.get("description") else {},
    )
