"""Run the health rules over the fleet and keep `Finding` rows in step with what they find:
new findings open, continuing ones are refreshed, findings no rule reports any more close.

Works in chunks of terminals with a handful of queries per chunk, so 100,000 terminals take
seconds, not hours (bench/fleet_bench.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models.functions import ExtractHour
from django.utils import timezone

from fleet import health
from fleet.models import Finding, FirmwareIssue, TelemetryDaily, TerminalState
from terminals.models import Terminal

CHUNK = 2000
HISTORY_DAYS = 21
DEFAULT_HOURS = frozenset(range(9, 22))  # a shop with no transaction history: 09:00–21:59


def known_issues() -> dict[tuple[str, int | None], dict[str, Any]]:
    return {
        (issue.firmware_version, issue.model_id): {
            "summary_zh": issue.summary_zh,
            "summary_en": issue.summary_en,
            "fixed_in": issue.fixed_in,
            "breaks_signin": issue.breaks_signin,
        }
        for issue in FirmwareIssue.objects.all()
    }


def issue_for(issues: dict, firmware: str, model_id: int | None) -> dict[str, Any] | None:
    return issues.get((firmware, model_id)) or issues.get((firmware, None))


def usual_hours(merchant_ids: Iterable[int], now: dt.datetime) -> dict[int, frozenset[int]]:
    """The local hours in which each merchant took at least 5% of its last 28 days' sales."""
    from payments.models import Transaction

    ids = list(set(merchant_ids))
    if not ids:
        return {}
    rows = (
        Transaction.objects.filter(merchant_id__in=ids, local_time__gte=now - dt.timedelta(days=28))
        .annotate(hour=ExtractHour("local_time"))
        .values_list("merchant_id", "hour")
    )
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for merchant_id, hour in rows:
        counts[merchant_id][hour] += 1
    hours = {}
    for merchant_id, by_hour in counts.items():
        total = sum(by_hour.values())
        hours[merchant_id] = frozenset(h for h, n in by_hour.items() if n >= 0.05 * total)
    return hours


def _days(pks: list[int], today: dt.date) -> dict[int, list[health.Day]]:
    days: dict[int, list[health.Day]] = defaultdict(list)
    rows = (
        TelemetryDaily.objects.filter(
            terminal_id__in=pks, day__gte=today - dt.timedelta(days=HISTORY_DAYS)
        )
        .order_by("terminal_id", "day")
        .values_list(
            "terminal_id",
            "day",
            "battery_min",
            "battery_cycles",
            "signal_avg",
            "reader_errors",
            "free_storage_min",
        )
    )
    for pk, day, battery, cycles, signal, reader, storage in rows:
        days[pk].append(health.Day(day, battery, cycles, signal, reader, storage))
    return days


def snapshots(
    pks: list[int], now: dt.datetime, issues: dict | None = None
) -> dict[int, health.Snapshot]:
    """What the rules need for these terminals, in four queries (five with silent ones)."""
    issues = known_issues() if issues is None else issues
    states = {
        pk: (seen, data)
        for pk, seen, data in TerminalState.objects.filter(terminal_id__in=pks).values_list(
            "terminal_id", "last_seen_at", "data"
        )
    }
    owners = {
        pk: (merchant_id, model_id)
        for pk, merchant_id, model_id in Terminal.objects.filter(pk__in=states).values_list(
            "pk", "merchant_id", "model_id"
        )
    }
    days = _days(list(states), timezone.localtime(now).date())
    silent = [
        owners[pk][0] for pk, (seen, _d) in states.items() if now - seen >= health.SILENT_AFTER
    ]
    hours = usual_hours(silent, now)
    local_hour = timezone.localtime(now).hour
    result = {}
    for pk, (seen, data) in states.items():
        merchant_id, model_id = owners.get(pk, (None, None))
        result[pk] = health.Snapshot(
            now=now,
            last_seen_at=seen,
            state=data,
            days=days.get(pk, []),
            known_issue=issue_for(issues, data.get("firmware_version", ""), model_id),
            usually_trading_now=local_hour in hours.get(merchant_id, DEFAULT_HOURS),  # type: ignore[arg-type]
        )
    return result


def _sync(pks: list[int], found: dict[int, list[health.Finding]], now: dt.datetime) -> int:
    open_rows = {
        (f.terminal_id, f.kind): f
        for f in Finding.objects.filter(terminal_id__in=pks, is_open=True)
    }
    new, changed, seen = [], [], []
    for pk, findings in found.items():
        for finding in findings:
            row = open_rows.pop((pk, finding.kind), None)
            if row is None:
                new.append(
                    Finding(
                        terminal_id=pk,
                        kind=finding.kind,
                        severity=finding.severity,
                        evidence=finding.evidence,
                        first_seen_at=now,
                        last_seen_at=now,
                    )
                )
                continue
            seen.append(row.pk)
            if (row.severity, row.evidence) != (finding.severity, finding.evidence):
                row.severity, row.evidence, row.last_seen_at = (
                    finding.severity,
                    finding.evidence,
                    now,
                )
                changed.append(row)
    # Findings that are still there: one UPDATE confirms them all; only those whose
    # severity or evidence moved are rewritten row by row (Django's bulk update is costly).
    Finding.objects.filter(pk__in=seen).update(last_seen_at=now)
    Finding.objects.bulk_update(changed, ["severity", "evidence", "last_seen_at"], batch_size=500)
    Finding.objects.filter(pk__in=[row.pk for row in open_rows.values()]).update(
        is_open=False, resolved_at=now
    )
    Finding.objects.bulk_create(new, batch_size=1000)
    return len(new)


def evaluate_fleet(
    terminal_pks: Iterable[int] | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """Evaluate every terminal that reports (or the given ones); returns counts."""
    now = now or timezone.now()
    issues = known_issues()
    if terminal_pks is None:
        terminal_pks = TerminalState.objects.order_by("pk").values_list("pk", flat=True)
    pks = list(terminal_pks)
    opened = findings = 0
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        found = {pk: health.evaluate(s) for pk, s in snapshots(chunk, now, issues).items()}
        findings += sum(len(f) for f in found.values())
        with transaction.atomic():
            opened += _sync(chunk, found, now)
    return {"terminals": len(pks), "findings": findings, "opened": opened}
