"""Reading an RSS (0.9x, 1.0, 2.0) or Atom document into entries, with feedparser.

CPU-bound and synchronous: the poller runs it in a thread.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.sax
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from time import struct_time
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html
from lxml import etree

from retrieval.addresses import is_web_address
from retrieval.charset import decode_body
from retrieval.corpus.dates import has_time_of_day
from retrieval.corpus.text import clean_line, without_by
from retrieval.errors import ParseError
from retrieval.feeds.feed_dates import read_feed_date
from retrieval.wording import counted, quoted

_BLOCKS = frozenset(
    (
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "tr",
        "section",
        "article",
        "figure",
        "figcaption",
        "header",
        "footer",
        "hr",
        "dd",
        "dt",
    )
)
_EMAIL_THEN_NAME = re.compile(r"^\S+@\S+\s*\((?P<name>[^)]+)\)$")
_NAME_THEN_EMAIL = re.compile(r"^(?P<name>[^<(@]+?)\s*[<(]\s*\S+@\S+?\s*[>)]$")
_XML_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*["'])[^"']*""")
# Problems feedparser flags that do not make a feed unreadable.
_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
# A feed's own title at most, as a name given it (`registry.MAX_NAME`): it heads every line
# logged of the feed, and a title of 2 MB would make each poll log 400 MB.
MAX_TITLE = 200


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a feed, as the feed itself describes it."""

    key: str  # stable identity within the feed: its id, else its link, else a hash
    title: str | None
    link: str | None  # http(s) only, resolved against the feed's URL
    authors: tuple[str, ...]
    published: str | None  # ISO 8601 UTC
    text: str  # the feed's own text for it (full content or summary), as plain text
    # when the feed says it last changed it (its `updated`, Atom's or RSS's atom:updated),
    # ISO 8601 UTC; None: it does not say
    updated: str | None = None
    # the date the feed wrote for it that newsbot could not read ("... 08:00:00 IST"), if any:
    # the entry is dated by its `updated` time, or by its page's date, or stored undated
    unread_date: str | None = None
    published_as_written: str | None = None  # the date it is dated by, as the feed wrote it

    @property
    def words_hash(self) -> str:
        """A hash of the entry's words in the feed (its title and text): a correction changes
        it, and the poll reads the entry's page again (`replacements.corrected_entries`)."""
        return _hash(f"{self.title}\n{self.text}")


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    version: str  # feedparser's name for the format: rss20, atom10, rss090, ...
    entries: tuple[Entry, ...]  # as listed, newest first in most feeds
    # what is wrong with a document read in part (feedparser's "bozo" error: a truncated or
    # ill-formed feed whose entries before the fault were read), told as the feed's problem
    problem: str | None = None
    # whether entries were lost to it (`_entries_lost`); False: every entry was read (a
    # bare "&", an HTML entity: the lenient parser read past it), a note said once
    read_in_part: bool = False


def _lines(text: str) -> str:
    return "\n".join(line for line in map(clean_line, text.splitlines()) if line)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML snippet from a feed, one line per paragraph."""
    if not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _lines(fragment)
    for element in root.iter("script", "style"):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            # lxml reads "&#1;" into a text it then refuses to be given back (ValueError)
            element.text = "\n" + _NOT_XML.sub(" ", element.text or "")
            element.tail = "\n" + _NOT_XML.sub(" ", element.tail or "")
    return _lines(root.text_content())


# What lxml refuses in a text it is given: control characters but tab and line breaks
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _plain(detail: Any, value: str) -> str:
    """A feed text construct as plain text: HTML is rendered, plain text kept as it is."""
    kind = (detail or {}).get("type") or "text/html"
    return html_to_text(value) if "html" in kind else _lines(value)


def _published(
    item: Any, fields: tuple[str, ...] = ("published", "updated")
) -> tuple[str | None, str | None, str | None]:
    """When the entry was published (else updated; of `fields`, the first it gives that is
    read), ISO 8601, as the feed wrote it, and the first date of them the feed wrote that was
    not read, if any.

    Read as a file's date is (`read_feed_date`, `parse_published`) where that reads it: a
    bare date when the feed gives only a day ("2021-11-08", "Mon, 08 Nov 2021"), which
    feedparser reads as midnight UTC, the day before west of UTC; a 12-hour clock, whose PM
    feedparser passes over ("6:00 PM" was 06:00). Else as feedparser reads it (W3C forms,
    other languages' dates), but never a date with a time of day that `read_feed_date`
    refuses: feedparser took "18:00 IST" for 18:00 UTC. A published date not read gives way
    to the updated one, as an entry without one does (an Atom entry's is optional): later
    than its publication, it may hide the entry for a while, never show it "as of" a time
    before it was out, and it is nearer that time than when the entry is stored."""
    unread = None
    for field in fields:
        if field not in item:  # item.get("updated") is its published, with a warning
            continue
        raw, parsed = item.get(field), item.get(f"{field}_parsed")
        written = raw.strip() if isinstance(raw, str) else ""
        if written:
            try:
                return read_feed_date(written), written, unread
            except ParseError:
                if has_time_of_day(written):
                    unread = unread or written
                    continue
        if parsed:
            return _iso(parsed), written or None, unread
        if written:
            unread = unread or written  # "yesterday afternoon"
    return None, None, unread


def _iso(value: struct_time | None) -> str | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC).isoformat(timespec="seconds")
    except (TypeError, ValueError):
        return None


def author_name(raw: str) -> str | None:
    """The person in an RSS author field: "desk@example.org (Ann Lee)", "Ann Lee <a@b.org>",
    "Ann Lee", "By Ann Lee"; None for a bare e-mail address, which names nobody."""
    raw = clean_line(raw)
    for pattern in (_EMAIL_THEN_NAME, _NAME_THEN_EMAIL):
        if match := pattern.match(raw):
            return without_by(match["name"]) or None
    if "@" in raw and " " not in raw:
        return None
    return without_by(raw) or None


def _authors(item: Any) -> tuple[str, ...]:
    details = item.get("authors") or []
    raw = item.get("author") or ""
    if "@" in raw and len(details) <= 1:
        # feedparser splits "e-mail (name)" with a regex that cuts long top-level domains
        # ("desk@x.example (Ann)" gives the name "ple (Ann"): read the raw field ourselves.
        names = [author_name(raw)]
    else:
        names = [author_name(a.get("name") or "") for a in details] or [author_name(raw)]
    return tuple(dict.fromkeys(n for n in names if n))


def _text(item: Any) -> str:
    """The fullest text the feed gives: its content if longer than its summary."""
    texts = [_plain(c, c.get("value") or "") for c in item.get("content") or []]
    texts.append(_plain(item.get("summary_detail"), item.get("summary") or ""))
    return max(texts, key=len, default="")


def _link(item: Any, base: str) -> str | None:
    """The entry's http(s) link, a relative one resolved against `base` (the feed's URL).

    A `<guid>` stands for the link when the item has none (RSS: a permalink unless it says
    otherwise), but publishers leave out isPermaLink="false" on ids that are no address at
    all ("abc-123"): only a guid that is a whole http(s) URL is taken as the link, rather than
    an address made up from it, whose "Full article" link would lead nowhere.
    """
    link = (item.get("link") or "").strip()
    if item.get("guidislink") and link == (item.get("id") or "").strip():
        resolved = link
    else:
        try:
            resolved = urljoin(base, link) if link else ""
        except ValueError:  # not an address ("http://[::1/x"): the entry has no link
            return None
    return resolved if is_web_address(resolved) else None


def _entry(item: Any, base: str) -> Entry:
    title = clean_line(_plain(item.get("title_detail"), item.get("title") or "")) or None
    link = _link(item, base)
    text = _text(item)
    key = (item.get("id") or "").strip() or link or _hash(f"{title}\n{text}")
    published, as_written, unread_date = _published(item)
    return Entry(
        key=key,
        title=title,
        link=link,
        authors=_authors(item),
        published=published,
        text=text,
        updated=_published(item, ("updated",))[0],
        unread_date=unread_date,
        published_as_written=as_written,
    )


def _identity(entry: Entry) -> str:
    """What tells two entries apart where their ids do not: the link, else the words."""
    return entry.link or _hash(f"{entry.title}\n{entry.text}")


def _hash(text: str) -> str:
    return "sha1:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _distinct_keys(entries: list[Entry]) -> list[Entry]:
    """`entries`, those that share an id with a different entry keyed by id and identity.

    Some feeds give every item one guid (the site's address, a CMS's placeholder): keyed by
    it, the first would be stored and every other taken for it, seen, and lost in silence,
    in that poll and every one after. The same entry listed twice keeps one key."""
    identities: dict[str, set[str]] = {}
    for entry in entries:
        identities.setdefault(entry.key, set()).add(_identity(entry))
    return [
        replace(entry, key=f"{entry.key}\n{_identity(entry)}")
        if len(identities[entry.key]) > 1
        else entry
        for entry in entries
    ]


def parse_feed(content: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Entries of a feed document; raises ParseError if it is not a readable feed.

    `content_type` (the HTTP header) carries the charset when the document does not declare
    one; `url` resolves relative links. The bytes are decoded here (`decode_body`, which sees
    through a wrong charset label) and handed to feedparser as UTF-8 saying so: feedparser
    trusts the label, and UTF-8 labelled ISO-8859-1 would come out as "CafÃ©". Given a stream,
    feedparser never opens a URL or a file of its own.
    """
    text, no_characters = _sound_references(decode_body(content, content_type))
    media = (content_type or "application/xml").split(";", 1)[0].strip() or "application/xml"
    parsed = feedparser.parse(
        io.BytesIO(_XML_DECLARED_ENCODING.sub(r"\g<1>utf-8", text, count=1).encode()),
        # no content-location: relative links are resolved by `_link`, which can tell a
        # link from a guid standing in for one
        response_headers={"content-type": f"{media}; charset=utf-8"},
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        detail = f" ({problem})" if problem else ""
        raise ParseError(f"not an RSS or Atom feed{detail}")
    if problem is not None and not parsed.entries and not isinstance(problem, _HARMLESS):
        raise ParseError(f"malformed feed: {problem}")
    entries: dict[str, Entry] = {}
    for entry in _distinct_keys([_entry(item, url) for item in parsed.entries]):
        entries.setdefault(entry.key, entry)  # a feed listing an entry twice gives it once
    # the channel's title is a text construct as an entry's is: "News &amp; Views" would
    # otherwise be the outlet's name, escapes and all, in answers, /sources and digests
    channel = _plain(parsed.feed.get("title_detail"), parsed.feed.get("title") or "")
    title = clean_line(channel)[:MAX_TITLE] or None
    said = []  # the feed's problems, in words
    malformed = problem is not None and not isinstance(problem, _HARMLESS)
    lost = malformed and _entries_lost(text, len(parsed.entries))
    if problem is not None and malformed:
        how = "read in part" if lost else "every entry read"
        said.append(f"malformed feed, {how}: {_said(problem)}")
    if no_characters:
        said.append(
            f"{counted(len(no_characters), 'character reference')} to no character "
            f"({quoted(no_characters[0], 20)}{', ...' if len(no_characters) > 1 else ''}) "
            "read as \ufffd"
        )
    return ParsedFeed(
        title=title,
        version=parsed.get("version") or "",
        entries=tuple(entries.values()),
        problem="; ".join(said) or None,
        read_in_part=lost,
    )


# An entry's start tag (RSS's <item>, Atom's <entry>, a namespace's prefix or not), and the
# end tag of a feed's document (RSS 2.0's </rss>, Atom's </feed>, RSS 1.0's </rdf:RDF>)
_ENTRY_START = re.compile(r"<(?:[\w.-]+:)?(?:item|entry)(?=[\s/>])", re.I)
_DOCUMENT_END = re.compile(r"</(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>", re.I)


def _entries_lost(text: str, read: int) -> bool:
    """Whether a malformed document's entries were lost to its fault: it is cut short (no
    end tag of a feed's document), or holds more entries' start tags than were `read`.
    feedparser reads a document its strict parser stops in again with a lenient one, which
    reads past a bare "&" or an HTML entity (&nbsp;) to the end: that feed is read whole."""
    return not _DOCUMENT_END.search(text) or len(_ENTRY_START.findall(text)) > read


# A numeric character reference, as XML writes it and as feedparser's lenient parser also
# reads it without its ";"
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")


def _sound_references(text: str) -> tuple[str, list[str]]:
    """`text` with every numeric character reference to no character at all (half a UTF-16
    pair, &#xD800;; past U+10FFFF, &#x110000;, &#99999999999;) made a reference to U+FFFD,
    as half a pair escaped in JSON is, and those references.

    feedparser's lenient parser, which reads a document its strict one stops in, raised on
    them (chr() of a surrogate or past the last character): one bad title lost every entry
    of the feed, at every poll, until the feed was paused. A reference to a control
    character (&#x1b;) is a character: read, it becomes a space later (`clean_line`)."""
    unsound: list[str] = []

    def sound(match: re.Match[str]) -> str:
        hexadecimal, decimal = match.groups()
        number = int(hexadecimal, 16) if hexadecimal else int(decimal)
        if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF:
            return match.group()
        unsound.append(match.group())
        return "&#xFFFD;"

    return _CHARACTER_REFERENCE.sub(sound, text), unsound


def _said(problem: BaseException) -> str:
    """feedparser's error in words: an XML parser's without its "<unknown>:2:199:" (the
    place in the document as feedparser rewrote it, not as served)."""
    if isinstance(problem, xml.sax.SAXParseException):
        return problem.getMessage()
    return str(problem)
