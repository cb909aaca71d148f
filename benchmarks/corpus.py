"""The benchmark corpus: N sentences, real ones first, then synthetic ones; built once, cached.

Real sentences come from the BBC and Reuters files of the development corpora (the folder
NEWSBOT_CORPUS names), split with newsbot's own `article_sentences`; whole articles are taken
in a seeded random order, so every size is a prefix of the next and the sentences of an
article stay together. Past the real ones
(about 160,000), `generator.synthetic_articles` continues the stream.

Each sentence is tokenized ONCE with `retrieval.tokens.Tokenizer`; the token ids are what the
peers (rank-bm25, bm25s, FTS5) index, so every system sees the same terms. newsbot indexes the
text itself, through its own pipeline, from a real newsbot database (`ensure_database`).

Layout of `benchmarks/out/corpus-<size>-<generator>-s<seed>/` (git-ignored):
texts.bin + text_offsets.npy (UTF-8 sentences), token_ids.npy + token_offsets.npy + vocab.json,
article_starts.npy + articles.json, queries.json, meta.json, and newsbot.db when asked for.

Run `python benchmarks/corpus.py --size 1000000` to build one without benchmarking.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mmap
import shutil
import sqlite3
import sys
import time
from array import array
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import corpus_dir, missing  # noqa: E402
from benchmarks.generator import GENERATORS  # noqa: E402
from benchmarks.queries import Query  # noqa: E402

if TYPE_CHECKING:
    from retrieval.index.tokens import Tokenizer

# Workers import this module only to read a corpus; what building needs (NLTK, trafilatura,
# aiosqlite) is imported where it is used, so it stays out of their memory figures.

ROOT = Path(__file__).resolve().parents[1]
REAL_FILES = ("bbc-news.jsonl.gz", "reuters-21578.jsonl.gz")
DEFAULT_OUT = ROOT / "benchmarks" / "out"
DEFAULT_SEED = 6
QUERY_POOL = 10_000  # questions come from the first real sentences, present at every size
FORMAT = 1  # bump when the layout or the generation changes: cached corpora are rebuilt
_ORDER_TAG = 1


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    source: str | None
    published: str | None
    url: str | None
    sentences: tuple[str, ...]


@lru_cache(maxsize=1)
def real_articles(source: Path | None = None) -> tuple[Article, ...]:
    """The articles of the real files, split into sentences exactly as newsbot splits them.

    Kept for the process's next corpus: splitting takes several seconds.
    """
    from retrieval.corpus.formats import read_records
    from retrieval.corpus.sentences import article_sentences

    folder = source or corpus_dir()
    articles = []
    for name in REAL_FILES:
        for record in read_records(folder / name):
            draft = record.draft
            if draft is None:
                continue
            sentences = tuple(s for _, s in article_sentences(draft.text))
            if sentences:
                articles.append(
                    Article(draft.title, draft.source, draft.published, draft.url, sentences)
                )
    return tuple(articles)


class Corpus:
    """A built corpus folder; reads lazily, so a worker loads only what its system needs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.meta: dict[str, Any] = json.loads((folder / "meta.json").read_text())

    @property
    def size(self) -> int:
        return int(self.meta["size"])

    @property
    def database_path(self) -> Path:
        return self.folder / "newsbot.db"

    @cached_property
    def _text_offsets(self) -> npt.NDArray[np.int64]:
        offsets: npt.NDArray[np.int64] = np.load(self.folder / "text_offsets.npy")
        return offsets

    @cached_property
    def _text_bytes(self) -> mmap.mmap:
        with (self.folder / "texts.bin").open("rb") as fh:
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def text(self, i: int) -> str:
        offsets = self._text_offsets
        return self._text_bytes[int(offsets[i]) : int(offsets[i + 1])].decode()

    def texts(self) -> Iterator[str]:
        data, offsets = self._text_bytes, self._text_offsets.tolist()
        for start, end in zip(offsets, offsets[1:], strict=False):
            yield data[start:end].decode()

    def token_arrays(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
        """Token ids of all sentences, flat, and where each sentence's start (size + 1)."""
        return np.load(self.folder / "token_ids.npy"), np.load(self.folder / "token_offsets.npy")

    def vocab(self) -> list[str]:
        vocab: list[str] = json.loads((self.folder / "vocab.json").read_text())
        return vocab

    def id_lists(self) -> list[list[int]]:
        ids, offsets = self.token_arrays()
        flat, bounds = ids.tolist(), offsets.tolist()
        return [flat[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]

    def token_lists(self) -> list[list[str]]:
        """Each sentence's terms; equal terms share one str object, as rank-bm25 would want."""
        vocab = self.vocab()
        return [[vocab[i] for i in ids] for ids in self.id_lists()]

    def queries(self) -> list[Query]:
        raw = json.loads((self.folder / "queries.json").read_text())
        return [Query(q["set"], q["text"], tuple(q["tokens"])) for q in raw]

    def articles(self) -> list[tuple[dict[str, Any], int, int]]:
        """(attribution, first sentence, end) of every article, in corpus order."""
        info = json.loads((self.folder / "articles.json").read_text())
        starts = np.load(self.folder / "article_starts.npy").tolist() + [self.size]
        return [(a, s, e) for a, s, e in zip(info, starts, starts[1:], strict=False)]


def corpus_folder(
    out: Path, size: int, seed: int, generator: str, real_limit: int | None = None
) -> Path:
    limit = "" if real_limit is None else f"-r{real_limit}"
    return out / f"corpus-{size}-{generator}-s{seed}{limit}"


def build_corpus(
    size: int,
    out: Path = DEFAULT_OUT,
    seed: int = DEFAULT_SEED,
    generator: str = "recombine",
    news: int = 200,
    zipf: int = 100,
    source: Path | None = None,
    real_limit: int | None = None,
) -> Corpus:
    """The corpus of `size` sentences, from the cache when one was built with these settings.

    `real_limit` caps the real sentences, so that a small corpus reaches the generator too.
    """
    from retrieval.index.tokens import Tokenizer

    if generator not in GENERATORS:
        raise ValueError(f"unknown generator {generator!r}: use {' or '.join(GENERATORS)}")
    if size < 100:
        raise ValueError(f"a corpus needs at least 100 sentences, not {size}")
    source = source or corpus_dir()
    for name in REAL_FILES:
        if not (source / name).is_file():
            raise FileNotFoundError(missing(source / name))
    tokenizer = Tokenizer()
    wanted = {
        "format": FORMAT,
        "size": size,
        "seed": seed,
        "generator": generator,
        "tokenizer": tokenizer.signature,
        "news_queries": news,
        "zipf_queries": zipf,
        "real_limit": real_limit,
        "sources": {n: (source / n).stat().st_size for n in REAL_FILES},
    }
    folder = corpus_folder(out, size, seed, generator, real_limit)
    if (folder / "meta.json").exists():
        meta = json.loads((folder / "meta.json").read_text())
        if all(meta.get(k) == v for k, v in wanted.items()):
            return Corpus(folder)
    shutil.rmtree(folder, ignore_errors=True)
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    started = time.perf_counter()
    meta = {
        **wanted,
        **_write_corpus(tmp, size, seed, generator, news, zipf, source, tokenizer, real_limit),
    }
    meta["build_s"] = round(time.perf_counter() - started, 2)
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1))
    tmp.rename(folder)
    return Corpus(folder)


def _stream(
    size: int, seed: int, generator: str, source: Path, real_limit: int | None
) -> tuple[list[Article], int]:
    """The corpus's articles (the last one cut to fit) and how many sentences are real."""
    from benchmarks.generator import synthetic_articles

    real = real_articles(source)
    order = np.random.default_rng([seed, _ORDER_TAG]).permutation(len(real)).tolist()
    chosen: list[Article] = []
    count = 0
    budget = size if real_limit is None else min(size, real_limit)
    for i in order:
        if count >= budget:
            break
        article = real[i]
        keep = article.sentences[: budget - count]
        chosen.append(Article(article.title, article.source, article.published, article.url, keep))
        count += len(keep)
    real_count = count
    if count < size:
        pool = [a.sentences for a in real]
        for title, sentences in synthetic_articles(pool, size - count, seed, generator):
            chosen.append(Article(title, "synthetic", None, None, tuple(sentences)))
    return chosen, real_count


def _write_corpus(
    folder: Path,
    size: int,
    seed: int,
    generator: str,
    news: int,
    zipf: int,
    source: Path,
    tokenizer: Tokenizer,
    real_limit: int | None,
) -> dict[str, Any]:
    from benchmarks.queries import news_questions, zipf_queries

    articles, real_count = _stream(size, seed, generator, source, real_limit)
    text_offsets = array("q", [0])
    token_ids = array("i")
    token_offsets = array("q", [0])
    vocab: dict[str, int] = {}
    pool_texts: list[str] = []
    pool_tokens: list[list[str]] = []
    tokenize_s = 0.0
    with (folder / "texts.bin").open("wb") as fh:
        for article in articles:
            for text in article.sentences:
                encoded = text.encode()
                fh.write(encoded)
                text_offsets.append(text_offsets[-1] + len(encoded))
                started = time.perf_counter()
                tokens = tokenizer(text)
                tokenize_s += time.perf_counter() - started
                token_ids.extend([vocab.setdefault(t, len(vocab)) for t in tokens])
                token_offsets.append(len(token_ids))
                if len(pool_texts) < QUERY_POOL:
                    pool_texts.append(text)
                    pool_tokens.append(tokens)
    np.save(folder / "text_offsets.npy", np.frombuffer(text_offsets, dtype=np.int64))
    np.save(folder / "token_ids.npy", np.frombuffer(token_ids, dtype=np.int32))
    np.save(folder / "token_offsets.npy", np.frombuffer(token_offsets, dtype=np.int64))
    (folder / "vocab.json").write_text(json.dumps(list(vocab), ensure_ascii=False))
    starts = np.cumsum([0] + [len(a.sentences) for a in articles[:-1]], dtype=np.int64)
    np.save(folder / "article_starts.npy", starts)
    (folder / "articles.json").write_text(
        json.dumps(
            [{k: v for k, v in asdict(a).items() if k != "sentences"} for a in articles],
            ensure_ascii=False,
        )
    )
    # Only real sentences make questions, so every size asks the same ones.
    queries = news_questions(pool_texts[:real_count], news, seed, tokenizer) + zipf_queries(
        pool_tokens[:real_count], zipf, seed
    )
    (folder / "queries.json").write_text(
        json.dumps(
            [{"set": q.set, "text": q.text, "tokens": list(q.tokens)} for q in queries],
            ensure_ascii=False,
            indent=0,
        )
    )
    return {
        "real_sentences": real_count,
        "synthetic_sentences": size - real_count,
        "articles": len(articles),
        "tokens": len(token_ids),
        "terms": len(vocab),
        "tokenize_s": round(tokenize_s, 2),
    }


def ensure_database(corpus: Corpus) -> Path:
    """A newsbot database holding the corpus as articles and sentences (sentence id = i + 1).

    Made with newsbot's own schema and migrations, then filled in one transaction; built once.
    """
    from retrieval.corpus.dates import to_timestamp
    from retrieval.corpus.db import connect

    path = corpus.database_path
    if path.exists():
        return path
    tmp = path.with_name("building.db")
    for leftover in tmp.parent.glob("building.db*"):
        leftover.unlink()

    async def create() -> None:
        conn = await connect(tmp)
        await conn.close()

    asyncio.run(create())
    db = sqlite3.connect(tmp, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        urls: set[str] = set()
        for number, (info, first, end) in enumerate(corpus.articles(), start=1):
            texts = [corpus.text(i) for i in range(first, end)]
            url = info["url"] if info["url"] and info["url"] not in urls else None
            if url:
                urls.add(url)
            db.execute(
                "INSERT INTO articles (id, title, source, published, published_ts, url, text,"
                " content_hash, ingested_ts, origin, first_sentence, sentence_count)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    number,
                    info["title"],
                    info["source"],
                    info["published"],
                    to_timestamp(info["published"]),
                    url,
                    "\n\n".join(texts),
                    f"bench:{number}",
                    0.0,
                    "benchmark",
                    first + 1,  # its sentences' ids run from there, as newsbot stores them
                    len(texts),
                ),
            )
            db.executemany(
                "INSERT INTO sentences (id, article_id, position, paragraph, text)"
                " VALUES (?, ?, ?, ?, ?)",
                [(first + p + 1, number, p, 0, t) for p, t in enumerate(texts)],
            )
        db.execute("COMMIT")
    finally:
        db.close()
    tmp.rename(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build (or find cached) benchmark corpora.")
    parser.add_argument("--size", type=int, nargs="+", required=True, metavar="N")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--generator", choices=GENERATORS, default="recombine")
    parser.add_argument("--news", type=int, default=200, help="news questions")
    parser.add_argument("--zipf", type=int, default=100, help="zipf6 queries")
    parser.add_argument("--real-limit", type=int, help="use at most N real sentences")
    parser.add_argument("--database", action="store_true", help="also build newsbot.db")
    args = parser.parse_args(argv)
    for size in args.size:
        corpus = build_corpus(
            size,
            args.out,
            args.seed,
            args.generator,
            args.news,
            args.zipf,
            real_limit=args.real_limit,
        )
        if args.database:
            ensure_database(corpus)
        print(corpus.folder, json.dumps(corpus.meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
