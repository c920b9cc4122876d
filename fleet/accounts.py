"""The fleet monitor's own staff account: it signs what the monitoring does by itself
(contact requests for alerts, proposed incidents), so every action stays attributable."""

from __future__ import annotations

from accounts.models import User

MONITOR_USERNAME = "fleet-monitor"
MONITOR_AGENT_NO = "F0001"


def monitor_user() -> User:
    user, created = User.objects.get_or_create(
        username=MONITOR_USERNAME,
        defaults={
            "role": User.Role.L2,
            "agent_no": MONITOR_AGENT_NO,
            "display_name": "终端运维监控",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
