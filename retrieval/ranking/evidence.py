"""What reading a window's text adds to its features: the names, numbers and dates it holds
that the question does not, of the kind the question asks for, and how widely they recur.

The second stage of `model`: reading text costs a few µs a sentence, besides reading it from
the store, so it runs on the windows the first stage keeps (a hundred or so), not on the
thousands `features.build_candidates` cuts; their text must have been read
(`Candidates.read_texts`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrieval.ranking.answers import COUNTS, Novelty, novelty_of
from retrieval.ranking.features import COLUMN, Candidates, Floats
from retrieval.ranking.question import AnswerKind, QuestionProfile


@dataclass(frozen=True, slots=True)
class _SentenceEvidence:
    """Per sentence: counts of `COUNTS` not in the question, whether it holds the kind of
    answer asked for, and how widely its candidate answers recur among the articles."""

    marks: Floats  # [sentences, len(COUNTS)]
    kind: Floats  # 1.0 where the sentence holds something of the kind asked for
    support: Floats

    @classmethod
    def of(cls, question: QuestionProfile, found: Novelty, articles: int) -> _SentenceEvidence:
        """Of the sentences `found` tells of (`answers.novelty_of`), among `articles`."""
        marks = found.counts
        wanted = {
            AnswerKind.PLACE: marks[:, 1],
            AnswerKind.NUMBER: marks[:, 2] + marks[:, 5],
            AnswerKind.DATE: marks[:, 3] + marks[:, 4],
        }.get(question.kind, marks[:, 0])
        support = found.recurs.astype(float)
        support = np.where(support > 1, (support - 1) / max(articles - 1, 1), 0.0)
        return cls(marks, (wanted > 0).astype(float), support)


def add_marks(candidates: Candidates) -> Candidates:
    """Fill the columns of `MARK_FEATURES` for every window of `candidates` (in place), and
    return them with what their sentences add to the question (`Candidates.novelty`).

    Their text must have been read (`Candidates.read_texts`). `support` counts recurrences
    among the sentences of those windows (`answers.novelty_of`).
    """
    if not len(candidates):
        return candidates
    question = candidates.question
    needed = candidates.sentence_rows()
    sentences, given = candidates.sentences_at(needed)
    novelty = novelty_of(question.words, sentences, candidates.owner[needed], given)
    evidence = _SentenceEvidence.of(question, novelty, int(candidates.owner.max()) + 1)
    slot = np.full(len(candidates.sentence_id), -1)
    slot[needed] = np.arange(len(needed))
    marks = np.zeros((len(candidates), len(COUNTS)))
    kind = np.zeros(len(candidates))
    support = np.zeros(len(candidates))
    kind_coverage = candidates.coverage[needed] * evidence.kind
    for j in range(int(candidates.size.max())):
        inside = j < candidates.size
        at = slot[candidates.start[inside] + j]
        marks[inside] += evidence.marks[at]
        kind[inside] = np.maximum(kind[inside], kind_coverage[at])
        support[inside] = np.maximum(support[inside], evidence.support[at])
    features = candidates.features
    for j, name in enumerate(COUNTS):
        features[:, COLUMN[name]] = np.log1p(marks[:, j])
    features[:, COLUMN["kind_sentence"]] = kind
    features[:, COLUMN["support"]] = support
    kind_column = {
        AnswerKind.PERSON: "names",
        AnswerKind.ORGANIZATION: "names",
        AnswerKind.PLACE: "places",
        AnswerKind.NUMBER: "numbers",
        AnswerKind.DATE: "years",
    }.get(question.kind)
    if kind_column is not None:
        target = {
            "names": "kind_name",
            "places": "kind_place",
            "numbers": "kind_number",
            "years": "kind_date",
        }[kind_column]
        value = features[:, COLUMN[kind_column]]
        if question.kind is AnswerKind.NUMBER:
            value = np.log1p(np.expm1(value) + np.expm1(features[:, COLUMN["money"]]))
        elif question.kind is AnswerKind.DATE:
            value = np.log1p(np.expm1(value) + np.expm1(features[:, COLUMN["months"]]))
        features[:, COLUMN[target]] = value
    return candidates.changed(novelty=(slot, novelty))
