"""The BM25 index: a list of immutable segments with exact, corpus-wide BM25Okapi scores.

Scores are those of `rank_bm25.BM25Okapi` over all indexed sentences (N, average length and
document frequencies are summed over segments), so they stay exact as the corpus grows.
New sentences join as a small segment (`add`), searchable at once; segments of similar size
are merged in the background (`merge`), keeping their number logarithmic in the corpus size.

Search reads each query term's postings in impact order, a chunk at a time, and stops as soon
as no unread posting can change the top k (see `_candidates`); the survivors are then scored
exactly from the forward postings. A query therefore costs in proportion to the postings it
needs, not to the corpus.
"""

from __future__ import annotations

import math
import threading
import uuid
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from retrieval.segment import Segment, tf_weight
from retrieval.tokens import Tokenizer

FIRST_CHUNK = 1024  # postings read per term before the first stopping test
MAX_BOUNDED_TERMS = 64  # a seen-terms bitmask per doc; longer queries are read in full


@dataclass(frozen=True)
class BM25Params:
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25

    @property
    def signature(self) -> str:
        # epsilon only changes idf at query time, so it does not invalidate an index
        return f"k1={self.k1!r}:b={self.b!r}"


@dataclass(frozen=True, slots=True)
class ScoredDoc:
    sentence_id: int
    score: float


class SegmentBuilder:
    """Collects tokenized sentences and turns them into one segment.

    Tokens become integer ids as they arrive, so building a million sentences never holds
    millions of Python strings.
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.vocab: dict[str, int] = {}
        self.token_ids = array("q")
        self.doc_len = array("i")
        self.sentence_ids = array("q")

    def __len__(self) -> int:
        return len(self.sentence_ids)

    def add(self, sentence_id: int, text: str) -> None:
        tokens = self.tokenizer(text)
        vocab = self.vocab
        setdefault = vocab.setdefault
        self.token_ids.extend([setdefault(t, len(vocab)) for t in tokens])
        self.doc_len.append(len(tokens))
        self.sentence_ids.append(sentence_id)

    def add_many(self, rows: Iterable[tuple[int, str]]) -> None:
        for sentence_id, text in rows:
            self.add(sentence_id, text)

    def build(self, params: BM25Params) -> Segment:
        doc_len = np.frombuffer(self.doc_len, dtype=np.int32).copy()
        words = list(self.vocab)
        encoded = np.array([w.encode() for w in words], dtype=np.bytes_)
        order = np.argsort(encoded, kind="stable")
        rank = np.empty(len(words), dtype=np.int64)
        rank[order] = np.arange(len(words))
        tokens = rank[np.frombuffer(self.token_ids, dtype=np.int64)] if words else np.zeros(
            0, np.int64
        )
        doc = np.repeat(np.arange(len(doc_len), dtype=np.int64), doc_len)
        vocab_size = max(len(words), 1)
        keys, tf = np.unique(doc * vocab_size + tokens, return_counts=True)
        return Segment.from_triples(
            uuid.uuid4().hex,
            np.frombuffer(self.sentence_ids, dtype=np.int64).copy(),
            doc_len,
            encoded[order] if words else np.zeros(0, dtype="S1"),
            keys // vocab_size,
            keys % vocab_size,
            tf.astype(np.int64),
            params.k1,
            params.b,
        )


@dataclass(frozen=True, eq=False)
class Snapshot:
    """An immutable view of the index: what one query sees, whatever is added meanwhile."""

    segments: tuple[Segment, ...]
    watermark: int  # highest sentence id indexed
    bases: npt.NDArray[np.int64] = field(init=False)
    docs: int = field(init=False)
    total_len: int = field(init=False)

    def __post_init__(self) -> None:
        sizes = [s.docs for s in self.segments]
        bases = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=bases[1:])
        object.__setattr__(self, "bases", bases)
        object.__setattr__(self, "docs", int(bases[-1]))
        object.__setattr__(self, "total_len", sum(s.total_len for s in self.segments))

    @property
    def avgdl(self) -> float:
        return self.total_len / self.docs if self.docs else 1.0

    @cached_property
    def average_idf(self) -> float:
        """rank_bm25's mean idf over the whole vocabulary, for its negative-idf floor."""
        terms = np.concatenate([s.terms for s in self.segments])
        if len(terms) == 0:
            return 0.0
        dfs = np.concatenate([np.diff(s.term_ptr) for s in self.segments])
        _, inverse = np.unique(terms, return_inverse=True)
        df = np.bincount(inverse, weights=dfs)
        idf = np.log(self.docs - df + 0.5) - np.log(df + 0.5)
        return float(idf.mean())

    def idf(self, df: int, params: BM25Params) -> float:
        value = math.log(self.docs - df + 0.5) - math.log(df + 0.5)
        return params.epsilon * self.average_idf if value < 0 else value


@dataclass
class _TermList:
    """One query term's postings in one segment, with a read position."""

    segment: int
    term_index: int  # position of the term in the query (bit in the seen mask)
    weight: float  # idf * occurrences in the query
    start: int
    end: int
    pos: int


class _Scratch(threading.local):
    """Per-thread score accumulators, reused across queries (zeroed where touched)."""

    def __init__(self) -> None:
        self.acc = np.zeros(0, dtype=np.float64)
        self.seen = np.zeros(0, dtype=np.uint64)

    def arrays(self, size: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.uint64]]:
        if len(self.acc) < size:
            grown = max(size, int(len(self.acc) * 1.25))
            self.acc = np.zeros(grown, dtype=np.float64)
            self.seen = np.zeros(grown, dtype=np.uint64)
        return self.acc, self.seen


class Index:
    """Segments plus the operations on them; thread-safe: searches read a snapshot."""

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

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def signature(self) -> str:
        return f"{self.tokenizer.signature}:{self.params.signature}"

    def __len__(self) -> int:
        return self._snapshot.docs

    # --- growing ----------------------------------------------------------------------

    def add(self, rows: Sequence[tuple[int, str]]) -> int:
        """Index sentences (id, text) with ids above the watermark; returns how many.

        Rows at or below the watermark are already indexed and skipped, so catching up from
        the database twice is harmless.
        """
        builder = SegmentBuilder(self.tokenizer)
        watermark = self._snapshot.watermark
        builder.add_many((i, text) for i, text in rows if i > watermark)
        if not len(builder):
            return 0
        segment = builder.build(self.params)
        self.add_segment(segment)
        return len(builder)

    def add_segment(self, segment: Segment) -> None:
        with self._lock:
            old = self._snapshot
            top = int(segment.sentence_ids.max()) if segment.docs else old.watermark
            self._snapshot = Snapshot(old.segments + (segment,), max(old.watermark, top))

    def merge_plan(self) -> list[Segment]:
        """The newest segments worth merging into one, or [] if none are.

        Walking back from the newest segment, an older one joins while it is at most twice
        the size of the newer ones together. Like a binary counter, this keeps about log2(N)
        segments and rewrites each sentence about log2(N) times over the life of the index.
        """
        segments = self._snapshot.segments
        plan: list[Segment] = []
        total = 0
        for segment in reversed(segments):
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
        merged = Segment.merge(uuid.uuid4().hex, plan, self.params.k1, self.params.b)
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

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many indexed sentences contain each term."""
        snap = self._snapshot
        result = {}
        for term in terms:
            encoded = term.encode()
            total = 0
            for segment in snap.segments:
                term_id = segment.term_id(encoded)
                if term_id >= 0:
                    total += segment.df(term_id)
            result[term] = total
        return result

    def search(self, query: str | Sequence[str], k: int = 10) -> list[ScoredDoc]:
        """The k best sentences for a query (text, or tokens already made), best first.

        Only sentences with a positive score are returned; ties go to the older sentence.
        """
        tokens = self.tokenizer(query) if isinstance(query, str) else list(query)
        snap = self._snapshot
        if not tokens or k <= 0 or snap.docs == 0:
            return []
        lists = self._term_lists(snap, tokens)
        if not lists:
            return []
        weights = {t.term_index: t.weight for t in lists}
        exhaustive = len(weights) > MAX_BOUNDED_TERMS or min(weights.values()) <= 0
        candidates = self._candidates(snap, lists, k, exhaustive)
        scored = self._exact_scores(snap, candidates, tokens)
        order = np.lexsort((candidates, -scored))
        result: list[ScoredDoc] = []
        for i in order[:k]:
            if scored[i] <= 0:
                break
            seg = int(np.searchsorted(snap.bases, candidates[i], side="right")) - 1
            local = int(candidates[i] - snap.bases[seg])
            result.append(
                ScoredDoc(int(snap.segments[seg].sentence_ids[local]), float(scored[i]))
            )
        return result

    def _term_lists(self, snap: Snapshot, tokens: Sequence[str]) -> list[_TermList]:
        lists: list[_TermList] = []
        for term_index, (term, occurrences) in enumerate(Counter(tokens).items()):
            encoded = term.encode()
            found = []
            for s, segment in enumerate(snap.segments):
                term_id = segment.term_id(encoded)
                if term_id >= 0:
                    found.append((s, term_id))
            df = sum(snap.segments[s].df(t) for s, t in found)
            if df == 0:
                continue
            weight = snap.idf(df, self.params) * occurrences
            if weight == 0:
                continue
            for s, term_id in found:
                start, end = snap.segments[s].term_ptr[term_id : term_id + 2]
                lists.append(_TermList(s, term_index, weight, int(start), int(end), int(start)))
        return lists

    def _candidates(
        self, snap: Snapshot, lists: list[_TermList], k: int, exhaustive: bool
    ) -> npt.NDArray[np.int64]:
        """Global doc numbers that include the exact top k.

        Each round reads the next chunk (doubling) of every term's impact-ordered postings,
        adding exact partial scores. A doc's final score is at most its partial score plus the
        best weights its unread terms could still add (`rest`). Reading stops when the k-th
        best partial score is at least the bound of every doc outside the top k, seen or not.
        """
        acc, seen = self._scratch.arrays(snap.docs)
        k1, b = self.params.k1, self.params.b
        avgdl = snap.avgdl
        touched: list[npt.NDArray[np.int64]] = []
        chunk = FIRST_CHUNK
        try:
            while True:
                for tl in lists:
                    if tl.pos >= tl.end:
                        continue
                    stop = tl.end if exhaustive else min(tl.end, tl.pos + chunk)
                    segment = snap.segments[tl.segment]
                    local = segment.post_doc[tl.pos : stop]
                    docs = local.astype(np.int64) + snap.bases[tl.segment]
                    weights = tf_weight(
                        segment.post_tf[tl.pos : stop], segment.doc_len[local], avgdl, k1, b
                    )
                    acc[docs] += tl.weight * weights  # docs are distinct within one term
                    seen[docs] |= np.uint64(1 << tl.term_index)
                    touched.append(docs)
                    tl.pos = stop
                chunk *= 2
                rest = self._unread_bounds(snap, lists)
                if not rest:
                    break
                all_docs = np.concatenate(touched)
                if self._top_k_is_settled(acc, seen, all_docs, rest, k):
                    break
            all_docs = np.unique(np.concatenate(touched))
            partial = acc[all_docs]
            keep = min(len(all_docs), k)
            top = np.argpartition(-partial, keep - 1)[:keep] if keep else np.empty(0, np.intp)
            return all_docs[top]
        finally:
            for docs in touched:
                acc[docs] = 0.0
                seen[docs] = 0

    def _unread_bounds(self, snap: Snapshot, lists: list[_TermList]) -> dict[int, float]:
        """Per query term, the most any unread posting of it can add to a score."""
        rest: dict[int, float] = {}
        for tl in lists:
            if tl.pos >= tl.end:
                continue
            segment = snap.segments[tl.segment]
            # Postings are in build-time weight order; a longer average document length since
            # then can raise a weight by at most the ratio of the averages.
            drift = max(1.0, snap.avgdl / segment.build_avgdl)
            bound = tl.weight * float(segment.post_impact[tl.pos]) * drift * (1 + 1e-6)
            rest[tl.term_index] = max(rest.get(tl.term_index, 0.0), bound)
        return rest

    @staticmethod
    def _top_k_is_settled(
        acc: npt.NDArray[np.float64],
        seen: npt.NDArray[np.uint64],
        docs: npt.NDArray[np.int64],
        rest: dict[int, float],
        k: int,
    ) -> bool:
        partial = acc[docs]
        if len(partial) < k:
            return False
        # The k-th best distinct doc: a doc appears once per term it matched, so the top
        # k * terms entries hold at least k distinct docs when there are that many.
        head = min(len(partial), k * (len(rest) + 1) * 4)
        top = np.argpartition(-partial, head - 1)[:head]
        best = np.unique(docs[top])
        if len(best) < k:
            return False
        best_scores = acc[best]
        kth_order = np.argsort(-best_scores, kind="stable")[:k]
        top_docs = best[kth_order]
        kth = float(best_scores[kth_order[-1]])
        unread = sum(rest.values())
        if kth < unread:
            return False  # a doc not seen yet could still reach the top k
        bound = partial + unread
        seen_here = seen[docs]
        for term_index, value in rest.items():
            has = (seen_here >> np.uint64(term_index)) & np.uint64(1)
            bound -= value * has.astype(np.float64)
        bound[np.isin(docs, top_docs)] = -np.inf
        return bool(bound.max(initial=-np.inf) <= kth)

    def _exact_scores(
        self, snap: Snapshot, candidates: npt.NDArray[np.int64], tokens: Sequence[str]
    ) -> npt.NDArray[np.float64]:
        """BM25Okapi scores of the candidate docs, from their forward postings."""
        scores = np.zeros(len(candidates), dtype=np.float64)
        if not len(candidates):
            return scores
        counts = Counter(tokens)
        idf_cache: dict[str, float] = {}
        for term in counts:
            df = 0
            for segment in snap.segments:
                term_id = segment.term_id(term.encode())
                if term_id >= 0:
                    df += segment.df(term_id)
            idf_cache[term] = snap.idf(df, self.params) if df else 0.0
        seg_of = np.searchsorted(snap.bases, candidates, side="right") - 1
        avgdl = snap.avgdl
        for s in np.unique(seg_of):
            segment = snap.segments[int(s)]
            rows = np.nonzero(seg_of == s)[0]
            local = candidates[rows] - snap.bases[s]
            starts, ends = segment.fwd_ptr[local], segment.fwd_ptr[local + 1]
            lengths = ends - starts
            row_of = np.repeat(np.arange(len(rows)), lengths)
            offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths,
                                                                lengths)
            positions = np.repeat(starts, lengths) + offsets
            term_ids = segment.fwd_term[positions]
            query_ids = []
            query_weights = []
            for term, occurrences in counts.items():
                term_id = segment.term_id(term.encode())
                if term_id >= 0:
                    query_ids.append(term_id)
                    query_weights.append(idf_cache[term] * occurrences)
            if not query_ids:
                continue
            qids = np.array(query_ids, dtype=np.int32)
            order = np.argsort(qids)
            qids, qweights = qids[order], np.array(query_weights)[order]
            where = np.searchsorted(qids, term_ids)
            where[where >= len(qids)] = 0
            match = qids[where] == term_ids
            contrib = qweights[where[match]] * tf_weight(
                segment.fwd_tf[positions[match]],
                segment.doc_len[local[row_of[match]]],
                avgdl,
                self.params.k1,
                self.params.b,
            )
            scores[rows] += np.bincount(row_of[match], weights=contrib, minlength=len(rows))
        return scores
