"""Transaction health: each merchant's — and each of its terminals' — success rate,
refund/void rate and response-code mix over the last 24 hours against the same hours of the
same weekday in the four weeks before (`fleet.rates`, robust statistics with a minimum volume).
A significant departure becomes a `TxnAlert` that says the likely reason in the merchant's
words; alerts reach the console and, through the outreach contact policy, the merchant — a
refund spike goes to the risk team.

A terminal is judged against its own baseline only where its merchant has more than one
terminal trading in the window (with one, the merchant's alert is the terminal's); the merchant
hears of a terminal's departure only when its own figures raised no alert of that kind.

Each window is one aggregate query per (merchant, terminal); the merchant's counts are their
sums, so a scan of a million transactions takes seconds (bench/bench_fleet.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import in_both_languages, lazy_format
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
# A terminal's own departure: the same reason, naming the terminal.
TERMINAL_REASON = _("终端 %(terminal)s：%(reason)s")


COUNTS = ("total", "ok", "refunds", *(f"c{code}" for code in WATCHED_CODES))
Key = tuple[int, int | None]  # (merchant, terminal); terminal None: the merchant as a whole


def _counts(start: dt.datetime, end: dt.datetime) -> dict[Key, dict[str, int]]:
    """Each merchant's and each terminal's counts in [start, end)."""
    from payments.models import Transaction

    rows = (
        # `in_window` bounds the business date too: PostgreSQL skips the other months.
        Transaction.objects.in_window(start, end)
        .values("merchant_id", "terminal_id")
        .annotate(
            total=Count("id"),
            ok=Count("id", filter=Q(response_code="00")),
            refunds=Count("id", filter=Q(txn_type__in=REFUND_TYPES)),
            **{f"c{code}": Count("id", filter=Q(response_code=code)) for code in WATCHED_CODES},
        )
    )
    counts: dict[Key, dict[str, int]] = {}
    for found in rows:
        row: dict[str, Any] = dict(found)
        merchant, terminal = row["merchant_id"], row["terminal_id"]
        numbers = {name: row[name] for name in COUNTS}
        whole = counts.setdefault((merchant, None), dict.fromkeys(COUNTS, 0))
        for name in COUNTS:
            whole[name] += numbers[name]
        if terminal is not None:
            counts[(merchant, terminal)] = numbers
    return counts


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


def _watched(current: dict[Key, dict[str, int]]) -> dict[Key, dict[str, int]]:
    """Every merchant, and the terminals of merchants with more than one trading."""
    trading: dict[int, int] = defaultdict(int)
    for merchant, terminal in current:
        if terminal is not None:
            trading[merchant] += 1
    return {key: row for key, row in current.items() if key[1] is None or trading[key[0]] > 1}


def detect_departures(now: dt.datetime) -> list[dict[str, Any]]:
    """Every (merchant or terminal, kind, code) whose last 24 hours depart from its own
    baseline; `terminal_id` is None for the merchant as a whole."""
    end = window_end_for(now)
    current = _watched(_counts(end - WINDOW, end))
    history: dict[Key, list[dict[str, int]]] = defaultdict(list)
    for week in range(1, BASELINE_WEEKS + 1):
        shift = dt.timedelta(weeks=week)
        for key, row in _counts(end - WINDOW - shift, end - shift).items():
            if key in current:
                history[key].append(row)
    found = []
    for key, row in current.items():
        found.extend(_explained(_departures(key, row, history.get(key, []), end)))
    return found


def _explained(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A code spike explains a drop in the success rate: report the reason, not both."""
    if any(item["kind"] == "code_spike" for item in items):
        return [item for item in items if item["kind"] != "success_drop"]
    return items


def _departures(
    key: Key, row: dict[str, int], earlier: list[dict[str, int]], end: dt.datetime
) -> list[dict[str, Any]]:
    found = []
    for index, (kind, code, hits, bad) in enumerate(_checks(row)):
        baseline = [rates.Window(_checks(old)[index][2], old["total"]) for old in earlier]
        detection = rates.detect(rates.Window(hits, row["total"]), baseline, bad)
        if detection.level != rates.NONE:
            found.append(
                {
                    "merchant_id": key[0],
                    "terminal_id": key[1],
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
    found = detect_departures(now)
    merchant_wide = {
        (item["merchant_id"], item["kind"], item["code"])
        for item in found
        if item["terminal_id"] is None
    }
    terminal_numbers = _terminal_numbers({item["terminal_id"] for item in found})
    for item in found:
        detection = item["detection"]
        kind, code, terminal = item["kind"], item["code"], item["terminal_id"]
        reason = REASONS[(kind, code)]
        if terminal is not None:
            reason = lazy_format(
                TERMINAL_REASON, terminal=terminal_numbers[terminal], reason=reason
            )
        try:
            with transaction.atomic():
                alert = TxnAlert.objects.create(
                    merchant_id=item["merchant_id"],
                    terminal_id=terminal,
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
                    reason=in_both_languages(reason),
                )
        except IntegrityError:
            continue  # this window was scanned before
        created.append(alert)
        told = terminal is not None and (item["merchant_id"], kind, code) in merchant_wide
        if notify and alert.audience == TxnAlert.Audience.MERCHANT and not told:
            _notify(alert)
    return created


def _terminal_numbers(pks: set[int | None]) -> dict[int, str]:
    from terminals.models import Terminal

    wanted = [pk for pk in pks if pk is not None]
    if not wanted:
        return {}
    return dict(Terminal.objects.filter(pk__in=wanted).values_list("pk", "terminal_id"))
