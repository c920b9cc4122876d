"""Panels that payments adds to the shared pages (merchant 360°, portal merchant, terminal)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from core.language import current_language
from core.money import yuan
from payments.models import Payout, ResponseCode, Transaction

if TYPE_CHECKING:
    from merchants.models import Merchant
    from terminals.models import Terminal


# The terminal page's "recent transactions" look this far back (older ones: the search it
# links to). Bounded by date, the query reads one or two month partitions instead of every
# one (bench/bench_fleet.py, the terminal page).
TERMINAL_RECENT_DAYS = 31


def _recent(queryset: Any, request: HttpRequest, limit: int = 10) -> list:
    from payments.services import explain_many

    rows = list(queryset.select_related("merchant", "terminal").order_by("-local_time")[:limit])
    return explain_many(rows, current_language())


def merchant_context(request: HttpRequest, merchant: Merchant) -> dict[str, Any]:
    """Today's takings, the last 7 days' decline mix, recent transactions and payouts."""
    visible = Transaction.objects.visible_to(request.user).filter(merchant=merchant)
    today = timezone.localdate()
    week_start = timezone.now() - dt.timedelta(days=7)
    today_stats = visible.today().aggregate(
        count=Count("id"),
        approved=Count("id", filter=Q(status="approved")),
        amount=Sum("amount", filter=Q(status="approved", txn_type__in=Transaction.CREDIT_TYPES)),
    )
    week = visible.since(week_start)
    week_total = week.count()
    counts = list(
        week.filter(status="declined")
        .values("response_code")
        .annotate(n=Count("id"))
        .order_by("-n")[:6]
    )
    codes = ResponseCode.table([d["response_code"] for d in counts], merchant.acquirer_id)
    language = current_language()
    top = counts[0]["n"] if counts else 1
    declines = []
    for row in counts:
        code = codes.get(row["response_code"])
        meaning = code.meaning(language) if code else ""
        width = max(4, int(100 * row["n"] / top))
        declines.append({**row, "meaning": meaning, "width": width})
    return {
        "merchant": merchant,
        "today": today,
        "today_count": today_stats["count"] or 0,
        "today_approved": today_stats["approved"] or 0,
        "today_amount": yuan(today_stats["amount"] or 0),
        "week_total": week_total,
        "declines": declines,
        "rows": _recent(visible, request),
        "payouts": list(Payout.objects.visible_to(request.user).filter(merchant=merchant)[:5]),
    }


def terminal_context(request: HttpRequest, terminal: Terminal) -> dict[str, Any]:
    since = timezone.now() - dt.timedelta(days=TERMINAL_RECENT_DAYS)
    visible = Transaction.objects.visible_to(request.user).filter(terminal=terminal).since(since)
    return {
        "terminal": terminal,
        "rows": _recent(visible, request, limit=8),
        "days": TERMINAL_RECENT_DAYS,
    }
