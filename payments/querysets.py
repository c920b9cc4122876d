"""Reusable filters for the payments models; scoping comes from `core.scoping`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.scoping import ScopedQuerySet, shop_condition
from payments.vocabulary import CREDIT_TYPES, TransactionStatus

if TYPE_CHECKING:  # the models import these querysets; names for the type checker only
    from payments.models import (  # noqa: F401
        DisputeCase,
        Investigation,
        Payout,
        SettlementTerms,
        Transaction,
    )


# The business date of a transaction is its local date in the merchant's time zone: never more
# than a day from the date of the same moment in the service's time zone.
_DATE_MARGIN = dt.timedelta(days=2)


class SettlementTermsQuerySet(ScopedQuerySet["SettlementTerms"]):
    merchant_path = "merchant"


class TransactionQuerySet(ScopedQuerySet["Transaction"]):
    merchant_path = "merchant"

    def cashier_condition(self, user: object, shifts: QuerySet) -> Q | None:  # type: ignore[type-arg]
        """A cashier sees today's transactions of their shop's terminals."""
        terminal = apps.get_model("terminals", "Terminal")
        shop = terminal._base_manager.filter(shop_condition(shifts, "store", "merchant"))
        midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        return Q(terminal__in=shop.values("pk"), local_time__gte=midnight)

    def by_rrn(self, rrn: str) -> TransactionQuerySet:
        return self.filter(rrn=rrn.strip())

    def by_stan(self, stan: str, date: dt.date) -> TransactionQuerySet:
        """The trace number printed on the slip (凭证号), on the day of the transaction."""
        stan = stan.strip()
        if stan.isdigit():
            stan = stan.zfill(6)
        return self.filter(stan=stan, txn_date=date)

    def by_amount(
        self, amount_fen: int, start: dt.datetime, end: dt.datetime
    ) -> TransactionQuerySet:
        return self.filter(amount=amount_fen, local_time__gte=start, local_time__lt=end)

    def in_window(self, start: dt.datetime, end: dt.datetime) -> TransactionQuerySet:
        """Local time in [start, end). The business date (`txn_date`, the merchant's local
        date) is bounded too, with a margin of two days for any time zone: the same rows, but
        PostgreSQL reads only the month partitions the window touches instead of all of them
        (the default 30-day look-up read 49 partitions)."""
        window = self.filter(local_time__gte=start, local_time__lt=end)
        try:
            first = timezone.localtime(start).date() - _DATE_MARGIN
            last = timezone.localtime(end).date() + _DATE_MARGIN
        except (OverflowError, ValueError):  # a window at the ends of the calendar
            return window
        return window.filter(txn_date__gte=first, txn_date__lte=last)

    def since(self, start: dt.datetime) -> TransactionQuerySet:
        """Local time from `start` on, with the business date bounded as in `in_window`, so
        PostgreSQL reads only the months from `start` (a panel's "recent" list ordered by time
        was planned and read over every month partition)."""
        recent = self.filter(local_time__gte=start)
        try:
            return recent.filter(txn_date__gte=timezone.localtime(start).date() - _DATE_MARGIN)
        except (OverflowError, ValueError):
            return recent

    def by_card_last4(self, last4: str) -> TransactionQuerySet:
        return self.filter(card_last4=last4.strip()[-4:])

    def on_date(self, date: dt.date) -> TransactionQuerySet:
        return self.filter(txn_date=date)

    def today(self, now: dt.datetime | None = None) -> TransactionQuerySet:
        """Today's records in the service's local time zone."""
        return self.filter(txn_date=timezone.localdate(now))

    def approved(self) -> TransactionQuerySet:
        return self.filter(status=TransactionStatus.APPROVED)

    def credits(self) -> TransactionQuerySet:
        """Approved transactions that bring money to the merchant."""
        return self.filter(status=TransactionStatus.APPROVED, txn_type__in=CREDIT_TYPES)


class PayoutQuerySet(ScopedQuerySet["Payout"]):
    merchant_path = "merchant"

    def covering(self, business_date: dt.date) -> PayoutQuerySet:
        return self.filter(period_start__lte=business_date, period_end__gte=business_date)


class InvestigationQuerySet(ScopedQuerySet["Investigation"]):
    merchant_path = "merchant"


class DisputeCaseQuerySet(ScopedQuerySet["DisputeCase"]):
    merchant_path = "merchant"
