"""The supervisor's figures: backlog, first-contact resolution, SLA compliance, medians."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from desk.models import Ticket, Tier

if TYPE_CHECKING:
    from accounts.models import User


def _median_minutes(values: list[int]) -> float | None:
    return round(statistics.median(values) / 60, 1) if values else None


def _queue_label(name: str | None, tier: str) -> str:
    """A queue's name in the reader's language (as Queue.label), else its tier's."""
    return str(gettext(name)) if name else str(Tier(tier).label)


def desk_report(user: User, *, days: int = 30, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    tickets = Ticket.objects.visible_to(user)
    queues = (
        tickets.open()
        .values("queue__name", "tier")
        .annotate(
            total=Count("id"),
            breached=Count("id", filter=Q(sla_breached=True)),
            paused=Count("id", filter=Q(sla_paused=True)),
        )
        .order_by("tier", "queue__name")
    )
    backlog: list[dict[str, Any]] = [
        {**row, "queue_label": _queue_label(row["queue__name"], row["tier"])} for row in queues
    ]
    resolved = tickets.filter(resolved_at__gte=since, resolved_at__isnull=False)
    totals = resolved.aggregate(
        total=Count("id"),
        first_contact=Count("id", filter=Q(resolution_code="first_contact")),
        met=Count("id", filter=Q(resolution_breached=False, first_response_breached=False)),
    )
    total = totals["total"] or 0
    rows = resolved.values_list(
        "category", "channel", "first_response_seconds", "resolution_seconds"
    )
    first_by: dict[tuple[str, str], list[int]] = defaultdict(list)
    resolution_by: dict[tuple[str, str], list[int]] = defaultdict(list)
    for category, channel, first, resolution in rows.iterator(chunk_size=5000):
        for key in (("category", category), ("channel", channel)):
            if first is not None:
                first_by[key].append(first)
            if resolution is not None:
                resolution_by[key].append(resolution)
    category_labels = dict(Ticket.Category.choices)
    channel_labels = dict(Ticket.Channel.choices)

    def medians(kind: str, labels: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "key": key,
                "label": str(label),
                "first_response_min": _median_minutes(first_by.get((kind, key), [])),
                "resolution_min": _median_minutes(resolution_by.get((kind, key), [])),
                "count": len(resolution_by.get((kind, key), [])),
            }
            for key, label in labels.items()
        ]

    ratings = resolved.filter(rating__isnull=False).values_list("rating", flat=True)
    rating_values = [r for r in ratings if r is not None]
    return {
        "days": days,
        "since": since,
        "backlog": backlog,
        "resolved": total,
        "fcr_rate": round(100 * totals["first_contact"] / total, 1) if total else None,
        "sla_compliance": round(100 * totals["met"] / total, 1) if total else None,
        "by_category": medians("category", category_labels),
        "by_channel": medians("channel", channel_labels),
        "rating_avg": round(statistics.mean(rating_values), 2) if rating_values else None,
        "rating_count": len(rating_values),
    }


def report_csv_rows(report: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [["section", "key", "label", "value1", "value2", "count"]]
    for row in report["backlog"]:
        rows.append(
            ["backlog", row["tier"], row["queue__name"] or "", row["total"], row["breached"], ""]
        )
    rows.append(["summary", "resolved", "", report["resolved"], "", ""])
    rows.append(["summary", "fcr_rate_pct", "", report["fcr_rate"], "", ""])
    rows.append(["summary", "sla_compliance_pct", "", report["sla_compliance"], "", ""])
    rows.append(["summary", "rating_avg", "", report["rating_avg"], "", report["rating_count"]])
    for section in ("by_category", "by_channel"):
        for row in report[section]:
            rows.append(
                [
                    section,
                    row["key"],
                    row["label"],
                    row["first_response_min"],
                    row["resolution_min"],
                    row["count"],
                ]
            )
    return rows
