"""A copy of the database, consistent while other processes write it (the bot, a cron poll).

A WAL database is its file and its -wal log together: a plain `cp` of the file alone misses
what was committed since the last checkpoint. SQLite's online backup copies a snapshot, the
log included, in one read transaction, which writers never wait for. The index files are
not copied: they are a cache of the database, rebuilt from it where they are missing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retrieval.corpus.db import busy_timeout, read_only_uri, sqlite_reason
from retrieval.errors import StoreError
from retrieval.private import FILE_MODE, create_private


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
    """Copy the database at `db_path` to `target`, whole or not at all: written beside it
    under another name, checked, `prepare`d (given its path: the expired rows forgotten),
    then renamed over it. Blocking; reads the database only (a read-only one too), and
    moves it to no newer schema, so a copy made before an upgrade is the database as the
    old version left it.

    StoreError if `target` exists (unless `replace`), is the database itself, or is in use."""
    _check_target(db_path, target, replace)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)  # a backup stopped midway
    try:
        create_private(partial)  # never readable by others, not even while it is written
        articles = _copy(db_path, partial)
        if prepare is not None:
            prepare(partial)
        os.chmod(partial, _backup_mode(db_path))
        _sync(partial)
        os.replace(partial, target)
        _sync(target.parent)  # the rename, through a power cut
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Backup(target, articles, target.stat().st_size)


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
    if target.exists() and not replace:
        raise StoreError(f"{target} exists: name another file, or add --force to replace it")
    if Path(f"{target}-wal").exists():
        # its log would be read into the copy as if it were the copy's
        raise StoreError(
            f"{target}-wal is beside {target}: a process may be using it as a database; "
            "stop it, or name another file"
        )


def _copy(db_path: Path, partial: Path) -> int:
    """The database's snapshot copied to `partial`; how many articles it holds."""
    source_uri = read_only_uri(db_path) or f"{db_path.resolve().as_uri()}?mode=ro"
    try:
        source = sqlite3.connect(source_uri, uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read database {str(db_path)!r}: {exc}") from exc
    try:
        source.execute(busy_timeout())
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # every page in one step: one snapshot, however long it takes
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
