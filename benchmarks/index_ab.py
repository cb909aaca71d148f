"""Index search speed, before and after a change, side by side in one run, on real questions.

    python benchmarks/index_ab.py --before ../main --before-db A.db --after . --after-db B.db

Times `Index.search` (the sentence index alone, as realscale's "index top-k") on the questions
of `news-qa-dev` with each checkout's own code and its own saved index of the same database
(each checkout keeps the index format it reads: give each its own copy of the database),
alternating before/after for R rounds, each in a fresh process. Three kinds of search per
question: top 10 and top 60 over everything, and top 60 as of the end of the day the question
was asked (`until`, the answer path's filter inside the loop). Every search's hits (ids and
scores) must be equal in both: a faster index is not a different one. Prints medians and p95s
(of each question's time, medians over rounds) and writes `results.{md,json}` in `--work`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    # last: a probe's PYTHONPATH (the checkout measured) must come first for `retrieval`
    sys.path.append(str(Path(__file__).resolve().parents[1]))

KINDS = {"top10": (10, False), "top60": (60, False), "top60 as of the day": (60, True)}


async def _probe(db: Path, questions: list[dict[str, Any]], passes: int) -> dict[str, Any]:
    """In a checkout's own process: every kind of search on every question, `passes` times
    after one untimed pass; each search's best time and the hits."""
    import retrieval
    from retrieval.engine import Engine

    engine = await Engine.open(db)
    try:
        index = engine.index
        found: dict[str, list[list[tuple[int, float]]]] = {kind: [] for kind in KINDS}
        best: dict[str, list[float]] = {kind: [] for kind in KINDS}
        tokens = [index.tokenizer(q["question"]) for q in questions]
        for kind, (k, as_of) in KINDS.items():
            for q, terms in zip(questions, tokens, strict=True):
                until = q["until"] if as_of else None
                hits = index.search(terms, k, until=until)
                found[kind].append([(h.doc_id, h.score) for h in hits])
                times = []
                for _ in range(passes):
                    started = time.perf_counter()
                    index.search(terms, k, until=until)
                    times.append(time.perf_counter() - started)
                best[kind].append(min(times))
        return {
            "code": str(Path(retrieval.__file__).parent),
            "sentences": len(index),
            "segments": len(index.snapshot.segments),
            "seconds": best,
            "hits": found,
        }
    finally:
        await engine.close()


def _questions(path: Path, limit: int | None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    out = []
    for row in rows[:limit]:
        day = datetime.fromisoformat(row["asked"]).replace(tzinfo=UTC) + timedelta(days=1)
        out.append({"question": row["question"], "until": day.timestamp()})
    return out


def _run(tree: Path, db: Path, args: argparse.Namespace, result: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--probe",
        "--db",
        str(db),
        "--questions-file",
        str(args.questions_file),
        "--passes",
        str(args.passes),
        "--result",
        str(result),
    ]
    if args.questions:
        command += ["--questions", str(args.questions)]
    env = {**os.environ, "PYTHONPATH": str(tree), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"probe with {tree} failed:\n{done.stderr[-4000:]}")
    figures: dict[str, Any] = json.loads(result.read_text())
    return figures


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    from benchmarks.corpora import add_corpus_option

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="checkout with the old code")
    parser.add_argument("--before-db", type=Path)
    parser.add_argument("--after", type=Path, help="checkout with the new code")
    parser.add_argument("--after-db", type=Path)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    add_corpus_option(parser, "news-qa-dev/questions.jsonl", "the questions", "--questions-file")
    parser.add_argument("--questions", type=int, metavar="N", help="only the first N")
    parser.add_argument("--rounds", type=int, default=3, help="processes of each (default 3)")
    parser.add_argument("--passes", type=int, default=3, help="timed searches of each query")
    parser.add_argument("--work", type=Path, default=Path("benchmarks/out/index_ab"))
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    questions = _questions(args.questions_file, args.questions)
    if args.probe:
        figures = asyncio.run(_probe(args.db, questions, args.passes))
        args.result.write_text(json.dumps(figures))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    for round_ in range(args.rounds):
        for name in ("before", "after"):
            tree, db = getattr(args, name).resolve(), getattr(args, f"{name}_db").resolve()
            print(f"[{time.strftime('%H:%M:%S')}] round {round_ + 1}: {name}", file=sys.stderr)
            runs[name].append(_run(tree, db, args, args.work / f"{name}.json"))
    same = {
        kind: runs["before"][0]["hits"][kind] == runs["after"][0]["hits"][kind] for kind in KINDS
    }
    lines = [
        f"Index search on {len(questions):,} real questions, "
        f"{runs['after'][0]['sentences']:,} sentences, {args.rounds} alternating rounds "
        f"(segments: before {runs['before'][0]['segments']}, after "
        f"{runs['after'][0]['segments']}); ms, medians over rounds:",
        "",
        "| search | before median | before p95 | after median | after p95 | median ratio |"
        " hits identical |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    summary: dict[str, Any] = {}
    for kind in KINDS:
        row = {}
        for name in ("before", "after"):
            for stat, q in (("median", 0.5), ("p95", 0.95)):
                row[f"{name} {stat}"] = statistics.median(
                    _ms(r["seconds"][kind], q) for r in runs[name]
                )
        summary[kind] = row
        lines.append(
            f"| {kind} | {row['before median']:.3f} | {row['before p95']:.3f} "
            f"| {row['after median']:.3f} | {row['after p95']:.3f} "
            f"| {row['before median'] / row['after median']:.2f}× "
            f"| {'yes' if same[kind] else 'NO'} |"
        )
    text = "\n".join(lines)
    print(text)
    (args.work / "results.md").write_text(text + "\n")
    for run in runs["before"] + runs["after"]:
        del run["hits"]
    (args.work / "results.json").write_text(
        json.dumps({"summary": summary, "identical": same, "runs": runs})
    )
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
