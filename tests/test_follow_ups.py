"""A message after an answer: a follow-up read with the answer's question, or a question of
its own asked alone."""

from __future__ import annotations

import pytest

from retrieval.engine import Engine
from retrieval.follow_ups import AnswerAbove


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
