"""A copy of the database, consistent while other processes write it (the bot, a cron poll).

A WAL database is its file and its -wal log together: a plain `cp` of the file alone misses
what was committed since the last checkpoint. `VACUUM INTO` writes a snapshot, the log
included, in one read transaction, which writers never wait for; and it writes the rows
alone, anew: not the free pages, nor the space in a page, where a row deleted by a build of
SQLite that does not overwrite deletions (or by a newsbot before it asked for that) left its
text. The index files are not copied: they are a cache of the database, rebuilt from it
where they are missing.

A backup is written beside its target under another name (`.NAME.partial`) and renamed over
it once whole. One stopped midway (killed, a power cut) leaves that file: the next backup
to the same target deletes it before it starts, and any backup deletes one in its folder
that nothing has written for STALE_PARTIAL_S (a backup at work writes its copy all along)
and that is certainly a copy of a newsbot database: a copy named by its date
(`news-2024-06-03.db`) is never made again, and its partial held the database, expired
questions and all, for ever. One stopped before its copy was whole is not yet a database
(SQLite writes its first page last): only the next backup to its target deletes it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retrieval.corpus.db import busy_timeout, read_only_uri, sqlite_reason
from retrieval.errors import StoreError
from retrieval.private import FILE_MODE, create_private

log = logging.getLogger(__name__)

# A backup's partial copy not written for this long is one a stopped backup left (seconds)
STALE_PARTIAL_S = 24 * 3600.0
# What SQLite may leave beside a database file it was writing when the process was killed
_BESIDE = ("-journal", "-wal", "-shm")


@dataclass(frozen=True)
class Backup:
    """What a backup wrote: where, its articles and its size in bytes."""

    path: Path
    articles: int
    size: int


def back_up(
    db_path: Path,
    target: Path,
    replace: bool = False,
    prepare: Callable[[Path], object] | None = None,
) -> Backup:
    """Copy the database at `db_path` to `target`, whole or not at all: written anew beside
    it under another name (its rows alone: no free pages), checked, `prepare`d (given its
    path: the expired rows forgotten), written anew again if that freed pages, then renamed
    over it. Blocking; reads the database only (a read-only one too), and
    moves it to no newer schema, so a copy made before an upgrade is the database as the
    old version left it.

    StoreError if `target` exists (unless `replace`), is the database itself, is in use,
    or cannot be written in its folder."""
    _check_target(db_path, target, replace)
    _delete_stale_partials(target.parent)
    try:
        articles = _write(db_path, target, prepare)
    except OSError as exc:  # a folder this user cannot write (a read-only mount...)
        raise StoreError(
            f"cannot write the backup {target} in {target.resolve().parent}: "
            f"{exc.strerror}: let this user write there, or name another file"
        ) from exc
    return Backup(target, articles, target.stat().st_size)


def _write(db_path: Path, target: Path, prepare: Callable[[Path], object] | None) -> int:
    """`back_up`'s copy written beside `target`, then renamed over it; its articles."""
    partial = _partial(target)
    _delete_with_beside(partial)  # a backup to `target` stopped midway
    try:
        articles = _copy(db_path, partial)
        if prepare is not None:
            prepare(partial)
        _compact(partial)  # the pages what `prepare` forgot was in: free, if zeroed
        os.chmod(partial, _backup_mode(db_path))
        _sync(partial)
        os.replace(partial, target)
        _sync(target.parent)  # the rename, through a power cut
    except BaseException:
        _delete_with_beside(partial)
        raise
    return articles


def _partial(target: Path) -> Path:
    """The file a backup to `target` is written to before it is renamed over it."""
    return target.with_name(f".{target.name}.partial")


def _compacting(partial: Path) -> Path:
    """The file `partial` is written to anew without its free pages (`_compact`)."""
    return partial.with_name(f"{partial.name}.compact")


def _delete_with_beside(partial: Path) -> None:
    """Delete a partial copy, its compacting, and what SQLite left beside either: a hot
    journal left there would be rolled back into the next copy of that name."""
    for path in (partial, _compacting(partial)):
        for suffix in ("", *_BESIDE):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def _delete_stale_partials(folder: Path) -> None:
    """Delete the partial copies in `folder` that stopped backups left: not written for
    STALE_PARTIAL_S. Only what is certainly newsbot's: a `.NAME.partial` that is a copy of
    a newsbot database (`_newsbot_copy`), and then what is beside it. Another program's
    hidden `.partial` files were deleted too, any SQLite file or empty one, and theirs
    beside them; an empty one, which holds nothing, is left, as is one not yet a database
    (a copy stopped before SQLite wrote its first page, last)."""
    now = time.time()
    for path in folder.glob(".?*.partial"):
        with contextlib.suppress(OSError):  # gone meanwhile, or not ours to delete
            if now - path.stat().st_mtime < STALE_PARTIAL_S or not _newsbot_copy(path):
                continue
            _delete_with_beside(path)
            log.info("deleted %s, left by a backup stopped midway", path)


def _newsbot_copy(path: Path) -> bool:
    """Whether the file at `path` is a copy of a newsbot database: SQLite's, holding
    newsbot's tables and its database id. Read as the bytes on disk are (immutable): no
    lock taken, and no journal or log beside it read, nor rolled back into it, as opening
    it to write would (a partial copy stopped while expired questions were forgotten has a
    hot journal): another program's file is never written. One that cannot be read so is
    not told newsbot's."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            tables = {
                str(row[0])
                for row in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
            }
            if not {"schema_migrations", "meta", "articles"} <= tables:
                return False
            found = conn.execute("SELECT 1 FROM meta WHERE key = 'database_id'").fetchone()
    except sqlite3.Error:
        return False
    return found is not None


def _backup_mode(db_path: Path) -> int:
    """The mode a backup of the database at `db_path` gets: the database's, but at most
    FILE_MODE: a copy is never readable by more than the database it copies, nor by others
    than its owner where a deployment shares the database with a group."""
    return stat.S_IMODE(db_path.stat().st_mode) & FILE_MODE


def _check_target(db_path: Path, target: Path, replace: bool) -> None:
    if not target.parent.is_dir():
        raise StoreError(f"no folder {target.parent} for the backup {target}: make it first")
    if target.is_dir():
        raise StoreError(f"{target} is a folder: name the backup's file, e.g. {target}/news.db")
    if target.exists() and target.resolve() == db_path.resolve():
        raise StoreError(f"{target} is the database itself: name another file")
    if target.exists() and (kind := _not_a_file(target.stat().st_mode)):
        # renamed over (--force), a device node (/dev/full) became a database
        raise StoreError(f"{target} is {kind}, not a file: name the backup's file")
    if target.exists() and not replace:
        raise StoreError(f"{target} exists: name another file, or add --force to replace it")
    if Path(f"{target}-wal").exists():
        # its log would be read into the copy as if it were the copy's
        raise StoreError(
            f"{target}-wal is beside {target}: a process may be using it as a database; "
            "stop it, or name another file"
        )


def _not_a_file(mode: int) -> str | None:
    """What a file of `mode` is when it is not a regular file (a folder is told apart
    before), else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _copy(db_path: Path, partial: Path) -> int:
    """The database's snapshot written to `partial`, its rows alone (`VACUUM INTO`); how
    many articles it holds."""
    source_uri = read_only_uri(db_path) or f"{db_path.resolve().as_uri()}?mode=ro"
    try:
        source = sqlite3.connect(source_uri, uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read database {str(db_path)!r}: {exc}") from exc
    try:
        source.execute(busy_timeout())
        _vacuum_into(source, partial)  # one snapshot, however long it takes
        copy = sqlite3.connect(partial)
        try:
            # one self-contained file, no -wal to keep beside it (newsbot turns WAL on again)
            copy.execute("PRAGMA journal_mode = DELETE")
            (articles,) = copy.execute("SELECT COUNT(*) FROM articles").fetchone()
            (check,) = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise StoreError(f"{db_path} is not a newsbot database: {exc}") from exc
        raise _not_backed_up(db_path, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise _not_backed_up(db_path, exc) from exc
    finally:
        source.close()
    if check != "ok":
        raise StoreError(f"the copy of {db_path} does not check out: {check}")
    return int(articles)


def _vacuum_into(conn: sqlite3.Connection, copy: Path) -> None:
    """Write the database of `conn` to `copy` anew (`VACUUM INTO`): its rows alone, no free
    page, each page filled. `copy` is made empty first, this user's alone: SQLite would make
    it readable by all, and writes into an empty file."""
    create_private(copy)
    conn.execute("VACUUM INTO ?", (str(copy),))


def _compact(partial: Path) -> None:
    """Write `partial` anew when it has free pages (what `prepare` deleted was in them),
    so that a backup is as small as its rows: `VACUUM INTO` beside it, then renamed over
    it (no temporary file elsewhere, no journal of the whole copy)."""
    with contextlib.closing(sqlite3.connect(partial)) as copy:
        (free,) = copy.execute("PRAGMA freelist_count").fetchone()
        if not free:
            return
        _vacuum_into(copy, _compacting(partial))
    os.replace(_compacting(partial), partial)


def _sync(path: Path) -> None:
    """fsync a file, or a folder (its entries): written through to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):  # some filesystems cannot sync a folder
            os.fsync(fd)
    finally:
        os.close(fd)


def _not_backed_up(db_path: Path, exc: sqlite3.Error) -> StoreError:
    """Why the database at `db_path` could not be copied: SQLite's reason, and where it is
    read-only, why that matters, as every command says it (a -wal without its -shm)."""
    return StoreError(
        f"cannot back up {str(db_path)!r}: {sqlite_reason(exc, read_only_uri(db_path))}"
    )
