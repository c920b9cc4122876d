"""Demo telemetry: eight weeks of daily reports for every active terminal, from the wear
process in `fleet/wear.py`, fed through the real ingestion pipeline — with planted
situations the health pages must find:

* the `merchant` user's first terminal: a battery wearing out (1,100+ cycles, charge falling);
* the same merchant's second terminal (or the first of its second merchant): out of paper;
* a terminal whose keys expire in 6 days, one silent for two days, one with weak signal,
  one with little storage left, one whose card reader errors climbed;
* 24 terminals on firmware `V9.0.0-rc1`, a version known to break sign-in, failing to sign in;
* a refund spike and a regional 96 spike in the transactions (`fleet/demo_transactions.py`).

The wear process runs for 120 days: the 64 before the raw telemetry exist only as daily
roll-ups (as the 90-day retention leaves them), and every failure it simulates is recorded as
a `FailureEvent` — so `fleet_train` has an earlier period to learn from and a later one to be
measured on; the demo trains the failure model, scores the fleet and opens proactive work.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import User
from core.types import DemoLog
from fleet import demo_transactions, predictive, proactive, retention, wear
from fleet.evaluation import evaluate_fleet
from fleet.ingest import ingest
from fleet.models import FailureEvent, FailureRisk, FirmwareIssue
from fleet.outages import propose_outages
from fleet.txnhealth import scan_transactions
from merchants.models import Merchant
from terminals.models import Terminal

ORDER = 60
DAYS = 56  # raw telemetry
HISTORY_DAYS = 120  # days of simulated wear; the older ones only as daily roll-ups
BAD_FIRMWARE = "V9.0.0-rc1"


def _planted(terminals: list[Terminal]) -> dict[str, list[int]]:
    """Which terminals carry which planted situation (by index into `terminals`)."""
    mine = set(Merchant.objects.filter(members__username="merchant").values_list("pk", flat=True))
    owned = [i for i, t in enumerate(terminals) if t.merchant_id in mine][:2]
    others = [i for i in range(len(terminals)) if i not in owned]
    return {
        "battery": owned[:1],
        "no_paper": owned[1:2],
        "keys": others[10:11],
        "silent": others[20:21],
        "weak_signal": others[30:31],
        "low_storage": others[40:41],
        "reader": others[50:51],
        "bad_firmware": others[100:124],
    }


def _record(terminal: Terminal, at: dt.datetime, readings: dict[str, Any]) -> dict[str, Any]:
    record = {k: v for k, v in readings.items() if k not in ("failed", "failed_part")}
    record.update(
        terminal_id=terminal.terminal_id,
        at=at.isoformat(),
        charging=False,
        network={"4g": "4g", "wifi": "wifi"}.get(terminal.comm_type, "eth"),
        firmware_version=terminal.firmware_version,
        app_version=terminal.app_version,
        last_signin_at=min(at, at.replace(hour=8, minute=1)).isoformat(),
        signin_ok=True,
        key_expires_on=(at.date() + dt.timedelta(days=200)).isoformat(),
    )
    return record


def _plant(kind: str, record: dict[str, Any], day: int, today: dt.date) -> None:
    late = day >= DAYS - 3
    if kind == "battery":
        record["battery_cycles"] = 1100 + day
        record["battery_pct"] = max(4, 62 - day)
    elif kind == "no_paper" and late:
        record["printer"] = "no_paper"
    elif kind == "keys":
        record["key_expires_on"] = (today + dt.timedelta(days=6)).isoformat()
    elif kind == "weak_signal" and day >= DAYS - 7:
        record["signal_dbm"] = -108
    elif kind == "low_storage":
        record["free_storage_mb"] = max(40, 900 - day * 16)
    elif kind == "reader" and day >= DAYS - 4:  # the last three finished days and today
        record["chip_errors"] = 12 + day % 5
    elif kind == "bad_firmware" and day >= DAYS - 5:
        record["firmware_version"] = BAD_FIRMWARE
        record["signin_ok"] = False


def _failure(terminal: Terminal, date: dt.date, readings: dict[str, Any]) -> FailureEvent:
    return FailureEvent(
        terminal=terminal,
        failed_on=date,
        part=readings["failed_part"],
        source=FailureEvent.Source.DEMO,
    )


def _history(
    terminals: list[Terminal], units: list[wear.Unit], rng: random.Random
) -> tuple[int, list[FailureEvent]]:
    """The days before the raw telemetry, straight to daily roll-ups (plain bulk inserts)."""
    today = timezone.localdate()
    failures: list[FailureEvent] = []
    sql = (
        f"INSERT INTO fleet_telemetrydaily ({', '.join(retention.DAILY_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(retention.DAILY_COLUMNS))})"
    )
    count = 0
    with connection.cursor() as cursor:
        for day in range(HISTORY_DAYS - DAYS):
            date = today - dt.timedelta(days=HISTORY_DAYS - 1 - day)
            stored = connection.ops.adapt_datefield_value(date)
            rows = []
            for index, terminal in enumerate(terminals):
                r = wear.step(units[index], rng, day)
                if r["failed"]:
                    failures.append(_failure(terminal, date, r))
                reader = r["chip_errors"] + r["swipe_errors"] + r["contactless_errors"]
                rows.append(
                    (terminal.pk, stored, 1, r["battery_pct"], r["battery_cycles"])
                    + (r["temperature_c"], r["signal_dbm"], r["print_count"])
                    + (int(r["printer"] != "ok"), reader, r["reboots"], r["free_storage_mb"])
                    + (0, terminal.firmware_version)
                )
            cursor.executemany(sql, rows)
            count += len(rows)
    return count, failures


def _records(
    terminals: list[Terminal],
    units: list[wear.Unit],
    rng: random.Random,
    failures: list[FailureEvent],
) -> Any:
    # The last report of each terminal came in during the hour before the demo was loaded
    # (then one a day before it): whatever the time of day, only the planted silent terminal
    # is silent.
    now = timezone.localtime()
    today = now.date()
    planted = {i: kind for kind, indexes in _planted(terminals).items() for i in indexes}
    row = 0
    for day in range(DAYS):
        for index, terminal in enumerate(terminals):
            kind = planted.get(index, "")
            readings = wear.step(units[index], rng, HISTORY_DAYS - DAYS + day)
            at = now - dt.timedelta(days=DAYS - 1 - day, minutes=5 + index % 55)
            if readings["failed"]:
                failures.append(_failure(terminal, at.date(), readings))
            if kind == "silent" and day >= DAYS - 2:
                continue
            record = _record(terminal, at, readings)
            if kind:
                _plant(kind, record, day, today)
            row += 1
            yield row, record


def _predict(log: DemoLog) -> None:
    """Train the failure model on the demo's history, score the fleet, open proactive work."""
    try:
        bundle = predictive.train()
    except predictive.TrainingError as error:
        log(f"  failure model not trained: {error}")
        return
    bundle.save()
    metrics = bundle.metrics
    log(
        f"  failure model {bundle.version}: precision among the top {metrics['top']} "
        f"{metrics['precision_top_model']} vs oldest-first {metrics['precision_top_oldest_first']}"
    )
    scored = predictive.score_fleet(bundle)
    opened = proactive.open_proactive_work()
    high = sum(1 for risk in scored if risk.level == FailureRisk.Level.HIGH)
    log(f"  {high} terminals at high risk, {len(opened)} proactive tickets")


def load(rng: random.Random, log: DemoLog) -> None:
    FirmwareIssue.objects.create(
        firmware_version=BAD_FIRMWARE,
        summary_zh="该测试版固件的密钥下载模块有缺陷，签到时报 A0 或“签到失败”。",
        summary_en="This pre-release firmware's key download is broken: sign-in fails with A0.",
        fixed_in="V9.0.1",
        breaks_signin=True,
    )
    integration = User(username="tms", role=User.Role.INTEGRATION, display_name="TMS")
    integration.set_password(settings.DEMO_PASSWORD)
    integration.save()
    today = timezone.localdate()
    terminals = list(
        Terminal.objects.filter(status=Terminal.Status.ACTIVE)
        .select_related("merchant")
        .order_by("terminal_id")
    )
    units = [
        wear.new_unit(
            rng,
            max(0, (today - (t.install_date or today)).days - HISTORY_DAYS),
            rng.uniform(0.6, 1.6),
        )
        for t in terminals
    ]
    days, failures = _history(terminals, units, rng)
    result = ingest(_records(terminals, units, rng, failures))
    log(f"  {result.stored} telemetry records for {len(terminals)} terminals")
    for back in range(DAYS, 0, -1):
        retention.roll_up(today - dt.timedelta(days=back))
    FailureEvent.objects.bulk_create(failures, batch_size=5000)
    log(f"  {days} older daily roll-ups, {len(failures)} simulated failures")
    counts = evaluate_fleet()
    log(f"  {counts['findings']} health findings")
    demo_transactions.plant(rng, log)
    alerts = scan_transactions()
    proposals = propose_outages()
    log(f"  {len(alerts)} transaction-health alerts, {len(proposals)} proposed outage(s)")
    _predict(log)
