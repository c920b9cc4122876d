"""Demo data for channels: a simulated phone system for every acquirer of the demo fleet
(secrets are drawn at random; `manage.py simulate_call` reads them from the database)."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.types import DemoLog

ORDER = 60


def load(rng: random.Random, log: DemoLog) -> None:
    from channels.models import Integration
    from directory.models import Institution

    institutions = Institution.objects.filter(kind__in=["acquirer", "bank"]).order_by("code")
    for institution in institutions:
        Integration.objects.get_or_create(
            key=f"pbx-{institution.code}"[:40],
            defaults={
                "name": f"{institution.name} 呼叫中心（模拟）",
                "kind": Integration.Kind.PHONE_SYSTEM,
                "institution": institution,
            },
        )
    log(f"  {institutions.count()} simulated phone systems")
