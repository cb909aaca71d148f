"""A message after an answer: a follow-up read with the answer's question, or a question of
its own asked alone. The running bot against the fake Bot API, on a real database holding
the bot tests' corpus and a small town's news."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from retrieval.engine import Engine
from retrieval.follow_ups import AnswerAbove, search_after
from retrieval.models import ArticleDraft
from retrieval.search import Searcher
from retrieval.search_result import BEST_SHOWN, ONLY_SHOWN, SearchResult
from tests.test_bot import (
    CORPUS,
    USER,
    BotFactory,
    Harness,
    buttons,
    settings,  # noqa: F401  (a fixture the bot fixtures use)
    start_bot,  # noqa: F401
)

OTHER_USER = 1002  # a chat of its own: what a question gets asked first
TOWN = tuple(
    ArticleDraft(title, text, source=source, published=published)
    for title, text, source, published in (
        (
            "Zürich council approves new tram line to Örlikon",
            "The Zürich city council approved a new tram line to Örlikon on Wednesday, at a "
            "cost of 240 million francs. Construction will begin in 2025, and the line will "
            "open in 2028, the council said. Residents of Schwamendingen welcomed the decision.",
            "Swiss Wire",
            "2023-04-12",
        ),
        (
            'Q&A: what the "flood tax" means',
            "The council's proposed flood levy would add 40 pounds a year to a band D council "
            "tax bill, the finance chief Priya Shah said. The money would pay for new defences "
            "on the River Wend at Lowmarsh.",
            "Loopback Herald",
            "2024-03-10",
        ),
        (
            "River Wend bursts its banks",
            "The River Wend burst its banks early on Thursday, flooding 40 homes in Lowmarsh, "
            "the fire service said. Residents of the valley district were moved to the "
            "community hall.",
            "Loopback Herald",
            "2024-03-07",
        ),
        (
            "Wend Rovers beat Lowmarsh 3-1",
            "Wend Rovers beat Lowmarsh Town 3-1 on Saturday, with two goals from striker Ali "
            "Kent in the second half. The win lifts Rovers to third in the league.",
            "Herald Sport",
            "2024-03-09",
        ),
        (
            "Rovers sign a striker",
            "Wend Rovers signed the striker Ali Kent from Lowmarsh City in January, for an "
            "undisclosed fee.",
            "Herald Sport",
            "2024-01-20",
        ),
        (
            "Cup draw: Rovers face City",
            "Wend Rovers will play Lowmarsh City in the quarter-finals of the county cup on "
            "March 23. The tie will be played at the Wend Stadium.",
            "Herald Sport",
            "2024-03-10",
        ),
        (
            "New York attorney general investigating WeWork",
            "WeWork founder and former chief executive Adam Neumann bought buildings that he "
            "then leased back to WeWork, the attorney general's office said.",
            "Tech Wire",
            "2019-11-18",
        ),
    )
)
TRAM = "Which tram line did Zürich approve?"
SCORED = "Who scored for Wend Rovers?"


@pytest_asyncio.fixture
async def corpus_db(db_path: Path) -> Path:
    engine = await Engine.open(db_path)
    try:
        await engine.add_articles((*CORPUS, *TOWN))
        await engine.refresh()
        await engine.save_index()
    finally:
        await engine.close()
    return db_path


@pytest_asyncio.fixture
async def bot(start_bot: BotFactory) -> AsyncIterator[Harness]:  # noqa: F811
    async with start_bot() as harness:
        yield harness


async def test_a_question_of_its_own_after_an_answer_is_asked_alone(bot: Harness) -> None:
    """ "What is the flood tax?" sent after an answer about a Zürich tram line was searched
    with it: "Nothing beyond the passages already shown answers that." (only the tram
    passage was shown), and "Who is Adam Neumann?" opened with "The answer above matches
    that best". Their words are in nothing that answer showed, nor in any passage with its
    question's: each is asked alone, as in a chat of its own, sent or replied to it."""
    for question in ("What is the flood tax?", "Who is Adam Neumann?"):
        [first] = await bot.ask(OTHER_USER, question)
        [answer] = await bot.ask(USER, TRAM)
        assert "Örlikon" in answer["text"]
        [after] = await bot.ask(USER, question)
        [reply] = await bot.ask(USER, question, reply_to_message_id=answer["message_id"])
        assert after["text"] == reply["text"] == first["text"]
        assert ONLY_SHOWN not in after["text"] and BEST_SHOWN not in after["text"]
        assert "Örlikon" not in after["text"]
    assert "flood levy" in (await bot.ask(USER, "What is the flood tax?"))[0]["text"]
    logged = await bot.rows("SELECT question FROM query_log WHERE question LIKE 'W%'")
    assert not [q for (q,) in logged if "tram" in q and q != TRAM]  # none read with it


@pytest.mark.parametrize(
    "question",
    [
        # an "it" that stands for what follows it
        "Is it true that Rovers beat Lowmarsh?",
        "Why is it so wet in Lowmarsh?",
        # a "this" that stands for the message's own words, which name enough of it
        "This striker scored twice for Wend Rovers against Lowmarsh Town",
    ],
)
async def test_a_question_opening_on_it_or_this_is_no_follow_up_for_that(
    bot: Harness, question: str
) -> None:
    """ "is it legal to own a python in florida", sent after an answer about Elon Musk and
    Twitter, was searched with "elon musk twitter" and answered about Musk, as was every
    message with a pronoun before its second word. It is asked alone, as in a chat of its
    own, when its words are tied to nothing of the answer."""
    [first] = await bot.ask(OTHER_USER, question)
    await bot.ask(USER, TRAM)
    [after] = await bot.ask(USER, question)
    assert after["text"] == first["text"]
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id DESC LIMIT 1")
    assert logged == [(question,)]


async def test_a_follow_up_says_what_it_was_read_with(bot: Harness) -> None:
    """A follow-up with passages and nothing else to tell said nothing of the question it
    was read with: its passages, about both, passed for an answer to it alone."""
    await bot.ask(USER, "Adam Neumann")
    [follow] = await bot.ask(USER, "what did they say about the flood levy?")
    assert follow["text"].startswith("Read as a follow-up to “Adam Neumann”.\n\n")
    assert "flood levy" in follow["text"]


async def test_no_note_names_a_word_the_message_did_not_ask(bot: Harness) -> None:
    """After "Who scored for Wend Rovers?" ("No stored article mentions “scored”"), "What
    is the flood tax?" opened with the same note: read with that question, of words its
    sender never typed there. It is asked alone; and a follow-up names no word of the
    question it follows as unknown again."""
    [answer] = await bot.ask(USER, SCORED)
    assert answer["text"].startswith("No stored article mentions “scored”")
    [flood] = await bot.ask(USER, "What is the flood tax?")
    assert "scored" not in flood["text"] and "flood levy" in flood["text"]
    await bot.ask(USER, SCORED)
    [follow] = await bot.ask(USER, "when do they play next?")  # points back: read with it
    notes = follow["text"].split("\n\n")[0].split("\n")
    assert notes[0] == f"Read as a follow-up to “{SCORED}”."
    assert "No stored article mentions “next”: these passages match" in notes[1]
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id DESC LIMIT 1")
    assert logged == [(f"when do they play next? {SCORED}",)]


async def test_a_follow_ups_note_of_its_own_words_says_what_it_was_read_with(
    bot: Harness,
) -> None:
    """A follow-up's note that names words says it was read with the question before it."""
    await bot.ask(USER, "Wend Rovers")
    [follow] = await bot.ask(USER, "what did they say about zqxvb?")
    assert follow["text"].startswith(
        "Read as a follow-up to “Wend Rovers”.\nNo stored article mentions “zqxvb”: "
    )


async def test_what_follows_an_answer_up_is_still_read_with_it(bot: Harness) -> None:
    """What points back at the answer, asks which one of it, or whose words the answer or
    the corpus ties to it, is still read with its question."""
    [answer] = await bot.ask(USER, TRAM)
    assert "Örlikon" in answer["text"]
    # "it", and its words in the answer: that answer is all there is
    for follow_up in ("when will it open?", "what about the cost?"):
        [follow] = await bot.ask(USER, follow_up)
        assert follow["text"] == ONLY_SHOWN
    # which one of the answer's (Schwamendingen), not the flooded valley's district
    [district] = await bot.ask(USER, "which district?")
    assert district["text"].startswith(f"Read as a follow-up to “{TRAM}”.\n{BEST_SHOWN}")
    await bot.ask(USER, SCORED)
    [striker] = await bot.ask(USER, "what about the striker?")  # Ali Kent, above
    assert striker["text"].startswith(f"Read as a follow-up to “{SCORED}”.\n{BEST_SHOWN}")
    await bot.ask(USER, "lighthouse keeper")
    [hook] = await bot.ask(USER, "Hook")  # a stored passage holds it with "lighthouse keeper"
    assert "Lighthouse keepers of Hook" in hook["text"]
    logged = await bot.rows("SELECT question FROM query_log ORDER BY id")
    assert [q for (q,) in logged] == [
        TRAM,
        f"when will it open? {TRAM}",
        f"what about the cost? {TRAM}",
        f"which district? {TRAM}",
        SCORED,
        f"what about the striker? {SCORED}",
        "lighthouse keeper",
        "Hook lighthouse keeper",
    ]


# ----- the core's reading, without a bot ---------------------------------------------------


@pytest.mark.parametrize(
    ("message", "follows"),
    [
        ("which province", True),  # its word is in the passage the answer showed
        ("and in 2024?", True),  # nothing of its own but a time: the question then
        ("what about now?", True),
        ("joint exercise", False),  # the question's own words: a search, as typed
        ("central bank", False),  # in nothing shown, nor beside the question's words
    ],
)
async def test_a_message_after_an_answer_is_read_with_it_only_when_tied_to_it(
    small_engine: Engine, message: str, follows: bool
) -> None:
    question = "Where did the joint exercise begin?"
    answer = await small_engine.ask(question, limit=1)
    shown = tuple(s for passage in answer.passages for s in passage.sentences)
    assert any("Ardabil province" in s for s in shown)
    result = await small_engine.ask_after(message, AnswerAbove(question, shown), False, 3)
    assert (result.follows == question) is follows
    assert result.question == (f"{message} {question}" if follows else message)


class CountingSearcher(Searcher):
    """A Searcher on another's parts, that notes each question it searches."""

    def __init__(self, searcher: Searcher) -> None:
        parts = (searcher.reader, searcher.index, searcher.articles, searcher.policy)
        super().__init__(*parts, searcher.ranker)
        self.searched: list[str] = []

    def search(self, question: str, *args: Any) -> SearchResult:
        self.searched.append(question)
        return super().search(question, *args)


@pytest.mark.parametrize(
    ("message", "searched"),
    [
        # words of its own that no stored article holds with the question's: asked alone
        ("What is the flood tax?", ["What is the flood tax?"]),
        ("Who is Adam Neumann?", ["Who is Adam Neumann?"]),
        ("Who scored for Wend Rovers?", [SCORED]),
    ],
)
async def test_a_question_of_its_own_is_searched_once_where_no_article_could_tie_it(
    corpus_db: Path, message: str, searched: list[str]
) -> None:
    """A message of its own after an answer was searched as a follow-up first, found
    untied, then searched again alone: two whole searches. Where no stored article holds
    its words with the question's, none of the follow-up's passages could tie it: it is
    searched once, with the answer it had."""
    engine = await Engine.open(corpus_db)
    try:
        asked = await engine.ask(TRAM, limit=3)
        shown = tuple(s for passage in asked.passages for s in passage.sentences)
        counting = CountingSearcher(engine._searcher)
        result = search_after(counting, message, AnswerAbove(TRAM, shown), False, 3, None)
        alone = await engine.ask(message, limit=3)
    finally:
        await engine.close()
    assert counting.searched == searched
    assert result.follows is None and result == alone


async def test_a_follow_up_is_forgotten_by_when_the_question_it_holds_was_asked(
    bot: Harness,
) -> None:
    """A follow-up's answer, its log line and a vote on it hold the question it follows,
    and were dated when the follow-up was asked: each follow-up in a chain kept its first
    question NEWSBOT_KEEP_DAYS longer, for ever while the chain went on."""
    [answer] = await bot.ask(USER, TRAM)
    for table in ("answers", "query_log"):  # asked 80 days ago
        await bot.rows(f"UPDATE {table} SET created_ts = created_ts - 80 * 86400")
    [district] = await bot.ask(USER, "which district?", reply_to_message_id=answer["message_id"])
    assert district["text"].startswith(f"Read as a follow-up to “{TRAM}”")
    await bot.press(USER, district, buttons(district)["👍"])
    [again] = await bot.ask(USER, "when will it open?", reply_to_message_id=district["message_id"])
    assert again["text"] == ONLY_SHOWN  # searched with both questions; nothing new to show
    held = "SELECT count(*) FROM {} WHERE question LIKE '%Zürich%'"
    assert [(await bot.rows(held.format(t)))[0][0] for t in TABLES_OF_QUESTIONS] == [2, 3, 1]
    await bot.app.bot_data.conversations.forget_before(time.time() - 60 * 86400)
    assert [(await bot.rows(held.format(t)))[0][0] for t in TABLES_OF_QUESTIONS] == [0, 0, 0]


TABLES_OF_QUESTIONS = ("answers", "query_log", "feedback")
