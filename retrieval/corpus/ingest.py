"""Ingesting files: read the articles of the files found (`ingest_files`), store them in
batches, and count what happened in a report (`ingest_report`)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from pathlib import Path

from retrieval.corpus.formats import read_records
from retrieval.corpus.ingest_files import iter_files
from retrieval.corpus.ingest_report import LISTED_PER_FILE, Duplicate, Failure, IngestReport
from retrieval.corpus.prepare import PreparedArticle, complete_articles, identify_articles
from retrieval.corpus.prepare_worker import BatchPreparer
from retrieval.corpus.records import Record
from retrieval.corpus.storage_faults import storage_fault
from retrieval.corpus.store import AddResult, CorpusStore, dated_ahead, dated_placeholder
from retrieval.errors import ParseError, StoreError
from retrieval.finishing import finished
from retrieval.models import ArticleDraft
from retrieval.wording import agreeing, counted, quoted

BATCH = 500  # articles per transaction: large enough to be fast, small enough to lose little
# ... and characters of text per transaction: a batch is split, read and stored at once, at
# some 15 bytes of memory a character, so 500 articles of the most one may hold
# (`records.MAX_ARTICLE_CHARS`) would cost gigabytes. Of news (2,200 characters an article in
# BBC's, 7,800 in news-1m), a batch holds 250 to 500 articles, and a batch costs some 30 MB
# whatever the file holds.
BATCH_CHARS = 2_000_000
# A file whose first this many records all fail is not articles in any format we read (or is
# a bomb of bad lines): the rest of it is skipped rather than parsed for minutes.
GIVE_UP_AFTER = 10_000
# What indexes an ingest's written sentences while its worker prepares a batch: given a
# `done()` to ask before each chunk, whether the batch is back (`indexing.CatchUp`)
ReadAhead = Callable[[Callable[[], bool]], Awaitable[None]]


@dataclass
class _Alike:
    """The records of a file that failed as one listed did: where that one is, and how
    many failed so after it, the first and the last of them where (lines, or a .json
    list's items)."""

    unit: str | None  # "line", "item", or None: the records are not numbered
    listed: int | None
    count: int = 0
    first: int | None = None
    last: int | None = None

    def add(self, where: int | None) -> None:
        self.count += 1
        self.first = where if self.first is None else self.first
        self.last = where

    def __str__(self) -> str:
        more = counted(self.count, "more record")
        if None in (self.unit, self.listed, self.first, self.last):
            return f"{more} failed for the same reason"
        assert self.first is not None and self.last is not None
        if self.count == 1:
            span = f"{self.unit} {self.first:,}"
        elif self.last - self.first + 1 == self.count:  # every record between them
            span = f"{self.unit}s {self.first:,} to {self.last:,}"
        else:
            span = f"the first at {self.unit} {self.first:,}, the last at {self.last:,}"
        return f"{more} failed as {self.unit} {self.listed:,} did: {span}"


class _FileFailures:
    """The records of one file that failed, as the report lists them: each reason once, at
    the first record it failed, and the records that failed alike after it in one line
    when the file is done (a CMS export's 20 records told "missing field 'title'" 20 times);
    past LISTED_PER_FILE reasons, counted only."""

    def __init__(self, path: str, report: IngestReport) -> None:
        self._path = path
        self._report = report
        self._listed = 0
        self._alike: dict[str, _Alike] = {}  # by reason

    def add(self, record: Record) -> None:
        reason = record.error or "?"
        unit, where = ("line", record.line) if record.line is not None else ("item", record.item)
        if (alike := self._alike.get(reason)) is not None:
            alike.add(where)
        elif self._listed < LISTED_PER_FILE:
            self._listed += 1
            self._alike[reason] = _Alike(unit if where is not None else None, where)
            told = f"item {record.item}: {reason}" if record.item is not None else reason
            self._report.failures.append(Failure(self._path, told, record.line))
        else:
            self._report.unlisted += 1

    def close(self) -> None:
        """List the records that failed alike; once."""
        for alike in self._alike.values():
            if alike.count:
                self._report.failures.append(Failure(self._path, str(alike), records=alike.count))
        self._alike.clear()


_GAVE_UP = (
    f"its first {GIVE_UP_AFTER:,} records all failed, so the rest of it was skipped: it does "
    "not hold articles in a format newsbot reads (README, Input formats)"
)


async def ingest_paths(
    store: CorpusStore,
    paths: Iterable[Path],
    on_article: Callable[[], None] | None = None,
    max_expanded: int | None = None,
    archive: bool = False,
    report: IngestReport | None = None,
    zone: tzinfo = UTC,
    read_ahead: ReadAhead | None = None,
) -> IngestReport:
    """Read and store every article under `paths`; bad files and records are reported, the
    good ones kept. Writes in transactions of `BATCH` articles (fewer, if they hold
    `BATCH_CHARS` of text), each split into sentences in a worker thread first (the
    CPU-heavy part), so the event loop stays free meanwhile; once a batch is full, in a
    worker process where a second core can run it, beside this one's reading and writing
    (`prepare_worker`); then, while the worker prepares a batch, `read_ahead` (when given) is
    awaited, to index what is written meanwhile (`indexing.CatchUp`) until the batch is
    back (it is given `done`: whether to stop). A compressed file may expand to
    `max_expanded` bytes (default: `formats.expansion_cap`); what it held before is kept.
    `archive`: no digest takes the articles added (a backfill). `report`, when given, is
    filled as the ingest goes: a caller cancelled (Ctrl-C) can still tell what was stored
    (every batch counted, the one being written too). A time that names no zone is in
    `zone` (NEWSBOT_TIMEZONE: the archive's owner's).
    """
    report = IngestReport() if report is None else report
    pending: list[tuple[ArticleDraft, str, int | None]] = []
    pending_chars = 0
    preparer = BatchPreparer()
    earlier: _Preparing | None = None  # a batch the worker process prepares, written next

    async def flush(full: bool = False) -> None:
        nonlocal pending_chars, earlier
        if pending:
            if full:  # a large ingest: worth a worker process (`prepare_worker`)
                preparer.start()
            batch = pending.copy()
            pending.clear()
            pending_chars = 0
            earlier = await _store_batch(
                store, batch, report, archive, preparer, earlier, read_ahead
            )

    try:
        for item in iter_files(paths):
            if isinstance(item, Failure):
                report.failures.append(item)
                continue
            bad = good = 0
            failures = _FileFailures(str(item.path), report)
            cut_short: str | None = None  # why the file was not read to its end, if it was not
            try:
                for record in read_records(item.path, max_expanded, zone, item.identity):
                    if on_article:
                        on_article()
                    if record.draft is None:
                        bad += 1
                        if not good and bad > GIVE_UP_AFTER:
                            cut_short = _GAVE_UP
                            break
                        failures.add(record)
                        continue
                    good += 1
                    pending.append((record.draft, str(item.path), record.line))
                    pending_chars += len(record.draft.text)
                    if len(pending) >= BATCH or pending_chars >= BATCH_CHARS:
                        await flush(full=True)
            except ParseError as exc:
                kept = (  # added or found stored: the summary counts which
                    f"; the {counted(good, 'article')} read before it "
                    f"{agreeing(good, 'is', 'are')} kept (added, or stored already)"
                    if good
                    else ""
                )
                cut_short = f"{exc}{kept}"
            finally:
                failures.close()
            if cut_short is not None:  # after its records' failures, as the file ended so
                report.failures.append(Failure(str(item.path), cut_short))
        await flush()
        if earlier is not None:
            await _write_prepared(store, earlier, report, archive, preparer, read_ahead)
    except StoreError as exc:  # no article can be stored now: stop, keep what is stored
        report.stopped = str(exc)
    finally:
        preparer.close()
    return report


async def ingest_drafts(
    store: CorpusStore,
    drafts: Sequence[tuple[ArticleDraft, str]],
    archive: bool = False,
    report: IngestReport | None = None,
) -> IngestReport:
    """Store articles read elsewhere (the web pages `newsbot ingest URL` fetched), each
    with where it came from as a failure of its names it, as `ingest_paths` stores a file's:
    in batches, duplicates skipped, counted in `report`."""
    report = IngestReport() if report is None else report
    batch: list[tuple[ArticleDraft, str, int | None]] = [(d, source, None) for d, source in drafts]
    try:
        for start in range(0, len(batch), BATCH):
            await _store_batch(store, batch[start : start + BATCH], report, archive)
    except StoreError as exc:  # no article can be stored now: stop, keep what is stored
        report.stopped = str(exc)
    return report


@dataclass(frozen=True, slots=True)
class _Preparing:
    """A batch handed to the worker process (`BatchPreparer.preparing`), to be written."""

    batch: list[tuple[ArticleDraft, str, int | None]]
    identified: list[PreparedArticle]
    stored: set[int]
    job: asyncio.Future[list[PreparedArticle]]


async def _store_batch(
    store: CorpusStore,
    batch: list[tuple[ArticleDraft, str, int | None]],
    report: IngestReport,
    archive: bool = False,
    preparer: BatchPreparer | None = None,
    earlier: _Preparing | None = None,
    read_ahead: ReadAhead | None = None,
) -> _Preparing | None:
    """Store one batch, `earlier` (the batch before, prepared in the worker process) first;
    raises StoreError when the database cannot take any article. With a `preparer` whose
    worker is ready, the batch is handed to it and returned, to be written after the next
    one is handed over (meanwhile this process reads that one)."""
    # What is stored already (an ingest run again after Ctrl-C or a full disk) is found by its
    # URL and fingerprint alone, and not split into sentences: that is most of the work.
    # `earlier` may hold some of this batch's: the write finds those duplicates (it looks
    # again, in its transaction), only after their splitting.
    identified = await asyncio.to_thread(identify_articles, [draft for draft, _, _ in batch])
    stored = await store.stored_among(identified)
    job = preparer.preparing(identified, stored) if preparer is not None else None
    if earlier is not None and preparer is not None:
        await _write_prepared(store, earlier, report, archive, preparer, read_ahead)
    if job is not None:
        return _Preparing(batch, identified, stored, job)
    prepared = await asyncio.to_thread(complete_articles, identified, stored)
    await finished(_add_batch(store, batch, prepared, report, archive), until_locked=True)
    return None


async def _write_prepared(
    store: CorpusStore,
    preparing: _Preparing,
    report: IngestReport,
    archive: bool,
    preparer: BatchPreparer,
    read_ahead: ReadAhead | None = None,
) -> None:
    """Write a batch once the worker process has prepared it; until then, `read_ahead`."""
    # The worker bounds a large ingest: this process waits for it half the time, unless it
    # indexes meanwhile. Once the batch is prepared (this process the slower), it writes
    # first, so that the worker gets its next batch soon; the indexing is then left to the
    # end (where it reads the same sentences, in the same chunks).
    if read_ahead is not None and not preparing.job.done():
        await read_ahead(preparing.job.done)  # the batch back: written first
    prepared = await preparer.prepared(preparing.job, preparing.identified, preparing.stored)
    await finished(
        _add_batch(store, preparing.batch, prepared, report, archive), until_locked=True
    )


async def _add_batch(
    store: CorpusStore,
    batch: list[tuple[ArticleDraft, str, int | None]],
    prepared: list[PreparedArticle],
    report: IngestReport,
    archive: bool,
) -> None:
    """Write a prepared batch and count it in `report`. Its callers wait for it with
    `finished`: once begun, the write goes on in SQLite's thread whatever befalls them, and a
    cancel (Ctrl-C, SIGTERM, and any after them) waits for it and its count, so the report
    tells what is stored (it told 1,526 added of 1,770). Before, while it waits for another
    process's write lock, a cancel ends it, nothing of it written (`until_locked`)."""
    results: list[AddResult | None]  # one per article; None: the database refused it
    try:
        results = list(await store.add_articles(prepared, archive))
    except sqlite3.DatabaseError as exc:
        if (fault := storage_fault(exc)) is not None:
            raise StoreError(fault) from exc
        # Find the culprit: store one by one so the rest of the batch is not lost with it.
        results = []
        for article, (_, path, line) in zip(prepared, batch, strict=True):
            try:
                results.extend(await store.add_articles([article], archive))
            except sqlite3.DatabaseError as exc:
                if (fault := storage_fault(exc)) is not None:
                    raise StoreError(fault) from exc
                results.append(None)
                report.failures.append(Failure(path, f"database refused it: {exc}", line))
    now = time.time()
    for result, article, (_, path, line) in zip(results, prepared, batch, strict=True):
        if result is None:
            continue
        report.archived += result.archived
        if result.added:
            report.added += 1
            report.sentences += result.sentences
            report.undated += article.published_ts is None
            if ahead := dated_ahead(article, result.article_id, now):
                report.notice(path, ahead, line)
            if placeholder := dated_placeholder(article, result.article_id):
                report.notice(path, placeholder, line)
        else:
            report.duplicates += 1
            if result.copy is not None:
                report.list_copy(Duplicate(path, line, result.copy))
            if result.other_text:
                report.notice(path, _update_kept_out(article, result.article_id), line)


def _update_kept_out(article: PreparedArticle, stored_id: int) -> str:
    """What to say of an article at a stored one's address with other words: it was
    counted a duplicate like a copy, and the stored text kept without a word."""
    return (
        f"{quoted(article.draft.title)} has the address of article {stored_id}, with "
        f"different text: the stored one is kept (to replace it with this, newsbot remove "
        f"{stored_id}, then ingest this again)"
    )
