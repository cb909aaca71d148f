"""Which stored article a new one is a copy of: the one rule every write stores by (an
ingest, a feed's poll, a page read again).

An article is stored once. A new one is a copy of a stored article (or of one before it in
its batch), and is not stored, when that article has, in this order:
1. the same words (`text.fingerprint`: spacing, case and punctuation aside), whoever gave
   them;
2. the same page's address (`addresses.same_page`: ".../story" and ".../story/index.html",
   http and https, "www." and not): a page given again with other text (updated) is the
   article stored first;
3. a near-identical text (`sketches.NEAR_IDENTICAL`) and the same outlet
   (`outlets.outlet_key`): one outlet's story under a second address. Another outlet's
   copy is a source of its own, and is stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import aiosqlite

from retrieval.addresses import same_page, same_page_urls
from retrieval.corpus.prepare import PreparedArticle
from retrieval.corpus.rows_by_id import rows_for_ids
from retrieval.corpus.sketches import NEAR_IDENTICAL, Hashes, resemblance, shingle_hashes
from retrieval.corpus.text import normal_words
from retrieval.outlets import outlet_key

# Stored texts read to confirm an article's near copy, those sharing the most bands first:
# an outlet whose every text ends in the same long footer could otherwise make each of its
# articles read hundreds (a copy at 0.95 shares 4.4 of its six bands on average, one at 0.3
# almost never one)
CANDIDATES_READ = 8


@dataclass(frozen=True, slots=True)
class Copy:
    """The stored article a new one is a copy of."""

    article_id: int
    # Found by its text at another address than the stored one's (or with none): how alike
    # the two texts are (`sketches.resemblance`; 1.0: the same words). None: found by its
    # address, or the same article given again (its words and address).
    alike: float | None = None
    url: str | None = None  # the stored article's address
    title: str | None = None  # and title (None: found by its address)
    # found by its address with other words: an update of the stored one, kept out
    other_text: bool = False


@dataclass
class _Text:
    """A stored text (or one stored earlier in the batch) that may be a near copy's."""

    outlet: str | None
    url: str | None
    title: str
    text: str
    grams: Hashes | None = field(default=None, repr=False)  # its 3-grams, made when asked

    def resemblance(self, grams: Hashes) -> float:
        if self.grams is None:
            self.grams = shingle_hashes(normal_words(self.text))
        return resemblance(grams, self.grams)


def _same_address(url: str | None, stored: str | None) -> bool:
    """Whether two canonical addresses (None: none) are one page's (`same_page`)."""
    if url is None or stored is None:
        return url is stored
    return same_page(url) == same_page(stored)


class StoredCopies:
    """What the articles of one batch may be copies of, read for the batch at once (`read`),
    and kept up to date as the batch's own articles are stored (`add`)."""

    def __init__(
        self,
        by_hash: dict[str, tuple[int, str | None, str]],
        by_url: dict[str, int],
        by_key: dict[int, list[int]],
        texts: dict[int, _Text],
    ) -> None:
        self._by_hash = by_hash  # fingerprint -> (article id, its address, its title)
        self._by_url = by_url  # `same_page` of an address -> article id
        self._by_key = by_key  # `article_sketches` key -> article ids, first stored first
        self._texts = texts  # the texts of those ids that were read

    @classmethod
    async def read(
        cls, conn: aiosqlite.Connection, articles: Sequence[PreparedArticle]
    ) -> StoredCopies:
        """The stored articles that share a fingerprint, a page's address or a sketch's band
        with any of `articles`, and the texts of the likeliest near copies. Reads only: a
        few statements a batch, however many articles are stored."""
        hashes = await rows_for_ids(
            conn,
            "SELECT id, content_hash, url, title FROM articles WHERE content_hash IN ({ids})",
            [article.content_hash for article in articles],
        )
        by_hash = {str(h): (int(i), url, title) for i, h, url, title in hashes}
        by_url = await ids_of_urls(conn, (a.url for a in articles if a.url is not None))
        copies = cls(by_hash, by_url, {}, {})
        await copies.read_sketches(conn, articles)
        return copies

    async def read_sketches(
        self, conn: aiosqlite.Connection, articles: Sequence[PreparedArticle]
    ) -> None:
        """Read the stored articles that share a sketch's band with any of `articles`, and
        the texts of the likeliest near copies (for an article made whole after `read`,
        too). Reads only."""
        keys = await rows_for_ids(
            conn,
            "SELECT key, article_id FROM article_sketches WHERE key IN ({ids})",
            [key for article in articles for key in article.sketch],
        )
        for key, article_id in sorted(keys, key=lambda row: int(row[1])):
            self._by_key.setdefault(int(key), []).append(int(article_id))
        wanted = {i for a in articles for i in _likeliest(a.sketch, self._by_key)}
        rows = await rows_for_ids(
            conn,
            "SELECT id, source, url, title, text FROM articles WHERE id IN ({ids})",
            wanted - self._texts.keys(),
        )
        for article_id, source, url, title, text in rows:
            self._texts[int(article_id)] = _Text(outlet_key(source), url, title, text)

    def copy_of(self, article: PreparedArticle) -> Copy | None:
        """The stored article `article` is a copy of (the module's rule), or None."""
        found = self._by_hash.get(article.content_hash)
        if found is not None:
            stored, url, title = found
            if _same_address(article.url, url):
                return Copy(stored)  # the same article again
            return Copy(stored, 1.0, url, title)
        if article.url is not None:
            page = self._by_url.get(same_page(article.url))
            if page is not None:
                return Copy(page, other_text=True)
        return self._near_copy(article)

    def _near_copy(self, article: PreparedArticle) -> Copy | None:
        """The first stored text of `article`'s outlet near-identical to its own, if any."""
        candidates = [i for i in _likeliest(article.sketch, self._by_key) if i in self._texts]
        outlet = outlet_key(article.draft.source)
        grams: Hashes | None = None
        for article_id in sorted(candidates):
            stored = self._texts[article_id]
            if stored.outlet != outlet:  # a key of another outlet's, alike by chance
                continue
            if grams is None:
                grams = shingle_hashes(normal_words(article.draft.text))
            alike = stored.resemblance(grams)
            if alike >= NEAR_IDENTICAL:
                return Copy(article_id, alike, stored.url, stored.title)
        return None

    def add(self, article_id: int, article: PreparedArticle) -> None:
        """`article`, just stored as `article_id`: a later one of the batch may copy it."""
        draft = article.draft
        self._by_hash[article.content_hash] = (article_id, article.url, draft.title)
        if article.url is not None:
            self._by_url[same_page(article.url)] = article_id
        for key in article.sketch:
            self._by_key.setdefault(key, []).append(article_id)
        if article.sketch:
            outlet = outlet_key(draft.source)
            self._texts[article_id] = _Text(outlet, article.url, draft.title, draft.text)


def _likeliest(sketch: Iterable[int], by_key: dict[int, list[int]]) -> list[int]:
    """The articles that share bands with `sketch`, those sharing most first, at most
    CANDIDATES_READ of them."""
    shared = Counter(i for key in sketch for i in by_key.get(key, ()))
    return [i for i, _ in shared.most_common(CANDIDATES_READ)]


async def ids_of_urls(conn: aiosqlite.Connection, canonical: Iterable[str]) -> dict[str, int]:
    """The stored article of each canonical URL's page that has one, by `same_page`: a page
    stored as ".../story/index.html" is found as ".../story" and the other way."""
    wanted = {variant for url in canonical for variant in same_page_urls(url)}
    rows = await rows_for_ids(
        conn, "SELECT id, url FROM articles WHERE url IN ({ids}) ORDER BY id", wanted
    )
    found: dict[str, int] = {}
    for article_id, url in rows:
        found.setdefault(same_page(str(url)), int(article_id))  # the first stored
    return found
