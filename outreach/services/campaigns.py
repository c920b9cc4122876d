"""Campaigns: simulate first, then send."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from outreach import policy
from outreach.models import (
    Campaign,
)
from outreach.services.common import (
    make_policy,
)
from outreach.services.policy_inputs import histories_for, preferences_for
from outreach.services.requests import file_request

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from merchants.models import Merchant


def campaign_merchants(campaign: Campaign) -> QuerySet[Merchant]:
    from merchants.models import Merchant

    merchants = Merchant.objects.filter(status="active")
    if campaign.region_prefix:
        merchants = merchants.filter(region_code__startswith=campaign.region_prefix)
    if campaign.mcc:
        merchants = merchants.filter(mcc=campaign.mcc)
    if campaign.merchant_ids:
        merchants = merchants.filter(merchant_id__in=campaign.merchant_ids)
    return merchants.order_by("pk")


def simulate_campaign(campaign: Campaign, now: dt.datetime | None = None) -> dict[str, Any]:
    """What would happen if the campaign went out now: counts per decision and the reasons.
    Nothing is written except the summary on the campaign."""
    now = now or timezone.now()
    merchants = list(campaign_merchants(campaign))
    prefs = preferences_for(merchants)
    histories = histories_for([m.pk for m in merchants], now)
    rules = make_policy()
    decisions = []
    for merchant in merchants:
        request = policy.ContactRequest(
            request_id=None,
            merchant_id=merchant.pk,
            purpose=campaign.purpose,
            urgency=campaign.urgency,
            channels=tuple(campaign.channels),
            created_at=now,
            dedupe_key=f"campaign-{campaign.pk}",
            expires_at=campaign.expires_at,
        )
        decisions.append(rules.decide(request, prefs[merchant.pk], histories[merchant.pk], now))
    summary = policy.summarize(decisions)
    summary["merchants"] = len(merchants)
    campaign.simulation = summary
    campaign.simulated_at = now
    campaign.save(update_fields=["simulation", "simulated_at"])
    return summary


def launch_campaign(campaign: Campaign, now: dt.datetime | None = None) -> int:
    """File one request per merchant (the policy decides each); returns how many were filed.
    A campaign is launched once."""
    if not Campaign.objects.filter(pk=campaign.pk, launched_at__isnull=True).update(
        launched_at=now or timezone.now()
    ):
        return 0
    count = 0
    for merchant in campaign_merchants(campaign).select_related("acquirer"):
        file_request(
            merchant=merchant,
            purpose=campaign.purpose,
            urgency=campaign.urgency,
            channels=list(campaign.channels),
            subject=campaign.subject,
            content=campaign.content,
            requested_by=campaign.created_by,
            dedupe_key=f"campaign-{campaign.pk}",
            expires_at=campaign.expires_at,
            source="campaign",
            campaign=campaign,
            now=now,
            validate=False,  # opted-out merchants are suppressed by the policy, not refused
        )
        count += 1
    return count
