"""Statements for reconciliation: a day's transactions, or a month day by day, with the
payouts that paid them — as rows that the CSV and PDF writers share. Everything is read
through `visible_to`, so a statement never holds more than its reader may see."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from payments.models import Payout, Transaction
from payments.vocabulary import CREDIT_TYPES, TransactionStatus, TransactionType

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant

DEBIT_TYPES = (TransactionType.REFUND,)


def money(fen: int) -> str:
    """Plain yuan with two decimals and a sign, as spreadsheets read it: -12.30."""
    return f"{Decimal(fen) / 100:.2f}"


@dataclass
class Statement:
    title: str
    merchant: Merchant
    period: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    summary: list[tuple[str, str]] = field(default_factory=list)
    payout_columns: list[str] = field(default_factory=list)
    payouts: list[list[str]] = field(default_factory=list)
    generated_at: str = ""

    @property
    def filename(self) -> str:
        return f"statement-{self.merchant.merchant_id}-{self.period}"


def parse_period(period: str) -> tuple[dt.date, dt.date] | None:
    """(first, last) day of "YYYY-MM-DD" or "YYYY-MM"; None when it is neither or out of range."""
    try:
        if len(period) == 10:
            day = dt.date.fromisoformat(period)
            first = last = day
        elif len(period) == 7:
            first = dt.date.fromisoformat(period + "-01")
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        else:
            return None
    except ValueError:
        return None
    if not dt.date(2000, 1, 1) <= first <= dt.date(2099, 12, 31):
        return None
    return first, last


def signed(txn: Transaction) -> int:
    """What a transaction adds to the day's net: approved sales in, approved refunds out."""
    if txn.status not in (TransactionStatus.APPROVED, TransactionStatus.REFUNDED):
        return 0
    if txn.txn_type in CREDIT_TYPES:
        return txn.amount
    if txn.txn_type in DEBIT_TYPES and txn.status == TransactionStatus.APPROVED:
        return -txn.amount
    return 0


def _payouts(
    user: User, merchant: Merchant, first: dt.date, last: dt.date
) -> tuple[list[str], list[list[str]]]:
    columns = [_("付款日期"), _("清算日"), _("金额"), _("状态"), _("原因"), _("银行流水号")]
    rows = Payout.objects.visible_to(user).filter(
        merchant=merchant, period_start__lte=last, period_end__gte=first
    )
    return columns, [
        [
            f"{p.payout_date:%Y-%m-%d}",
            f"{p.period_start:%Y-%m-%d}–{p.period_end:%Y-%m-%d}",
            money(p.amount),
            p.get_status_display(),
            p.get_reason_display() if p.reason else "",
            p.bank_reference,
        ]
        for p in rows.order_by("payout_date")
    ]


def _transactions(user: User, merchant: Merchant, first: dt.date, last: dt.date) -> Any:
    return (
        Transaction.objects.visible_to(user)
        .filter(merchant=merchant, txn_date__gte=first, txn_date__lte=last)
        .select_related("terminal")
        .order_by("local_time", "pk")
    )


def daily(user: User, merchant: Merchant, day: dt.date) -> Statement:
    columns = [
        _("时间"),
        _("终端号"),
        _("类型"),
        _("卡号"),
        _("金额"),
        _("应答码"),
        _("状态"),
        _("参考号"),
        _("凭证号"),
        _("计入净额"),
    ]
    statement = Statement(_("日对账单"), merchant, f"{day:%Y-%m-%d}", columns)
    gross = refunds = count = 0
    for txn in _transactions(user, merchant, day, day):
        value = signed(txn)
        gross += max(value, 0)
        refunds += -min(value, 0)
        count += value > 0
        statement.rows.append(
            [
                timezone.localtime(txn.local_time).strftime("%Y-%m-%d %H:%M:%S"),
                txn.terminal.terminal_id if txn.terminal else "",
                txn.get_txn_type_display(),
                txn.pan_masked or txn.card_last4,
                money(txn.amount),
                txn.response_code,
                txn.get_status_display(),
                txn.rrn or "",
                txn.stan,
                money(value),
            ]
        )
    statement.summary = _summary(count, gross, refunds)
    statement.payout_columns, statement.payouts = _payouts(user, merchant, day, day)
    statement.generated_at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return statement


def monthly(user: User, merchant: Merchant, first: dt.date, last: dt.date) -> Statement:
    columns = [_("交易日"), _("成功笔数"), _("交易金额"), _("退货金额"), _("净额")]
    statement = Statement(_("月对账单"), merchant, f"{first:%Y-%m}", columns)
    days: dict[dt.date, list[int]] = {}
    for txn in _transactions(user, merchant, first, last).only(
        "txn_date", "txn_type", "status", "amount", "terminal"
    ):
        value = signed(txn)
        sums = days.setdefault(txn.txn_date, [0, 0, 0])
        sums[0] += value > 0
        sums[1] += max(value, 0)
        sums[2] += -min(value, 0)
    for date, (count, gross, refunds) in sorted(days.items()):
        statement.rows.append(
            [f"{date:%Y-%m-%d}", str(count), money(gross), money(refunds), money(gross - refunds)]
        )
    totals = [sum(values) for values in zip(*days.values(), strict=True)] if days else [0, 0, 0]
    statement.summary = _summary(*totals)
    statement.payout_columns, statement.payouts = _payouts(user, merchant, first, last)
    statement.generated_at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return statement


def _summary(count: int, gross: int, refunds: int) -> list[tuple[str, str]]:
    return [
        (_("成功笔数"), str(count)),
        (_("交易金额"), money(gross)),
        (_("退货金额"), money(refunds)),
        (_("净额（未扣手续费）"), money(gross - refunds)),
    ]
