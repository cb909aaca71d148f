"""`benchmarks/train_ranker.py`'s options (a candidate policy, the loss's mix) and its loss."""

from types import SimpleNamespace
from typing import cast

import numpy as np
import pytest

from benchmarks.train_ranker import LossMix, fit, loss_mix, main, policy_of
from retrieval.ranking.features import FEATURES, CandidatePolicy, Candidates


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


def test_the_loss_mix_goes_to_the_stages_named() -> None:
    assert loss_mix(0.5, "first") == LossMix(first=0.5, final=0.0)
    assert loss_mix(0.5, "second") == LossMix(first=0.0, final=0.5)
    assert loss_mix(0.35, "both") == LossMix(first=0.35, final=0.35)
    assert loss_mix(0.0, "both") == LossMix()  # the mass alone, as shipped
    assert loss_mix(0.25, "rest") == LossMix(first=0.0, final=0.0, rest=0.25)
    assert LossMix().rest is not None  # the passages after the first have a model of their own


def test_a_loss_mix_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(SystemExit, match="between 0 and 1"):
        loss_mix(1.5, "both")


def _question(column: list[float], labels: list[bool]) -> tuple[Candidates, np.ndarray]:
    features = np.zeros((len(column), len(FEATURES)))
    features[:, 0] = column
    return cast(Candidates, SimpleNamespace(features=features)), np.array(labels)


def test_the_uniform_target_spreads_the_mass_over_every_positive() -> None:
    # two windows hold the answer, one scored higher: the softmax mass on them is highest
    # with all of it on the better one; a uniform target wants both, and stops short
    rows = [_question([2.0, 1.0, 0.0, 0.0], [True, True, False, False])] * 3
    rows.append(_question([1.0, 0.0, 0.0, 0.0], [False, True, True, False]))
    weights = [fit(rows, FEATURES[:1], mix).weights[0] for mix in (0.0, 0.5, 1.0)]
    assert weights[0] > weights[1] > weights[2] > 0


def test_writing_the_whole_model_and_only_the_rest_s_are_one_or_the_other(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--db", "x.db", "--write", "--write-rest"])
    assert "not allowed with argument" in capsys.readouterr().err
