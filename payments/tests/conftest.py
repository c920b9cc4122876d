from __future__ import annotations

import csv
import io

import pytest

from payments import partitions
from payments.ingest import COLUMNS


@pytest.fixture(autouse=True)
def _fresh_partition_cache():
    # Each test database is new: forget which monthly partitions an earlier one had.
    partitions.forget_known_partitions()
    yield
    partitions.forget_known_partitions()


def csv_bytes(rows, header=COLUMNS, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header] if isinstance(row, dict) else row)
    return buffer.getvalue().encode(encoding)


def row(**overrides):
    base = {
        "merchant_id": "898110154110001",
        "terminal_id": "10000001",
        "txn_type": "sale",
        "amount": "123.45",
        "currency": "CNY",
        "pan": "6222021234567890123",
        "entry_mode": "chip",
        "local_time": "2025-09-30T14:00:00+08:00",
        "stan": "000123",
        "batch_no": "000007",
        "rrn": "093014000123",
        "auth_code": "A1B2C3",
        "response_code": "00",
    }
    base.update(overrides)
    return base
