"""The index on disk, beside its database: the manifest, checksums, saving, loading, the lock.

Layout: `<database>.index/manifest.json` names the segment folders and records the database
id, the token rules, the highest sentence id covered (watermark), the number of sentences and
a CRC-32 per array. The manifest is replaced atomically, after the segments it names are
written, so a crash mid-save leaves the previous index whole. A saved index that does not
match what is expected raises IndexFileError; `retrieval.indexing` then rebuilds it from the
database, never trusting it. A folder that cannot be written (disk full, read-only, a file in
its place) raises IndexWriteError. Knows nothing of the database itself.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import NO_ROOM, IndexFileError, IndexWriteError
from retrieval.index.index import Index
from retrieval.index.segment import Segment
from retrieval.private import make_private_folder, private_opener

# 2: docs shortest first, postings in doc order with block maxima; 3: doc times; 4: each
# term's tf-1 docs apart from its other postings, no block maxima; 5: each doc's words;
# 6: forward postings in sentence id order; 7: whether each doc is dated
FORMAT = 7


def index_dir(db_path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(db_path)}.index")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialize savers across processes (the bot and an `ingest` may share a database)."""
    make_private_folder(folder)
    with open(folder / "lock", "a", opener=private_opener) as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_manifest(folder: Path) -> dict[str, object]:
    if folder.exists() and not folder.is_dir():
        raise IndexFileError(f"{folder} is a file, not the index's folder")
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except FileNotFoundError:
        if folder.is_dir() and any(child.is_dir() for child in folder.iterdir()):
            raise IndexFileError("its manifest is missing") from None  # segments without
        raise IndexFileError("no index yet") from None
    except (OSError, ValueError) as exc:
        raise IndexFileError(f"unreadable manifest: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexFileError("manifest of another format")
    return manifest


def load_segments(folder: Path, expected: dict[str, object]) -> tuple[list[Segment], int, int]:
    """Segments, watermark and sentence count of a saved index that matches `expected`.

    Raises IndexFileError saying why the saved index cannot be used.
    """
    _remove_partial_saves(folder)
    manifest = _read_manifest(folder)
    for key, value in expected.items():
        if manifest.get(key) == value:
            continue
        if key == "signature":  # the rules its docs were read and timed by: an upgrade's
            raise IndexFileError(
                "it was made by another version of newsbot, under other rules (some 30 s a "
                f"million sentences; index {manifest.get(key)!r}, now {value!r})"
            )
        raise IndexFileError(f"{key} differs (index {manifest.get(key)!r}, now {value!r})")
    segments = []
    try:
        for entry in manifest["segments"]:  # type: ignore[attr-defined]
            segments.append(Segment.load(folder / entry["name"], entry["checksums"]))
        watermark, count = int(manifest["watermark"]), int(manifest["sentences"])  # type: ignore[call-overload]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # valid JSON, odd shape
        raise IndexFileError(f"corrupt index: {exc}") from exc
    if sum(s.docs for s in segments) != count:
        raise IndexFileError("corrupt index: segment sizes do not add up")
    return segments, watermark, count


def _remove_partial_saves(folder: Path) -> None:
    """Delete the segments a save killed midway left (`<name>.tmp`, up to a segment's size),
    unless a save is at work now; a process that cannot write there leaves them."""
    if not folder.is_dir() or not any(folder.glob("*.tmp")):
        return
    with contextlib.suppress(OSError), open(folder / "lock", "a", opener=private_opener) as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a save is writing them
            return
        try:
            _delete_partials(folder)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _delete_partials(folder: Path) -> None:
    for partial in folder.glob("*.tmp") if folder.is_dir() else ():
        if partial.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
        else:
            partial.unlink(missing_ok=True)


def save_index(index: Index, folder: Path, db_id: str, signature: str | None = None) -> None:
    """Write new segments and the manifest, then delete segments no manifest names.

    `signature` says what the docs are when the index's own does not say it all (the article
    index records how its titles are weighted).

    Everything the manifest names is on the disk before the manifest is: each file and each
    folder entry is fsynced first, so a power cut leaves the old index or the new one, never
    a manifest naming empty files. Raises IndexWriteError, saying why and what to do, when
    the folder cannot be written; what this save had written is removed again.
    """
    save_indexes([Saving(index, folder, db_id, signature)])


@dataclass(frozen=True, slots=True)
class Saving:
    """One index to save (`save_index`'s arguments)."""

    index: Index
    folder: Path
    db_id: str
    signature: str | None = None


def save_indexes(
    saves: Sequence[Saving],
    current: Callable[[], bool] | None = None,
    then: Callable[[], object] | None = None,
) -> bool:
    """Save each index as `save_index` does, under all their folders' locks at once.

    `current`, asked under the locks before anything is written, says whether these indexes
    may replace the saved ones: when it says no (another process saved newer ones, or what
    they were read from changed since), nothing is written and False is returned. `then`
    runs once all are written, still under the locks. Locks are taken in the order given:
    callers name the folders in one order.
    """
    with contextlib.ExitStack() as locks:
        for saving in saves:
            with _writing(saving.folder):
                locks.enter_context(_locked(saving.folder))
        if current is not None and not current():
            return False
        for saving in saves:
            with _writing(saving.folder, partials=True):
                signature = saving.signature or saving.index.signature
                _save_locked(saving.index, saving.folder, saving.db_id, signature)
        if then is not None:
            then()
    return True


@contextlib.contextmanager
def _writing(folder: Path, partials: bool = False) -> Iterator[None]:
    """Turn an OSError writing `folder` into IndexWriteError; with `partials`, first remove
    what the save had written there (under its lock: not another saver's)."""
    try:
        yield
    except OSError as exc:
        if partials:
            _delete_partials(folder)
        raise IndexWriteError(_unwritable(folder, exc)) from exc


def _unwritable(folder: Path, exc: OSError) -> str:
    """Why the index cannot be written to `folder`, and what to do about it."""
    what = f"cannot save the index in {folder}"
    if exc.errno in NO_ROOM:
        return (
            f"{what}: there is no room for it ({exc.strerror}). Free some space there; the "
            "articles are safe in the database, and the index is saved by the next command "
            "that adds articles, or by newsbot reindex"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"{what}: {exc.strerror}. Let the user running newsbot write there, or keep "
            "the database (--db, NEWSBOT_DB) in a folder it can write"
        )
    if exc.errno in (errno.EEXIST, errno.ENOTDIR):
        return (
            f"{what}: it is a file, and the index is a folder beside the database. Move "
            f"that file away"
        )
    return f"{what}: {exc.strerror or exc}"


def _save_locked(index: Index, folder: Path, db_id: str, signature: str) -> None:
    snap = index.snapshot
    entries = []
    written: list[tuple[Segment, dict[str, int]]] = []
    for segment in snap.segments:
        seg_dir = folder / segment.name
        checksums = _saved_checksums(seg_dir)
        if checksums is None:
            tmp_dir = folder / f"{segment.name}.tmp"
            shutil.rmtree(tmp_dir, ignore_errors=True)
            checksums = segment.save(tmp_dir)
            _write_synced(tmp_dir / "checksums.json", json.dumps(checksums))
            _sync_folder(tmp_dir)
            shutil.rmtree(seg_dir, ignore_errors=True)
            tmp_dir.rename(seg_dir)
            written.append((segment, checksums))
        entries.append({"name": segment.name, "checksums": checksums})
    _sync_folder(folder)  # the segment folders' names, before a manifest names them
    manifest = {
        "format": FORMAT,
        "database_id": db_id,
        "signature": signature,
        "watermark": snap.watermark,
        "sentences": snap.docs,
        "segments": entries,
    }
    tmp = folder / "manifest.json.tmp"
    _write_synced(tmp, json.dumps(manifest))
    tmp.replace(folder / "manifest.json")
    _sync_folder(folder)
    _map_written(index, folder, written)
    named = {e["name"] for e in entries}
    for child in folder.iterdir():
        if child.is_dir() and child.name not in named:
            shutil.rmtree(child, ignore_errors=True)


def _map_written(
    index: Index, folder: Path, written: Sequence[tuple[Segment, dict[str, int]]]
) -> None:
    """Serve the segments just written from their files, mapped, not from the memory they
    were built or merged in: a running bot catching up with other processes' ingests held
    every segment it made in its heap until a restart (a news-1m index's whole 240 MB once
    a merge took in the one mapped at start), where a started one shares the file's pages.
    A segment hidden or merged since the snapshot saved is left as it is (`Index.mapped`)."""
    loaded = []
    for segment, checksums in written:
        try:
            loaded.append((segment, Segment.load(folder / segment.name, checksums)))
        except ValueError:  # not as written (changed under us): served from memory still
            continue
    index.mapped(loaded)


def _saved_checksums(seg_dir: Path) -> dict[str, int] | None:
    """The checksums of a segment saved before (so not written again), or None if it must
    be written: never saved, or its checksum file is empty or broken (a crash mid-save)."""
    try:
        checksums = json.loads((seg_dir / "checksums.json").read_text())
    except (OSError, ValueError):
        return None
    return checksums if isinstance(checksums, dict) else None


def _write_synced(path: Path, text: str) -> None:
    with open(path, "w", opener=private_opener) as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the folder's entries (files created, renamed into it) durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
