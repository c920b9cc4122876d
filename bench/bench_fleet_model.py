"""The failure model against "oldest terminals first" on a later period (no database).

8,000 terminals of 16 models live through 280 days of the documented wear process
(`fleet/wear.py`). The model (scikit-learn gradient boosting on `fleet/features.py`) is
trained on snapshots taken on days 60, 90, 120 and 150 — label: a failure within the next
30 days — and evaluated on day 240, a later period it never saw (its 30-day label window
ends on day 270). Reported: precision among the top 100 by predicted risk, and among the
100 oldest terminals; the goal is at least twice the baseline.

    .venv/bin/python bench/bench_fleet_model.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import write_result  # noqa: E402

from fleet import wear  # noqa: E402
from fleet.features import DayReading, features  # noqa: E402

TERMINALS, DAYS, HORIZON, MODELS = 8_000, 280, 30, 16
TRAIN_DAYS = (60, 90, 120, 150)
TEST_DAY = 240
TOP = 100


def simulate(seed: int = 2026) -> tuple[list, list, list]:
    rng = random.Random(seed)
    factors = [rng.uniform(0.5, 2.0) for _ in range(MODELS)]
    models = [rng.randrange(MODELS) for _ in range(TERMINALS)]
    units = [wear.new_unit(rng, rng.randint(30, 5 * 365), factors[m]) for m in models]
    readings: list[list[DayReading]] = [[] for _ in units]
    failures: list[list[int]] = [[] for _ in units]
    counters: list[dict[int, tuple[int, int, int]]] = [{} for _ in units]
    snapshot_days = {*TRAIN_DAYS, TEST_DAY}
    for day in range(DAYS):
        for index, unit in enumerate(units):
            if day in snapshot_days:
                counters[index][day] = (unit.age_days, unit.battery_cycles, unit.print_count)
            r = wear.step(unit, rng, day)
            readings[index].append(
                DayReading(
                    r["chip_errors"] + r["swipe_errors"] + r["contactless_errors"],
                    r["reboots"],
                    r["battery_pct"],
                    r["printer"] == "overheat",
                )
            )
            if r["failed"]:
                failures[index].append(day)
    # The model's repair rate as the fleet's history shows it (failures before day 60).
    seen = [0] * MODELS
    count = [0] * MODELS
    for index, m in enumerate(models):
        count[m] += 1
        seen[m] += sum(1 for d in failures[index] if d < TRAIN_DAYS[0])
    rates = [seen[m] / max(count[m], 1) for m in range(MODELS)]
    return [rates[m] for m in models], readings, [failures, counters]


def rows(day: int, model_rates, readings, history) -> tuple[list, list, list]:
    failures, counters = history
    x, y, ages = [], [], []
    for index in range(TERMINALS):
        age, cycles, prints = counters[index][day]
        past = sum(1 for d in failures[index] if d < day)
        x.append(
            features(age, model_rates[index], cycles, prints, readings[index][day - 28 : day], past)
        )
        y.append(int(any(day <= d < day + HORIZON for d in failures[index])))
        ages.append(age)
    return x, y, ages


def main() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    started = time.perf_counter()
    model_rates, readings, history = simulate()
    simulated = time.perf_counter() - started
    train_x, train_y = [], []
    for day in TRAIN_DAYS:
        x, y, _ages = rows(day, model_rates, readings, history)
        train_x += x
        train_y += y
    test_x, test_y, ages = rows(TEST_DAY, model_rates, readings, history)
    fitted = time.perf_counter()
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, random_state=0)
    model.fit(train_x, train_y)
    fit_seconds = time.perf_counter() - fitted
    risk = model.predict_proba(test_x)[:, 1]
    by_risk = sorted(range(TERMINALS), key=lambda i: -risk[i])[:TOP]
    oldest = sorted(range(TERMINALS), key=lambda i: -ages[i])[:TOP]
    model_precision = sum(test_y[i] for i in by_risk) / TOP
    oldest_precision = sum(test_y[i] for i in oldest) / TOP
    write_result(
        "fleet_model",
        {
            "terminals": TERMINALS,
            "train_snapshots": list(TRAIN_DAYS),
            "test_snapshot": TEST_DAY,
            "horizon_days": HORIZON,
            "train_positive_rate": round(sum(train_y) / len(train_y), 4),
            "test_positive_rate": round(sum(test_y) / len(test_y), 4),
            "precision_top100_model": model_precision,
            "precision_top100_oldest_first": oldest_precision,
            "ratio": round(model_precision / oldest_precision, 2) if oldest_precision else None,
            "goal_ratio": 2.0,
            "simulate_seconds": round(simulated, 1),
            "fit_seconds": round(fit_seconds, 1),
        },
    )


if __name__ == "__main__":
    main()
