"""Article-body extraction quality on the html-articles development corpus, as its benchmark.

The pages and `ground-truth.json` come from Zyte's (Scrapinghub's) article-extraction-benchmark,
whose `evaluate.py` scores an extractor like this, and so do we:

- both texts are tokenized with the regex `\\w+` (Unicode), case kept;
- each text becomes a multiset of shingles: every run of 4 consecutive tokens (a text of fewer
  than 4 tokens is one shingle);
- per page, TP/FP/FN are the multiset overlaps, divided by their sum so that long pages do not
  weigh more than short ones; precision is 1 when both sides are empty, recall likewise;
- precision and recall are averaged over pages (a page with no predicted shingles leaves the
  precision average, one with an empty ground truth the recall average), and F1 is the harmonic
  mean of those two averages -- not the mean of per-page F1s, which we print too;
- the ± figures are 1.96 standard deviations over bootstrap resamples of the pages.

Run: `python benchmarks/extraction.py [--plain]`; `--plain` also scores `trafilatura.extract`
called as the benchmark calls it, to show what our wrapper adds or costs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

if __name__ == "__main__" and not __package__:  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpora import corpus_path, missing  # noqa: E402

PUBLISHED_TRAFILATURA_F1 = 0.958  # the benchmark's README, trafilatura 2.0.0

_TOKEN = re.compile(r"\w+")
Counts = tuple[float, float, float]  # tp, fp, fn, normalized to sum to 1


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    f1: float
    page_f1: float  # mean of per-page F1, for reference


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n]
    )


def match(true: str, pred: str, n: int = 4) -> Counts:
    """TP, FP and FN of `pred`'s shingles against `true`'s, normalized per page."""
    want, got = shingles(true, n), shingles(pred, n)
    tp = float(sum((want & got).values()))
    fp = float(sum((got - want).values()))
    fn = float(sum((want - got).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision(c: Counts) -> float:
    tp, fp, fn = c
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def recall(c: Counts) -> float:
    tp, fp, fn = c
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def summarize(counts: Sequence[Counts]) -> Scores:
    p = statistics.mean(precision(c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(c) for c in counts if c[0] + c[2] > 0)
    page = statistics.mean(_f1(precision(c), recall(c)) for c in counts)
    return Scores(p, r, _f1(p, r), page)


def bootstrap_ci(counts: Sequence[Counts], rounds: int, seed: int = 0) -> Scores:
    """1.96 standard deviations of each figure over `rounds` resamples of the pages."""
    rng = random.Random(seed)
    samples = [summarize([rng.choice(counts) for _ in counts]) for _ in range(rounds)]
    return Scores(
        *(
            1.96 * statistics.stdev(getattr(s, f) for s in samples)
            for f in ("precision", "recall", "f1", "page_f1")
        )
    )


def load_pages(folder: Path, limit: int | None = None) -> list[tuple[str, str, str]]:
    """(id, html, true body) for the pages of the benchmark, in id order."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        with gzip.open(folder / f"{key}.html.gz", "rt", encoding="utf-8") as fh:
            pages.append((key, fh.read(), truth[key].get("articleBody") or ""))
    return pages


def ours(html: str) -> str:
    from retrieval.corpus.pages import extract_article

    draft = extract_article(html)
    return draft.text if draft else ""


def plain_trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def score(extract: Callable[[str], str], pages: Sequence[tuple[str, str, str]]) -> list[Counts]:
    return [match(true, extract(html)) for _, html, true in pages]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=corpus_path("html-articles"),
        help="the benchmark's folder (default: html-articles in "
        "$NEWSBOT_CORPUS, else in <repo>/../shared/corpus)",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also score trafilatura.extract as the benchmark calls it",
    )
    parser.add_argument("--bootstrap", type=int, default=1000, metavar="N")
    args = parser.parse_args(argv)
    if not (args.corpus / "ground-truth.json").is_file():
        print(f"extraction.py: {missing(args.corpus)}", file=sys.stderr)
        return 1
    pages = load_pages(args.corpus)
    extractors: dict[str, Callable[[str], str]] = {"newsbot extract_article": ours}
    if args.plain:
        extractors["trafilatura.extract"] = plain_trafilatura
    print(
        f"{len(pages)} pages from {args.corpus}; published trafilatura F1 "
        f"{PUBLISHED_TRAFILATURA_F1}"
    )
    for name, extract in extractors.items():
        started = time.perf_counter()
        counts = score(extract, pages)
        elapsed = time.perf_counter() - started
        s, ci = summarize(counts), bootstrap_ci(counts, args.bootstrap)
        print(
            f"{name:<24} precision={s.precision:.3f} ± {ci.precision:.3f}  "
            f"recall={s.recall:.3f} ± {ci.recall:.3f}  F1={s.f1:.3f} ± {ci.f1:.3f}  "
            f"(mean page F1 {s.page_f1:.3f}; {elapsed:.1f} s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
