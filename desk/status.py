"""The public status page and the portal banner: declared outages, by region, with their updates.

Outages are announcements written for every merchant (title, region, the message for
merchants, the expected recovery); nothing on the page belongs to one merchant.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.language import current_language
from desk.models import Outage
from desk.outage_updates import OutageUpdate

PAST_DAYS = 30


@dataclass
class Incident:
    outage: Outage
    region: str
    updates: list[OutageUpdate] = field(default_factory=list)
    mine: bool = False  # reaches one of the signed-in merchant's shops

    @property
    def active(self) -> bool:
        return self.outage.status == Outage.Status.ACTIVE


def region_name(code: str) -> str:
    from merchants.regions import region_label

    if not code:
        return _("全国")
    return region_label(code, "en" if current_language() == "en" else "zh-hans")


def affects(outage: Outage, region_code: str) -> bool:
    """Whether an outage reaches a place: nationwide, or the place lies inside its region."""
    return not outage.region_code or region_code.startswith(outage.region_code)


def _incidents(outages: Any) -> list[Incident]:
    return [Incident(o, region_name(o.region_code), list(o.updates.all())) for o in outages]


def status_page(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    outages = Outage.objects.prefetch_related(
        Prefetch("updates", queryset=OutageUpdate.objects.order_by("-posted_at", "-id"))
    ).order_by("-started_at")
    current = _incidents(outages.filter(status=Outage.Status.ACTIVE))
    past = _incidents(outages.filter(status=Outage.Status.RESOLVED, resolved_at__gte=since))
    mine = {m.region_code for m in _own_merchants(request)}
    for incident in current:
        incident.mine = any(affects(incident.outage, code) for code in mine)
    context = {"current": current, "past": past, "past_days": PAST_DAYS}
    return render(request, "desk/status.html", context)


def _own_merchants(request: HttpRequest) -> list[Any]:
    from merchants.models import Merchant

    user = request.user
    if not user.is_authenticated or not getattr(user, "is_merchant_user", False):
        return []
    return list(Merchant.objects.visible_to(user).only("pk", "region_code", "name"))


def outage_banner(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the active outages reaching one of the signed-in merchant's shops."""
    merchants = _own_merchants(request)
    if not merchants:
        return {}
    outages = [
        o
        for o in Outage.objects.filter(status=Outage.Status.ACTIVE).order_by("-started_at")
        if any(affects(o, m.region_code) for m in merchants)
    ]
    return {"outage_banner": [Incident(o, region_name(o.region_code)) for o in outages]}
