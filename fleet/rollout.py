"""The update-campaign planner, without Django: each merchant's quiet hour (learned from its
own transactions), the staged split of the fleet (1% → 10% → 50% → 100%), when each terminal
gets its update (the next quiet hour after the merchant has been told), and the verdict after
a stage (go on, wait for volume, or halt because failures rose).

Stages are cumulative shares: with (0.01, 0.10, 0.50, 1.0) the first stage updates 1% of the
terminals, the second brings the total to 10%, and so on. Which terminals go first is a stable
hash of the campaign and the terminal, so a plan is reproducible and no merchant is always
the guinea pig.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

STAGES = (0.01, 0.10, 0.50, 1.0)
DEFAULT_QUIET_HOUR = 3  # a shop with no history: 03:00
NIGHT = 3  # ties go to the hour closest to this one

CONTINUE, WAIT, HALT = "continue", "wait", "halt"
# A rate after the update counts as higher when it exceeds the rate before by both a relative
# and an absolute margin: one unlucky hour must not stop a campaign.
RELATIVE_MARGIN = 1.25
ABSOLUTE_MARGIN = 0.02


def quiet_hour(counts: Mapping[int, int]) -> int:
    """The local hour (0–23) with the fewest transactions; ties: the one nearest 03:00."""
    if not counts or not any(counts.values()):
        return DEFAULT_QUIET_HOUR

    def night_distance(hour: int) -> int:
        gap = abs(hour - NIGHT)
        return min(gap, 24 - gap)

    return min(range(24), key=lambda h: (counts.get(h, 0), night_distance(h), h))


def stage_sizes(total: int, stages: Sequence[float] = STAGES) -> list[int]:
    """Cumulative number of terminals updated by the end of each stage (monotone, ends at
    `total`; the first stage has at least one terminal when there is any)."""
    sizes, done = [], 0
    for share in stages:
        done = max(done, min(total, math.ceil(total * share - 1e-9)))
        sizes.append(done)
    if sizes and total:
        sizes[0] = max(sizes[0], 1)
        sizes = [max(size, sizes[0]) for size in sizes]
        sizes[-1] = total
    return sizes


def _order_key(seed: str, terminal: Hashable) -> str:
    return hashlib.sha256(f"{seed}:{terminal}".encode()).hexdigest()


def assign_stages(
    terminals: Sequence[Hashable], seed: str, stages: Sequence[float] = STAGES
) -> dict[Hashable, int]:
    """Stage (1-based) of every terminal."""
    ordered = sorted(terminals, key=lambda t: _order_key(seed, t))
    sizes = stage_sizes(len(ordered), stages)
    result, start = {}, 0
    for stage, end in enumerate(sizes, start=1):
        for terminal in ordered[start:end]:
            result[terminal] = stage
        start = max(start, end)
    return result


def next_quiet_time(after: dt.datetime, hour: int, minute: int = 0) -> dt.datetime:
    """The first moment at `hour:minute` (in `after`'s time zone) not earlier than `after`."""
    candidate = after.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if candidate < after:
        candidate += dt.timedelta(days=1)
    return candidate


def schedule(
    terminals: Sequence[tuple[Hashable, Hashable]],
    quiet_hours: Mapping[Hashable, int],
    not_before: dt.datetime,
) -> dict[Hashable, dt.datetime]:
    """When each (terminal, merchant) gets its update: in the merchant's quiet hour, the
    first one after `not_before` (a local, aware time: the notice period has run). Terminals
    are spread over the hour a minute apart so a TMS is not hit all at once."""
    planned = {}
    for index, (terminal, merchant) in enumerate(terminals):
        hour = quiet_hours.get(merchant, DEFAULT_QUIET_HOUR)
        planned[terminal] = next_quiet_time(not_before, hour, minute=index % 60)
    return planned


@dataclass(frozen=True)
class Rates:
    """Sign-ins and transactions of the updated terminals in a window."""

    signins: int = 0
    signin_failures: int = 0
    transactions: int = 0
    transaction_failures: int = 0


def _worse(before_hits: int, before_total: int, after_hits: int, after_total: int) -> bool:
    before = before_hits / before_total if before_total else 0.0
    after = after_hits / after_total
    return after > before * RELATIVE_MARGIN and after > before + ABSOLUTE_MARGIN


def verdict(before: Rates, after: Rates, min_volume: int) -> tuple[str, str]:
    """(CONTINUE | WAIT | HALT, what rose): halt when the sign-in or the transaction failure
    rate after the update is higher than before; wait while either window is too thin."""
    enough_signins = min(before.signins, after.signins) >= min_volume
    enough_txns = min(before.transactions, after.transactions) >= min_volume
    if enough_signins and _worse(
        before.signin_failures, before.signins, after.signin_failures, after.signins
    ):
        return HALT, "signin"
    if enough_txns and _worse(
        before.transaction_failures,
        before.transactions,
        after.transaction_failures,
        after.transactions,
    ):
        return HALT, "transactions"
    if not (enough_signins or enough_txns):
        return WAIT, ""
    return CONTINUE, ""
