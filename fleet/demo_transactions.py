"""The fleet demo's planted transaction situations, fed through the payments ingestion:

* a merchant (the `merchant2` user's) with a steady 40 sales a day on the same weekday for
  four weeks and, in the last 24 hours, a refund spike (14 refunds in 40);
* one city where, in the last 90 minutes, eight terminals of several merchants fail most
  transactions with 96 (a system fault) — the outage detector proposes one incident.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.utils import timezone

from core.types import DemoLog
from merchants.models import Merchant
from payments.ingest import ALL_COLUMNS, ingest
from payments.synthetic import masked_pan
from terminals.models import Terminal


class _Records:
    def __init__(self, rng: random.Random) -> None:
        self.rng, self.seq = rng, 0
        self.rows: list[tuple[int, list[str]]] = []

    def add(self, terminal: Terminal, moment: dt.datetime, txn_type: str, code: str) -> None:
        self.seq += 1
        values = {
            "merchant_id": terminal.merchant.merchant_id,
            "terminal_id": terminal.terminal_id,
            "txn_type": txn_type,
            "amount": f"{self.rng.randint(1000, 30000) / 100:.2f}",
            "currency": "CNY",
            "pan": masked_pan(self.rng),
            "entry_mode": "chip",
            # The merchant's local time: its date is the transaction date (partition key).
            "local_time": timezone.localtime(moment).isoformat(),
            "stan": f"{self.seq % 10**6:06d}",
            "batch_no": "900001",
            "rrn": f"9{timezone.localtime(moment):%m%d}{self.seq:07d}",
            "auth_code": "A1B2C3" if code == "00" else "",
            "response_code": code,
        }
        self.rows.append((len(self.rows) + 1, [values.get(c, "") for c in ALL_COLUMNS]))


def _refund_spike(records: _Records, now: dt.datetime) -> str:
    merchant = (
        Merchant.objects.filter(members__username="merchant2", terminals__status="active")
        .distinct()
        .first()
    )
    if merchant is None:
        return ""
    terminal = merchant.terminals.filter(status="active").select_related("merchant").first()
    if terminal is None:
        return ""
    for week in range(5):
        end = now - dt.timedelta(weeks=week)
        refunds = 14 if week == 0 else 1
        for n in range(40):
            moment = end - dt.timedelta(minutes=30 * n + 7)
            records.add(terminal, moment, "refund" if n < refunds else "sale", "00")
    return merchant.merchant_id


def _region_96(records: _Records, now: dt.datetime) -> str:
    # Not at the demo users' merchants: their terminals carry the other planted faults, whose
    # diagnosis should not be the outage.
    active = (
        Terminal.objects.filter(status="active")
        .exclude(merchant__members__username__in=("merchant", "merchant2", "merchant3"))
        .select_related("merchant")
    )
    cities = Counter(t.merchant.region_code[:4] for t in active)
    city = next(c for c, _n in cities.most_common() if c)
    chosen: list[Terminal] = []
    merchants: set[int] = set()
    # From the end of the list: the planted terminal faults sit at its start (fleet.demo).
    in_city = active.filter(merchant__region_code__startswith=city)
    for terminal in in_city.order_by("-terminal_id"):
        if len(chosen) >= 8:
            break
        if terminal.merchant_id in merchants and len(merchants) < 4:
            continue
        chosen.append(terminal)
        merchants.add(terminal.merchant_id)
    for index, terminal in enumerate(chosen):
        for n in range(8):
            moment = now - dt.timedelta(minutes=10 * n + index + 3)
            records.add(terminal, moment, "sale", "96" if n < 6 else "00")
    return city


def plant(rng: random.Random, log: DemoLog) -> None:
    now = timezone.now()
    records = _Records(rng)
    merchant_id = _refund_spike(records, now)
    city = _region_96(records, now)
    result = ingest(records.rows, source="demo")
    log(f"  planted: refund spike at {merchant_id}, 96 spike in {city}xx ({result.kept} txns)")
