"""The index: exact rank-bm25 scores, incremental growth, merging, persistence."""

import json
import random
import shutil
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

import retrieval.index.index as index_module
import retrieval.indexing as indexing
from retrieval.corpus import prepare
from retrieval.corpus.db import connect
from retrieval.corpus.store import CorpusStore
from retrieval.engine import Engine
from retrieval.index import kernels, tokens
from retrieval.index.bm25 import BM25Params
from retrieval.index.builder import SegmentBuilder
from retrieval.index.files import index_dir
from retrieval.index.index import Index
from retrieval.index.segment import Segment
from retrieval.index.tokens import Tokenizer
from retrieval.indexing import ARTICLES, SENTENCES, TITLE_REPEATS, catch_up_both
from retrieval.without_index import corpus_stats

from .conftest import SEEDS, run_sql, shared_articles, shared_lines, write_jsonl

RAW = Tokenizer(stem=False, stopwords=False, irregular=False)


def zipf_corpus(docs: int, vocab: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)]
    weights = [1 / (i + 1) for i in range(vocab)]
    return [" ".join(rng.choices(words, weights, k=rng.randint(0, 25))) for _ in range(docs)]


def assert_matches_rank_bm25(
    index: Index, texts: list[str], queries: list[list[str]], params: BM25Params
) -> None:
    corpus = [RAW(t) for t in texts]
    reference = BM25Okapi(corpus, k1=params.k1, b=params.b, epsilon=params.epsilon)
    for query in queries:
        expected = reference.get_scores(query)
        got = index.search(query, k=10)
        matching = np.array([bool(set(query) & set(doc)) for doc in corpus])
        best = np.sort(expected[matching])[::-1][:10]
        assert [h.score for h in got] == pytest.approx(list(best), rel=1e-9, abs=0)
        for hit in got:
            assert hit.score == pytest.approx(expected[hit.doc_id - 1], rel=1e-9, abs=0)


@pytest.mark.parametrize("params", [BM25Params(), BM25Params(k1=0.9, b=0.4, epsilon=0.5)])
def test_scores_equal_rank_bm25_across_segments_and_merges(params: BM25Params) -> None:
    texts = zipf_corpus(4000, 300, seed=7)
    rng = random.Random(3)
    words = [f"w{i}" for i in range(300)]
    # Common and rare terms, repeats, and terms in over half the docs (negative idf floor).
    queries = [
        rng.choices(words, [1 / (i + 1) for i in range(300)], k=rng.randint(1, 7))
        for _ in range(150)
    ] + [["w0"], ["w0", "w0", "w299"], ["absent"]]
    index = Index(RAW, params)
    start = 0
    for size in (1500, 1000, 800, 400, 200, 100):
        index.add([(i + 1, texts[i]) for i in range(start, start + size)])
        start += size
    assert len(index.snapshot.segments) > 1
    assert_matches_rank_bm25(index, texts, queries, params)
    index.compact()
    assert_matches_rank_bm25(index, texts, queries, params)


def test_early_stopping_returns_the_exhaustive_top_k() -> None:
    """A corpus big enough that impact-ordered reading stops early still ranks exactly."""
    texts = zipf_corpus(30_000, 2000, seed=11)
    index = Index(RAW)
    index.add([(i + 1, t) for i, t in enumerate(texts)])
    assert_matches_rank_bm25(
        index, texts, [["w1", "w5", "w40"], ["w2", "w3"], ["w0", "w9"]], BM25Params()
    )


def test_add_skips_what_is_already_indexed() -> None:
    index = Index(RAW)
    assert index.add([(1, "alpha beta"), (2, "beta gamma")]) == 2
    assert index.add([(2, "beta gamma"), (3, "gamma delta")]) == 1
    assert len(index) == 3 and index.snapshot.watermark == 3


def test_initials_count_the_terms_beginning_with_each_character() -> None:
    """What tells the scripts the corpus is in (`retrieval.scripts`): per segment, a term
    in two counted in each; "\ud7fb" is the last character before the surrogates, whose
    UTF-8 the search for the terms after it passes through."""
    index = Index()
    index.add([(1, "cocoa 2023 москва мир"), (2, "한국 \ud7fb 加沙 ガザ")])
    index.add([(3, "cocoa мир")])
    assert index.initials() == Counter(
        {"c": 2, "2": 1, "м": 3, "한": 1, "\ud7fb": 1, "加": 1, "ガ": 1}
    )
    assert Index().initials() == Counter()


def test_merge_policy_keeps_segments_logarithmic() -> None:
    index = Index(RAW)
    for i in range(200):
        index.add([(i + 1, f"word{i} shared")])
        index.compact()
    sizes = [s.docs for s in index.snapshot.segments]
    assert sum(sizes) == 200 and len(sizes) <= 8
    assert sizes == sorted(sizes, reverse=True)


def test_a_segment_of_stop_words_alone_breaks_no_search() -> None:
    """An article whose one sentence is all stop words ("It is what it is.") made a segment
    with no term, and every search raised an IndexError until a merge absorbed it."""
    index = Index()
    index.add([(1, "The harbour crane moved cargo."), (2, "The ferry sailed at dawn.")])
    index.add([(3, "It is what it is.")])
    assert [s.docs for s in index.snapshot.segments] == [2, 1]
    assert [hit.doc_id for hit in index.search("harbour crane", 5)] == [1]
    assert index.search("it is", 5) == []


def test_a_tiny_corpus_scored_whole_keeps_to_the_moments_asked() -> None:
    """A term in most of a tiny corpus has a negative idf, which the bounds cannot serve:
    every doc holding a query term is scored (`_score_everything`), within since and until
    like any other search."""
    index = Index(RAW)
    index.add([(1, "cocoa tea", 100.0), (2, "cocoa", 200.0), (3, "cocoa coffee", 300.0)])
    assert [h.doc_id for h in index.search("cocoa", 5, since=250.0)] == [3]
    assert [h.doc_id for h in index.search("cocoa", 5, until=150.0)] == [1]


@pytest.mark.parametrize("params", [RAW, None])
def test_an_undated_doc_is_searched_as_of_its_time_but_never_since_a_moment(
    params: object,
) -> None:
    """An undated article counts from when it was stored, so a backfill ingested today was
    "the last days' news": a search since a moment now takes dated docs only, while one as
    of a moment still finds an undated doc from its stored time. Both the bounded search and
    the whole scoring of a tiny corpus (`RAW`), a mixed segment and an all-undated one."""
    index = Index() if params is None else Index(RAW)
    index.add([(1, "cocoa harvest", 100.0, True), (2, "cocoa cocoa harvest", 300.0, False)])
    index.add([(3, "cocoa prices", 310.0, False), (4, "tea harvest", 320.0, False)])
    index.add([(5, "coffee", 50.0), (6, "tea", 60.0), (7, "milk", 70.0), (8, "rice", 80.0)])
    assert {h.doc_id for h in index.search("cocoa", 5)} == {1, 2, 3}
    assert {h.doc_id for h in index.search("cocoa", 5, until=305.0)} == {1, 2}
    assert [h.doc_id for h in index.search("cocoa", 5, since=90.0)] == [1]
    assert index.search("cocoa", 5, since=200.0) == []
    assert index.search("tea harvest", 5, since=200.0) == []
    assert {h.doc_id for h in index.search("harvest", 5, since=-np.inf)} == {1, 2, 4}


def test_a_term_in_exactly_half_the_docs_adds_nothing() -> None:
    """Its idf is exactly zero: rank_bm25 floors only negative ones, so no doc it alone
    matches is a hit."""
    index = Index(RAW)
    index.add([(1, "a b"), (2, "a c"), (3, "d"), (4, "e")])
    assert index.search("a", 5) == []
    assert [h.doc_id for h in index.search("a b", 5)] == [1]


def test_a_merge_that_lost_the_race_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot compacts after a refresh while a save compacts in another thread: two merges
    of the same segments must not both be published (each sentence would be twice)."""
    index = Index(RAW)
    for i in range(4):
        index.add([(i + 1, f"word{i} shared")])
    merge = Segment.merge
    raced: list[bool] = []

    def racing(name: str, segments: list[Segment]) -> Segment:
        if not raced:  # another merge of the same plan finishes first
            raced.append(False)
            raced[0] = index.merge()
        return merge(name, segments)

    monkeypatch.setattr(Segment, "merge", staticmethod(racing))
    assert index.merge() is False and raced == [True]
    ids = np.concatenate([s.doc_ids for s in index.snapshot.segments])
    assert len(index) == 4 and sorted(ids.tolist()) == [1, 2, 3, 4]


def test_no_merge_makes_a_segment_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge is built in memory: past the limit, segments stay side by side, and a
    question over them ranks as over one."""
    monkeypatch.setattr(Index, "merged_limit", 50)
    texts = zipf_corpus(230, 80, seed=5)
    index = Index(RAW)
    for start in range(0, 230, 10):
        index.add([(i + 1, texts[i]) for i in range(start, min(start + 10, 230))])
        index.compact()
    sizes = [s.docs for s in index.snapshot.segments]
    assert sum(sizes) == 230 and max(sizes) <= 50
    assert len([size for size in sizes if size > 25]) >= 3  # big ones kept, not merged on
    assert_matches_rank_bm25(index, texts, [["w1", "w5"], ["w0", "w9", "w30"]], BM25Params())


async def test_index_is_saved_and_loaded_not_rebuilt(db_path: Path) -> None:
    engine = await Engine.open(db_path)
    await engine.ingest([SEEDS])
    await engine.refresh()
    await engine.save_index()
    names = {s.name for s in engine.index.snapshot.segments}
    await engine.close()
    reopened = await Engine.open(db_path)
    try:
        assert {s.name for s in reopened.index.snapshot.segments} == names
        assert len(reopened.index) == 13
    finally:
        await reopened.close()


async def test_corrupt_index_file_is_detected_and_rebuilt(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = await Engine.open(db_path)
    await engine.ingest([SEEDS])
    await engine.refresh()
    await engine.save_index()
    await engine.close()
    [segment_dir] = [p for p in index_dir(db_path).iterdir() if p.is_dir()]
    target = segment_dir / "one_doc.npy"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    reopened = await Engine.open(db_path)
    try:
        assert "checksum mismatch" in caplog.text
        result = await reopened.ask("Where did the joint exercise begin?")
        assert "Aslanduz" in result.passages[0].quote
    finally:
        await reopened.close()


async def test_index_of_another_database_is_not_trusted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    others = write_jsonl(tmp_path / "x.jsonl", list(shared_articles("bbc-news", limit=5)))
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    engine = await Engine.open(first)
    await engine.ingest([SEEDS])
    await engine.refresh()
    await engine.save_index()
    await engine.close()
    other = await Engine.open(second)
    await other.ingest([others])
    await other.close()
    shutil.rmtree(index_dir(second), ignore_errors=True)
    shutil.copytree(index_dir(first), index_dir(second))  # an index from elsewhere
    reopened = await Engine.open(second)
    try:
        assert "database_id differs" in caplog.text
        stats = await corpus_stats(reopened.db_path)
        assert len(reopened.index) == stats.sentences
    finally:
        await reopened.close()


async def test_another_process_ingest_becomes_searchable_after_refresh(
    db_path: Path, tmp_path: Path
) -> None:
    serving = await Engine.open(db_path)
    writer = await Engine.open(db_path)
    try:
        assert (await serving.ask("Aslanduz exercise")).passages == ()
        await writer.ingest([SEEDS])
        assert await serving.refresh() == 13
        result = await serving.ask("Aslanduz exercise")
        assert "Aslanduz" in result.passages[0].quote
    finally:
        await writer.close()
        await serving.close()


def test_ties_at_the_kth_place_go_to_the_older_sentence() -> None:
    index = Index(RAW)
    index.add([(n, f"cocoa filler{n}") for n in range(1, 2001)])
    assert [h.doc_id for h in index.search("cocoa", 10)] == list(range(1, 11))


def ranked_like_rank_bm25(texts: list[str], query: list[str], k: int) -> list[int]:
    """Sentence ids (1-based) of the k best by rank_bm25, ties (to 1e-9) to the older one."""
    corpus = [RAW(t) for t in texts]
    scores = BM25Okapi(corpus).get_scores(query)
    matching = [i for i, doc in enumerate(corpus) if set(query) & set(doc)]
    ranked: list[int] = []
    group: list[int] = []
    for i in sorted(matching, key=lambda i: -scores[i]):
        if group and abs(scores[i] - scores[group[0]]) > 1e-9 * abs(scores[group[0]]):
            ranked += sorted(group)
            group = []
        group.append(i)
    ranked += sorted(group)
    return [i + 1 for i in ranked[:k]]


@pytest.mark.parametrize("band", [64, index_module.BAND])
def test_bands_segments_and_ties_rank_exactly_as_rank_bm25(
    band: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many small bands (each pruned on its own bounds) and several segments still give
    rank_bm25's exact order, equal sentences (repeated texts) in sentence order. The largest
    segment, searched first, holds the newer copies: the older ones found after them must
    still take their places."""
    monkeypatch.setattr(index_module, "BAND", band)
    texts = zipf_corpus(1500, 200, seed=5)
    texts = texts[:700] + texts  # sentences 1-700 again as 701-1400
    rng = random.Random(9)
    words = [f"w{i}" for i in range(200)]
    queries = [
        rng.choices(words, [1 / (i + 1) for i in range(200)], k=rng.randint(1, 6))
        for _ in range(60)
    ]
    segmented, whole = Index(RAW), Index(RAW)
    start = 0
    for size in (100, 300, 300, 1500):
        segmented.add([(i + 1, texts[i]) for i in range(start, start + size)])
        start += size
    whole.add([(i + 1, t) for i, t in enumerate(texts)])
    assert len(segmented.snapshot.segments) == 4
    for query in queries:
        expected = ranked_like_rank_bm25(texts, query, 10)
        assert [h.doc_id for h in segmented.search(query, 10)] == expected, query
        assert [h.doc_id for h in whole.search(query, 10)] == expected, query


async def test_refreshes_one_article_at_a_time_keep_few_segments(
    db_path: Path, tmp_path: Path
) -> None:
    """A bot refreshing after every stored article merges as it goes: the segments stay
    logarithmic in number, and each article is searchable once its refresh returns."""
    articles = list(shared_articles("bbc-news", limit=40))
    serving = await Engine.open(db_path)
    try:
        for n, article in enumerate(articles):
            path = write_jsonl(tmp_path / f"a{n}.jsonl", [article])
            await serving.ingest([path])
            assert await serving.refresh() > 0
            hits = serving.index.search(article["title"], 1)
            assert hits and hits[0].score > 0
        assert len(serving.index.snapshot.segments) <= 6
    finally:
        await serving.close()


def test_bm25_params_that_would_break_the_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="k1 >= 0"):
        BM25Params(k1=-0.5)
    with pytest.raises(ValueError, match="0 <= b <= 1"):
        BM25Params(b=1.5)


def test_k_beyond_the_corpus_returns_every_match() -> None:
    index = Index(RAW)
    index.add([(1, "cocoa prices"), (2, "cocoa"), (3, "tea")])
    assert [h.doc_id for h in index.search("cocoa", 10**12)] == [2, 1]


def test_band_buffers_follow_the_band_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled loop does not check bounds: a thread's buffers must grow with the band."""
    texts = [f"common w{i % 7}" for i in range(5000)]
    index = Index(RAW)
    index.add([(i + 1, t) for i, t in enumerate(texts)])
    for band in (8, 4096):
        monkeypatch.setattr(index_module, "BAND", band)
        got = [h.doc_id for h in index.search("common w3", 5)]
        assert got == ranked_like_rank_bm25(texts, ["common", "w3"], 5)


def test_a_segment_of_short_sentences_changes_no_ranking() -> None:
    """Bounds come from the doc lengths at query time: a later segment of short sentences
    (a lower average length) leaves the older segment's ranking exact."""
    texts = zipf_corpus(3000, 200, seed=2) + ["w1 w2"] * 30
    index = Index(RAW)
    index.add([(i + 1, t) for i, t in enumerate(texts[:3000])])
    index.add([(i + 3001, t) for i, t in enumerate(texts[3000:])])
    assert len(index.snapshot.segments) == 2
    for query in (["w1", "w2"], ["w3", "w1", "w40"]):
        assert [h.doc_id for h in index.search(query, 10)] == ranked_like_rank_bm25(
            texts, query, 10
        )


@pytest.mark.parametrize("band", [64, index_module.BAND])
def test_search_as_of_a_time_is_the_exhaustive_top_k_of_the_docs_before_it(
    band: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel skips docs later than `until`; what it returns must be exactly the k best
    of the others, from every segment, with no later doc among them."""
    monkeypatch.setattr(index_module, "BAND", band)
    texts = zipf_corpus(6000, 300, seed=5)
    rng = random.Random(9)
    times = [float(rng.randint(0, 1000)) for _ in texts]
    index = Index(RAW)
    start = 0
    for size in (3000, 1500, 1000, 500):
        index.add([(i + 1, texts[i], times[i]) for i in range(start, start + size)])
        start += size
    corpus = [RAW(t) for t in texts]
    reference = BM25Okapi(corpus)
    words = [f"w{i}" for i in range(300)]
    spans = [(None, u) for u in (-1.0, 0.0, 3.0, 50.0, 500.0, 999.0, 1000.0)]
    for since, until in [*spans, (400.0, 600.0), (990.0, None), (0.0, 0.0)]:
        low = -np.inf if since is None else since
        high = np.inf if until is None else until
        for _ in range(15):
            query = rng.choices(words, [1 / (i + 1) for i in range(300)], k=rng.randint(1, 6))
            expected = reference.get_scores(query)
            visible = [
                i
                for i, doc in enumerate(corpus)
                if low <= times[i] <= high and set(query) & set(doc)
            ]
            best = sorted(visible, key=lambda i: (-expected[i], i))[:10]
            got = index.search(query, 10, until=until, since=since)
            assert all(low <= times[h.doc_id - 1] <= high for h in got)
            assert [h.score for h in got] == pytest.approx([expected[i] for i in best], rel=1e-9)
            assert {h.doc_id for h in got} <= {i + 1 for i in visible}
    assert [h.doc_id for h in index.search(["w1"], 10, until=-1.0)] == []


def test_segments_entirely_later_than_the_moment_are_skipped() -> None:
    index = Index(RAW)
    index.add([(1, "cocoa prices rise", 100.0), (2, "tea", 100.0)])
    index.add([(3, "cocoa", 200.0), (4, "cocoa cocoa", 300.0)])
    assert [h.doc_id for h in index.search("cocoa", 5)] == [4, 3, 1]
    assert [h.doc_id for h in index.search("cocoa", 5, until=250.0)] == [3, 1]
    assert [h.doc_id for h in index.search("cocoa", 5, until=150.0)] == [1]
    index.compact()
    assert [h.doc_id for h in index.search("cocoa", 5, until=150.0)] == [1]


def test_scores_of_given_docs_are_their_exact_bm25() -> None:
    texts = zipf_corpus(800, 120, seed=11)
    index = Index(RAW)
    index.add([(i + 1, texts[i]) for i in range(500)])
    index.add([(i + 1, texts[i]) for i in range(500, 800)])
    reference = BM25Okapi([RAW(t) for t in texts])
    query = ["w3", "w17", "w17", "w90"]
    ids = [800, 1, 650, 42, 9999]  # across both segments, and one that is not there
    expected = [reference.get_scores(query)[i - 1] for i in ids[:-1]] + [0.0]
    assert index.scores(ids, query).tolist() == pytest.approx(expected, rel=1e-9)


def test_scores_of_given_docs_add_their_terms_in_one_fixed_order() -> None:
    """The ranking model reads these scores as a column, and was trained on them: each
    doc's score must be the same float whatever computes it, rank_bm25's tf part added
    term by term in the order of the segment's term ids, from 0.0."""
    texts = zipf_corpus(600, 80, seed=5)
    index = Index(RAW)
    index.add([(i + 1, texts[i]) for i in range(350)])
    index.add([(i + 1, texts[i]) for i in range(350, 600)])
    snap, (k1, b) = index.snapshot, (index.params.k1, index.params.b)
    query = ["w1", "w7", "w7", "w30", "w55", "w79"]
    counts = Counter(query)
    dfs = {t: sum(Counter(RAW(x))[t] > 0 for x in texts) for t in counts}
    ids = list(range(1, 601, 7))
    expected = []
    for sentence_id in ids:
        segment = snap.segments[0 if sentence_id <= 350 else 1]
        tf, dl = Counter(RAW(texts[sentence_id - 1])), len(RAW(texts[sentence_id - 1]))
        score = 0.0
        for term in sorted(
            (t for t in counts if tf[t]), key=lambda t: segment.term_id(t.encode())
        ):
            weight = snap.idf(dfs[term], index.params) * counts[term]
            score += weight * (
                tf[term] * (k1 + 1) / (tf[term] + k1 * (1 - b + b * dl / snap.avgdl))
            )
        expected.append(score)
    assert index.scores(ids, query).tolist() == expected


async def test_the_article_index_follows_the_database(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Whole articles, title weighted up, saved beside the sentence index, caught up after
    an ingest, and rebuilt when its files are damaged, like the sentence index."""
    engine = await Engine.open(db_path)
    await engine.ingest([SEEDS])
    await engine.refresh()
    await engine.save_index()
    assert len(engine.articles) == 1
    [seed] = engine.articles.search("Azerbaijan Iran border exercises", 1)
    more = write_jsonl(
        tmp_path / "more.jsonl",
        [
            {"title": "Harbour cranes", "text": "The harbour crane lifted timber all week."},
            {"title": "Lighthouses", "text": "The lighthouse lamp burned all night."},
        ],
    )
    await engine.ingest([more])
    await engine.refresh()
    assert len(engine.articles) == 3
    [crane] = engine.articles.search("harbour crane", 1)
    assert crane.doc_id != seed.doc_id
    await engine.save_index()
    await engine.close()
    folder = ARTICLES.folder(db_path)
    (folder / "manifest.json").write_text("{not json")
    reopened = await Engine.open(db_path)
    try:
        assert "rebuilding the article index" in caplog.text
        assert len(reopened.articles) == 3
        assert [h.doc_id for h in reopened.articles.search("harbour crane", 1)] == [crane.doc_id]
    finally:
        await reopened.close()


def held(index: Index) -> dict[int, tuple[int, float, bool, int, list[tuple[bytes, int]]]]:
    """What an index holds, however it is cut into segments: each doc's length, time,
    whether it is dated, words and terms with their counts."""
    docs = {}
    for seg in index.snapshot.segments:
        for d in range(seg.docs):
            row = seg.fwd_row[d]
            lo, hi = seg.fwd_ptr[row], seg.fwd_ptr[row + 1]
            terms = seg.terms[seg.fwd_term[lo:hi]].tolist()
            docs[int(seg.doc_ids[d])] = (
                int(seg.doc_len[d]),
                float(seg.doc_time[d]),
                bool(seg.doc_dated[d]),
                int(seg.doc_words[d]),
                list(zip(terms, seg.fwd_tf[lo:hi].tolist(), strict=True)),
            )
    return docs


async def rebuilt(db_path: Path) -> tuple[Index, Index]:
    """Both indexes of the database, every doc tokenized on its own: a sentence, and an
    article as its title `TITLE_REPEATS` times and its stored sentences, each of them
    tokenized on its own, its words theirs."""
    conn = await connect(db_path)
    try:
        store = CorpusStore(conn)
        sentences = SegmentBuilder(Tokenizer())
        async for rows in store.sentences_after(0):
            sentences.add_many((i, text, time, bool(dated)) for i, text, time, _, dated in rows)
    finally:
        await conn.close()
    kept: dict[int, list[str]] = {}
    for article_id, text in run_sql(
        db_path, "SELECT article_id, text FROM sentences ORDER BY article_id, position"
    ):
        kept.setdefault(article_id, []).append(text)
    tokenizer = Tokenizer()
    articles = SegmentBuilder(tokenizer)
    for i, title, time, dated in run_sql(
        db_path,
        "SELECT id, title, coalesce(published_ts, ingested_ts), published_ts IS NOT NULL"
        " FROM articles",
    ):
        parts = [title] * TITLE_REPEATS + kept.get(i, [])
        terms = [term for part in parts for term in tokenizer(part)]
        words = sum(len(part.split()) for part in parts)
        articles.add_ids(i, articles.term_ids(terms), time, words, bool(dated))
    params = BM25Params()
    return (
        Index(sentences.tokenizer, params, [sentences.build()]),
        Index(articles.tokenizer, params, [articles.build()]),
    )


async def test_a_catch_up_is_one_segment_however_many_batches_it_reads(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A segment per batch read left dozens to merge after a large ingest."""
    monkeypatch.setattr(indexing, "READ_CHUNK", 50)
    engine = await Engine.open(db_path)
    try:
        await engine.ingest(
            [write_jsonl(tmp_path / "a.jsonl", list(shared_articles("bbc-news", 30)))]
        )
        sentences, articles = await rebuilt(db_path)
        both = Index(Tokenizer()), Index(Tokenizer())
        assert await catch_up_both(*both, engine._store) == (len(sentences), len(articles))
        assert [len(index.snapshot.segments) for index in both] == [1, 1]
        assert [held(index) for index in both] == [held(sentences), held(articles)]
    finally:
        await engine.close()


DOCKERS = {  # a promotion and a byline, which the splitter leaves out of the sentences
    "title": "Dockers strike",
    "text": "Harbour cranes were idle on Monday as dockers walked out over pay.\n\n"
    "Sign up for our newsletter.\n\n"
    "The strike is the first at the port in a decade, the union said.\n\n"
    "\u2013 Jane Smith",
}
OTHERS = [
    {"title": "Lighthouses", "text": "The lighthouse lamp burned all night."},
    {"title": "Orchards", "text": "Apple growers picked early after a warm summer."},
]


async def test_the_article_index_holds_no_more_than_the_sentences_of_an_article(
    db_path: Path, tmp_path: Path
) -> None:
    """An article's doc is its title and the sentences the splitter keeps: the page
    furniture it leaves out (a promotion, a byline) weighs in no article's BM25."""
    engine = await Engine.open(db_path)
    try:
        await engine.ingest([write_jsonl(tmp_path / "a.jsonl", [DOCKERS, *OTHERS])])
        await engine.refresh()
        sentences = run_sql(db_path, "SELECT text FROM sentences WHERE article_id = 1")
        assert len(sentences) == 2  # what the sentence index holds of it
        [dockers] = engine.articles.search("dockers harbour cranes", 3)
        for furniture in ("newsletter", "sign up", "Jane Smith"):
            assert engine.articles.search(furniture, 3) == [], furniture
            assert engine.index.search(furniture, 3) == [], furniture
        found = engine.articles.term_counts([dockers.doc_id], ["newslett", "smith"])
        assert found.counts.tolist() == [[0, 0]]
        # the title three times and the two sentences, word for word
        assert found.words.tolist() == [3 * 2 + 12 + 14]
    finally:
        await engine.close()


async def test_both_indexes_from_one_tokenization_hold_what_each_would(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The article index is made of its sentences' tokens and its title's terms, no article
    tokenized whole: both indexes hold exactly the docs that tokenizing every doc (and each
    part of an article) on its own gives."""
    capitals = {  # a headline in capitals in an article that is not: "IT" as its line reads
        "title": "Navy to sail",
        "text": "US NAVY SAYS IT WILL SAIL\n\nThe navy said it would sail on Monday.",
    }
    istanbul = {"title": "Fleet in port", "text": "İstanbul welcomed the fleet on Monday."}
    bbc = list(shared_articles("bbc-news", 40))
    given: list[str] = []
    tokenize = Tokenizer.__call__

    def recording(self: Tokenizer, text: str) -> list[str]:
        given.append(text)
        return tokenize(self, text)

    engine = await Engine.open(db_path)
    try:
        await engine.ingest([write_jsonl(tmp_path / "a.jsonl", bbc[:20] + [capitals, istanbul])])
        monkeypatch.setattr(Tokenizer, "__call__", recording)
        await engine.refresh()  # both caught up from nothing
        monkeypatch.undo()
        await engine.ingest([write_jsonl(tmp_path / "b.jsonl", [DOCKERS, *bbc[20:]])])
        monkeypatch.setattr(Tokenizer, "__call__", recording)
        await engine.refresh()  # and again, from where they were
        monkeypatch.undo()
        sentences, articles = await rebuilt(db_path)
        assert held(engine.index) == held(sentences)
        assert held(engine.articles) == held(articles)
    finally:
        await engine.close()
    stored = {text for (text,) in run_sql(db_path, "SELECT text FROM sentences")}
    titles = {title for (title,) in run_sql(db_path, "SELECT title FROM articles")}
    assert given and set(given) <= stored | titles


async def test_an_article_index_rebuilt_alone_holds_what_a_catch_up_made(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article whose sentences a catch-up reads, all of them, is made of their tokens;
    one without sentences, one cut by a segment's end, and every article of an article
    index rebuilt beside a sentence index that is kept have their sentences read again:
    each way, the same doc."""
    monkeypatch.setattr(indexing, "SEGMENT_LIMIT", 100)
    monkeypatch.setattr(indexing, "READ_CHUNK", 50)
    bbc = list(shared_articles("bbc-news", 20))
    engine = await Engine.open(db_path)
    try:
        await engine.ingest([write_jsonl(tmp_path / "a.jsonl", [DOCKERS, *OTHERS, *bbc])])
        # an article without sentences (none of its text kept), as a hand may store one
        run_sql(db_path, "DELETE FROM sentences WHERE article_id = 2")
        run_sql(
            db_path, "UPDATE articles SET first_sentence = NULL, sentence_count = 0 WHERE id = 2"
        )
        await engine.refresh()
        assert len(engine.index.snapshot.segments) > 1  # articles were cut by segments' ends
        await engine.save_index()
        caught_up = held(engine.articles)
    finally:
        await engine.close()
    assert caught_up == held((await rebuilt(db_path))[1])
    shutil.rmtree(ARTICLES.folder(db_path))
    read_again: list[int] = []
    sentence_texts = CorpusStore.sentence_texts

    async def recording(self: CorpusStore, article_ids: Sequence[int]) -> dict[int, list[str]]:
        read_again.extend(article_ids)
        return await sentence_texts(self, article_ids)

    monkeypatch.setattr(CorpusStore, "sentence_texts", recording)
    indexed: list[int] = []
    reopened = await Engine.open(db_path, progress=indexed.append)
    try:
        assert indexed == []  # the sentence index was kept: no sentence tokenized for it
        assert sorted(read_again) == sorted(caught_up)
        assert held(reopened.articles) == caught_up
    finally:
        await reopened.close()


async def test_an_article_index_of_titles_and_whole_texts_is_rebuilt(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An article index saved when an article's doc was its title and its whole text (page
    furniture and all) holds other docs: it is rebuilt at the next start, the sentence
    index kept."""
    engine = await Engine.open(db_path)
    await engine.ingest([write_jsonl(tmp_path / "a.jsonl", [DOCKERS, *OTHERS])])
    await engine.refresh()
    await engine.save_index()
    await engine.close()
    manifest_path = ARTICLES.folder(db_path) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    before = f":articles:title={TITLE_REPEATS}{indexing._TIMES}"
    manifest["signature"] = manifest["signature"].replace(ARTICLES.signature, before)
    manifest_path.write_text(json.dumps(manifest))
    reopened = await Engine.open(db_path)
    try:
        assert "rebuilding the article index: it was made by another version" in caplog.text
        assert "rebuilding the index" not in caplog.text
        assert held(reopened.articles) == held((await rebuilt(db_path))[1])
        assert reopened.articles.search("newsletter", 3) == []
    finally:
        await reopened.close()
    saved = json.loads(manifest_path.read_text())["signature"]
    assert saved.endswith(ARTICLES.signature) and before not in saved


async def test_opening_without_indexes_tokenizes_each_sentence_once(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reindex, or an index format upgrade, builds both indexes from one tokenization:
    each sentence is tokenized once, and every article is made of its sentences' terms."""
    bbc = list(shared_articles("bbc-news", 20))
    engine = await Engine.open(db_path)
    await engine.ingest([write_jsonl(tmp_path / "a.jsonl", [DOCKERS, *bbc])])
    await engine.refresh()
    await engine.save_index()
    await engine.close()
    for docs in (SENTENCES, ARTICLES):  # as `newsbot reindex` does
        shutil.rmtree(docs.folder(db_path))
    tokenized: list[str] = []
    tokenize, tokenize_batch = SegmentBuilder.add, SegmentBuilder._add_batch

    def recording(self: SegmentBuilder, doc_id: int, text: str, time: float = 0.0) -> None:
        tokenized.append(text)
        tokenize(self, doc_id, text, time)

    def recording_batch(
        self: SegmentBuilder,
        ids: Sequence[int],
        texts: Sequence[str],
        times: Sequence[float],
        dated: Sequence[bool],
    ) -> None:
        tokenized.extend(texts)
        tokenize_batch(self, ids, texts, times, dated)

    monkeypatch.setattr(SegmentBuilder, "add", recording)
    monkeypatch.setattr(SegmentBuilder, "_add_batch", recording_batch)
    reopened = await Engine.open(db_path)
    monkeypatch.undo()
    try:
        sentences, articles = await rebuilt(db_path)
        assert held(reopened.index) == held(sentences)
        assert held(reopened.articles) == held(articles)
    finally:
        await reopened.close()
    stored = [text for (text,) in run_sql(db_path, "SELECT text FROM sentences")]
    assert sorted(tokenized) == sorted(stored)


def test_a_builder_maps_common_words_straight_to_the_terms_the_tokenizer_gives() -> None:
    texts = [*zipf_corpus(300, 50, seed=3), "The U.S. Navy sailed.", "Zürich welcomed IT"]
    tokenizer = Tokenizer()
    built = SegmentBuilder(tokenizer)
    built.add_many((i, t, 0.0) for i, t in enumerate(texts, 1))
    plain = SegmentBuilder(tokenizer)
    for i, text in enumerate(texts, 1):
        plain.add_ids(i, plain.term_ids(tokenizer(text)))
    # the same terms (a batch may number them in another order)
    terms, plain_terms = list(built.vocab), list(plain.vocab)
    assert [terms[i] for i in built.token_ids] == [plain_terms[i] for i in plain.token_ids]
    assert list(built.doc_len) == list(plain.doc_len)
    assert set(plain.vocab) <= set(built.vocab)  # a shared vocabulary may hold more


def test_term_counts_give_each_sentences_words_split_at_whitespace() -> None:
    """The ranking's window lengths come from the index, not from reading text: the words
    must be what `str.split` finds, whatever the whitespace, and survive a merge."""
    texts = [
        "The ferry resumed service today.",
        "Two  spaces,\ta tab and\u2028a line separator\u00a0too",
        " the of and ",  # no terms at all, three words
        "U.S. officials said 1,500 people left.",
    ]
    index = Index(Tokenizer())
    index.add([(1, texts[0]), (2, texts[1])])
    index.add([(3, texts[2]), (4, texts[3])])
    found = index.term_counts([4, 3, 2, 1, 99], ["ferri", "offici"])
    expected = [len(t.split()) for t in reversed(texts)] + [0]
    assert found.words.tolist() == expected
    assert found.counts.tolist() == [[0, 1], [0, 0], [0, 0], [1, 0], [0, 0]]
    assert index.merge()
    assert len(index.snapshot.segments) == 1
    assert index.term_counts([4, 3, 2, 1, 99], []).words.tolist() == expected


def test_term_counts_are_the_tokenizers_counts_on_real_news() -> None:
    """Term counts come from each segment's forward postings, each term looked up among
    those asked about in a compiled loop: they must be what tokenizing the text counts, in
    whatever segment a sentence is, for terms some segments lack."""
    lines = shared_lines("bbc-news", 40)
    tokenizer = Tokenizer()
    index = Index(tokenizer)
    half = len(lines) // 2
    index.add([(i, text) for i, text in enumerate(lines[:half], 1)])
    index.add([(i, text) for i, text in enumerate(lines[half:], half + 1)])
    tokens = [tokenizer(text) for text in lines]
    common = Counter(t for terms in tokens for t in set(terms)).most_common(40)
    rare = tokens[-1][:3]  # terms of the last sentence: some only in the second segment
    terms = sorted({t for t, _ in common[::4]} | set(rare) | {"zzznothing"})
    ids = list(range(len(lines), 0, -3))
    found = index.term_counts(ids, terms)
    expected = [[Counter(tokens[i - 1])[t] for t in terms] for i in ids]
    assert found.counts.tolist() == expected
    assert found.lengths.tolist() == [len(tokens[i - 1]) for i in ids]


def test_a_term_asked_twice_is_counted_in_both_columns() -> None:
    index = Index(Tokenizer())
    index.add([(1, "Ferries ferry the ferry."), (2, "Officials said so.")])
    found = index.term_counts([1, 2], ["ferri", "offici", "ferri"])
    assert found.counts.tolist() == [[3, 0, 3], [0, 1, 0]]


def test_term_counts_refuse_more_terms_than_their_table_holds() -> None:
    """The table of wanted term ids holds 65,535 (a question has a few hundred at most)."""
    none = np.zeros(0, dtype=np.int64)
    counts = np.zeros((0, 0), dtype=np.int32)
    wanted = np.arange(65_536, dtype=np.int64)
    one = np.zeros(1, dtype=np.int64)
    no_terms = np.zeros(0, dtype=np.int32)
    with pytest.raises(ValueError, match="too many wanted terms"):
        kernels.forward_counts(one, no_terms, no_terms, none, none, wanted, wanted, counts)
    kernels.forward_counts(one, no_terms, no_terms, none, none, wanted[:-1], wanted, counts)


def test_sentences_are_found_in_a_segment_by_id_whether_or_not_they_run_on() -> None:
    """A question's sentence ids run in stretches: each is found where a plain search
    finds it, absent ones too, in stretches, repeats and out of order."""
    rng = np.random.default_rng(8)
    held = np.unique(rng.integers(0, 5000, size=3000))
    starts = rng.integers(-5, 5005, size=60)
    asked = np.concatenate([np.arange(s, s + rng.integers(1, 30)) for s in starts])
    asked = np.concatenate([asked, asked[::-7], [-1, 0, 5004, 10**9]]).astype(np.int64)
    at = np.minimum(np.searchsorted(held, asked), len(held) - 1)
    expected = np.where(held[at] == asked, at, -1)
    assert kernels.sorted_positions(held, asked).tolist() == expected.tolist()


def test_sentences_added_out_of_id_order_keep_their_own_terms() -> None:
    """Forward rows run in sentence id order whatever order the sentences came in (a
    rebuild, a catch-up): a segment built from shuffled rows, and one merged from
    segments whose ids interleave, give each sentence its own counts, lengths and words,
    and the search keeps rank_bm25's scores."""
    texts = zipf_corpus(900, 150, seed=13)
    rng = random.Random(5)
    order = list(range(1, 901))
    rng.shuffle(order)
    index = Index(RAW)
    for part in (order[:500], order[500:]):  # shuffled, and the two segments' ids interleave
        builder = SegmentBuilder(RAW)
        builder.add_many((i, texts[i - 1]) for i in part)
        index.add_segment(builder.build())
    terms = ["w0", "w3", "w17", "w60", "w149"]
    ids = list(range(900, 0, -1))

    def expected() -> list[list[int]]:
        return [[Counter(RAW(texts[i - 1]))[t] for t in terms] for i in ids]

    for _ in range(2):
        found = index.term_counts(ids, terms)
        assert found.counts.tolist() == expected()
        assert found.lengths.tolist() == [len(RAW(texts[i - 1])) for i in ids]
        assert found.words.tolist() == [len(texts[i - 1].split()) for i in ids]
        assert_matches_rank_bm25(
            index, texts, [["w3", "w17"], ["w60", "w0", "w149"]], index.params
        )
        index.compact()


def fold_v3(word: str) -> str:
    """`tokens.fold` of the v3 token rules: combining marks dropped, and nothing else."""
    folded = word.casefold()
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) or c in "\u3099\u309a")
    return unicodedata.normalize("NFC", bare)


LODZ = {
    "title": "Łódź council backs tram line",
    "text": "The city council of Łódź voted on Tuesday for a new tram line to the airport.",
}


async def test_an_index_folded_by_the_v3_rules_is_rebuilt(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An index saved by the v3 token rules holds "łodz" where the v4 rules look up "lodz":
    kept, "Lodz" would find nothing, and its mix of v3 and v4 terms answer by halves. Its
    signature differs, so it is rebuilt, and the titles' stored v3 terms are not used."""
    made_now = Tokenizer.signature.fget  # type: ignore[attr-defined]
    with monkeypatch.context() as v3:
        v3.setattr(tokens, "fold", fold_v3)
        v3.setattr(Tokenizer, "signature", property(lambda t: made_now(t).replace("v4:", "v3:")))
        v3.setattr(prepare, "TITLE_TOKENS", Tokenizer())  # caches of its own, of v3 terms
        engine = await Engine.open(db_path)
        await engine.ingest([write_jsonl(tmp_path / "a.jsonl", [LODZ, *OTHERS])])
        await engine.refresh()
        await engine.save_index()
        assert engine.index.document_frequencies(["łodz"]) == {"łodz": 1}
        await engine.close()
    reopened = await Engine.open(db_path)
    try:
        assert "rebuilding the index: it was made by another version" in caplog.text
        result = await reopened.ask("What did the Lodz council vote for?")
        assert result.passages and "Łódź voted" in result.passages[0].quote
        assert not result.unmatched
    finally:
        await reopened.close()
