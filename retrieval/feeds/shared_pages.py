"""Pages that are not an entry's own: where the page says nothing of the entry. Such a page's
text would stand for the entry's news and lose it, so the entry keeps the feed's own text
(`entry_articles._article`).

A page is the entry's own when it holds its words (`words_found`, `unrelated`), whether or
not other entries lead to it too: one story listed under two sections, or listed again under
a new redirect or tracking link, is one article, stored once with its page's text. Seen in
real feeds:
- entries whose links all end on one page that holds none of their words: a cookie or
  consent wall each link redirects to, dead links moved to the site's home page, the same
  "not available" page served at every address. Such entries, found by the page's address
  or text (`shared_pages`), are said in one note (`shared_page_note`); one alone on such a
  page in its own (`unrelated_note`);
- a live blog whose entries link to anchors of its one page (`live.html#post-4`): each
  entry is one post, with its own title, time and summary (`anchors`); the first, alone,
  is told by its page, which holds the post its anchor names as a small part of its text
  (`names_a_post`: an anchor into an ordinary story, `#article-body`, is no post's).
Pure: the poller reads the pages and counts their words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from retrieval.addresses import canonical_url, masked_url, same_page
from retrieval.corpus.text import fingerprint
from retrieval.feeds.feedformat import Entry
from retrieval.index.tokens import Tokenizer, fold
from retrieval.wording import counted, first_of, quoted

# The share of the distinct words of an entry's title and summary (index terms: stemmed, no
# stopwords) that its page's text must hold to be its page. Measured on the 181 real pages of
# html-articles (their title and description standing for a feed's title and summary,
# against the text extracted from the page, headline left out): the lowest share is 0.15 (2
# of 13 words: "4 Things to Do in October", a list of events), the median 0.93; none is below
# a tenth. A cookie wall or a home page holds none or one of a story's words. Fewer than ten
# words: one at least must be found (the title alone of that page holds none of its 3).
MIN_SHARED_WORDS = 0.1
_WORDS = Tokenizer()


def page_address(url: str) -> str | None:
    """The key two addresses of one page share (`same_page` of the canonical form)."""
    canonical = canonical_url(url)
    return same_page(canonical) if canonical else None


def entry_address(link: str) -> str:
    """An entry's link as told apart from another's: canonical (tracking parameters and the
    like are no difference), its fragment kept (`#post-4` is another post of a live page)."""
    fragment = urlsplit(link).fragment
    base = page_address(link) or link
    return f"{base}#{fragment}" if fragment else base


def page_of_anchor(link: str) -> str | None:
    """The page an anchor link points into (`live.html` of `live.html#post-4`), as the link
    was given (so it can be compared with the links stored as given); None: no anchor."""
    page, hash_, fragment = link.partition("#")
    return page if hash_ and fragment else None


def anchors(links: Mapping[str, str], given_before: Collection[str]) -> set[str]:
    """The entries (keys of `links`: each entry's link) that are anchors of a page another
    of the feed's entries links into under another anchor: of this poll (`links`), or given
    before (`given_before`: links the feed gave earlier). Each is a post of a live page."""
    by_page: dict[str, set[str]] = {}
    for link in [*links.values(), *given_before]:
        page = page_of_anchor(link)
        if page is not None:
            by_page.setdefault(page, set()).add(entry_address(link))
    return {
        key
        for key, link in links.items()
        if (page := page_of_anchor(link)) is not None and len(by_page[page]) > 1
    }


# A post's anchor names a post by its id (`post-4`, `update-1700000000`, `block-5f8a3c`):
# one of these words, and a digit. A page part's anchor (`#article-body`, `#story-body`,
# `#main-article`, `#content-start`, `#comments`) holds neither: the story's own page.
_POST_WORDS = re.compile(
    r"(?<![a-z])(?:post|entry|update|block|item|event|live|message|comment)s?(?![a-z])"
)
# A post is a part of its live page: the element its anchor names holds less than this
# share of the page's extracted text. An anchor to a story's body names an element holding
# all of it; a page holding one post alone is that post's text, stored as the page's.
MAX_POST_SHARE = 0.5


def names_a_post(html: str, link: str, page_text: str) -> bool:
    """Whether the page `html`, read from `link` (its extracted text `page_text`), is a live
    page and the link is to one of its posts: the link's anchor names a post (`_POST_WORDS`
    and a digit: `live.html#post-4`), the page holds the element of that id or name, and
    that element holds a small part of the page's text (`MAX_POST_SHARE`). Each is needed:
    an anchor naming an element of an ordinary story (`#article-body`, `#content-start`),
    or a tracking fragment (`#xtor=RSS-3`, no element), leaves the page the entry's."""
    anchor = unquote(urlsplit(link).fragment).strip()
    if not anchor or "=" in anchor or not re.search(r"\d", anchor):
        return False
    if not _POST_WORDS.search(anchor.lower()):
        return False
    element = rf"""(?<![\w-])(?:id|name)\s*=\s*(["']?){re.escape(anchor)}\1(?=[\s/>])"""
    if re.search(element, html) is None:  # most pages, told without a parse
        return False
    shown = _element_text(html, anchor)
    return shown is not None and len(shown) < MAX_POST_SHARE * len(" ".join(page_text.split()))


def _element_text(html: str, anchor: str) -> str | None:
    """The text of the first element of id or name `anchor` in `html`, its runs of spaces
    made one; None: no such element, or a page lxml cannot parse."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    found = root.xpath("//*[@id=$anchor or @name=$anchor]", anchor=anchor)
    return " ".join(found[0].text_content().split()) if found else None


@dataclass(frozen=True, slots=True)
class PageOf:
    """An entry's page as read: the entry's link, the address the page ended at, its text."""

    link: str
    url: str
    text: str


def shared_pages(pages: Mapping[str, PageOf]) -> dict[str, str]:
    """The entries (keys of `pages`) whose page is another's of `pages` too: the same address
    or the same text, under another link (`entry_address`: a link given twice is one story).
    Each with the address of the page it shares: the first entry's of those that share it
    (a consent wall's address may differ by entry, its text not)."""
    owners: dict[tuple[str, str], set[str]] = {}  # (kind, address or text) -> entry links
    first: dict[tuple[str, str], str] = {}  # the address of the first page of each mark
    for page in pages.values():
        for mark in _marks(page.url, fingerprint(page.text)):
            owners.setdefault(mark, set()).add(entry_address(page.link))
            first.setdefault(mark, page.url)
    shared = {}
    for key, page in pages.items():
        marks = [m for m in _marks(page.url, fingerprint(page.text)) if len(owners[m]) > 1]
        if marks:
            shared[key] = first[marks[0]]
    return shared


def _marks(url: str, text_hash: str) -> list[tuple[str, str]]:
    """What makes two pages one: their address, their text."""
    address = page_address(url)
    return [("text", text_hash)] + ([("address", address)] if address else [])


def words_found(title: str | None, summary: str, page_text: str) -> tuple[int, int]:
    """How many of the distinct words of an entry's title and summary are in its page's
    text, and how many there are. A word of a script written without spaces (Thai: a
    clause is one word to the tokenizer) is found within the page's words too."""
    own = set(_WORDS(f"{title or ''}\n{summary}"))
    page = set(_WORDS(page_text))
    found = own & page
    unspaced = [word for word in own - found if not word.isascii()]
    if unspaced:
        folded = fold(unicodedata.normalize("NFKC", page_text))  # as the words are
        found |= {word for word in unspaced if word in folded}
    return len(found), len(own)


def unrelated(found: int, total: int) -> bool:
    """Whether a page holding `found` of an entry's `total` words is not the entry's page
    (`MIN_SHARED_WORDS`). An entry without words (a title of digits alone) is not judged."""
    return found < MIN_SHARED_WORDS * total


NAME_SHOWN = 200  # characters of an entry's title or link in a note or problem told of it
_WHY = "a cookie or consent wall, or a home page dead links are sent to?"
_KEPT = "stored with the feed's own text, not the page's"


def _name(entry: Entry) -> str:
    """An entry as a note names it: its title, else its link."""
    return quoted(entry.title, NAME_SHOWN) if entry.title else masked_url(entry.link or entry.key)


def shared_page_note(page: str, entries: Sequence[Entry]) -> str:
    """What is said of `entries` (two or more) that lead to one page holding none of their
    words (`shared_pages` of those `unrelated` to their page)."""
    return (
        f"{len(entries)} entries lead to one page, {masked_url(page)}: "
        f"{first_of([_name(e) for e in entries], 3)} ({_WHY}): each {_KEPT}"
    )


def unrelated_note(page: str, entry: Entry, found: int, total: int) -> str:
    """What is said of an entry whose page holds almost none of its words (`unrelated`)."""
    return (
        f"entry {_name(entry)}: its page {masked_url(page)} holds {found} of the {total} "
        f"words of its title and summary ({_WHY}): {_KEPT}"
    )


def posts_note(posts: Sequence[Entry]) -> str:
    """What is said of the posts of a live page stored from their own text (`anchors`)."""
    pages = sorted({page_of_anchor(p.link) or "" for p in posts if p.link})
    return (
        f"{counted(len(posts), 'post')} of a live page ({first_of(pages, 1)}) stored with "
        "their own text: each is linked to an anchor of one page"
    )
