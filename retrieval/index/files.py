"""The index on disk, beside its database: the manifest, checksums, saving, loading, the lock.

Layout: `<database>.index/manifest.json` names the segment folders and records the database
id, the token rules, the highest sentence id covered (watermark), the number of sentences and
a CRC-32 per array. The manifest is replaced atomically, after the segments it names are
written, so a crash mid-save leaves the previous index whole. A saved index that does not
match what is expected raises IndexFileError; `retrieval.indexing` then rebuilds it from the
database, never trusting it. Knows nothing of the database itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from retrieval.errors import IndexFileError
from retrieval.index.index import Index
from retrieval.index.segment import Segment

FORMAT = 2  # 2: docs shortest first, postings in doc order with block maxima


def index_dir(db_path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(db_path)}.index")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialize savers across processes (the bot and an `ingest` may share a database)."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_manifest(folder: Path) -> dict[str, object]:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except FileNotFoundError:
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
    manifest = _read_manifest(folder)
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise IndexFileError(f"{key} differs (index {manifest.get(key)!r}, now {value!r})")
    segments = []
    try:
        for entry in manifest["segments"]:  # type: ignore[attr-defined]
            segments.append(
                Segment.load(folder / entry["name"], entry["checksums"], entry["build_avgdl"])
            )
        watermark, count = int(manifest["watermark"]), int(manifest["sentences"])  # type: ignore[call-overload]
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexFileError(f"corrupt index: {exc}") from exc
    if sum(s.docs for s in segments) != count:
        raise IndexFileError("corrupt index: segment sizes do not add up")
    return segments, watermark, count


def save_index(index: Index, folder: Path, db_id: str) -> None:
    """Write new segments and the manifest, then delete segments no manifest names.

    Everything the manifest names is on the disk before the manifest is: each file and each
    folder entry is fsynced first, so a power cut leaves the old index or the new one, never
    a manifest naming empty files.
    """
    snap = index.snapshot
    with _locked(folder):
        entries = []
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
            entries.append(
                {"name": segment.name, "checksums": checksums, "build_avgdl": segment.build_avgdl}
            )
        _sync_folder(folder)  # the segment folders' names, before a manifest names them
        manifest = {
            "format": FORMAT,
            "database_id": db_id,
            "signature": index.signature,
            "watermark": snap.watermark,
            "sentences": snap.docs,
            "segments": entries,
        }
        tmp = folder / "manifest.json.tmp"
        _write_synced(tmp, json.dumps(manifest))
        tmp.replace(folder / "manifest.json")
        _sync_folder(folder)
        named = {e["name"] for e in entries}
        for child in folder.iterdir():
            if child.is_dir() and child.name not in named:
                shutil.rmtree(child, ignore_errors=True)


def _saved_checksums(seg_dir: Path) -> dict[str, int] | None:
    """The checksums of a segment saved before (so not written again), or None if it must
    be written: never saved, or its checksum file is empty or broken (a crash mid-save)."""
    try:
        checksums = json.loads((seg_dir / "checksums.json").read_text())
    except (OSError, ValueError):
        return None
    return checksums if isinstance(checksums, dict) else None


def _write_synced(path: Path, text: str) -> None:
    with path.open("w") as fh:
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
