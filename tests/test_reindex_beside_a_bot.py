"""`newsbot reindex` run while another process (a bot) has the database open: the index
saved is the reindex's, whichever process saves last, and it agrees with the database."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import time
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.cli.reindex import REINDEX_NOT_SAVED
from retrieval.corpus.generation import MOVE_ON
from retrieval.engine import Engine
from retrieval.index.files import index_dir
from retrieval.indexing import article_index_dir
from retrieval.models import ArticleDraft
from retrieval.without_index import remove_articles, resplit_articles

from .cli_process import run_newsbot, start_newsbot
from .conftest import run_sql, write_jsonl
from .test_resplit import ARTICLES, AS_OF, ingested_as_before, stored_sentences

LATER = ArticleDraft(
    title="Ferry line adds a night crossing",
    text="The ferry line added a night crossing on Thursday. Tickets go on sale in May.",
    published="2024-11-29",
)


def manifests(db_path: Path) -> tuple[str, str]:
    """The saved manifests of both indexes, as they are on the disk."""
    return (
        (index_dir(db_path) / "manifest.json").read_text(),
        (article_index_dir(db_path) / "manifest.json").read_text(),
    )


def reindexed(db_path: Path) -> str:
    """`newsbot reindex` run as its own process; its output."""
    done = run_newsbot(["--db", str(db_path), "reindex"], db_path.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def opened_afresh(db_path: Path, caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """The sentences and the hidden docs of the sentence index as the next start loads it,
    checked to be loaded as saved, not rebuilt."""
    caplog.clear()
    engine = await Engine.open(db_path)
    try:
        return len(engine.index), engine.index.hidden
    finally:
        await engine.close()
        assert not [r.message for r in caplog.records if "rebuilding" in r.message]


async def test_a_bot_running_through_a_reindex_never_saves_its_older_index_over_it(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot, opened before articles were split again, refreshes (it answers from their
    new sentences) and saves, as it does every few minutes and when it stops: its index,
    which still holds their old sentences, is not written over the reindex's. Every later
    start loads the reindex's as saved; had the bot's replaced it, each would rebuild it,
    the bot saving its own again meanwhile."""
    await asyncio.to_thread(ingested_as_before, db_path, tmp_path)
    caplog.set_level(logging.INFO)
    bot = await Engine.open(db_path)
    try:
        assert (await asyncio.to_thread(reindexed, db_path)).startswith("re-split 4 articles")
        saved = manifests(db_path)
        await bot.refresh()  # the new sentences: more docs in memory, to be saved
        answer = await bot.ask("When did George Bush meet the envoy?", as_of=AS_OF)
        wrote = [await bot.save_index(), await bot.save_index()]  # a periodic save, at stop
        assert manifests(db_path) == saved
        assert wrote == [False, False]
    finally:
        await bot.close()
    stored = stored_sentences(db_path)
    [bush] = [i for i, _, text in stored[1] if "George H.W. Bush met the envoy" in text]
    assert answer.passages[0].sentence_ids == (bush,)
    assert await opened_afresh(db_path, caplog) == (sum(map(len, stored.values())), 0)

    # restarted, the bot saves what it adds again
    bot = await Engine.open(db_path)
    try:
        await bot.add_articles([LATER])
        assert await bot.refresh() == 2
        assert await bot.save_index() is True
    finally:
        await bot.close()
    assert await opened_afresh(db_path, caplog) == (sum(map(len, stored.values())) + 2, 0)


async def test_a_bot_does_not_save_its_index_once_articles_were_split_again(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Re-split by a reindex stopped before it built the indexes: the saved ones are left as
    they were (the next start rebuilds them, once), not replaced by the bot's, whose
    sentences the database no longer holds."""
    await asyncio.to_thread(ingested_as_before, db_path, tmp_path)
    saved = manifests(db_path)
    bot = await Engine.open(db_path)
    try:
        assert (await resplit_articles(db_path)).replaced == 3
        await bot.refresh()
        wrote = await bot.save_index()
    finally:
        await bot.close()
    assert manifests(db_path) == saved
    assert wrote is False


async def test_a_reindex_after_a_removal_is_not_undone_by_a_running_bot(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`newsbot remove`, then `newsbot reindex` to write the index files without the removed
    article's words, while the bot runs: the bot hides the article in memory, goes on
    indexing new articles, and saves; the files keep no doc of the removed article."""
    await asyncio.to_thread(ingested_as_before, db_path, tmp_path)
    await asyncio.to_thread(reindexed, db_path)  # nothing of an older splitter left
    bot = await Engine.open(db_path)
    try:
        assert (await remove_articles(db_path, ["1"])).removed
        await asyncio.to_thread(reindexed, db_path)
        await bot.refresh()  # hides article 1 in memory
        assert bot.index.hidden
        await bot.add_articles([LATER])
        assert await bot.refresh() == 2
        wrote = await bot.save_index()
    finally:
        await bot.close()
    [(stored,)] = run_sql(db_path, "SELECT count(*) FROM sentences")
    assert await opened_afresh(db_path, caplog) == (stored, 0)  # LATER's caught up at load
    assert wrote is False


async def test_a_bot_that_saves_while_a_reindex_writes_waits_and_then_writes_nothing(
    db_path: Path, tmp_path: Path
) -> None:
    """Whether its indexes may be saved is asked under the index folders' lock: a bot that
    asked before and then waited for the reindex to finish writing would put its older
    index over the one just written."""
    source = write_jsonl(tmp_path / "a.jsonl", ARTICLES)
    ingest = ["--db", str(db_path), "ingest", "--quiet", str(source)]
    assert await asyncio.to_thread(main, ingest) == 0
    bot = await Engine.open(db_path)
    try:
        await bot.add_articles([LATER])
        assert await bot.refresh() == 2
        saved = manifests(db_path)
        with (index_dir(db_path) / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # a reindex writing its indexes...
            saving = asyncio.ensure_future(bot.save_index())
            await asyncio.sleep(0.5)
            assert not saving.done()
            run_sql(db_path, MOVE_ON)  # ...and done: the generation moves on, still locked
            fcntl.flock(lock, fcntl.LOCK_UN)
        wrote = await saving
    finally:
        await bot.close()
    assert manifests(db_path) == saved
    assert wrote is False


def waiting_for_lock(pid: int) -> bool:
    """Whether process `pid` waits for a lock (a "->" line of /proc/locks)."""
    return any(
        line.split()[1] == "->" and line.split()[5] == str(pid)
        for line in Path("/proc/locks").read_text().splitlines()
    )


def test_a_reindex_whose_index_may_not_be_saved_says_so_and_fails(
    db_path: Path, tmp_path: Path
) -> None:
    """Another reindex saved first (the generation moved on while this one read): its index
    was not saved, and it printed "indexed N sentences" and exited 0 all the same."""
    source = write_jsonl(tmp_path / "a.jsonl", ARTICLES)
    assert main(["--db", str(db_path), "ingest", "--quiet", str(source)]) == 0
    saved = manifests(db_path)
    with (index_dir(db_path) / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another reindex writing its indexes...
        process = start_newsbot(["--db", str(db_path), "reindex"], tmp_path)
        try:
            deadline = time.monotonic() + 60
            while not waiting_for_lock(process.pid):  # read the database: saving now
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            run_sql(db_path, MOVE_ON)  # ...and done: the generation moves on, still locked
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "indexed" not in out
    assert err.rstrip().endswith(f"newsbot reindex: {REINDEX_NOT_SAVED}")
    assert manifests(db_path) == saved
