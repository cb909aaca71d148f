"""Page extraction against the html-articles ground truth, on a handful of pages (not timed)."""

import pytest

from benchmarks.extraction import load_pages, match, ours, summarize
from tests.conftest import corpus_file


@pytest.mark.slow
def test_extract_article_scores_well_on_a_handful_of_benchmark_pages() -> None:
    pages = load_pages(corpus_file("html-articles"), limit=8)
    scores = summarize([match(true, ours(html)) for _, html, true in pages])
    assert scores.f1 > 0.8, scores


def test_the_metric_matches_the_benchmark_on_small_cases() -> None:
    body = "one two three four five six"
    assert match(body, body) == (1.0, 0.0, 0.0)
    # 3 shingles each; 2 shared, 1 extra, 1 missed.
    assert match(body, "one two three four five seven") == (0.5, 0.25, 0.25)
    assert match("", "") == (0.0, 0.0, 0.0)
    perfect, empty = match(body, body), match(body, "")
    scores = summarize([perfect, empty])
    # An empty prediction leaves the precision average but counts as zero recall.
    assert (scores.precision, scores.recall) == (1.0, 0.5)
