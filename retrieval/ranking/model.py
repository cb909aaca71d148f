"""Scoring candidate windows with learned linear models (choosing the passages among them:
`selection`).

Two stages, each a linear model over named `features.FEATURES` (trained listwise on real
news questions by `benchmarks/train_ranker.py`, shipped as `model.json`: feature names,
their means and scales, weights; one matrix-vector product at query time):
- `first` scores every candidate window from the cheap columns (BM25s, hits, position,
  time...); the best `pool` windows go on;
- `final` scores those with every column, the names, numbers and dates their text holds
  included (`evidence.add_marks`: reading text is what costs, so it is read for few);
- `rest`, over the same columns, orders the passages after the first (`selection.choose`).
A model naming a feature the code does not compute is refused at load, with its names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.ranking.evidence import add_marks
from retrieval.ranking.features import (
    COLUMN,
    FIRST_TIME_COLUMN,
    MARK_FEATURES,
    Candidates,
    TextReader,
)

MODEL_PATH = Path(__file__).with_name("model.json")
Floats = npt.NDArray[np.float64]

# Rounds of windows read in place of those left out for a heading (`Ranker.rank`): one fills
# most pools; each round is a read of the store, so a pool of headings stops short.
REFILLS = 3


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
        repeated = sorted({f for f in features if features.count(f) > 1})
        if repeated:
            raise ValueError(f"the ranking model names features twice: {', '.join(repeated)}")
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
        """The model's score of each row of a full feature matrix (columns `FEATURES`).

        The time columns of an undated article's windows are not known (NaN): each is taken
        at the model's mean, where its standardized term adds nothing, so the window is
        scored on the rest of its evidence, neither helped nor held back by its age. Only
        where a row holds them are the time columns summed apart (`TIME_FEATURES`, last)."""
        if not len(features):
            return np.zeros(0)
        weights, bias, unknown_time = self._over_all_columns
        scores = np.asarray(features @ weights + bias, dtype=np.float64)
        if np.isnan(scores).any():
            t = FIRST_TIME_COLUMN
            timed = features[:, t:] @ weights[t:]
            known = features[:, :t] @ weights[:t] + bias  # NaN elsewhere stays NaN: a fault
            scores = known + np.where(np.isnan(timed), unknown_time, timed)
        return scores

    @cached_property
    def _over_all_columns(self) -> tuple[Floats, float, float]:
        """The weights over every column of `FEATURES` (0 for those not used), standardizing
        folded in: one product over the rows as they are, not a copy of the columns used,
        centred and scaled (a question's first stage scores some 2,600 rows); the bias; and
        the time columns' sum for a row that knows none of them (each at its mean)."""
        weights = np.zeros(len(COLUMN))
        known = np.zeros(len(COLUMN))
        columns = [COLUMN[f] for f in self.features]
        weights[columns] = self.weights / self.scale
        known[columns] = self.mean
        t = FIRST_TIME_COLUMN
        return (
            weights,
            self.bias - float(self.mean / self.scale @ self.weights),
            float(known[t:] @ weights[t:]),
        )


@dataclass(frozen=True, eq=False)
class Ranker:
    """The two stages, how many windows the first passes on, and how many passages make the
    first page (see `choose`); and the model of the passages after the first, if not the
    final stage's.

    `final` is trained for the first passage (a question's softmax mass on the windows that
    hold its answer, however few of them: the surest), `rest` for the page (a share of its
    loss spread evenly over every such window: those that repeat the answer). On news-qa-dev,
    answer@1 the same; answer@3 asked now +1.6 to +3.2 points, as of the question's date -0.6
    to +1.0 by how it is measured (docs/retrieval.md); on the BBC set +2.9."""

    first: LinearModel
    final: LinearModel
    pool: int = 100
    first_page: int = 3
    rest: LinearModel | None = None

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
            LinearModel.from_dict(data["rest"]) if "rest" in data else None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pool": self.pool,
            "first_page": self.first_page,
            "first": self.first.to_dict(),
            "final": self.final.to_dict(),
            **({} if self.rest is None else {"rest": self.rest.to_dict()}),
        }

    def rank(self, candidates: Candidates, read: TextReader) -> tuple[Candidates, Floats]:
        """The windows the first stage keeps, their text read by `read` (one call), with
        their final scores; those that hold a heading past their first sentence left out
        (`Candidates.past_headings`: a heading introduces what follows it)."""
        scores = self.first.score(candidates.features)  # once: the refills read them again
        rows = self.keep(candidates, scores)
        kept = candidates.subset(rows).read_texts(read)
        crossing = kept.past_headings()
        left_out = np.zeros(len(candidates), dtype=bool)
        for _ in range(REFILLS):  # the next best by the first stage take their places
            if not crossing:
                break
            left_out[rows[crossing]] = True
            open_ = ~left_out
            open_[rows] = False  # neither left out nor kept already
            rest = np.flatnonzero(open_)
            after = rest[_best(scores[rest], len(crossing))]
            rows = np.sort(np.concatenate([np.delete(rows, crossing), after]))
            read_so_far = candidates.changed(
                texts=kept.texts, finds=kept.finds, paragraphs=kept.paragraphs
            )
            kept = read_so_far.subset(rows).read_texts(read)
            # Only the windows taken in can cross a heading: a sentence that did not read as
            # one still does not with more of its neighbours' paragraphs known (a heading is
            # a paragraph of its own: one more known can only show it is not).
            crossing = kept.past_headings(np.sort(np.searchsorted(rows, after)))
        if crossing:
            kept = kept.subset(np.delete(np.arange(len(kept)), crossing))
        return final_scores(kept, self.final)

    def rest_scores(self, ranked: Candidates) -> Floats | None:
        """The scores of `ranked` (as `rank` returns them) for the passages after the first;
        None where the final stage's order them too."""
        return None if self.rest is None else self.rest.score(ranked.features)

    def keep(self, candidates: Candidates, scores: Floats | None = None) -> npt.NDArray[np.int64]:
        """The rows of the `pool` best windows by the first stage (`scores`, when its scores
        are at hand), in their original order; for a claim or keywords, each article's best
        window as well, so that every candidate article has a passage to offer (`choose`
        quotes sources for them)."""
        if scores is None:
            scores = self.first.score(candidates.features)
        best = _best(scores, self.pool)
        if not candidates.question.asks:
            best = np.union1d(best, _best_of_each(candidates.article, scores))
        return np.sort(best)


def _best(scores: Floats, count: int) -> npt.NDArray[np.int64]:
    """The rows of the `count` highest scores, the first on ties (the first `count` of a
    stable descending sort), in no particular order. Only the few near the cut are sorted:
    a question has some 2,600 candidate windows and keeps 100."""
    if len(scores) <= count:
        return np.arange(len(scores))
    cut = np.partition(scores, len(scores) - count)[len(scores) - count]
    near = np.flatnonzero(scores >= cut)  # ascending: a stable sort keeps ties in row order
    return near[np.argsort(-scores[near], kind="stable")[:count]]


def _best_of_each(groups: npt.NDArray[np.int64], scores: Floats) -> npt.NDArray[np.int64]:
    """The row of the highest score in each group (the first on ties)."""
    order = np.lexsort((np.arange(len(scores)), -scores, groups))
    firsts = np.ones(len(order), dtype=bool)
    firsts[1:] = groups[order][1:] != groups[order][:-1]
    return order[firsts]


def final_scores(kept: Candidates, model: LinearModel) -> tuple[Candidates, Floats]:
    """`kept` (its text read: `Candidates.read_texts`) with its marks (`add_marks`),
    scored by `model`."""
    kept = add_marks(kept)
    return kept, model.score(kept.features)


@cache
def default_ranker() -> Ranker:
    """The shipped model (read once)."""
    return Ranker.from_dict(json.loads(MODEL_PATH.read_text()))
