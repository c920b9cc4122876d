"""Realistic synthetic transaction files: for the benchmark, the scale test and the demo.

Pure Python. `generate_rows` yields canonical CSV rows (lists in `COLUMNS` order) for the given
terminals, with a realistic mix of response codes, and can plant bad rows (each kind of bad
input the issue names) and full card numbers at chosen positions.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.masking import luhn_valid
from core.money import yuan

CST = dt.timezone(dt.timedelta(hours=8))

# Response codes as they show up at a Chinese retail POS: mostly approvals, then 51, 55, …
DECLINE_MIX: list[tuple[str, int]] = [
    ("51", 30),
    ("55", 22),
    ("61", 8),
    ("05", 7),
    ("54", 6),
    ("14", 5),
    ("96", 5),
    ("68", 4),
    ("A0", 3),
    ("75", 3),
    ("57", 2),
    ("91", 2),
    ("12", 1),
    ("41", 1),
]
APPROVAL_RATE = 0.93
BAD_KINDS = ("amount", "response_code", "local_time", "foreign_terminal", "stan", "pan")


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    for digit in "0123456789":
        if luhn_valid(body + digit):
            return body + digit
    raise AssertionError("unreachable")


def masked_pan(rng: random.Random) -> str:
    bins = ["622202", "622848", "621700", "625807", "436742", "518710"]
    return f"{rng.choice(bins)}*********{rng.randrange(10000):04d}"


@dataclass
class Plan:
    """Where the planted problems are (row numbers as a spreadsheet shows them)."""

    bad_rows: dict[int, str] = field(default_factory=dict)
    full_pans: list[str] = field(default_factory=list)


def generate_rows(
    count: int,
    terminals: Sequence[tuple[str, str]],
    *,
    seed: int = 1,
    start: dt.datetime = dt.datetime(2025, 9, 1, 8, 0, tzinfo=CST),
    days: int = 30,
    bad_rows: int = 0,
    full_pans: int = 0,
    plan: Plan | None = None,
) -> Iterator[list[str]]:
    """`terminals` is a list of (terminal_id, merchant_id). Row i (0-based) is file row i+2."""
    rng = random.Random(seed)
    plan = plan if plan is not None else Plan()
    bad_at = set(rng.sample(range(count), bad_rows)) if bad_rows else set()
    free = [i for i in range(count) if i not in bad_at] if full_pans else []
    pan_at = set(rng.sample(free, full_pans)) if full_pans else set()
    codes, weights = zip(*DECLINE_MIX, strict=True)
    span = days * 86400
    stans: dict[str, int] = {}
    for index in range(count):
        terminal_id, merchant_id = terminals[index % len(terminals)]
        seconds = int(span * index / max(count, 1))
        moment = start + dt.timedelta(seconds=seconds + rng.randrange(60))
        stan = stans[terminal_id] = stans.get(terminal_id, 0) % 999999 + 1
        approved = rng.random() < APPROVAL_RATE
        code = "00" if approved else rng.choices(codes, weights)[0]
        mode = rng.choice(("chip", "chip", "contactless", "contactless", "swipe", "qr"))
        txn_type = "qr_payment" if mode == "qr" else "sale"
        pan = "" if mode == "qr" else masked_pan(rng)
        if index in pan_at:
            pan = luhn_complete(
                rng.choice(["622202", "621700", "436742"]), 19 if rng.random() < 0.5 else 16, rng
            )
            plan.full_pans.append(pan)
        amount = rng.choice(
            [rng.randint(100, 9999), rng.randint(1000, 60000), rng.randint(10000, 500000)]
        )
        values = [
            merchant_id,
            terminal_id,
            txn_type,
            yuan(amount, grouping=False),
            "CNY",
            pan,
            mode,
            moment.isoformat(),
            f"{stan:06d}",
            f"{1 + (moment.date() - start.date()).days:06d}",
            f"{moment:%m%d%H}{index % 1000000:06d}",
            f"{rng.randrange(16**6):06X}" if approved else "",
            code,
        ]
        if index in bad_at:
            kind = BAD_KINDS[len(plan.bad_rows) % len(BAD_KINDS)]
            plan.bad_rows[index + 2] = kind
            if kind == "amount":
                values[3] = "12,3a"
            elif kind == "response_code":
                values[12] = "Q9"
            elif kind == "local_time":
                values[7] = moment.replace(year=9999).isoformat()  # no real year
            elif kind == "foreign_terminal":
                other = (
                    next(t for t in terminals if t[1] != merchant_id)
                    if len({t[1] for t in terminals}) > 1
                    else ("ZZZZZZZZ", merchant_id)
                )
                values[1] = other[0]
            elif kind == "stan":
                values[8] = "12A"
            else:
                values[5] = "62220212345"  # 11 digits: neither a full nor a masked number
        yield values


def write_csv(path: Path, rows: Iterator[list[str]]) -> int:
    from payments.ingest import COLUMNS

    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for values in rows:
            writer.writerow(values)
            count += 1
    return count
