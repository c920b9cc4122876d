"""The documented wear-and-failure process behind the demo fleet (and the failure model's
benchmark): what a terminal's daily telemetry looks like as it ages, and how a developing
fault shows before the terminal fails. Pure Python, seeded, no Django.

The process, per terminal and day:

* the battery is charged once a day (one cycle); its capacity falls by `battery_decay` per
  cycle; the lowest charge of the day is the capacity minus the day's drain;
* receipts: Poisson(`prints_per_day`); the card reader reports a few errors a day
  (Poisson 0.3), the terminal rarely reboots (Poisson 0.05), the signal wanders around
  -75 dBm, storage shrinks slowly;
* a fault starts on an onset day with a daily hazard that grows with age and with the model's
  repair factor; it develops for `FAULT_DAYS` days, during which its precursor grows
  (reader errors for a reader fault, reboots for a board fault, a faster-falling battery for a
  battery fault, overheating for a printer-head fault) and then the terminal fails.

So failures are partly predictable from age (the hazard) and much better from the trends of
the last weeks, which is what the failure model is meant to learn.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

FAULT_KINDS = ("reader", "board", "battery", "printer_head")
FAULT_DAYS = 28
BASE_HAZARD = 0.0006  # per day, for a new terminal of an average model


@dataclass
class Unit:
    """The hidden state of one simulated terminal."""

    age_days: int
    model_factor: float
    prints_per_day: float
    battery_decay: float = 0.02
    battery_cycles: int = 0
    print_count: int = 0
    free_storage_mb: float = 2048.0
    fault: str = ""
    fault_day: int = 0  # days since onset
    failed_on: int | None = None  # simulation day of the failure
    history: list[int] = field(default_factory=list)  # days of past failures

    def hazard(self) -> float:
        years = self.age_days / 365
        return BASE_HAZARD * self.model_factor * math.exp(0.45 * years)


def new_unit(rng: random.Random, age_days: int, model_factor: float) -> Unit:
    cycles = int(age_days * rng.uniform(0.6, 1.0))
    prints = rng.uniform(20, 160)
    return Unit(
        age_days=age_days,
        model_factor=model_factor,
        prints_per_day=prints,
        battery_decay=rng.uniform(0.012, 0.03),
        battery_cycles=cycles,
        print_count=int(age_days * prints * rng.uniform(0.7, 1.0)),
        free_storage_mb=rng.uniform(600, 4000),
    )


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: small means only, which is all this process uses.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def step(unit: Unit, rng: random.Random, day: int) -> dict:
    """Advance one day; returns the day's readings (record fields) and `failed` when the
    developing fault ends in a failure today."""
    unit.age_days += 1
    unit.battery_cycles += 1
    failed = False
    if not unit.fault and rng.random() < unit.hazard():
        unit.fault, unit.fault_day = rng.choice(FAULT_KINDS), 0
    progress = 0.0
    if unit.fault:
        unit.fault_day += 1
        progress = unit.fault_day / FAULT_DAYS
        if unit.fault_day >= FAULT_DAYS:
            failed = True
            unit.history.append(day)
            unit.failed_on = day
    decay = unit.battery_decay * (4 if unit.fault == "battery" else 1)
    capacity = max(5.0, 100 - unit.battery_cycles * decay / 10)
    drain = rng.uniform(15, 35)
    prints = _poisson(rng, min(unit.prints_per_day, 60)) + int(unit.prints_per_day) // 2
    unit.print_count += prints
    unit.free_storage_mb = max(20.0, unit.free_storage_mb - rng.uniform(0, 3))
    reader_extra = 6 * progress if unit.fault == "reader" else 0
    reboot_extra = 2.5 * progress if unit.fault == "board" else 0
    overheated = unit.fault == "printer_head" and rng.random() < progress
    readings = {
        "battery_pct": int(max(1, min(100, capacity - drain))),
        "battery_cycles": unit.battery_cycles,
        "temperature_c": round(rng.uniform(28, 38) + (12 * progress if overheated else 0), 1),
        "signal_dbm": int(rng.gauss(-75, 6)),
        "printer": "overheat" if overheated else "ok",
        "print_count": unit.print_count,
        "chip_errors": _poisson(rng, 0.2 + reader_extra),
        "swipe_errors": _poisson(rng, 0.05 + reader_extra / 3),
        "contactless_errors": _poisson(rng, 0.05 + reader_extra / 3),
        "reboots": _poisson(rng, 0.05 + reboot_extra),
        "free_storage_mb": int(unit.free_storage_mb),
        "failed": failed,
        "failed_part": unit.fault if failed else "",
    }
    if failed:  # repaired: the part is replaced, the fault is gone
        if unit.fault == "battery":
            unit.battery_cycles = 0
        unit.fault, unit.fault_day = "", 0
    return readings
