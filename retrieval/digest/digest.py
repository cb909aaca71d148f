"""The digest of a period: its articles grouped into stories, chosen by keywords, ranked.

An article belongs to a period by its time: when it was published, or when it was ingested if
it has no date; one ingested as an archive (`ingest --archive`) belongs to none. Feeds are read
after the fact, so an article dated just before a period can arrive during it, after the
previous digest was built; such a late arrival joins the next digest (see `Period`),
otherwise it would fall between two digests and never be shown.

Keywords filter by the same terms the search uses (stemmed, stop words dropped, irregular
forms mapped): a story is in a keyword digest when its title or text, any of its reports',
has any keyword; the stories are the whole period's, so a story's reports that do not name
it (another outlet's words for it) are still its reports there. A keyword of one
term matches wherever the term is; one of several ("Bank of England", typed in quotes in the
bot, or "F-35", "9/11", "Covid-19", which the terms part) only where the title or a single
sentence holds all of its terms together (`_holds_phrase`): "F-35" is no digest of every
article that says "35", nor "Boris Johnson" of every Johnson's. A story that holds more of
the keywords comes first, then one whose headlines name them, then one about them (a
keyword in a lead or more than one sentence) before one that names them in passing ("oil":
fuel duty before a snake oil salesman). The articles of a period are few and already in
hand, so tokenizing them is exact and cheap; asking the index instead would mean a top-k
cut over the whole corpus, sentence by sentence, missing titles and anything stored since
the index last caught up.

Stories are the period's articles grouped, their words weighed among those articles and the
news before them (`context_articles`): the newest `stories.CONTEXT_ARTICLES` articles of the
`stories.CONTEXT_DAYS` up to the period's end, by the same rules of time and archives, read
by their titles and first sentences. Among a day's few articles alone a common word looks
as rare as a name.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosqlite

from retrieval.corpus.attributions import SHOWN_URL
from retrieval.corpus.dates import stored_ahead
from retrieval.corpus.rows_by_id import rows_for_ids
from retrieval.digest.extracts import representative_extract
from retrieval.digest.stories import CONTEXT_ARTICLES, CONTEXT_DAYS, LEAD_READ, group_stories
from retrieval.digest.story_articles import StoryArticle, has_prose, has_text
from retrieval.digest.story_terms import idf_table
from retrieval.errors import DigestError
from retrieval.index.tokens import Tokenizer
from retrieval.models import headline
from retrieval.outlets import distinct_outlets
from retrieval.typed import without_markup
from retrieval.wording import quoted

DEFAULT_LIMIT = 10  # stories per digest: a morning read, not the whole wire
LEAD_SENTENCES = 2  # an article's first sentences, that say what it is about
PHRASE_GAP = 1  # other terms a keyword's words may stand among ("oil prices in 2024")
# A digest's keywords name what it is about; every notice and /subscription repeats them.
MAX_KEYWORDS = 20
MAX_KEYWORD_CHARS = 300
LATE_WINDOW = timedelta(hours=48)  # how far before its period a late arrival may be dated
# A keyword that is a number alone ("11", "2024", "11%"): no topic on its own, and every
# article that says "11%" or "Chapter 11" holds it
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*%?$")
Phrase = frozenset[str]  # a keyword's index terms, found together in any order


@dataclass(frozen=True, slots=True)
class DigestArticle:
    """One report of a story, as a reader would follow it."""

    id: int
    title: str  # as shown (`models.headline`): without its outlet's name
    source: str | None
    url: str | None
    published: str | None  # ISO 8601 as the article gave it; None when it gave none
    # when it was stored, where it counts from then though dated (a date a day ahead at most,
    # `store.counts_from`): the time a digest shows for it, labelled "stored"
    stored_ahead: datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story: the headline linked to an article, what happened, who carried it."""

    headline: str
    url: str | None
    extract: str  # one or two sentences; empty when the articles hold no prose (tables)
    outlets: tuple[str, ...]
    article_ids: tuple[int, ...]
    published: datetime  # the newest of its dated articles (or of all, if none is), UTC
    articles: tuple[DigestArticle, ...] = ()  # every report, oldest first
    # `published` came from a bare date ("2022-11-08"): only its day is known, and 10:00 UTC
    # is where the store counts it from (`dates.BARE_DATE_HOUR`), not a time to show
    date_only: bool = False
    # When the headline's own article (the one `url` links to) was published, else stored
    # (`lead_stored`): what the line under the headline gives, which `published`, the newest
    # report's, is not when another report is the newer ("COASTAL RAISES OIL POSTED PRICES"
    # at 10:54 was shown at 16:59, Unocal's). None: `published` is all that is known.
    lead_published: datetime | None = None
    lead_date_only: bool = False
    lead_stored: bool = False
    # `published` is when the newest report was stored, not published, which a reader must
    # not take for a publication time: none of the reports at that moment gave a date (none
    # of the story's did, or it would be the newest dated one's), or theirs lie ahead
    # (`dates.stored_ahead`)
    published_stored: bool = False


@dataclass(frozen=True, slots=True)
class Digest:
    """The stories of a period, best first; `articles` and `stories` count all that matched,
    before `limit` cut the list."""

    period_start: datetime
    period_end: datetime
    items: tuple[DigestItem, ...]
    keywords: tuple[str, ...] = ()
    articles: int = 0
    stories: int = 0


@dataclass(frozen=True, slots=True)
class Period:
    """What a digest covers: articles timed in [start, end), UTC.

    `as_of` is when the digest is built: articles stored later wait for the next digest.
    `seen_until` is the previous digest's `as_of`: articles stored since then but dated up to
    `LATE_WINDOW` before `start` arrived too late for it, and join this one; so do those
    dated in the previous digest's period, [`seen_from`, `seen_to`), however long it was:
    a catch-up after days down covers them all, and a feed polled after it was built
    brings them. Together they put every article in exactly one scheduled digest. The
    windows stop there: a feed added today brings its whole backlog, stored now, which no
    digest ever promised; nor did any the weeks a catch-up capped at `LONGEST_PERIOD`
    skipped, between `seen_to` and `start`.
    """

    start: datetime
    end: datetime
    seen_until: datetime | None = None
    as_of: datetime | None = None
    seen_from: datetime | None = None
    seen_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class PeriodArticle:
    id: int
    title: str
    source: str | None
    url: str | None
    time: float  # Unix time: published, else ingested
    sentences: tuple[str, ...]
    published: str | None = None  # as stored


def typed_keywords(keywords: Sequence[str], tokenizer: Tokenizer) -> tuple[str, ...]:
    """Keywords just typed (/subscribe, /digest, `newsbot digest`) as a digest takes them:
    without the markup typed or pasted with them (`<b>oil</b>` is "oil", `&amp;` "&"),
    bounded, and each with a word to search for. DigestError past MAX_KEYWORDS or
    MAX_KEYWORD_CHARS, or naming each keyword of no such word: beside others, "&" or
    "<b>oil</b>" (read as "b" and "oil" together) made a digest that matched nothing,
    silently. A subscription stored before the bound keeps its digests (its notices show
    its keywords in part).

    A number typed alone is one keyword with the word before it ("apollo 11", "boeing 737",
    "covid 19"; first, with the word after it: "2024 budget"): Telegram parts a command at
    every space, and "11" on its own made a digest of every article that says "11%" or
    "Chapter 11". Numbers and nothing else are refused."""
    typed_groups = _numbers_joined(keywords, [without_markup(k) for k in keywords])
    keywords = tuple(" ".join(typed) for typed, _ in typed_groups)
    cleaned = tuple(" ".join(w for w in clean if w) for _, clean in typed_groups)
    if len(cleaned) > MAX_KEYWORDS or sum(map(len, cleaned)) > MAX_KEYWORD_CHARS:
        raise DigestError(
            f"a digest takes at most {MAX_KEYWORDS} keywords of {MAX_KEYWORD_CHARS} characters "
            "in all, the names, places or topics it is about, e.g. oil opec"
        )
    numbers = [typed for typed, clean in zip(keywords, cleaned, strict=True) if _numbers(clean)]
    if numbers:
        raise DigestError(
            f"{quoted(numbers[0])} alone would match any article with that number in it "
            "(“11%”, “Chapter 11”): give it with the word it goes with, e.g. apollo 11"
        )
    unsearchable = [
        (typed, clean)
        for typed, clean in zip(keywords, cleaned, strict=True)
        if not tokenizer(clean)
    ]
    if unsearchable and len(unsearchable) == len(keywords):
        raise DigestError(
            f"{quoted(' '.join(keywords))} has {_why_unsearchable(unsearchable)}: use names, "
            "places or topics, e.g. oil opec"
        )
    if unsearchable:
        named = ", ".join(quoted(typed) for typed, _ in unsearchable)
        one = len(unsearchable) == 1
        raise DigestError(
            f"{named} {'has' if one else 'have'} {_why_unsearchable(unsearchable)}, so "
            f"{'it' if one else 'they'} would match nothing: leave {'it' if one else 'them'} "
            "out, or use names, places or topics, e.g. oil opec"
        )
    return cleaned


def _numbers_joined(
    typed: Sequence[str], cleaned: Sequence[str]
) -> list[tuple[list[str], list[str]]]:
    """The keywords typed and cleaned, each number alone joined to the keyword before it (a
    number first, to the one after it); numbers with no other keyword stay together."""
    groups: list[list[int]] = []
    lead: list[int] = []  # numbers before any other keyword
    for n, clean in enumerate(cleaned):
        if _NUMBER.match(clean):
            (groups[-1] if groups else lead).append(n)
        else:
            groups.append([*lead, n])
            lead = []
    if lead:
        groups.append(lead)
    return [([typed[n] for n in group], [cleaned[n] for n in group]) for group in groups]


def _numbers(keyword: str) -> bool:
    """Whether a keyword is numbers and nothing else ("11", "11 13")."""
    return bool(keyword) and all(_NUMBER.match(word) for word in keyword.split())


def _why_unsearchable(keywords: Sequence[tuple[str, str]]) -> str:
    """What the keywords with no word to search for have instead: common words, or none."""
    worded = [any(char.isalnum() for char in clean) for _, clean in keywords]
    if all(worded):
        return "only very common words"
    return "no word to search for" if any(worded) else "no words"


def keyword_terms(keywords: Sequence[str], tokenizer: Tokenizer) -> frozenset[str]:
    """The index terms of `keywords`; DigestError when they are all too common to search."""
    return frozenset().union(*keyword_groups(keywords, tokenizer))


def keyword_labels(keywords: Sequence[str]) -> list[str]:
    """Keywords as a digest names them: a phrase in quotes, so "Bank of England, oil" reads
    as the two keywords it is."""
    return [f"“{k}”" if " " in k else k for k in keywords]


def keyword_groups(keywords: Sequence[str], tokenizer: Tokenizer) -> tuple[Phrase, ...]:
    """Each keyword's index terms, those of only common words left out; DigestError when
    every keyword is of only common words."""
    groups = tuple(dict.fromkeys(g for g in (frozenset(tokenizer(k)) for k in keywords) if g))
    if keywords and not groups:
        raise DigestError(
            f"{quoted(' '.join(keywords))} has only very common words: use names, places or "
            "topics, e.g. oil opec"
        )
    return groups


async def period_articles(conn: aiosqlite.Connection, period: Period) -> list[PeriodArticle]:
    """The articles of `period` with their sentences, oldest first. Reads only."""
    start, end = period.start.timestamp(), period.end.timestamp()
    seen = period.seen_until.timestamp() if period.seen_until else None
    as_of = period.as_of.timestamp() if period.as_of else None
    late_start = start - LATE_WINDOW.total_seconds()
    seen_from = period.seen_from.timestamp() if period.seen_from else None
    seen_to = period.seen_to.timestamp() if period.seen_to else None
    async with conn.execute(
        f"SELECT id, title, source, {SHOWN_URL} AS url,"
        " coalesce(published_ts, ingested_ts) AS t, published"
        " FROM articles"
        " WHERE ((published_ts >= :start AND published_ts < :end)"
        "     OR (published_ts IS NULL AND ingested_ts >= :start AND ingested_ts < :end)"
        "     OR (:seen IS NOT NULL AND ingested_ts >= :seen"
        "         AND ((published_ts >= :late AND published_ts < :start)"
        "             OR (published_ts >= :seen_from AND published_ts < :seen_to))))"
        " AND (:as_of IS NULL OR ingested_ts < :as_of)"
        " AND id NOT IN (SELECT article_id FROM archived)"
        " ORDER BY t, id",
        {
            "start": start,
            "end": end,
            "seen": seen,
            "late": late_start,
            "seen_from": seen_from,
            "seen_to": seen_to,
            "as_of": as_of,
        },
    ) as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    sentences = await article_sentences(conn, [int(r[0]) for r in rows])
    return [
        PeriodArticle(
            int(i), str(title), source, url, float(t), sentences.get(int(i), ()), published
        )
        for i, title, source, url, t, published in rows
    ]


async def context_articles(
    conn: aiosqlite.Connection, period: Period, grouped: Sequence[PeriodArticle]
) -> list[StoryArticle]:
    """The articles besides `grouped` (the period's) that weigh their words: the newest
    `CONTEXT_ARTICLES` timed in the `CONTEXT_DAYS` up to the period's end (published, else
    stored, as a period counts them), archives and those stored after `as_of` left out,
    each with its first `LEAD_READ` sentences, which hold its lead. Reads only."""
    as_of = period.as_of.timestamp() if period.as_of else None
    async with conn.execute(
        "SELECT id, title, source, coalesce(published_ts, ingested_ts) AS t, published"
        " FROM articles"
        " WHERE coalesce(published_ts, ingested_ts) >= :since"
        " AND coalesce(published_ts, ingested_ts) < :end"
        " AND (:as_of IS NULL OR ingested_ts < :as_of)"
        " AND id NOT IN (SELECT article_id FROM archived)"
        " ORDER BY coalesce(published_ts, ingested_ts) DESC, id DESC LIMIT :limit",
        {
            "since": context_start(period.end),
            "end": period.end.timestamp(),
            "as_of": as_of,
            "limit": CONTEXT_ARTICLES,
        },
    ) as cur:
        ids = {a.id for a in grouped}
        rows = [tuple(r) for r in await cur.fetchall() if int(r[0]) not in ids]
    leads = await article_sentences(conn, [int(r[0]) for r in rows], LEAD_READ)
    return [
        StoryArticle(int(i), str(title), leads.get(int(i), ()), source, float(t), bool(published))
        for i, title, source, t, published in rows
    ]


def context_start(end: datetime) -> float:
    """When the `CONTEXT_DAYS` up to `end` begin, in the zone's days; at year 1's start for
    a period ending in its first week (`digest --until 0001-01-03`), as no day comes
    before it (`end` less a week was an OverflowError)."""
    try:
        return (end - timedelta(days=CONTEXT_DAYS)).timestamp()
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC).timestamp()


async def article_sentences(
    conn: aiosqlite.Connection, article_ids: Sequence[int], first: int | None = None
) -> dict[int, tuple[str, ...]]:
    """The sentences of each of `article_ids` that has any, in order; only the `first` of
    each if given. Reads only."""
    rows = await rows_for_ids(
        conn,
        "SELECT article_id, text FROM sentences WHERE article_id IN ({ids})"
        + ("" if first is None else " AND position < ?")
        + " ORDER BY article_id, position",
        article_ids,
        *(() if first is None else (first,)),
    )
    found: dict[int, list[str]] = {}
    for article_id, text in rows:
        found.setdefault(int(article_id), []).append(str(text))
    return {k: tuple(v) for k, v in found.items()}


def compose(
    articles: Sequence[PeriodArticle],
    period: Period,
    keywords: Sequence[str] = (),
    limit: int = DEFAULT_LIMIT,
    tokenizer: Tokenizer | None = None,
    context: Sequence[StoryArticle] = (),
) -> Digest:
    """The digest of `articles`: group into stories, keep those that hold the keywords,
    rank, extract. How common a word is, to group, comes from these articles and the
    `context` ones (`context_articles`: the news of the week up to the period's end),
    never from the rest of the corpus, so a period gets the same stories whatever older
    archives the database holds; the context is not grouped.

    Keywords choose among the stories of the whole period, grouped as without them: grouped
    after the articles were filtered, a story lost its reports that do not name the keyword
    (CNN's, The Hill's and Fox News's "marijuana" bill apart from Reason's report, which
    alone said the word), and idf taken among fewer articles grouped otherwise still."""
    tokenizer = tokenizer or Tokenizer()
    wanted = keyword_groups(keywords, tokenizer)
    tokens = [set(tokenizer(" ".join((a.title, *a.sentences)))) for a in articles]
    held: dict[int, frozenset[int]] = {}  # article id -> the keywords it holds
    about: dict[int, frozenset[int]] = {}  # article id -> the keywords it is about
    headlined: dict[int, frozenset[int]] = {}  # article id -> those its headline holds
    if wanted:
        for article, terms in zip(articles, tokens, strict=True):
            held[article.id], about[article.id], headlined[article.id] = _keywords_in(
                article, terms, wanted, tokenizer
            )
    idf, _ = idf_table(tokens)
    stories = [
        StoryArticle(a.id, a.title, a.sentences, a.source, a.time, bool(a.published))
        for a in articles
    ]
    grouped = group_stories(stories, tokenizer, context=context)
    groups = [[articles[i] for i in g] for g in grouped]
    if wanted:
        groups = [group for group in groups if _keywords_held(group, held)]
    told = {s.id for s in stories if has_text(s) and has_prose(s)}
    # a story about more of the keywords first ("monkeypox vaccine": the monkeypox vaccine
    # before another vaccine's trial, however many outlets carried that), then one whose
    # headlines name them ("Supreme Court": its rulings before a vote on Capitol statues
    # whose lead names a former Chief Justice), then one about them before one that names
    # them in passing ("oil": fuel duty before a snake oil salesman); a story no report of
    # which tells it (feed entries of a headline alone, price tables a wire files by the
    # dozen), so with no extract, after every one told
    groups.sort(
        key=lambda group: (
            -_keywords_held(group, held),
            -_keywords_held(group, headlined),
            -_keywords_held(group, about),
            not any(a.id in told for a in group),
            *_rank(group),
        )
    )
    by_id = {s.id: s for s in stories}
    items = [
        _item(group, [by_id[a.id] for a in group], tokenizer, idf)
        for group in groups[: max(limit, 0)]
    ]
    return Digest(
        period.start,
        period.end,
        tuple(items),
        tuple(keywords),
        articles=sum(map(len, groups)),  # every report of the stories kept
        stories=len(groups),
    )


def _keywords_in(
    article: PeriodArticle,
    terms: set[str],
    groups: Sequence[Phrase],
    tokenizer: Tokenizer,
) -> tuple[frozenset[int], frozenset[int], frozenset[int]]:
    """Which keywords (their positions in `groups`) the article holds, which of those it
    is about, and which its headline holds, in one reading of its title and sentences. It
    holds a one-term keyword found anywhere in it (`terms`, the article's), a keyword of
    several terms as a phrase in its title or in one sentence, the terms together
    (`_holds_phrase`; common words between them aside: "Bank of England"); it is about one
    in its title, in its lead (the first LEAD_SENTENCES) or in more than one sentence, not
    only names it."""
    found = {n for n, group in enumerate(groups) if len(group) == 1 and group <= terms}
    maybe = {n for n, group in enumerate(groups) if group <= terms}  # held by some text?
    about: set[int] = set()
    headlined: set[int] = set()
    seen: dict[int, int] = {}  # keyword -> the texts that hold it
    for n, text in enumerate((article.title, *article.sentences)):
        if about == maybe:
            break  # nothing left to learn from the rest
        held = tokenizer(text)
        for k in maybe - about:
            if _holds_phrase(held, groups[k]):
                found.add(k)
                seen[k] = seen.get(k, 0) + 1
                if n <= LEAD_SENTENCES or seen[k] > 1:
                    about.add(k)
                if n == 0:  # the title
                    headlined.add(k)
    return frozenset(found), frozenset(about), frozenset(headlined)


def _holds_phrase(tokens: Sequence[str], phrase: Phrase) -> bool:
    """Whether `phrase`'s terms stand together in `tokens`, in any order, within a run of
    as many terms and PHRASE_GAP more: "oil prices in 2024", "In 2024, oil" and "the 2024
    oil glut" hold "oil 2024", "the 2020 election" "election 2020"; "Apollo Global shares
    fell 11%" holds both terms of "apollo 11" and is no article about Apollo 11."""
    span = len(phrase) + PHRASE_GAP
    return any(
        phrase.issubset(tokens[i : i + span]) for i, token in enumerate(tokens) if token in phrase
    )


def _keywords_held(group: Sequence[PeriodArticle], held: dict[int, frozenset[int]]) -> int:
    """How many of the keywords a story's articles hold between them (0: none asked)."""
    return len(frozenset().union(*(held.get(a.id, frozenset()) for a in group)))


def _rank(group: Sequence[PeriodArticle]) -> tuple[int, int, float, int]:
    """Most outlets first; then most reports (one wire can file a story several times), then
    the newest."""
    outlets = len(distinct_outlets(a.source for a in group))
    return (-max(outlets, 1), -len(group), -max(a.time for a in group), group[0].id)


def _item(
    articles: Sequence[PeriodArticle],
    stories: Sequence[StoryArticle],
    tokenizer: Tokenizer,
    idf: dict[str, float],
) -> DigestItem:
    extract = representative_extract(stories, tokenizer, idf)
    lead = next(a for a in articles if a.id == extract.article_id)
    # the newest report that gave a date: an undated copy's time is only when it was stored
    dated = [a.time for a in articles if a.published] or [a.time for a in articles]
    newest = max(dated)
    # when each report dated ahead of its storing was stored (`dates.stored_ahead`): its
    # time is no publication time, and is shown as stored
    ahead = {a.id: stored_ahead(a.published, a.time) for a in articles}
    # the reports published at that moment: not undated, nor counted from when they were
    # stored, their dates ahead; one that gave its time of day makes the moment a real time
    newest_given = [
        a.published for a in articles if a.published and a.time == newest and ahead[a.id] is None
    ]
    date_only = bool(newest_given) and all(_bare_date(p) for p in newest_given)
    return DigestItem(
        headline=headline(lead.title, lead.source),
        url=lead.url,
        extract=extract.text,
        outlets=distinct_outlets(a.source for a in articles),
        article_ids=tuple(a.id for a in articles),
        published=datetime.fromtimestamp(newest, UTC),
        articles=tuple(
            DigestArticle(
                a.id,
                headline(a.title, a.source),
                a.source,
                a.url,
                a.published,
                ahead[a.id],
            )
            for a in articles
        ),
        date_only=date_only,
        published_stored=not newest_given,
        lead_published=datetime.fromtimestamp(lead.time, UTC),
        lead_date_only=_bare_date(lead.published) and ahead[lead.id] is None,
        lead_stored=not lead.published or ahead[lead.id] is not None,
    )


def _bare_date(published: str | None) -> bool:
    """Whether an article gave only its day ("2022-11-08"), no time of day."""
    return published is not None and len(published) == len("2022-11-08")


async def build_digest(
    conn: aiosqlite.Connection,
    period: Period,
    keywords: Sequence[str],
    limit: int,
    tokenizer: Tokenizer,
) -> Digest:
    """Read the period's articles and their context and compose their digest (`compose`, in
    a worker thread, with `tokenizer`, the search index's, so keywords filter by the terms
    questions use). Reads only."""
    articles = await period_articles(conn, period)
    context = await context_articles(conn, period, articles)
    return await asyncio.to_thread(compose, articles, period, keywords, limit, tokenizer, context)
