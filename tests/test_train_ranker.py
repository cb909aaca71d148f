"""`benchmarks/train_ranker.py`'s options: a candidate policy changed from the command line."""

import pytest

from benchmarks.train_ranker import policy_of
from retrieval.ranking.features import CandidatePolicy


def test_policy_fields_are_set_with_their_own_types() -> None:
    policy = policy_of(["hit_articles=12", "recent_days=3.5"])
    assert policy.hit_articles == 12 and isinstance(policy.hit_articles, int)
    assert policy.recent_days == 3.5
    assert policy.article_hits == CandidatePolicy().article_hits  # the rest as shipped


def test_no_change_is_the_shipped_policy() -> None:
    assert policy_of([]) == CandidatePolicy()


def test_an_unknown_field_is_named() -> None:
    with pytest.raises(SystemExit, match="hit_artcles"):
        policy_of(["hit_artcles=12"])


def test_a_value_of_the_wrong_type_is_named() -> None:
    with pytest.raises(SystemExit, match="hit_articles takes int values"):
        policy_of(["hit_articles=many"])
