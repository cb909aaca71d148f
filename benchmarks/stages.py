"""Where a whole question's time goes, unprofiled: a wall-clock timer around each stage.

    python benchmarks/stages.py --db benchmarks/out/realscale/news-1m/ingest/newsbot.db

`realserve.py --profile` runs the questions under cProfile, which slows a Python call
several times more than C code: its shares overstate the Python stages. Here each stage
function of the answer path is wrapped in a `time.perf_counter` timer (about a microsecond a
call) and each question is asked once, as `newsbot ask` answers it (`Searcher.search`, 3
passages, as of now); the table gives the mean milliseconds a question of each stage, the
stages a stage calls indented under it, and what no stage holds as "the rest". Questions:
news-qa-dev's, as users asked them. The first question is asked once before timing (it
loads the index and compiles nothing: the kernels are cached on disk).

`--cpu` times the calling thread's CPU (`time.thread_time`) instead of the wall clock: on a
machine other work shares, a question's wall time moves with the load, its CPU time much
less, so two codes' stages can be set side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import add_corpus_option, missing
from benchmarks.measure import latency
from benchmarks.news_qa import load_questions
from retrieval import highlighting, search
from retrieval.corpus.read_connections import ReadConnections
from retrieval.corpus.reader import CorpusReader
from retrieval.engine import Engine
from retrieval.ranking import answers, model
from retrieval.ranking.features import Candidates
from retrieval.search import Searcher

QUESTIONS = "news-qa-dev/questions.jsonl"


@dataclass(frozen=True)
class Stage:
    """A function of the answer path to time: `owner.name` (a module, class or object),
    shown under the stage `parent` (whose time includes it)."""

    label: str
    owner: Any
    name: str
    parent: str | None = None


def stages_of(searcher: Searcher) -> list[Stage]:
    """The answer path's stages, in the order a question goes through them."""
    index, articles, reader = searcher.index, searcher.articles, searcher.reader
    found = [
        Stage("candidates", searcher, "candidates"),
        Stage("sentence index search", index, "search", "candidates"),
        Stage("articles of the hits", reader, "articles_of", "candidates"),
        Stage("stored articles (SQLite)", reader, "stored_articles", "candidates"),
        Stage("term counts", index, "term_counts", "candidates"),
        Stage("window features (build)", search, "build_candidates", "candidates"),
        Stage("first stage", model.Ranker, "keep"),
        # the pool's windows that run past a heading, judged at each round of refills
        Stage("headings in the pool", Candidates, "past_headings"),
        Stage("pool text (SQLite)", reader, "sentence_texts_and_finds"),
        Stage("marks", model, "add_marks"),
        Stage("reading new sentences", answers, "sentences_finds", "marks"),
        Stage("what is new to the question (compiled)", answers, "_novelty_many", "marks"),
        Stage("passage choice", search, "choose"),
        Stage("highlights", highlighting.Asked, "highlights"),
    ]
    if articles is not None:
        found[2:2] = [
            Stage("article index search", articles, "search", "candidates"),
            Stage("article scores", articles, "scores", "candidates"),
        ]
    return found


Clock = Callable[[], float]


@contextmanager
def timed(stages: Sequence[Stage], clock: Clock = time.perf_counter) -> Iterator[dict[str, float]]:
    """Seconds spent in each stage while inside, by `clock`; every function is put back on
    leaving."""
    spent = dict.fromkeys((s.label for s in stages), 0.0)
    saved = []
    for stage in stages:
        own = stage.name in vars(stage.owner)  # else a method found on the object's class
        original = getattr(stage.owner, stage.name)
        saved.append((stage, own, original))
        setattr(stage.owner, stage.name, _timer(original, stage, spent, clock))
    try:
        yield spent
    finally:
        for stage, own, original in reversed(saved):
            if own:
                setattr(stage.owner, stage.name, original)
            else:
                delattr(stage.owner, stage.name)


def _timer(
    function: Callable[..., Any], stage: Stage, spent: dict[str, float], clock: Clock
) -> Any:
    def timer(*args: Any, **kwargs: Any) -> Any:
        started = clock()
        try:
            return function(*args, **kwargs)
        finally:
            spent[stage.label] += clock() - started

    return timer


def measure(
    searcher: Searcher,
    questions: Sequence[str],
    limit: int = 3,
    clock: Clock = time.perf_counter,
) -> dict[str, Any]:
    """Each question asked once under the stage timers: whole-question times and the mean
    milliseconds a question of each stage, by `clock` (`time.thread_time`: CPU)."""
    searcher.search(questions[0], limit)
    stages = stages_of(searcher)
    times = []
    with timed(stages, clock) as spent:
        for question in questions:
            started = clock()
            searcher.search(question, limit)
            times.append(clock() - started)
    whole = latency(times)  # as realserve.py reports the whole question
    mean = {label: seconds / len(times) * 1000 for label, seconds in spent.items()}
    top = sum(mean[s.label] for s in stages if s.parent is None)
    return {
        "questions": len(times),
        "median_ms": whole["median_ms"],
        "p95_ms": whole["p95_ms"],
        "mean_ms": whole["mean_ms"],
        "stages": [
            {"stage": s.label, "parent": s.parent, "mean_ms": mean[s.label]} for s in stages
        ]
        + [{"stage": "the rest", "parent": None, "mean_ms": whole["mean_ms"] - top}],
    }


def table(figures: dict[str, Any]) -> str:
    lines = [
        f"{figures['questions']} questions, each asked once: whole question "
        f"{figures['median_ms']:.2f} ms median, {figures['p95_ms']:.2f} ms p95, "
        f"{figures['mean_ms']:.2f} ms mean",
        "",
        "| stage | mean ms a question | share |",
        "|---|--:|--:|",
    ]
    for row in figures["stages"]:
        indent = "↳ " if row["parent"] else ""
        share = row["mean_ms"] / figures["mean_ms"]
        lines.append(f"| {indent}{row['stage']} | {row['mean_ms']:.3f} | {share:.0%} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a newsbot database, indexed")
    add_corpus_option(
        parser, QUESTIONS, "the questions (news-qa-dev's questions.jsonl)", "--questions-file"
    )
    parser.add_argument("--questions", type=int, default=None, help="only the first N")
    parser.add_argument(
        "--cpu", action="store_true", help="the thread's CPU time, not the wall clock's"
    )
    parser.add_argument(
        "--remembered",
        action="store_true",
        help="the newest articles read and remembered first, as the bot does (`remember_newest`)",
    )
    args = parser.parse_args(argv)
    if not args.questions_file.is_file():
        raise SystemExit(f"{missing(args.questions_file)}; or name it with --questions-file")
    questions = [q.question for q in load_questions(args.questions_file)][: args.questions]
    if not questions:
        raise SystemExit(f"no questions in {args.questions_file}")
    engine = asyncio.run(Engine.open(args.db))
    readers = ReadConnections(args.db)
    try:
        searcher = Searcher(CorpusReader(readers.get), engine.index, engine.articles)
        if args.remembered:
            searcher.remember_newest()
        clock = time.thread_time if args.cpu else time.perf_counter
        if args.cpu:
            print("CPU time of the thread that asks, not wall-clock time\n")
        print(table(measure(searcher, questions, clock=clock)))
    finally:
        readers.close()
        asyncio.run(engine.close())


if __name__ == "__main__":
    main()
