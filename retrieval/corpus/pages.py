"""Saved web pages, and the pages a feed's entries link to, read into article drafts with
trafilatura: the body, title, authors, date and site name, or none if the page holds no
article (a login form, an "Access denied", a page of only its headline).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from retrieval.addresses import site_host, split_url
from retrieval.corpus.authors import is_agency
from retrieval.corpus.dates import parse_published
from retrieval.corpus.records import split_authors, within_article_limit
from retrieval.corpus.text import clean_line
from retrieval.errors import ParseError
from retrieval.models import ArticleDraft
from retrieval.wording import counted, quoted

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


# What follows a site's name in its title: "LinkNaija | Nigeria's popular news platform"
_TAGLINE = re.compile(r"\s+[|–—-]\s+")
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go"})
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\))\W*(?:(?:19|20)\d\d\b)?", re.IGNORECASE)


def _outlet(sitename: str | None, hostname: str | None) -> str | None:
    """The outlet a page names, without its tagline, a copyright ("Copyright 2014" was an
    outlet) or a stray mark ("Wday_"); its host where it names none. trafilatura's own
    fallback, the host's first label ("Hosted" for hosted.ap.org), gives the host the label
    leads."""
    host = site_host(hostname) or ""
    name = _TAGLINE.split(sitename or "")[0]
    name = _COPYRIGHT.sub("", name).strip(" _-|·:,.")
    labels = host.split(".")
    if len(labels) > 2 and name == labels[0].capitalize() and labels[1] not in _SECOND_LEVEL:
        return ".".join(labels[1:])  # not "co.uk" for morebikes.co.uk's "Morebikes"
    return name or host or None


def _squashed(text: str) -> str:
    """`text` as site names are compared: letters and digits only, any case."""
    return re.sub(r"\W+", "", text.casefold())


def _site_names(sitename: str | None, outlet: str | None, hostname: str | None) -> set[str]:
    """The names a page's site goes by in its title, squashed: its og:site_name whole
    ("Remember 80/90 - Memorabilia anni 80/90") and without its tagline, its host
    ("spacenews.com") and the host's name without its suffix ("morebikes" of
    morebikes.co.uk, "cnn" of edition.cnn.com)."""
    host = site_host((hostname or "").lower()) or ""
    labels = host.split(".")[:-1]  # without ".com", ".uk"
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels.pop()  # ".co" of ".co.uk": what is left ends in the site's own name
    names = {sitename or "", outlet or "", host, labels[-1] if labels else ""}
    return {_squashed(name) for name in names} - {""}


def _without_site_name(title: str, site_names: set[str]) -> str:
    """`title` without the site's name after its headline, and the tagline after that:
    "Best tech gadgets of 2019 | ZDNet", "Headline - Remember 80/90 - Memorabilia anni
    80/90". Only a segment that is the site's name is cut: "Star Wars Jedi: Fallen Order
    review - shoots for the moon, lands among the stars - VG247" keeps its dash, and
    "Milan Design Week 2018 | Anastassiades' light installation" (Inexhibit's) its pipe."""
    for separator in _TAGLINE.finditer(title):
        after = title[separator.end() :]
        segments = _TAGLINE.split(after)
        if len(segments) > 2:  # the site's name, then at most its tagline
            continue
        if _squashed(segments[0]) in site_names or _squashed(after) in site_names:
            headline = title[: separator.start()].strip()
            if _squashed(headline) and _squashed(headline) not in site_names:
                return headline
    return title


def _phrase(words: str) -> str:
    """A pattern for `words` as a page's text may hold them: any case, any spacing."""
    return r"\s+".join(re.escape(word) for word in words.split())


# What ends a byline's names on their line: "By Dee Marsh | Sport", "By Dee Marsh, Wend"
_AFTER_NAMES = re.compile(r"[ \t]*(?:[|·•,:–—-][ \t]*)*")


def _opens_a_paragraph(rest: str) -> bool:
    """Whether `rest`, what follows a headline or a byline, opens the next paragraph: on a
    line of its own, or, run into it, with a capital, a digit or a quote (not an
    apostrophe: "By Dee Marsh's count" goes on)."""
    first = rest[:1]
    return first == "\n" or first.isupper() or first.isdigit() or first in '"“‘«'


def _without_headline(text: str, title: str, authors: Sequence[str]) -> str:
    """`text` without the page's headline at its start, where a paragraph follows it: on
    its own line (trafilatura often repeats it so), or run into the text of a short page,
    which trafilatura reads whole ("Cup draw: Rovers face City By Dee Marsh Wend Rovers
    will play..."), if a byline or a paragraph's opening follows it there. A lead that
    goes on in lower case ("Oil prices rise on Monday", headlined "Oil prices rise") is
    no headline."""
    found = re.match(rf"\s*{_phrase(title)}(?!\w)[ \t]*", text, re.IGNORECASE) if title else None
    if found is None:
        return text
    rest = text[found.end() :]
    run_in = "\n" not in text  # one paragraph: the headline ran into it
    if rest.startswith("\n") or (run_in and _opens_a_paragraph(rest)):
        return rest
    return rest if _without_byline(rest, authors) != rest else text


def _without_byline(text: str, authors: Sequence[str]) -> str:
    """`text` without a byline at its start naming the page's `authors` (its metadata's):
    "By Dee Marsh" where a paragraph follows (`_opens_a_paragraph`), or the names alone
    on their own line."""
    if not authors:
        return text
    name = "|".join(_phrase(a) for a in sorted(authors, key=len, reverse=True))
    names = rf"(?:{name})(?:\s*(?:,|&|\band\b)\s*(?:{name}))*(?!\w)"
    found = re.match(rf"\s*(by\b\s*:?\s*)?{names}", text, re.IGNORECASE)
    if found is None:
        return text
    rest = text[found.end() :]
    gap = _AFTER_NAMES.match(rest)
    rest = rest[gap.end() :] if gap else rest
    if rest.startswith("\n") or (found[1] and _opens_a_paragraph(rest)):
        return rest
    return text


def _without_head(text: str, title: str, authors: Sequence[str]) -> str:
    """`text` without the headline and byline a page's body opens with, which its metadata
    name (`title`, `authors`): a headline, then a byline; or the text as it is, if that
    would leave nothing."""
    body = _without_byline(_without_headline(text, title, authors), authors).strip()
    return body or text


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
    from trafilatura.settings import set_date_params

    # Tables stay in (trafilatura's default): results, standings and figures are often the
    # article itself, and leaving them out costs more recall than it buys precision on the
    # html-articles benchmark (F1 0.959 without tables, 0.962 with; benchmarks/extraction.py).
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={**set_date_params(), "outputformat": _DATE_AND_TIME},
    )
    if document is None:
        return None
    meta = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = (meta.get("text") or "").strip()
    if not text:
        return None
    source = _outlet(meta.get("sitename"), meta.get("hostname"))
    site_names = _site_names(meta.get("sitename"), source, meta.get("hostname"))
    title = _without_site_name(clean_line(meta.get("title") or ""), site_names)
    first_line = text.partition("\n")[0]
    credited = split_authors(meta["author"]) if meta.get("author") else ()
    text = _without_head(text, title, credited)  # "By Reuters" is the byline too
    # A wire story's page credits the agency as its author ("Reuters", "REUTERS", "Meg
    # Kinnard, Errin Haines, Associated Press"): it wrote the story, but is no person, and
    # the outlet that ran it is the article's source. Kept aside, not lost.
    authors = tuple(name for name in credited if not is_agency(name))
    agencies = [name for name in credited if is_agency(name)]
    words = _word_count(text)
    if words < MIN_PAGE_WORDS and not (words >= MIN_BRIEF_WORDS and _BRIEF.search(text)):
        raise ParseError(
            f"no article text in the page: only {quoted(clean_line(text), 60)} "
            f"({counted(words, 'word')}; an article has at least {MIN_PAGE_WORDS}, or "
            f"{MIN_BRIEF_WORDS} in a sentence)"
        )
    published = _page_date(meta.get("date"))
    # trafilatura names a site without a name by its address's host, with the user name
    # and password in front if it has them
    userinfo = split_url(meta.get("url") or url or "").netloc.rpartition("@")[0]
    if userinfo and source:
        source = source.replace(f"{userinfo}@", "") or None
    return ArticleDraft(
        title=title or clean_line(first_line)[:200],
        text=within_article_limit(text),
        source=source,
        authors=authors,
        published=published,
        url=meta.get("url") or url,
        extra=_extra(meta.get("description"), agencies),
    )


# What htmldate is asked for: the page's date with its time of day and offset where the page
# gives them ("2024-06-01T23:30:00-0400"), not the bare day it gives by default: an article
# published at 23:30 in New York, 03:30 UTC the next day, was dated the day before and quoted
# "as of" hours before it was out. A day alone, or a time without an offset, comes out with
# "T00:00:00" and no offset, so `_page_date` can tell those apart.
_DATE_AND_TIME = "%Y-%m-%dT%H:%M:%S%z"
_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$")


def _page_date(found: str | None) -> str | None:
    """The date htmldate `found` for a page, as `parse_published` writes it: its moment in UTC
    where the page gave its time with an offset (or "Z"), else its day alone, as the page
    wrote it. A time that names no zone is left out: whose clock it is, the page does not
    say, and a page's day, not a guessed time, is what was stored before. The day is the one
    htmldate reads by default, as both come from the same place in the page."""
    if not found:
        return None
    try:
        return parse_published(found if _WITH_OFFSET.match(found) else found[:10])
    except ParseError:
        return None


def _extra(description: str | None, agencies: list[str]) -> dict[str, object]:
    """What a page says beside its article: its description, and the agencies it credits
    as authors ("agencies": ["Reuters"])."""
    extra: dict[str, object] = {"description": description} if description else {}
    if agencies:
        extra["agencies"] = list(dict.fromkeys(agencies))
    return extra
