"""When the disk says no: a full disk, a read-only index folder, a file where the index goes.

Every command says what happened and what to do, without a traceback; articles committed
before stay; commands that only read (stats, ask, digest) answer from the database with an
index built in memory, and a warning says so.

A full disk is a small tmpfs, mounted in a user and mount namespace of the test's own
(`unshare`), where the kernel allows one; RLIMIT_FSIZE, which makes writes past a size fail
(EFBIG) as a full disk does, runs everywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from retrieval.corpus.schema import MIGRATIONS
from retrieval.corpus.storage_faults import storage_fault
from retrieval.engine import Engine
from retrieval.index.files import index_dir
from tests.cli_process import clean_env, run_newsbot
from tests.feed_server import FeedServer, Route

from .conftest import SEEDS, unavailable

QUESTION = "Where did the joint exercise begin?"
ANSWER = "Aslanduz"


def harbour_corpus(path: Path, articles: int = 300) -> Path:
    """Articles enough that their index needs tens of KB (their text, a few hundred)."""
    with path.open("w") as fh:
        for i in range(articles):
            text = " ".join(
                f"The harbour{i} crane{j} moved cargo number {i * 7 + j} on pier {j}."
                for j in range(20)
            )
            fh.write(json.dumps({"title": f"Harbour report {i}", "text": text}) + "\n")
    return path


def namespaces_work() -> str | None:
    """None if this machine lets a test mount a tmpfs of its own, else why not."""
    if shutil.which("unshare") is None:
        return "no unshare command (util-linux)"
    try:
        done = subprocess.run(
            [
                "unshare",
                "--user",
                "--map-root-user",
                "--mount",
                "sh",
                "-c",
                "mount -t tmpfs -o size=16k tmpfs /mnt",
            ],  # fmt: skip
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError as exc:
        return str(exc)
    return None if done.returncode == 0 else done.stderr.strip() or "unshare failed"


def in_namespace(tmp_path: Path, script: str) -> dict[str, tuple[int, str, str]]:
    """Run `script` (sh, in tmp_path) in a user+mount namespace where it may mount file
    systems. `newsbot STEP ARGS` in it runs newsbot and records exit status and output
    under STEP; returns them."""
    why = namespaces_work()
    if why is not None:
        unavailable(
            f"cannot mount a small file system here ({why}); test_*_rlimit cover the full disk",
            "CI must run the disk tests, in a kernel that allows user namespaces",
        )
    runner = f'{sys.executable} -m bot.cli "$@"'
    prelude = (
        'newsbot() { step=$1; shift; rc=0; python_newsbot "$@" >"out/$step.out"'
        ' 2>"out/$step.err" || rc=$?; echo $rc >"out/$step.rc"; }\n'
        f"python_newsbot() {{ {runner}; }}\n"
        "mkdir -p out\n"
    )
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-ec", prelude + script],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    results = {}
    for rc in (tmp_path / "out").glob("*.rc"):
        step = rc.stem
        out, err = (tmp_path / "out" / f"{step}.{kind}" for kind in ("out", "err"))
        results[step] = (int(rc.read_text()), out.read_text(), err.read_text())
    return results


def with_db_read_only(tmp_path: Path, script: str) -> dict[str, tuple[int, str, str]]:
    """`in_namespace(script)` with the folder db/ (the database and its files) mounted
    read-only, as a snapshot or another user's folder is."""
    return in_namespace(tmp_path, "mount --bind db db\nmount -o remount,bind,ro db\n" + script)


def assert_clear(err: str) -> None:
    assert "Traceback" not in err and "Error:" not in err, err


def test_a_full_disk_under_the_index_keeps_every_command_working(tmp_path: Path) -> None:
    harbour_corpus(tmp_path / "corpus.jsonl")
    (tmp_path / "news.db.index").mkdir()
    steps = in_namespace(
        tmp_path,
        f"""
        mount -t tmpfs -o size=16k tmpfs news.db.index
        newsbot ingest ingest --quiet --db news.db {SEEDS} corpus.jsonl
        newsbot stats stats --db news.db
        newsbot ask ask --db news.db "{QUESTION}" --limit 2
        newsbot digest digest --db news.db --since 2024-11-24 --until 2024-11-26
        newsbot reindex reindex --db news.db
        """,
    )
    rc, out, err = steps["ingest"]
    assert rc == 1 and "added 301 articles" in out  # the summary, then the problem
    assert "cannot save the index in news.db.index: there is no room for it" in err
    assert "Free some space there; the articles are safe in the database" in err
    assert_clear(err)
    for step in ("stats", "ask", "digest"):
        rc, out, err = steps[step]
        assert rc == 0, err
        assert_clear(err)
    # ask builds the index in memory and says why it is not saved; stats and digest read
    # the database alone
    assert "no room for it" in steps["ask"][2] and "built in memory" in steps["ask"][2]
    assert "articles:   301" in steps["stats"][1]
    assert ANSWER in steps["ask"][1]
    assert "joint border exercises" in steps["digest"][1]
    rc, out, err = steps["reindex"]  # writing the index is its whole job: that fails
    assert rc == 1 and "newsbot reindex: cannot save the index" in err
    assert_clear(err)


def test_a_reindex_that_cannot_save_leaves_the_saved_index_as_it_was(tmp_path: Path) -> None:
    """The new index is built beside the saved one, which it replaces whole. The saved one
    was deleted first: where the new one did not fit either (it had grown since), there was
    no index left, and every start built one in memory."""
    harbour_corpus(tmp_path / "corpus.jsonl")
    with (tmp_path / "more.jsonl").open("w") as fh:
        for i in range(300):
            text = " ".join(f"The river{i} barge{j} carried grain lot {i + j}." for j in range(20))
            fh.write(json.dumps({"title": f"River report {i}", "text": text}) + "\n")
    (tmp_path / "disk").mkdir()
    (tmp_path / "news.db.index").symlink_to("disk/index")  # the filler beside, not in it
    steps = in_namespace(
        tmp_path,
        f"""
        mount -t tmpfs -o size=2m tmpfs disk
        mkdir disk/index
        newsbot ingest ingest --quiet --db news.db {SEEDS} corpus.jsonl
        cat news.db.index/manifest.json > out/before.json
        dd if=/dev/zero of=disk/filler bs=4k 2>/dev/null || true
        newsbot more ingest --quiet --db news.db more.jsonl
        newsbot reindex reindex --db news.db
        cat news.db.index/manifest.json > out/after.json || true
        newsbot ask ask --db news.db "{QUESTION}" --limit 2
        """,
    )
    assert steps["ingest"][0] == 0, steps["ingest"]
    assert steps["more"][0] == 1 and "added 300 articles" in steps["more"][1]
    rc, out, err = steps["reindex"]
    assert rc == 1 and "cannot save the index in news.db.index: there is no room" in err
    assert "The index saved before is kept until a new one replaces it whole" in err
    assert_clear(err)
    out_dir = tmp_path / "out"
    before, after = ((out_dir / f"{name}.json").read_text() for name in ("before", "after"))
    assert json.loads(before)["sentences"] > 0 and after == before
    rc, out, err = steps["ask"]  # the saved index, caught up in memory: not rebuilt
    assert rc == 0 and ANSWER in out, err
    assert "rebuilding" not in err and "no room for it" in err


def test_a_full_disk_under_the_database_loses_no_committed_article(tmp_path: Path) -> None:
    """The ingest stops with what to do; what was stored is read after, though SQLite has no
    room for the -shm file it makes beside a WAL database to read it (stats, ask and digest
    failed with "disk I/O error"): with no writer at work, it is read as it is."""
    harbour_corpus(tmp_path / "corpus.jsonl")
    (tmp_path / "db").mkdir()
    steps = in_namespace(
        tmp_path,
        f"""
        mount -t tmpfs -o size=1200k tmpfs db
        newsbot seed ingest --quiet --db db/news.db {SEEDS}
        newsbot full ingest --quiet --db db/news.db corpus.jsonl
        dd if=/dev/zero of=db/filler bs=4k 2>/dev/null || true
        newsbot stats stats --db db/news.db
        newsbot ask ask --db db/news.db "{QUESTION}" --limit 2
        newsbot digest digest --db db/news.db --since 2024-11-24 --until 2024-11-26
        """,
    )
    assert steps["seed"][0] == 0, steps["seed"]
    rc, out, err = steps["full"]
    assert rc == 1
    assert "added 0 articles" in out  # the summary still comes
    assert "newsbot ingest: stopped early: the disk holding the database is full" in err
    assert "run the same ingest again" in err
    assert err.count("\n") < 5  # one reason, not a failure per article
    assert_clear(err)
    for step in ("stats", "ask", "digest"):
        rc, out, err = steps[step]
        assert rc == 0, err
        assert_clear(err)
    assert "articles:   1\n" in steps["stats"][1]
    assert ANSWER in steps["ask"][1]
    assert "joint border exercises" in steps["digest"][1]


def test_a_database_on_a_full_disk_is_refused_naming_the_full_disk(tmp_path: Path) -> None:
    """With no byte free, SQLite cannot make the -shm file it needs to open a WAL database,
    and said only "disk I/O error": the README promises a full disk is named as the
    reason."""
    (tmp_path / "db").mkdir()
    # room for the seeding to close whole (its -wal, the migrations' and the seed's, written
    # back and removed, with the -shm): a disk that fills during it leaves the -shm, and
    # the next open needs none
    steps = in_namespace(
        tmp_path,
        f"""
        mount -t tmpfs -o size=2400k tmpfs db
        newsbot seed ingest --quiet --db db/news.db {SEEDS}
        dd if=/dev/zero of=db/filler bs=4k 2>/dev/null || true
        newsbot ingest ingest --quiet --db db/news.db {SEEDS}
        newsbot add feeds add --db db/news.db https://example.org/feed.rss
        """,
    )
    assert steps["seed"][0] == 0, steps["seed"]
    for step in ("ingest", "add"):
        rc, out, err = steps[step]
        assert rc == 1, err
        assert err == (
            f"newsbot {'ingest' if step == 'ingest' else 'feeds add'}: cannot use database "
            "'db/news.db': no space left on the device holding "
            f"{tmp_path / 'db'} (0 bytes free): free some and run again\n"
        )


def test_a_read_only_index_folder_is_read_and_not_written(tmp_path: Path) -> None:
    assert (
        run_newsbot(["ingest", "--quiet", "--db", "news.db", str(SEEDS)], tmp_path).returncode == 0
    )
    harbour_corpus(tmp_path / "corpus.jsonl", articles=3)
    steps = in_namespace(
        tmp_path,
        f"""
        mount --bind news.db.index news.db.index
        mount -o remount,bind,ro news.db.index
        newsbot ask_saved ask --db news.db "{QUESTION}" --limit 2
        newsbot ingest ingest --quiet --db news.db corpus.jsonl
        newsbot ask ask --db news.db "harbour1 crane3" --limit 1
        """,
    )
    rc, out, err = steps["ask_saved"]  # the saved index loads: nothing to write, no warning
    assert rc == 0 and ANSWER in out and not err.strip()
    rc, out, err = steps["ingest"]
    assert rc == 1 and "added 3 articles" in out
    assert "cannot save the index in news.db.index: Read-only file system" in err
    assert "Let the user running newsbot write there" in err
    assert_clear(err)
    rc, out, err = steps["ask"]  # the new articles, from the index caught up in memory
    assert rc == 0 and "harbour1 crane3" in out and "built in memory" in err


def test_a_database_in_a_read_only_folder_is_read_and_never_written(tmp_path: Path) -> None:
    """A snapshot on a read-only mount: SQLite in WAL mode writes beside the database even to
    read, so stats, ask and digest failed ("attempt to write a readonly database"). They now
    read it as it is; the commands that write say so before they start, and reindex keeps
    the index it could not rebuild."""
    (tmp_path / "db").mkdir()
    db = "db/news.db"
    assert run_newsbot(["ingest", "--quiet", "--db", db, str(SEEDS)], tmp_path).returncode == 0
    harbour_corpus(tmp_path / "corpus.jsonl", articles=3)
    assert run_newsbot(["ingest", "--quiet", "--db", db, "corpus.jsonl"], tmp_path).returncode == 0
    shutil.rmtree(tmp_path / "db" / "news.db.articles.index")  # stale: rebuilt in memory
    assert not (tmp_path / "db" / "news.db-wal").exists()  # no writer: read as it is
    steps = with_db_read_only(
        tmp_path,
        f"""
        newsbot stats stats --db {db}
        newsbot ask ask --db {db} "{QUESTION}" --limit 2
        newsbot digest digest --db {db} --since 2024-11-24 --until 2024-11-26
        newsbot feeds feeds list --db {db}
        newsbot backup backup --db {db} copy.db
        newsbot ingest ingest --db {db} corpus.jsonl
        newsbot add feeds add --db {db} http://127.0.0.1:9/feed.xml
        newsbot reindex reindex --db {db}
        """,
    )
    for step in ("stats", "ask", "digest", "feeds", "backup"):
        rc, out, err = steps[step]
        assert rc == 0, err
        assert_clear(err)
    assert "articles:   4" in steps["stats"][1]
    assert steps["backup"][1].startswith("backed up 4 articles to copy.db")
    assert ANSWER in steps["ask"][1]
    assert "Read-only file system" in steps["ask"][2] and "built in memory" in steps["ask"][2]
    assert "joint border exercises" in steps["digest"][1]
    assert "no feeds yet" in steps["feeds"][1]
    for step in ("ingest", "add", "reindex"):
        rc, out, err = steps[step]
        assert rc == 1 and "is read-only for this user" in err, err
        assert "this command writes to it" in err
        assert_clear(err)
    assert sorted(p.name for p in (tmp_path / "db" / "news.db.index").iterdir())  # kept
    assert not (tmp_path / "db" / "news.db-wal").exists()


def test_a_new_database_or_backup_in_a_read_only_folder_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    """A database or a backup to make in a folder this user cannot write (a read-only
    mount: root, which runs CI, writes past a chmod): there is no database there yet for
    `read_only_uri` to look at, and the file newsbot made first raised a traceback of 43
    lines. One line now names the folder and why."""
    (tmp_path / "db").mkdir()
    seeded = run_newsbot(["ingest", "--quiet", "--db", "news.db", str(SEEDS)], tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    steps = with_db_read_only(
        tmp_path,
        f"""
        newsbot ingest ingest --db db/new.db {SEEDS}
        newsbot add feeds add --db db/new.db --no-check http://127.0.0.1:9/feed.xml
        newsbot backup backup --db news.db db/copy.db
        """,
    )
    cannot = f"in {tmp_path.resolve() / 'db'}: Read-only file system: let this user write there"
    new_db = f"cannot make database 'db/new.db' {cannot}, or name another with --db or NEWSBOT_DB"
    expected = {
        "ingest": new_db,
        "add": new_db,
        "backup": f"cannot write the backup db/copy.db {cannot}, or name another file",
    }
    for step, said in expected.items():
        rc, out, err = steps[step]
        command = "feeds add" if step == "add" else step
        assert (rc, out, err) == (1, "", f"newsbot {command}: {said}\n")
    assert not any((tmp_path / "db").iterdir())


WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA wal_autocheckpoint = 0")  # the change stays in the -wal file
conn.execute("UPDATE articles SET title = 'Retitled by a writer' WHERE id = 1")
open(sys.argv[2], "w").close()
time.sleep(60)
"""


def while_a_writer_is_at_work(tmp_path: Path, script: str) -> dict[str, tuple[int, str, str]]:
    """`in_namespace(script)` on a seeded db/news.db while another process holds a change to
    it in its -wal file, uncheckpointed."""
    (tmp_path / "db").mkdir()
    made = run_newsbot(["ingest", "--quiet", "--db", "db/news.db", str(SEEDS)], tmp_path)
    assert made.returncode == 0, made.stderr
    (tmp_path / "writer.py").write_text(WRITER)
    return in_namespace(
        tmp_path,
        f"""
        {sys.executable} writer.py db/news.db ready & writer=$!
        while [ ! -e ready ]; do sleep 0.05; done
        {script}
        kill $writer
        """,
    )


def test_a_read_only_database_with_a_writer_at_work_reads_its_log(tmp_path: Path) -> None:
    """Another user's bot writing a database this user may only read: what it committed is in
    its -wal file, which a read-only reader must see, not the main file alone."""
    steps = while_a_writer_is_at_work(
        tmp_path,
        f"""
        mount --bind db db
        mount -o remount,bind,ro db
        newsbot ask ask --db db/news.db "{QUESTION}" --limit 1
        """,
    )
    rc, out, err = steps["ask"]
    assert rc == 0, err
    assert ANSWER in out and "Retitled by a writer" in out


def test_a_read_only_database_with_a_writer_at_work_is_backed_up_with_its_log(
    tmp_path: Path,
) -> None:
    """`newsbot backup` of a database another user's bot writes: what it committed is in its
    -wal file, and in the copy."""
    steps = while_a_writer_is_at_work(
        tmp_path,
        """
        mount --bind db db
        mount -o remount,bind,ro db
        newsbot backup backup --db db/news.db copy.db
        """,
    )
    rc, out, err = steps["backup"]
    assert rc == 0 and out.startswith("backed up 1 article to copy.db"), err
    with contextlib.closing(sqlite3.connect(tmp_path / "copy.db")) as copy:
        assert copy.execute("SELECT title FROM articles").fetchall() == [("Retitled by a writer",)]


def test_a_read_only_copy_with_its_log_but_not_its_shm_says_what_to_copy(
    tmp_path: Path,
) -> None:
    """A copy of a database and its -wal, without the -shm file SQLite reads the log
    through: in a read-only folder it cannot be read, and it said "not a newsbot database";
    `backup` said only "unable to open database file"."""
    (tmp_path / "copy").mkdir()
    steps = while_a_writer_is_at_work(
        tmp_path,
        """
        cp db/news.db db/news.db-wal copy/
        mount --bind copy copy
        mount -o remount,bind,ro copy
        newsbot stats stats --db copy/news.db
        newsbot backup backup --db copy/news.db backup.db
        """,
    )
    for step in ("stats", "backup"):
        rc, out, err = steps[step]
        assert rc == 1 and "not a newsbot database" not in err
        assert "needs its -shm file readable beside it; copy the database with both" in err
        assert_clear(err)
    assert not (tmp_path / "backup.db").exists()


def test_an_empty_read_only_database_is_not_seeded(tmp_path: Path) -> None:
    """`ask` on an empty database seeds it; read-only, the seeding failed, and it said it had
    ingested the seeds (added 0) and that nothing matched, not why."""
    (tmp_path / "db").mkdir()
    made = run_newsbot(
        ["feeds", "add", "--no-check", "--db", "db/news.db", "https://example.org/feed.rss"],
        tmp_path,
    )
    assert made.returncode == 0, made.stderr  # a newsbot database with no article
    steps = with_db_read_only(
        tmp_path,
        f"""
        newsbot ask ask --db db/news.db "{QUESTION}"
        """,
    )
    rc, out, err = steps["ask"]
    assert "the database is empty, and it can only be read here" in err
    assert "ingested the seeds" not in err
    assert_clear(err)


def test_a_read_only_database_of_an_older_schema_is_refused_clearly(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    db = "db/news.db"
    assert run_newsbot(["ingest", "--quiet", "--db", db, str(SEEDS)], tmp_path).returncode == 0
    with contextlib.closing(sqlite3.connect(tmp_path / db)) as conn, conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = ?", (MIGRATIONS[-1].version,))
    steps = with_db_read_only(
        tmp_path,
        f"""
        newsbot stats stats --db {db}
        """,
    )
    rc, out, err = steps["stats"]
    assert rc == 1 and "it can only be read here (no right to write there, or no room)" in err
    assert "run any newsbot command on it once where it can be written" in err
    assert_clear(err)


def test_a_file_where_the_index_goes_is_named_with_what_to_do(
    db_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    index_dir(db_path).write_text("not a folder")
    assert main(["ingest", "--quiet", "--db", str(db_path), str(SEEDS)]) == 1
    out, err = capsys.readouterr()
    assert "added 1 article (" in out
    assert "it is a file, and the index is a folder beside the database" in err
    assert "Move that file away" in err
    caplog.clear()
    assert main(["ask", "--db", str(db_path), QUESTION]) == 0
    assert ANSWER in capsys.readouterr().out and "built in memory" in caplog.text
    assert main(["stats", "--db", str(db_path)]) == 0
    assert "articles:   1" in capsys.readouterr().out
    assert main(["reindex", "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert "Move that file away" in err and "needs room" not in err  # room is not the matter
    assert index_dir(db_path).read_text() == "not a folder"  # never deleted


def test_an_index_past_the_file_size_limit_rlimit(tmp_path: Path) -> None:
    harbour_corpus(tmp_path / "corpus.jsonl")
    made = run_newsbot(["ingest", "--quiet", "--db", "news.db", "corpus.jsonl"], tmp_path)
    assert made.returncode == 0, made.stderr
    shutil.rmtree(index_dir(tmp_path / "news.db"))
    # Every file this process writes is cut at 32 KiB (EFBIG): the index's largest arrays
    # do not fit; the database, already written, is only read.
    asked = run_newsbot(
        ["ask", "--db", "news.db", "harbour7 crane3", "--limit", "1"], tmp_path, file_size=32 << 10
    )
    assert asked.returncode == 0 and "Harbour report 7" in asked.stdout
    assert "there is no room for it (File too large)" in asked.stderr
    assert_clear(asked.stderr)
    assert not list(index_dir(tmp_path / "news.db").glob("*.tmp"))  # the partial save is gone


def test_a_database_past_the_file_size_limit_stops_the_ingest_rlimit(tmp_path: Path) -> None:
    made = run_newsbot(["ingest", "--quiet", "--db", "news.db", str(SEEDS)], tmp_path)
    assert made.returncode == 0, made.stderr
    harbour_corpus(tmp_path / "corpus.jsonl")
    full = run_newsbot(
        ["ingest", "--quiet", "--db", "news.db", "corpus.jsonl"], tmp_path, file_size=64 << 10
    )
    assert full.returncode == 1 and "added 0 articles" in full.stdout
    assert "newsbot ingest: stopped early: the database cannot be written" in full.stderr
    assert_clear(full.stderr)
    stats = run_newsbot(["stats", "--db", "news.db"], tmp_path)
    assert stats.returncode == 0 and "articles:   1\n" in stats.stdout


def test_a_poll_past_the_file_size_limit_stops_with_what_to_do_rlimit(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """`feeds poll` on a full disk ended in an OperationalError traceback."""
    items = "".join(
        f"<item><title>Harbour report {n}</title><guid>h-{n}</guid>"
        f"<description>{' '.join(f'The crane{n}x{j} moved cargo {j}.' for j in range(200))}"
        "</description></item>"
        for n in range(60)
    )
    rss = f'<rss version="2.0"><channel><title>Harbour</title>{items}</channel></rss>'
    feed_server.routes["/big.rss"] = Route(body=rss.encode(), content_type="application/rss+xml")
    env = clean_env(NEWSBOT_ALLOW_PRIVATE_URLS="1")
    added = run_newsbot(
        ["feeds", "add", "--no-check", "--db", "news.db", feed_server.url("/big.rss")],
        tmp_path,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    full = run_newsbot(
        ["feeds", "poll", "--quiet", "--db", "news.db"], tmp_path, env=env, file_size=64 << 10
    )
    assert full.returncode == 1
    assert "newsbot feeds poll: stopped early: the database cannot be written" in full.stderr
    assert "poll again: the entries stored are not fetched again" in full.stderr
    assert_clear(full.stderr)
    again = run_newsbot(["feeds", "poll", "--db", "news.db"], tmp_path, env=env)
    assert again.returncode == 0 and "60 articles added" in again.stdout, again.stdout


async def _empty_database(path: Path) -> None:
    engine = await Engine.open(path)
    await engine.close()


@pytest.mark.parametrize("articles", [1, 8])
def test_seeds_past_the_file_size_limit_are_not_stored_and_said_so_rlimit(
    tmp_path: Path, articles: int
) -> None:
    """Seeding is one write transaction, so that of two first runs at once one seeds and
    the other finds its seeds. On a full disk, the write of one article fails at its
    COMMIT, where SQLite writes the pages; that of eight fails midway, as SQLite spills its
    cache, rolling all of it back, and the COMMIT after it failed. Each was a traceback:
    now nothing of the seeds is kept, and the fault is said as before."""
    asyncio.run(_empty_database(tmp_path / "news.db"))  # made, to know its size
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    with (seeds / "big.jsonl").open("w") as fh:
        for n in range(articles):
            text = " ".join(f"The harbour{n} crane {i} moved cargo {i % 9}." for i in range(9000))
            fh.write(json.dumps({"title": f"Big {n}", "text": text}) + "\n")
    # an article's pages, some 1 MB, are past what the WAL may grow to
    limit = (tmp_path / "news.db").stat().st_size + (8 << 10)
    env = clean_env(NEWSBOT_SEEDS=str(seeds))
    asked = run_newsbot(
        ["ask", "--db", "news.db", "harbour crane"], tmp_path, env=env, file_size=limit
    )
    assert asked.returncode == 0, asked.stderr
    assert "ingested the seeds from" in asked.stderr and "(added 0 articles" in asked.stderr
    assert "the database cannot be written" in asked.stderr
    assert asked.stderr.rstrip().endswith(
        "the corpus is still empty, ingest some articles (newsbot ingest PATH)"
    )
    assert_clear(asked.stderr)
    with contextlib.closing(sqlite3.connect(tmp_path / "news.db")) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)


@pytest.mark.parametrize(
    ("code", "advice"),
    [
        (sqlite3.SQLITE_FULL, "free some space, and run the same ingest again"),
        (sqlite3.SQLITE_READONLY, "make it and its folder writable by this user, and run"),
    ],
)
def test_a_stopped_ingest_says_what_to_fix_for_its_cause(code: int, advice: str) -> None:
    """A read-only database was told to "fix that (free some space)"."""
    exc = sqlite3.OperationalError("attempt to write")
    exc.sqlite_errorcode = code
    said = storage_fault(exc)
    assert said is not None and advice in said
    assert "free some space" not in said or code == sqlite3.SQLITE_FULL
