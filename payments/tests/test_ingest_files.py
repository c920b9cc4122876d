"""Transaction files: CSV and JSON Lines, bad rows, masking, idempotency, encodings."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import pytest

from core.tabular import TabularError
from payments.ingest import SourceError, ingest_file
from payments.models import Transaction
from payments.synthetic import Plan, generate_rows
from payments.tests.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db

FULL_PAN = "6222021234567890123"


def run(data: bytes, name: str = "txns.csv", **options):
    return ingest_file(name, io.BytesIO(data), **options)


def test_good_rows_are_stored_with_the_card_number_masked(terminal_a, caplog):
    caplog.set_level(logging.DEBUG)
    result = run(
        csv_bytes(
            [row(), row(stan="124", rrn="093014000124", pan="", entry_mode="qr", txn_type="扫码")]
        )
    )
    assert (result.created, result.error_rows, result.masked_pans) == (2, 0, 1)
    sale = Transaction.objects.get(stan="000123")
    assert sale.pan_masked == "622202*********0123"
    assert sale.card_last4 == "0123" and sale.card_brand == "unionpay"
    assert sale.amount == 12345 and sale.status == "approved"
    assert sale.merchant == terminal_a.merchant and sale.txn_date.isoformat() == "2025-09-30"
    assert Transaction.objects.get(stan="000124").txn_type == "qr_payment"
    assert FULL_PAN not in caplog.text


def test_bad_rows_are_reported_and_the_rest_is_kept(terminal_a, terminal_b):
    rows = [
        row(stan="1", rrn="000000000001"),
        row(stan="2", rrn="000000000002", amount="12,3a"),
        row(stan="3", rrn="000000000003", response_code="Q9"),
        row(stan="4", rrn="000000000004", local_time="9999-12-31T23:59:59+08:00"),
        row(stan="5", rrn="000000000005", terminal_id=terminal_b.terminal_id),
        row(stan="6", rrn="000000000006"),
    ]
    result = run(csv_bytes(rows))
    assert result.created == 2
    problems = {(e.row, e.column) for e in result.errors}
    assert problems == {(3, "amount"), (4, "response_code"), (5, "local_time"), (6, "terminal_id")}
    amount_error = next(e for e in result.errors if e.column == "amount")
    assert amount_error.value == "12,3a"
    assert "12,3a" in amount_error.zh and "two decimals" in amount_error.en
    year_error = next(e for e in result.errors if e.column == "local_time")
    assert "2000–2099" in year_error.zh and "2000–2099" in year_error.en
    foreign = next(e for e in result.errors if e.column == "terminal_id")
    assert "does not belong" in foreign.en


def test_a_second_import_adds_nothing(terminal_a):
    data = csv_bytes([row(stan=str(n), rrn=f"{n:012d}") for n in range(1, 30)])
    first, second = run(data), run(data)
    assert first.created == 29
    assert (second.created, second.duplicates) == (0, 29)
    assert Transaction.objects.count() == 29


def test_scaled_down_done_when_check(terminal_a, terminal_b, caplog):
    """The issue's 100,000-row check at 1/50 scale: 2,000 rows, 5 bad, 20 full card numbers
    (the benchmark runs the full size)."""
    caplog.set_level(logging.DEBUG)
    plan = Plan()
    terminals = [
        (terminal_a.terminal_id, terminal_a.merchant.merchant_id),
        (terminal_b.terminal_id, terminal_b.merchant.merchant_id),
    ]
    rows = list(generate_rows(2000, terminals, bad_rows=5, full_pans=20, plan=plan, seed=7))
    data = csv_bytes(rows)
    result = run(data)
    assert result.created == 1995 and result.error_rows == 5
    assert {e.row for e in result.errors} == set(plan.bad_rows)
    assert result.masked_pans == 20
    stored = set(Transaction.objects.values_list("pan_masked", flat=True))
    assert not stored & set(plan.full_pans)
    assert all(p == "" or "*" in p for p in stored)
    for pan in plan.full_pans:
        assert pan not in caplog.text
        assert Transaction.objects.filter(
            pan_masked=pan[:6] + "*" * (len(pan) - 10) + pan[-4:]
        ).exists()
    again = run(data)
    assert again.created == 0 and Transaction.objects.count() == 1995


def test_gbk_file_with_chinese_headers_is_read(terminal_a):
    header = [
        "商户编号",
        "终端号",
        "交易类型",
        "金额",
        "币种",
        "卡号",
        "输入方式",
        "交易时间",
        "凭证号",
        "批次号",
        "参考号",
        "授权码",
        "应答码",
    ]
    values = [
        "898110154110001",
        "10000001",
        "消费",
        "88.00",
        "人民币",
        "622202******0123",
        "闪付",
        "2025-09-30T09:15:00+08:00",
        "77",
        "7",
        "",
        "",
        "51",
    ]
    data = csv_bytes([values], header=header, encoding="gbk")
    result = run(data)
    assert result.created == 1 and not result.errors
    txn = Transaction.objects.get()
    assert txn.entry_mode == "contactless" and txn.status == "declined" and txn.stan == "000077"
    assert txn.rrn is None


def test_unreadable_encoding_is_refused_with_a_clear_message(terminal_a):
    data = b"merchant_id,terminal_id\n" + bytes(range(128, 256)) * 4
    with pytest.raises(TabularError) as error:
        run(data)
    assert "UTF-8" in error.value.messages["en"] and "GBK" in error.value.messages["zh"]


def test_missing_columns_refuse_the_file(terminal_a):
    with pytest.raises(SourceError) as error:
        run(b"merchant_id,terminal_id\n898110154110001,10000001\n")
    assert "amount" in error.value.messages["en"]


def test_json_lines_with_a_broken_line(terminal_a):
    lines = [
        json.dumps(row()),
        "{not json",
        json.dumps(row(stan="9", rrn="000000000009", amount=19.9)),
    ]
    result = run("\n".join(lines).encode(), "feed.jsonl")
    assert result.created == 2
    assert [(e.row, e.column) for e in result.errors] == [(2, "line")]
    assert Transaction.objects.get(stan="000009").amount == 1990


def test_void_reversal_and_refund_update_the_original(terminal_a):
    rows = [
        row(stan="1", rrn="000000000001", auth_code="AAA111"),
        row(
            stan="2",
            rrn="000000000002",
            txn_type="void",
            auth_code="AAA111",
            local_time="2025-09-30T14:05:00+08:00",
        ),
        row(stan="3", rrn="000000000003", auth_code="BBB222", amount="50.00"),
        row(stan="3", rrn="", txn_type="reversal", auth_code="", amount="50.00"),
        row(stan="4", rrn="000000000004", auth_code="CCC333", amount="20.00"),
        {
            **row(
                stan="1",
                batch_no="8",
                rrn="000000000005",
                txn_type="refund",
                amount="20.00",
                local_time="2025-10-02T10:00:00+08:00",
            ),
            "orig_rrn": "000000000004",
        },
    ]
    header = (*row().keys(), "orig_rrn")
    result = run(csv_bytes(rows, header=header))
    assert result.created == 6 and result.linked == 3
    status = dict(Transaction.objects.filter(txn_type="sale").values_list("stan", "status"))
    assert status == {"000001": "voided", "000003": "reversed", "000004": "refunded"}
    void = Transaction.objects.get(txn_type="void")
    assert void.original.stan == "000001" and void.status == "approved"


def test_import_command_reports_without_card_numbers(terminal_a, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "host.csv"
    path.write_bytes(csv_bytes([row(), row(stan="2", rrn="000000000002", pan="62220212345")]))
    out = StringIO()
    call_command("import_transactions", str(path), quiet=True, stdout=out)
    text = out.getvalue()
    assert "2 rows: 1 new" in text and "1 with errors" in text and "row 3 [pan]" in text
    assert FULL_PAN not in text


def test_local_times_in_acquirer_layouts_are_read_in_the_merchants_zone(terminal_a):
    rows = [
        row(stan="11", rrn="000000000011", local_time="2025-09-30T14:00:00"),
        row(stan="12", rrn="000000000012", local_time="20250930140000"),
        row(stan="13", rrn="000000000013", local_time="0930140000"),
    ]
    result = run(csv_bytes(rows), settlement_date=dt.date(2025, 10, 1))
    assert result.errors == [] and result.created == 3
    times = {
        t.local_time for t in Transaction.objects.filter(stan__in=["000011", "000012", "000013"])
    }
    assert times == {dt.datetime(2025, 9, 30, 6, tzinfo=dt.UTC)}  # 14:00 in Shanghai
