"""The documented wear process and the failure model's features (pure)."""

from __future__ import annotations

import random

from fleet import wear
from fleet.features import NAMES, DayReading, features


def test_a_developing_reader_fault_shows_before_the_failure():
    rng = random.Random(7)
    unit = wear.new_unit(rng, age_days=900, model_factor=1.0)
    unit.fault, unit.fault_day = "reader", 0
    days = [wear.step(unit, rng, day) for day in range(wear.FAULT_DAYS)]
    assert days[-1]["failed"] and unit.fault == ""
    early = sum(d["chip_errors"] for d in days[:7])
    late = sum(d["chip_errors"] for d in days[-7:])
    assert late > 2 * max(early, 1)


def test_older_terminals_and_worse_models_fail_more_often():
    rng = random.Random(1)
    young = wear.new_unit(rng, age_days=60, model_factor=1.0)
    old = wear.new_unit(rng, age_days=1500, model_factor=1.0)
    worse = wear.new_unit(rng, age_days=60, model_factor=2.0)
    assert old.hazard() > young.hazard() and worse.hazard() > young.hazard()


def test_features_see_the_trend_of_the_last_two_weeks():
    quiet = [DayReading(0, 0, 60, False)] * 14
    rising = [DayReading(8, 2, 40, True)] * 14
    row = dict(zip(NAMES, features(730, 0.1, 900, 150_000, quiet + rising, 1), strict=True))
    assert row["age_years"] == 2 and row["reader_trend"] == 8 and row["reboots_trend"] == 2
    assert row["battery_low_trend"] == -20 and row["overheat_days"] == 14
    assert row["past_failures"] == 1
