"""kill -9 in the middle of an import (issue 10, faults): the import runs as its own process,
as an operator runs it, and is killed with SIGKILL once part of the file is committed. The
re-run of the same command completes: every row is there once, nothing is lost and nothing
is doubled — on SQLite (a file, as the demo runs) and on PostgreSQL.

Sizes are modest so that the suite stays quick (50,000 transactions in batches of 5,000;
4,000 merchants with their contacts, in the importer's batches of 2,000); the mechanism is the
same at 1,000,000 rows: every batch is one database transaction, and re-sent rows hit the keys
(transactions: terminal + STAN + date + batch + type; merchants: merchant ID, upsert).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from payments.synthetic import generate_rows, write_csv

ROOT = Path(__file__).resolve().parents[2]
TRANSACTIONS = 50_000
MERCHANTS = 4_000
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def database_url(concurrent_db) -> str:
    """The URL of the database the test's rows are in, for a separate process."""
    from django.db import connection

    if concurrent_db.path is not None:
        return f"sqlite:///{concurrent_db.path}"
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}{password}@{host}/{s['NAME']}"


def command(url: str, *args: str) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ, DATABASE_URL=url, TASK_BACKEND="immediate", PYTHONUNBUFFERED="1")
    return [sys.executable, str(ROOT / "manage.py"), *args], env


def kill_when(process: subprocess.Popen, committed, timeout: float = 300) -> int:
    """SIGKILL the process as soon as `committed()` (rows in the database) is above zero;
    returns what was committed then. Fails if the process ended before that, or if a process
    it started (the transaction import's reader) outlives it by more than a few seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = committed()
        if done:
            children = psutil.Process(process.pid).children(recursive=True)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            _gone, alive = psutil.wait_procs(children, timeout=15)
            assert not alive, f"left running after the kill: {alive}"
            return done
        assert process.poll() is None, "the import ended before it could be killed"
        time.sleep(0.05)
    process.kill()
    raise AssertionError("nothing was committed in time")


def test_transaction_import_killed_then_rerun_stores_every_row_once(
    terminal_a, terminal_b, concurrent_db, tmp_path
):
    from payments.models import Transaction

    terminals = [
        (terminal_a.terminal_id, terminal_a.merchant.merchant_id),
        (terminal_b.terminal_id, terminal_b.merchant.merchant_id),
    ]
    path = tmp_path / "transactions.csv"
    assert write_csv(path, generate_rows(TRANSACTIONS, terminals, seed=10)) == TRANSACTIONS
    url = database_url(concurrent_db)
    args, env = command(url, "import_transactions", str(path), "--batch-size", "5000")
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    committed = kill_when(process, lambda: concurrent_db.call(Transaction.objects.count))
    assert process.returncode == -signal.SIGKILL
    assert 0 < committed < TRANSACTIONS

    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{TRANSACTIONS:,} rows:" in rerun.stdout and "0 with errors" in rerun.stdout

    def outcome():
        rows = Transaction.objects.all()
        keys = rows.values("terminal_id", "stan", "txn_date", "batch_no", "txn_type").distinct()
        return rows.count(), keys.count(), rows.values("rrn").distinct().count()

    assert concurrent_db.call(outcome) == (TRANSACTIONS, TRANSACTIONS, TRANSACTIONS)
    # The killed run stored at least what was seen before the signal (a batch may have
    # committed between the look and the kill); the re-run added exactly the rest.
    new = int(rerun.stdout.split("rows: ")[1].split(" new")[0].replace(",", ""))
    assert committed <= TRANSACTIONS - new < TRANSACTIONS


def test_merchant_import_killed_then_rerun_stores_every_merchant_once(concurrent_db, tmp_path):
    from merchants.models import Contact, Merchant

    path = tmp_path / "merchants.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "merchant_id,name,mcc,region_code,settlement_cycle,contact_name,contact_phone\n"
        )
        for n in range(MERCHANTS):
            handle.write(
                f"8984401581{n:05d},故障测试商户{n},5411,440106,T+1,联系人{n},138{n:08d}\n"
            )
    url = database_url(concurrent_db)
    args, env = command(url, "import_merchants", str(path), "--json")
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    committed = kill_when(process, lambda: concurrent_db.call(Merchant.objects.count))
    assert process.returncode == -signal.SIGKILL
    assert 0 < committed < MERCHANTS

    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr[-2000:]

    def outcome():
        return (
            Merchant.objects.count(),
            Merchant.objects.values("merchant_id").distinct().count(),
            Contact.objects.count(),
            Contact.objects.filter(is_primary=True).values("merchant").distinct().count(),
        )

    assert concurrent_db.call(outcome) == (MERCHANTS, MERCHANTS, MERCHANTS, MERCHANTS)
    result = json.loads(rerun.stdout)
    assert result["created"] + result["unchanged"] == MERCHANTS
    assert result["unchanged"] >= committed and result["error_rows"] == 0
