"""The BM25 index: a list of immutable segments with exact, corpus-wide BM25Okapi scores.

Scores are those of `rank_bm25.BM25Okapi` over all indexed sentences (N, average length and
document frequencies are summed over segments in a `bm25.Snapshot`), so they stay exact as
the corpus grows. New sentences join as a small segment (`add`), searchable at once; segments
of similar size are merged in the background (`merge`), keeping their number logarithmic in
the corpus size.

Search (`_top_k`) runs per segment in one compiled loop (`kernels.top_k`): docs a band at a
time, shortest first, MaxScore within each band with exact bounds from the doc lengths (a
term's tf-1 postings are kept apart from its few others). A query costs in proportion to the
postings it needs, not to the corpus. A segment holds no BM25 parameter: k1, b and the
average length apply at query time.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from retrieval.index import kernels
from retrieval.index.bm25 import BM25Params, Snapshot, bm25_sums, count_terms, document_frequencies
from retrieval.index.builder import Row, SegmentBuilder
from retrieval.index.segment import Segment
from retrieval.index.tokens import Tokenizer

BAND = 16_384  # docs per band: the band's scores (128 KiB) stay in the core's cache
# The latest moment a search looks at: a hidden doc's time (`segment.HIDDEN`) is later.
_LAST_MOMENT = float(np.finfo(np.float64).max)
# Docs a merge may make one segment of: a merge of 2 million sentences takes some 600 MB.
MERGED_LIMIT = 1 << 21


class ScoredDoc(NamedTuple):
    """A doc and its BM25 score (a tuple: a query makes up to a few hundred). A doc is a
    sentence in the sentence index and an article in the article index
    (`retrieval.indexing`), so `doc_id` is a sentence's id or an article's."""

    doc_id: int
    score: float


class TermCounts(NamedTuple):
    """What the index knows of some sentences' text (`Index.term_counts`)."""

    counts: npt.NDArray[np.int32]  # [sentences, terms] occurrences of each term asked about
    lengths: npt.NDArray[np.int32]  # tokens (BM25's document length)
    words: npt.NDArray[np.int32]  # words as written, split at whitespace


class _Query(NamedTuple):
    """A query's distinct terms held by some segment, in query order."""

    terms: list[str]
    weights: npt.NDArray[np.float64]  # idf * occurrences in the query
    ids: list[npt.NDArray[np.int64]]  # per segment, each term's local id (-1 if absent)


class _Scratch(threading.local):
    """Per-thread buffers of one band, reused across queries (the kernel leaves them zeroed)."""

    def __init__(self) -> None:
        self.acc = np.zeros(0, dtype=np.float64)
        self.touched = np.zeros(0, dtype=np.int64)

    def arrays(self, band: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        # The kernel does not check bounds: the buffers must hold a whole band.
        if len(self.acc) < band:
            self.acc = np.zeros(band, dtype=np.float64)
            self.touched = np.zeros(band, dtype=np.int64)
        return self.acc, self.touched


class Index:
    """Segments plus the operations on them; thread-safe: searches read a snapshot."""

    merged_limit = MERGED_LIMIT  # the most docs a merge makes one segment of (`merge_plan`)

    def __init__(
        self,
        tokenizer: Tokenizer | None = None,
        params: BM25Params | None = None,
        segments: Sequence[Segment] = (),
        watermark: int = 0,
    ) -> None:
        self.tokenizer = tokenizer or Tokenizer()
        self.params = params or BM25Params()
        self._lock = threading.Lock()
        self._snapshot = Snapshot(tuple(segments), watermark)
        self._scratch = _Scratch()
        self._unit: tuple[Snapshot | None, npt.NDArray[np.float64]] = (None, np.zeros(0))

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def signature(self) -> str:
        return f"{self.tokenizer.signature}:{self.params.signature}"

    def __len__(self) -> int:
        return self._snapshot.docs

    @property
    def hidden(self) -> int:
        """How many of its docs are hidden (`hide`): held, never found."""
        return sum(segment.hidden for segment in self._snapshot.segments)

    # --- growing ----------------------------------------------------------------------

    def add(self, rows: Sequence[Row]) -> int:
        """Index sentences (id, text[, time[, dated]]) with ids above the watermark; returns
        how many.

        Rows at or below the watermark are already indexed and skipped, so catching up from
        the database twice is harmless.
        """
        builder = SegmentBuilder(self.tokenizer)
        watermark = self._snapshot.watermark
        builder.add_many(row for row in rows if row[0] > watermark)
        if not len(builder):
            return 0
        segment = builder.build()
        self.add_segment(segment)
        return len(builder)

    def add_segment(self, segment: Segment) -> None:
        with self._lock:
            old = self._snapshot
            top = int(segment.doc_ids.max()) if segment.docs else old.watermark
            self._snapshot = Snapshot(old.segments + (segment,), max(old.watermark, top))

    def mapped(self, saved: Sequence[tuple[Segment, Segment]]) -> None:
        """Each (segment, its saved copy loaded from its files): search the copy instead,
        where the segment is still the index's (not hidden or merged meanwhile: those stay).
        The copy keeps what the segment worked out for searches (term lookups, rows)."""
        copies = {id(segment): copy for segment, copy in saved}
        with self._lock:
            old = self._snapshot
            segments = tuple(copies.get(id(segment), segment) for segment in old.segments)
            if all(new is was for new, was in zip(segments, old.segments, strict=True)):
                return
            for segment in old.segments:
                copy = copies.get(id(segment))
                if copy is not None:
                    copy.keep_worked_out(segment)
            self._snapshot = Snapshot(segments, old.watermark)

    def hide(self, doc_ids: Iterable[int]) -> int:
        """Hide these docs from every search (their articles were removed: see
        `retrieval.corpus.removals`); returns how many of them the index holds, hidden now or
        before. They still count in N, the average length and the document frequencies,
        as deleted docs do in Lucene until a merge; `newsbot reindex` drops them."""
        wanted = np.unique(np.fromiter(doc_ids, dtype=np.int64))
        if not len(wanted):
            return 0
        with self._lock:  # a merge that planned the segments replaced here loses its race
            old = self._snapshot
            pairs = [segment.hiding(wanted) for segment in old.segments]
            segments = tuple(segment for segment, _ in pairs)
            if any(new is not was for new, was in zip(segments, old.segments, strict=True)):
                self._snapshot = Snapshot(segments, old.watermark)
        return sum(held for _, held in pairs)

    def merge_plan(self) -> list[Segment]:
        """The newest segments worth merging into one, or [] if none are.

        Walking back from the newest segment, an older one joins while it is at most twice
        the size of the newer ones together. Like a binary counter, this keeps about log2(N)
        segments and rewrites each sentence about log2(N) times over the life of the index.
        No merge makes a segment of more than `merged_limit` docs: a merge is built in
        memory, so adding 450,000 sentences to an index of 7 million rewrote all of it in
        one, at 2 GB. Past that size the segments stay side by side, one more per 2 million
        sentences, each searched as the others.
        """
        segments = self._snapshot.segments
        plan: list[Segment] = []
        total = 0
        for segment in reversed(segments):
            if total + segment.docs > self.merged_limit:
                break
            if plan and segment.docs > 2 * total:
                break
            plan.insert(0, segment)
            total += segment.docs
        return plan if len(plan) >= 2 else []

    def merge(self) -> bool:
        """Merge the segments `merge_plan` names into one; False if there was nothing to do.

        The slow part runs without the lock; searches go on over the old snapshot meanwhile.
        """
        plan = self.merge_plan()
        if not plan:
            return False
        merged = Segment.merge(uuid.uuid4().hex, plan)
        with self._lock:
            current = self._snapshot.segments
            ids = {id(s) for s in plan}
            if not ids <= {id(s) for s in current}:
                return False  # another merge won the race; the next call will plan again
            first = next(i for i, s in enumerate(current) if id(s) in ids)
            kept = [s for s in current if id(s) not in ids]
            kept.insert(first, merged)
            self._snapshot = Snapshot(tuple(kept), self._snapshot.watermark)
        return True

    def compact(self) -> None:
        """Merge until the merge policy is satisfied."""
        while self.merge():
            pass

    # --- searching --------------------------------------------------------------------

    def initials(self) -> Counter[str]:
        """How many terms begin with each character, over its segments (a term of two is
        counted in each): which scripts the indexed text is in (`retrieval.scripts`)."""
        counts: Counter[str] = Counter()
        for segment in self._snapshot.segments:
            counts.update(segment.initials)
        return counts

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many indexed sentences contain each term."""
        return document_frequencies(self._snapshot, terms)

    def search(
        self,
        query: str | Sequence[str],
        k: int = 10,
        until: float | None = None,
        since: float | None = None,
    ) -> list[ScoredDoc]:
        """The k best-scoring sentences that share a term with the query, best first.

        With `until` (Unix seconds), only sentences whose time is at or before it: the k best
        as of that moment (scores keep the whole index's statistics); with `since`, only
        those whose date is at or after it: a doc without one (`Segment.doc_dated`) counts
        from when it was stored for `until`, but its news may be of any age.

        `query` is text, or tokens already made. Scores are rank_bm25's, which can be zero or
        negative in a tiny corpus (terms in over half the sentences); such sentences still
        match, except through a term whose idf is exactly zero (in exactly half of them):
        it adds nothing to any score and is left out. Ties go to the older sentence.
        """
        tokens = self.tokenizer(query) if isinstance(query, str) else list(query)
        snap = self._snapshot
        if not tokens or k <= 0 or snap.docs == 0:
            return []
        k = min(k, snap.docs)
        span = (
            -np.inf if since is None else float(since),
            _LAST_MOMENT if until is None else min(float(until), _LAST_MOMENT),
        )
        if not any(_may_hold(segment, span) for segment in snap.segments):
            return []  # "the last days" of a question asked long after the news: none
        prepared = self._query(snap, tokens)
        if not prepared.terms:
            return []
        if prepared.weights.min() > 0:
            doc_ids, scores = self._top_k(snap, prepared, k, span)
        else:  # the bounds need positive weights
            doc_ids, scores = self._score_everything(snap, prepared, tokens, span)
        order = np.lexsort((doc_ids, -scores))[:k]
        return list(map(ScoredDoc, doc_ids[order].tolist(), scores[order].tolist()))

    def _query(self, snap: Snapshot, tokens: Sequence[str]) -> _Query:
        """The query's distinct terms that some segment holds, their weights and ids.

        Terms whose weight is exactly zero are left out (see `search`)."""
        counts = Counter(tokens)
        keys = [term.encode() for term in counts]
        ids = [
            np.array([segment.term_id(key) for key in keys], dtype=np.int64)
            for segment in snap.segments
        ]
        df = np.zeros(len(keys), dtype=np.int64)
        for segment, local in zip(snap.segments, ids, strict=True):
            if len(segment.dfs):  # a segment of stop words alone has no term to count
                df += np.where(local >= 0, segment.dfs[np.maximum(local, 0)], 0)
        weights = np.array(
            [
                snap.idf(n, self.params) * occurrences if n else 0.0
                for n, occurrences in zip(df.tolist(), counts.values(), strict=True)
            ]
        )
        keep = weights != 0
        if keep.all():
            return _Query(list(counts), weights, ids)
        return _Query(
            [t for t, kept in zip(counts, keep.tolist(), strict=True) if kept],
            weights[keep],
            [local[keep] for local in ids],
        )

    def _top_k(
        self, snap: Snapshot, query: _Query, k: int, span: tuple[float, float]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Sentence ids and exact scores of the k best whose time is within `span` (since,
        until; see `kernels.top_k`), and dated when since is a moment (`Segment.dated_times`).

        The largest segment goes first: its best docs set a high theta early, and the small
        segments after it are then mostly skipped (the kernel returns at once when its
        bounds cannot reach theta); so is a segment whose docs all lie outside the span
        (segments are added in time order, mostly). A segment whose docs all lie inside it,
        and hides none, is searched without looking at times.
        """
        since, until = span
        dated_only = since > -np.inf
        heap_scores = np.zeros(k, dtype=np.float64)
        heap_ids = np.zeros(k, dtype=np.int64)
        size = 0
        band = BAND
        acc, touched = self._scratch.arrays(band)
        unit = self._unit_weights(snap)
        k1, b, avgdl = self.params.k1, self.params.b, snap.avgdl
        for s in snap.by_size:
            seg = snap.segments[s]
            times, earliest, latest = (
                seg.dated_times if dated_only else (seg.doc_time, seg.earliest, seg.latest)
            )
            if earliest > until or latest < since:
                continue
            filtering = earliest < since or latest > until or seg.hides
            size = kernels.top_k(
                seg.one_ptr,
                seg.one_doc,
                seg.many_ptr,
                seg.many_doc,
                seg.many_tf,
                seg.max_tf,
                seg.doc_len,
                seg.doc_ids,
                seg.fwd_row,
                seg.fwd_ptr,
                seg.fwd_term,
                seg.fwd_tf,
                query.ids[s],
                query.weights,
                unit,
                k1,
                b,
                avgdl,
                band,
                acc,
                touched,
                times,
                since,
                until,
                filtering,
                heap_scores,
                heap_ids,
                size,
                k,
            )
        return heap_ids[:size], heap_scores[:size]

    def _unit_weights(self, snap: Snapshot) -> npt.NDArray[np.float64]:
        """`kernels.unit_weights` for the snapshot's average length, made once per snapshot."""
        cached = self._unit
        if cached[0] is not snap:
            table = kernels.unit_weights(self.params.k1, self.params.b, snap.avgdl, snap.longest)
            cached = (snap, table)
            self._unit = cached
        return cached[1]

    def _score_everything(
        self,
        snap: Snapshot,
        query: _Query,
        tokens: Sequence[str],
        span: tuple[float, float],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Sentence ids and exact scores of every doc within `span` holding a query term
        (for queries the bounds cannot serve: negative idf in a tiny corpus)."""
        docs = []
        for s, segment in enumerate(snap.segments):
            for term_id in query.ids[s].tolist():
                if term_id >= 0:
                    docs.append(segment.postings(term_id) + snap.bases[s])
        candidates = np.unique(np.concatenate(docs))
        seg_of = np.searchsorted(snap.bases, candidates, side="right") - 1
        doc_ids = np.zeros(len(candidates), dtype=np.int64)
        times = np.zeros(len(candidates), dtype=np.float64)
        for s in np.unique(seg_of):
            rows = seg_of == s
            local = candidates[rows] - snap.bases[s]
            doc_ids[rows] = snap.segments[s].doc_ids[local]
            segment = snap.segments[s]
            dated = segment.dated_times[0] if span[0] > -np.inf else segment.doc_time
            times[rows] = dated[local]
        visible = (times >= span[0]) & (times <= span[1])
        candidates, doc_ids = candidates[visible], doc_ids[visible]
        return doc_ids, self._exact_scores(snap, candidates, tokens)

    def scores(
        self, doc_ids: Sequence[int], query: str | Sequence[str]
    ) -> npt.NDArray[np.float64]:
        """Exact BM25 scores of the given docs (by id) for the query; 0 for docs not held.

        Read from the forward postings: the price of the docs asked for, not of the corpus.
        """
        tokens = self.tokenizer(query) if isinstance(query, str) else list(query)
        snap = self._snapshot
        ids = np.asarray(doc_ids, dtype=np.int64)
        scores = np.zeros(len(ids), dtype=np.float64)
        if not len(ids):
            return scores
        terms, weights = self._term_weights(snap, tokens)
        for segment in snap.segments:
            rows, fwd_rows = segment.locate(ids)
            if len(rows):
                scores[rows] = self._row_scores(snap, segment, fwd_rows, terms, weights)
        return scores

    def term_counts(
        self, doc_ids: Sequence[int] | npt.NDArray[np.int64], terms: Sequence[str]
    ) -> TermCounts:
        """Occurrences of each of `terms` in each sentence, and the sentences' lengths and
        words.

        Read from the forward postings, so passages can be scored without re-tokenizing, or
        reading, their text. Sentences the index does not hold get zeros.
        """
        snap = self._snapshot
        ids = np.asarray(doc_ids, dtype=np.int64)
        counts = np.zeros((len(ids), len(terms)), dtype=np.int32)
        lengths = np.zeros(len(ids), dtype=np.int32)
        words = np.zeros(len(ids), dtype=np.int32)
        encoded = [t.encode() for t in terms]
        for segment in snap.segments:
            if not segment.docs or not len(ids):
                continue
            rows, fwd_rows = segment.locate(ids)
            if not len(rows):
                continue
            local = segment.by_sentence[fwd_rows]
            lengths[rows] = segment.doc_len[local]
            words[rows] = segment.doc_words[local]
            count_terms(segment, fwd_rows, encoded, counts, rows)
        return TermCounts(counts, lengths, words)

    def _exact_scores(
        self,
        snap: Snapshot,
        candidates: npt.NDArray[np.int64],
        tokens: Sequence[str],
    ) -> npt.NDArray[np.float64]:
        """BM25Okapi scores of the candidate docs (global numbers), from their forward postings."""
        scores = np.zeros(len(candidates), dtype=np.float64)
        if not len(candidates):
            return scores
        terms, weights = self._term_weights(snap, tokens)
        seg_of = np.searchsorted(snap.bases, candidates, side="right") - 1
        for s in np.unique(seg_of):
            segment = snap.segments[int(s)]
            rows = np.nonzero(seg_of == s)[0]
            fwd_rows = segment.fwd_row[candidates[rows] - snap.bases[s]]
            scores[rows] = self._row_scores(snap, segment, fwd_rows, terms, weights)
        return scores

    def _term_weights(
        self, snap: Snapshot, tokens: Sequence[str]
    ) -> tuple[list[bytes], npt.NDArray[np.float64]]:
        """The query's distinct terms (encoded) and each one's idf times its count in it."""
        counts = Counter(tokens)
        dfs = document_frequencies(snap, counts)
        weights = [(snap.idf(dfs[t], self.params) if dfs[t] else 0.0) * counts[t] for t in counts]
        return [t.encode() for t in counts], np.array(weights)

    def _row_scores(
        self,
        snap: Snapshot,
        segment: Segment,
        fwd_rows: npt.NDArray[np.int64],
        terms: list[bytes],
        weights: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.float64]:
        """BM25Okapi scores of the docs of these forward rows of `segment` (`_term_weights`'
        terms and weights)."""
        tf = np.zeros((len(fwd_rows), len(terms)), dtype=np.int32)
        held = count_terms(segment, fwd_rows, terms, tf, np.arange(len(fwd_rows)))
        lengths = segment.doc_len[segment.by_sentence[fwd_rows]]
        return bm25_sums(tf[:, held], lengths, weights[held], self.params, snap.avgdl)


def _may_hold(segment: Segment, span: tuple[float, float]) -> bool:
    """Whether some doc of `segment` may lie within `span` (since, until): its docs' times
    reach into it, as `Index._top_k` reads them (`Segment.dated_times` when since is a
    moment). A search none may hold finds nothing, and its query is not even looked up."""
    since, until = span
    _, earliest, latest = (
        segment.dated_times if since > -np.inf else (None, segment.earliest, segment.latest)
    )
    return not (earliest > until or latest < since)
