"""Tokenizing many docs at once (`retrieval.index.many`) gives each doc's own terms."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from retrieval.index import many
from retrieval.index.builder import SegmentBuilder
from retrieval.index.tokens import SPACED, Tokenizer

from .conftest import shared_lines

TEXTS = [
    "Shares rose sharply on Monday after the central bank's decision",
    "It’s the ‘best’ “deal” — or – not • 3−2 they said",  # common once quotes are spaces
    "The US said IT was the WHO's call, not the who of it.",  # stopwords in capitals
    "U.S. NAVAL FORCES ATTACK IRAN'S OIL PLATFORMS IN THE GULF",  # shouting
    "WHATS next for the party, and whats the latest",  # an unspelt contraction in capitals
    "Shares rose 1,500 points, or 3.5%, to 12,345.67.",  # joined by a comma or a dot
    "Ends with a dot.",
    "Café owners in Zürich said the naïve plan failed",  # not ASCII
    "ﬁne ﬂow ＡＢＣ ｄｅｆ ½ children began six fifth",  # NFKC changes it
    "",
    "   ",
    "the of and",  # no terms
    "Two  spaces,\ta tab and\u2028a line separator\u00a0too\nand a new line",
    "a \x01 separator byte inside",
    "ITS IT’S it_IT IT2 ITALY",  # runs of capitals that are not stopwords, and one that is
    "a" * 45 + " overlong words are left out " + "b" * 41,
    "snake_case words_2 and 東京",
    "a whole article of plain words " * 80,  # long: tokenized on its own
    # off the common path, ASCII once spaced: found with the others in one pass
    "It’s 1,500 “U.S.” troops, the W.H.O. said at 3.5 p.m.",
    "THE U.S. AND IT’S ALLIES SAY IT IS OVER, 2,000 TROOPS",  # shouting, quotes, joins
    "The WHO’s 1.5, a comma at the end,",
    "U.S.",
]


def one_by_one(tokenizer: Tokenizer, texts: list[str]) -> list[list[str]]:
    return [tokenizer(text) for text in texts]


def at_once(tokenizer: Tokenizer, texts: list[str], written: dict[bytes, int]) -> list[list[str]]:
    vocab: dict[str, int] = {}

    def term_id(terms: list[str]) -> list[int]:
        return [vocab.setdefault(term, len(vocab)) for term in terms]

    tokens, lengths = many.term_ids(tokenizer, texts, written, term_id)
    words = list(vocab)
    ids = iter(tokens.tolist())
    return [[words[next(ids)] for _ in range(length)] for length in lengths.tolist()]


@pytest.mark.parametrize(
    "options", [{}, {"stem": False}, {"stopwords": False}, {"acronyms": False}]
)
def test_each_doc_gets_the_terms_the_tokenizer_gives_it_alone(options: dict[str, bool]) -> None:
    tokenizer = Tokenizer(**options)
    expected = one_by_one(tokenizer, TEXTS)
    written: dict[bytes, int] = {}
    assert at_once(tokenizer, TEXTS, written) == expected
    # in another order, and again from what the first call remembered (different ids)
    assert at_once(tokenizer, TEXTS[::-1], {}) == expected[::-1]
    for text, terms in zip(TEXTS, expected, strict=True):
        assert at_once(tokenizer, [text], {}) == [terms]


def test_batches_without_common_docs_or_with_the_separator_byte() -> None:
    tokenizer = Tokenizer()
    for texts in ([], ["Zürich"], ["a \x01 b", "plain words here"], ["U.S. ships"]):
        assert at_once(tokenizer, texts, {}) == one_by_one(tokenizer, texts)


def test_real_news_sentences_at_once_get_their_own_terms() -> None:
    texts = shared_lines("bbc-news", 60)
    tokenizer = Tokenizer()
    assert at_once(tokenizer, texts, {}) == one_by_one(tokenizer, texts)


@dataclass(frozen=True)
class CountingTokenizer(Tokenizer):
    """A tokenizer that records the texts it is asked to tokenize, or route, one by one."""

    calls: list[str] = field(default_factory=list, compare=False)
    routed: list[str] = field(default_factory=list, compare=False)

    def __call__(self, text: str) -> list[str]:
        self.calls.append(text)
        return super().__call__(text)

    def ascii_words(self, text: str) -> list[bytes] | None:
        self.routed.append(text)
        return super().ascii_words(text)


def spaced_ascii(text: str) -> bool:
    """Whether `text` is ASCII once the tokenizer's spaced characters are spaces."""
    return "".join(" " if c in SPACED else c for c in text).isascii()


def test_a_builder_tokenizes_only_the_docs_off_the_common_path_one_by_one() -> None:
    """Only the docs that are not ASCII once quotes and dashes are spaces, and the long ones:
    the others off the common path (joined words, stopwords in capitals), one sentence in
    eleven of news at some 20 us each, are tokenized together (`Tokenizer.written_many`)."""
    texts = [text for text in TEXTS if "\x01" not in text]  # one holding it: all one by one
    tokenizer = CountingTokenizer()
    builder = SegmentBuilder(tokenizer)
    builder.add_many((i, text, float(i)) for i, text in enumerate(texts, 1))
    assert not tokenizer.routed  # the common path is decided for the batch, not per doc
    alone = [t for t in texts if not spaced_ascii(t) or len(t) > many.LONG_TEXT]
    assert sorted(tokenizer.calls) == sorted(alone)
    assert len(alone) < len([t for t in texts if tokenizer.ascii_words(t) is None])
    one = SegmentBuilder(Tokenizer())
    for i, text in enumerate(texts, 1):
        one.add(i, text, float(i))
    assert list(builder.doc_len) == list(one.doc_len)
    assert list(builder.doc_start) == list(one.doc_start)
    assert list(builder.doc_words) == list(one.doc_words)
    assert list(builder.doc_time) == list(one.doc_time)
    assert list(builder.doc_ids) == list(one.doc_ids)
    terms, one_terms = list(builder.vocab), list(one.vocab)
    assert [terms[i] for i in builder.token_ids] == [one_terms[i] for i in one.token_ids]


def test_written_many_gives_each_text_its_own_terms() -> None:
    off = [t for t in TEXTS if spaced_ascii(t) and Tokenizer().ascii_words(t) is None]
    assert len(off) >= 6
    for options in ({}, {"stem": False}, {"acronyms": False}, {"stopwords": False}):
        tokenizer = Tokenizer(**options)
        assert tokenizer.written_many(off) == one_by_one(tokenizer, off)
        assert tokenizer.written_many(off[::-1]) == one_by_one(tokenizer, off[::-1])
    assert Tokenizer().written_many([]) == []
    with pytest.raises(ValueError):
        Tokenizer().written_many(["Zürich"])
