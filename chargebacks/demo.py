"""Demo cases: a chargeback waiting for the `merchant` user's evidence, and a retrieval
request already answered and withdrawn."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.types import DemoLog

ORDER = 60


def load(rng: random.Random, log: DemoLog) -> None:
    from accounts.models import User
    from chargebacks.services import decide, open_case
    from payments.models import Transaction

    agent = User.objects.filter(username="agent").first()
    owner = User.objects.filter(username="merchant").first()
    merchant = owner.merchants.order_by("merchant_id").first() if owner else None
    if agent is None or merchant is None:
        return
    sales = Transaction.objects.filter(merchant=merchant, status="approved", txn_type="sale")
    picked = list(sales.exclude(rrn=None).order_by("-local_time")[:2])
    if len(picked) < 2:
        return
    open_case(
        "chargeback",
        merchant,
        by=agent,
        transaction_row=picked[0],
        reason_code="not_received",
        description="发卡行通知：持卡人称未收到商品。",
    )
    retrieval = open_case(
        "retrieval", merchant, by=agent, transaction_row=picked[1], reason_code="retrieval"
    )
    decide(retrieval, "won", by=agent, note="已提供签购单，发卡行撤销调单。")
    log("  2 chargeback cases")
