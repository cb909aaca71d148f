"""`newsbot backup`: a consistent copy of the database while another process writes it."""

from __future__ import annotations

import os
import shutil
import sqlite3
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
        f"newsbot: {copy} exists: name another file, or add --force to replace it\n",
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
        "newsbot: " + message.format(target=where, folder=where.parent)
    )
    assert run_sql(seeded_db, "SELECT COUNT(*) FROM articles") == [(1,)]


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
