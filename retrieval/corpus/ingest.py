"""Ingesting files: walk paths, read articles, store them in batches, report what happened."""

from __future__ import annotations

import asyncio
import math
import os
import sqlite3
import stat
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from pathlib import Path

from retrieval.corpus.copies import Copy
from retrieval.corpus.db import locked_too_long
from retrieval.corpus.formats import READABLE, format_of, read_records
from retrieval.corpus.prepare import PreparedArticle, complete_articles, identify_articles
from retrieval.corpus.prepare_worker import BatchPreparer
from retrieval.corpus.records import Record
from retrieval.corpus.store import AddResult, CorpusStore, dated_ahead
from retrieval.errors import ParseError, StoreError
from retrieval.finishing import finished
from retrieval.models import ArticleDraft
from retrieval.wording import agreeing, counted, quoted, shown_name

BATCH = 500  # articles per transaction: large enough to be fast, small enough to lose little
# ... and characters of text per transaction: a batch is split, read and stored at once, at
# some 15 bytes of memory a character, so 500 articles of the most one may hold
# (`records.MAX_ARTICLE_CHARS`) would cost gigabytes. Of news (2,200 characters an article in
# BBC's, 7,800 in news-1m), a batch holds 250 to 500 articles, and a batch costs some 30 MB
# whatever the file holds.
BATCH_CHARS = 2_000_000
# Failures listed per file; past this, one line counts the rest. A file of a million bad lines
# (or a bomb of them) would otherwise hold a million failures in memory and print them all.
LISTED_PER_FILE = 100
# Duplicates found by their text at another address (`Duplicate`) listed by one ingest; past
# this, counted. A re-published archive could otherwise print thousands of lines.
LISTED_DUPLICATES = 100
# A file whose first this many records all fail is not articles in any format we read (or is
# a bomb of bad lines): the rest of it is skipped rather than parsed for minutes.
GIVE_UP_AFTER = 10_000
# What indexes an ingest's written sentences while its worker prepares a batch: given a
# `done()` to ask before each chunk, whether the batch is back (`indexing.CatchUp`)
ReadAhead = Callable[[Callable[[], bool]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Failure:
    """One input that could not be ingested, and why; or `records` of them, of one file,
    that failed alike (`_FileFailures`)."""

    path: str
    reason: str
    line: int | None = None
    records: int = 1

    def __str__(self) -> str:
        # the whole line: its reason may name a path too (a link's target)
        return shown_name(f"{_where(self.path, self.line)}: {self.reason}")


def _where(path: str, line: int | None) -> str:
    """A file, and the line in it, where a report names one."""
    return f"{path}:{line}" if line is not None else path


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An article not stored as a copy, by its text, of one stored at another address (or
    with none): named, so that whoever ingests it can tell which (`copies`)."""

    path: str
    line: int | None
    copy: Copy  # the stored article, and how alike the texts are

    def __str__(self) -> str:
        alike = self.copy.alike or 0.0  # set: a copy found by its text (`AddResult.copy`)
        how = (
            "the same text"
            if alike >= 1.0
            else f"nearly the same text ({math.floor(alike * 100)}% of its word 3-grams)"
        )
        stored = f"at {self.copy.url}" if self.copy.url is not None else "with no address"
        return shown_name(
            f"{_where(self.path, self.line)}: {how} as article {self.copy.article_id}, "
            f"{quoted(self.copy.title or '')}, stored {stored}"
        )


@dataclass(frozen=True, slots=True)
class Notice:
    """An article stored, or kept out, otherwise than its reader may expect: one dated far
    ahead (hidden until then), an update of a stored one (not stored)."""

    path: str
    what: str
    line: int | None = None

    def __str__(self) -> str:
        return str(Failure(self.path, self.what, self.line))


@dataclass
class IngestReport:
    added: int = 0
    undated: int = 0  # of those added, the ones with no date read: they count from now
    duplicates: int = 0
    # of the duplicates, those found by their text at another address, listed; and counted
    # past LISTED_DUPLICATES
    copies: list[Duplicate] = field(default_factory=list)
    unlisted_copies: int = 0
    sentences: int = 0
    failures: list[Failure] = field(default_factory=list)  # what failed, listed
    unlisted: int = 0  # further failures, counted only (LISTED_PER_FILE)
    stopped: str | None = None  # why the ingest stopped early: the database cannot be written,
    # or it was interrupted
    archived: int = 0  # with --archive: the articles marked, those found stored too
    notices: list[Notice] = field(default_factory=list)  # listed, as failures are
    unlisted_notices: int = 0  # further notices, counted only (LISTED_PER_FILE)

    def notice(self, path: str, what: str, line: int | None) -> None:
        """Tell of an article stored, or kept out, otherwise than expected (`Notice`)."""
        if len(self.notices) < LISTED_PER_FILE:
            self.notices.append(Notice(path, what, line))
        else:
            self.unlisted_notices += 1

    @property
    def ok(self) -> bool:
        return not self.failed and self.stopped is None

    def list_copy(self, duplicate: Duplicate) -> None:
        """Name `duplicate` (counted already), or count it past LISTED_DUPLICATES."""
        if len(self.copies) < LISTED_DUPLICATES:
            self.copies.append(duplicate)
        else:
            self.unlisted_copies += 1

    @property
    def failed(self) -> int:
        return sum(failure.records for failure in self.failures) + self.unlisted

    def summary(self) -> str:
        archived = (
            f"; {counted(self.archived, 'article')} archived (kept out of digests)"
            if self.archived
            else ""
        )
        return (
            f"added {counted(self.added, 'article')} ({counted(self.sentences, 'sentence')}), "
            f"{counted(self.duplicates, 'duplicate')}, {self.failed:,} failed{archived}"
        )


@dataclass(frozen=True, slots=True)
class FileToRead:
    """A file an ingest reads; `identity` (st_dev, st_ino) is the file a folder's walk checked
    (inside the folder, regular), so a link put in its place before it is read is refused."""

    path: Path
    identity: tuple[int, int] | None = None  # None: named on the command line


def iter_files(paths: Iterable[Path]) -> Iterator[FileToRead | Failure]:
    """Files to read: named files as given, folders walked recursively in name order.

    Inside folders, hidden files, files of unsupported formats and newsbot's own indexes
    are passed over silently, but a folder with no file to read is a failure (a folder of
    .csv or .md files, a path mistyped to an empty folder: "added 0 articles" with success
    would say nothing of why); so are a named file of an unsupported format and a missing path,
    and inside a folder a folder that cannot be read, a link to nothing, a link out of the
    folder and what is no regular file (`_walk`). A path named here is read wherever a link
    there leads: the operator named it.
    """
    for path in paths:
        if path.is_dir():
            files, failures = _walk(path)
            yield from failures
            found, passed_over = 0, set()
            for child in files:
                if format_of(child.path) is None:
                    passed_over.add(child.path.suffix.lower() or child.path.name)
                    continue
                found += 1
                yield child
            if not found and not failures:  # else they say why
                what = (
                    f"only {', '.join(sorted(passed_over))} files" if passed_over else "no files"
                )
                yield Failure(str(path), f"the folder holds {what}: newsbot reads {READABLE}")
        elif path.is_file():
            yield FileToRead(path)
        elif path.exists():
            yield Failure(str(path), "not a regular file")
        else:
            yield Failure(str(path), "no such file or directory")


def _walk(folder: Path) -> tuple[list[FileToRead], list[Failure]]:
    """The files under `folder` in name order, not hidden, following links that stay inside
    it (each folder once, so a loop ends), with a failure for each folder that cannot be
    read, each link to nothing, each link out of `folder` and each file of a name newsbot
    reads that is no regular file. Path.rglob passes the unreadable over in silence, and an
    ingest that left out whole years would say it had succeeded.

    A link out of the folder is not followed: whoever may put files in a folder that is
    ingested could otherwise link the bot's .env or /proc/self/environ in as an article that
    anyone can search. Its target can be named on the command line instead."""
    files: list[FileToRead] = []
    failures: list[Failure] = []
    seen: set[tuple[int, int]] = set()
    tree = folder.resolve()

    def unreadable(error: OSError) -> None:
        failures.append(Failure(str(error.filename), f"cannot read the folder: {error.strerror}"))

    for root, dirs, names in os.walk(folder, onerror=unreadable, followlinks=True):
        here = Path(root)
        try:
            entered = here.stat()
        except OSError as exc:  # listed, but not to be entered (no x permission)
            failures.append(Failure(root, f"cannot read the folder: {exc.strerror}"))
            dirs.clear()
            continue
        if (entered.st_dev, entered.st_ino) in seen:  # a link back up the tree
            dirs.clear()
            continue
        seen.add((entered.st_dev, entered.st_ino))
        dirs[:] = _folders_to_enter(here, dirs, tree, failures)
        for name in names:
            child = here / name
            if name.startswith("."):
                continue
            try:
                if child.is_symlink() and (why := _link_not_followed(child, tree)):
                    if format_of(child) is not None or why in (_DANGLING, _LOOP):
                        failures.append(Failure(str(child), why))
                elif child.is_file():
                    status = child.stat()
                    files.append(FileToRead(child, (status.st_dev, status.st_ino)))
                elif format_of(child) is not None:  # a pipe would hang the ingest
                    failures.append(Failure(str(child), _NOT_REGULAR))
            except OSError as exc:  # in a folder that lists its names but lets none be read
                failures.append(Failure(str(child), f"cannot read: {exc.strerror}"))
    return sorted(files, key=lambda found: found.path), failures


_DANGLING = "a link to nothing (its target is gone)"
_LOOP = "a loop of links: not followed"
_NOT_REGULAR = "not a regular file (a pipe, a device or a socket): not read"


def _folders_to_enter(
    here: Path, names: list[str], tree: Path, failures: list[Failure]
) -> list[str]:
    """The folders in `here` to walk, in name order: not hidden, not an index of newsbot's,
    and not a link out of `tree` (a failure, added to `failures`)."""
    kept = []
    for name in sorted(names):
        folder = here / name
        if name.startswith(".") or _an_index(folder):
            continue
        try:
            why = _link_not_followed(folder, tree) if folder.is_symlink() else None
        except OSError as exc:
            why = f"cannot read the folder: {exc.strerror}"
        if why:
            failures.append(Failure(str(folder), why))
            continue
        kept.append(name)
    return kept


def _link_not_followed(link: Path, tree: Path) -> str | None:
    """Why the link `link`, found walking `tree`, is not followed, or None when it leads to a
    folder or a regular file inside `tree`."""
    try:
        target = link.resolve(strict=True)
        status = target.stat()
    except FileNotFoundError:
        return _DANGLING
    except RuntimeError:  # a loop of links (an OSError from Python 3.13: "cannot read")
        return _LOOP
    if not target.is_relative_to(tree):
        return (
            f"a link out of the folder being ingested, to {target}: not followed (name it on "
            "the command line to ingest it)"
        )
    if not (stat.S_ISREG(status.st_mode) or stat.S_ISDIR(status.st_mode)):
        return _NOT_REGULAR
    return None


def _an_index(folder: Path) -> bool:
    """Whether `folder` is one of newsbot's own indexes, saved beside a database: an ingest
    of the folder that holds the database would read their manifests and fail them as
    articles.
    Its lock file is made first: a first save killed before its manifest leaves that."""
    return folder.name.endswith(".index") and any(
        (folder / name).is_file() for name in ("manifest.json", "lock")
    )


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


INGEST_AGAIN = "run the same ingest again: what is stored already is skipped as a duplicate"


def storage_fault(exc: sqlite3.DatabaseError, again: str = INGEST_AGAIN) -> str | None:
    """Why no article can be stored at all now, and what to do (`again`: how to go on once
    that is fixed), or None when the fault may be one batch's.

    A full disk, a read-only or failing database, or one another process keeps locked,
    refuses every write alike: retrying each article of every later batch would only list
    them all as failures (a lock held for good: 30 seconds an article).
    """
    code = getattr(exc, "sqlite_errorcode", None)
    locked = locked_too_long()
    why = {
        sqlite3.SQLITE_BUSY: locked,
        sqlite3.SQLITE_LOCKED: locked,
        sqlite3.SQLITE_FULL: ("the disk holding the database is full", "free some space"),
        sqlite3.SQLITE_READONLY: (
            "the database is read-only",
            "make it and its folder writable by this user",
        ),
        sqlite3.SQLITE_IOERR: (f"the database cannot be written ({exc})", "check the disk"),
        sqlite3.SQLITE_CANTOPEN: (
            f"the database's files cannot be opened ({exc})",
            "check its folder's permissions",
        ),
    }.get(code & 0xFF if isinstance(code, int) else -1)
    if why is None:
        return None
    return f"{why[0]}. The articles stored before are safe; {why[1]}, and {again}"


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
