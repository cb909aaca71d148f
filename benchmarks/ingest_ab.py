"""Ingest speed, before and after a change, side by side in one run.

    python benchmarks/ingest_ab.py --before ../main --after . [--articles N] [--rounds R]

Ingests the same real articles (the first N of news-1m, all by default) end to end into a
fresh database with each checkout's own code, alternating before/after for R rounds, each
ingest in a fresh process run as a default install (`benchmarks.worker ingest`). A shared
machine's load changes from minute to minute; alternating spreads it over both, and the
ratio of the medians (and of CPU seconds, which load changes least) is the figure to read.
Both checkouts must have `benchmarks/worker.py`'s `ingest`; the databases they make are
compared (same articles and sentences) so that a faster ingest is not a different one.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import add_corpus_option, missing  # noqa: E402
from benchmarks.corpus import DEFAULT_OUT  # noqa: E402
from benchmarks.measure import ONE_THREAD  # noqa: E402
from benchmarks.realscale import ARTICLES, _articles_file, log  # noqa: E402


def ingest_with(tree: Path, articles: Path, folder: Path, timeout: float) -> dict[str, Any]:
    """One end-to-end ingest of `articles` with the code of checkout `tree`; its figures."""
    result = folder / "figures.json"
    command = [
        sys.executable,
        "-m",
        "benchmarks.default_install",
        "benchmarks.worker",
        "ingest",
        "--paths",
        str(articles),
        "--folder",
        str(folder / "ingest"),
        "--result",
        str(result),
    ]
    env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(tree)}
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest with {tree} failed:\n{done.stderr[-4000:]}")
    figures: dict[str, Any] = json.loads(result.read_text())
    figures["process_s"] = time.perf_counter() - started
    return figures


def stored(db: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """What a database holds, but when it was ingested: articles and sentences in id order."""
    with closing(sqlite3.connect(db)) as conn, conn:
        articles = conn.execute(
            "SELECT id, title, source, authors, published, url, text, content_hash, extra"
            " FROM articles ORDER BY id"
        ).fetchall()
        sentences = conn.execute("SELECT * FROM sentences ORDER BY id").fetchall()
    return articles, sentences


def _median(runs: list[dict[str, Any]], key: str) -> float:
    """The median of a figure over runs (0 where an older checkout does not report it)."""
    return float(statistics.median(run.get(key, 0.0) for run in runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="checkout with the old code")
    parser.add_argument("--after", type=Path, required=True, help="checkout with the new code")
    add_corpus_option(parser, ARTICLES, "the articles to ingest", "--articles-file")
    parser.add_argument("--articles", type=int, metavar="N", help="only the first N articles")
    parser.add_argument("--rounds", type=int, default=2, help="ingests with each (default 2)")
    parser.add_argument("--work", type=Path, default=DEFAULT_OUT / "ingest_ab")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per ingest, seconds")
    args = parser.parse_args(argv)
    if not args.articles_file.exists():
        sys.exit(f"ingest_ab: {missing(args.articles_file)}")
    args.work = args.work.resolve()  # each ingest runs in its checkout, not here
    args.work.mkdir(parents=True, exist_ok=True)
    articles = _articles_file(args.articles_file, args.work, args.articles)
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    for round_ in range(args.rounds):
        for name in ("before", "after"):
            tree = getattr(args, name).resolve()
            log(f"round {round_ + 1}: {name} ({tree})")
            runs[name].append(ingest_with(tree, articles, args.work / name, args.timeout))
    same = stored(args.work / "before/ingest/newsbot.db") == stored(
        args.work / "after/ingest/newsbot.db"
    )
    lines = [
        f"Ingest of {runs['after'][0]['added']:,} articles ({runs['after'][0]['sentences']:,} "
        f"sentences), end to end, {args.rounds} alternating rounds (medians):",
        "",
        "| | articles/s (wall) | CPU s: store | CPU s: index | articles per CPU s | peak RSS MB |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name in ("before", "after"):
        r = runs[name]
        lines.append(
            f"| {name} | {_median(r, 'articles_per_s'):,.0f} | {_median(r, 'cpu_store_s'):.1f} "
            f"| {_median(r, 'cpu_index_s'):.1f} | {_median(r, 'articles_per_cpu_s'):,.0f} "
            f"| {_median(r, 'peak_mb'):,.0f} |"
        )
    wall = _median(runs["after"], "articles_per_s") / _median(runs["before"], "articles_per_s")
    cpu = _median(runs["after"], "articles_per_cpu_s") / _median(
        runs["before"], "articles_per_cpu_s"
    )
    lines += [
        f"| after / before | {wall:.2f}× | | | {cpu:.2f}× | |",
        "",
        f"Stored articles and sentences identical: {'yes' if same else 'NO'}.",
    ]
    text = "\n".join(lines)
    print(text)
    (args.work / "results.md").write_text(text + "\n")
    (args.work / "results.json").write_text(json.dumps({"runs": runs, "identical": same}))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
