"""The health rules on their own (pure, no database)."""

from __future__ import annotations

import datetime as dt

from fleet import health
from fleet.health import Day, Snapshot, evaluate

NOW = dt.datetime(2026, 11, 20, 11, 0, tzinfo=dt.UTC)


def snap(days=(), **state):
    base = {"battery_cycles": 300, "network": "4g", "printer": "ok", "signin_ok": True}
    base.update(state)
    return Snapshot(now=NOW, last_seen_at=NOW - dt.timedelta(hours=1), state=base, days=list(days))


def kinds(snapshot):
    return [f.kind for f in evaluate(snapshot)]


def daily(n, **values):
    return [Day(NOW.date() - dt.timedelta(days=n - i), **values) for i in range(n)]


def test_a_healthy_terminal_has_no_findings():
    assert kinds(snap(daily(14, battery_min=70, signal_avg=-70, reader_errors=0))) == []


def test_no_paper_is_a_warning_and_a_head_fault_is_critical():
    assert [(f.kind, f.severity) for f in evaluate(snap(printer="no_paper"))] == [
        ("printer_paper", "warning")
    ]
    assert evaluate(snap(printer="head_fault"))[0].severity == "critical"


def test_a_falling_daily_low_with_many_cycles_is_a_worn_battery():
    days = [Day(NOW.date() - dt.timedelta(days=14 - i), battery_min=50 - 3 * i) for i in range(14)]
    finding = evaluate(snap(days, battery_cycles=1150))[0]
    assert (finding.kind, finding.severity) == ("battery_wear", "critical")
    assert finding.evidence["slope"] <= -2.9
    assert kinds(snap(daily(14, battery_min=60), battery_cycles=400)) == []


def test_reader_errors_count_against_the_terminals_own_baseline():
    quiet = daily(18, reader_errors=1)
    assert kinds(snap(quiet + daily(3, reader_errors=2))) == []
    assert kinds(snap(quiet + daily(3, reader_errors=12))) == ["reader_errors"]
    # A terminal that always had many errors is not newly broken.
    assert kinds(snap(daily(18, reader_errors=10) + daily(3, reader_errors=12))) == []


def test_keys_expiring_within_fourteen_days():
    soon = (NOW.date() + dt.timedelta(days=6)).isoformat()
    later = (NOW.date() + dt.timedelta(days=60)).isoformat()
    assert kinds(snap(key_expires_on=soon)) == ["keys_expiring"]
    assert kinds(snap(key_expires_on=later)) == []


def test_silence_counts_only_when_the_merchant_usually_trades_now():
    silent = snap()
    silent.last_seen_at = NOW - dt.timedelta(hours=30)
    assert kinds(silent) == ["silent"]
    silent.usually_trading_now = False
    assert kinds(silent) == []


def test_sign_in_failure_weak_signal_low_storage_and_known_firmware():
    found = kinds(
        Snapshot(
            now=NOW,
            last_seen_at=NOW,
            state={"signin_ok": False, "free_storage_mb": 30, "network": "4g"},
            days=daily(3, signal_avg=-108),
            known_issue={"fixed_in": "V9.0.1"},
        )
    )
    assert found == ["signin_failing", "low_storage", "weak_signal", "firmware_issue"]


def test_slope_of_a_straight_line():
    assert health.slope([10, 8, 6, 4]) == -2
    assert health.slope([5]) == 0
