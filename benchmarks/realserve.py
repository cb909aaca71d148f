"""The serving process of the real-news benchmark: ready time, whole questions, index top-k.

`python -m benchmarks.default_install benchmarks.realserve --db PATH --queries FILE --result
FILE` (as a default install runs, the bench extra hidden). In one fresh process:
- ready: imports, `Engine.open` (the saved index, checked), the newest articles remembered
  as the bot remembers them (`Engine.remember_articles`), the first answer; `spawned_at` is
  filled in by the parent, so ready time counts from the spawn;
- the whole question as `newsbot ask` answers it by default (`Engine.ask`, 3 passages: index,
  store reads, passages, whatever re-ranking the default does), every question, median / p95;
- index top-k (`Index.search` on the question's tokens) for k = 10 and 60, and the top 10s
  for the parity check with rank-bm25;
- where a whole question's time goes: a second pass under cProfile, the time of every
  function summed by the part of newsbot (or library) it belongs to;
- the process's peak resident set: the serving process's memory.
"""

from __future__ import annotations

import time

STARTED_AT = time.time()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks.measure import latency, memory_mb  # noqa: E402
from retrieval.engine import Engine  # noqa: E402

ASK_LIMIT = 3  # passages `newsbot ask` prints by default
INDEX_KS = (10, 60)
TOP_FUNCTIONS = 12

# Where a profiled function's own time goes: the first part whose marker is in its file
# (or, for a C function, its name). The rest is the interpreter and the standard library.
PARTS = (
    ("tokenizer (PyStemmer, words)", ("retrieval/index/tokens.py", "Stemmer")),
    ("index (search, term counts; numba kernels)", ("retrieval/index/",)),
    (
        "SQLite reads",
        (
            "retrieval/corpus/store.py",
            "retrieval/corpus/db.py",
            "retrieval/corpus/reader.py",  # the answer path's reads, in its worker thread
            "sqlite3",
        ),
    ),
    (
        "ranking and passages (Python)",
        (
            "retrieval/search.py",
            "retrieval/search_result.py",
            "retrieval/question_text.py",
            "retrieval/vocabulary.py",
            "retrieval/quotes.py",
            "retrieval/highlighting.py",
            "retrieval/ranking/",
            "retrieval/corpus/",
        ),
    ),
    ("numpy", ("numpy",)),
)
OTHER = "rest (interpreter, standard library)"


def part_of(filename: str, name: str) -> str:
    """The part of the answer path a function of `filename` called `name` belongs to."""
    where = filename if filename != "~" else name
    for part, markers in PARTS:
        if any(marker in where for marker in markers):
            return part
    return OTHER


def profile_questions(engine: Engine, questions: list[str]) -> dict[str, Any]:
    """Mean ms per question in each part of the answer path, under cProfile (which slows
    Python-heavy parts more than C ones: read the shares, not the absolute times)."""
    # The synchronous call `Engine.ask` makes in its worker thread, profiled in this one.
    search = engine._searcher.search  # noqa: SLF001 - the benchmark looks inside
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for question in questions:
        search(question, ASK_LIMIT)
    profiler.disable()
    wall = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    parts = dict.fromkeys([p for p, _ in PARTS] + [OTHER], 0.0)
    functions = []
    for (filename, line, name), (_, _, own, _, _) in stats.items():
        parts[part_of(filename, name)] += own
        functions.append((own, f"{Path(filename).name}:{line}({name})"))
    per_question = 1000 / len(questions)
    functions.sort(reverse=True)
    return {
        "parts_ms": {part: own * per_question for part, own in parts.items()},
        "profiled_ms": wall * per_question,
        "top_functions_ms": [(name, own * per_question) for own, name in functions][
            :TOP_FUNCTIONS
        ],
    }


async def serve(db: Path, queries: list[dict[str, Any]], profile: bool) -> dict[str, Any]:
    imported_at = time.time()
    engine = await Engine.open(db)
    try:
        await engine.remember_articles()  # as the bot does once it opens the database
        opened_at = time.time()
        result = await engine.ask(queries[0]["text"], limit=ASK_LIMIT)
        answered_at = time.time()
        whole = []
        for query in queries:
            started = time.perf_counter()
            await engine.ask(query["text"], limit=ASK_LIMIT)
            whole.append(time.perf_counter() - started)
        index: dict[str, Any] = {}
        top10: dict[str, list[tuple[int, float]]] = {}
        for k in INDEX_KS:
            durations = []
            for key, query in enumerate(queries):
                tokens = list(query["tokens"])
                started = time.perf_counter()
                hits = engine.index.search(tokens, k)
                durations.append(time.perf_counter() - started)
                if k == 10:
                    top10[str(key)] = [(h.doc_id, h.score) for h in hits]
            index[f"top{k}"] = latency(durations)
        stages = profile_questions(engine, [q["text"] for q in queries]) if profile else {}
        serving_mb = memory_mb("VmRSS")
    finally:
        await engine.close()
    return {
        "started_at": STARTED_AT,
        "imports_s": imported_at - STARTED_AT,
        "open_s": opened_at - imported_at,
        "first_answer_s": answered_at - opened_at,
        "answered_at": answered_at,
        "first_passages": len(result.passages),
        "sentences": len(engine.index),
        "segments": len(engine.index.snapshot.segments),
        "whole_question": latency(whole),
        "index": index,
        "profile": stages,
        "top10_by_sentence_id": top10,
        "serving_mb": serving_mb,
        "peak_mb": memory_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time a fresh serving process on questions.")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True, help="queries.json")
    parser.add_argument("--profile", action="store_true", help="profile a second pass too")
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    queries = json.loads(args.queries.read_text())
    figures = asyncio.run(serve(args.db, queries, args.profile))
    args.result.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
