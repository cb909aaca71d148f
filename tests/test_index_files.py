"""The index's files after a crash or a power cut: empty and cut files are rebuilt like any
other corruption, and nothing the manifest names can be missing from the disk. And what a
start says while it builds the index, or catches up a saved one far behind the database."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import json
import logging
import mmap
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.engine import Engine
from retrieval.errors import IndexWriteError
from retrieval.index import files
from retrieval.index.files import index_dir, save_index
from retrieval.index.index import Index
from retrieval.index.segment import Segment
from retrieval.indexing import LONG_CATCH_UP
from retrieval.models import ArticleDraft
from retrieval.without_index import corpus_stats
from tests.cli_process import run_newsbot

from .conftest import SEEDS

QUESTION = "Where did the joint exercise begin?"


async def saved_seed_index(db_path: Path) -> list[str]:
    """Ingest the seed, save its index; returns the quotes answering QUESTION."""
    engine = await Engine.open(db_path)
    try:
        await engine.ingest([SEEDS])
        await engine.refresh()
        await engine.save_index()
        return [p.quote for p in (await engine.ask(QUESTION)).passages]
    finally:
        await engine.close()


def index_files(db_path: Path) -> list[str]:
    folder = index_dir(db_path)
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


async def test_every_index_file_is_covered(db_path: Path) -> None:
    # The parametrized test below names the files; a new one must be added there too.
    await saved_seed_index(db_path)
    names = {name.split("/")[-1] for name in index_files(db_path)}
    assert names == set(FILES)


FILES = [
    "manifest.json",
    "lock",
    "checksums.json",
    *(
        f"{name}.npy"
        for name in (
            "sentence_ids",
            "doc_time",
            "doc_dated",
            "by_sentence",
            "doc_len",
            "doc_words",
            "terms",
            "one_ptr",
            "one_doc",
            "many_ptr",
            "many_doc",
            "many_tf",
            "max_tf",
            "fwd_ptr",
            "fwd_term",
            "fwd_tf",
        )
    ),
]


@pytest.mark.parametrize("cut", ["empty", "half"])
@pytest.mark.parametrize("name", FILES)
async def test_an_empty_or_cut_index_file_is_rebuilt(
    db_path: Path, caplog: pytest.LogCaptureFixture, name: str, cut: str
) -> None:
    quotes = await saved_seed_index(db_path)
    [target] = [p for p in index_dir(db_path).rglob(name) if p.is_file()]
    size = target.stat().st_size
    os.truncate(target, 0 if cut == "empty" else size // 2)
    reopened = await Engine.open(db_path)
    try:
        result = await reopened.ask(QUESTION)
        assert [p.quote for p in result.passages] == quotes
    finally:
        await reopened.close()
    if name not in ("lock", "checksums.json"):  # read only when saving, not to load
        assert "rebuilding the index" in caplog.text
    # The rebuilt index was saved whole: the next start loads it without a rebuild.
    caplog.clear()
    again = await Engine.open(db_path)
    await again.close()
    assert "rebuilding the index" not in caplog.text


async def test_building_the_index_at_start_is_logged_with_its_size_and_time(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A bot's start on a database without its index files was silent for as long as the
    build took (24 s at dev scale) before "is up"."""
    await saved_seed_index(db_path)
    for folder in (index_dir(db_path), Path(f"{db_path}.articles.index")):
        shutil.rmtree(folder)
    with caplog.at_level(logging.INFO, logger="retrieval.indexing"):
        await (await Engine.open(db_path)).close()
    building, built = [r.getMessage() for r in caplog.records if r.name == "retrieval.indexing"]
    assert building == "building the search index: 13 sentences to read"
    assert re.fullmatch(r"built the search index in \d+\.\d s", built)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="retrieval.indexing"):
        await (await Engine.open(db_path)).close()  # loaded: nothing to say
    assert not [r for r in caplog.records if r.name == "retrieval.indexing"]


def _ferry_log(first: int, count: int) -> list[ArticleDraft]:
    """Articles of `count` sentences in all, 100 an article, each sentence of its own ferry,
    the first of ferry `first`."""
    return [
        ArticleDraft(
            f"Ferry log {start // 100}",
            " ".join(f"Ferry {n} left pier {n % 7} at dawn." for n in range(start, start + 100)),
            "Harbour Gazette",
        )
        for start in range(first, first + count, 100)
    ]


async def _store_unindexed(db_path: Path, drafts: list[ArticleDraft]) -> int:
    """Store `drafts` as a running ingest does: committed, and the saved index not caught up
    (`add_articles` alone, nothing saved after); returns how many sentences that stored."""
    engine = await Engine.open(db_path)  # catches up and saves what was there before
    try:
        before = (await corpus_stats(engine.db_path)).sentences
        await engine.add_articles(drafts)
        return (await corpus_stats(engine.db_path)).sentences - before
    finally:
        await engine.close()


def test_an_ask_catching_up_with_many_stored_sentences_says_so_on_stderr(
    tmp_path: Path,
) -> None:
    """`newsbot ask` while another process ingested a large batch (or after one, before
    anything saved the index) first indexed every sentence stored since the index was last
    saved: 7-30 s instead of 2, without a word on stderr, as if it hung."""
    db = tmp_path / "news.db"
    seeded = run_newsbot(["ingest", "--quiet", "--db", str(db), str(SEEDS)], tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    ask = ["ask", "--db", str(db), "--limit", "1", "Which pier did ferry 432 leave?"]
    asyncio.run(_store_unindexed(db, _ferry_log(0, 1_000)))
    few = run_newsbot(ask, tmp_path)  # read in a blink: nothing to say
    assert (few.returncode, few.stderr) == (0, ""), few.stderr
    assert "Ferry 432 left pier 5" in few.stdout
    stored = asyncio.run(_store_unindexed(db, _ferry_log(1_000, LONG_CATCH_UP)))
    assert stored == LONG_CATCH_UP
    many = run_newsbot(ask, tmp_path)
    assert many.returncode == 0, many.stderr
    notice = f"indexing {stored:,} sentences stored since the search index was last saved"
    said = rf"\S+Z INFO retrieval\.indexing: {re.escape(notice)}\n"  # on stderr, in one line
    assert re.fullmatch(said, many.stderr), many.stderr
    assert many.stdout == few.stdout  # the answer alone: scripts read it
    again = run_newsbot(ask, tmp_path)  # the catch-up was saved: the next ask reads nothing
    assert (again.returncode, again.stderr) == (0, ""), again.stderr


async def test_a_pickle_in_place_of_an_array_is_not_advised_to_be_loaded(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """numpy's error suggests loading the file "unsafely" (unpickling it: running its code);
    the warning of a rebuild passed that on to whoever reads the log."""
    await saved_seed_index(db_path)
    [target] = list(index_dir(db_path).rglob("doc_time.npy"))
    np.save(target, np.array([object()], dtype=object), allow_pickle=True)
    await (await Engine.open(db_path)).close()
    assert "doc_time: not an array newsbot wrote" in caplog.text
    assert "pickle" not in caplog.text and "unsafe" not in caplog.text


async def test_a_missing_manifest_is_said_and_a_killed_saves_leftovers_go(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Segments without their manifest were rebuilt in silence, as if no index were saved;
    a save killed midway left its segment folder (up to a segment's size) until the next
    save, which `ask` and `stats` never make."""
    quotes = await saved_seed_index(db_path)
    folder = index_dir(db_path)
    [segment] = [p for p in folder.iterdir() if p.is_dir()]
    shutil.copytree(segment, folder / "0123abcd.tmp")  # as a killed save leaves it
    await (await Engine.open(db_path)).close()  # loaded, not saved
    assert not list(folder.glob("*.tmp")) and caplog.text == ""

    (folder / "manifest.json").unlink()
    reopened = await Engine.open(db_path)
    try:
        assert [p.quote for p in (await reopened.ask(QUESTION)).passages] == quotes
    finally:
        await reopened.close()
    assert "rebuilding the index: its manifest is missing" in caplog.text


async def test_what_the_manifest_names_is_on_disk_before_the_manifest(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    await saved_seed_index(db_path)
    folder = index_dir(db_path).resolve()
    manifest = json.loads((folder / "manifest.json").read_text())
    before = synced[: synced.index(str(folder / "manifest.json.tmp"))]
    for segment in manifest["segments"]:
        seg_dir = folder / segment["name"]
        tmp_dir = f"{seg_dir}.tmp"
        for name in [*segment["checksums"], "checksums"]:
            suffix = "json" if name == "checksums" else "npy.tmp"
            assert f"{tmp_dir}/{name}.{suffix}" in before, f"{name} not synced"
        assert tmp_dir in before  # its files' names
    # The segment folders' names, before the manifest; the manifest's own, after it.
    assert str(folder) in before
    after = synced[synced.index(str(folder / "manifest.json.tmp")) :]
    assert str(folder) in after


async def test_a_segment_with_an_empty_checksum_file_is_written_again(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await saved_seed_index(db_path)
    [checksums] = index_dir(db_path).rglob("checksums.json")
    os.truncate(checksums, 0)  # the segment loads (the manifest holds its checksums)...
    engine = await Engine.open(db_path)
    try:
        more = tmp_path / "more.jsonl"
        more.write_text(json.dumps({"title": "Ferry", "text": "The ferry resumed today."}))
        await engine.ingest([more])
        await engine.refresh()
        await engine.save_index()  # ...and saving it again must not trust the empty file
    finally:
        await engine.close()
    assert json.loads(checksums.read_text())
    again = await Engine.open(db_path)
    await again.close()
    assert "rebuilding the index" not in caplog.text


async def rebuilt_after_changing_the_manifest(
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    why: str,
) -> dict[str, Any]:
    """Save the seed's index, change entries of its manifest (`change`, of the manifest
    saved), open again: the index must be rebuilt (the log says `why`), answer as before,
    and be saved whole again. Returns the manifest as first saved."""
    quotes = await saved_seed_index(db_path)
    path = index_dir(db_path) / "manifest.json"
    manifest: dict[str, Any] = json.loads(path.read_text())
    changed = change(manifest)
    path.write_text(json.dumps(manifest | changed))
    reopened = await Engine.open(db_path)
    try:
        assert why in caplog.text
        assert [p.quote for p in (await reopened.ask(QUESTION)).passages] == quotes
    finally:
        await reopened.close()
    saved = json.loads(path.read_text())
    assert {key: saved[key] for key in changed} == {key: manifest[key] for key in changed}
    return manifest


@pytest.mark.parametrize("old", [5, 6])
async def test_an_index_saved_in_an_older_format_is_rebuilt(
    old: int, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Format 6 keeps the forward postings in sentence id order: a folder of format 5 (main
    before it) holds them in length order, whose rows would be read as other sentences',
    and must be rebuilt, not read. Format 7 records whether each doc is dated, which a
    folder of format 6 does not say."""
    manifest = await rebuilt_after_changing_the_manifest(
        db_path,
        caplog,
        lambda manifest: {"format": old},
        "rebuilding the index: manifest of another format",
    )
    assert manifest["format"] == 7


async def test_a_manifest_whose_count_is_not_its_segments_is_rebuilt(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Segments that do not add up to the sentences the manifest counts (a manifest of
    another save) would be trusted with a watermark that skips or repeats sentences."""
    await rebuilt_after_changing_the_manifest(
        db_path,
        caplog,
        lambda manifest: {"sentences": manifest["sentences"] + 1},
        "corrupt index: segment sizes do not add up",
    )


async def test_an_index_made_under_other_token_rules_is_rebuilt(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The signature says how the docs were tokenized and scored: one of other rules would
    answer with the other rules' terms and numbers."""
    await rebuilt_after_changing_the_manifest(
        db_path,
        caplog,
        lambda manifest: {"signature": manifest["signature"].replace("k1=1.5", "k1=0.9")},
        "rebuilding the index: it was made by another version of newsbot, under other rules",
    )


async def test_a_manifest_whose_checksums_are_no_object_is_rebuilt(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A valid JSON manifest of the wrong shape raised an AttributeError: no engine opened."""
    quotes = await saved_seed_index(db_path)
    path = index_dir(db_path) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["segments"] = [entry | {"checksums": []} for entry in manifest["segments"]]
    path.write_text(json.dumps(manifest))
    reopened = await Engine.open(db_path)
    try:
        assert "rebuilding the index: corrupt index" in caplog.text
        assert [p.quote for p in (await reopened.ask(QUESTION)).passages] == quotes
    finally:
        await reopened.close()


def test_segments_merged_away_leave_the_disk_at_the_next_save(tmp_path: Path) -> None:
    """Else the folder grew by a copy of the index at every merge, until the disk was full."""
    folder, index = tmp_path / "news.db.index", Index()
    for i in range(4):
        index.add([(i + 1, f"The harbour crane {i} moved cargo.")])
        save_index(index, folder, "db")
    saved = {p.name for p in folder.iterdir() if p.is_dir()}
    index.compact()
    save_index(index, folder, "db")
    manifest = json.loads((folder / "manifest.json").read_text())
    named = {entry["name"] for entry in manifest["segments"]}
    assert len(saved) == 4 and len(named) < 4
    assert {p.name for p in folder.iterdir() if p.is_dir()} == named


def test_a_failed_save_deletes_its_partial_files_while_it_holds_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleted after the lock was let go, they could be another process's, which had taken
    the lock meanwhile and was writing its own segments."""
    index = Index()
    index.add([(1, "The harbour reopened."), (2, "The ferry resumed.")])
    folder = tmp_path / "news.db.index"
    locked_while_deleting: list[bool] = []
    delete = files._delete_partials

    def failing_save(*args: Any) -> None:
        (folder / "abc.tmp").mkdir()
        raise OSError(errno.ENOSPC, "No space left on device")

    def watched_delete(where: Path) -> None:
        with (where / "lock").open("a") as other:  # another process's open file
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                locked_while_deleting.append(True)
            else:
                fcntl.flock(other, fcntl.LOCK_UN)
                locked_while_deleting.append(False)
        delete(where)

    monkeypatch.setattr(files, "_save_locked", failing_save)
    monkeypatch.setattr(files, "_delete_partials", watched_delete)
    with pytest.raises(IndexWriteError, match="no room"):
        save_index(index, folder, "db")
    assert locked_while_deleting == [True]
    assert not (folder / "abc.tmp").exists()


def _mapped(array: Any) -> bool:
    """Whether an array's memory is a file's, mapped (numpy keeps the map as a base)."""
    while array is not None:
        if isinstance(array, mmap.mmap):
            return True
        array = getattr(array, "base", None)
    return False


def test_a_saved_index_is_served_from_its_files_not_the_heap(tmp_path: Path) -> None:
    """A running bot catching up with other processes' ingests built and merged its
    segments in its heap, and kept them there after each save until a restart: 130 -> 385
    MB of anonymous memory over six ingests of 500 articles, against 148 MB for a bot
    started on the same database, and no bound but the whole index."""
    folder, index = tmp_path / "news.db.index", Index()
    for i in range(4):
        index.add([(2 * i + 1, f"The harbour crane {i} moved cargo."), (2 * i + 2, "Rain.")])
    index.compact()
    before = index.search("harbour crane cargo", 5)
    assert not any(_mapped(s.doc_ids) for s in index.snapshot.segments)
    save_index(index, folder, "db")
    segments = index.snapshot.segments
    assert segments and all(
        _mapped(getattr(s, key)) for s in segments for key in ("doc_ids", "doc_time")
    )
    assert index.search("harbour crane cargo", 5) == before
    index.add([(9, "A second harbour crane.")])  # only what the next save writes is mapped then
    assert [_mapped(s.doc_ids) for s in index.snapshot.segments] == [True, False]


def test_a_segment_hidden_while_it_is_saved_stays_hidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A removal that hides docs after the save took its snapshot makes a new segment: the
    file written from the one before holds them unhidden, and must not replace it."""
    folder, index = tmp_path / "news.db.index", Index()
    index.add([(1, "The harbour crane moved cargo."), (2, "The harbour was closed.")])
    load = Segment.load

    def hidden_meanwhile(path: Path, checksums: dict[str, int]) -> Segment:
        index.hide([1])
        return load(path, checksums)

    monkeypatch.setattr(Segment, "load", staticmethod(hidden_meanwhile))
    save_index(index, folder, "db")
    assert [hit.doc_id for hit in index.search("harbour", 5)] == [2]
