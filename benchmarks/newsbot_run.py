"""newsbot's side of the benchmark, through its real code paths.

- build: what a rebuild of the sentence index does (read stored sentences from the database
  in batches, a `SegmentBuilder`, one segment), phase by phase; tokenization is included,
  unlike the peers, which are handed tokens;
- query: `Index.search(tokens, 10)` with the shared tokens;
- persisted start-up: `files.save_index`, then loading it as `open_indexes` does
  (`load_segments`, checksums verified, plus its count of the database's sentences), and the
  same queries against the loaded, memory-mapped index;
- freshness: `Index.add` of one real article (~30 sentences) to the loaded index, timed until a
  query finds it; then queries over the extra small segments, and `compact`;
- ingest: `Engine.ingest` + `Engine.refresh` + `Engine.save_index` on real files, end to end.
"""

from __future__ import annotations

import asyncio
import resource
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpus import Corpus, ensure_database
from benchmarks.measure import K, Ranked, by_set, latency, memory_mb, time_queries
from benchmarks.queries import Query
from retrieval.corpus.db import connect, database_id
from retrieval.corpus.store import CorpusStore
from retrieval.engine import Engine
from retrieval.index.bm25 import BM25Params
from retrieval.index.builder import SegmentBuilder
from retrieval.index.files import index_dir, load_segments, save_index
from retrieval.index.index import Index
from retrieval.index.tokens import Tokenizer
from retrieval.indexing import SENTENCES, signature

ADDED_ARTICLES = 20  # articles added one at a time to the big index
ADDED_SIZE = (20, 40)  # sentences in each: a long news story


def _searcher(index: Index) -> Any:
    def search(query: Query) -> Ranked:
        return [(hit.doc_id - 1, hit.score) for hit in index.search(list(query.tokens), K)]

    return search


def _folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def run_newsbot(corpus: Corpus, queries: Sequence[Query], keys: Sequence[int]) -> dict[str, Any]:
    db_path = ensure_database(corpus)
    shutil.rmtree(index_dir(db_path), ignore_errors=True)
    return asyncio.run(_measure(corpus, db_path, queries, keys))


async def _measure(
    corpus: Corpus, db_path: Path, queries: Sequence[Query], keys: Sequence[int]
) -> dict[str, Any]:
    conn = await connect(db_path)
    try:
        store = CorpusStore(conn)
        db_id = await database_id(conn)
        input_mb = memory_mb("VmRSS")
        tokenizer, params = Tokenizer(), BM25Params()

        clock = time.perf_counter
        started = clock()
        builder = SegmentBuilder(tokenizer)
        read_s = tokenize_s = 0.0
        watermark = 0
        batches = store.sentences_after(0).__aiter__()
        while True:
            t0 = clock()
            try:
                rows = await anext(batches)
            except StopAsyncIteration:
                read_s += clock() - t0
                break
            t1 = clock()
            read_s += t1 - t0
            builder.add_many(row[:3] for row in rows)  # (id, text, time) of (..., article)
            watermark = rows[-1][0]
            tokenize_s += clock() - t1
        t2 = clock()
        index = Index(tokenizer, params, [builder.build()], watermark)
        arrays_s = clock() - t2
        build_s = clock() - started
        del builder

        durations, ranked = time_queries(_searcher(index), queries)
        figures: dict[str, Any] = {
            "build_s": build_s,
            "build_phases_s": {"read": read_s, "tokenize": tokenize_s, "arrays": arrays_s},
            "input_mb": input_mb,
            "peak_mb": memory_mb(),
            "queries": by_set(queries, durations),
            "top10": {str(key): r for key, r in zip(keys, ranked, strict=True)},
        }
        figures["persisted"] = await _persisted(index, store, db_path, db_id, queries, ranked)
        figures["persisted"]["freshness"] = _freshness(
            figures["persisted"].pop("index"), corpus, queries
        )
        figures["final_peak_mb"] = memory_mb()
        return figures
    finally:
        await conn.close()


async def _persisted(
    built: Index,
    store: CorpusStore,
    db_path: Path,
    db_id: str,
    queries: Sequence[Query],
    expected: Sequence[Ranked],
) -> dict[str, Any]:
    folder = index_dir(db_path)
    clock = time.perf_counter
    started = clock()
    saved_as = signature(built, SENTENCES)  # as `Engine.open` expects it
    save_index(built, folder, db_id, saved_as)
    save_s = clock() - started

    started = clock()
    segments, watermark, count = load_segments(
        folder, {"database_id": db_id, "signature": saved_as}
    )
    loaded = Index(built.tokenizer, built.params, segments, watermark)
    load_s = clock() - started
    started = clock()
    in_database = await store.count_sentences_upto(watermark)
    count_s = clock() - started

    search = _searcher(loaded)
    started = clock()
    search(queries[0])
    first_query_s = clock() - started
    durations, ranked = time_queries(search, queries, warmup=0)
    return {
        "save_s": save_s,
        "disk_mb": _folder_mb(folder),
        "load_s": load_s,
        "count_sentences_s": count_s,
        "count_matches": in_database == count,
        "first_query_ms": first_query_s * 1000,
        "queries": by_set(queries, durations),
        "same_results_as_built": list(ranked) == list(expected),
        "index": loaded,
    }


def _freshness(index: Index, corpus: Corpus, queries: Sequence[Query]) -> dict[str, Any]:
    """Add real articles one by one, each made findable by a marker word in its first line."""
    low, high = ADDED_SIZE
    articles = [(s, e) for _, s, e in corpus.articles() if low <= e - s <= high][:ADDED_ARTICLES]
    add_s, visible_s, found = [], [], 0
    clock = time.perf_counter
    for number, (first, end) in enumerate(articles):
        base = index.snapshot.watermark + 1
        marker = f"benchmarkmarker{number}"
        rows = [
            (base + i, corpus.text(p) + (f" {marker}" if i == 0 else ""))
            for i, p in enumerate(range(first, end))
        ]
        started = clock()
        index.add(rows)
        added = clock()
        hits = index.search(marker, K)
        visible = clock()
        add_s.append(added - started)
        visible_s.append(visible - started)
        found += bool(hits) and hits[0].doc_id == base
    segments = len(index.snapshot.segments)
    durations, _ = time_queries(_searcher(index), queries)
    started = clock()
    index.compact()
    compact_s = clock() - started
    return {
        "articles": len(articles),
        "sentences_per_article": [e - s for s, e in articles],
        "add": latency(add_s),
        "add_until_found": latency(visible_s),
        "found": found,
        "segments_after_adds": segments,
        "queries_after_adds": by_set(queries, durations),
        "compact_s": compact_s,
        "segments_after_compact": len(index.snapshot.segments),
    }


def run_ingest(paths: Sequence[Path], folder: Path) -> dict[str, Any]:
    """Ingest real files into a new database in `folder`, end to end; time each stage."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return asyncio.run(_ingest(paths, folder / "newsbot.db"))


async def _ingest(paths: Sequence[Path], db_path: Path) -> dict[str, Any]:
    engine = await Engine.open(db_path)
    try:
        clock, cpu = time.perf_counter, _cpu_with_children
        started, cpu_started = clock(), cpu()
        report = await engine.ingest(paths)
        stored, cpu_stored = clock(), cpu()
        # a large ingest prepares its batches in a worker process, ended by now
        peak_storing, worker_peak = memory_mb(), _children_peak_mb()
        indexed = await engine.refresh()
        refreshed, cpu_refreshed = clock(), cpu()
        await engine.save_index()
        saved = clock()
    finally:
        await engine.close()
    end_to_end = refreshed - started
    cpu_s = cpu_refreshed - cpu_started
    return {
        "files": [str(p) for p in paths],
        "added": report.added,
        "duplicates": report.duplicates,
        "failures": report.failed,
        "sentences": report.sentences,
        "indexed": indexed,
        "parse_split_store_s": stored - started,
        "index_s": refreshed - stored,
        "save_index_s": saved - refreshed,
        "articles_per_s": report.added / end_to_end if end_to_end else 0.0,
        # CPU time of all the process's threads and of its worker process: what a machine
        # shared with other work changes least
        "cpu_store_s": cpu_stored - cpu_started,
        "cpu_index_s": cpu_refreshed - cpu_stored,
        "articles_per_cpu_s": report.added / cpu_s if cpu_s else 0.0,
        "sentences_per_s": report.sentences / end_to_end if end_to_end else 0.0,
        # both processes at once at most: the worker's peak beside this one's while it ran,
        # or this one's alone later (the index is built once the worker has ended)
        "peak_mb": max(peak_storing + worker_peak, memory_mb()),
        "worker_peak_mb": worker_peak,
    }


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its children waited for (the ingest's worker)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _children_peak_mb() -> float:
    """The largest peak resident set of this process's children waited for, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
