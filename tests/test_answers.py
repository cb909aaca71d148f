"""What a question's pool of sentences adds to it, in one compiled pass (`answers`), against
what `marks.novelty` says of each sentence alone: the same counts, the same candidate
answers, and the same recurrence of those answers among the question's articles."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest

from retrieval.ranking import answers, marks, scan
from retrieval.ranking.answers import novelty_of

from .conftest import sentence_marks, shared_lines
from .test_scan import BRANCHES, PIECES

# Letters the scanner does not read: their sentences are read by the patterns, then written
# as the scanner writes (`marks.written`).
PATTERN_ONLY = ("İstanbul hosted Zürich in May 1999.", "Straße of Paris, 5 ſix", "١٢٣ Łódź city")


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        pieces = rng.choices(PIECES, k=rng.randint(1, 14))
        texts.append("".join(p + rng.choice(("", " ", " ", " ", "  ")) for p in pieces))
    return texts


def _as_novelty_says(
    texts: Sequence[str], words: frozenset[str], owner: Sequence[int]
) -> tuple[list[list[int]], list[tuple[str, ...]], list[int]]:
    """Per text, `marks.novelty`'s counts and candidates, and the most articles any of its
    candidates is found in (as `evidence` counted them before `answers`)."""
    shapes = [marks.novelty(sentence_marks(text), words) for text in texts]
    seen_in: dict[str, set[int]] = {}
    for article, shape in zip(owner, shapes, strict=True):
        for candidate in shape.candidates:
            seen_in.setdefault(candidate, set()).add(article)
    counts = [[s.names, s.places, s.numbers, s.years, s.months, s.money] for s in shapes]
    recurs = [max((len(seen_in[c]) for c in s.candidates), default=0) for s in shapes]
    return counts, [s.candidates for s in shapes], recurs


def _check(texts: list[str], rng: random.Random) -> int:
    """Compare, for questions holding none, some and many of the texts' words; return how
    many sentences shared a word with their question."""
    read = [sentence_marks(text) for text in texts]
    every = sorted({word for m in read for word in m.words})
    shared = 0
    for words in (
        frozenset(),
        frozenset(rng.sample(every, min(len(every), 3))),
        frozenset(every[::2]),
        frozenset(every),
    ):
        owner = [rng.randrange(4) for _ in texts]
        sentences = [(-1 - i, text) for i, text in enumerate(texts)]
        found = novelty_of(words, sentences, np.array(owner, dtype=np.int64))
        counts, candidates, recurs = _as_novelty_says(texts, words, owner)
        assert found.counts.tolist() == counts
        assert [tuple(found.answers(i)) for i in range(len(texts))] == candidates
        assert found.recurs.tolist() == recurs
        shared += sum(not words.isdisjoint(m.words) for m in read)
    return shared


def test_what_is_new_is_what_novelty_says() -> None:
    """Text taking each branch of the reading, random text of the patterns' pieces, and text
    only the patterns read, in pools of a dozen sharing four articles."""
    rng = random.Random(7)
    texts = BRANCHES + list(PATTERN_ONLY) + _random_texts(1200, 11)
    assert any(scan.scan(text, marks.LEXICON) is None for text in texts)
    shared = sum(_check(texts[i : i + 12], rng) for i in range(0, len(texts), 12))
    assert shared > len(texts)


def test_what_is_new_in_real_news_is_what_novelty_says() -> None:
    """The same on real news, pools of its lines (the questions: words of those lines)."""
    lines = shared_lines("bbc-news", 120)
    rng = random.Random(8)
    assert sum(_check(lines[i : i + 40], rng) for i in range(0, len(lines), 40)) > len(lines)


def test_the_patterns_marks_are_written_as_the_scanner_writes() -> None:
    """`marks.written` of the patterns' reading is the scanner's text, with its counts."""
    texts = [t for t in BRANCHES + _random_texts(600, 12) if scan.scan(t, marks.LEXICON)]
    assert len(texts) > 500
    for text in texts:
        read = marks.marks_by_pattern(text)
        assert read.alone is not None
        assert (marks.written(read), read.money, read.alone.places) == scan.scan(
            text, marks.LEXICON
        ), text
    assert marks.sentences_finds(texts) == [scan.scan(t, marks.LEXICON) for t in texts]
    for text in PATTERN_ONLY:  # the scanner does not read them: the patterns, written alike
        read = marks.marks_by_pattern(text)
        assert read.alone is not None and scan.scan(text, marks.LEXICON) is None
        assert marks.sentences_finds([text]) == [
            (marks.written(read), read.money, read.alone.places)
        ]


def test_finds_are_read_once_per_sentence_and_remembered_by_id_and_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A question's new sentences are read in one call; those read before are not read
    again; a sentence of another database with a known id but another text gets its own
    finds, in the place of the first; at most `size`, the first read forgotten first."""
    read: list[list[str]] = []

    def counting(texts: list[str]) -> list[tuple[str, int, int]]:
        read.append(list(texts))
        return marks.sentences_finds(texts)

    texts = ["Minjee Lee won in 2022.", "It rained.", "Paris hosted 12 talks."]
    finds = dict(zip(texts, answers.packed(texts), strict=True)).__getitem__
    monkeypatch.setattr(answers, "sentences_finds", counting)
    remembered = answers._RememberedFinds(3)  # noqa: SLF001
    first = [(1, "Minjee Lee won in 2022."), (2, "It rained."), (1, "Minjee Lee won in 2022.")]
    assert remembered(first) == [finds(text) for _, text in first]
    assert read == [["Minjee Lee won in 2022.", "It rained."]]
    other_database = [(1, "Paris hosted 12 talks."), (2, "It rained.")]
    assert remembered(other_database)[0] == finds("Paris hosted 12 talks.")
    assert read[1:] == [["Paris hosted 12 talks."]]
    remembered([(3, "Three."), (4, "Four.")])  # the oldest, id 1, is forgotten
    remembered(first[:2])
    assert read[3:] == [["Minjee Lee won in 2022."]]


def test_stored_finds_are_taken_where_this_code_stored_them_and_read_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Finds given with the texts are taken as they are when this code stored them; those
    missing, of another signature or cut short are read from the text, and only those are
    remembered."""
    read: list[str] = []

    def counting(texts: list[str]) -> list[tuple[str, int, int]]:
        read.extend(texts)
        return marks.sentences_finds(texts)

    texts = ["Minjee Lee won in 2022.", "It rained.", "Paris hosted 12 talks.", "Oslo won."]
    expected = answers.packed(texts)
    sentences = list(enumerate(texts, 1))
    other = b"\x00\x00\x00\x01" + expected[2][4:]  # another signature
    given = [expected[0], None, other, expected[3][:6]]
    monkeypatch.setattr(answers, "sentences_finds", counting)
    remembered = answers._RememberedFinds(10)  # noqa: SLF001
    assert remembered(sentences, given) == expected
    assert read == texts[1:]
    assert sorted(remembered._known) == [2, 3, 4]  # noqa: SLF001
    with pytest.raises(ValueError, match="3 stored finds for 4 sentences"):
        remembered(sentences, given[:3])


def test_answers_of_each_sentence_and_their_recurrence() -> None:
    """By hand: an answer found in two articles recurs in two; one in the question is no
    answer; a sentence without any recurs in none."""
    sentences = [
        (1, "Minjee Lee won the Open in Paris."),
        (2, "Lee said Minjee Lee won 3 titles."),
        (3, "It rained."),
        (4, "Minjee Lee won."),
    ]
    found = novelty_of(frozenset({"open", "won"}), sentences, np.array([0, 0, 1, 2]))
    assert [found.answers(i) for i in range(4)] == [
        ["minjee lee", "paris"],
        ["lee", "minjee lee", "3"],
        [],
        ["minjee lee"],
    ]
    assert found.recurs.tolist() == [2, 2, 0, 2]
    assert found.counts[:, 0].tolist() == [3, 3, 0, 2]  # name words; "Open" is asked
    assert found.counts[:, 1].tolist() == [1, 0, 0, 0]  # Paris


def test_answers_sharing_a_hash_by_chance_are_told_apart() -> None:
    """Answers are grouped by a hash of their text, then by the text itself: with every
    hash made equal, each text still recurs in its own articles only."""
    found = np.frombuffer(b"lee|paris|lee|rome|paris", dtype=np.uint8)
    spans = [(0, 0, 3), (1, 4, 9), (2, 10, 13), (3, 14, 18), (4, 19, 24)]  # sentence, start, end
    answers_ = np.array(spans, dtype=np.int64)
    owner = np.array([0, 1, 2, 2, 3], dtype=np.int64)
    same_hash = np.zeros(len(spans), dtype=np.uint64)
    recurs = answers._recurs(found, answers_, same_hash, owner, len(spans))  # noqa: SLF001
    assert recurs.tolist() == [2, 2, 2, 1, 2]  # lee: articles 0, 2; paris: 1, 3; rome: 2
