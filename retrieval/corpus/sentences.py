"""An article into sentences: its paragraphs, datelines cut off (`furniture`), each split
by Punkt (`punkt`) with the breaks news copy needs that its tables lack, a bound on what one
sentence may be, and page furniture left out.

Where Punkt's breaks are joined or parted is `punkt_breaks`; the bound, `sentence_bounds`.

Every article records the version of these rules its sentences were split by: a change to
them (here, in `punkt_breaks` or in `sentence_bounds`) that splits some text otherwise bumps
`splitter.SPLITTER_VERSION`, and `newsbot reindex` splits the articles stored before it again.
"""

from __future__ import annotations

import re

from retrieval.corpus.clutter import without_clutter
from retrieval.corpus.furniture import from_dateline, is_furniture
from retrieval.corpus.punkt_breaks import parted_after, punkt_sentences
from retrieval.corpus.sentence_bounds import MAX_SENTENCE_CHARS, bound_sentence
from retrieval.corpus.text import paragraphs

# The full stops of scripts Punkt's English tables do not know: Chinese and Japanese "。！？"
# (written without a space after them, so a whole paragraph would otherwise be one sentence),
# Devanagari's danda "।", Arabic's question mark "؟". One inside closing quotes ends a
# quotation, which the sentence goes on after ("「本当ですか？」と彼は言った。"), as an
# English one does; but Chinese closes a quotation that ends its sentence with the stop
# inside curly quotes ("他说：“这是真的。”然后他走了。"): a sentence follows unless
# punctuation does.
_OTHER_FULL_STOP = re.compile(
    r"[\u3002\uff01\uff1f\u0964\u061f]++!*+(?![\u300d\u300f\u201d\u2019\uff09)\]»])"  # a run
    r"|[\u3002\uff01\uff1f]++[\u201d\u2019]++(?![\s\u3002\uff0c\u3001\uff1a\uff1b,.:;)\]\uff09])"
)


_OTHER_STOP_MARK = re.compile(r"[\u3002\uff01\uff1f\u0964\u061f]")  # found faster


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences; keeps quotes, decimals and abbreviations whole.

    No sentence is longer than MAX_SENTENCE_CHARS: longer runs are cut (`bound_sentence`).
    """
    sentences = punkt_sentences(paragraph)
    # a stop inside closing quotes may cut nothing; a paragraph without one of the stops
    # (ASCII, or without the marks, as most are) is passed at a look
    if not paragraph.isascii() and _OTHER_STOP_MARK.search(paragraph):
        sentences = [
            part for sentence in sentences for part in parted_after(_OTHER_FULL_STOP, sentence)
        ]
    if all(len(sentence) <= MAX_SENTENCE_CHARS for sentence in sentences):
        return sentences
    return [bounded for sentence in sentences for bounded in bound_sentence(sentence)]


def article_sentences(text: str) -> list[tuple[int, str]]:
    """Split an article body into (paragraph number, sentence) pairs, in reading order;
    datelines cut off, page furniture left out and clutter cut out (`from_dateline`,
    `furniture.is_furniture`, `clutter.without_clutter`), unless it is all there is."""
    sentences = [
        (number, sentence)
        for number, paragraph in from_dateline(paragraphs(text))
        for sentence in split_sentences(paragraph)
    ]
    prose = [pair for pair in without_clutter(sentences) if not is_furniture(pair[1])]
    return prose or sentences
