"""The ranking metrics on cases worked out by hand."""

from __future__ import annotations

import math

import pytest

from matchflow.evaluation.metrics import dcg_at_k, mean, ndcg_at_k, precision_at_k, ranking_scores, roc_auc


def test_precision_counts_hits_in_the_first_k():
    assert precision_at_k([True, False, True, True], 2) == 0.5
    assert precision_at_k([True, False, True, True], 4) == 0.75


def test_precision_counts_a_short_list_as_misses():
    assert precision_at_k([True, True], 10) == 0.2


def test_precision_rejects_k_below_one():
    with pytest.raises(ValueError):
        precision_at_k([True], 0)


def test_dcg_discounts_by_log2_of_rank_plus_one():
    # 1/log2(2) + 0 + 1/log2(4) = 1 + 0.5
    assert dcg_at_k([1, 0, 1], 3) == pytest.approx(1.5)
    assert dcg_at_k([1, 0, 1], 2) == pytest.approx(1.0)


def test_ndcg_of_a_perfect_ranking_is_one():
    assert ndcg_at_k([True, True, False], 3) == pytest.approx(1.0)


def test_ndcg_hand_computed_with_relevant_items_beyond_the_list():
    # ranking: miss, hit; 3 relevant exist, k = 2 -> ideal = 1 + 1/log2(3)
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k([False, True], 2, total_relevant=3) == pytest.approx(expected)
    assert expected == pytest.approx(0.38685, abs=1e-5)


def test_ndcg_is_zero_when_nothing_is_relevant():
    assert ndcg_at_k([False, False], 2, total_relevant=0) == 0.0
    assert ndcg_at_k([False, False], 2) == 0.0


def test_roc_auc_counts_pairs_and_half_ties():
    # positives 0.9, 0.4; negatives 0.5, 0.4: pairs (0.9>0.5) 1, (0.9>0.4) 1, (0.4<0.5) 0, tie 0.5 -> 2.5/4
    assert roc_auc([0.9, 0.5, 0.4, 0.4], [True, False, True, False]) == pytest.approx(0.625)


def test_roc_auc_is_one_for_perfect_and_zero_for_reversed_order():
    assert roc_auc([3, 2, 1], [True, True, False]) == 1.0
    assert roc_auc([1, 2, 3], [True, True, False]) == 0.0


def test_roc_auc_is_undefined_with_one_class():
    assert roc_auc([1, 2], [True, True]) is None
    with pytest.raises(ValueError):
        roc_auc([1], [True, False])


def test_ranking_scores_reproduce_the_order_and_put_unranked_last():
    scores = ranking_scores([7, 3], [3, 5, 7])
    assert scores == {3: 1.0, 5: 0.0, 7: 2.0}
    assert roc_auc([scores[d] for d in (3, 5, 7)], [True, False, False]) == 0.5


def test_mean_ignores_undefined_values():
    assert mean([0.5, None, 1.0]) == 0.75
    assert mean([None]) is None
