"""The scale benchmark: newsbot against rank-bm25, bm25s and SQLite FTS5, side by side.

    python benchmarks/scale.py --sizes 10000 100000 1000000

For each size: build (or reuse) the corpus and its newsbot database, then run every system in
a fresh one-thread process on the same tokens and questions; start a fresh process that opens
the Engine and answers one question, and time `newsbot ask`; compare newsbot's top 10s with
rank-bm25's. Once per run: ingest the real BBC and Reuters files end to end.
Writes `benchmarks/out/results-<size>.{md,json}` and `results.{md,json}`; prints the tables.
See docs/performance.md for what each column means.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import report  # noqa: E402
from benchmarks.corpora import corpus_path  # noqa: E402
from benchmarks.corpus import (  # noqa: E402
    DEFAULT_OUT,
    DEFAULT_SEED,
    REAL_FILES,
    ROOT,
    Corpus,
    corpus_folder,
)
from benchmarks.generator import GENERATORS  # noqa: E402
from benchmarks.measure import environment, run_worker, worker_env  # noqa: E402
from benchmarks.worker import SYSTEMS  # noqa: E402

RANK_BM25_BUDGET = 10_000_000  # sentences × queries per set: 10 queries a set at 1M
HOUR = 3600.0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build_corpus(args: argparse.Namespace, size: int) -> Corpus:
    """Build in a process of its own: a million sentences' worth of Python objects go away."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.corpus",
        "--size",
        str(size),
        "--database",
        "--out",
        str(args.out),
        "--seed",
        str(args.seed),
        "--generator",
        args.generator,
        "--news",
        str(args.news),
        "--zipf",
        str(args.zipf),
    ]
    if args.real_limit is not None:
        command += ["--real-limit", str(args.real_limit)]
    subprocess.run(command, cwd=ROOT, env=worker_env(), check=True, stdout=subprocess.DEVNULL)
    return Corpus(corpus_folder(args.out, size, args.seed, args.generator, args.real_limit))


def rank_bm25_per_set(size: int, budget: int) -> int:
    """Queries per set for rank-bm25, which scores every sentence for every query term."""
    return max(10, budget // size)


def time_startup(corpus: Corpus, runs: int, work: Path) -> dict[str, Any]:
    """Fresh processes opening the saved index: to first answer, and `newsbot ask`.

    Timed as a default install runs (the bench extra hidden, see `default_install`), plus
    one run as this environment is, to show what an importable scipy costs.
    """
    questions = [q.text for q in corpus.queries() if q.set == "news"]
    more = work / "questions.json"
    more.write_text(json.dumps(questions))
    db = str(corpus.database_path)
    startup = ["benchmarks.startup", "--db", db, "--question", questions[0]]
    results = []
    for run in range(runs):
        extra = ["--more", str(more)] if run == 0 else []
        figures = run_worker(
            "benchmarks.default_install", [*startup, *extra], work / "startup.json", HOUR
        )
        results.append(figures)
    as_is = run_worker(startup[0], startup[1:], work / "startup.json", HOUR)
    cli = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.default_install",
                "bot.cli",
                "ask",
                "--db",
                db,
                questions[0],
            ],
            cwd=work,
            env=worker_env(),
            check=True,
            capture_output=True,
        )
        cli.append(time.perf_counter() - started)
    return {
        "runs": results,
        "spawn_to_answer_s": statistics.median(
            r["answered_at"] - r["spawned_at"] for r in results
        ),
        "with_bench_extra": {
            "spawn_to_answer_s": as_is["answered_at"] - as_is["spawned_at"],
            "imports_s": as_is["imports_s"],
        },
        "cli_s": cli,
        "cli_median_s": statistics.median(cli),
    }


def correctness(systems: dict[str, Any]) -> dict[str, Any]:
    checks: dict[str, Any] = {}
    ours = systems.get("newsbot", {}).get("top10")
    reference = systems.get("rank-bm25", {}).get("top10")
    if ours and reference:
        checks["newsbot_vs_rank_bm25"] = report.compare_exact(ours, reference)
    if reference and "bm25s" in systems:
        checks["bm25s_vs_rank_bm25"] = report.overlap(reference, systems["bm25s"]["top10"])
    for peer in ("bm25s", "fts5"):
        if ours and peer in systems:
            checks[f"{peer}_vs_newsbot"] = report.overlap(ours, systems[peer]["top10"])
    return checks


def run_size(args: argparse.Namespace, size: int) -> dict[str, Any]:
    log(f"{size:,}: corpus")
    corpus = build_corpus(args, size)
    work = args.out / "work"
    work.mkdir(parents=True, exist_ok=True)
    systems: dict[str, Any] = {}
    for system in args.systems:
        per_set = rank_bm25_per_set(size, args.rank_bm25_budget) if system == "rank-bm25" else 0
        log(f"{size:,}: {system}")
        worker_args = [system, "--corpus", str(corpus.folder), "--per-set", str(per_set)]
        systems[system] = run_worker(
            "benchmarks.worker", worker_args, work / f"{system}-{size}.json", args.timeout
        )
    result: dict[str, Any] = {
        "corpus": corpus.meta,
        "queries": {s: sum(q.set == s for q in corpus.queries()) for s in report.SETS},
        "systems": systems,
        "correctness": correctness(systems),
    }
    if "newsbot" in systems and args.startup_runs:
        log(f"{size:,}: start-up")
        result["startup"] = time_startup(corpus, args.startup_runs, work)
    for figures in systems.values():
        figures.pop("spawned_at", None)
    return result


def write(path: Path, text: str) -> None:
    path.write_text(text)
    log(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000],
        metavar="N",
        help="corpus sizes in sentences (default 10k 100k 1M)",
    )
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="cache and results")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--generator",
        choices=GENERATORS,
        default="recombine",
        help="how sentences past the real ones are made (default recombine)",
    )
    parser.add_argument(
        "--real-limit",
        type=int,
        metavar="N",
        help="use at most N real sentences (small corpora reach the generator)",
    )
    parser.add_argument("--news", type=int, default=200, help="news questions (default 200)")
    parser.add_argument("--zipf", type=int, default=100, help="zipf6 queries (default 100)")
    parser.add_argument(
        "--rank-bm25-budget",
        type=int,
        default=RANK_BM25_BUDGET,
        help="rank-bm25 times max(10, BUDGET / size) queries of each set",
    )
    parser.add_argument(
        "--startup-runs",
        type=int,
        default=3,
        help="fresh processes timed to first answer (0: skip)",
    )
    parser.add_argument(
        "--ingest",
        type=Path,
        nargs="*",
        default=[corpus_path(name) for name in REAL_FILES],
        help="files ingested end to end (default BBC + Reuters; none: skip)",
    )
    parser.add_argument("--timeout", type=float, default=2 * HOUR, help="per worker, seconds")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    results = []
    for size in args.sizes:
        result = run_size(args, size)
        results.append(result)
        markdown = report.size_markdown(result)
        print(markdown, flush=True)
        write(args.out / f"results-{size}.md", markdown)
        write(args.out / f"results-{size}.json", json.dumps(result, indent=1))

    run: dict[str, Any] = {"sizes": args.sizes, "environment": environment(), "results": results}
    parts = ["## How cost grows: median query latency", report.growth_table(results)]
    if args.ingest:
        log("ingest")
        run["ingest"] = run_worker(
            "benchmarks.worker",
            ["ingest", "--paths", *map(str, args.ingest), "--folder", str(args.out / "ingest")],
            args.out / "work" / "ingest.json",
            args.timeout,
        )
        parts += ["## Ingest", report.ingest_table(run["ingest"])]
    largest = max(results, key=lambda r: r["corpus"]["size"])
    parts += [
        f"## The issue's targets at {largest['corpus']['size']:,} sentences",
        report.targets_table(largest),
    ]
    summary = "\n\n".join(parts) + "\n"
    print(summary)
    write(
        args.out / "results.md",
        "\n".join(report.size_markdown(r) for r in results) + "\n" + summary,
    )
    write(args.out / "results.json", json.dumps(run, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
