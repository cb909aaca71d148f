"""Score the sources `newsbot ask` gives for a claim: other outlets' reports of its story.

    python benchmarks/sources.py --db PATH [--newsbot CMD] [--query lead|title]

A claim asks for sources, not an answer (the held-out set of another kind ranks scientific
abstracts for claims through `ask --json`; whole-document BM25 scores nDCG@10 0.69 there).
This is its stand-in on real news: story-roundups-dev (development corpora, $NEWSBOT_CORPUS,
else <repo>/../shared/corpus) holds 731 reports of 252 stories, each told by up to three
outlets. Each report's first sentence (or its title) is asked, plainly, through one
`newsbot ask --json --limit 11` process; the relevant articles are the other reports of its
story, and the ranking is the distinct articles of the answer in order, the asking report
left out. Beside it, whole-article BM25 (rank_bm25 over title and text, newsbot's tokens).
The articles are ingested into --db once (kept, so later runs only ask).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

if __name__ == "__main__" and not __package__:  # run as a script: make the repo importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from rank_bm25 import BM25Okapi

from benchmarks.corpora import add_corpus_option
from benchmarks.evaluate import EvaluationError, ingest, newsbot_command, run
from benchmarks.news_qa import ndcg
from retrieval.index.tokens import Tokenizer

ROUNDUPS = "story-roundups-dev/articles.jsonl"
QUERIES = ("lead", "title")


def stored_reports(db: Path, roundups: Path) -> dict[int, tuple[str, str, str]]:
    """Each stored report by id: its title, its first sentence as stored, its story."""
    story = {}
    for line in roundups.read_text(encoding="utf-8").splitlines():
        if line.strip():
            report = json.loads(line)
            story[" ".join(report["title"].split()), report["source"]] = str(report["cluster"])
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT a.id, a.title, a.source, s.text FROM articles a"
            " JOIN sentences s ON s.article_id = a.id AND s.position = 0 ORDER BY a.id"
        ).fetchall()
    finally:
        conn.close()
    return {
        int(i): (title, lead, story[" ".join(title.split()), source])
        for i, title, source, lead in rows
    }


def score(newsbot: list[str], db: Path, roundups: Path, query: str) -> dict[str, float]:
    """nDCG@10 of newsbot's sources and of whole-article BM25, asking each report's `query`."""
    reports = stored_reports(db, roundups)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        texts = dict(conn.execute("SELECT id, title || '\n' || text FROM articles").fetchall())
    finally:
        conn.close()
    ids = sorted(reports)
    tokenize = Tokenizer()
    reference = BM25Okapi([tokenize(texts[i]) for i in ids])
    asked = [i for i in ids if any(reports[j][2] == reports[i][2] for j in ids if j != i)]
    text = {i: reports[i][0] if query == "title" else reports[i][1] for i in asked}
    stdin = "".join(json.dumps({"question": text[i], "limit": 11}) + "\n" for i in asked)
    lines = run([*newsbot, "--db", str(db), "ask", "--json"], stdin=stdin).splitlines()
    ours, theirs = [], []
    for i, line in zip(asked, lines, strict=True):
        relevant = {j for j in ids if j != i and reports[j][2] == reports[i][2]}
        quoted = dict.fromkeys(r["article"]["id"] for r in json.loads(line)["results"])
        scores = reference.get_scores(tokenize(text[i]))
        best = [ids[k] for k in np.argsort(-scores, kind="stable") if ids[k] != i]
        ours.append(ndcg([j for j in quoted if j != i], relevant))
        theirs.append(ndcg(best[:10], relevant))
    return {
        "questions": len(asked),
        "ndcg10": float(np.mean(ours)),
        "bm25_ndcg10": float(np.mean(theirs)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sources.py", description=__doc__.split("\n\n")[0])
    add_corpus_option(parser, ROUNDUPS, "the story roundups")
    parser.add_argument(
        "--db",
        type=Path,
        required=True,
        help="database to ask; the roundups are ingested into it if it is new",
    )
    parser.add_argument("--newsbot", metavar="CMD", help="command that runs newsbot")
    parser.add_argument("--query", choices=QUERIES, help="ask one way only (default: both)")
    args = parser.parse_args(argv)
    newsbot = newsbot_command(args.newsbot)
    try:
        if not args.db.exists():
            ingest(newsbot, args.db, args.corpus, None)
        for query in [args.query] if args.query else QUERIES:
            figures = score(newsbot, args.db, args.corpus, query)
            print(
                f"{query:>5}: sources nDCG@10 {figures['ndcg10']:.3f}   whole-article BM25 "
                f"{figures['bm25_ndcg10']:.3f}   ({figures['questions']} claims)",
                flush=True,
            )
    except EvaluationError as error:
        print(f"sources.py: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
