"""Headings in quotes: a window holds one only as its first sentence, and a quote that opens
with one sets it off (retrieval/ranking/headings.py)."""

import time
from dataclasses import replace

import numpy as np

from retrieval.corpus.read_connections import ReadConnections
from retrieval.corpus.reader import CorpusReader
from retrieval.engine import Engine
from retrieval.models import ArticleDraft
from retrieval.quotes import quote_text
from retrieval.ranking.features import FEATURES, Candidates
from retrieval.ranking.headings import heading_like, is_heading, looks_like_heading
from retrieval.ranking.model import default_ranker
from retrieval.ranking.question import profile
from retrieval.search import Searcher

# A listicle as CNN's "5 things to know" pages are written: each item a heading paragraph,
# then its story.
LISTICLE = "\n\n".join(
    [
        "Here's what you need to know to get up to speed on the day.",
        "NBA Finals",
        "The Golden State Warriors defeated the Boston Celtics 103-90 on Thursday night to"
        " claim their fourth NBA championship in the last eight seasons.",
        "Stephen Curry was named the Finals MVP for the first time in his career.",
        "Church shooting",
        "Two people were killed in a shooting at a church near Birmingham on Thursday.",
        "The gunman opened fire at a small group meeting at the church, police said.",
        "Mortgage rates",
        "Mortgage rates jumped to nearly 6% this week, the largest rise since 1987.",
    ]
)
HEADINGS = {"NBA Finals", "Church shooting", "Mortgage rates"}


async def test_no_quote_ends_on_or_runs_through_a_heading(engine: Engine) -> None:
    await engine.add_articles([ArticleDraft("5 things to know for June 17", LISTICLE)])
    await engine.refresh()
    for question in (
        "Who won the NBA Finals?",
        "Who was the Finals MVP and where was the church shooting?",
        "How many were killed in the church shooting, and how high are mortgage rates?",
    ):
        result = await engine.ask(question, limit=5)
        assert result.passages, question
        for passage in result.passages:
            # a heading opens what follows it: never a window's later sentence
            assert not HEADINGS & set(passage.sentences[1:]), (question, passage.quote)


async def test_a_quote_opening_with_a_heading_sets_it_off(engine: Engine) -> None:
    await engine.add_articles([ArticleDraft("5 things to know for June 17", LISTICLE)])
    await engine.refresh()
    result = await engine.ask("Who won the NBA Finals?", limit=5)
    opening = [p for p in result.passages if p.sentences[0] == "NBA Finals"]
    assert opening, [p.quote for p in result.passages]
    for passage in opening:
        assert passage.quote.startswith("NBA Finals: The Golden State Warriors defeated")
        # the heading's words are still what the question matched
        marked = {passage.quote[a:b].casefold() for a, b in passage.highlights}
        assert {"nba", "finals"} <= marked


def test_what_reads_as_a_heading() -> None:
    assert looks_like_heading("NBA Finals")
    assert looks_like_heading("Aktuelle Situation")
    assert looks_like_heading("5. Church shooting")
    assert not looks_like_heading("The bank raised its rate.")
    assert not looks_like_heading('He said: "We will win."')
    assert not looks_like_heading("")
    # long: a caption or a cut-off sentence, not a title
    assert not looks_like_heading(" ".join(["word"] * 13))
    # a paragraph's own: its neighbours are other paragraphs
    assert is_heading("NBA Finals", 4, 3, 5)
    assert is_heading("NBA Finals", 4, 3, None)
    # the unpunctuated end of a longer paragraph ("... according to UK in a Changing Europe")
    assert not is_heading("UK in a Changing Europe", 9, 9, 10)
    assert not is_heading("NBA Finals", None, 3, 5)  # its paragraph not read: not known


def test_a_heading_set_off_only_where_it_opens_a_quote() -> None:
    story = "The Warriors won the title."
    assert quote_text(["NBA Finals", story], [4, 5]) == f"NBA Finals: {story}"
    # its colon sets it off already
    assert quote_text(["Aktuelle Situation:", story], [4, 5]) == f"Aktuelle Situation: {story}"
    # one paragraph: the end of a sentence the splitter cut, joined as written
    assert quote_text(["In a Changing Europe", story], [4, 4]) == f"In a Changing Europe {story}"
    assert quote_text([story, "Church shooting"], [3, 4]) == f"{story} Church shooting"
    assert quote_text(["NBA Finals"], [4]) == "NBA Finals"


async def test_windows_left_out_for_a_heading_make_room_for_the_next_best(engine: Engine) -> None:
    """The pool is the first stage's best `pool` windows that hold no heading past their
    first sentence: those that do are replaced by the next best, not left as gaps (a tenth
    of news-qa-dev's pools were)."""
    await engine.add_articles([ArticleDraft("5 things to know for June 17", LISTICLE)])
    await engine.refresh()
    readers = ReadConnections(engine.db_path)
    try:
        reader = CorpusReader(readers.get)
        ranker = replace(default_ranker(), pool=4)
        searcher = Searcher(reader, engine.index, engine.articles, ranker=ranker)
        question = "Who won the NBA Finals and how many were killed in the church shooting?"
        candidates = searcher.candidates(question, engine.index.tokenizer(question), time.time())
        assert candidates is not None
        first = candidates.subset(ranker.keep(candidates)).read_texts(
            reader.sentence_texts_and_finds
        )
        assert first.past_headings()  # some to replace
        kept, _ = ranker.rank(candidates, reader.sentence_texts_and_finds)
        assert len(kept) == ranker.pool
        assert not kept.past_headings()
    finally:
        readers.close()


def test_a_pools_windows_past_a_heading_are_those_any_sentence_rule_finds() -> None:
    """`Candidates.past_headings` judges each sentence once and tells the windows at once:
    the windows it finds are those that hold, after their first sentence, one that
    `is_heading` calls a heading by its own paragraph and its neighbours' (the next one's
    only within its article)."""
    texts = [
        "Here's what you need to know.",  # article 0
        "NBA Finals",
        "The Warriors won the title on Thursday.",
        "Curry was named Finals MVP.",
        "Church shooting",
        "Two people were killed.",
        "Mortgage rates",  # article 1: its first sentence, after article 0's last
        "Rates jumped to nearly 6% this week.",
        "In a Changing Europe",  # the end of the paragraph before: no heading
        "Aktuelle Situation",  # last of its article, a paragraph of its own
    ]
    paragraphs = [0, 1, 2, 2, 3, 4, 0, 1, 1, 2]
    owner = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1, 1])
    ids = np.arange(100, 100 + len(texts))
    starts, sizes = zip(
        *[(s, n) for s in range(len(texts)) for n in (1, 2, 3) if s + n <= len(texts)],
        strict=True,
    )
    start, size = np.array(starts), np.array(sizes)
    keep = owner[start] == owner[start + size - 1]  # a window is of one article
    start, size = start[keep], size[keep]
    candidates = Candidates(
        sentence_id=ids,
        article=owner[start],
        start=start,
        size=size,
        features=np.zeros((len(start), len(FEATURES))),
        attributions={},
        owner=owner,
        coverage=np.zeros(len(texts)),
        question=profile("Who won the NBA Finals?"),
        texts=dict(zip(ids.tolist(), texts, strict=True)),
        paragraphs=dict(zip(ids.tolist(), paragraphs, strict=True)),
    )

    def heading(row: int) -> bool:
        after = None
        if row + 1 < len(texts) and owner[row + 1] == owner[row]:
            after = paragraphs[row + 1]
        return is_heading(texts[row], paragraphs[row], paragraphs[row - 1], after)

    expected = [
        w
        for w, (first, n) in enumerate(zip(start.tolist(), size.tolist(), strict=True))
        if any(heading(row) for row in range(first + 1, first + n))
    ]
    assert expected  # some windows run through a heading
    assert candidates.past_headings() == expected
    # of some windows only (a refill's, `Ranker.rank`): those of them the whole pool's are
    some = np.array([w for w in range(len(start)) if w % 3 != 1])
    assert candidates.past_headings(some) == [w for w in expected if w in some]
    assert candidates.past_headings(np.zeros(0, dtype=np.int64)) == []
    assert heading_like(texts) == [i for i, t in enumerate(texts) if looks_like_heading(t)]
    assert heading_like(texts) == [1, 4, 6, 8, 9]


def test_a_sentence_known_as_no_heading_stays_none_as_its_neighbours_are_read() -> None:
    """A refill (`Ranker.rank`) judges only the windows it takes in: the pool's others held
    no heading, and a neighbour's paragraph read since can only show a sentence is not a
    paragraph of its own, never that it is."""
    for text in ("NBA Finals", "The Warriors won.", ""):
        for paragraph in (None, 3, 4):
            for before in (None, 3, 4):
                for after in (None, 3, 4):
                    if not is_heading(text, paragraph, before, after):
                        for known_before in (before,) if before is not None else (None, 3, 4):
                            for known_after in (after,) if after is not None else (None, 3, 4):
                                assert not is_heading(text, paragraph, known_before, known_after)
