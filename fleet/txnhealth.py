"""Transaction health: each merchant's success rate, refund/void rate and response-code mix
over the last 24 hours against the same hours of the same weekday in the four weeks before
(`fleet.rates`, robust statistics with a minimum volume). A significant departure becomes a
`TxnAlert` that says the likely reason in the merchant's words; alerts reach the console and,
through the outreach contact policy, the merchant — a refund spike goes to the risk team.

Each window is one aggregate query, so a scan of a million transactions takes seconds
(bench/fleet_bench.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import in_both_languages
from core.language import bilingual
from fleet import rates
from fleet.models import TxnAlert

WINDOW = dt.timedelta(hours=24)
BASELINE_WEEKS = 4
WATCHED_CODES = ("55", "96", "91", "A0")
REFUND_TYPES = ("refund", "void")

REASONS: dict[tuple[str, str], Any] = {
    ("code_spike", "55"): _(
        "持卡人输错密码的交易明显增多（55）：请提醒持卡人核对密码，终端本身正常。"
    ),
    ("code_spike", "96"): _(
        "系统故障导致的失败明显增多（96）：是银联或收单系统的问题，不是您的终端，恢复后会通知您。"
    ),
    ("code_spike", "91"): _("发卡行系统暂时不可用（91）：请持卡人稍后再试或换一张卡。"),
    ("code_spike", "A0"): _("密钥校验失败明显增多（A0）：终端需要重新签到，我们会远程处理。"),
    ("refund_spike", ""): _("退货/撤销明显增多：可能存在误用，已转风控核查。"),
    ("success_drop", ""): _("交易成功率明显低于平时：我们正在排查原因。"),
}


def _counts(start: dt.datetime, end: dt.datetime) -> dict[int, dict[str, int]]:
    from payments.models import Transaction

    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    rows = (
        Transaction.objects.filter(
            # The date range lets PostgreSQL skip the months' partitions outside the window.
            txn_date__gte=local_start.date() - dt.timedelta(days=1),
            txn_date__lte=local_end.date() + dt.timedelta(days=1),
            local_time__gte=start,
            local_time__lt=end,
        )
        .values("merchant_id")
        .annotate(
            total=Count("id"),
            ok=Count("id", filter=Q(response_code="00")),
            refunds=Count("id", filter=Q(txn_type__in=REFUND_TYPES)),
            **{f"c{code}": Count("id", filter=Q(response_code=code)) for code in WATCHED_CODES},
        )
    )
    return {row["merchant_id"]: dict(row) for row in rows}  # type: ignore[arg-type]


def _checks(row: dict[str, int]) -> list[tuple[str, str, int, str]]:
    """(kind, code, hits, bad direction) for one window's counts."""
    checks = [
        ("success_drop", "", row["ok"], rates.DOWN),
        ("refund_spike", "", row["refunds"], rates.UP),
    ]
    checks += [("code_spike", code, row[f"c{code}"], rates.UP) for code in WATCHED_CODES]
    return checks


def window_end_for(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def detect_departures(now: dt.datetime) -> list[dict[str, Any]]:
    """Every (merchant, kind, code) whose last 24 hours depart from its own baseline."""
    end = window_end_for(now)
    current = _counts(end - WINDOW, end)
    history: dict[int, list[dict[str, int]]] = defaultdict(list)
    for week in range(1, BASELINE_WEEKS + 1):
        shift = dt.timedelta(weeks=week)
        for merchant_id, row in _counts(end - WINDOW - shift, end - shift).items():
            if merchant_id in current:
                history[merchant_id].append(row)
    found = []
    for merchant_id, row in current.items():
        found.extend(_explained(_departures(merchant_id, row, history.get(merchant_id, []), end)))
    return found


def _explained(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A code spike explains a drop in the success rate: report the reason, not both."""
    if any(item["kind"] == "code_spike" for item in items):
        return [item for item in items if item["kind"] != "success_drop"]
    return items


def _departures(
    merchant_id: int, row: dict[str, int], earlier: list[dict[str, int]], end: dt.datetime
) -> list[dict[str, Any]]:
    found = []
    for index, (kind, code, hits, bad) in enumerate(_checks(row)):
        baseline = [rates.Window(_checks(old)[index][2], old["total"]) for old in earlier]
        detection = rates.detect(rates.Window(hits, row["total"]), baseline, bad)
        if detection.level != rates.NONE:
            found.append(
                {
                    "merchant_id": merchant_id,
                    "kind": kind,
                    "code": code,
                    "volume": row["total"],
                    "detection": detection,
                    "window_end": end,
                }
            )
    return found


def _notify(alert: TxnAlert) -> None:
    """Tell the merchant through the contact policy (it decides when and how)."""
    from fleet.accounts import monitor_user
    from outreach.models import Channel, Purpose, Urgency
    from outreach.services import file_request

    with transaction.atomic():
        file_request(
            merchant=alert.merchant,
            purpose=Purpose.TRANSACTION_ANOMALY,
            urgency=Urgency.HIGH if alert.level == TxnAlert.Level.CRITICAL else Urgency.NORMAL,
            channels=[Channel.INBOX, Channel.SMS],
            subject=_("交易异常提醒"),
            content=bilingual(alert.reason["zh"], alert.reason.get("en", "")),
            requested_by=monitor_user(),
            dedupe_key=f"fleet-txn-alert-{alert.pk}",
            source="fleet",
        )


def scan_transactions(now: dt.datetime | None = None, notify: bool = True) -> list[TxnAlert]:
    """Detect departures and record each as an alert once (re-running the scan adds none)."""
    now = now or timezone.now()
    created = []
    for item in detect_departures(now):
        detection = item["detection"]
        kind, code = item["kind"], item["code"]
        try:
            with transaction.atomic():
                alert = TxnAlert.objects.create(
                    merchant_id=item["merchant_id"],
                    kind=kind,
                    code=code,
                    level=detection.level,
                    audience=TxnAlert.Audience.RISK
                    if kind == "refund_spike"
                    else TxnAlert.Audience.MERCHANT,
                    window_end=item["window_end"],
                    volume=item["volume"],
                    observed=round(detection.rate, 4),
                    expected=round(detection.expected, 4),
                    score=detection.score,
                    reason=in_both_languages(REASONS[(kind, code)]),
                )
        except IntegrityError:
            continue  # this window was scanned before
        created.append(alert)
        if notify and alert.audience == TxnAlert.Audience.MERCHANT:
            _notify(alert)
    return created
