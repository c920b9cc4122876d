"""Outage notices to every merchant of the affected region, through the outreach policy.

Merchants with a ticket linked to the outage hear of it on that ticket (desk.services.outages);
every other active merchant of the region gets one contact request per step of the outage
(declared, each update, resolved), filed with a de-dup key so that a step is never announced
twice to the same merchant. The outreach policy picks the channel (portal inbox; an SMS when
it matters and the merchant allows it) and respects quiet hours and "contact me less".
A nationwide outage (no region) reaches merchants through the status page and the portal
banner only: filing thousands of requests from one click is a campaign, not a notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from desk.models import Outage

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from merchants.models import Merchant

PURPOSE = "service_outage"


def region_merchants(outage: Outage) -> QuerySet[Merchant]:
    """Active merchants inside the outage's region (none for a nationwide outage)."""
    from merchants.models import Merchant

    if not outage.region_code:
        return Merchant.objects.none()
    return Merchant.objects.filter(
        status="active", region_code__startswith=outage.region_code
    ).order_by("pk")


def _channels() -> list[str]:
    """The portal inbox, and SMS if we have a registered number to send it from."""
    from directory.models import RegisteredNumber

    sms = RegisteredNumber.objects.active().filter(kind__in=["both", "sms"]).exists()
    return ["inbox", "sms"] if sms else ["inbox"]


def notify_region(outage: Outage, *, step: str, text: Any, by: User, skip: set[int]) -> int:
    """File one outreach request per merchant of the region not in `skip` (merchant pks) and
    not yet told about this step; returns how many were filed."""
    from outreach.models import ContactRequest
    from outreach.services import file_request

    key = f"outage:{outage.pk}:{step}"
    told = set(ContactRequest.objects.filter(dedupe_key=key).values_list("merchant_id", flat=True))
    urgency = "normal" if step == "resolved" else "high"
    channels = _channels()
    filed = 0
    for merchant in region_merchants(outage).exclude(pk__in=skip | told).select_related("acquirer"):
        file_request(
            merchant=merchant,
            purpose=PURPOSE,
            urgency=urgency,
            channels=channels,
            subject=outage.shown_title,
            content=lazy_format(
                "%(text)s\n%(label)s: %(url)s",
                text=text,
                label=_("查看故障进展"),
                url=f"{settings.SITE_URL}{reverse('status')}",
            ),
            requested_by=by,
            dedupe_key=key,
            source="outage",
            validate=False,  # the policy suppresses what a merchant refused; nothing to refuse
        )
        filed += 1
    return filed
