"""Weighted reciprocal-rank fusion (retrieval/fusion.py): how dense and BM25 rankings mix."""

from __future__ import annotations

import math

import pytest

from partnerbot.retrieval.fusion import RRF_K, weighted_rrf


def order(fused: dict[int, float]) -> list[int]:
    """Positions best first (ties by position, as a stable sort would leave them)."""
    return sorted(fused, key=lambda pos: (-fused[pos], pos))


def test_one_ranking_keeps_its_order_with_the_textbook_scores() -> None:
    fused = weighted_rrf({"bm25": [7, 3, 9]}, {"bm25": 1.0})
    assert order(fused) == [7, 3, 9]
    for rank, pos in enumerate([7, 3, 9]):
        assert math.isclose(fused[pos], 1.0 / (RRF_K + rank + 1))


def test_scores_of_a_passage_in_several_rankings_add_up() -> None:
    fused = weighted_rrf({"dense": [1, 2], "bm25": [2, 1]}, {"dense": 1.0, "bm25": 1.0})
    expected = 1 / (RRF_K + 1) + 1 / (RRF_K + 2)
    assert math.isclose(fused[1], expected) and math.isclose(fused[2], expected)


def test_agreement_beats_one_first_place() -> None:
    """Second in both rankings outranks first in only one: fusion rewards consensus."""
    fused = weighted_rrf({"dense": [5, 8], "bm25": [6, 8]}, {"dense": 1.0, "bm25": 1.0})
    assert order(fused)[0] == 8


def test_the_heavier_ranking_wins_a_disagreement() -> None:
    rankings = {"dense": [1, 2], "bm25": [2, 1]}
    assert order(weighted_rrf(rankings, {"dense": 2.0, "bm25": 1.0}))[0] == 1
    assert order(weighted_rrf(rankings, {"dense": 1.0, "bm25": 2.0}))[0] == 2


@pytest.mark.parametrize("weight", [0.0, -1.0])
def test_a_ranking_weighted_zero_or_less_is_left_out(weight: float) -> None:
    fused = weighted_rrf({"dense": [1, 2], "bm25": [3]}, {"dense": 1.0, "bm25": weight})
    assert set(fused) == {1, 2}


def test_a_ranking_without_a_weight_counts_once() -> None:
    assert weighted_rrf({"new": [4, 5]}, {}) == weighted_rrf({"new": [4, 5]}, {"new": 1.0})


def test_only_the_ratio_of_weights_matters_to_the_order() -> None:
    rankings = {"a": [1, 2, 3, 4], "b": [4, 3, 9, 1], "c": [2, 9]}
    weights = {"a": 1.0, "b": 0.6, "c": 0.3}
    scaled = {name: 10 * w for name, w in weights.items()}
    assert order(weighted_rrf(rankings, weights)) == order(weighted_rrf(rankings, scaled))


def test_a_small_k_lets_the_top_ranks_count_more() -> None:
    """k damps the head: with k=0 a first place is worth twice a second place, with the
    default k=60 barely more, so a passage second in both rankings beats one first in one
    and fourth in the other."""
    rankings = {"dense": [1, 3, 7, 8], "bm25": [9, 3, 7, 1]}
    assert math.isclose(weighted_rrf({"x": [1, 2]}, {}, k=0)[1], 1.0)
    sharp = weighted_rrf(rankings, {}, k=0)
    damped = weighted_rrf(rankings, {})
    assert sharp[1] > sharp[3]  # first and fourth (1/1 + 1/4) beat second twice (1/2 + 1/2)
    assert damped[3] > damped[1]  # 2/62 beats 1/61 + 1/64


def test_nothing_in_nothing_out() -> None:
    assert weighted_rrf({}, {}) == {}
    assert weighted_rrf({"dense": []}, {"dense": 1.0}) == {}
