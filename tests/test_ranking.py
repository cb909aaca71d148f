"""The ranking's parts: what a question asks for, what a sentence adds, the shipped model."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest

from retrieval.models import Attribution
from retrieval.ranking import marks
from retrieval.ranking import model as model_module
from retrieval.ranking.features import (
    COLUMN,
    FEATURES,
    FIRST_TIME_COLUMN,
    MARK_FEATURES,
    Candidates,
)
from retrieval.ranking.marks import novelty
from retrieval.ranking.model import MODEL_PATH, LinearModel, Ranker, default_ranker
from retrieval.ranking.question import AnswerKind, profile
from retrieval.ranking.selection import choose

from .conftest import sentence_marks, shared_articles


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which golfer won the 2022 US Women's Open?", AnswerKind.PERSON),
        ("Who was named the new CEO of Twitter?", AnswerKind.PERSON),
        ("Which US state passed a law banning TikTok?", AnswerKind.PLACE),
        ("Where will the 2025 Women's Open be held?", AnswerKind.PLACE),
        ("Which company bought the video game maker?", AnswerKind.ORGANIZATION),
        ("How many people were evacuated?", AnswerKind.NUMBER),
        ("By how much did inflation rise in May?", AnswerKind.NUMBER),
        ("When was the Right to Buy scheme first introduced?", AnswerKind.DATE),
        ("In which year did the ban begin?", AnswerKind.DATE),
        ("Iran Azerbaijan exercise", AnswerKind.OTHER),
        # the last question asks: the sentences before it set the scene
        ("When did the strike start? How many workers joined it?", AnswerKind.NUMBER),
    ],
)
def test_the_answer_kind_is_read_from_the_wording(question: str, kind: AnswerKind) -> None:
    assert profile(question).kind is kind


@pytest.mark.parametrize(
    ("unspelt", "spelt"),
    [
        ("whats the latest on the jan 6 hearing", "What's the latest on the jan 6 hearing"),
        ("wheres the Nobel Peace Prize awarded?", "Where's the Nobel Peace Prize awarded?"),
        ("whos hosting this year's Oscars?", "Who’s hosting this year's Oscars?"),
        ("Whens the final", "When's the final"),
        ("hows the queen", "How's the queen"),
    ],
)
def test_a_question_word_typed_without_its_apostrophe_asks_as_with_it(
    unspelt: str, spelt: str
) -> None:
    """Asked "wheres the Nobel Peace Prize awarded?", no place was wanted, and "whats the
    latest on the jan 6 hearing", without "?", was read as keywords."""
    assert profile(unspelt) == profile(spelt)
    assert profile(unspelt).asks


def test_the_asking_sentence_decides_and_recent_wording_is_noticed() -> None:
    asked = profile("A golfer made history this week. Which state hosted the tournament?")
    assert asked.kind is AnswerKind.PLACE and asked.recent
    assert asked.asking.startswith("which state")
    assert not profile("Which state hosted the 1980 tournament?").recent
    assert not profile("oil prices opec").asks


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Which golfer won the US Women's Open?", True),
        ("who won the open", True),  # typed without "?"
        ("A man paddled a pumpkin boat down a river for:", True),
        ("Golf. Which state hosted the tournament?", True),
        ("oil prices opec", False),
        ("Aspirin lowers the risk of colorectal cancer.", False),
        ("The new law, which bans the sale, passed on Monday.", False),
        ("من فاز بالانتخابات في تونس؟", True),  # Arabic's question mark
        ("Ποιος κέρδισε τις εκλογές\u037e", True),  # Greek's, "\u037e" or ";"
        ("Ποιος κέρδισε τις εκλογές;", True),
        ("oil; gas; opec;", False),
    ],
)
def test_a_claim_or_keywords_do_not_ask(text: str, asks: bool) -> None:
    assert profile(text).asks is asks


def test_a_sentence_adds_only_what_the_question_does_not_say() -> None:
    marks = sentence_marks("Minjee Lee won the US Women's Open in Southern Pines by 4 strokes.")
    question = profile("Which golfer won the US Women's Open?").words
    shape = novelty(marks, question)
    assert "minjee lee" in shape.candidates and "4" in shape.candidates
    assert not any("open" in c for c in shape.candidates)  # the question names it
    assert shape.numbers == 1 and shape.names >= 2
    places = novelty(
        sentence_marks("The talks moved from Paris to New York on Monday."), frozenset()
    )
    assert places.places == 2 and places.months == 1
    town = "It began in the border town of Aslanduz in Iran's Ardabil province."
    assert novelty(sentence_marks(town), frozenset()).places == 3  # the list knows only Iran


def test_marks_are_read_quickly_and_exactly_on_real_news() -> None:
    """The shortcuts of `sentence_marks` must change nothing: each pattern's opening
    lookahead (the characters a match can start with), the year, money and place patterns
    skipped without a character or word they need, numbers found in the lower-cased text
    (by their digits alone without a number word), months among the runs of capitals, and
    `novelty` answering from the sentence's reading alone when the question shares none of
    its words."""
    questions = [
        profile(q).words
        for q in (
            "Which golfer won the 2022 US Women's Open?",
            "How many people died in the floods in March?",
            "Where did the joint exercise begin?",
            "What did the Bank of England say about inflation of 5 percent?",
        )
    ] + [frozenset()]
    lines = [
        line
        for article in shared_articles("bbc-news", 150)
        for line in article["text"].splitlines()
        if line.strip()
    ] + [
        "It cost 300 DOLLARS, or 250 EUROſ, in 1999.",
        "Up 5 PERCENT, or £3 bn.",
        "ſix and ſeven Hundreds of İstanbul fans, Dozens on Sunday.",  # ſ is an s only
        "THREE of the 2,500 “Billions” – twelve MILLION.",
        "x1999 _1999 é2000 \n1999 (1999) ÉTienne aB _B éB \nB $5 x$5 $ 5 £\n5 a5 €٣",
    ]
    opened = 0
    plains: dict[str, re.Pattern[str]] = {"_DIGITS_LOWER": re.compile(marks._DIGITS)}  # noqa: SLF001
    for name in ("_NUMBER", "_MONTH_OR_DAY", "_MONEY"):
        pattern: re.Pattern[str] = getattr(marks, name)
        lookahead = re.match(r"\(\?=\[[^]]*\]\)", pattern.pattern)
        assert lookahead, name
        plains[name] = re.compile(pattern.pattern[lookahead.end() :], pattern.flags)
    for name in ("_CAPS_RUN", "_YEAR"):  # opening with a character, `\b` tested after it
        pattern = getattr(marks, name)
        assert "(?<!\\w.)" in pattern.pattern, name
        plains[name] = re.compile(r"\b" + pattern.pattern.replace("(?<!\\w.)", ""))
    for name, plain in plains.items():
        pattern = getattr(marks, name)
        for line in lines:
            assert pattern.findall(line) == plain.findall(line), (name, line)
            opened += bool(plain.findall(line))
    assert opened > len(lines)  # the patterns do find things in news
    shortcuts = 0
    for line in lines:
        read = sentence_marks(line)
        scanned = (
            marks._after_possessive(marks._WORD.findall((m[1] or m[2]).casefold()))  # noqa: SLF001
            for m in marks._CUED_PLACE.finditer(line)  # noqa: SLF001
        )
        assert read.cued_places == tuple(words for words in scanned if words)
        assert read.years == tuple(marks._YEAR.findall(line))  # noqa: SLF001
        # numbers over the lower-cased text, months over the runs of capitals
        found = [n.casefold() for n in marks._NUMBER.findall(line)]  # noqa: SLF001
        assert read.numbers == tuple(tuple(marks._WORD.findall(n)) for n in found)  # noqa: SLF001
        months = marks._MONTH_OR_DAY.findall(line)  # noqa: SLF001
        assert read.months == tuple(m.casefold() for m in months)
        assert read.money == len(marks._MONEY.findall(line))  # noqa: SLF001
        for words in questions:
            # the whole reading, without the shortcut
            assert novelty(read, words) == marks._novelty(read, words)  # noqa: SLF001
            shortcuts += words.isdisjoint(read.words)
    assert 0 < shortcuts < len(lines) * len(questions)


def test_the_shipped_model_loads_and_names_only_known_features() -> None:
    ranker = default_ranker()
    assert set(ranker.first.features) <= set(FEATURES) - set(MARK_FEATURES)
    assert set(ranker.final.features) <= set(FEATURES)
    assert ranker.pool >= 20 and ranker.first_page >= 1
    assert ranker.rest is not None and set(ranker.rest.features) <= set(FEATURES)
    data = json.loads(MODEL_PATH.read_text())
    assert Ranker.from_dict(data).to_dict() == data  # what it writes is what it reads
    without_rest = {k: v for k, v in data.items() if k != "rest"}  # a model.json of before
    assert Ranker.from_dict(without_rest).rest is None


def model(*features: str) -> dict[str, object]:
    n = len(features)
    return {"features": list(features), "mean": [0] * n, "scale": [1] * n, "weights": [1] * n}


def test_a_model_naming_what_the_code_does_not_compute_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown features: sentiment"):
        LinearModel.from_dict(model("window_bm25", "sentiment"))
    with pytest.raises(ValueError, match="first stage cannot use names"):
        Ranker.from_dict({"first": model("names"), "final": model("names")})
    with pytest.raises(ValueError, match="must match features"):
        LinearModel.from_dict({**model("window_bm25"), "weights": [1, 2]})
    with pytest.raises(ValueError, match="features twice: age"):  # one weight would be lost
        LinearModel.from_dict(model("age", "window_bm25", "age"))


def test_a_linear_model_scores_standardized_columns() -> None:
    rows = np.zeros((2, len(FEATURES)))
    rows[:, COLUMN["window_bm25"]] = [1.0, 3.0]
    rows[:, COLUMN["age"]] = [2.0, 0.0]
    scorer = LinearModel(
        ("window_bm25", "age"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0])
    )
    assert scorer.score(rows).tolist() == [-2.0, 1.0]


def test_an_unknown_age_adds_nothing_to_a_score() -> None:
    """An undated article's time columns are NaN (its age is unknown): each is taken at the
    model's mean, where its term adds nothing, the columns the model does not use ignored
    as ever. A value missing elsewhere is a fault, and stays NaN."""
    rows = np.zeros((4, len(FEATURES)))
    rows[:, COLUMN["window_bm25"]] = [1.0, 3.0, 3.0, 3.0]
    rows[:, COLUMN["age"]] = [2.0, 0.0, 0.0, 0.0]
    rows[1:3, FIRST_TIME_COLUMN:] = np.nan
    rows[2, COLUMN["window_bm25"]] = np.nan
    scorer = LinearModel(
        ("window_bm25", "age"), np.array([1.0, 0.5]), np.array([2.0, 1.0]), np.array([1.0, -1.0])
    )
    assert np.array_equal(scorer.score(rows), [-1.5, 1.0, np.nan, 1.5], equal_nan=True)
    assert scorer.score(rows[[0, 3]]).tolist() == [-1.5, 1.5]


def one_sentence_windows(sizes: dict[int, int]) -> Candidates:
    """A window per sentence of articles with these many sentences, each text its own."""
    rows = [
        (article * 100 + i, article, i) for article, count in sizes.items() for i in range(count)
    ]
    n = len(rows)
    articles = np.array([article for _, article, _ in rows])
    return Candidates(
        sentence_id=np.array([i for i, _, _ in rows]),
        article=articles,
        start=np.arange(n),
        size=np.ones(n, dtype=np.int64),
        features=np.zeros((n, len(FEATURES))),
        attributions={},
        owner=articles,
        coverage=np.zeros(n),
        question=profile("What does each article say?"),
        texts={i: f"Article {article} says thing {at}." for i, article, at in rows},
    )


def test_the_first_page_is_the_best_passages_then_new_articles_come_first() -> None:
    windows = one_sentence_windows({0: 6, 1: 2, 2: 2})
    scores = -np.arange(len(windows), dtype=np.float64)  # article 0's windows score best
    chosen = choose(windows, scores, 8, first_page=3)
    assert [int(windows.article[w]) for w in chosen] == [0, 0, 0, 1, 2, 0, 0, 0]
    assert chosen[:3] == [0, 1, 2] and chosen[3:5] == [6, 8]  # each article's best first
    assert choose(windows, scores, 3, first_page=1) == [0, 6, 8]


def test_the_passages_after_the_first_are_ordered_by_the_rest_s_scores() -> None:
    """The final stage picks the first passage (trained for the surest), the rest's model
    the others (trained for every window that holds the answer): `Ranker.rest`."""
    windows = one_sentence_windows({0: 2, 1: 2, 2: 2})
    scores = np.array([5.0, 4.0, 3.0, 2.0, 1.0, 0.0])
    rest = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])  # the reverse
    assert choose(windows, scores, 4, first_page=3, rest=rest) == [0, 5, 4, 3]
    assert choose(windows, scores, 4, first_page=1, rest=rest) == [0, 5, 3, 4]  # new first
    assert choose(windows, scores, 4, first_page=3) == [0, 1, 2, 4]  # no rest: the final's


def test_a_question_prefers_the_article_that_holds_more_of_it() -> None:
    """Of two windows scored near alike, the one whose article holds more of the question's
    weight comes first: its article tells the story asked about."""
    windows = one_sentence_windows({0: 1, 1: 1})
    windows = replace(
        windows,
        matched=np.array([[True, False, False], [True, True, True]]),
        terms=("zhang", "golf", "debut"),
        weights=np.array([0.5, 0.25, 0.25]),
    )
    assert choose(windows, np.array([1.0, 0.5]), 2, first_page=3) == [1, 0]
    assert choose(windows, np.array([3.0, 0.5]), 2, first_page=3) == [0, 1]  # not at any cost


def test_a_near_copy_of_a_passage_chosen_is_left_out() -> None:
    """A syndicated copy with a word or two more is the same passage twice."""
    windows = replace(
        one_sentence_windows({0: 1, 1: 1}),
        texts={
            0: "Floods hit the town of Ely on Monday, officials said.",
            100: "Floods hit the town of Ely on Monday, officials said on Tuesday.",
        },
    )
    assert choose(windows, np.array([1.0, 0.5]), 2, first_page=3) == [0]


def test_a_rewrite_of_a_passage_chosen_is_left_out() -> None:
    """An outlet's second version of its report, a few words changed, was quoted under the
    first: the same story twice on one page."""
    windows = replace(
        one_sentence_windows({0: 1, 1: 1, 2: 1}),
        texts={
            0: 'After weeks of rumors, Lea Michele is officially replacing "Funny Girl" star '
            "Beanie Feldstein on Broadway. Michele, who got her start on Broadway as a child, "
            "will take over the role in September.",
            100: "It's official: after weeks of rumors, Lea Michele is officially replacing "
            '"Funny Girl" star Beanie Feldstein on Broadway. Michele, who got her start on '
            "Broadway as a child in Les Miserables, takes over the lead role on September 6.",
            200: "Beanie Feldstein said she was leaving the show earlier than planned.",
        },
    )
    assert choose(windows, np.array([1.0, 0.5, 0.2]), 3, first_page=3) == [0, 2]


def test_a_claim_gets_one_passage_per_article_in_order_of_whole_article_bm25() -> None:
    """Sources for a claim: each article's best window, the articles ranked by their whole
    text (`article_rank`), not by their best window; then more windows by score."""
    windows = replace(
        one_sentence_windows({0: 3, 1: 2, 2: 2}),
        question=profile("Every article says a thing."),
    )
    windows.features[:, COLUMN["article_rank"]] = np.log1p([1, 1, 1, 2, 2, 0, 0])
    scores = np.array([0.0, -0.1, -0.2, -0.9, -0.3, -0.6, -0.5])  # article 0's score best
    assert choose(windows, scores, 5, first_page=3) == [6, 0, 4, 1, 2]
    question = replace(windows, question=profile("What does every article say?"))
    assert choose(question, scores, 5, first_page=3)[0] == 0  # a question: the best first


def test_a_claim_lists_a_story_filed_again_under_its_title_after_the_others() -> None:
    """Two copies of one wire (the same title, other passages) were the first two sources
    of a claim: the copy comes after the other articles."""
    windows = replace(
        one_sentence_windows({0: 1, 1: 1, 2: 1}),
        question=profile("The trade deficit narrowed in February."),
        attributions={
            0: Attribution(
                0, "U.K. visible trade deficit narrows in February", None, (), None, None
            ),
            1: Attribution(
                1, "U.K. VISIBLE TRADE DEFICIT NARROWS IN FEBRUARY", None, (), None, None
            ),
            2: Attribution(2, "Sterling firm after trade figures", None, (), None, None),
        },
    )
    windows.features[:, COLUMN["article_rank"]] = np.log1p([0, 1, 2])
    assert choose(windows, np.zeros(3), 3, first_page=3) == [0, 2, 1]


def test_a_claim_keeps_a_window_of_every_article_past_the_pool() -> None:
    windows = one_sentence_windows({0: 3, 1: 2, 2: 1})
    windows.features[:, COLUMN["coverage"]] = [0.9, 0.8, 0.7, 0.1, 0.3, 0.2]
    ranker = Ranker(LinearModel.from_dict(model("coverage")), default_ranker().final, pool=2)
    assert ranker.keep(windows).tolist() == [0, 1]
    claim = replace(windows, question=profile("Every article says a thing."))
    assert ranker.keep(claim).tolist() == [0, 1, 4, 5]  # the best of articles 1 and 2 too


def test_the_first_page_does_not_spend_passages_on_an_answer_it_already_quotes() -> None:
    """Three passages naming one wrong golfer are two wasted: a window whose candidate
    answers are all quoted above scores `REPEATED_ANSWERS` less ("Lee" is quoted once
    "Minjee Lee" is), so a close one naming someone else comes before it."""
    texts = [
        "Minjee Lee won the title in a playoff.",
        "The title went to Lee after a long day.",  # Lee again, in another article
        "Lydia Ko won the title by two strokes.",
    ]
    windows = replace(
        one_sentence_windows({0: 1, 1: 1, 2: 1}),
        question=profile("Which golfer won the title?"),
        texts={i: text for i, text in zip((0, 100, 200), texts, strict=True)},
    )
    scores = np.array([0.0, -0.2, -0.5])
    assert choose(windows, scores, 3, first_page=3) == [0, 2, 1]
    # a gap wider than the penalty keeps the order; past the first page, score order rules
    assert choose(windows, np.array([0.0, -0.2, -1.5]), 3, first_page=3) == [0, 1, 2]
    assert choose(windows, scores, 3, first_page=1) == [0, 1, 2]


def test_the_first_stage_keeps_the_windows_a_stable_sort_would() -> None:
    """The pool is the first `pool` rows of a stable descending sort, ties at the cut going
    to the earlier rows, however it is found."""
    rng = np.random.default_rng(4)
    for size, count in ((2600, 100), (150, 100), (100, 100), (40, 100), (500, 1)):
        for scores in (rng.normal(size=size), rng.integers(0, 6, size=size).astype(float)):
            kept = model_module._best(scores, count)
            assert sorted(kept.tolist()) == sorted(
                np.argsort(-scores, kind="stable")[:count].tolist()
            )


def test_a_windows_terms_are_told_for_the_windows_at_hand() -> None:
    """Which of the question's terms a window or its article's title holds is told from its
    sentences' and title's terms for the windows kept (`Candidates.window_terms`), not for
    every window cut: each kept window's are its own, whatever else was cut."""
    windows = one_sentence_windows({0: 3, 1: 2})
    present = np.array(
        [[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1], [1, 1, 0]], dtype=bool
    )  # per sentence
    in_title = np.array([[0, 0, 0], [0, 0, 1]], dtype=bool)  # per article
    windows = replace(
        windows,
        start=np.array([0, 1, 2, 3]),
        size=np.array([2, 2, 1, 2]),
        article=np.array([0, 0, 0, 1]),
        features=np.zeros((4, len(FEATURES))),
        present=present,
        in_title=in_title,
        terms=("zhang", "golf", "debut"),
        weights=np.array([0.5, 0.25, 0.25]),
    )
    told = [[1, 1, 0], [0, 1, 0], [0, 0, 0], [1, 1, 1]]
    terms = windows.window_terms()
    assert terms is not None and terms.astype(int).tolist() == told
    assert windows.held().tolist() == [0.75, 0.25, 0.0, 1.0]
    kept = windows.subset(np.array([1, 3]))
    terms = kept.window_terms()
    assert terms is not None and terms.astype(int).tolist() == [told[1], told[3]]
    # given outright, they are taken as given
    given = replace(kept, matched=np.array([[True, True, True], [False, False, False]]))
    assert given.held().tolist() == [1.0, 0.0]


def test_a_candidates_copy_with_changes_is_what_replace_makes() -> None:
    """`Candidates.changed` copies field by field what `dataclasses.replace` would pass
    through `__init__`, and a name no field has is an error, as there."""
    from retrieval.ranking.features import FEATURES, Candidates

    ids = np.arange(4)
    candidates = Candidates(
        ids, ids, ids, ids, np.zeros((4, len(FEATURES))), {}, ids, np.zeros(4), profile("Who?"), {}
    )
    texts = {0: "Floods hit Ely."}
    assert candidates.changed(texts=texts, novelty=None) == replace(candidates, texts=texts)
    assert candidates.changed().texts is candidates.texts
    with pytest.raises(AttributeError):
        candidates.changed(text=texts)
