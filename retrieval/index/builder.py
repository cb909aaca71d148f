"""Building a segment: sentences tokenized into term ids as they arrive, then laid out as
one immutable `Segment` (postings by term and by sentence)."""

from __future__ import annotations

import uuid
from array import array
from collections.abc import Iterable, Sequence

import numpy as np

from retrieval.index import layout, many
from retrieval.index.segment import Segment
from retrieval.index.tokens import Tokenizer

# A doc to index: (id, text), (id, text, Unix time it counts from) or (id, text, time,
# whether that time is its date: False, when it was stored, see `Segment.doc_dated`).
Row = tuple[int, str] | tuple[int, str, float] | tuple[int, str, float, bool]

MANY = 20_000  # docs `add_many` tokenizes at once: a few MB of text


class SegmentBuilder:
    """Collects tokenized sentences and turns them into one segment.

    Tokens become integer ids as they arrive, so building a million sentences never holds
    millions of Python strings. Two builders may share a `vocab` (term -> id): the token ids
    of one's docs then mean the same terms in the other (`add_ids`, `doc_tokens`).
    """

    def __init__(self, tokenizer: Tokenizer, vocab: dict[str, int] | None = None) -> None:
        self.tokenizer = tokenizer
        self.vocab: dict[str, int] = {} if vocab is None else vocab
        self.token_ids = array("i")
        self.doc_len = array("i")
        self.doc_words = array("i")
        self.doc_start = array("q", [0])  # where each doc's tokens start, then the end
        self.doc_ids = array("q")
        self.doc_time = array("d")
        self.doc_dated = array("B")
        self._word_ids: dict[bytes, int] = {}  # a common-path word's term id, -1 if none
        self._written_ids: dict[bytes, int] = {}  # the same as written, for `many.term_ids`

    def __len__(self) -> int:
        return len(self.doc_ids)

    def add(self, doc_id: int, text: str, time: float = 0.0, dated: bool = True) -> None:
        """Add a doc; `time` (Unix seconds) is when it counts from for searches as of a
        moment (0: always); `dated`: it is the doc's date (else when it was stored)."""
        written = len(text.split())
        words = self.tokenizer.ascii_words(text)
        if words is None:
            self.add_ids(doc_id, self.term_ids(self.tokenizer(text)), time, written, dated)
            return
        # the common path: each written word straight to its term's id (-1: left out),
        # one lookup a word instead of one for its term and one for the term's id
        word_ids = self._word_ids
        try:
            found = list(map(word_ids.__getitem__, words))
        except KeyError:
            missing = [word for word in dict.fromkeys(words) if word not in word_ids]
            terms = self.tokenizer.ascii_terms(missing)
            vocab = self.vocab
            for word, term in zip(missing, terms, strict=True):
                word_ids[word] = -1 if term is None else vocab.setdefault(term, len(vocab))
            found = list(map(word_ids.__getitem__, words))
        self.add_ids(doc_id, [i for i in found if i >= 0], time, written, dated)

    def term_ids(self, terms: Iterable[str]) -> list[int]:
        """The ids of `terms` in the vocabulary, new terms added to it."""
        vocab = self.vocab
        setdefault = vocab.setdefault
        return [setdefault(t, len(vocab)) for t in terms]

    def add_ids(
        self,
        doc_id: int,
        ids: Iterable[int],
        time: float = 0.0,
        words: int = 0,
        dated: bool = True,
    ) -> None:
        """Add a doc given as the ids of its terms in the vocabulary, and its text's number
        of words (split at whitespace)."""
        self.token_ids.extend(ids)
        end = len(self.token_ids)
        self.doc_len.append(end - self.doc_start[-1])
        self.doc_start.append(end)
        self.doc_ids.append(doc_id)
        self.doc_time.append(time)
        self.doc_dated.append(dated)
        self.doc_words.append(words)

    def doc_tokens(self, first: int, count: int) -> array[int]:
        """The token ids of `count` docs from the `first` added (0 for the first), in order."""
        return self.token_ids[self.doc_start[first] : self.doc_start[first + count]]

    def add_many(self, rows: Iterable[Row]) -> None:
        """`add` each row, in order; the common path a batch at a time (`many.term_ids`)."""
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) == MANY:
                self._add_rows(batch)
                batch = []
        if batch:
            self._add_rows(batch)

    def _add_rows(self, rows: list[Row]) -> None:
        times = [row[2] if len(row) > 2 else 0.0 for row in rows]
        dated = [row[3] if len(row) > 3 else True for row in rows]
        self.add_columns([row[0] for row in rows], [row[1] for row in rows], times, dated)

    def add_columns(
        self,
        doc_ids: Sequence[int],
        texts: Sequence[str],
        times: Sequence[float],
        dated: Sequence[bool] | None = None,
    ) -> None:
        """`add_many` of docs given as columns: their ids, texts, times and whether each
        time is a date (None: all are)."""
        for start in range(0, len(texts), MANY):
            end = start + MANY
            self._add_batch(
                doc_ids[start:end],
                texts[start:end],
                times[start:end],
                [True] * len(texts[start:end]) if dated is None else dated[start:end],
            )

    def _add_batch(
        self,
        doc_ids: Sequence[int],
        texts: Sequence[str],
        times: Sequence[float],
        dated: Sequence[bool],
    ) -> None:
        tokens, lengths = many.term_ids(self.tokenizer, texts, self._written_ids, self.term_ids)
        self.token_ids.frombytes(tokens.tobytes())
        self.doc_len.frombytes(lengths.tobytes())
        ends = np.cumsum(lengths, dtype=np.int64) + self.doc_start[-1]
        self.doc_start.frombytes(ends.tobytes())
        self.doc_ids.extend(doc_ids)
        self.doc_time.extend(times)
        self.doc_dated.extend(map(bool, dated))
        self.doc_words.extend([len(text.split()) for text in texts])

    def build(self) -> Segment:
        """The segment of the docs added; only terms they hold are its vocabulary (a shared
        vocabulary may hold others)."""
        doc_len = np.frombuffer(self.doc_len, dtype=np.int32).copy()
        ids = np.frombuffer(self.token_ids, dtype=np.int32)
        words = list(self.vocab)
        used = np.bincount(ids, minlength=len(words)) > 0
        if not used.all():
            kept = np.flatnonzero(used)
            renumber = np.zeros(len(words), dtype=np.int32)
            renumber[kept] = np.arange(len(kept), dtype=np.int32)
            ids = renumber[ids]
            words = [words[i] for i in kept.tolist()]
        encoded = np.array([w.encode() for w in words], dtype=np.bytes_)
        if not len(encoded):
            encoded = np.zeros(0, dtype="S1")
        order = np.argsort(encoded, kind="stable")
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        tokens = rank[ids]
        del ids
        fwd_ptr, fwd_term, fwd_tf = layout.doc_terms(tokens, doc_len)
        del tokens
        return Segment.from_forward(
            uuid.uuid4().hex,
            np.frombuffer(self.doc_ids, dtype=np.int64).copy(),
            np.frombuffer(self.doc_time, dtype=np.float64).copy(),
            np.frombuffer(self.doc_dated, dtype=np.uint8).astype(np.bool_),
            doc_len,
            np.frombuffer(self.doc_words, dtype=np.int32).copy(),
            encoded[order],
            fwd_ptr,
            fwd_term,
            fwd_tf,
        )
