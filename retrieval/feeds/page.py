"""One web page read into an article: a feed entry's page, or a page given by its address
(`newsbot ingest URL`), fetched and read alike, within the same bounds.

Fetched with the poller's `Fetcher` (its address rules, time-outs and size cap), read with
the saved pages' extraction (`retrieval.corpus.pages.extract_article`) in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from retrieval.addresses import masked_url, public_url, site_of
from retrieval.corpus.ingest_report import Failure, IngestReport
from retrieval.corpus.pages import extract_article
from retrieval.errors import BlockedURLError, FetchError, ParseError, TooLargeError
from retrieval.feeds.fetch import PAGE_ACCEPT, Fetcher
from retrieval.feeds.page_retries import passing
from retrieval.feeds.shared_pages import names_a_post
from retrieval.models import ArticleDraft

# Tags a page may hold to be read for its article. Reading is trafilatura's lxml tree, in a
# thread no deadline can stop: 600,000 paragraphs (4.8 MB, under the fetch cap) take 40 s
# and 1.1 GB a page. News pages hold a few thousand (3,229 at most in the 181 of
# html-articles); past this a feed's page falls back to the feed's summary.
MAX_PAGE_TAGS = 50_000


@dataclass(frozen=True, slots=True)
class PageRead:
    """What reading a page gave: its article, or why none (`problem`, without the page's
    address); the address it was fetched from in the end (`url`: after redirects, None if
    nothing came); whether its fetch failed for a moment (`for_now`: a 429, a 5xx, a
    time-out, `page_retries.passing`); and whether it holds the element the link's anchor
    names as a post of a live page (`post`: `shared_pages.names_a_post`)."""

    article: ArticleDraft | None
    url: str | None = None
    problem: str | None = None
    for_now: bool = False
    post: bool = False


async def read_page(fetcher: Fetcher, link: str, advice: bool = True) -> PageRead:
    """The article in the page at `link`, or why there is none: its fetch failed, it is no
    web page (an mp3), it is too large to read, or it holds no article. Without `advice`
    (a link a feed gave), a refused address is not told the setting that would allow it:
    an outside feed's link to a private address is no reason to open the network to it."""
    try:
        fetched = await fetcher.get(link, accept=PAGE_ACCEPT)
    except FetchError as exc:
        lasting = isinstance(exc, BlockedURLError | TooLargeError)  # so at every try
        why = exc.unadvised if isinstance(exc, BlockedURLError) and not advice else str(exc)
        return PageRead(None, problem=why, for_now=passing(exc.status) and not lasting)
    kind = (fetched.content_type or "text/html").split(";", 1)[0].strip().lower()
    if not kind.endswith(("html", "xml")):
        return PageRead(None, fetched.url, f"{kind}, not a web page")
    html = fetched.text()
    if (tags := html.count("<")) > MAX_PAGE_TAGS:
        why = f"too large to read ({tags:,} tags; {MAX_PAGE_TAGS:,} at most)"
        return PageRead(None, fetched.url, why)
    try:
        page = await asyncio.to_thread(extract_article, html, fetched.url)
    except ParseError as exc:  # more text than one article may hold, or too few words
        return PageRead(None, fetched.url, str(exc))
    except Exception as exc:  # trafilatura or lxml on a hostile page
        return PageRead(None, fetched.url, f"extraction failed: {exc!r}")
    if page is None:
        return PageRead(None, fetched.url, "no article text found in it")
    post = "#" in link and await asyncio.to_thread(names_a_post, html, link, page.text)
    return PageRead(page, fetched.url, post=post)


async def pages_to_store(
    fetcher: Fetcher,
    urls: Sequence[str],
    report: IngestReport,
    on_article: Callable[[], None] | None = None,
) -> list[tuple[ArticleDraft, str]]:
    """The articles of the pages at `urls`, one after another, each with its address as a
    failure of its would name it (credentials masked), stored as a feed's page is: under
    the address it was fetched from in the end, without credentials (`public_url`); its
    outlet the page's, else its host. A page with no article is a failure in `report`,
    named by its address, as a file that holds none is."""
    drafts = []
    for url in urls:
        read = await read_page(fetcher, url)
        if on_article:
            on_article()
        shown = masked_url(url)
        if read.article is None:
            report.failures.append(Failure(shown, read.problem or "no article text found in it"))
            continue
        stored = public_url(read.url or url)
        source = read.article.source or site_of(stored)
        extra = {**read.article.extra, "text_from": "page"}
        drafts.append(
            (replace(read.article, url=stored, source=source, origin=shown, extra=extra), shown)
        )
    return drafts
