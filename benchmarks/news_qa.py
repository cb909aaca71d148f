"""Score `newsbot ask` on real news questions: the RealTime QA set in news-qa-dev.

    python benchmarks/news_qa.py --db PATH [--limit 5] [--newsbot CMD] [--only as-of|now]

Ingests news-qa-dev/articles.jsonl.gz of the development corpora ($NEWSBOT_CORPUS, else
<repo>/../shared/corpus; see benchmarks/corpora.py) into --db once (kept, so later runs
only ask; an index built with other token rules is rebuilt by newsbot itself), then feeds
the 1,000 questions to one `newsbot ask --json` process on standard input, twice: as of the
date each was asked (JSON lines with "as_of": what a person asking that week would get), and
plainly (as of now, with every article stored). answer@k as that set's README says: the
answer string occurs in one of the top k quotes, both after NFKC, case-folding and straight
quotes (`evaluate.contains_answer`). Prints answer@1, @3, @5, the median quote length in
words and the time a question (the whole ask process over the questions) for each;
--json-out FILE also writes them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import add_corpus_option, missing
from benchmarks.evaluate import (
    EvaluationError,
    Question,
    ask,
    format_failures,
    ingest,
    newsbot_command,
    normalize,
    run,
    summarize,
)

DATA = "news-qa-dev"
PASSES = ("as-of", "now")  # as of the day each question was asked; as of now


def load_questions(path: Path) -> list[Question]:
    """The questions of news-qa-dev, as of the day each was asked; they name no article, so
    `title` is empty."""
    if not path.is_file():
        raise EvaluationError(f"{missing(path)}; or name the folder with --data PATH")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Question(
            str(r["id"]),
            " ".join(str(r["question"]).split()),
            str(r["answer"]),
            "",
            str(r["asked"]),
        )
        for r in rows
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="news_qa.py", description=__doc__.split("\n\n")[0])
    add_corpus_option(parser, DATA, "the folder of the questions and their articles", "--data")
    parser.add_argument(
        "--db",
        type=Path,
        required=True,
        metavar="PATH",
        help="database to ask; the articles are ingested into it if it is new",
    )
    parser.add_argument("--limit", type=int, default=5, metavar="K")
    parser.add_argument("--newsbot", metavar="CMD", help="command that runs newsbot")
    parser.add_argument("--only", choices=PASSES, help="one pass only (default: both)")
    parser.add_argument(
        "--articles",
        action="store_true",
        help="also rank articles: nDCG@10 of the distinct articles of `ask --json --limit 10`, "
        "beside whole-article BM25 (rank_bm25 over title and text), as of each question's date",
    )
    parser.add_argument("--json-out", type=Path, metavar="FILE")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)
    newsbot = newsbot_command(args.newsbot)
    figures: dict[str, Any] = {}
    try:
        questions = load_questions(args.data / "questions.jsonl")
        if not args.db.exists():
            seconds = ingest(newsbot, args.db, args.data / "articles.jsonl.gz", None)
            print(f"ingested {args.data / 'articles.jsonl.gz'} in {seconds:.0f} s")
        for name in [args.only] if args.only else PASSES:
            asked = questions if name == "as-of" else [replace(q, as_of=None) for q in questions]
            outcomes, seconds = ask(newsbot, args.db, asked, args.limit, None)
            summary = summarize(outcomes, args.limit)
            at = summary.answer_at
            print(
                f"{name:>6}: answer@1 {at[1]:.3f}   answer@3 {at[3]:.3f}   answer@5 {at[5]:.3f}"
                f"   median quote {summary.quote_words_median} words   "
                f"({summary.questions} questions, {summary.no_results} without results, "
                f"{seconds:.0f} s, {seconds / max(len(asked), 1) * 1000:.0f} ms a question)",
                flush=True,
            )
            if args.show_failures:
                print(format_failures(outcomes, args.show_failures))
            figures[name] = {
                "questions": summary.questions,
                "answer_at": {str(k): v for k, v in at.items()},
                "quote_words_median": summary.quote_words_median,
                "ask_seconds": seconds,
            }
        if args.articles:
            figures["articles"] = article_ranking(newsbot, args.db, questions)
    except EvaluationError as error:
        print(f"news_qa.py: {error}", file=sys.stderr)
        return 1
    if args.json_out:
        args.json_out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def article_ranking(
    newsbot: list[str], db: Path, questions: Sequence[Question]
) -> dict[str, float]:
    """How well the articles quoted first are the articles that hold the answer.

    A proxy for ranking documents through `ask --json` (the held-out set of another kind ranks
    scientific abstracts for claims; whole-document BM25 scores nDCG@10 0.69 there): the
    relevant articles of a question are those published by its date whose title or text
    holds its answer; the ranking is the distinct articles of `ask --json --limit 10`, in
    order of first appearance. The reference ranks whole articles (title and text) with
    rank_bm25 over the same tokens, as of the same date.
    """
    import sqlite3

    import numpy as np
    from rank_bm25 import BM25Okapi

    from bot.cli.as_of import parse_as_of
    from retrieval.index.tokens import Tokenizer

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT id, title, text, coalesce(published_ts, ingested_ts) FROM articles ORDER BY id"
    ).fetchall()
    conn.close()
    ids = np.array([int(r[0]) for r in rows])
    times = np.array([float(r[3]) for r in rows])
    texts = [normalize(f"{r[1]}\n{r[2]}") for r in rows]
    tokenize = Tokenizer()
    reference = BM25Okapi([tokenize(f"{r[1]}\n{r[2]}") for r in rows])
    stdin = "".join(
        json.dumps({"question": q.question, "as_of": q.as_of, "limit": 10}) + "\n"
        for q in questions
    )
    lines = run([*newsbot, "--db", str(db), "ask", "--json"], stdin=stdin).splitlines()
    ours, theirs = [], []
    for q, line in zip(questions, lines, strict=True):
        moment = parse_as_of(str(q.as_of)).moment
        answer = normalize(q.answer)
        relevant = {
            int(i)
            for i, t, text in zip(ids, times, texts, strict=True)
            if t <= moment and answer in text
        }
        ranked = list(dict.fromkeys(r["article"]["id"] for r in json.loads(line)["results"]))
        scores = np.where(times <= moment, reference.get_scores(tokenize(q.question)), -np.inf)
        best = [int(ids[i]) for i in np.argsort(-scores, kind="stable")[:10] if scores[i] > 0]
        ours.append(ndcg(ranked, relevant))
        theirs.append(ndcg(best, relevant))
    result = {"ndcg10": float(np.mean(ours)), "bm25_ndcg10": float(np.mean(theirs))}
    print(
        f"articles: nDCG@10 {result['ndcg10']:.3f}   whole-article BM25 "
        f"{result['bm25_ndcg10']:.3f}   ({len(questions)} questions, as of their dates)"
    )
    return result


def ndcg(ranked: Sequence[int], relevant: set[int], k: int = 10) -> float:
    """Binary nDCG@k of a ranking of distinct ids."""
    gain = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return gain / ideal if ideal else 0.0


if __name__ == "__main__":
    sys.exit(main())
