"""The rate detector behind transaction health: is this window's rate (success, refund,
a response code's share) a significant departure from the same merchant's own baseline?
Pure Python.

The baseline is the same window (weekday and hour, or weekday) in earlier weeks. Its centre
is the median of the earlier rates and its spread the larger of the scaled median absolute
deviation and the binomial noise expected at this window's volume (with the baseline rate,
kept off 0 and 1 by Laplace's rule, so the spread does not depend on the rate being judged and
a spotless history does not turn one decline among twenty into an alert). Windows under
`MIN_VOLUME` never alert: a shop with eight sales a day does not raise noise. The score grows
with the departure, and the level only ever grows with the score.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MIN_VOLUME = 20
MIN_BASELINE_WINDOWS = 2
WARNING_SCORE, CRITICAL_SCORE = 3.0, 5.0
MIN_ABSOLUTE = 0.05  # a departure of less than 5 points is never worth a call
SPREAD_FLOOR = 0.01
MAD_TO_SD = 1.4826

UP, DOWN = "up", "down"  # which direction is bad: refunds going up, successes going down
NONE, WARNING, CRITICAL = "none", "warning", "critical"
LEVEL_RANK = {NONE: 0, WARNING: 1, CRITICAL: 2}


@dataclass(frozen=True)
class Window:
    hits: int  # e.g. approved transactions, refunds, declines with code 55
    total: int

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass(frozen=True)
class Detection:
    level: str
    score: float
    rate: float
    expected: float


QUIET = Detection(NONE, 0.0, 0.0, 0.0)


def detect(current: Window, baseline: Sequence[Window], bad: str = UP) -> Detection:
    """Judge `current` against earlier windows; `bad` says which direction is a problem."""
    if current.total < MIN_VOLUME:
        return QUIET
    earlier = [w.rate for w in baseline if w.total > 0]
    if len(earlier) < MIN_BASELINE_WINDOWS:
        return QUIET
    expected = statistics.median(earlier)
    mad = statistics.median(abs(r - expected) for r in earlier) * MAD_TO_SD
    # The binomial noise at this volume, with the baseline rate pulled off 0 and 1 by one
    # success and one failure (Laplace): a perfect record does not make one decline in
    # twenty look like a 5-sigma event.
    n = current.total
    smoothed = (expected * n + 1) / (n + 2)
    binomial = math.sqrt(smoothed * (1 - smoothed) / n)
    spread = max(mad, binomial, SPREAD_FLOOR)
    departure = current.rate - expected if bad == UP else expected - current.rate
    score = max(departure / spread, 0.0)
    level = NONE
    if departure >= MIN_ABSOLUTE:
        if score >= CRITICAL_SCORE:
            level = CRITICAL
        elif score >= WARNING_SCORE:
            level = WARNING
    return Detection(level, round(score, 2), current.rate, expected)
