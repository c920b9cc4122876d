"""Run the health rules over the fleet and keep `Finding` rows in step with what they find:
new findings open, continuing ones are refreshed, findings no rule reports any more close.

Works in chunks of terminals with a handful of queries per chunk (a key range, not a list of
keys, when the whole fleet is evaluated), so 100,000 terminals take seconds, not hours
(bench/bench_fleet.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractHour
from django.utils import timezone

from fleet import health
from fleet.models import Finding, FirmwareIssue, TelemetryDaily, TerminalState

CHUNK = 5000
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
        Transaction.objects.filter(merchant_id__in=ids)
        .since(now - dt.timedelta(days=28))
        .annotate(hour=ExtractHour("local_time"))
        .order_by()
        .values_list("merchant_id", "hour")
        .annotate(n=Count("id"))
    )
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for merchant_id, hour, n in rows:
        counts[merchant_id][hour] += n
    hours = {}
    for merchant_id, by_hour in counts.items():
        total = sum(by_hour.values())
        hours[merchant_id] = frozenset(h for h, n in by_hour.items() if n >= 0.05 * total)
    return hours


def _terminal_scope(pks: list[int], span: bool, field: str = "terminal_id") -> dict[str, Any]:
    """The filter for a chunk of terminals: when the chunk is a run of the fleet's sorted keys
    (`span`), a key range — a long `IN (…)` list costs the driver more to send than the rows
    cost to read."""
    if span:
        return {f"{field}__gte": pks[0], f"{field}__lte": pks[-1]}
    return {f"{field}__in": pks}


def _days(pks: list[int], today: dt.date, span: bool = False) -> dict[int, list[health.Day]]:
    days: dict[int, list[health.Day]] = defaultdict(list)
    rows = (
        TelemetryDaily.objects.filter(
            **_terminal_scope(pks, span), day__gte=today - dt.timedelta(days=HISTORY_DAYS)
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
    make = health.Day._make
    current: list[health.Day] = []
    last = None
    for row in rows:
        if row[0] != last:
            last = row[0]
            current = days[last]
        current.append(make(row[1:]))
    return days


def snapshots(
    pks: list[int], now: dt.datetime, issues: dict | None = None, span: bool = False
) -> dict[int, health.Snapshot]:
    """What the rules need for these terminals, in two queries (three with silent ones).
    `span`: `pks` are every reporting terminal between the first and the last."""
    issues = known_issues() if issues is None else issues
    states = {
        pk: (seen, data, merchant_id, model_id)
        for pk, seen, data, merchant_id, model_id in TerminalState.objects.filter(
            **_terminal_scope(pks, span)
        ).values_list(
            "terminal_id", "last_seen_at", "data", "terminal__merchant_id", "terminal__model_id"
        )
    }
    days = _days(list(states) if not span else pks, timezone.localtime(now).date(), span)
    silent = [
        merchant for seen, _d, merchant, _m in states.values() if now - seen >= health.SILENT_AFTER
    ]
    hours = usual_hours(silent, now)
    local_hour = timezone.localtime(now).hour
    result = {}
    no_days: list[health.Day] = []
    for pk, (seen, data, merchant_id, model_id) in states.items():
        result[pk] = health.Snapshot(
            now=now,
            last_seen_at=seen,
            state=data,
            days=days.get(pk, no_days),
            known_issue=issue_for(issues, data.get("firmware_version", ""), model_id)
            if issues
            else None,
            usually_trading_now=local_hour in hours.get(merchant_id, DEFAULT_HOURS),
        )
    return result


def _sync(
    pks: list[int], found: dict[int, list[health.Finding]], now: dt.datetime, span: bool = False
) -> int:
    chunk = set(pks)
    open_rows = {
        (terminal_id, kind): (pk, severity, evidence)
        for pk, terminal_id, kind, severity, evidence in Finding.objects.filter(
            **_terminal_scope(pks, span), is_open=True
        ).values_list("pk", "terminal_id", "kind", "severity", "evidence")
        if terminal_id in chunk
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
            if (row[1], row[2]) != (finding.severity, finding.evidence):
                changed.append(
                    Finding(
                        pk=row[0],
                        severity=finding.severity,
                        evidence=finding.evidence,
                        last_seen_at=now,
                    )
                )
            else:
                seen.append(row[0])
    # Findings that are still there: one UPDATE confirms them all; only those whose
    # severity or evidence moved are rewritten row by row (Django's bulk update is costly).
    if seen:
        Finding.objects.filter(pk__in=seen).update(last_seen_at=now)
    if changed:
        Finding.objects.bulk_update(
            changed, ["severity", "evidence", "last_seen_at"], batch_size=500
        )
    if open_rows:
        Finding.objects.filter(pk__in=[row[0] for row in open_rows.values()]).update(
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
    span = terminal_pks is None  # the whole fleet: chunks are runs of the sorted keys
    if terminal_pks is None:
        terminal_pks = TerminalState.objects.order_by("pk").values_list("pk", flat=True)
    pks = list(terminal_pks)
    opened = findings = 0
    evaluate = health.evaluate
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        found = {pk: evaluate(s) for pk, s in snapshots(chunk, now, issues, span).items()}
        findings += sum(len(f) for f in found.values())
        with transaction.atomic():
            opened += _sync(chunk, found, now, span)
    return {"terminals": len(pks), "findings": findings, "opened": opened}
