"""`newsbot backup`: a consistent copy of the database while another process writes it."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli.main import main
from retrieval.corpus.records import size_text

from .conftest import run_sql

QUESTION = "Where did the joint exercise begin?"


def test_a_backup_holds_what_a_writer_keeps_in_the_log(
    seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the bot running, `cp newsbot.db` missed what its -wal file held: the copy is of
    the database as its writers see it, and one file, with no log to keep beside it."""
    with closing(sqlite3.connect(seeded_db, isolation_level=None)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # the change stays in the -wal file
        writer.execute("UPDATE articles SET title = 'Retitled by a writer' WHERE id = 1")
        shutil.copy(seeded_db, tmp_path / "plain.db")  # what the README suggested missed it
        assert run_sql(tmp_path / "plain.db", "SELECT title FROM articles") != [
            ("Retitled by a writer",)
        ]
        copy = tmp_path / "backup.db"
        assert main(["--db", str(seeded_db), "backup", str(copy)]) == 0
    out, err = capsys.readouterr()
    assert out == (
        f"backed up 1 article to {copy} ({size_text(copy.stat().st_size)}); the index is rebuilt "
        "from it where it is restored\n"
    )
    assert err == ""
    assert run_sql(copy, "SELECT title FROM articles") == [("Retitled by a writer",)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("backup", ".b"))) == [
        "backup.db"
    ]


def test_a_restored_backup_alone_is_answered_from_an_index_rebuilt(
    seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    restored = tmp_path / "restored" / "news.db"
    restored.parent.mkdir()
    assert main(["--db", str(seeded_db), "backup", str(restored)]) == 0
    capsys.readouterr()
    assert main(["--db", str(restored), "ask", QUESTION, "--limit", "1"]) == 0
    assert "Aslanduz" in capsys.readouterr().out


def test_a_backup_replaces_a_file_only_when_told(
    seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "backup.db"
    copy.write_text("last week's backup")
    assert main(["--db", str(seeded_db), "backup", str(copy)]) == 1
    assert capsys.readouterr() == (
        "",
        f"newsbot backup: {copy} exists: name another file, or add --force to replace it\n",
    )
    assert copy.read_text() == "last week's backup"
    assert main(["--db", str(seeded_db), "backup", "--force", str(copy)]) == 0
    assert run_sql(copy, "SELECT COUNT(*) FROM articles") == [(1,)]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("news.db", "{target} is the database itself: name another file"),
        ("nowhere/copy.db", "no folder {folder} for the backup {target}: make it first"),
        (".", "{target} is a folder: name the backup's file"),
    ],
)
def test_a_backup_where_it_cannot_go_says_why(
    seeded_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    target: str,
    message: str,
) -> None:
    where = tmp_path / target
    args = ["--db", str(seeded_db), "backup", "--force", str(where)]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(
        "newsbot backup: " + message.format(target=where, folder=where.parent)
    )
    assert run_sql(seeded_db, "SELECT COUNT(*) FROM articles") == [(1,)]


def bound_socket(path: Path) -> None:
    """A Unix socket's file at `path`, left there as a server's is."""
    with closing(socket.socket(socket.AF_UNIX)) as sock:
        sock.bind(str(path))


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize(
    ("kind", "make"), [("a named pipe", os.mkfifo), ("a socket", bound_socket)]
)
def test_a_backup_onto_what_is_not_a_file_is_refused(
    seeded_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    force: list[str],
    kind: str,
    make: Callable[[Path], None],
) -> None:
    """With --force, a backup was renamed over a device, a pipe or a socket as over a file:
    `backup /dev/full --force` made the device a SQLite file. Not a file, it is refused, with
    --force or not (it would only be refused after)."""
    where = tmp_path / "special"
    make(where)
    assert main(["--db", str(seeded_db), "backup", *force, str(where)]) == 1
    assert capsys.readouterr() == (
        "",
        f"newsbot backup: {where} is {kind}, not a file: name the backup's file\n",
    )
    assert not stat.S_ISREG(where.stat().st_mode)
    assert not list(tmp_path.glob(".special*"))  # no partial copy begun


@pytest.mark.parametrize(("database", "backup"), [(0o600, 0o600), (0o644, 0o600), (0o400, 0o400)])
def test_a_backup_is_readable_by_no_more_than_its_database(
    seeded_db: Path, tmp_path: Path, database: int, backup: int
) -> None:
    """A backup of a 0600 database was 0644 under umask 022: feed credentials, the query log
    with its askers' ids, readable by every user of the machine. A copy has its database's
    mode, at most 0600, and one it replaces (--force) leaves no looser mode behind."""
    copy = tmp_path / "backup.db"
    copy.write_bytes(b"")
    copy.chmod(0o644)
    seeded_db.chmod(database)
    before = os.umask(0o022)
    try:
        assert main(["--db", str(seeded_db), "backup", "--force", str(copy)]) == 0
    finally:
        os.umask(before)
    assert oct(copy.stat().st_mode & 0o777) == oct(backup)


SECRET = "wombatsecret question"


def test_a_backup_holds_no_text_deleted_before_it(seeded_db: Path, tmp_path: Path) -> None:
    """A build of SQLite that does not overwrite deletions (python.org's, macOS's, Alpine's),
    or a newsbot before it asked for that, left a deleted row's text in a free page, or in
    the free space of a page still in use: a backup copied every page, and the text with it."""
    with closing(sqlite3.connect(seeded_db, isolation_level=None)) as old_build:
        old_build.execute("PRAGMA secure_delete = OFF")
        for many in (1, 400):  # in a page kept, then in pages freed
            old_build.executemany(
                "INSERT INTO query_log (question, results, elapsed_ms, created_ts)"
                " VALUES (?, 1, 2.0, strftime('%s'))",
                [(f"{SECRET} {n}",) for n in range(many)],
            )
            old_build.execute("DELETE FROM query_log WHERE question LIKE 'wombat%'")
        old_build.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() in seeded_db.read_bytes()
    copy = tmp_path / "backup.db"
    assert main(["--db", str(seeded_db), "backup", str(copy)]) == 0
    assert SECRET.encode() not in copy.read_bytes()
    assert run_sql(copy, "PRAGMA freelist_count") == [(0,)]
    assert run_sql(copy, "SELECT COUNT(*) FROM articles") == [(1,)]


def test_a_backup_forgetting_expired_questions_is_written_without_their_pages(
    seeded_db: Path, tmp_path: Path
) -> None:
    """The questions past NEWSBOT_KEEP_DAYS, forgotten in the copy, left their pages in it,
    zeroed and free: a copy as large as if it held them."""
    with closing(sqlite3.connect(seeded_db, isolation_level=None)) as bot:
        bot.executemany(
            "INSERT INTO query_log (question, results, elapsed_ms, created_ts)"
            " VALUES (?, 1, 2.0, strftime('%s') - 91 * 86400)",
            [(f"{SECRET} {n}",) for n in range(400)],
        )
    copy = tmp_path / "backup.db"
    assert main(["--db", str(seeded_db), "backup", str(copy)]) == 0
    assert run_sql(copy, "SELECT COUNT(*) FROM query_log") == [(0,)]
    assert run_sql(copy, "PRAGMA freelist_count") == [(0,)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("backup", ".b"))) == [
        "backup.db"
    ]


# A process writing a copy of a newsbot database killed midway: its pages changed, their old
# contents in a journal
_KILLED_MIDWAY = """
import os, sqlite3, sys
copy = sqlite3.connect(sys.argv[1], isolation_level=None)
copy.execute("PRAGMA cache_size = 2")  # the change spills into the file, the journal hot
copy.execute("CREATE TABLE schema_migrations (version)")
copy.execute("CREATE TABLE meta (key, value)")
copy.execute("INSERT INTO meta VALUES ('database_id', 'a1b2')")
copy.execute("CREATE TABLE articles (x)")
copy.executemany("INSERT INTO articles VALUES (?)", [("old copy " * 60,)] * 400)
copy.execute("BEGIN")
copy.execute("UPDATE articles SET x = 'changed ' || x")
os._exit(9)
"""


def test_a_backup_stopped_midway_leaves_no_copy_for_ever(seeded_db: Path, tmp_path: Path) -> None:
    """A backup killed as it wrote its copy left the partial copy, and the journal beside it,
    for the next backup to that file to delete: a copy named by its date is never made
    again, so a hidden copy of the database (expired questions and all) stayed for ever.
    One a backup is writing now (written within STALE_PARTIAL_S) is left to it."""
    killed = {name: tmp_path / f".{name}.partial" for name in ("news-06-03.db", "backup.db")}
    for partial in killed.values():
        subprocess.run([sys.executable, "-c", _KILLED_MIDWAY, str(partial)], check=False)
        assert Path(f"{partial}-journal").exists()
    two_days_ago = time.time() - 2 * 86400
    os.utime(killed["news-06-03.db"], (two_days_ago, two_days_ago))
    at_work = tmp_path / ".news-06-04.db.partial"
    at_work.write_bytes(b"")
    copy = tmp_path / "backup.db"
    assert main(["--db", str(seeded_db), "backup", str(copy)]) == 0
    assert run_sql(copy, "SELECT COUNT(*) FROM articles") == [(1,)]
    assert run_sql(copy, "PRAGMA integrity_check") == [("ok",)]
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.name.startswith(("backup", ".b", ".n"))
    ) == [
        ".news-06-04.db.partial",
        "backup.db",
    ]


def test_a_backup_leaves_other_programs_partial_files(seeded_db: Path, tmp_path: Path) -> None:
    """A backup deleted every hidden `.partial` file a day old in its folder that was a
    SQLite file or empty, with what was beside it: another program's too (a photo
    library's half-downloaded database, an upload's placeholder). Only a copy of a newsbot
    database is deleted now."""
    folder = tmp_path / "backups"
    folder.mkdir()
    others = {
        ".notes.partial": b"my notes",
        ".upload.partial": b"",  # an empty placeholder another tool keeps
        ".photos.sqlite.partial-journal": b"journal",
        ".photos.sqlite.partial.compact": b"other",
    }
    photos = folder / ".photos.sqlite.partial"
    with closing(sqlite3.connect(photos)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES ('other app data')")
        conn.commit()
    for name, data in others.items():
        (folder / name).write_bytes(data)
    two_days_ago = time.time() - 2 * 86400
    for path in folder.glob(".*partial*"):
        os.utime(path, (two_days_ago, two_days_ago))
    assert main(["--db", str(seeded_db), "backup", str(folder / "news.db")]) == 0
    for name, data in others.items():
        assert (folder / name).read_bytes() == data
    assert run_sql(photos, "SELECT x FROM t") == [("other app data",)]


def test_a_backups_path_is_printed_escaped_and_its_error_on_one_line(
    seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path from a variable may hold what a terminal obeys (ESC) or a line break: printed
    as escapes, as a byte that does not decode is, on stdout as on stderr."""
    copy = tmp_path / "copy\x1b[2K\n.db"
    assert main(["--db", str(seeded_db), "backup", str(copy)]) == 0
    assert f"to {tmp_path}/copy\\x1b[2K\\n.db (" in capsys.readouterr().out
    assert copy.is_file()
    assert main(["--db", str(seeded_db), "backup", str(copy)]) == 1
    out, err = capsys.readouterr()
    assert err == (
        f"newsbot backup: "
        f"{tmp_path}/copy\\x1b[2K\\n.db exists: name another file, or add --force to "
        "replace it\n"
    )
