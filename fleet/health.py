"""Health rules: what is wrong with a terminal, how badly, and the evidence. Pure Python.

Each rule reads a `Snapshot` (the latest report, recent daily roll-ups, what the knowledge
base says about the firmware, whether the merchant usually trades at this hour) and returns a
`Finding` or nothing. The article's five common problems come first (no receipt, cannot
read cards, no network / sign-in, battery, silent terminal); the wording and the fix for each
kind live in `fleet/data/rules.json`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

CRITICAL, WARNING, INFO = "critical", "warning", "info"
SEVERITY_ORDER = {CRITICAL: 0, WARNING: 1, INFO: 2}

SILENT_AFTER = dt.timedelta(hours=26)  # terminals report at least daily
WORN_CYCLES = 1000
BATTERY_SLOPE = -1.0  # percentage points of the daily low, per day
WEAK_SIGNAL_DBM = -100
READER_RATIO = 3.0
READER_MIN_PER_DAY = 5.0
LOW_STORAGE_MB, CRITICAL_STORAGE_MB = 200, 50
KEY_WARNING_DAYS, KEY_CRITICAL_DAYS = 14, 3


class Day(NamedTuple):
    """One daily roll-up (a tuple: the fleet's evaluation builds 1.4 M of them)."""

    day: dt.date
    battery_min: int | None = None
    battery_cycles: int | None = None
    signal_avg: float | None = None
    reader_errors: int = 0
    free_storage_min: int | None = None


@dataclass
class Snapshot:
    now: dt.datetime
    last_seen_at: dt.datetime | None
    state: dict[str, Any]
    days: Sequence[Day] = ()  # oldest first
    known_issue: dict[str, Any] | None = None  # {"summary": …, "fixed_in": …, "breaks_signin"}
    usually_trading_now: bool = True


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    evidence: dict[str, Any] = field(default_factory=dict)


def slope(values: Sequence[float]) -> float:
    """Least-squares slope per step; 0 for fewer than two values."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    top = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    bottom = sum((i - mean_x) ** 2 for i in range(n))
    return top / bottom


def silent(s: Snapshot) -> Finding | None:
    if s.last_seen_at is None or not s.usually_trading_now:
        return None
    quiet = s.now - s.last_seen_at
    if quiet < SILENT_AFTER:
        return None
    return Finding("silent", CRITICAL, {"hours": int(quiet.total_seconds() // 3600)})


def battery_wear(s: Snapshot) -> Finding | None:
    lows = [d.battery_min for d in s.days[-14:] if d.battery_min is not None]
    cycles = s.state.get("battery_cycles") or 0
    if cycles < WORN_CYCLES and (len(lows) < 7 or lows[-1] > 30):
        return None  # neither worn nor possibly falling: no need for the trend
    trend = slope(lows)
    falling = len(lows) >= 7 and trend <= BATTERY_SLOPE and lows[-1] <= 30
    if not falling and cycles < WORN_CYCLES:
        return None
    severity = CRITICAL if falling and cycles >= WORN_CYCLES else WARNING
    return Finding(
        "battery_wear",
        severity,
        {"cycles": cycles, "slope": round(trend, 1), "low": lows[-1] if lows else None},
    )


def weak_signal(s: Snapshot) -> Finding | None:
    if s.state.get("network") in ("eth", "none"):
        return None
    recent = [d.signal_avg for d in s.days[-3:] if d.signal_avg is not None]
    if len(recent) < 2 or max(recent) > WEAK_SIGNAL_DBM:
        return None
    return Finding("weak_signal", WARNING, {"dbm": round(sum(recent) / len(recent))})


def printer(s: Snapshot) -> Finding | None:
    state = s.state.get("printer") or "ok"
    if state == "ok":
        return None
    if state in ("no_paper", "cover_open"):
        return Finding("printer_paper", WARNING, {"state": state})
    return Finding("printer_fault", CRITICAL, {"state": state})


def reader_errors(s: Snapshot) -> Finding | None:
    if len(s.days) < 7:
        return None
    recent = [d.reader_errors for d in s.days[-3:]]
    before = [d.reader_errors for d in s.days[:-3]]
    per_day = sum(recent) / len(recent)
    baseline = sum(before) / len(before)
    if per_day < READER_MIN_PER_DAY or per_day < READER_RATIO * max(baseline, 0.5):
        return None
    return Finding(
        "reader_errors", WARNING, {"per_day": round(per_day, 1), "baseline": round(baseline, 1)}
    )


def low_storage(s: Snapshot) -> Finding | None:
    free = s.state.get("free_storage_mb")
    if free is None or free >= LOW_STORAGE_MB:
        return None
    return Finding("low_storage", CRITICAL if free < CRITICAL_STORAGE_MB else WARNING, {"mb": free})


def signin_failing(s: Snapshot) -> Finding | None:
    if s.state.get("signin_ok") is not False:
        return None
    return Finding("signin_failing", CRITICAL, {"last_signin_at": s.state.get("last_signin_at")})


def keys_expiring(s: Snapshot) -> Finding | None:
    raw = s.state.get("key_expires_on")
    if not raw:
        return None
    expires = dt.date.fromisoformat(raw) if isinstance(raw, str) else raw
    days = (expires - s.now.date()).days
    if days > KEY_WARNING_DAYS:
        return None
    severity = CRITICAL if days <= KEY_CRITICAL_DAYS else WARNING
    return Finding("keys_expiring", severity, {"days": days, "date": expires.isoformat()})


def firmware_issue(s: Snapshot) -> Finding | None:
    if not s.known_issue:
        return None
    return Finding(
        "firmware_issue",
        WARNING,
        {
            "version": s.state.get("firmware_version", ""),
            "fixed_in": s.known_issue.get("fixed_in", ""),
        },
    )


Rule = Callable[[Snapshot], Finding | None]
# In the order people should read them: the article's five common problems first.
RULES: dict[str, Rule] = {
    "printer_paper": printer,
    "printer_fault": printer,
    "reader_errors": reader_errors,
    "signin_failing": signin_failing,
    "weak_signal": weak_signal,
    "battery_wear": battery_wear,
    "silent": silent,
    "keys_expiring": keys_expiring,
    "firmware_issue": firmware_issue,
    "low_storage": low_storage,
}


def evaluate(snapshot: Snapshot) -> list[Finding]:
    """Every finding of one terminal, most severe first."""
    found: dict[str, Finding] = {}
    for rule in _DISTINCT_RULES:
        finding = rule(snapshot)
        if finding is not None:
            found[finding.kind] = finding
    if len(found) < 2:
        return list(found.values())
    return sorted(found.values(), key=lambda f: (SEVERITY_ORDER[f.severity], _READING[f.kind]))


_READING = {kind: index for index, kind in enumerate(RULES)}
_DISTINCT_RULES = tuple(dict.fromkeys(RULES.values()))
