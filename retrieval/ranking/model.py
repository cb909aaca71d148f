"""Scoring candidate windows with learned linear models, and choosing the passages.

Two stages, each a linear model over named `features.FEATURES` (trained listwise on real
news questions by `benchmarks/train_ranker.py`, shipped as `model.json`: feature names,
their means and scales, weights; one matrix-vector product at query time):
- `first` scores every candidate window from the cheap columns (BM25s, hits, position,
  time...); the best `pool` windows go on;
- `final` scores those with every column, the names, numbers and dates their text holds
  included (`features.add_marks`: reading text is what costs, so it is read for few).
A model naming a feature the code does not compute is refused at load, with its names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.corpus.text import near_duplicate_shingles, shingles
from retrieval.ranking.features import COLUMN, MARK_FEATURES, Candidates, TextReader, add_marks

MODEL_PATH = Path(__file__).with_name("model.json")
Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class LinearModel:
    """Weights over named features, applied to standardized columns."""

    features: tuple[str, ...]
    mean: Floats
    scale: Floats
    weights: Floats
    bias: float = 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        features = tuple(data["features"])
        unknown = [f for f in features if f not in COLUMN]
        if unknown:
            raise ValueError(f"the ranking model names unknown features: {', '.join(unknown)}")
        mean, scale, weights = (
            np.asarray(data[key], dtype=np.float64) for key in ("mean", "scale", "weights")
        )
        if any(a.shape != (len(features),) for a in (mean, scale, weights)):
            raise ValueError("the ranking model's mean, scale and weights must match features")
        return cls(features, mean, scale, weights, float(data.get("bias", 0.0)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "weights": [round(float(x), 6) for x in self.weights],
            "bias": round(self.bias, 6),
        }

    def score(self, features: Floats) -> Floats:
        """The model's score of each row of a full feature matrix (columns `FEATURES`)."""
        if not len(features):
            return np.zeros(0)
        x = (features[:, [COLUMN[f] for f in self.features]] - self.mean) / self.scale
        return np.asarray(x @ self.weights + self.bias, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class Ranker:
    """The two stages, how many windows the first passes on, and how many passages make the
    first page (see `choose`)."""

    first: LinearModel
    final: LinearModel
    pool: int = 100
    first_page: int = 3

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Ranker:
        first = LinearModel.from_dict(data["first"])
        reads_text = sorted(set(first.features) & set(MARK_FEATURES))
        if reads_text:
            raise ValueError(f"the first stage cannot use {', '.join(reads_text)}")
        return cls(
            first,
            LinearModel.from_dict(data["final"]),
            int(data.get("pool", 100)),
            int(data.get("first_page", 3)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pool": self.pool,
            "first_page": self.first_page,
            "first": self.first.to_dict(),
            "final": self.final.to_dict(),
        }

    def rank(self, candidates: Candidates, read: TextReader) -> tuple[Candidates, Floats]:
        """The windows the first stage keeps, their text read by `read` (one call), with
        their final scores."""
        kept = candidates.subset(self.keep(candidates)).read_texts(read)
        return final_scores(kept, self.final)

    def keep(self, candidates: Candidates) -> npt.NDArray[np.int64]:
        """The rows of the `pool` best windows by the first stage, in their original order."""
        scores = self.first.score(candidates.features)
        best = np.argsort(-scores, kind="stable")[: self.pool]
        return np.sort(best)


def final_scores(kept: Candidates, model: LinearModel) -> tuple[Candidates, Floats]:
    """`kept` (its text read: `Candidates.read_texts`) with its marks (`add_marks`),
    scored by `model`."""
    add_marks(kept)
    return kept, model.score(kept.features)


@cache
def default_ranker() -> Ranker:
    """The shipped model (read once)."""
    return Ranker.from_dict(json.loads(MODEL_PATH.read_text()))


def choose(candidates: Candidates, scores: Floats, count: int, first_page: int) -> list[int]:
    """The `count` best windows by score, no two overlapping and no syndicated copy of a
    window already chosen (see `corpus.text.SYNDICATED`). The windows' text must have been
    read (`Candidates.read_texts`).

    The first `first_page` are the best wherever they are: two windows of one article are
    often the answer and its context. After them, windows of articles not quoted yet come
    first, so a longer list (the bot's More, `ask --limit 10`) reaches more sources; then more
    of the same articles, so a corpus of few articles still fills the page. Measured on
    news-qa-dev against a flat cap of two per article: answer@3 0.669 -> 0.676, nDCG@10 of
    the distinct articles quoted 0.625 -> 0.665 (`benchmarks/train_ranker.py`).
    """
    chosen: list[int] = []
    taken = np.zeros(len(candidates.sentence_id), dtype=bool)
    per: dict[int, int] = {}
    kept: list[tuple[str, set[str]]] = []
    shown: set[str] = set()  # sentences quoted already: a copy cut at other bounds is one too
    order = np.lexsort((candidates.start, -scores))
    for until, cap in ((first_page, count), (count, 1), (count, count)):
        for w in order:
            if len(chosen) >= until:
                break
            first, size = int(candidates.start[w]), int(candidates.size[w])
            article = int(candidates.article[w])
            if taken[first : first + size].any() or per.get(article, 0) >= cap:
                continue
            said = {_plain(candidates.sentence_text(i)) for i in range(first, first + size)}
            text = candidates.text(int(w))
            grams = shingles(text)
            if said & shown or any(
                near_duplicate_shingles(seen, seen_grams, text, grams) for seen, seen_grams in kept
            ):
                continue
            shown |= said
            taken[first : first + size] = True
            per[article] = per.get(article, 0) + 1
            kept.append((text, grams))
            chosen.append(int(w))
    return chosen


def _plain(sentence: str) -> str:
    return " ".join(sentence.casefold().split())
