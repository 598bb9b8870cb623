"""Weighted reciprocal-rank fusion: ranks, not raw scores, so cosine and BM25 mix safely."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60


def weighted_rrf(rankings: Mapping[str, Sequence[int]], weights: Mapping[str, float],
                 k: int = RRF_K) -> dict[int, float]:
    """`rankings[name]` lists positions best first; returns position -> fused score."""
    fused: dict[int, float] = {}
    for name, ranking in rankings.items():
        w = weights.get(name, 1.0)
        if w <= 0:
            continue
        for rank, pos in enumerate(ranking):
            fused[pos] = fused.get(pos, 0.0) + w / (k + rank + 1)
    return fused
