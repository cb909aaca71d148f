"""The command line's common options."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


@pytest.mark.parametrize("before", [True, False])
def test_db_is_honoured_before_or_after_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    before: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSBOT_DB", raising=False)
    db = tmp_path / "chosen.db"
    args = ["--db", str(db), "stats"] if before else ["stats", "--db", str(db)]
    assert main(args) == 0
    assert db.is_file() and not (tmp_path / "newsbot.db").exists()
