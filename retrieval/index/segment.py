"""An immutable block of the inverted index, stored as flat numpy arrays.

Sentences are numbered within a segment (local docs) shortest first. BM25 favours short
sentences, so every term's postings, kept in local-doc order, run from its strongest to its
weakest, and a run of neighbouring docs has one narrow band of lengths (see `kernels.top_k`).

Each sentence carries a time (`doc_time`, Unix seconds: its article's publication, else when
the article was stored), so a search "as of" a moment skips later sentences inside the loop,
and whether its article has a date (`doc_dated`): a search "since" a moment (the last days'
news) takes only dated docs, as an undated one's time says when it was stored, not how
recent its news is.

A segment holds its postings twice:
- inverted, per term, in local-doc order, in two lists: the docs holding the term once (97%
  of a sentence's postings, so they need no tf), and the others with their tf. The weight
  of a tf-1 posting falls with its doc's length, so the first one a run of docs holds
  bounds them all exactly: no stored maxima, and no allowance for the average length having
  changed since the build (a segment holds no BM25 parameter);
- forward, per sentence, ordered by term, so a few sentences get their terms quickly. Its
  rows run in sentence id order, not local-doc order (`fwd_row` maps a doc to its row): a
  question reads the term counts of its candidate articles' sentences, consecutive ids,
  so their rows lie together in memory, where in length order each is a cache miss.
Everything is a flat array that loads with mmap, terms as UTF-8 bytes in a sorted array:
nothing is rebuilt at start-up (the term lookup dict is made at the first query).
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

from retrieval.index import kernels, layout
from retrieval.private import make_private_folder, private_opener

IntArray = npt.NDArray[np.int64]

# The time of a doc whose article was removed (`Segment.hiding`): after every moment, so no
# search as of any moment finds it (`Index.search` never looks past the largest finite time).
HIDDEN = np.inf

# Array names and their dtypes, in the order they are written.
_ARRAYS = {
    "doc_ids": np.int64,  # [docs] id of each local doc (a sentence's or an article's row id)
    "doc_time": np.float64,  # [docs] Unix time the doc counts from (its article's date)
    "doc_dated": np.bool_,  # [docs] its article has a date (else doc_time is when stored)
    "by_sentence": np.int32,  # [docs] local docs in sentence id order
    "doc_len": np.int32,  # [docs] number of tokens (BM25's document length), ascending
    "doc_words": np.int32,  # [docs] words of its text, split at whitespace (not BM25's)
    "terms": None,  # [terms] sorted UTF-8 byte strings
    "one_ptr": np.int64,  # [terms + 1] start of each term's tf-1 docs
    "one_doc": np.int32,  # [tf-1 postings] local doc, ascending within a term
    "many_ptr": np.int64,  # [terms + 1] start of each term's tf >= 2 postings
    "many_doc": np.int32,  # [tf >= 2 postings] local doc, ascending within a term
    "many_tf": np.int32,  # [tf >= 2 postings] term frequency
    "max_tf": np.int32,  # [terms] highest term frequency of each term
    "fwd_ptr": np.int64,  # [docs + 1] start of each forward row (a doc, in sentence id order)
    "fwd_term": np.int32,  # [postings] local term id, ascending within a doc
    "fwd_tf": np.int32,  # [postings] term frequency
}
# The file (and checksum key) of an array saved under another name: `doc_ids` was named when
# every index held sentences, and saved indexes name its file so.
_FILE_NAMES = {"doc_ids": "sentence_ids"}


@dataclass(frozen=True, eq=False)
class Segment:
    """The arrays of `_ARRAYS` for some docs. A doc is a sentence in the sentence index and
    an article in the article index (`retrieval.indexing`): `doc_ids` holds sentence ids in
    one, article ids in the other (where this module says sentence, read either)."""

    name: str
    doc_ids: IntArray
    doc_time: npt.NDArray[np.float64]
    doc_dated: npt.NDArray[np.bool_]
    by_sentence: npt.NDArray[np.int32]
    doc_len: npt.NDArray[np.int32]
    doc_words: npt.NDArray[np.int32]
    terms: npt.NDArray[np.bytes_]
    one_ptr: IntArray
    one_doc: npt.NDArray[np.int32]
    many_ptr: IntArray
    many_doc: npt.NDArray[np.int32]
    many_tf: npt.NDArray[np.int32]
    max_tf: npt.NDArray[np.int32]
    fwd_ptr: IntArray
    fwd_term: npt.NDArray[np.int32]
    fwd_tf: npt.NDArray[np.int32]

    @property
    def docs(self) -> int:
        return len(self.doc_len)

    @cached_property
    def earliest(self) -> float:
        """The time of the segment's oldest doc: a search as of before it can skip it."""
        return float(self.doc_time.min()) if self.docs else np.inf

    @cached_property
    def latest(self) -> float:
        """The time of the segment's newest doc, hidden ones aside: a search since after it
        can skip it."""
        times = self.doc_time[self.doc_time != HIDDEN] if self.hides else self.doc_time
        return float(times.max()) if len(times) else -np.inf

    @cached_property
    def dated_times(self) -> tuple[npt.NDArray[np.float64], float, float]:
        """What a search since a moment reads: the docs' times with -inf for the undated
        (before any moment: never within a span since one), and its earliest and latest
        (hidden docs aside); `doc_time`'s own when every doc is dated."""
        if bool(self.doc_dated.all()):
            return self.doc_time, self.earliest, self.latest
        times = np.where(self.doc_dated, self.doc_time, -np.inf)
        dated = times[self.doc_dated & (times != HIDDEN)]
        return times, -np.inf, float(dated.max()) if len(dated) else -np.inf

    @cached_property
    def hidden(self) -> int:
        """How many of its docs are hidden (`hiding`)."""
        if not self.docs or float(self.doc_time.max()) != HIDDEN:
            return 0
        return int(np.count_nonzero(self.doc_time == HIDDEN))

    @property
    def hides(self) -> bool:
        """Whether the segment holds hidden docs: a search looks at their times."""
        return self.hidden > 0

    @cached_property
    def initials(self) -> dict[str, int]:
        """How many of its terms begin with each character: the scripts its text is in
        (`retrieval.scripts`). Sorted as UTF-8 is by code point, a character's terms run
        together, so it costs a binary search per character, not a look at every term."""
        counts: dict[str, int] = {}
        at = 0
        while at < len(self.terms):
            first = bytes(self.terms[at]).decode()[0]
            code = ord(first) + 1
            # the first term past `first`'s: a surrogate's bytes sort where its code does
            after = chr(code).encode("utf-8", "surrogatepass") if code <= 0x10FFFF else b"\xff"
            end = int(np.searchsorted(self.terms, after))
            counts[first] = end - at
            at = end
        return counts

    @property
    def total_len(self) -> int:
        return int(self.doc_len.sum(dtype=np.int64))

    def term_id(self, term: bytes) -> int:
        """The local id of `term`, or -1 if no sentence of this segment has it."""
        return self._term_ids.get(term, -1)

    @cached_property
    def _term_ids(self) -> dict[bytes, int]:
        # Built at the first query, not at load: a question looks a term up in every
        # segment, and a binary search of the bytes array costs microseconds each time.
        return {term: i for i, term in enumerate(self.terms.tolist())}

    def df(self, term_id: int) -> int:
        return int(self.dfs[term_id])

    @cached_property
    def dfs(self) -> IntArray:
        """The document frequency of every term."""
        return np.diff(self.one_ptr) + np.diff(self.many_ptr)

    def postings(self, term_id: int) -> npt.NDArray[np.int32]:
        """The local docs holding a term (its tf-1 docs, then the others)."""
        return np.concatenate(
            [
                self.one_doc[self.one_ptr[term_id] : self.one_ptr[term_id + 1]],
                self.many_doc[self.many_ptr[term_id] : self.many_ptr[term_id + 1]],
            ]
        )

    @cached_property
    def sorted_ids(self) -> IntArray:
        """The sentence ids in ascending order: the sentence of each forward row."""
        return self.doc_ids[self.by_sentence]

    @cached_property
    def fwd_row(self) -> IntArray:
        """The forward row of each local doc (`by_sentence` inverted)."""
        rows = np.empty(self.docs, dtype=np.int64)
        rows[self.by_sentence] = np.arange(self.docs, dtype=np.int64)
        return rows

    def locate(self, doc_ids: IntArray) -> tuple[IntArray, IntArray]:
        """(positions in `doc_ids`, forward rows) of the given sentences this segment
        holds; their local docs are `by_sentence[rows]`."""
        if not self.docs or not len(doc_ids):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        at = kernels.sorted_positions(self.sorted_ids, np.asarray(doc_ids, dtype=np.int64))
        found = np.flatnonzero(at >= 0)
        return found, at[found]

    def hiding(self, doc_ids: IntArray) -> tuple[Segment, int]:
        """This segment with the docs of `doc_ids` hidden (their time set to `HIDDEN`), and
        how many of them it holds. Itself when it hides none that it did not hide already:
        a segment is immutable, shared by the snapshots searches are reading."""
        _, rows = self.locate(doc_ids)
        if not len(rows):
            return self, 0
        local = self.by_sentence[rows]
        if bool((self.doc_time[local] == HIDDEN).all()):
            return self, len(local)
        doc_time = np.array(self.doc_time, dtype=np.float64)  # a copy: searches read this one
        doc_time[local] = HIDDEN
        hidden = replace(self, doc_time=doc_time)
        hidden.keep_worked_out(self)
        return hidden, len(local)

    def keep_worked_out(self, same: Segment) -> None:
        """Take what `same`, a segment of the same docs and terms, has worked out already
        for searches (its term lookup, rows, frequencies), rather than work it out again."""
        for made in ("sorted_ids", "fwd_row", "dfs", "_term_ids"):
            if made in same.__dict__:
                self.__dict__[made] = same.__dict__[made]

    # --- building ---------------------------------------------------------------------

    @classmethod
    def from_forward(
        cls,
        name: str,
        doc_ids: IntArray,
        doc_time: npt.NDArray[np.float64],
        doc_dated: npt.NDArray[np.bool_],
        doc_len: npt.NDArray[np.int32],
        doc_words: npt.NDArray[np.int32],
        terms: npt.NDArray[np.bytes_],
        fwd_ptr: IntArray,
        fwd_term: npt.NDArray[np.int32],
        fwd_tf: npt.NDArray[np.int32],
    ) -> Segment:
        """Build from forward postings (doc d's terms, ascending, at fwd_ptr[d]...) over
        `terms`, sorted, each used. Docs are renumbered shortest first (ties in sentence
        order); the forward rows are put in sentence id order, which is how a build or a
        merge of segments in time order mostly receives them: then they are not moved."""
        by_length = np.lexsort((doc_ids, doc_len))
        by_id = np.argsort(doc_ids, kind="stable")
        if np.any(by_id != np.arange(len(by_id))):
            fwd_ptr, fwd_term, fwd_tf = layout.reorder_docs(fwd_ptr, fwd_term, fwd_tf, by_id)
        row_of = np.empty(len(by_id), dtype=np.int64)
        row_of[by_id] = np.arange(len(by_id), dtype=np.int64)  # input doc -> forward row
        fwd_row = row_of[by_length]
        by_sentence = np.empty(len(by_id), dtype=np.int32)
        by_sentence[fwd_row] = np.arange(len(by_id), dtype=np.int32)
        doc_len = np.ascontiguousarray(doc_len[by_length], dtype=np.int32)
        doc_words = np.ascontiguousarray(doc_words[by_length], dtype=np.int32)
        doc_ids = np.ascontiguousarray(doc_ids[by_length], dtype=np.int64)
        doc_time = np.ascontiguousarray(doc_time[by_length], dtype=np.float64)
        doc_dated = np.ascontiguousarray(doc_dated[by_length], dtype=np.bool_)
        one_ptr, one_doc, many_ptr, many_doc, many_tf, max_tf = layout.invert(
            fwd_ptr, fwd_term, fwd_tf, fwd_row, len(terms)
        )
        return cls(
            name=name,
            doc_ids=doc_ids,
            doc_time=doc_time,
            doc_dated=doc_dated,
            by_sentence=by_sentence,
            doc_len=doc_len,
            doc_words=doc_words,
            terms=terms,
            one_ptr=one_ptr,
            one_doc=one_doc,
            many_ptr=many_ptr,
            many_doc=many_doc,
            many_tf=many_tf,
            max_tf=max_tf,
            fwd_ptr=fwd_ptr,
            fwd_term=fwd_term,
            fwd_tf=fwd_tf,
        )

    @classmethod
    def merge(cls, name: str, segments: list[Segment]) -> Segment:
        """One segment holding all the sentences of `segments`."""
        terms = np.unique(np.concatenate([s.terms for s in segments]))
        # Both vocabularies are sorted, so a doc's terms stay ascending in merged ids.
        fwd_term = np.concatenate(
            [np.searchsorted(terms, s.terms).astype(np.int32)[s.fwd_term] for s in segments]
        )
        offsets = np.cumsum([0] + [len(s.fwd_term) for s in segments])
        fwd_ptr = np.concatenate(
            [s.fwd_ptr[:-1] + at for s, at in zip(segments, offsets[:-1], strict=True)]
            + [offsets[-1:]]
        ).astype(np.int64)
        # Each segment's docs given in the order of its forward rows (sentence id order).
        return cls.from_forward(
            name,
            np.concatenate([s.sorted_ids for s in segments]),
            np.concatenate([s.doc_time[s.by_sentence] for s in segments]),
            np.concatenate([s.doc_dated[s.by_sentence] for s in segments]),
            np.concatenate([s.doc_len[s.by_sentence] for s in segments]),
            np.concatenate([s.doc_words[s.by_sentence] for s in segments]),
            terms,
            fwd_ptr,
            fwd_term,
            np.concatenate([s.fwd_tf for s in segments]),
        )

    # --- persistence ------------------------------------------------------------------

    def save(self, folder: Path) -> dict[str, int]:
        """Write the arrays as .npy files in `folder`; returns their CRC-32 checksums.

        Each file is on the disk (fsynced) when this returns: a manifest written after it may
        name it without a power cut leaving it empty. The caller syncs the folder itself.
        """
        make_private_folder(folder)
        checksums: dict[str, int] = {}
        for field in _ARRAYS:
            array = np.ascontiguousarray(getattr(self, field))
            key = _FILE_NAMES.get(field, field)
            tmp = folder / f"{key}.npy.tmp"
            with open(tmp, "wb", opener=private_opener) as fh:
                np.save(_Writes(fh), array, allow_pickle=False)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(folder / f"{key}.npy")
            checksums[key] = _crc(array)
        return checksums

    @classmethod
    def load(cls, folder: Path, checksums: dict[str, int]) -> Segment:
        """Map a saved segment; raises ValueError if any array is missing or corrupt."""
        arrays = {}
        for field in _ARRAYS:
            key = _FILE_NAMES.get(field, field)
            try:
                # Copy-on-write: pages are shared with the file like a read-only map, but the
                # arrays are writable, the same type to numba as arrays built in memory (a
                # read-only array would make it compile every kernel again).
                array = np.load(folder / f"{key}.npy", mmap_mode="c", allow_pickle=False)
            except OSError as exc:
                raise ValueError(f"{folder.name}/{key}: {exc.strerror or exc}") from exc
            except (ValueError, EOFError) as exc:  # EOFError: an empty file
                # not numpy's words: they suggest loading the file "unsafely" (as a pickle)
                raise ValueError(f"{folder.name}/{key}: not an array newsbot wrote") from exc
            if _crc(array) != checksums.get(key):
                raise ValueError(f"{folder.name}/{key}: checksum mismatch")
            # A plain ndarray view of the map: slicing a np.memmap goes through a Python
            # subclass hook, a measurable part of a millisecond query.
            arrays[field] = array.view(np.ndarray)
        return cls(name=folder.name, **arrays)


class _Writes:
    """A file numpy writes to through `write`, not C stdio: a failed write then raises
    OSError with its errno (ENOSPC, EFBIG...), where numpy's own file path says only
    "N requested and M written" and the caller cannot tell a full disk."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def write(self, data: bytes) -> int:
        return self._fh.write(data)


def _crc(array: npt.NDArray[np.generic]) -> int:
    """CRC-32 of an array's bytes (read straight from the mapped file when mapped)."""
    return zlib.crc32(np.ascontiguousarray(array).view(np.uint8).data)
