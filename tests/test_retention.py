"""NEWSBOT_KEEP_DAYS: what chats asked is forgotten past it, overwritten, by the running
bot, by `newsbot forget --expired`, and in the copy `newsbot backup` makes."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

import aiosqlite
import pytest

from bot.cli.main import main
from retrieval.conversations import Conversations
from retrieval.corpus.db import connect

from .conftest import run_sql

OLD, RECENT = b"wombatexpired question", b"recent question"


def ask_then(db_path: Path, question: bytes, days_ago: float) -> None:
    """A line of the query log, as a chat's question `days_ago` days ago left it."""
    run_sql(
        db_path,
        "INSERT INTO query_log (chat_id, user_id, question, results, elapsed_ms, created_ts)"
        " VALUES (5, 5, ?, 1, 2.0, ?)",
        question.decode(),
        time.time() - days_ago * 86400,
    )


def held_in_files(db_path: Path, text: bytes) -> bool:
    """Whether the database's file or its write-ahead log holds `text`, in a row or not."""
    files = [Path(f"{db_path}{suffix}") for suffix in ("", "-wal")]
    return any(text in path.read_bytes() for path in files if path.exists())


@pytest.fixture
def without_secure_delete(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections as SQLite's builds that do not overwrite what is deleted open them
    (python.org's, macOS's, Alpine's; Debian's do)."""

    async def no_secure_delete(path: Path, reads_only: bool = False) -> aiosqlite.Connection:
        conn = await connect(path, reads_only)
        await conn.execute("PRAGMA secure_delete = OFF")
        return conn

    monkeypatch.setattr("retrieval.engine.connect", no_secure_delete)
    monkeypatch.setattr("retrieval.conversations.connect", no_secure_delete)


@pytest.mark.usefixtures("without_secure_delete")
def test_forget_expired_deletes_what_is_past_its_days_overwritten(
    seeded_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a running bot forgot: a database no bot ran on kept every question for ever."""
    monkeypatch.setenv("NEWSBOT_KEEP_DAYS", "30")
    ask_then(seeded_db, RECENT, 29)
    with closing(sqlite3.connect(seeded_db, isolation_level=None)) as bot:
        bot.execute("PRAGMA wal_autocheckpoint = 0")  # its question stays in the -wal file
        bot.execute(
            "INSERT INTO query_log (chat_id, user_id, question, results, elapsed_ms, created_ts)"
            " VALUES (5, 5, ?, 1, 2.0, ?)",
            (OLD.decode(), time.time() - 31 * 86400),
        )
        assert OLD in Path(f"{seeded_db}-wal").read_bytes()
        assert main(["--db", str(seeded_db), "forget", "--expired"]) == 0
        # while the bot has it open: the log, which held the question, is emptied too
        assert not held_in_files(seeded_db, OLD) and held_in_files(seeded_db, RECENT)
    assert capsys.readouterr().out == (
        "forgot 1 record older than 30 days (NEWSBOT_KEEP_DAYS), overwritten\n"
    )
    assert run_sql(seeded_db, "SELECT question FROM query_log") == [(RECENT.decode(),)]
    assert main(["--db", str(seeded_db), "forget", "--expired"]) == 0
    assert capsys.readouterr().out == (
        "forgot 0 records older than 30 days (NEWSBOT_KEEP_DAYS), overwritten\n"
    )


@pytest.mark.usefixtures("without_secure_delete")
async def test_the_bots_forgetting_overwrites_what_it_deletes(seeded_db: Path) -> None:
    """Its deleted rows stayed in free pages where SQLite was built without secure delete,
    and in the write-ahead log, until both were reused."""
    ask_then(seeded_db, OLD, 100)
    conversations = await Conversations.open(seeded_db)
    try:
        assert await conversations.forget_before(time.time() - 90 * 86400) == 1
    finally:
        await conversations.close()
    assert not held_in_files(seeded_db, OLD)


def test_a_backup_leaves_out_what_is_past_its_days(
    seeded_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup copied the questions past NEWSBOT_KEEP_DAYS, kept then for as long as the
    backup was; a read-only database is copied too, so they are forgotten in the copy."""
    ask_then(seeded_db, OLD, 91)
    ask_then(seeded_db, RECENT, 89)
    copy = tmp_path / "backup.db"
    assert main(["--db", str(seeded_db), "backup", str(copy)]) == 0
    assert capsys.readouterr().out.startswith(f"backed up 1 article to {copy}")
    assert run_sql(copy, "SELECT question FROM query_log") == [(RECENT.decode(),)]
    assert not held_in_files(copy, OLD)
