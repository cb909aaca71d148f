"""What reading a window's text adds to its features: the names, numbers and dates it holds
that the question does not, of the kind the question asks for, and how widely they recur.

The second stage of `model`: reading text costs about 9 µs a sentence, so it runs on the
windows the first stage keeps (a hundred or so), not on the thousands `features.build`
cuts; their text must have been read (`Candidates.read_texts`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.ranking.features import COLUMN, Candidates, Floats, Ints
from retrieval.ranking.marks import Marks, novelty, sentences_marks
from retrieval.ranking.question import AnswerKind, QuestionProfile


class _RememberedMarks:
    """The marks of the last `size` sentences read (by id and text: two databases may share
    an id), first in first out (a hit does not renew one). A sentence's marks do not depend
    on the question: read once, reused by every question; those not known yet are read
    together (`sentences_marks`)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._known: OrderedDict[tuple[int, str], Marks] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def __call__(self, sentences: Sequence[tuple[int, str]]) -> list[Marks]:
        known = self._known
        found = {key: marks for key in sentences if (marks := known.get(key)) is not None}
        missing = [key for key in dict.fromkeys(sentences) if key not in found]
        if missing:
            read = dict(zip(missing, sentences_marks([text for _, text in missing]), strict=True))
            found |= read
            with self._lock:  # another thread's question may be adding its own
                known |= read
                while len(known) > self._size:
                    known.popitem(last=False)
        return [found[key] for key in sentences]


marks_of = _RememberedMarks(200_000)  # the marks of each (id, text) of a list


_MARKS = ("names", "places", "numbers", "years", "months", "money")


@dataclass(frozen=True, slots=True)
class _SentenceEvidence:
    """Per sentence: counts of `_MARKS` not in the question, whether it holds the kind of
    answer asked for, and how widely its candidate answers recur among the articles."""

    marks: Floats  # [sentences, len(_MARKS)]
    kind: Floats  # 1.0 where the sentence holds something of the kind asked for
    support: Floats

    @classmethod
    def of(
        cls,
        question: QuestionProfile,
        sentences: Sequence[tuple[int, str]],
        owner: Ints,
        articles: int,
    ) -> _SentenceEvidence:
        """Of `sentences` given as (id, text)."""
        shapes = [novelty(marks, question.words) for marks in marks_of(sentences)]
        marks = np.array(
            [[sh.names, sh.places, sh.numbers, sh.years, sh.months, sh.money] for sh in shapes],
            dtype=float,
        ).reshape(len(shapes), len(_MARKS))
        wanted = {
            AnswerKind.PLACE: marks[:, 1],
            AnswerKind.NUMBER: marks[:, 2] + marks[:, 5],
            AnswerKind.DATE: marks[:, 3] + marks[:, 4],
        }.get(question.kind, marks[:, 0])
        seen_in: dict[str, set[int]] = {}
        for article, sh in zip(owner.tolist(), shapes, strict=True):
            for candidate in sh.candidates:
                if candidate in seen_in:
                    seen_in[candidate].add(article)
                else:
                    seen_in[candidate] = {article}
        support = np.array(
            [
                max([len(seen_in[c]) for c in sh.candidates]) if sh.candidates else 0
                for sh in shapes
            ],
            dtype=float,
        )
        support = np.where(support > 1, (support - 1) / max(articles - 1, 1), 0.0)
        return cls(marks, (wanted > 0).astype(float), support)


def add_marks(candidates: Candidates) -> None:
    """Fill the columns of `MARK_FEATURES` for every window of `candidates`: in place.

    The second stage: reading names, numbers and dates out of sentence text costs about 9 µs
    a sentence, so it runs on the windows the first stage kept (a hundred or so), not
    on the thousands of windows of the candidate articles; their text must have been read
    (`Candidates.read_texts`). `support` counts recurrences among the sentences of those
    windows.
    """
    if not len(candidates):
        return
    question = candidates.question
    needed = candidates.sentence_rows()
    evidence = _SentenceEvidence.of(
        question,
        [(int(candidates.sentence_id[i]), candidates.sentence_text(i)) for i in needed],
        candidates.owner[needed],
        int(candidates.owner.max()) + 1,
    )
    slot = np.full(len(candidates.sentence_id), -1)
    slot[needed] = np.arange(len(needed))
    marks = np.zeros((len(candidates), len(_MARKS)))
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
    for j, name in enumerate(_MARKS):
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
