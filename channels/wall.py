"""The supervisor's live wall: calls waiting and in progress per queue, what each agent is
doing on the phone, assistant hand-offs waiting, tickets whose SLA is at risk."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone

from channels.models import Call

AT_RISK_WITHIN = dt.timedelta(hours=1)


def wall(now: dt.datetime | None = None) -> dict[str, Any]:
    from accounts.models import User
    from assistant.models import Conversation
    from desk.models import Ticket

    now = now or timezone.now()
    live = list(
        Call.objects.live()
        .filter(started_at__gte=now - dt.timedelta(hours=12))
        .values("queue", "state", "agent_id", "started_at")
    )
    waiting = Counter(c["queue"] for c in live if c["agent_id"] is None or c["state"] == "ringing")
    talking = Counter(c["queue"] for c in live if c["state"] in ("answered", "transferred"))
    queues = sorted(set(waiting) | set(talking))
    by_agent = {c["agent_id"]: c for c in live if c["agent_id"]}
    # People who take calls: not the system's own staff accounts (the fleet monitor, the
    # settlement notices), which sign what they do but cannot sign in.
    people = User.objects.filter(role__in=["l1", "l2"], is_active=True).exclude(
        password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    agents = [
        {"agent": agent, "call": by_agent.get(agent.pk)} for agent in people.order_by("agent_no")
    ]
    open_tickets = Ticket.objects.open()
    return {
        "queues": [{"name": q, "waiting": waiting[q], "talking": talking[q]} for q in queues],
        "agents": agents,
        "handoffs_waiting": Conversation.objects.filter(
            status=Conversation.Status.HANDED_OFF, updated_at__gte=now - dt.timedelta(days=1)
        ).count(),
        "sla_breached": open_tickets.filter(sla_breached=True).count(),
        "sla_at_risk": open_tickets.filter(
            sla_breached=False, sla_due_at__lte=now + AT_RISK_WITHIN
        ).count(),
        "now": now,
    }
