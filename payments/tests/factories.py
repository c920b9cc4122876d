"""Factories for payments tests (the shared ones live in tests/factories.py)."""

from __future__ import annotations

import datetime as dt

import factory

from payments.models import Payout, Transaction
from tests.factories import TerminalFactory

CST = dt.timezone(dt.timedelta(hours=8))


class TransactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transaction

    terminal = factory.SubFactory(TerminalFactory)
    merchant = factory.LazyAttribute(lambda o: o.terminal.merchant)
    txn_type = "sale"
    amount = 12345
    currency = "CNY"
    pan_masked = "622202*********0123"
    card_last4 = "0123"
    card_brand = "unionpay"
    entry_mode = "chip"
    local_time = dt.datetime(2025, 9, 30, 14, 0, tzinfo=CST)
    txn_date = factory.LazyAttribute(lambda o: o.local_time.astimezone(CST).date())
    settlement_date = factory.LazyAttribute(lambda o: o.txn_date)
    stan = factory.Sequence(lambda n: f"{n % 999999 + 1:06d}")
    batch_no = "000007"
    rrn = factory.Sequence(lambda n: f"{n:012d}")
    auth_code = "A1B2C3"
    response_code = "00"
    status = factory.LazyAttribute(lambda o: "approved" if o.response_code == "00" else "declined")
    source = "file"


class PayoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payout

    payout_date = dt.date(2025, 10, 9)
    period_start = dt.date(2025, 9, 30)
    period_end = dt.date(2025, 9, 30)
    amount = 12345
    txn_count = 1
    status = "paid"
