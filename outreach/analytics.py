"""Contact-frequency analytics for supervisors: contacts per week by purpose and channel,
merchants contacted more than policy allows or far more than their peers, complaints."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from outreach.frequency import far_above_peers, peer_threshold
from outreach.models import ContactAttempt, ContactPreference, FrequencyComplaint, Purpose
from outreach.policy import DEFAULT_CAPS
from outreach.vocabulary import CALLS

if TYPE_CHECKING:
    from merchants.models import Merchant


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_series(weeks: int = 8, now: dt.datetime | None = None) -> dict[str, Any]:
    """Contacts per week (Monday start, local time) by purpose and by channel."""
    now = timezone.localtime(now or timezone.now())
    first = week_start(now.date()) - dt.timedelta(weeks=weeks - 1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    rows = (
        ContactAttempt.objects.filter(occurred_at__gte=since)
        .annotate(day=TruncDate("occurred_at"))
        .values("day", "purpose", "channel")
        .annotate(n=Count("id"))
    )
    labels = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    by_purpose: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    by_channel: dict[str, list[int]] = defaultdict(lambda: [0] * weeks)
    for row in rows:
        index = (week_start(row["day"]) - first).days // 7
        if 0 <= index < weeks:
            by_purpose[row["purpose"]][index] += row["n"]
            by_channel[row["channel"]][index] += row["n"]
    return {
        "labels": [d.isoformat() for d in labels],
        "purposes": dict(by_purpose),
        "channels": dict(by_channel),
        "totals": [sum(v[i] for v in by_purpose.values()) for i in range(weeks)],
    }


def _add_own_call_caps(
    non_urgent: Any, week: dt.datetime, reasons: dict[int, list[dict[str, str]]]
) -> None:
    """Add a reason for every merchant called more often this week than its own cap."""
    own_caps = dict(
        ContactPreference.objects.filter(call_cap_per_week__isnull=False).values_list(
            "merchant_id", "call_cap_per_week"
        )
    )
    if own_caps:
        calls = dict(
            non_urgent.filter(
                occurred_at__gte=week, channel__in=CALLS, merchant_id__in=list(own_caps)
            )
            .values_list("merchant_id")
            .annotate(n=Count("id"))
            .values_list("merchant_id", "n")
        )
        for merchant_pk, n in calls.items():
            own_limit = own_caps[merchant_pk]
            if own_limit is not None and n > own_limit:
                reasons[merchant_pk].append(
                    {
                        "zh": f"超过商户自设的每周 {own_caps[merchant_pk]} 次电话（实际 {n}）",
                        "en": f"over the merchant's own {own_caps[merchant_pk]} calls a week "
                        f"(actual {n})",
                    }
                )


def flagged_merchants(now: dt.datetime | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Merchants contacted more than policy allows (institution caps, their own call cap) or
    far more than their peers in the last 7 days, most contacted first."""
    from merchants.models import Merchant

    now = now or timezone.now()
    week = now - dt.timedelta(days=7)
    month = now - dt.timedelta(days=30)
    recent = ContactAttempt.objects.filter(occurred_at__gte=month)
    counts = dict(
        recent.filter(occurred_at__gte=week)
        .values_list("merchant_id")
        .annotate(n=Count("id"))
        .values_list("merchant_id", "n")
    )
    reasons: dict[int, list[dict[str, str]]] = defaultdict(list)
    non_urgent = recent.filter(override=False)
    for cap in DEFAULT_CAPS:
        since = now - cap.window
        rows = non_urgent.filter(occurred_at__gte=since)
        if cap.purposes is not None:
            rows = rows.filter(purpose__in=cap.purposes)
        if cap.channels is not None:
            rows = rows.filter(channel__in=cap.channels)
        over = (
            rows.values("merchant_id").annotate(n=Count("id")).filter(n__gt=cap.limit)
        ).values_list("merchant_id", "n")
        for merchant_pk, n in over:
            reasons[merchant_pk].append(
                {"zh": f"{cap.name_zh}（实际 {n}）", "en": f"{cap.name_en} (actual {n})"}
            )
    _add_own_call_caps(non_urgent, week, reasons)
    outliers = far_above_peers(counts)
    for merchant_pk, ratio in outliers.items():
        reasons[merchant_pk].append(
            {
                "zh": f"本周联系次数是同行中位数的 {ratio:.1f} 倍",
                "en": f"{ratio:.1f}× the peers' median contacts this week",
            }
        )
    complaints = dict(
        FrequencyComplaint.objects.filter(created_at__gte=month)
        .values_list("merchant_id")
        .annotate(n=Count("id"))
        .values_list("merchant_id", "n")
    )
    merchants = Merchant.objects.in_bulk(list(reasons))
    rows_out: list[dict[str, Any]] = [
        {
            "merchant": merchants[pk],
            "week_count": counts.get(pk, 0),
            "reasons": reasons[pk],
            "complaints": complaints.get(pk, 0),
        }
        for pk in reasons
        if pk in merchants
    ]
    rows_out.sort(key=lambda r: (-r["week_count"], r["merchant"].merchant_id))
    return rows_out[:limit]


def overview(now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    week = now - dt.timedelta(days=7)
    counts = list(
        ContactAttempt.objects.filter(occurred_at__gte=week)
        .values("merchant_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    complaints = FrequencyComplaint.objects.aggregate(
        open=Count("id", filter=Q(status=FrequencyComplaint.Status.OPEN)),
        month=Count("id", filter=Q(created_at__gte=now - dt.timedelta(days=30))),
    )
    return {
        "contacts_week": sum(counts),
        "merchants_week": len(counts),
        "per_merchant": round(sum(counts) / len(counts), 2) if counts else 0,
        "peer_threshold": peer_threshold(counts),
        "open_complaints": complaints["open"],
        "complaints_month": complaints["month"],
    }


def merchant_frequency(merchant: Merchant, now: dt.datetime | None = None) -> dict[str, Any]:
    """One merchant's last 30 days by channel and purpose, for the agent's 360° page."""
    now = now or timezone.now()
    rows = ContactAttempt.objects.filter(
        merchant=merchant, occurred_at__gte=now - dt.timedelta(days=30)
    )
    by_channel = dict(
        rows.values_list("channel").annotate(n=Count("id")).values_list("channel", "n")
    )
    by_purpose = {
        Purpose(p).label: n
        for p, n in rows.values_list("purpose").annotate(n=Count("id")).values_list("purpose", "n")
    }
    week = rows.filter(occurred_at__gte=now - dt.timedelta(days=7)).count()
    return {"by_channel": by_channel, "by_purpose": by_purpose, "week": week, "month": rows.count()}
