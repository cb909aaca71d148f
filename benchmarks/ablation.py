"""Measure each retrieval choice on the BBC evaluation set: tokens and passage windows.

Ingests the BBC corpus and the bundled seed once into a temporary database, then for every
variant builds the index in memory with that variant's tokenizer and asks every question
through the real Searcher. Prints answer@1/3/5 and quote length on the BBC questions, and
answer@1 on the seed questions (answered among 2,000 other articles), per variant, so each
choice is kept only if it helps (see docs/retrieval.md for the figures).

    python benchmarks/ablation.py [--questions benchmarks/eval/bbc-questions.jsonl]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpora import corpus_path  # noqa: E402
from benchmarks.evaluate import (  # noqa: E402
    Hit,
    Outcome,
    Question,
    load_questions,
    score,
    summarize,
)
from retrieval.corpus.db import connect  # noqa: E402
from retrieval.corpus.ingest import ingest_paths  # noqa: E402
from retrieval.corpus.read_connections import ReadConnections  # noqa: E402
from retrieval.corpus.reader import CorpusReader  # noqa: E402
from retrieval.corpus.store import CorpusStore  # noqa: E402
from retrieval.index.bm25 import BM25Params  # noqa: E402
from retrieval.index.index import Index  # noqa: E402
from retrieval.index.tokens import Tokenizer  # noqa: E402
from retrieval.indexing import catch_up_both  # noqa: E402
from retrieval.ranking.features import CandidatePolicy  # noqa: E402
from retrieval.search import Searcher  # noqa: E402


@dataclass(frozen=True)
class Variant:
    name: str
    tokenizer: Tokenizer = Tokenizer()
    policy: CandidatePolicy = CandidatePolicy()


VARIANTS = [
    Variant("default"),
    Variant("no stemming", tokenizer=Tokenizer(stem=False)),
    Variant("no stopword removal", tokenizer=Tokenizer(stopwords=False)),
    Variant("no irregular forms", tokenizer=Tokenizer(irregular=False)),
    Variant("single sentences", policy=CandidatePolicy(max_sentences=1)),
    Variant("windows <= 2 sentences", policy=CandidatePolicy(max_sentences=2)),
    Variant("no title or lead evidence", policy=CandidatePolicy(context_weight=0.0)),
    Variant("windows up to 90 words", policy=CandidatePolicy(max_words=90)),
    Variant("window saturation k1 1.2 (was the default)", policy=CandidatePolicy(k1=1.2)),
]


def ask(searcher: Searcher, question: Question) -> Outcome:
    result = searcher.search(question.question, limit=5)
    hits = [Hit(p.article.title, p.quote) for p in result.passages]
    return score(question, hits, result.why_none())


async def main(args: argparse.Namespace) -> None:
    questions = load_questions(args.questions)
    seed_questions = load_questions(args.seed_questions)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "eval.db"
        conn = await connect(db_path)
        store = CorpusStore(conn)
        await ingest_paths(store, [args.corpus, ROOT / "seeds"])
        readers = ReadConnections(db_path)
        reader = CorpusReader(readers.get)
        print("| variant | answer@1 | answer@3 | answer@5 | median words | seed answer@1 |")
        print("|---|---|---|---|---|---|")
        for variant in VARIANTS:
            index = Index(variant.tokenizer, BM25Params())
            articles = Index(variant.tokenizer, BM25Params())
            await catch_up_both(index, articles, store)
            searcher = Searcher(reader, index, articles, variant.policy)
            s = summarize([ask(searcher, q) for q in questions], 5)
            seed = summarize([ask(searcher, q) for q in seed_questions], 5)
            print(
                f"| {variant.name} | {s.answer_at[1]:.3f} | {s.answer_at[3]:.3f} | "
                f"{s.answer_at[5]:.3f} | {s.quote_words_median:.0f} | "
                f"{seed.answer_at[1]:.2f} |",
                flush=True,
            )
        readers.close()
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--questions", type=Path, default=ROOT / "benchmarks/eval/bbc-questions.jsonl"
    )
    parser.add_argument(
        "--seed-questions", type=Path, default=ROOT / "benchmarks/eval/seed-questions.jsonl"
    )
    parser.add_argument("--corpus", type=Path, default=corpus_path("bbc-news.jsonl.gz"))
    asyncio.run(main(parser.parse_args()))
