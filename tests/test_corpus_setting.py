"""The development corpora setting: a test that needs a corpus the clone lacks is skipped,
saying why, except under CI, where it fails. Run in a real pytest process, as CI runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpora import DEFAULT, corpus_dir
from tests.conftest import REPO

NEEDS_BBC = """
from tests.conftest import shared_articles


def test_needs_the_bbc_corpus():
    assert next(shared_articles("bbc-news"))["title"]
"""


def run_pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """pytest, as the README runs it, on one test that reads bbc-news.jsonl.gz."""
    test = tmp_path / "test_needs_corpus.py"
    test.write_text(NEEDS_BBC)
    environment = {k: v for k, v in os.environ.items() if k not in ("CI", "NEWSBOT_CORPUS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", str(test)],
        cwd=REPO,
        env={**environment, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_corpus_skips_the_test_and_says_what_it_needs(tmp_path: Path) -> None:
    empty = tmp_path / "corpora"
    empty.mkdir()
    done = run_pytest(tmp_path, NEWSBOT_CORPUS=str(empty))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    said = " ".join(done.stdout.split())
    assert f"needs the development corpus 'bbc-news.jsonl.gz', not found at {empty}" in said
    assert "set NEWSBOT_CORPUS to the folder that holds it" in said
    assert "BBC News dataset (Greene & Cunningham 2006), Reuters-21578" in said


def test_a_missing_corpus_fails_the_test_under_ci(tmp_path: Path) -> None:
    empty = tmp_path / "corpora"
    empty.mkdir()
    done = run_pytest(tmp_path, NEWSBOT_CORPUS=str(empty), CI="true")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed" in done.stdout
    assert "CI=true: a missing corpus fails the run" in done.stdout


def test_the_setting_defaults_to_the_shared_folder_beside_the_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("NEWSBOT_CORPUS", raising=False)
    assert corpus_dir() == DEFAULT == REPO.parent / "shared" / "corpus"
    monkeypatch.setenv("NEWSBOT_CORPUS", str(tmp_path))
    assert corpus_dir() == tmp_path
