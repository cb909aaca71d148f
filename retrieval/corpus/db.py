"""The SQLite database: opening it (WAL, foreign keys, migrations; read-only where this user
cannot write), its identity, and the way every module writes it: one `transaction`. Long IN
lists are read through `rows_by_id`; worker threads read through `read_connections`."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite

from retrieval.addresses import readable_url, without_credentials
from retrieval.corpus.records import size_text
from retrieval.corpus.schema import MIGRATIONS
from retrieval.corpus.sketches import sketch_json
from retrieval.errors import StoreError
from retrieval.finishing import unlocked_work
from retrieval.models import one_line, printable_address, printable_text
from retrieval.private import create_private

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 30.0  # another process (an ingest, the bot) may hold the write lock


def busy_timeout(seconds: float | None = None) -> str:
    """The statement that makes a connection wait `seconds` (BUSY_TIMEOUT_S, read when
    called) for a lock another connection holds."""
    waited = BUSY_TIMEOUT_S if seconds is None else seconds
    return f"PRAGMA busy_timeout = {int(waited * 1000)}"


async def _run_waiting(conn: aiosqlite.Connection, statement: str, seconds: float) -> None:
    """Run `statement` waiting `seconds` at most for another connection's lock, then put
    back `conn`'s own busy timeout: one call on aiosqlite's thread, which runs one call at a
    time, so no statement of another task sharing `conn` (the bot's) runs with the short
    wait. Three calls let one in between: a chat recorded while a batch waited for the lock
    in slices failed ("database is locked") where it waits 30 seconds."""

    def run() -> None:
        db = conn._conn
        kept = int(db.execute("PRAGMA busy_timeout").fetchall()[0][0])
        db.execute(busy_timeout(seconds))
        try:
            db.execute(statement).close()
        finally:
            db.execute(f"PRAGMA busy_timeout = {kept}")

    # aiosqlite (0.22) has no public way to run a function on its thread
    await conn._execute(run)  # type: ignore[no-untyped-call]


async def delete_securely(conn: aiosqlite.Connection) -> None:
    """Make what `conn` deletes from now on overwritten, not left in free pages until they
    are reused: builds of SQLite differ in their default (Debian's overwrites, python.org's,
    macOS's and Alpine's do not)."""
    await conn.execute("PRAGMA secure_delete = ON")


async def empty_log(conn: aiosqlite.Connection) -> None:
    """Empty the write-ahead log into the database file and truncate it, if no reader is at
    work (waiting for none): the log holds pages as they were written, deleted text too. A
    running bot's log is emptied by its own checkpoints, and overwritten."""
    with contextlib.suppress(sqlite3.Error):
        await _run_waiting(conn, "PRAGMA wal_checkpoint(TRUNCATE)", 0)


def kept_locked(exc: BaseException) -> bool:
    """Whether `exc` is SQLite's "database is locked": another connection held the write
    lock for longer than the busy timeout (`locked_too_long` says so)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def cannot_write(exc: BaseException) -> bool:
    """Whether `exc` is SQLite's refusal of any write for now: a full disk ("database or
    disk is full", or "disk I/O error" where the log could not grow), a read-only or
    failing one; not a fault of the statement."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
    )


def locked_too_long() -> tuple[str, str]:
    """What `kept_locked` means, and what to do: one wording for every command."""
    return (
        f"another process has kept the database locked for over {BUSY_TIMEOUT_S:g} seconds",
        "let it finish (another ingest, a reindex, a long query) or stop it",
    )


async def connect(path: str | os.PathLike[str], reads_only: bool = False) -> aiosqlite.Connection:
    """Open (creating if needed) and migrate the database at `path`.

    Migrations run in one transaction each and are recorded in `schema_migrations`, so a crash
    mid-migration leaves the previous version intact.

    A database this user cannot write where it is (a read-only mount, a snapshot, another
    user's folder) is opened read-only (`read_only_uri`) for a caller that `reads_only`
    (stats, ask, digest); for any other, StoreError says so before anything is done.
    """
    conn, _ = await open_database(path, reads_only)
    return conn


async def open_database(
    path: str | os.PathLike[str], reads_only: bool = False
) -> tuple[aiosqlite.Connection, str | None]:
    """`connect`, and the URI the database was opened read-only with (None: read-write),
    which the reading threads' connections must use too (`ReadConnections`).

    For a caller that `reads_only`, a database whose folder has no room for the -shm file
    SQLite makes beside it to read (a full disk: "disk I/O error") is read as it is, as in a
    read-only folder, when no writer is at work (no -wal file)."""
    path = Path(path)
    if path.parent.exists() and not path.parent.is_dir():
        raise StoreError(f"cannot open database {str(path)!r}: {path.parent} is not a folder")
    if not path.parent.is_dir():
        # not made: a mistyped --db would pass for an empty corpus, and a "~" that no shell
        # expanded (a .env file) would become a folder named "~" beside the user's files
        raise StoreError(
            f"no folder {path.parent} for the database {path}: make it first, or name "
            "another with --db or NEWSBOT_DB"
        )
    read_only = read_only_uri(path)
    if read_only is not None and not reads_only:
        raise _refused_writing(path)
    try:
        return await _open(path, read_only), read_only
    except StoreError as exc:
        cause = exc.__cause__
        code = getattr(cause, "sqlite_errorcode", None)
        full = isinstance(code, int) and code & 0xFF in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL)
        if not (reads_only and read_only is None and full and _no_writer(path)):
            if full and (free := _nearly_full(path)) is not None:
                raise StoreError(
                    f"cannot use database {str(path)!r}: no space left on the device holding "
                    f"{path.resolve().parent} ({free} free): free some and run again"
                ) from cause
            raise
    immutable = _immutable_uri(path)
    return await _open(path, immutable), immutable


# How every aiosqlite connection is opened: autocommit (transactions are explicit), and no
# statement shared between cursors. A cursor is let go of where its last holder drops it,
# often the event loop's thread, and that resets the statement it ran; with sqlite3's cache
# that statement may meanwhile be running for another call on aiosqlite's own thread, which
# then binds its next row to a statement left unreset: "bad parameter or other API misuse"
# (the bot recording an answer's messages under load). Preparing afresh costs microseconds.
AIOSQLITE_OPTIONS: dict[str, Any] = {"isolation_level": None, "cached_statements": 0}


async def _open(
    path: Path, read_only: str | None, tell: Callable[[str], None] | None = None
) -> aiosqlite.Connection:
    """The database at `path`, read-write (`read_only` None: WAL, migrated) or read-only by
    the URI `read_only` (its schema current); StoreError, caused by SQLite's, if not.
    `tell` hears `UPGRADING` before migrations run on a database that holds articles (by
    default, it is logged)."""
    if await asyncio.to_thread(path.is_dir):
        raise StoreError(f"cannot open database {str(path)!r}: it is a folder, not a file")
    if read_only is None:
        await asyncio.to_thread(_create, path)
        connecting = aiosqlite.connect(path, **AIOSQLITE_OPTIONS)
    else:
        connecting = aiosqlite.connect(read_only, uri=True, **AIOSQLITE_OPTIONS)
    try:
        conn = await connecting
    except sqlite3.Error as exc:
        # aiosqlite stops its thread on a failed connect without waiting for it: waited
        # for here, or it outlives the event loop and dies with a traceback of its own
        thread = getattr(connecting, "_thread", None)
        if thread is not None:
            await asyncio.to_thread(thread.join, 10)
        raise StoreError(
            f"cannot open database {str(path)!r}: {sqlite_reason(exc, read_only)}"
        ) from exc
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute(busy_timeout())
        await conn.execute("PRAGMA foreign_keys = ON")
        if read_only is None:
            await _enable_wal(conn)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await _migrate(conn, tell or log.info)
        else:
            await _require_current(conn)
    except sqlite3.DatabaseError as exc:
        await conn.close()
        raise StoreError(
            f"cannot use database {str(path)!r}: {sqlite_reason(exc, read_only)}"
        ) from exc
    except BaseException:
        await conn.close()
        raise
    return conn


def _create(path: Path) -> None:
    """`create_private` the database file, or StoreError naming the folder this user cannot
    write it in: `read_only_uri` looks at a database that is there only."""
    try:
        create_private(path)
    except OSError as exc:
        raise StoreError(
            f"cannot make database {str(path)!r} in {path.resolve().parent}: "
            f"{exc.strerror}: let this user write there, or name another with --db "
            "or NEWSBOT_DB"
        ) from exc


NEARLY_FULL = 1 << 20  # free bytes under which SQLite's "disk I/O error" means a full disk


def _nearly_full(path: Path) -> str | None:
    """The free space of the file system holding the database at `path`, when it has
    (almost) none: SQLite names a full disk only as "disk I/O error" where it could not
    make its -shm file (or "database or disk is full"), and the README promises the reason
    said."""
    try:
        free = shutil.disk_usage(path.resolve().parent).free
    except OSError:
        return None
    return size_text(free) if free < NEARLY_FULL else None


def read_only_uri(path: Path) -> str | None:
    """The URI to open `path` read-only with, when this user cannot write the database or its
    folder; None when it can (or the database is not there yet).

    SQLite in WAL mode writes beside the database even to read (its -shm file). Where it
    cannot, and no other process has the database open for writing (no -wal file: the last
    connection to close removes it), the file is opened `immutable`: SQLite reads it as it
    is, with no lock and no -shm. Where a -wal file is there, a writer may be at work and its
    log holds committed transactions, so the database is opened `mode=ro`, which reads them
    through the -shm file it finds (SQLite 3.22+).
    """
    if not path.exists():
        return None
    folder = path.resolve().parent
    if os.access(path, os.W_OK) and os.access(folder, os.W_OK):
        return None
    if _no_writer(path):
        return _immutable_uri(path)
    return f"{path.resolve().as_uri()}?mode=ro"


def _no_writer(path: Path) -> bool:
    """No -wal file beside the database, or an empty one: no process has written it since
    the last one to close it checkpointed, so the main file holds every transaction."""
    wal = Path(f"{path}-wal")
    return not wal.exists() or wal.stat().st_size == 0


def _immutable_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro&immutable=1"


def require_writable(path: Path) -> None:
    """StoreError, before anything is done, when this user cannot write the database at
    `path` where it is (`read_only_uri`): a command that writes would fail halfway."""
    if read_only_uri(path) is not None:
        raise _refused_writing(path)


def _refused_writing(path: Path) -> StoreError:
    return StoreError(
        f"the database {str(path)!r} is read-only for this user (it or its folder cannot "
        "be written), and this command writes to it: make both writable by this user "
        "(stats, ask, digest and feeds list read it as it is)"
    )


def sqlite_reason(exc: sqlite3.Error, read_only: str | None) -> str:
    """SQLite's reason, and for a database opened read-only, that it was and why."""
    if read_only is None:
        return str(exc)
    if "immutable" in read_only:
        return f"{exc} (opened read-only: this user cannot write it or its folder)"
    return (
        f"{exc} (opened read-only: this user cannot write it or its folder, and its "
        "write-ahead log (-wal) needs its -shm file readable beside it; copy the database "
        "with both to a folder you can write)"
    )


async def _require_current(conn: aiosqlite.Connection) -> None:
    """Refuse a read-only database whose schema this newsbot would migrate: a migration
    writes, and the code reads the tables of the latest schema."""
    try:
        async with conn.execute("SELECT MAX(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise  # unreadable (a -wal without its -shm): `_open` says why
        raise StoreError(f"not a newsbot database: {exc}") from exc
    version = int(row[0]) if row and row[0] is not None else 0
    latest = MIGRATIONS[-1].version
    if version > latest:
        raise StoreError(
            f"the database is at schema version {version}, newer than this newsbot "
            f"(knows up to {latest}): upgrade newsbot"
        )
    if version < latest:
        raise StoreError(
            f"the database is at schema version {version} and this newsbot needs {latest}; "
            "it can only be read here (no right to write there, or no room), so it cannot be "
            "upgraded: run any newsbot command on it once where it can be written"
        )


async def _enable_wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL; retried, as the switch can report "locked" while another process is
    creating the same database, without waiting on the busy timeout."""
    for attempt in range(50):
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            await asyncio.sleep(0.1)


async def upgrade(path: Path, tell: Callable[[str], None] | None = None) -> None:
    """Migrate the database at `path` to this newsbot's schema, telling `tell` first when
    that moves stored articles (`UPGRADING`; by default, logged). Nothing for a database
    not there or that this user cannot write (the command that opens it says what it can
    do with it)."""
    if not await asyncio.to_thread(path.is_file) or read_only_uri(path) is not None:
        return
    conn = await _open(path, None, tell)
    await conn.close()


def migrations_pending(path: Path) -> bool:
    """Whether `upgrade` has migrations to run on the database at `path`, read at once,
    without waiting for a lock; True when that read fails (the upgrade finds out why), False
    where `upgrade` does nothing (no database, or one this user cannot write)."""
    if not path.is_file() or read_only_uri(path) is not None:
        return False
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=0)) as conn:
            applied = {
                int(row[0]) for row in conn.execute("SELECT version FROM schema_migrations")
            }
    except (sqlite3.Error, ValueError):
        return True
    return not all(migration.version in applied for migration in MIGRATIONS)


# Said before migrations run on a database that holds articles: on a large corpus (642,000
# sentences) they take 11-45 s of silence, which looks like a hang.
UPGRADING = (
    "moving the database to schema {latest} (from {was}): a minute or so for a large "
    "corpus; an interrupted upgrade goes on at the next command"
)
# Said when a Ctrl-C (or SIGTERM) stops migrations: each is one transaction, so the
# database is at the schema of the last one finished.
UPGRADE_INTERRUPTED = (
    "interrupted while moving the database to this newsbot's schema: each step of the move "
    "is whole or not at all, so nothing is lost, and the next command finishes it"
)


async def _upgrading(conn: aiosqlite.Connection, applied: set[int]) -> str | None:
    """`UPGRADING` for a database that holds articles and lacks migrations; None if not
    (a new database, or an empty one: its migrations take no time)."""
    latest = MIGRATIONS[-1].version
    if not applied or all(m.version in applied for m in MIGRATIONS):
        return None
    try:
        async with conn.execute("SELECT 1 FROM articles LIMIT 1") as cur:
            if await cur.fetchone() is None:
                return None
    except sqlite3.OperationalError:  # no articles table: nothing to move
        return None
    return UPGRADING.format(latest=latest, was=max(applied))


async def _migrate(conn: aiosqlite.Connection, tell: Callable[[str], None]) -> None:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ts REAL NOT NULL)"
    )
    async with conn.execute("SELECT version FROM schema_migrations") as cur:
        applied = {int(row[0]) for row in await cur.fetchall()}
    latest = MIGRATIONS[-1].version
    if applied and max(applied) > latest:
        raise StoreError(
            f"the database is at schema version {max(applied)}, newer than this newsbot "
            f"(knows up to {latest}): upgrade newsbot"
        )
    if note := await _upgrading(conn, applied):
        tell(note)
    if all(migration.version in applied for migration in MIGRATIONS):
        return
    # what a migration's SQL cannot do itself (migrations 29, 37, 39 and 40)
    await conn.create_function("without_credentials", 1, _without_credentials, deterministic=True)
    await conn.create_function("readable_url", 1, _readable_url, deterministic=True)
    await conn.create_function("text_sketch", 2, sketch_json, deterministic=True)
    await conn.create_function("printable_field", 2, _printable_field, deterministic=True)
    # The whole connection waits LOCK_SLICE_S, not a statement of it (`_run_waiting`): the
    # migrations are many statements, and no other task has `conn` until `_open` returns it
    await conn.execute(busy_timeout(LOCK_SLICE_S))
    try:
        await _lock_waited_in_slices(lambda: _apply_migrations(conn, applied))
    finally:
        await conn.execute(busy_timeout())


# A migration waits for another process's write lock (an ingest, another command's upgrade)
# for BUSY_TIMEOUT_S, as every write does, but this long at a time in SQLite, whose wait
# hears no Ctrl-C: it was heard when the 30 seconds were over, with a traceback
LOCK_SLICE_S = 0.25


async def _lock_waited_in_slices(work: Callable[[], Awaitable[None]]) -> None:
    """`work()`, whose wait for another connection's write lock is LOCK_SLICE_S (the
    caller's doing), tried again for BUSY_TIMEOUT_S in all: a cancellation (Ctrl-C, SIGTERM)
    is heard within LOCK_SLICE_S (`_through` lets a BEGIN end first). Then SQLite's
    "database is locked", as a write that waited out the busy timeout raises."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return await work()
        except sqlite3.OperationalError as exc:
            if not kept_locked(exc) or time.monotonic() >= deadline:
                raise


async def _apply_migrations(conn: aiosqlite.Connection, applied: set[int]) -> None:
    """Every migration not in `applied` (nor recorded since), in order, one transaction
    each: a database made by a build that had a later migration but not an earlier one
    still gets the earlier one."""
    for migration in MIGRATIONS:
        if migration.version in applied:
            continue
        async with transaction(conn):
            async with conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ) as cur:
                if await cur.fetchone():  # another process applied it while we waited
                    continue
            # executescript would commit on its own; run the statements inside our transaction.
            for statement in _statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_ts) VALUES (?, ?, ?)",
                (migration.version, migration.name, time.time()),
            )
            if migration.version == 1:
                await conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('database_id', ?)",
                    (uuid.uuid4().hex,),
                )


def _without_credentials(url: object) -> object:
    """`addresses.without_credentials` as SQL's: a stored address cleaned, anything else as is."""
    return without_credentials(url) if isinstance(url, str) else url


def _readable_url(url: object) -> object:
    """`addresses.readable_url` as SQL's: a stored address rewritten, anything else as is."""
    return readable_url(url) if isinstance(url, str) else url


def _printable_field(value: object, kind: object) -> object:
    """A stored article's field as an `ArticleDraft` makes it now, for SQL (migration 40):
    `kind` "text" (`printable_text`, one character for one), "line" (`one_line`, trimmed),
    "address" (`printable_address`) or "authors" (a JSON list, each name one line, the
    empty ones out). Anything else, or JSON that is not a list of names, as it is."""
    if not isinstance(value, str):
        return value
    if kind == "text":
        return printable_text(value)
    if kind == "line":
        return one_line(value).strip()
    if kind == "address":
        return printable_address(value)
    names = stored_names(value)
    if names is None:
        return value
    return json.dumps([line for n in names if (line := one_line(n).strip())])


def stored_names(authors: str) -> list[str] | None:
    """The names of a stored `authors` field, a JSON list of them; None for anything else
    (another build's, hand-edited), which the migrations and `reindex` leave as it is."""
    try:
        names = json.loads(authors)
    except ValueError:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    return names


def _statements(script: str) -> list[str]:
    """Split a migration script into statements, respecting quotes and comments."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


async def database_id(conn: aiosqlite.Connection) -> str:
    """The random id this database was created with; an index file records it."""
    async with conn.execute("SELECT value FROM meta WHERE key = 'database_id'") as cur:
        row = await cur.fetchone()
    if row is None:
        raise StoreError("database has no id: it was not created by newsbot")
    return str(row[0])


# The connection whose write transaction this task (and the tasks it starts) is in.
_writing: contextvars.ContextVar[aiosqlite.Connection | None] = contextvars.ContextVar(
    "writing", default=None
)


@contextlib.asynccontextmanager
async def transaction(conn: aiosqlite.Connection) -> AsyncIterator[None]:
    """One write transaction: `async with transaction(conn):` commits when the block ends.

    BEGIN IMMEDIATE takes the write lock up front (waiting out another writer for the busy
    timeout), so the block never fails halfway for a lock. Any exception, a cancellation
    too, rolls everything back and goes on; a failed COMMIT rolls back the same way. A
    cancellation (Ctrl-C) while BEGIN or COMMIT waits lets it finish first: aiosqlite runs it
    on its thread whatever the caller does, and a ROLLBACK sent meanwhile fails ("no
    transaction is active") with an error that hides the cancellation. `conn` must be in
    autocommit mode (as `connect` opens it), so nothing else is pending, unless this task
    is in a transaction of `conn` already: the block is then a savepoint of that one,
    which an exception rolls back alone, committed with the rest (`Engine.seed_if_empty`
    stores the seeds through ingest's own transactions inside the one that holds its lock).
    Another task's transaction on `conn` is neither joined nor rolled back: this one fails.
    """
    unlocked = unlocked_work.get()
    if _writing.get() is conn:
        if unlocked is not None:  # this task's transaction holds the lock already
            unlocked.locked = True
        async with _savepoint(conn):
            yield
        return
    if conn.in_transaction:  # another task's: SQLite's error, without our ROLLBACK of it
        raise sqlite3.OperationalError("cannot start a transaction within a transaction")
    writing = _writing.set(conn)
    try:
        if unlocked is None or unlocked.locked:
            await _through(conn, "BEGIN IMMEDIATE")
        else:  # `finished` work that a stop may still end: it must hear one while it waits
            await _lock_waited_in_slices(
                lambda: _through(conn, "BEGIN IMMEDIATE", waiting_s=LOCK_SLICE_S)
            )
            unlocked.locked = True
        yield
        await _through(conn, "COMMIT")
    except BaseException:
        if conn.in_transaction:
            # SQLite has already rolled back after some errors (a full disk: SQLITE_FULL):
            # the ROLLBACK's own error would hide the one that says why
            with contextlib.suppress(sqlite3.Error):
                await conn.execute("ROLLBACK")
        raise
    finally:
        _writing.reset(writing)


@contextlib.asynccontextmanager
async def _savepoint(conn: aiosqlite.Connection) -> AsyncIterator[None]:
    """`transaction` inside another: its writes undone alone by an exception."""
    try:
        await _through(conn, "SAVEPOINT nested")
        yield
        await _through(conn, "RELEASE nested")
    except BaseException:
        if conn.in_transaction:  # not rolled back whole by SQLite (SQLITE_FULL)
            with contextlib.suppress(sqlite3.Error):
                await conn.execute("ROLLBACK TO nested")
                await conn.execute("RELEASE nested")
        raise


@contextlib.asynccontextmanager
async def snapshot(conn: aiosqlite.Connection) -> AsyncIterator[None]:
    """One read transaction: every read in the block sees the database as of its first
    read, whatever other processes commit meanwhile (WAL). `conn` must be in autocommit
    mode, as `connect` opens it, and no other task may use it during the block (a write
    of theirs would land inside it). Cancelled at any point, it leaves no transaction."""
    try:
        await _through(conn, "BEGIN DEFERRED")
        yield
    finally:
        if conn.in_transaction:
            await _through(conn, "COMMIT")


async def _through(
    conn: aiosqlite.Connection, statement: str, waiting_s: float | None = None
) -> None:
    """Run `statement` (waiting `waiting_s` for a lock, not the busy timeout: `_run_waiting`);
    if cancelled meanwhile, wait until it has run, then be cancelled, so the connection's
    state (`in_transaction`) is known when the cancellation goes on. The statement's own
    error (a BEGIN that found the database locked) is dropped then: the cancellation is
    what goes on, and asyncio would log the error, unread, as a traceback."""
    running: asyncio.Future[Any]
    if waiting_s is None:
        running = asyncio.ensure_future(conn.execute(statement))
    else:
        running = asyncio.ensure_future(_run_waiting(conn, statement, waiting_s))
    try:
        await asyncio.shield(running)
    except asyncio.CancelledError:
        await asyncio.wait([running])
        if not running.cancelled():
            running.exception()  # read
        raise
