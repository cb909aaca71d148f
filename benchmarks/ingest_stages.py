"""Where ingest time goes: each stage of an ingest, run alone over the same real articles.

    python benchmarks/ingest_stages.py [--articles 1500] [--rounds 3]

Reads the first N articles of news-1m and times, in CPU seconds of the process (its one
thread, and SQLite's for the store), what an end-to-end ingest does to them, stage by stage:
parse the records, fingerprint and canonical URL, split into sentences (Punkt), read what each
sentence names (the compiled reading of names, numbers and dates), tokenize the titles,
sketch each text for its outlet's near copies, store (SQLite, in batches as `ingest` stores
them), tokenize the sentences, build the
sentence index segment, and, where this checkout has one, the article index (made of the
sentence index's tokens and the titles' terms, or, in a checkout before that, each article
tokenized whole). Each stage runs
`--rounds` times on fresh state (new tokenizer, new database) and the median is reported,
with each stage's share. To compare two checkouts, run each one's copy of this script (a
checkout before index/builder.py, 3a72ddb, imports SegmentBuilder from index/index.py).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import add_corpus_option, missing  # noqa: E402
from benchmarks.corpus import DEFAULT_OUT  # noqa: E402
from benchmarks.realscale import ARTICLES, _articles_file  # noqa: E402
from retrieval.addresses import canonical_url
from retrieval.corpus.dates import to_timestamp  # noqa: E402
from retrieval.corpus.formats import read_records  # noqa: E402
from retrieval.corpus.ingest import BATCH  # noqa: E402
from retrieval.corpus.sentences import article_sentences  # noqa: E402
from retrieval.corpus.sketches import band_keys, shingle_hashes  # noqa: E402
from retrieval.corpus.store import CorpusStore  # noqa: E402
from retrieval.corpus.text import fingerprint, normal_words  # noqa: E402
from retrieval.index.bm25 import BM25Params  # noqa: E402
from retrieval.index.builder import SegmentBuilder  # noqa: E402
from retrieval.index.tokens import Tokenizer  # noqa: E402
from retrieval.ranking.answers import packed  # noqa: E402

try:  # a checkout from before prepare.py had these in store.py
    from retrieval.corpus.prepare import PreparedArticle, title_terms
except ImportError:
    from retrieval.corpus.store import (  # type: ignore[attr-defined,no-redef]
        PreparedArticle,
        title_terms,
    )


def _store(prepared: list[PreparedArticle]) -> None:
    from retrieval.corpus.db import connect

    async def store() -> None:
        folder = Path(tempfile.mkdtemp(prefix="ingest-stages-"))
        try:
            conn = await connect(folder / "newsbot.db")
            try:
                for start in range(0, len(prepared), BATCH):
                    await CorpusStore(conn).add_articles(prepared[start : start + BATCH])
            finally:
                await conn.close()
        finally:
            shutil.rmtree(folder)

    asyncio.run(store())


def _build(rows: list[Any]) -> None:
    builder = SegmentBuilder(Tokenizer())
    builder.add_many(rows)
    # A checkout whose segments hold BM25 parameters (index format 3 or older) takes them.
    takes_params = bool(inspect.signature(builder.build).parameters)
    builder.build(*([BM25Params()] if takes_params else []))


def _tokenize(texts: list[str]) -> None:
    tokenizer = Tokenizer()  # a new one, caches empty, as a fresh ingest process starts
    for text in texts:
        tokenizer(text)


def _article_index(
    drafts: list[Any], sentences: list[tuple[tuple[int, str], ...]], rows: list[Any]
) -> Callable[[], None] | None:
    """The article index's build, in a checkout that has one (else None): what it adds to
    the sentence index's, whose builder is made beforehand, untimed."""
    try:
        from retrieval.indexing import add_article
    except ImportError:
        return _article_documents(drafts)
    builder = SegmentBuilder(Tokenizer())
    builder.add_many(rows)
    counts = [len(split) for split in sentences]

    def build() -> None:
        documents = SegmentBuilder(Tokenizer(), builder.vocab)
        first = 0
        for i, (draft, count) in enumerate(zip(drafts, counts, strict=True), 1):
            add_article(documents, i, draft.title, 0.0, builder, first, count)
            first += count
        documents.build()

    return build


def _article_documents(drafts: list[Any]) -> Callable[[], None] | None:
    """The article index's build in a checkout whose article index tokenizes each article
    whole, title and text (else None: one without an article index)."""
    try:  # by name: what an older checkout has, this one's types do not say
        indexing = importlib.import_module("retrieval.indexing")
    except ImportError:
        return None
    article_document = getattr(indexing, "article_document", None)
    if article_document is None:
        return None
    rows = [(i, article_document(d.title, d.text), 0.0) for i, d in enumerate(drafts, 1)]
    return lambda: _build(rows)


def _rows(sentences: list[tuple[tuple[int, str], ...]]) -> list[Any]:
    """Index rows as this checkout's `SegmentBuilder.add_many` takes them."""
    texts = (text for split in sentences for _, text in split)
    if not hasattr(importlib.import_module("retrieval.index.index"), "Row"):
        return list(enumerate(texts, 1))  # a checkout whose rows carry no time
    return [(i, text, 0.0) for i, text in enumerate(texts, 1)]


def measure(path: Path, rounds: int) -> dict[str, Any]:
    clock = time.process_time
    spent: dict[str, list[float]] = {}

    def stage(name: str, work: Callable[[], Any]) -> Any:
        result = None
        for _ in range(rounds):
            started = clock()
            result = work()
            spent.setdefault(name, []).append(clock() - started)
        return result

    drafts = stage("parse records", lambda: [r.draft for r in read_records(path) if r.draft])
    marks = stage(
        "fingerprint, canonical URL",
        lambda: [(fingerprint(d.text), canonical_url(d.url)) for d in drafts],
    )
    sentences = stage(
        "split into sentences", lambda: [tuple(article_sentences(d.text)) for d in drafts]
    )
    read = stage(
        "what each sentence names",
        lambda: packed([text for split in sentences for _, text in split]),
    )
    titles = stage("title terms", lambda: [title_terms(d.title, Tokenizer()) for d in drafts])
    sketches = stage(
        "sketch (near copies)",
        lambda: [band_keys(shingle_hashes(normal_words(d.text)), d.source) for d in drafts],
    )
    finds = iter(read)
    prepared = [
        PreparedArticle(
            d,
            url,
            hash_,
            split,
            tuple(next(finds) for _ in split),
            title,
            to_timestamp(d.published),
            sketch=sketch,
        )
        for d, (hash_, url), split, title, sketch in zip(
            drafts, marks, sentences, titles, sketches, strict=True
        )
    ]
    stage("store (SQLite)", lambda: _store(prepared))
    rows = _rows(sentences)
    stage("tokenize sentences", lambda: _tokenize([row[1] for row in rows]))
    stage("sentence index: tokenize + build", lambda: _build(rows))
    articles = _article_index(drafts, sentences, rows)
    if articles is not None:
        stage("article index: tokenize + build", articles)
    medians = {name: statistics.median(values) for name, values in spent.items()}
    # tokenizing alone is part of the index build, shown to split the build's time
    total = sum(v for name, v in medians.items() if name != "tokenize sentences")
    return {
        "articles": len(drafts),
        "sentences": len(rows),
        "rounds": rounds,
        "cpu_s": medians,
        "total_cpu_s": total,
        "articles_per_cpu_s": len(drafts) / total if total else 0.0,
    }


def markdown(figures: dict[str, Any]) -> str:
    lines = [
        f"{figures['articles']:,} news-1m articles ({figures['sentences']:,} sentences), CPU "
        f"seconds of one thread, median of {figures['rounds']}:",
        "",
        "| stage | CPU s | share |",
        "|---|--:|--:|",
    ]
    total = figures["total_cpu_s"]
    for name, value in figures["cpu_s"].items():
        share = "(in the next)" if name == "tokenize sentences" else f"{value / total:.0%}"
        lines.append(f"| {name} | {value:.2f} | {share} |")
    lines.append(f"| all stages | {total:.2f} | {figures['articles_per_cpu_s']:,.0f} art/s |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_option(parser, ARTICLES, "the articles", "--articles-file")
    parser.add_argument("--articles", type=int, default=1500, help="first N (default 1500)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each stage (default 3)")
    parser.add_argument("--work", type=Path, default=DEFAULT_OUT / "ingest_stages")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.articles_file.exists():
        sys.exit(f"ingest_stages: {missing(args.articles_file)}")
    args.work.mkdir(parents=True, exist_ok=True)
    figures = measure(_articles_file(args.articles_file, args.work, args.articles), args.rounds)
    print(markdown(figures))
    if args.json:
        args.json.write_text(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
