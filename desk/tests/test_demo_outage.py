"""Issue 15, "Done when" 3: the demo's region-wide outage (Guangdong, declared by desk.demo
through `declare_outage`) notifies every active merchant of the region exactly once — on their
linked ticket or through the outreach policy — and no merchant outside it. Runs the demo's own
merchant and desk parts, with load_demo's generators."""

from __future__ import annotations

import random
from collections import Counter

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_outage_tells_each_merchant_of_the_region_once_and_none_outside():
    from core.management.commands.load_demo import SEED
    from desk import demo as desk_demo
    from desk.models import Outage
    from merchants import demo as merchants_demo
    from merchants.models import Merchant
    from notifications.models import Notification
    from outreach.models import ContactRequest

    for module in (merchants_demo, desk_demo):
        module.load(random.Random(f"{SEED}:{module.__name__}"), lambda line: None)
    outage = Outage.objects.get(status=Outage.Status.ACTIVE, region_code="44")
    region = set(
        Merchant.objects.filter(status="active", region_code__startswith="44").values_list(
            "pk", flat=True
        )
    )
    assert len(region) > 100  # a real region, not a handful
    by_outreach = Counter(
        ContactRequest.objects.filter(dedupe_key=f"outage:{outage.pk}:declared").values_list(
            "merchant_id", flat=True
        )
    )
    assert set(by_outreach) == region  # declared before any ticket was linked: all of them
    assert max(by_outreach.values()) == 1
    outside = Merchant.objects.exclude(pk__in=region).values_list("pk", flat=True)
    assert not ContactRequest.objects.filter(
        purpose="service_outage", merchant_id__in=outside
    ).exists()
    assert not Notification.objects.filter(
        event__startswith="outreach.service_outage", merchant_id__in=outside
    ).exists()
