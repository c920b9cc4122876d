"""Each transaction explained in words a merchant understands."""

from __future__ import annotations

import datetime as dt

import pytest

from payments.services import explain_transaction
from payments.tests.factories import CST, TransactionFactory

pytestmark = pytest.mark.django_db


def test_declined_51_says_what_to_do_and_that_nothing_was_charged(terminal_a):
    txn = TransactionFactory(terminal=terminal_a, response_code="51", auth_code="")
    assert explain_transaction(txn, "en") == (
        "declined, 51: insufficient funds on the customer's card — ask for another card; "
        "nothing was charged"
    )
    assert explain_transaction(txn, "zh-hans").startswith("失败，51：顾客卡内余额不足")


def test_approved_sale_names_the_payout_date(terminal_a):
    txn = TransactionFactory(
        terminal=terminal_a, local_time=dt.datetime(2025, 9, 30, 14, tzinfo=CST)
    )
    text = explain_transaction(txn, "en")
    assert text.startswith("approved, 00: sale of CNY 123.45") and "2025-10-09 (T+1)" in text


def test_voided_reversed_refunded_and_unknown_codes(terminal_a):
    assert "not charged" in explain_transaction(
        TransactionFactory(terminal=terminal_a, status="voided"), "en"
    )
    assert "automatically" in explain_transaction(
        TransactionFactory(terminal=terminal_a, status="reversed"), "en"
    )
    assert "back to the customer" in explain_transaction(
        TransactionFactory(terminal=terminal_a, status="refunded"), "en"
    )
    unknown = TransactionFactory(terminal=terminal_a, response_code="Z7", status="declined")
    assert "交易失败" in explain_transaction(unknown, "en")
