"""Issue 14's benchmark: newsbot on a million real news sentences and 1,000 real questions,
with bm25s (and rank-bm25 on a sample) measured side by side in the same run.

    python benchmarks/realscale.py [--work FOLDER]

1. ingest news-1m (`news-1m/articles.jsonl.gz` in $NEWSBOT_CORPUS) end to end into a fresh
   database, in a worker process run as a default install: parse, split, store, index
   (articles/s, CPU time, peak memory). The database and these figures are kept under
   `--work`; a later run reuses them and only asks (`--reingest` ingests again);
2. tokenize every stored sentence once with newsbot's Tokenizer (cached next to the
   database) and the questions of `news-qa-dev/questions.jsonl`: the peers get these tokens;
3. a fresh serving process (`benchmarks/realserve.py`, as a default install): ready time, the
   whole question as `newsbot ask` answers it, index top-10 and top-60, serving memory, and a
   profile of where a whole question's time goes;
4. bm25s over the same sentences and tokens, every question, top 10 (a worker process);
5. rank-bm25 on a sample of questions (a worker process); newsbot's top 10s compared with its;
6. with `--generated N`, steps 3-5 again on the generated corpus of N sentences
   (`benchmarks/corpus.py`): a second row, labelled as such.
Writes `results.{md,json}` in the work folder and prints the tables. docs/performance.md says
what each figure means.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import numpy as np

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import realreport  # noqa: E402
from benchmarks.corpora import add_corpus_option, missing  # noqa: E402
from benchmarks.corpus import DEFAULT_OUT, ROOT  # noqa: E402
from benchmarks.measure import run_worker, worker_env  # noqa: E402

ARTICLES = "news-1m/articles.jsonl.gz"
QUESTIONS = "news-qa-dev/questions.jsonl"
HOUR = 3600.0
CACHE_FORMAT = 1
REAL_LABEL = "news-1m, real questions"
GENERATED_LABEL = "generated (recombined BBC + Reuters)"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _code_version() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def _articles_file(source: Path, work: Path, limit: int | None) -> Path:
    """news-1m itself, or its first `limit` articles written once to a file of their own."""
    if limit is None:
        return source
    path = work / f"news-1m-first-{limit}.jsonl.gz"
    if not path.exists():
        with gzip.open(source, "rb") as whole, gzip.open(path, "wb", compresslevel=1) as part:
            part.writelines(itertools.islice(whole, limit))
    return path


def ingest(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """Ingest the articles into `folder/ingest/newsbot.db` in a worker, unless a database is
    there already (and `--reingest` is not given); the ingest's figures, and whether they
    are from this run."""
    saved = folder / "ingest.json"
    if not args.reingest and (folder / "ingest" / "newsbot.db").exists() and saved.exists():
        figures: dict[str, Any] = json.loads(saved.read_text())
        log(f"ingest: reusing the database ingested by {figures['code']} (--reingest: again)")
        return figures | {"cached": True}
    log("ingest")
    # As a default install runs it: with the bench extra's scipy importable, `import nltk`
    # (the sentence splitter) loads scipy.stats, seconds a `pip install newsbot` never pays.
    figures = run_worker(
        "benchmarks.default_install",
        [
            "benchmarks.worker",
            "ingest",
            "--paths",
            str(_articles_file(args.articles_file, args.work, args.articles)),
            "--folder",
            str(folder / "ingest"),
        ],
        folder / "work-ingest.json",
        args.timeout,
    )
    figures["code"] = _code_version()
    saved.write_text(json.dumps(figures))
    return figures | {"cached": False}


def _database_id(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn, conn:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()[0])


def token_cache(db: Path, folder: Path, questions: list[str]) -> Path:
    """A corpus folder (`benchmarks.corpus.Corpus` layout) for the peers: every stored
    sentence's token ids, the vocabulary, the sentence ids and the questions' tokens."""
    from retrieval.index.tokens import Tokenizer

    tokenizer = Tokenizer()
    with closing(sqlite3.connect(db)) as conn, conn:
        count = int(conn.execute("SELECT count(*) FROM sentences").fetchone()[0])
    wanted = {
        "format": CACHE_FORMAT,
        "database_id": _database_id(db),
        "size": count,
        "tokenizer": tokenizer.signature,
        "questions": hashlib.sha256("\n".join(questions).encode()).hexdigest(),
    }
    meta_path = folder / "meta.json"
    if meta_path.exists() and all(
        json.loads(meta_path.read_text()).get(k) == v for k, v in wanted.items()
    ):
        return folder
    log(f"tokenizing {count:,} stored sentences for the peers")
    folder.mkdir(parents=True, exist_ok=True)
    vocab: dict[str, int] = {}
    ids: list[int] = []
    offsets = [0]
    sentence_ids = []
    with closing(sqlite3.connect(db)) as conn, conn:
        for sentence_id, text in conn.execute("SELECT id, text FROM sentences ORDER BY id"):
            ids.extend(vocab.setdefault(t, len(vocab)) for t in tokenizer(text))
            offsets.append(len(ids))
            sentence_ids.append(sentence_id)
    np.save(folder / "token_ids.npy", np.array(ids, dtype=np.int32))
    np.save(folder / "token_offsets.npy", np.array(offsets, dtype=np.int64))
    np.save(folder / "sentence_ids.npy", np.array(sentence_ids, dtype=np.int64))
    (folder / "vocab.json").write_text(json.dumps(list(vocab), ensure_ascii=False))
    queries = [{"set": "real", "text": q, "tokens": tokenizer(q)} for q in questions]
    queries = [q for q in queries if any(t in vocab for t in q["tokens"])]
    (folder / "queries.json").write_text(json.dumps(queries, ensure_ascii=False))
    meta = {**wanted, "asked": len(questions), "queries": len(queries), "terms": len(vocab)}
    meta_path.write_text(json.dumps(meta | {"tokens": len(ids)}))
    return folder


def _ensure_saved_index(db: Path) -> None:
    """Open the database once, so that the serving process loads a saved index."""
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(db), "stats"],
        cwd=ROOT,
        env=worker_env(),
        check=True,
        capture_output=True,
    )


def measure(args: argparse.Namespace, label: str, corpus: Path, db: Path) -> dict[str, Any]:
    """Serving process, bm25s and rank-bm25 on one corpus folder (steps 3-5)."""
    _ensure_saved_index(db)
    work = corpus / "work"
    work.mkdir(exist_ok=True)
    log(f"{label}: serving process")
    serving = run_worker(
        "benchmarks.default_install",
        [
            "benchmarks.realserve",
            "--db",
            str(db),
            "--queries",
            str(corpus / "queries.json"),
            "--profile",
        ],
        work / "serve.json",
        args.timeout,
    )
    serving["ready_s"] = serving["answered_at"] - serving["spawned_at"]
    peers: dict[str, Any] = {}
    for system, per_set in (("bm25s", 0), ("rank-bm25", args.rank_bm25_queries)):
        log(f"{label}: {system}")
        peers[system] = run_worker(
            "benchmarks.worker",
            [system, "--corpus", str(corpus), "--per-set", str(per_set)],
            work / f"{system}.json",
            args.timeout,
        )
    sentence_ids = np.load(corpus / "sentence_ids.npy")
    ours = {
        key: [(int(np.searchsorted(sentence_ids, sid)), score) for sid, score in hits]
        for key, hits in serving.pop("top10_by_sentence_id").items()
    }
    return {
        "label": label,
        "corpus": json.loads((corpus / "meta.json").read_text()),
        "serving": serving,
        "peers": {
            name: {k: v for k, v in fig.items() if k != "top10"} for name, fig in peers.items()
        },
        "parity": realreport.parity(ours, peers),
    }


def generated(work: Path, size: int) -> tuple[Path, Path]:
    """The generated corpus of `size` sentences (built once, cached) as a corpus folder with
    its own news questions, and its database."""
    from benchmarks.corpus import build_corpus, ensure_database

    corpus = build_corpus(size, DEFAULT_OUT)
    db = ensure_database(corpus)
    folder = work / f"generated-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("token_ids.npy", "token_offsets.npy", "vocab.json"):
        target = folder / name
        if not target.exists():
            target.symlink_to(corpus.folder / name)
    np.save(folder / "sentence_ids.npy", np.arange(1, corpus.size + 1, dtype=np.int64))
    queries = [
        q for q in json.loads((corpus.folder / "queries.json").read_text()) if q["set"] == "news"
    ]
    (folder / "queries.json").write_text(json.dumps(queries, ensure_ascii=False))
    (folder / "meta.json").write_text(json.dumps({**corpus.meta, "queries": len(queries)}))
    return folder, db


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_option(parser, ARTICLES, "the articles to ingest", "--articles-file")
    add_corpus_option(parser, QUESTIONS, "the real questions", "--questions-file")
    parser.add_argument(
        "--work",
        type=Path,
        default=DEFAULT_OUT / "realscale",
        help="where the database, caches and results go (default benchmarks/out/realscale)",
    )
    parser.add_argument(
        "--articles", type=int, metavar="N", help="ingest only the first N articles (quick)"
    )
    parser.add_argument("--questions", type=int, metavar="N", help="only the first N questions")
    parser.add_argument(
        "--reingest", action="store_true", help="ingest again even if the work folder has a db"
    )
    parser.add_argument(
        "--rank-bm25-queries",
        type=int,
        default=10,
        metavar="N",
        help="questions timed with rank-bm25, seconds each at 1M (default 10)",
    )
    parser.add_argument(
        "--generated",
        type=int,
        default=0,
        metavar="N",
        help="also measure the generated corpus of N sentences, as a second row (default: no)",
    )
    parser.add_argument("--timeout", type=float, default=2 * HOUR, help="per worker, seconds")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for path in (args.articles_file, args.questions_file):
        if not path.exists():
            sys.exit(f"realscale: {missing(path)}")
    args.work.mkdir(parents=True, exist_ok=True)
    lines = args.questions_file.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    questions = questions[: args.questions]
    real = args.work / ("news-1m" if args.articles is None else f"news-1m-first-{args.articles}")
    real.mkdir(exist_ok=True)
    run: dict[str, Any] = {"ingest": ingest(args, real), "rows": [], "code": _code_version()}
    db = real / "ingest" / "newsbot.db"
    corpus = token_cache(db, real / "tokens", questions)
    run["rows"].append(measure(args, REAL_LABEL, corpus, db))
    if args.generated:
        log("generated corpus")
        folder, generated_db = generated(args.work, args.generated)
        run["rows"].append(measure(args, GENERATED_LABEL, folder, generated_db))
    markdown = realreport.markdown(run)
    print(markdown)
    (args.work / "results.md").write_text(markdown)
    (args.work / "results.json").write_text(json.dumps(run, indent=1))
    log(f"wrote {args.work / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
