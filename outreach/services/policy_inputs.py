"""The contact policy's inputs read from the database: preferences and contact histories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from outreach import policy
from outreach.models import (
    ContactPreference,
    ContactRequest,
)
from outreach.services.common import (
    HISTORY_DAYS,
)

if TYPE_CHECKING:
    from merchants.models import Merchant


def preferences_for(merchants: Iterable[Any]) -> dict[int, policy.Preferences]:
    merchants = list(merchants)
    rows = {
        p.merchant_id: p
        for p in ContactPreference.objects.filter(merchant__in=[m.pk for m in merchants])
    }
    result = {}
    for merchant in merchants:
        row = rows.get(merchant.pk)
        result[merchant.pk] = (
            row.to_policy(merchant.timezone)
            if row
            else policy.Preferences(timezone=merchant.timezone)
        )
    return result


def histories_for(
    merchant_pks: Iterable[int], now: dt.datetime, exclude: int | None = None
) -> dict[int, policy.History]:
    """Each merchant's recent and booked contacts, plus the de-duplication keys in window."""
    pks = list(merchant_pks)
    histories: dict[int, policy.History] = {pk: policy.History() for pk in pks}
    since = now - dt.timedelta(days=HISTORY_DAYS)
    rows = (
        ContactRequest.objects.filter(merchant_id__in=pks)
        .filter(
            status__in=[
                ContactRequest.Status.SENT,
                ContactRequest.Status.SCHEDULED,
                ContactRequest.Status.SENDING,
            ]
        )
        .filter(Q(created_at__gte=since) | Q(scheduled_for__gte=since) | Q(sent_at__gte=since))
        .values_list(
            "pk",
            "merchant_id",
            "purpose",
            "channel",
            "override",
            "dedupe_key",
            "created_at",
            "expires_at",
            "scheduled_for",
            "sent_at",
        )
        .order_by("created_at")
    )
    for pk, merchant_pk, purpose, channel, override, key, created, expires, scheduled, sent in rows:
        if pk == exclude:
            continue
        when = sent or scheduled or created
        until = None
        if key:
            until = (expires or created + policy.DEDUPE_WINDOW).timestamp()
        histories[merchant_pk].add(
            when.timestamp(),
            purpose,
            channel,
            override,
            request_id=pk,
            dedupe_key=key or None,
            dedupe_until=until,
        )
    return histories


def _locked_preferences(merchant: Merchant) -> policy.Preferences:
    """The merchant's preferences, with the row locked: decisions for one merchant are taken
    one at a time, so two requests filed together cannot both take the last slot of a cap."""
    ContactPreference.objects.get_or_create(merchant=merchant)
    row = ContactPreference.objects.select_for_update().get(merchant=merchant)
    return row.to_policy(merchant.timezone)
