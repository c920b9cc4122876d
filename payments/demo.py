"""Demo transactions: eight weeks of history (across National Day 2026) for a few hundred
merchants, with a realistic decline-code mix, voids, refunds, reversals, a few double charges,
payouts (one held by risk control, one failed on a wrong account) and a maintenance window.

The records go through the real ingestion pipeline, so the demo exercises it too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.calendar import working_calendar
from core.money import yuan
from core.types import DemoLog
from merchants.models import Merchant
from payments.ingest import ALL_COLUMNS, ingest
from payments.models import MaintenanceWindow, Payout, SettlementTerms, Transaction
from payments.settlement import Cycle, settlement_eta
from payments.synthetic import DECLINE_MIX, masked_pan
from terminals.models import Terminal

ORDER = 20
MERCHANTS = 300
DAYS = 56
CST = dt.timezone(dt.timedelta(hours=8))
# Why risk control holds the demo merchant's payout: poscare's words, kept in both languages.
HELD_NOTE = gettext_lazy("大额集中交易，待商户补充交易材料")


def _record(**values: str) -> list[str]:
    return [values.get(column, "") for column in ALL_COLUMNS]


# size: the demo's transactions and payouts, one pass; runs once per demo database
def load(rng: random.Random, log: DemoLog) -> None:
    demo_users = list(
        Merchant.objects.filter(members__isnull=False).distinct().values_list("pk", flat=True)
    )
    others = list(
        Merchant.objects.filter(status="active")
        .exclude(pk__in=demo_users)
        .order_by("merchant_id")
        .values_list("pk", flat=True)
    )
    chosen = set(demo_users) | set(
        rng.sample(others, min(MERCHANTS - len(demo_users), len(others)))
    )
    terminals: dict[int, list[Terminal]] = defaultdict(list)
    for terminal in Terminal.objects.filter(merchant_id__in=chosen, status="active").select_related(
        "merchant"
    ):
        terminals[terminal.merchant_id].append(terminal)
    merchants = {m.pk: m for m in Merchant.objects.filter(pk__in=terminals)}
    for merchant in merchants.values():
        if merchant.settlement_cycle == "S0":
            SettlementTerms.objects.get_or_create(merchant=merchant)

    today = timezone.localdate()
    start = today - dt.timedelta(days=DAYS)
    codes, weights = zip(*DECLINE_MIX, strict=True)
    records: list[tuple[int, list[str]]] = []
    stan: dict[str, int] = defaultdict(int)
    duplicates_planted = 0
    row = 0

    def add(values: list[str]) -> None:
        nonlocal row
        row += 1
        records.append((row, values))

    for pk in sorted(terminals):
        merchant = merchants[pk]
        busy = rng.choice([4, 6, 8, 12, 20])
        for offset in range(DAYS + 1):
            day = start + dt.timedelta(days=offset)
            if day > today:
                break
            for terminal in terminals[pk]:
                count = max(0, int(rng.gauss(busy, busy / 3)))
                if day == today:
                    now_hour = timezone.localtime().hour
                    count = count * max(now_hour - 8, 0) // 14
                for _ in range(count):
                    stan[terminal.terminal_id] += 1
                    hour = min(int(rng.triangular(8, 23.4, 19)), 23)
                    moment = dt.datetime.combine(
                        day, dt.time(hour, rng.randrange(60), rng.randrange(60)), CST
                    )
                    if moment > timezone.now():
                        continue
                    approved = rng.random() < 0.93
                    code = "00" if approved else rng.choices(codes, weights)[0]
                    mode = rng.choice(["chip", "contactless", "contactless", "swipe", "qr"])
                    pan = "" if mode == "qr" else masked_pan(rng)
                    amount = rng.choice(
                        [
                            rng.randint(300, 5000),
                            rng.randint(2000, 30000),
                            rng.randint(10000, 200000),
                        ]
                    )
                    rrn = f"{moment:%y%m%d}{stan[terminal.terminal_id] % 10**6:06d}"
                    auth = f"{rng.randrange(16**6):06X}" if approved else ""
                    base = dict(
                        merchant_id=merchant.merchant_id,
                        terminal_id=terminal.terminal_id,
                        currency="CNY",
                        pan=pan,
                        entry_mode=mode,
                        batch_no=f"{offset + 1:06d}",
                    )
                    add(
                        _record(
                            **base,
                            txn_type="qr_payment" if mode == "qr" else "sale",
                            amount=yuan(amount, grouping=False),
                            local_time=moment.isoformat(),
                            stan=f"{stan[terminal.terminal_id] % 10**6:06d}",
                            rrn=rrn,
                            auth_code=auth,
                            response_code=code,
                        )
                    )
                    if not approved:
                        continue
                    roll = rng.random()
                    if roll < 0.012:  # voided a few minutes later, same batch
                        stan[terminal.terminal_id] += 1
                        later = moment + dt.timedelta(minutes=rng.randint(1, 20))
                        add(
                            _record(
                                **base,
                                txn_type="void",
                                amount=yuan(amount, grouping=False),
                                local_time=later.isoformat(),
                                stan=f"{stan[terminal.terminal_id] % 10**6:06d}",
                                rrn=f"{later:%y%m%d}{stan[terminal.terminal_id] % 10**6:06d}",
                                auth_code=auth,
                                response_code="00",
                                orig_rrn=rrn,
                            )
                        )
                    elif roll < 0.016:  # reversed by the terminal (timeout)
                        add(
                            _record(
                                **base,
                                txn_type="reversal",
                                amount=yuan(amount, grouping=False),
                                local_time=(moment + dt.timedelta(seconds=40)).isoformat(),
                                stan=f"{stan[terminal.terminal_id] % 10**6:06d}",
                                response_code="00",
                            )
                        )
                    elif roll < 0.02 and day < today - dt.timedelta(days=2):  # refund days later
                        stan[terminal.terminal_id] += 1
                        later = moment + dt.timedelta(days=rng.randint(1, 2), hours=1)
                        add(
                            _record(
                                **{**base, "batch_no": f"{offset + 2:06d}"},
                                txn_type="refund",
                                amount=yuan(amount, grouping=False),
                                local_time=later.isoformat(),
                                stan=f"{stan[terminal.terminal_id] % 10**6:06d}",
                                rrn=f"{later:%y%m%d}{stan[terminal.terminal_id] % 10**6:06d}",
                                auth_code=f"{rng.randrange(16**6):06X}",
                                response_code="00",
                                orig_rrn=rrn,
                            )
                        )
                    elif (
                        pan
                        and duplicates_planted < 12
                        and roll < 0.03
                        and (pk in demo_users or rng.random() < 0.05)
                    ):
                        # The cashier pressed again: same card, same amount, a minute later.
                        duplicates_planted += 1
                        stan[terminal.terminal_id] += 1
                        again = moment + dt.timedelta(seconds=rng.randint(20, 150))
                        add(
                            _record(
                                **base,
                                txn_type="sale",
                                amount=yuan(amount, grouping=False),
                                local_time=again.isoformat(),
                                stan=f"{stan[terminal.terminal_id] % 10**6:06d}",
                                rrn=f"{again:%y%m%d}{stan[terminal.terminal_id] % 10**6:06d}",
                                auth_code=f"{rng.randrange(16**6):06X}",
                                response_code="00",
                            )
                        )
    # Original sales must be stored before the voids/refunds that name them.
    result = ingest(iter(records), source="demo")
    log(
        f"  {result.created} transactions for {len(merchants)} merchants "
        f"({result.linked} voids/refunds/reversals linked, {duplicates_planted} double charges)"
    )
    _payouts(merchants, today, rng, log)
    MaintenanceWindow.objects.create(
        starts_at=dt.datetime.combine(today + dt.timedelta(days=5), dt.time(1, 0), CST),
        ends_at=dt.datetime.combine(today + dt.timedelta(days=5), dt.time(5, 0), CST),
        description_zh="清算系统升级，当日付款可能推迟到上午 9 点后",
        description_en="Clearing system upgrade; that day's payouts may run after 9 a.m.",
    )


def _payouts(
    merchants: dict[int, Merchant], today: dt.date, rng: random.Random, log: DemoLog
) -> None:
    calendar = working_calendar()
    days = (
        Transaction.objects.credits()
        .filter(merchant_id__in=merchants)
        .values("merchant_id", "settlement_date")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by("merchant_id", "settlement_date")
    )
    grouped: dict[tuple[int, dt.date], list[dict[str, Any]]] = defaultdict(list)
    for day in days:
        merchant = merchants[day["merchant_id"]]
        cycle = Cycle(merchant.settlement_cycle)
        if cycle is Cycle.S0:
            cycle = Cycle.T1  # the demo pays S0 merchants' takings as one daily batch
        at = dt.datetime.combine(day["settlement_date"], dt.time(12), CST)
        payout_date = settlement_eta(at, cycle, calendar).payout_date
        grouped[(merchant.pk, payout_date)].append(dict(day))
    payouts = []
    for (merchant_pk, payout_date), parts in grouped.items():
        payouts.append(
            Payout(
                merchant_id=merchant_pk,
                payout_date=payout_date,
                period_start=min(p["settlement_date"] for p in parts),
                period_end=max(p["settlement_date"] for p in parts),
                amount=sum(p["total"] for p in parts),
                txn_count=sum(p["n"] for p in parts),
                status="paid" if payout_date < today else "scheduled",
                bank_reference=f"{payout_date:%Y%m%d}{rng.randrange(10**8):08d}"
                if payout_date < today
                else "",
            )
        )
    Payout.objects.bulk_create(payouts, batch_size=1000)
    # One merchant of the demo user "merchant" has its latest payout held by risk control,
    # another merchant's failed on a wrong account.
    owned = list(
        Merchant.objects.filter(members__username="merchant", pk__in=merchants).order_by(
            "merchant_id"
        )
    )
    recent = Payout.objects.filter(payout_date__lt=today).order_by("-payout_date")
    if owned:
        held = recent.filter(merchant=owned[-1]).first()
        if held:
            held.record_problem("held", "risk_hold", note=HELD_NOTE)
    failed = recent.exclude(merchant__in=owned).first()
    if failed:
        # The receiving bank's return message, as banks send it: data, shown as the bank's.
        failed.record_problem("failed", "wrong_account", bank_note="收款行退票：户名与账号不符")
    log(f"  {len(payouts)} payouts (one held by risk control, one failed)")
