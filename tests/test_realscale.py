"""Issue 14's benchmark (`benchmarks/realscale.py`), small: 40 real articles of news-1m and 12
real questions. Every stage runs as it does at a million; newsbot's top 10s are rank-bm25's;
a second run reuses the database and only asks. No timing is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from benchmarks.realscale import ARTICLES, QUESTIONS
from tests.conftest import corpus_file

ROOT = Path(__file__).resolve().parents[1]
ARTICLE_COUNT, QUESTION_COUNT, RANK_BM25_QUESTIONS = 40, 12, 4


def run_benchmark(work: Path, *extra: str) -> dict[str, Any]:
    command = [
        sys.executable,
        "benchmarks/realscale.py",
        "--work",
        str(work),
        "--articles-file",
        str(corpus_file(ARTICLES)),
        "--questions-file",
        str(corpus_file(QUESTIONS)),
        "--articles",
        str(ARTICLE_COUNT),
        "--questions",
        str(QUESTION_COUNT),
        "--rank-bm25-queries",
        str(RANK_BM25_QUESTIONS),
        *extra,
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    run: dict[str, Any] = json.loads((work / "results.json").read_text())
    assert (work / "results.md").read_text() in done.stdout
    return run


@pytest.mark.slow
def test_realscale_runs_every_stage_on_a_slice_of_news_1m(tmp_path: Path) -> None:
    run = run_benchmark(tmp_path)
    ingest = run["ingest"]
    assert not ingest["cached"]
    assert ingest["added"] + ingest["duplicates"] == ARTICLE_COUNT and ingest["failures"] == 0
    assert ingest["sentences"] > 1000 and ingest["articles_per_cpu_s"] > 0
    (row,) = run["rows"]
    serving = row["serving"]
    assert serving["whole_question"]["n"] == row["corpus"]["queries"] <= QUESTION_COUNT
    assert serving["sentences"] == ingest["sentences"]
    assert serving["first_passages"] > 0 and serving["ready_s"] > 0
    assert serving["index"]["top60"]["n"] == serving["whole_question"]["n"]
    profile = serving["profile"]
    assert profile["parts_ms"]["index (search, term counts; numba kernels)"] > 0
    assert profile["parts_ms"]["SQLite reads"] > 0
    assert sum(profile["parts_ms"].values()) <= profile["profiled_ms"]
    assert row["peers"]["bm25s"]["queries"]["real"]["n"] == serving["whole_question"]["n"]
    host = row["peers"]["bm25s"]["environment"]["host"]
    assert host["numpy"] == np.__version__ and isinstance(host["numpy_simd"], list)
    assert row["parity"]["agree"] and row["parity"]["queries"] == RANK_BM25_QUESTIONS
    table = (tmp_path / "results.md").read_text()
    assert "| news-1m, real questions | " in table
    assert "| top 10s are rank-bm25's |" in table and "| whole question median" in table
    assert f"bm25s ran on: {host['cpu']} (" in table and f"numpy {np.__version__} " in table

    again = run_benchmark(tmp_path)
    assert again["ingest"]["cached"]
    assert again["rows"][0]["corpus"]["database_id"] == row["corpus"]["database_id"]
    assert again["rows"][0]["serving"]["whole_question"]["n"] == serving["whole_question"]["n"]
