"""The files an ingest reads: named files as given, folders walked in name order, and why
a path is not read (a folder with nothing to read, a link out of the folder, a pipe).

Apart from the ingest (`ingest`), which reads and stores what this finds: which files a
folder holds is a question of the file system and of who may put links in it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from retrieval.corpus.formats import READABLE, format_of
from retrieval.corpus.ingest_report import Failure


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
