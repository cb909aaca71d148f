"""The peers newsbot is measured against, each fed the corpus's pre-made tokens.

- rank-bm25 `BM25Okapi` (k1 1.5, b 0.75, epsilon 0.25): the reference newsbot's scores must
  equal. A query is `get_scores` over every sentence plus picking the top 10.
- bm25s `BM25(method="atire", idf_method="robertson")`: ATIRE's term-frequency part is
  BM25Okapi's (tf·(k1+1)/(tf + k1·(1-b+b·dl/avgdl))) and Robertson's idf is its
  log((N-df+0.5)/(df+0.5)), floored at 0 where rank-bm25 floors at epsilon·mean idf. Scores
  are float32. Indexed from token ids, numpy backend: bm25s's default, though numba (which
  newsbot needs) is installed and bm25s's numba backend gives the same top 10s some 25x
  sooner. On the numpy backend most of a question is one `np.argpartition` over every
  sentence's score, mostly zeros, whose kernel numpy picks by the CPU (`measure.host`).
- SQLite FTS5: a contentless table of the space-joined tokens (unicode61, `_` kept in words,
  so its terms are ours), optimized after loading; a query is MATCH "t1" OR "t2" ... ORDER BY
  rank (bm25(), whose k1 is 1.2) LIMIT 10, over a fresh connection with the file mmapped.

Each function builds, times the queries it is given, and returns its figures as a dict.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.corpus import Corpus
from benchmarks.measure import K, Ranked, by_set, memory_mb, time_queries
from benchmarks.queries import Query


def top_k(scores: npt.NDArray[np.floating[Any]], k: int = K) -> Ranked:
    """The k best positive scores, ties to the lower position (as newsbot breaks them)."""
    if len(scores) > k:
        kth = scores[np.argpartition(-scores, k - 1)[:k]].min()
        candidates = np.nonzero(scores >= kth)[0]
    else:
        candidates = np.arange(len(scores))
    candidates = candidates[scores[candidates] > 0]
    order = np.lexsort((candidates, -scores[candidates]))[:k]
    return [(int(candidates[i]), float(scores[candidates[i]])) for i in order]


def _figures(
    build_s: float,
    input_mb: float,
    queries: Sequence[Query],
    keys: Sequence[int],
    durations: Sequence[float],
    ranked: Sequence[Ranked],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "build_s": build_s,
        "input_mb": input_mb,
        "peak_mb": memory_mb(),
        "queries": by_set(queries, durations),
        "top10": {str(key): r for key, r in zip(keys, ranked, strict=True)},
        **extra,
    }


def run_rank_bm25(corpus: Corpus, queries: Sequence[Query], keys: Sequence[int]) -> dict[str, Any]:
    from rank_bm25 import BM25Okapi

    documents = corpus.token_lists()
    input_mb = memory_mb("VmRSS")
    started = time.perf_counter()
    bm25 = BM25Okapi(documents)
    build_s = time.perf_counter() - started
    del documents

    def search(query: Query) -> Ranked:
        return top_k(bm25.get_scores(list(query.tokens)))

    durations, ranked = time_queries(search, queries, warmup=1)
    return _figures(build_s, input_mb, queries, keys, durations, ranked)


def run_bm25s(corpus: Corpus, queries: Sequence[Query], keys: Sequence[int]) -> dict[str, Any]:
    import bm25s

    ids = corpus.id_lists()
    vocab = {term: i for i, term in enumerate(corpus.vocab())}
    query_ids = [[vocab[t] for t in q.tokens if t in vocab] for q in queries]
    input_mb = memory_mb("VmRSS")
    started = time.perf_counter()
    retriever = bm25s.BM25(k1=1.5, b=0.75, method="atire", idf_method="robertson")
    retriever.index((ids, vocab), show_progress=False)
    build_s = time.perf_counter() - started
    del ids

    def search(tokens: list[int]) -> Ranked:
        docs, scores = retriever.retrieve([tokens], k=K, show_progress=False, n_threads=0)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    durations, ranked = time_queries(search, query_ids)
    return _figures(build_s, input_mb, queries, keys, durations, ranked, backend=retriever.backend)


def run_fts5(corpus: Corpus, queries: Sequence[Query], keys: Sequence[int]) -> dict[str, Any]:
    path = corpus.folder / "fts5.db"
    for leftover in corpus.folder.glob("fts5.db*"):
        leftover.unlink()
    vocab = corpus.vocab()
    bodies = [" ".join(vocab[i] for i in ids) for ids in corpus.id_lists()]
    input_mb = memory_mb("VmRSS")
    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    # '.' is part of a term: newsbot keeps decimals ("1.5") whole.
    db.execute(
        "CREATE VIRTUAL TABLE passages USING fts5(body, content='',"
        " tokenize=\"unicode61 remove_diacritics 0 tokenchars '_.'\")"
    )
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO passages (rowid, body) VALUES (?, ?)",
        ((i + 1, body) for i, body in enumerate(bodies)),
    )
    db.execute("COMMIT")
    db.execute("INSERT INTO passages (passages) VALUES ('optimize')")
    db.close()
    build_s = time.perf_counter() - started
    del bodies
    same_terms = _fts5_terms_match(path, corpus)

    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA mmap_size = 4294967296")
    sql = (
        "SELECT rowid, -bm25(passages) FROM passages WHERE passages MATCH ? ORDER BY rank LIMIT ?"
    )

    def search(query: Query) -> Ranked:
        match = " OR ".join(f'"{t}"' for t in query.tokens)
        return [(int(row) - 1, float(score)) for row, score in db.execute(sql, (match, K))]

    try:
        durations, ranked = time_queries(search, queries)
    finally:
        db.close()
    return _figures(
        build_s,
        input_mb,
        queries,
        keys,
        durations,
        ranked,
        disk_mb=path.stat().st_size / 2**20,
        terms_match=same_terms,
    )


def _fts5_terms_match(path: Any, corpus: Corpus) -> bool:
    """Whether FTS5 split the joined tokens back into exactly our terms and frequencies."""
    ids, _ = corpus.token_arrays()
    vocab = corpus.vocab()
    ours = dict(zip(vocab, np.bincount(ids, minlength=len(vocab)).tolist(), strict=True))
    db = sqlite3.connect(path)
    try:
        db.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, passages, 'row')")
        theirs = dict(db.execute("SELECT term, cnt FROM temp.terms").fetchall())
    finally:
        db.close()
    return ours == theirs
