"""How long real news sentences are: the evidence for `MAX_SENTENCE_CHARS`.

Splits every article of the development corpora with Punkt as newsbot does (before the bound)
and prints, per corpus, the share of sentences longer than each candidate limit, and how many
sentences the current bound cuts. A limit is right when cutting a real sentence is rare and a
cut piece still fits a chat message with room for its attribution.

Run: `python benchmarks/sentence_lengths.py [NAME ...]` (default: all four corpora; news-1m
takes a few minutes).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import corpus_path, missing  # noqa: E402

CORPORA = {
    "bbc": "bbc-news.jsonl.gz",
    "reuters": "reuters-21578.jsonl.gz",
    "news-qa-dev": "news-qa-dev/articles.jsonl.gz",
    "news-1m": "news-1m/articles.jsonl.gz",
}
LIMITS = (300, 500, 1000, 2000)


def sentences(path: Path) -> Iterator[str]:
    """Every sentence of the corpus as Punkt splits it, before any bound."""
    from retrieval.corpus.punkt_breaks import punkt_sentences
    from retrieval.corpus.text import paragraphs

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            for paragraph in paragraphs(json.loads(line)["text"]):
                yield from punkt_sentences(paragraph)


def main() -> int:
    from retrieval.corpus.sentence_bounds import MAX_SENTENCE_CHARS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {', '.join(CORPORA)}")
    args = parser.parse_args()
    unknown = [name for name in args.names if name not in CORPORA]
    if unknown:
        parser.error(f"unknown corpus {unknown[0]!r}: use {', '.join(CORPORA)}")
    head = " | ".join(f"> {limit}" for limit in LIMITS)
    print(f"| corpus | sentences | {head} | longest | cut at {MAX_SENTENCE_CHARS} |")
    print("|" + " --- |" * (len(LIMITS) + 4))
    for name in args.names or CORPORA:
        path = corpus_path(CORPORA[name])
        if not path.exists():
            print(missing(path), file=sys.stderr)
            return 1
        lengths = [len(s) for s in sentences(path)]
        over = [sum(1 for n in lengths if n > limit) for limit in LIMITS]
        shares = " | ".join(f"{n:,} ({100 * n / len(lengths):.4f}%)" for n in over)
        cut = sum(1 for n in lengths if n > MAX_SENTENCE_CHARS)
        print(f"| {name} | {len(lengths):,} | {shares} | {max(lengths):,} | {cut:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
