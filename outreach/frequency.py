"""Who is contacted far more than their peers? Pure Python (no Django).

Contact counts are skewed — most merchants hear from us rarely, a few often — so the mean and
standard deviation say little. A merchant is flagged when their count is well above the
peers' median by a robust measure of spread (the median absolute deviation), and high in
absolute terms, so a quiet week does not flag a merchant who was contacted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import median
from typing import TypeVar

K = TypeVar("K")

MIN_CONTACTS = 5  # never flag fewer contacts than this in a week
SPREAD_FACTOR = 4.0


def peer_threshold(counts: list[int]) -> float:
    """The count above which a merchant stands out from the peers given."""
    if not counts:
        return float(MIN_CONTACTS)
    middle = median(counts)
    spread = median(abs(c - middle) for c in counts)
    return max(float(MIN_CONTACTS), middle + SPREAD_FACTOR * max(spread, 1.0))


def far_above_peers(counts: Mapping[K, int], peers: list[int] | None = None) -> dict[K, float]:
    """The merchants whose count exceeds the peer threshold, with how many times the median
    they were contacted. `peers` defaults to the counts themselves."""
    threshold = peer_threshold(list(peers if peers is not None else counts.values()))
    middle = median(peers if peers else list(counts.values()) or [0]) or 1
    return {key: count / middle for key, count in counts.items() if count > threshold}
