"""Killing the process during a large transaction import leaves no record without its entry
and no entry without its record: each batch and its entries are one transaction."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from payments.tests.conftest import csv_bytes, row

ROWS = 150_000


def _database_url(concurrent_db) -> str:
    if concurrent_db.path is not None:
        return f"sqlite:///{concurrent_db.path}"
    info = connection.settings_dict
    host = f"{info['HOST'] or '127.0.0.1'}:{info['PORT'] or 5432}"
    return f"postgres://{info['USER']}@{host}/{info['NAME']}"


def _rows():
    start = dt.datetime(2025, 9, 30, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for number in range(ROWS):
        yield row(
            stan=f"{number % 999_999 + 1:06d}",
            batch_no=f"{number // 999_999 + 1:06d}",
            rrn=f"{number + 1:012d}",
            local_time=(start + dt.timedelta(seconds=number % 40_000)).isoformat(),
            amount=f"{number % 900 + 1}.00",
        )


def _pairs(concurrent_db) -> tuple[set[int], set[int]]:
    def read():
        from ledger.models import LedgerEntry
        from payments.models import Transaction

        records = set(Transaction.objects.values_list("pk", flat=True))
        logged = set(
            LedgerEntry.objects.filter(kind="transaction").values_list("record_id", flat=True)
        )
        return records, logged

    return concurrent_db.call(read)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kill_9_during_a_large_import(terminal_a, concurrent_db, tmp_path: Path) -> None:
    source = tmp_path / "large.csv"
    source.write_bytes(csv_bytes(_rows()))
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(concurrent_db),
        "DJANGO_SETTINGS_MODULE": "poscare.settings_test",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_transactions", str(source)],
        cwd=settings.BASE_DIR,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        committed = re.search(r"([\d,]+) new", line)
        if committed and committed.group(1) != "0":  # one batch in, the next ones in flight
            break
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    records, logged = _pairs(concurrent_db)
    assert 0 < len(records) < ROWS, "the kill should land in the middle of the import"
    assert records == logged
