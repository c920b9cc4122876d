"""Features of the failure model: what a terminal's last weeks of telemetry and its history
say about the risk of a failure in the next 30 days. Pure Python (no Django), shared by the
training command, the scoring and the benchmark.

A terminal is described by its age, its model's repair rate, its counters (battery cycles,
receipts printed) and the trends of the last two weeks against the two before (card-reader
errors, reboots, the daily battery low, overheating) — the precursors `fleet/wear.py`
documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

NAMES = (
    "age_years",
    "model_repair_rate",
    "battery_kcycles",
    "prints_100k",
    "reader_recent",
    "reader_trend",
    "reboots_recent",
    "reboots_trend",
    "battery_low_trend",
    "overheat_days",
    "past_failures",
)


@dataclass(frozen=True)
class DayReading:
    reader_errors: int
    reboots: int
    battery_min: float
    overheated: bool


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def features(
    age_days: int,
    model_repair_rate: float,
    battery_cycles: int,
    print_count: int,
    days: Sequence[DayReading],
    past_failures: int = 0,
) -> list[float]:
    """One row of the model's input, in NAMES order; `days` oldest first (28 is ideal)."""
    recent, before = days[-14:], days[-28:-14]
    reader_recent = _mean([d.reader_errors for d in recent])
    reboots_recent = _mean([d.reboots for d in recent])
    low_recent = _mean([d.battery_min for d in recent])
    return [
        age_days / 365,
        model_repair_rate,
        battery_cycles / 1000,
        print_count / 100_000,
        reader_recent,
        reader_recent - _mean([d.reader_errors for d in before]),
        reboots_recent,
        reboots_recent - _mean([d.reboots for d in before]),
        (low_recent - _mean([d.battery_min for d in before])) if before else 0.0,
        float(sum(d.overheated for d in recent)),
        float(past_failures),
    ]
