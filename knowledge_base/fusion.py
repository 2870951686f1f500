"""Reciprocal rank fusion (Cormack, Clarke & Büttcher, 2009): score(d) = Σ 1 / (k + rank of d in each list).

Dense cosine and BM25 scores live on unrelated scales (e5 cosines sit in 0.8-0.95; BM25 is unbounded),
so fusing ranks instead of scores needs no calibration and no weight to tune.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[T]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[T, float]]:
    """Items of all rankings (each best first) by fused score, best first; ties keep first-seen order.
    `weights` scale each ranking's contribution (default 1 each)."""
    scores: dict[T, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
