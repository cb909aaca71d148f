"""`benchmarks/stages.py`: every stage of a question is timed, and nothing stays wrapped."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from benchmarks import stages
from retrieval import search
from retrieval.corpus.read_connections import ReadConnections
from retrieval.corpus.reader import CorpusReader
from retrieval.engine import Engine
from retrieval.ranking import answers, model
from retrieval.search import Searcher

QUESTIONS = ["Where did the joint exercise begin?", "What rate did the central bank hold?"]


def searcher_of(engine: Engine, readers: ReadConnections) -> Searcher:
    return Searcher(CorpusReader(readers.get), engine.index, engine.articles)


async def test_each_stage_of_the_answer_path_is_timed(small_engine: Engine, db_path: Path) -> None:
    readers = ReadConnections(db_path)
    try:
        figures = stages.measure(searcher_of(small_engine, readers), QUESTIONS)
    finally:
        readers.close()
    rows = {row["stage"]: row for row in figures["stages"]}
    assert figures["questions"] == 2 and figures["median_ms"] > 0
    labels = ("candidates", "window features (build)", "marks", "passage choice")
    for label in (*labels, "headings in the pool"):
        assert rows[label]["mean_ms"] > 0, label  # each was called, and its time counted
    for row in figures["stages"]:  # a stage's time includes the stages it calls
        if row["parent"]:
            assert row["mean_ms"] <= rows[row["parent"]]["mean_ms"]
    top = [row["mean_ms"] for row in figures["stages"] if row["parent"] is None]
    assert abs(sum(top) - figures["mean_ms"]) < 1e-9  # the rest makes up the whole
    assert "| ↳ reading new sentences |" in stages.table(figures)


async def test_every_function_is_put_back(small_engine: Engine, db_path: Path) -> None:
    readers = ReadConnections(db_path)
    try:
        searcher = searcher_of(small_engine, readers)
        timed = stages.stages_of(searcher)
        assert {s.owner for s in timed} >= {search, model, answers, searcher, searcher.reader}

        def state() -> list[tuple[bool, object]]:  # own attribute or the class's, and which
            return [(s.name in vars(s.owner), getattr(s.owner, s.name)) for s in timed]

        before = state()
        stages.measure(searcher, QUESTIONS)
        assert state() == before
        assert "candidates" not in vars(searcher) and "search" not in vars(searcher.index)
    finally:
        readers.close()


def test_a_missing_question_file_is_named(tmp_path: Path) -> None:
    absent = tmp_path / "questions.jsonl"
    with pytest.raises(SystemExit, match=f"not found at {absent}.*--questions-file"):
        stages.main(["--db", str(tmp_path / "news.db"), "--questions-file", str(absent)])


async def test_stages_are_timed_by_the_clock_given(small_engine: Engine, db_path: Path) -> None:
    """`--cpu` times by the thread's CPU clock: every time is read from the clock given
    (here one that moves a second at each reading), none from another."""
    readings = itertools.count()

    def ticks() -> float:
        return float(next(readings))

    readers = ReadConnections(db_path)
    try:
        figures = stages.measure(searcher_of(small_engine, readers), QUESTIONS, clock=ticks)
    finally:
        readers.close()
    assert figures["median_ms"] >= 1000  # at least a reading inside the question
    for row in figures["stages"][:-1]:  # each a whole number of seconds over 2 questions
        assert (row["mean_ms"] * 2) % 1000 == 0, row
