"""Predictive maintenance from the database: the failure model's rows come from the daily
telemetry roll-ups (`TelemetryDaily`, kept for years) and the terminals' history of failures,
which are the desk's repairs (completed field visits on hardware tickets, replacements) and
recorded `FailureEvent`s (a TMS's RMA feed; the demo's wear process).

`train()` takes snapshots on an earlier period — label: a failure within the next 30 days —
and evaluates on a later one that the training labels never reach; `score_fleet()` scores
every terminal on its last four weeks and keeps one `FailureRisk` per terminal.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone

from fleet import riskmodel
from fleet.features import DayReading, features
from fleet.models import FailureEvent, FailureRisk, TelemetryDaily
from terminals.models import Terminal

CHUNK = 2000
SNAPSHOT_EVERY = 7  # days between training snapshots
MIN_DAYS = 14  # a terminal with fewer reported days in its four weeks is not scored
HARDWARE_CATEGORIES = ("card_reading", "printer_paper", "power_battery", "device_fault")
PROACTIVE_KEY = "fleet-pm-"  # proactive tickets are not failures (no feedback loop)


class TrainingError(ValueError):
    """Not enough history to train and evaluate on separate periods."""


@dataclass(frozen=True)
class Snapshot:
    """The model's rows for the terminals on one day (features from the four weeks before)."""

    day: dt.date
    pks: list[int]
    rows: list[list[float]]
    labels: list[int]
    ages: list[float]


def failure_days(pks: Sequence[int]) -> dict[int, list[dt.date]]:
    """Every failure of these terminals that poscare knows of, by day."""
    from desk.models import FieldVisit, Replacement

    days: dict[int, set[dt.date]] = defaultdict(set)
    for pk, day in FailureEvent.objects.filter(terminal_id__in=pks).values_list(
        "terminal_id", "failed_on"
    ):
        days[pk].add(day)
    for pk, at in Replacement.objects.filter(terminal_id__in=pks).values_list(
        "terminal_id", "created_at"
    ):
        days[pk].add(timezone.localtime(at).date())
    visits = (
        FieldVisit.objects.filter(
            ticket__terminal_id__in=pks,
            ticket__category__in=HARDWARE_CATEGORIES,
            status=FieldVisit.Status.COMPLETED,
            completed_at__isnull=False,
        )
        .exclude(ticket__idempotency_key__startswith=PROACTIVE_KEY)
        .values_list("ticket__terminal_id", "completed_at")
    )
    for pk, completed_at in visits:
        days[pk].add(timezone.localtime(completed_at).date())
    return {pk: sorted(found) for pk, found in days.items()}


def _readings(
    pks: Sequence[int], start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, tuple[DayReading, int, int]]]:
    """(reading, battery cycles, print count) per terminal and day in [start, end)."""
    rows = TelemetryDaily.objects.filter(
        terminal_id__in=pks, day__gte=start, day__lt=end
    ).values_list(
        "terminal_id",
        "day",
        "reader_errors",
        "reboots",
        "battery_min",
        "printer_faults",
        "temperature_max",
        "battery_cycles",
        "print_count",
    )
    found: dict[int, dict[dt.date, tuple[DayReading, int, int]]] = defaultdict(dict)
    for pk, day, reader, reboots, battery, printer, temperature, cycles, prints in rows:
        overheated = bool(printer) or (temperature or 0) >= 45
        reading = DayReading(reader or 0, reboots or 0, battery or 0, overheated)
        found[pk][day] = (reading, cycles or 0, prints or 0)
    return found


def _repair_rates(day: dt.date, models: dict[int, int | None], failures: dict) -> dict:
    """Failures per terminal of each model in the year before `day` (no look-ahead)."""
    since = day - dt.timedelta(days=365)
    terminals: dict[int | None, int] = defaultdict(int)
    failed: dict[int | None, int] = defaultdict(int)
    for pk, model_id in models.items():
        terminals[model_id] += 1
        failed[model_id] += sum(1 for d in failures.get(pk, ()) if since <= d < day)
    return {m: failed[m] / terminals[m] for m in terminals}


def _terminals(pks: Iterable[int] | None) -> dict[int, tuple[int | None, dt.date | None]]:
    terminals = Terminal.objects.exclude(status=Terminal.Status.RETIRED)
    if pks is not None:
        terminals = terminals.filter(pk__in=list(pks))
    return {
        pk: (model_id, installed)
        for pk, model_id, installed in terminals.order_by("pk").values_list(
            "pk", "model_id", "install_date"
        )
    }


def _row(
    day: dt.date, info: tuple, rate: float, days: dict, failures: list[dt.date]
) -> list[float]:
    start = day - dt.timedelta(days=riskmodel.LOOKBACK_DAYS)
    window = sorted(d for d in days if start <= d < day)
    _model_id, installed = info
    last = days[window[-1]]
    return features(
        (day - installed).days if installed else 365,
        rate,
        last[1],
        last[2],
        [days[d][0] for d in window],
        sum(1 for d in failures if d < day),
    )


def snapshots(
    days: Sequence[dt.date],
    horizon: int = riskmodel.HORIZON_DAYS,
    pks: Iterable[int] | None = None,
) -> list[Snapshot]:
    """Rows for every terminal with enough telemetry in the four weeks before each day; the
    label says whether it failed in [day, day + horizon). The roll-ups are read once."""
    info = _terminals(pks)
    failures = failure_days(list(info))
    models = {pk: m for pk, (m, _i) in info.items()}
    rates = {day: _repair_rates(day, models, failures) for day in days}
    taken = {day: Snapshot(day, [], [], [], []) for day in days}
    lookback = dt.timedelta(days=riskmodel.LOOKBACK_DAYS)
    ordered = list(info)
    for offset in range(0, len(ordered), CHUNK):
        chunk = ordered[offset : offset + CHUNK]
        readings = _readings(chunk, min(days) - lookback, max(days))
        for pk in chunk:
            mine = readings.get(pk, {})
            past = failures.get(pk, [])
            for day in days:
                if sum(1 for d in mine if day - lookback <= d < day) < MIN_DAYS:
                    continue
                model_id, installed = info[pk]
                result = taken[day]
                result.pks.append(pk)
                result.ages.append((day - installed).days if installed else 365)
                rate = rates[day].get(model_id, 0.0)
                result.rows.append(_row(day, info[pk], rate, mine, past))
                until = day + dt.timedelta(days=horizon)
                result.labels.append(int(any(day <= d < until for d in past)))
    return [taken[day] for day in days]


def snapshot(
    day: dt.date, horizon: int = riskmodel.HORIZON_DAYS, pks: Iterable[int] | None = None
) -> Snapshot:
    return snapshots([day], horizon, pks)[0]


def training_days(first: dt.date, last: dt.date, horizon: int) -> tuple[list[dt.date], dt.date]:
    """Weekly training snapshots and the later test snapshot: the test's label window ends on
    the last day with data; every training label window ends before the test snapshot."""
    test = last - dt.timedelta(days=horizon - 1)
    day = first + dt.timedelta(days=riskmodel.LOOKBACK_DAYS)
    train = []
    while day + dt.timedelta(days=horizon) <= test:
        train.append(day)
        day += dt.timedelta(days=SNAPSHOT_EVERY)
    if not train:
        need = riskmodel.LOOKBACK_DAYS + 2 * horizon
        raise TrainingError(
            f"{(last - first).days + 1} days of telemetry roll-ups; training and a later "
            f"evaluation need at least {need}"
        )
    return train[-8:], test


def train(
    horizon: int = riskmodel.HORIZON_DAYS, now: dt.datetime | None = None
) -> riskmodel.Bundle:
    """Train on the earlier period, evaluate on the later one; the metrics go in the bundle."""
    now = now or timezone.now()
    span = TelemetryDaily.objects.aggregate(first=Min("day"), last=Max("day"))
    if span["first"] is None:
        raise TrainingError("no telemetry roll-ups yet")
    train_on, test_on = training_days(span["first"], span["last"], horizon)
    *earlier, test = snapshots([*train_on, test_on], horizon)
    rows = [row for taken in earlier for row in taken.rows]
    labels = [label for taken in earlier for label in taken.labels]
    try:
        bundle = riskmodel.fit(rows, labels, now)
    except ValueError as error:
        raise TrainingError(str(error)) from error
    bundle.horizon_days = horizon
    bundle.metrics = {
        "trained_at": now.isoformat(timespec="seconds"),
        "train_snapshots": [d.isoformat() for d in train_on],
        "train_rows": len(rows),
        "train_failures": sum(labels),
        "test_snapshot": test_on.isoformat(),
        "horizon_days": horizon,
        **riskmodel.evaluate(bundle, test.rows, test.labels, test.ages),
    }
    return bundle


def score_fleet(
    bundle: riskmodel.Bundle, today: dt.date | None = None, now: dt.datetime | None = None
) -> list[FailureRisk]:
    """Score every terminal on its last four weeks; one `FailureRisk` row each (replaced)."""
    now = now or timezone.now()
    today = today or timezone.localtime(now).date()
    taken = snapshot(today + dt.timedelta(days=1), bundle.horizon_days)
    scored = []
    for offset in range(0, len(taken.pks), CHUNK):
        rows = taken.rows[offset : offset + CHUNK]
        risks = bundle.scores(rows)
        reasons = riskmodel.explain(bundle, rows)
        for pk, risk, why in zip(taken.pks[offset : offset + CHUNK], risks, reasons, strict=True):
            scored.append(
                FailureRisk(
                    terminal_id=pk,
                    risk=round(risk, 4),
                    level=bundle.level(risk),
                    part=riskmodel.likely_part(why),
                    reasons=why,
                    model_version=bundle.version,
                    scored_at=now,
                )
            )
    FailureRisk.objects.bulk_create(
        scored,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["terminal"],
        update_fields=["risk", "level", "part", "reasons", "model_version", "scored_at"],
    )
    # Terminals no longer scored (retired, silent for weeks) keep no stale risk.
    FailureRisk.objects.filter(scored_at__lt=now).delete()
    return scored
