"""The engine: the shells' (the command line's and the bot's) way to the database and index.

It opens the database and its index together and offers what the shells do with them: ask,
ingest, corpus figures, feeds, digests. Its connection and parts stay inside. The commands
that need no index have `retrieval.without_index` (`corpus_stats`, `back_up_database`,
`remove_articles`, `feed_registry`...), and the bot keeps its chats' state on connections of
their own (`Conversations.open`, `Engine.open_subscriptions`): no shell uses a connection or
builds the core's parts on one (tests/test_layout.py). For the rest, the shells import the
core's modules directly: its value and report types, errors and wording, and helpers that
touch no database (a feed interval parsed, a feed's address looked at over the network).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, tzinfo
from pathlib import Path

import aiosqlite

from retrieval.compiled import is_compiled, mark_compiled
from retrieval.corpus import resplit
from retrieval.corpus.db import (
    connect,
    database_id,
    open_database,
    transaction,
)
from retrieval.corpus.generation import generation, generation_of, move_on_from
from retrieval.corpus.ingest import ingest_drafts, ingest_paths
from retrieval.corpus.ingest_report import IngestReport
from retrieval.corpus.prepare import prepare_articles
from retrieval.corpus.read_connections import ReadConnections
from retrieval.corpus.reader import CorpusReader
from retrieval.corpus.storage_faults import storage_fault
from retrieval.corpus.store import AddResult, CorpusStore, note_ingest
from retrieval.digest.digest import DEFAULT_LIMIT, Digest, Period, build_digest
from retrieval.digest.latest import LatestStory, latest_stories
from retrieval.digest.subscriptions import Subscriptions
from retrieval.errors import IndexWriteError
from retrieval.feeds.feed import Feed
from retrieval.feeds.fetch import Fetcher
from retrieval.feeds.outcomes import FeedOutcome, PollReport
from retrieval.feeds.page import pages_to_store
from retrieval.feeds.poll import FeedPoller
from retrieval.feeds.private_addresses import PrivateAllowed
from retrieval.feeds.registry import PAUSE_AFTER, FeedRegistry
from retrieval.finishing import Unlocked, unlocked_work
from retrieval.follow_ups import AnswerAbove, search_after
from retrieval.index import kernels, layout
from retrieval.index.files import Saving, save_indexes
from retrieval.index.index import Index
from retrieval.indexing import (
    ARTICLES,
    SENTENCES,
    CatchUp,
    Progress,
    articles_index_id,
    hide_removed,
    open_indexes,
    signature,
)
from retrieval.models import ArticleDraft, Attribution
from retrieval.ranking import answers, scan, windows
from retrieval.search import Searcher
from retrieval.search_result import SearchResult
from retrieval.seeding import Seeding, SeedingStage

log = logging.getLogger(__name__)

# Digests built at once (`Engine.digest`): as many as the cores a small server has.
DIGEST_BUILDS = 2


def _warm_up() -> None:
    kernels.warm_up()  # answering
    windows.warm_up()  # ... and cutting its windows
    scan.warm_up()  # ... and reading its sentences' marks
    answers.warm_up()  # ... and what they add to a question
    layout.warm_up()  # adding articles


class _SeedsNotStored(Exception):
    """The seeding stopped (no room, the database failing): its transaction is rolled back."""


# Python's cyclic garbage collector, tuned for a process that answers questions. A question
# makes thousands of short-lived containers, which reference counting frees, and the caches
# of sentence marks and articles hold millions of long-lived objects, which a full
# collection walks: at the defaults (700, 10, 10) there is a young collection every 700
# allocations and a full one of 100-350 ms every 150 or so questions at news-1m, the
# largest single delay a question meets. Measured on news-1m's 1,000 questions: mean 10.5-
# 12.3 -> 9.0-9.8 ms, slowest 280-360 -> 50-95 ms. The answer path leaves no cycles of its
# own, so collecting less often holds no more memory.
_COLLECTION_THRESHOLDS = (20_000, 20, 100)


class Engine:
    """The database, its corpus, its index and what runs over them, opened together.

    Open with `Engine.open`; close with `close`. Safe to share between the tasks of one event
    loop: reads and one-statement writes share the engine's connection, while a question runs
    in a worker thread on a read-only connection of that thread's own, and a feed poll writes
    through a connection of its own.
    """

    def __init__(
        self,
        db_path: Path,
        conn: aiosqlite.Connection,
        index: Index,
        articles: Index,
        readers: ReadConnections,
        read_only: bool = False,
        hidden_upto: int = 0,
        replacements: int = 0,
        made_at: int = 0,
        anew: bool = False,
    ) -> None:
        self.db_path = db_path
        self.index = index  # read it (its size, a search); the engine alone changes it
        self.articles = articles  # whole articles, for the ranking (see `retrieval.indexing`)
        self._conn = conn
        self._store = CorpusStore(conn)
        self._feeds = FeedRegistry(conn)
        self._readers = readers
        self._searcher = Searcher(CorpusReader(readers.get), index, articles)
        self._refresh_lock = asyncio.Lock()
        self._ahead: CatchUp | None = None  # what the last ingest indexed ahead (`refresh`)
        self._digest_builds = asyncio.Semaphore(DIGEST_BUILDS)
        self.read_only = read_only  # opened read-only (`open_database`): nothing is written
        self._hidden_upto = hidden_upto  # the last removal the indexes hide
        self._replacements = replacements  # `resplit.replacements`, as last read
        self._articles_made_at = replacements  # what the article index's docs were read at
        # the index generation its indexes were read at: they are saved while it stays so
        # (`retrieval.corpus.generation`); `anew`, they move it on once saved (a reindex)
        self._made_at = made_at
        self._anew = anew
        self._stale_told = False
        # `save_index` of a reindex wrote the indexes but could not move the generation on
        # (the database locked): a bot opened before may save its own over them
        self.save_unrecorded = False

    @classmethod
    async def open(
        cls,
        db_path: str | os.PathLike[str],
        progress: Progress | None = None,
        reads_only: bool = False,
        anew: bool = False,
    ) -> Engine:
        """Open the database and its indexes (loaded, or rebuilt when missing or stale).

        `reads_only`: the caller only reads, so a database this user cannot write is opened
        read-only (`connect`), its index built in memory when the saved one is stale.
        `anew`: the indexes are rebuilt whatever is saved (`newsbot reindex`).
        """
        conn, read_only = await open_database(db_path, reads_only)
        readers = ReadConnections(db_path, read_only)
        try:
            store = CorpusStore(conn)
            # read first: a re-split while the indexes load is then seen at the first refresh
            replacements = await resplit.replacements(conn)
            made_at = await generation(conn)  # likewise: a newer saved index is never replaced
            compiled = is_compiled()  # else compiled now (the shells say so: `COMPILING`)
            index, articles, hidden_upto = await open_indexes(
                store,
                db_path,
                progress,
                anew,
                replacements,
                lambda: generation_of(readers.get()) == made_at,
            )
            await asyncio.to_thread(_warm_up)
            if not compiled:
                mark_compiled()
        except BaseException:
            readers.close()
            await conn.close()
            raise
        gc.set_threshold(*_COLLECTION_THRESHOLDS)
        return cls(
            Path(db_path),
            conn,
            index,
            articles,
            readers,
            read_only is not None,
            hidden_upto,
            replacements,
            made_at,
            anew,
        )

    @classmethod
    async def open_seeded(
        cls,
        db_path: str | os.PathLike[str],
        seeds: Path | None,
        reads_only: bool = False,
        zone: tzinfo = UTC,
        stage: SeedingStage | None = None,
    ) -> tuple[Engine, Seeding]:
        """`open`, then `seed_if_empty` (a time of the seeds without a zone in `zone`, as an
        ingest reads it; `stage` as there): the one "open and seed" path of `newsbot ask` and
        the bot. If seeding fails the engine is closed again: an open connection's thread
        would keep the process from exiting."""
        made = not await asyncio.to_thread(Path(db_path).exists)
        engine = await cls.open(db_path, reads_only=reads_only)
        try:
            seeding = await engine.seed_if_empty(seeds, zone, stage)
            return engine, replace(seeding, made=Path(db_path) if made else None)
        except BaseException:
            await engine.close()
            raise

    async def close(self) -> None:
        self._readers.close()
        await self._conn.close()

    # --- questions ------------------------------------------------------------------------

    async def remember_articles(self) -> int:
        """Read the newest stored articles' rows before the questions ask for them
        (`Searcher.remember_newest`), off the loop; returns how many. For a process that answers
        many questions (the bot): one that answers one would read them for nothing."""
        return await asyncio.to_thread(self._searcher.remember_newest)

    async def ask(
        self,
        question: str,
        limit: int = 5,
        offset: int = 0,
        as_of: float | None = None,
        shown: Collection[str] = (),
        zone: tzinfo = UTC,
    ) -> SearchResult:
        """The passages ranked offset..offset+limit that answer `question` as of `as_of`
        (Unix time; now when None): nothing published later is quoted; none that quotes a
        sentence of `shown`, the texts of the earlier pages' (`Searcher.search`); a month or
        day it names is of `zone`, the moment's (`named_time`). Reads only.

        The whole question (indexes, reads, ranking, selection) is one worker-thread call,
        so the event loop goes on meanwhile.
        """
        return await asyncio.to_thread(
            self._searcher.search, question, limit, offset, as_of, shown, zone
        )

    async def ask_after(
        self,
        message: str,
        above: AnswerAbove,
        points_back: bool,
        limit: int = 5,
        as_of: float | None = None,
        zone: tzinfo = UTC,
    ) -> SearchResult:
        """The first page for `message`, sent after the answer `above`: read with it, its
        passages left out, when it follows it up (`follow_ups.search_after`; the result's
        `follows` says so), else asked alone. Reads only, in one worker-thread call."""
        return await asyncio.to_thread(
            search_after, self._searcher, message, above, points_back, limit, as_of, zone
        )

    # --- the corpus -----------------------------------------------------------------------

    async def ingest(
        self,
        paths: Iterable[Path],
        on_article: Callable[[], None] | None = None,
        max_expanded: int | None = None,
        archive: bool = False,
        report: IngestReport | None = None,
        zone: tzinfo = UTC,
        urls: Sequence[str] = (),
        allow_private: bool | PrivateAllowed = False,
    ) -> IngestReport:
        """Store every article under `paths` (see `ingest_paths`: a time that names no zone
        is in `zone`), then those of the web pages at `urls`, fetched and read as a feed's
        pages are (`retrieval.feeds.page`; `allow_private`: NEWSBOT_ALLOW_PRIVATE_URLS);
        `refresh` indexes them."""
        await asyncio.to_thread(note_ingest, self.db_path)
        # what a large ingest writes is indexed meanwhile where a core is free, and
        # published by the next `refresh`
        ahead = CatchUp(self.index, self.articles, self._store)
        report = await ingest_paths(
            self._store,
            paths,
            on_article,
            max_expanded,
            archive,
            report,
            zone,
            lambda done: self._read_ahead(ahead, done),
        )
        if ahead.read:
            self._ahead = ahead
        if urls and report.stopped is None:
            async with Fetcher(allow_private=allow_private) as fetcher:
                drafts = await pages_to_store(fetcher, urls, report, on_article)
            await ingest_drafts(self._store, drafts, archive, report)
        return report

    async def _read_ahead(self, ahead: CatchUp, done: Callable[[], bool]) -> None:
        """Index ahead what an ingest wrote (`CatchUp.read_ahead`) until `done()`, unless
        the indexes were caught up otherwise since it began (a running bot's refresh)."""
        async with self._refresh_lock:
            if ahead.current():
                await ahead.read_ahead(done)

    async def add_articles(self, drafts: Sequence[ArticleDraft]) -> list[AddResult]:
        """Store articles already read, skipping duplicates; one transaction (split into
        sentences in a worker thread first). `refresh` makes them searchable."""
        prepared = await asyncio.to_thread(prepare_articles, drafts)
        return await self._store.add_articles(prepared)

    async def read_again(self, anew: bool = False) -> tuple[int, int]:
        """What ingest reads once, for the sentences and titles stored without it or with
        another code's, every title with `anew` (`CorpusStore.read_again`): (sentences,
        titles) filled."""
        return await self._store.read_again(anew=anew)

    async def sources(self) -> list[tuple[str | None, int]]:
        """Outlets with their article counts, most articles first (None: naming none)."""
        return await self._store.sources()

    async def latest(self, limit: int = 10) -> list[Attribution]:
        """The newest articles: by published time, else by when they were ingested."""
        return await self._store.latest(limit)

    async def latest_stories(self, limit: int = 10) -> list[LatestStory]:
        """The newest stories, one each however many outlets told it, newest first
        (`retrieval.digest.latest`): what /latest lists. Reads only."""
        return await latest_stories(self._conn, limit, self.index.tokenizer)

    async def article_text(self, article_id: int) -> tuple[Attribution, str] | None:
        """An article's attribution and whole text, in paragraphs (hard-wrapped wire copy
        unwrapped); None when it is not (or no longer) there."""
        return await self._store.article_text(article_id)

    async def seed_if_empty(
        self, seeds: Path | None, zone: tzinfo = UTC, stage: SeedingStage | None = None
    ) -> Seeding:
        """Ingest the `seeds` folder (None: none) when the database holds no article and
        never had a feed (a deployment's, whose first poll is still to come), and index it
        (`open_seeded`). `Seeding.message` says what happened, for each caller to tell in
        its own way. A time of theirs that names no zone is in `zone` (NEWSBOT_TIMEZONE), as
        `newsbot ingest` reads it.

        Safe beside another process seeding the same database (two first `newsbot ask`s
        at once): the check and the seeds' ingest are one write transaction, so one
        process seeds and the other waits for it, then finds the seeds stored. Checked
        without it, both found the database empty, and the second said the corpus was
        still empty, its seeds all duplicates of the first's.

        `stage`, when given, is filled as the seeding goes (`SeedingStage`).
        """
        stage = SeedingStage() if stage is None else stage
        folder = await self._seed_folder(seeds)
        if isinstance(folder, Path):
            stage.storing = True
        found = await self._seed_once(folder, zone) if isinstance(folder, Path) else folder
        if isinstance(found, Seeding):  # not seeded here
            if not found.empty and not len(self.index):
                await self.refresh()  # opened before another process stored the seeds
            return found
        report = found
        if report.stopped:  # nothing of it kept
            return Seeding(seeds, report, empty=True)
        stage.stored = True
        await self.refresh()
        try:
            await self.save_index()
        except IndexWriteError as exc:  # the seeds are stored; the index serves from memory
            log.warning("%s", exc)
        return Seeding(seeds, report, empty=not report.added)

    async def _seed_once(self, seeds: Path, zone: tzinfo) -> IngestReport | Seeding:
        """Ingest `seeds` in one write transaction, the database checked again in it: the
        first process to take the write lock seeds, the others find its seeds. What was
        stored goes with the rest when the seeding stops (no room, a failing disk): the
        report then counts nothing added, and says why."""
        report = IngestReport()
        # Until it holds the write lock, a stop ends the seeding (nothing written yet), heard
        # within LOCK_SLICE_S: its BEGIN waited out another process's write (a first start
        # seeding a large archive) for the busy timeout, 30 s, past a container's grace.
        told = unlocked_work.set(Unlocked())
        try:
            async with transaction(self._conn):
                found = await self._seed_folder(seeds)
                if isinstance(found, Seeding):
                    return found
                await ingest_paths(self._store, [found], report=report, zone=zone)
                if report.stopped:
                    raise _SeedsNotStored  # rolled back, whatever SQLite rolled back already
        except _SeedsNotStored:
            pass
        except sqlite3.DatabaseError as exc:  # at COMMIT, where SQLite writes the pages
            fault = storage_fault(exc)
            if fault is None:
                raise
            report.stopped = fault
        finally:
            unlocked_work.reset(told)
        if report.stopped:
            return replace(report, added=0, undated=0, duplicates=0, sentences=0)
        return report

    async def _seed_folder(self, seeds: Path | None) -> Path | Seeding:
        """The folder to seed the database from, or why it is not to be seeded (articles
        are there, it is someone's corpus, there are no seeds)."""
        if not await self._store.is_empty():
            return Seeding(seeds, None, empty=False)
        if self.read_only:
            return Seeding(seeds, None, empty=True, read_only=True)
        if await self._store.in_use():
            return Seeding(seeds, None, empty=True, in_use=True)
        if await self._feeds.ever_added():
            return Seeding(seeds, None, empty=True, feeds=True)
        if seeds is None or not await asyncio.to_thread(seeds.is_dir):
            return Seeding(seeds, None, empty=True)
        return seeds

    # --- the index ------------------------------------------------------------------------

    async def refresh(self, progress: Progress | None = None) -> int:
        """Index sentences stored since the last refresh (by any process), and hide the
        articles removed since; returns how many sentences it indexed. Where articles were
        split again into other sentences since (`newsbot reindex`), their new sentences
        are indexed as any new ones, and their articles are read anew: the reader keeps
        where each article's sentences run.

        Concurrent calls (a periodic job, a feed poll) run one after the other, so no
        sentence is indexed twice. New sentences are searchable as soon as they are added;
        then small segments are merged (in a thread, searches go on meanwhile), so a bot
        refreshing every few seconds keeps a few segments, not one per refresh.
        """
        async with self._refresh_lock:
            ahead, self._ahead = self._ahead, None  # an ingest's, read ahead (`ingest`)
            if ahead is None or not ahead.current():
                ahead = CatchUp(self.index, self.articles, self._store)
            added, articles = await ahead.finish(progress)
            hidden_upto = await hide_removed(
                self._store, self.index, self.articles, self._hidden_upto
            )
            self._hidden_upto = hidden_upto
            replacements = await resplit.replacements(self._conn)
            if replacements != self._replacements:
                self._replacements = replacements
                self._read_anew()
            if added:
                await asyncio.to_thread(self.index.compact)
            if articles:
                await asyncio.to_thread(self.articles.compact)
            return added

    def _read_anew(self) -> None:
        """Answer from a reader with nothing remembered, after articles were split again
        (`refresh`). The indexes in memory still hold the sentences they had: the reader
        finds no article of those, so no answer quotes them, and the index is rebuilt
        without them when next loaded (its count no longer matches the database)."""
        log.info(
            "articles were split into sentences again (newsbot reindex): their new "
            "sentences are read from now on; a restart drops their old ones from the "
            "index in memory"
        )
        old = self._searcher
        self._searcher = Searcher(
            CorpusReader(self._readers.get), self.index, self.articles, old.policy, old.ranker
        )

    async def save_index(self) -> bool:
        """Merge small segments and write the indexes next to the database (off the loop);
        returns whether they were written.

        Nothing is written (False) when the indexes in memory are older than the database's
        generation (`retrieval.corpus.generation`): articles were split again since they
        were read, or `newsbot reindex` saved newer ones. They serve on from memory, and the
        next start loads the saved ones. The engine of a reindex (`open(anew=True)`) moves
        the generation on once its indexes are written, so no engine opened before them
        replaces them.

        Raises IndexWriteError when it cannot be written; the index in memory stays good.
        """
        db_id = await database_id(self._conn)

        # docs of articles split again since they were read are saved as such: rebuilt at
        # the next start (`articles_index_id`)
        articles_id = articles_index_id(db_id, self._articles_made_at)
        made_at = self._made_at

        def current() -> bool:
            return generation_of(self._readers.get()) == made_at

        def move_on() -> None:
            try:
                if move_on_from(self.db_path, made_at):
                    self._made_at = made_at + 1
            except sqlite3.Error as exc:  # saved all the same: a bot running since before
                self.save_unrecorded = True
                log.warning(  # ...may replace it, with an index that agrees with the database
                    "the index is saved, but the database could not record it (%s): a bot "
                    "running since before may save its index over it until it is restarted",
                    exc,
                )

        def work() -> bool:
            saves = []
            for index, docs, index_id in (
                (self.index, SENTENCES, db_id),
                (self.articles, ARTICLES, articles_id),
            ):
                index.compact()
                saves.append(
                    Saving(index, docs.folder(self.db_path), index_id, signature(index, docs))
                )
            return save_indexes(saves, current, move_on if self._anew else None)

        saved = await asyncio.to_thread(work)
        if not saved and not self._stale_told:
            self._stale_told = True
            log.warning(
                "the index in memory was read before newsbot reindex split articles again "
                "or saved a new index: it is not saved (answers are read from the database "
                "as it is now); the next start loads the saved index, or rebuilds it"
            )
        return saved

    # --- feeds ----------------------------------------------------------------------------

    async def add_feed(
        self,
        url: str,
        name: str | None = None,
        interval: float | None = None,
        allow_private: bool | PrivateAllowed = True,
        title: str | None = None,
    ) -> tuple[Feed, bool]:
        """Register a feed, due at once, or resume it; returns it and whether it is new.
        One at a private or local address `allow_private` does not allow is refused; its own
        `title`, if it was looked at, is stored (`FeedRegistry.add`)."""
        return await self._feeds.add(url, name, interval, allow_private, title)

    async def feed(self, ref: str | int) -> Feed | None:
        """The feed with this id or URL, if there is one (`FeedRegistry.get`)."""
        return await self._feeds.get(ref)

    async def feed_added_before(self, url: str) -> Feed | None:
        """The feed adding `url` updates: at this address, or at it with other credentials
        (`FeedRegistry.added_before`; FeedError if several are)."""
        return await self._feeds.added_before(url)

    async def feeds(self) -> list[Feed]:
        """Every feed, in the order they were added."""
        return await self._feeds.all()

    async def feeds_shown_alike(self, feed: Feed) -> list[Feed]:
        """The other feeds listed at `feed`'s address as shown (`FeedRegistry.shown_alike`)."""
        return await self._feeds.shown_alike(feed)

    async def remove_feed(self, ref: str | int) -> Feed:
        """Forget a feed (by id or URL); its articles stay. FeedError names the known ids."""
        return await self._feeds.remove(ref)

    async def due_feeds(self) -> list[Feed]:
        """The feeds whose time to be polled has come, the longest waiting first."""
        return await self._feeds.due()

    async def active_feeds(self) -> list[Feed]:
        """Every feed that is not paused, due or not."""
        return await self._feeds.active()

    async def poll_feeds(
        self,
        fetcher: Fetcher,
        feeds: Sequence[Feed] | None = None,
        on_feed: Callable[[FeedOutcome], None] | None = None,
        pause_after: int = PAUSE_AFTER,
    ) -> PollReport:
        """Poll `feeds` (by default the due ones) into the corpus, then index what they added.

        The poll writes through a connection of its own, so its transactions never interleave
        with the writes of other tasks on the engine's connection (the bot's handlers).
        """
        conn = await connect(self.db_path)
        try:
            poller = FeedPoller(conn, fetcher, pause_after)
            if feeds is None:
                report = await poller.poll_due(on_feed)
            else:
                report = await poller.poll(feeds, on_feed)
        finally:
            await conn.close()
        if report.changed:
            await self.refresh()
        return report

    # --- digests --------------------------------------------------------------------------

    async def digest(
        self, period: Period, keywords: Sequence[str] = (), limit: int = DEFAULT_LIMIT
    ) -> Digest:
        """The stories of `period`, filtered by `keywords`, best first. Reads only; the
        stories depend on the period's articles and those of the week up to its end
        (`digest.context_articles`), not on what else is stored.

        DigestError when the keywords are all too common to filter by.

        At most DIGEST_BUILDS are built at once, the others wait their turn: each holds its
        period's articles in memory, and the bot's chats subscribed for 08:00 all ask at
        08:00 (ten of a day of 280,000 articles' news took 866 MB at once, one 299 MB).
        """
        async with self._digest_builds:
            build = asyncio.ensure_future(
                build_digest(self._conn, period, keywords, limit, self.index.tokenizer)
            )
            try:
                return await asyncio.shield(build)
            except asyncio.CancelledError:  # its worker thread goes on: hold the turn till then
                await asyncio.wait([build])
                raise

    async def open_subscriptions(self) -> Subscriptions:
        """The digest subscriptions, on a connection of their own (see `Subscriptions`);
        the caller closes them."""
        return await Subscriptions.open(self.db_path)
