"""One system's run in a process of its own: `python -m benchmarks.worker SYSTEM ...`.

`scale.py` starts one per system and size, with one-thread settings, so that each peak
resident set is that system's alone. Writes its figures as JSON to `--result`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.corpus import Corpus
from benchmarks.measure import environment
from benchmarks.queries import QUERY_SETS, Query

SYSTEMS = ("newsbot", "rank-bm25", "bm25s", "fts5")


def select(queries: list[Query], per_set: int) -> tuple[list[Query], list[int]]:
    """The first `per_set` queries of each set (all when 0), with their positions."""
    chosen, keys = [], []
    for name in dict.fromkeys([*QUERY_SETS, *(q.set for q in queries)]):
        positions = [i for i, q in enumerate(queries) if q.set == name]
        for i in positions[: per_set or None]:
            chosen.append(queries[i])
            keys.append(i)
    return chosen, keys


def run(system: str, corpus: Corpus, per_set: int) -> dict[str, Any]:
    from benchmarks import newsbot_run, peers

    queries, keys = select(corpus.queries(), per_set)
    if system == "newsbot":
        return newsbot_run.run_newsbot(corpus, queries, keys)
    runners = {"rank-bm25": peers.run_rank_bm25, "bm25s": peers.run_bm25s, "fts5": peers.run_fts5}
    return runners[system](corpus, queries, keys)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark one system in this process.")
    parser.add_argument("system", choices=SYSTEMS + ("ingest",))
    parser.add_argument("--corpus", type=Path, help="a built corpus folder")
    parser.add_argument("--per-set", type=int, default=0, help="queries per set (0: all)")
    parser.add_argument("--paths", type=Path, nargs="*", default=[], help="files to ingest")
    parser.add_argument("--folder", type=Path, help="where the ingest database goes")
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.system == "ingest":
        from benchmarks.newsbot_run import run_ingest

        figures = run_ingest(args.paths, args.folder)
    else:
        if args.corpus is None:
            parser.error(f"{args.system} needs --corpus")
        figures = run(args.system, Corpus(args.corpus), args.per_set)
    figures["system"] = args.system
    figures["environment"] = environment()
    args.result.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
