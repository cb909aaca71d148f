"""The scale benchmark, small: it runs, and newsbot's scores are rank-bm25's. No timings checked.

The corpus is 4,000 sentences: 2,500 real ones from the development corpora (NEWSBOT_CORPUS),
the rest generated, so every stage of the harness runs as it does at a million.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.corpus import REAL_FILES, Corpus, build_corpus
from benchmarks.generator import synthetic_articles
from benchmarks.measure import host
from benchmarks.newsbot_run import run_newsbot
from benchmarks.peers import run_bm25s, run_fts5, run_rank_bm25, top_k
from benchmarks.report import compare_exact
from benchmarks.worker import select
from tests.conftest import corpus_file

ROOT = Path(__file__).resolve().parents[1]
SIZE, REAL, NEWS, ZIPF = 4000, 2500, 20, 10

REAL_ARTICLES = [
    [
        "The central bank raised interest rates by half a point on Tuesday.",
        "Analysts had expected a smaller increase after weak retail sales.",
    ],
    ["Floods closed the main road north of the city.", "Rescue teams reached the village."],
    ["Shares in the carmaker fell sharply after the recall was announced."],
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    out = tmp_path_factory.mktemp("bench")
    return build_corpus(SIZE, out, news=NEWS, zipf=ZIPF, source=real_files(), real_limit=REAL)


def real_files() -> Path:
    """The folder of the real corpus files the benchmark reads (the test skips without them)."""
    folders = {corpus_file(name).parent for name in REAL_FILES}
    (folder,) = folders
    return folder


def test_generator_is_seeded_and_each_total_extends_the_smaller() -> None:
    small = [s for _, a in synthetic_articles(REAL_ARTICLES, 50, seed=1) for s in a]
    large = [s for _, a in synthetic_articles(REAL_ARTICLES, 120, seed=1) for s in a]
    other = [s for _, a in synthetic_articles(REAL_ARTICLES, 50, seed=2) for s in a]
    assert len(small) == 50 and len(large) == 120
    assert large[:50] == small
    assert other != small


def test_recombined_sentences_keep_real_lengths_and_words() -> None:
    real = [s for a in REAL_ARTICLES for s in a]
    lengths = {len(s.split()) for s in real}
    words = {w for s in real for w in s.split()}
    made = [s for _, a in synthetic_articles(REAL_ARTICLES, 200, seed=3) for s in a]
    assert all(len(s.split()) in lengths for s in made)
    assert all(set(s.split()) <= words for s in made)
    assert any(s not in real for s in made)


def test_unigram_sentences_use_real_words() -> None:
    words = {w for a in REAL_ARTICLES for s in a for w in s.split()}
    made = [s for _, a in synthetic_articles(REAL_ARTICLES, 100, 3, "unigram") for s in a]
    assert len(made) == 100 and all(set(s.split()) <= words for s in made)


def test_unknown_generator_names_the_choices() -> None:
    with pytest.raises(ValueError, match="use recombine or unigram"):
        next(synthetic_articles(REAL_ARTICLES, 10, seed=1, kind="markov"))


def test_host_says_what_numpy_dispatches_to_not_only_what_the_cpu_has() -> None:
    """A run records numpy's SIMD level as numpy sees it: with its dispatch turned off the
    CPU's flags stay, the level is gone (bm25s's argpartition kernel follows the level)."""
    here = host()
    assert here["numpy"] == np.__version__
    show = "import json; from benchmarks.measure import host; print(json.dumps(host()))"
    done = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env={**os.environ, "NPY_DISABLE_CPU_FEATURES": ",".join(here["numpy_simd"])},
        capture_output=True,
        text=True,
        check=True,
    )
    dispatch_off = json.loads(done.stdout)
    assert dispatch_off["numpy_simd"] == []
    assert {k: dispatch_off[k] for k in ("cpu", "avx2", "avx512f")} == {
        k: here[k] for k in ("cpu", "avx2", "avx512f")
    }


def test_top_k_keeps_positive_scores_and_breaks_ties_by_position() -> None:
    import numpy as np

    scores = np.array([0.0, 2.0, 1.0, 2.0, -1.0, 1.0])
    assert top_k(scores, 3) == [(1, 2.0), (3, 2.0), (2, 1.0)]
    assert top_k(scores, 10) == [(1, 2.0), (3, 2.0), (2, 1.0), (5, 1.0)]


def test_compare_exact_accepts_ties_and_catches_wrong_scores_or_sentences() -> None:
    reference = {"0": [[4, 3.0], [7, 2.0], [9, 2.0]]}
    assert compare_exact({"0": [[4, 3.0], [9, 2.0], [7, 2.0]]}, reference)["agree"]
    assert not compare_exact({"0": [[4, 3.0], [7, 2.0], [9, 2.0 + 1e-6]]}, reference)["agree"]
    assert not compare_exact({"0": [[5, 3.0], [7, 2.0], [9, 2.0]]}, reference)["agree"]
    assert not compare_exact({"0": [[4, 3.0], [7, 2.0]]}, reference)["agree"]
    assert not compare_exact({}, reference)["agree"]


@pytest.mark.slow
def test_corpus_is_nested_deterministic_and_tokenized_once(corpus: Corpus, tmp_path: Path) -> None:
    assert corpus.size == SIZE
    assert corpus.meta["real_sentences"] == REAL
    assert corpus.meta["synthetic_sentences"] == SIZE - REAL
    smaller = build_corpus(
        3000, tmp_path, news=NEWS, zipf=ZIPF, source=real_files(), real_limit=REAL
    )
    assert list(smaller.texts()) == list(corpus.texts())[:3000]
    assert smaller.queries() == corpus.queries()
    queries = corpus.queries()
    assert [q.set for q in queries] == ["news"] * NEWS + ["zipf6"] * ZIPF
    assert all(3 <= len(q.tokens) <= 8 for q in queries if q.set == "news")
    assert all(len(set(q.tokens)) == 6 for q in queries if q.set == "zipf6")
    tokens = corpus.token_lists()
    from retrieval.index.tokens import Tokenizer

    tokenizer = Tokenizer()
    assert all(tokenizer(corpus.text(i)) == tokens[i] for i in range(0, SIZE, 97))


@pytest.mark.slow
def test_newsbot_scores_are_rank_bm25s_and_peers_find_the_same(corpus: Corpus) -> None:
    queries, keys = select(corpus.queries(), 0)
    ours = run_newsbot(corpus, queries, keys)
    reference = run_rank_bm25(corpus, queries, keys)
    check = compare_exact(ours["top10"], reference["top10"])
    assert check["agree"], check
    assert check["queries"] == NEWS + ZIPF
    saved = ours["persisted"]
    assert saved["same_results_as_built"] and saved["count_matches"]
    assert saved["freshness"]["found"] == saved["freshness"]["articles"] > 0
    bm25s = run_bm25s(corpus, queries, keys)
    fts5 = run_fts5(corpus, queries, keys)
    assert fts5["terms_match"]
    for peer in (bm25s, fts5):
        shared = sum(
            len({d for d, _ in peer["top10"][k]} & {d for d, _ in ours["top10"][k]})
            for k in ours["top10"]
        )
        assert shared >= 0.8 * sum(len(r) for r in ours["top10"].values())


@pytest.mark.slow
def test_scale_script_runs_and_reports(corpus: Corpus) -> None:
    out = corpus.folder.parent
    command = [
        sys.executable,
        "benchmarks/scale.py",
        "--sizes",
        str(SIZE),
        "--real-limit",
        str(REAL),
        "--news",
        str(NEWS),
        "--zipf",
        str(ZIPF),
        "--out",
        str(out),
        "--startup-runs",
        "1",
        "--ingest",
        str(ROOT / "seeds"),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads((out / f"results-{SIZE}.json").read_text())
    assert set(result["systems"]) == {"newsbot", "rank-bm25", "bm25s", "fts5"}
    assert result["correctness"]["newsbot_vs_rank_bm25"]["agree"]
    startup = result["startup"]["runs"][0]
    assert startup["loaded_saved_index"] and startup["passages"] > 0
    run = json.loads((out / "results.json").read_text())
    assert run["ingest"]["added"] == 1 and run["ingest"]["indexed"] > 0
    table = (out / f"results-{SIZE}.md").read_text()
    assert "| newsbot |" in table and "| rank-bm25 |" in table and "| yes:" in table
    assert "| newsbot | news |" in done.stdout


@pytest.mark.slow
def test_the_benchmark_database_names_each_articles_run(corpus: Corpus) -> None:
    """The benchmark writes its database as newsbot stores articles: each row names its run
    of sentences, so questions over it take the path users' databases take."""
    import sqlite3

    from benchmarks.corpus import ensure_database

    db = sqlite3.connect(ensure_database(corpus))
    try:
        runs = db.execute(
            "SELECT a.first_sentence, a.sentence_count, min(s.id), count(*) FROM articles a"
            " JOIN sentences s ON s.article_id = a.id GROUP BY a.id"
        ).fetchall()
    finally:
        db.close()
    assert runs and all(first == low and count == n for first, count, low, n in runs)
