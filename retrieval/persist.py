"""Keeping the index next to its database: load, verify, catch up, save.

Layout: `<database>.index/manifest.json` names the segment folders and records the database
id, the token rules, the highest sentence id covered (watermark), the number of sentences and
a CRC-32 per array. The manifest is replaced atomically, after the segments it names are
written, so a crash mid-save leaves the previous index whole. Anything that does not match
the database is rebuilt from the database, never trusted.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from retrieval.db import database_id
from retrieval.errors import IndexFileError
from retrieval.index import BM25Params, Index, SegmentBuilder
from retrieval.segment import Segment
from retrieval.store import CorpusStore
from retrieval.tokens import Tokenizer

log = logging.getLogger(__name__)

FORMAT = 2  # 2: docs shortest first, postings in doc order with block maxima
Progress = Callable[[int], None]


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
    """Write new segments and the manifest, then delete segments no manifest names."""
    snap = index.snapshot
    with _locked(folder):
        entries = []
        for segment in snap.segments:
            seg_dir = folder / segment.name
            checksum_file = seg_dir / "checksums.json"
            if checksum_file.exists():
                checksums = json.loads(checksum_file.read_text())
            else:
                tmp_dir = folder / f"{segment.name}.tmp"
                shutil.rmtree(tmp_dir, ignore_errors=True)
                checksums = segment.save(tmp_dir)
                (tmp_dir / "checksums.json").write_text(json.dumps(checksums))
                shutil.rmtree(seg_dir, ignore_errors=True)
                tmp_dir.rename(seg_dir)
            entries.append(
                {"name": segment.name, "checksums": checksums, "build_avgdl": segment.build_avgdl}
            )
        manifest = {
            "format": FORMAT,
            "database_id": db_id,
            "signature": index.signature,
            "watermark": snap.watermark,
            "sentences": snap.docs,
            "segments": entries,
        }
        tmp = folder / "manifest.json.tmp"
        with tmp.open("w") as fh:
            json.dump(manifest, fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(folder / "manifest.json")
        named = {e["name"] for e in entries}
        for child in folder.iterdir():
            if child.is_dir() and child.name not in named:
                shutil.rmtree(child, ignore_errors=True)


async def open_index(
    store: CorpusStore,
    db_path: str | os.PathLike[str],
    tokenizer: Tokenizer | None = None,
    params: BM25Params | None = None,
    progress: Progress | None = None,
    save: bool = True,
) -> Index:
    """The index for the database: loaded if the saved one is valid, else rebuilt; caught up.

    Sentences stored after the index was saved (by this or another process) are added. With
    `save`, a rebuilt or extended index is written back for the next start.
    """
    tokenizer = tokenizer or Tokenizer()
    params = params or BM25Params()
    folder = index_dir(db_path)
    db_id = await database_id(store.conn)
    probe = Index(tokenizer, params)
    expected: dict[str, object] = {"database_id": db_id, "signature": probe.signature}
    index: Index | None = None
    try:
        segments, watermark, count = load_segments(folder, expected)
        if await store.count_sentences_upto(watermark) != count:
            raise IndexFileError("the database no longer holds the indexed sentences")
        index = Index(tokenizer, params, segments, watermark)
        changed = False
    except IndexFileError as exc:
        if folder.exists() and str(exc) != "no index yet":
            log.warning("rebuilding the index: %s", exc)
        index = await rebuild(store, tokenizer, params, progress)
        changed = True
    if await catch_up(index, store, progress):
        changed = True
    if save and changed and len(index):
        index.compact()
        save_index(index, folder, db_id)
    return index


async def rebuild(
    store: CorpusStore,
    tokenizer: Tokenizer,
    params: BM25Params,
    progress: Progress | None = None,
) -> Index:
    """A fresh single-segment index of every sentence in the database."""
    builder = SegmentBuilder(tokenizer)
    watermark = 0
    async for rows in store.sentences_after(0):
        builder.add_many(rows)
        watermark = rows[-1][0]
        if progress:
            progress(len(rows))
    segments = [builder.build(params)] if len(builder) else []
    return Index(tokenizer, params, segments, watermark)


async def catch_up(index: Index, store: CorpusStore, progress: Progress | None = None) -> int:
    """Add the sentences stored since the index's watermark; returns how many.

    Tokenizing a batch takes about a second per 20,000 sentences, so it runs in a thread:
    a bot catching up with a large ingest keeps answering meanwhile. Callers must not run
    two catch-ups of one index at once (`Engine.refresh` serializes them).
    """
    added = 0
    async for rows in store.sentences_after(index.snapshot.watermark):
        added += await asyncio.to_thread(index.add, rows)
        if progress:
            progress(len(rows))
    return added
