"""Start-up to first answer: a fresh process opens the Engine and answers one question.

`python -m benchmarks.startup --db PATH --question TEXT --result FILE`. The Engine loads the
index saved next to the database (or rebuilds it, which the result says). `answered_at` is
wall-clock time, so the parent can count from the moment it spawned this process. Then it
answers `--more` questions to time a whole question (index, store, passages) in a warm
process, and reports the process's peak resident set: the serving process's memory.
"""

from __future__ import annotations

import time

STARTED_AT = time.time()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks.measure import latency, memory_mb  # noqa: E402
from retrieval.engine import Engine  # noqa: E402
from retrieval.index.files import index_dir  # noqa: E402


async def first_answer(db: Path, question: str, more: list[str]) -> dict[str, Any]:
    imported_at = time.time()
    manifest = json.loads((index_dir(db) / "manifest.json").read_text())
    saved = [entry["name"] for entry in manifest["segments"]]
    engine = await Engine.open(db)
    try:
        opened_at = time.time()
        result = await engine.ask(question)
        answered_at = time.time()
        loaded = [s.name for s in engine.index.snapshot.segments] == saved
        answer_mb = memory_mb()
        durations = []
        for text in more:
            started = time.perf_counter()
            await engine.ask(text)
            durations.append(time.perf_counter() - started)
    finally:
        await engine.close()
    return {
        "started_at": STARTED_AT,
        "imports_s": imported_at - STARTED_AT,
        "open_s": opened_at - imported_at,
        "first_search_s": answered_at - opened_at,
        "answered_at": answered_at,
        "passages": len(result.passages),
        "loaded_saved_index": loaded,
        "sentences": len(engine.index),
        "peak_mb_at_answer": answer_mb,
        "questions": latency(durations),
        "peak_mb": memory_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time a fresh process's first answer.")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--question", required=True)
    parser.add_argument("--more", type=Path, help="JSON list of further questions to time")
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    more = json.loads(args.more.read_text()) if args.more else []
    figures = asyncio.run(first_answer(args.db, args.question, more))
    args.result.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
