"""Figures for the supervisor dashboard: containment, hand-off reasons, top intents, and the
messages the assistant could not answer (what the knowledge base should cover next)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from assistant.intents import intent_label
from assistant.models import Conversation, HandOff, Message

if TYPE_CHECKING:
    from accounts.models import User


def dashboard(user: User, days: int = 30, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    conversations = (
        Conversation.objects.visible_to(user)
        .filter(started_at__gte=since)
        .annotate(
            has_handoff=Exists(HandOff.objects.filter(conversation=OuterRef("pk"))),
            inbound=Count("messages", filter=Q(messages__direction=Message.Direction.IN)),
        )
        .filter(inbound__gt=0)
    )
    total = conversations.count()
    handed_off = conversations.filter(has_handoff=True).count()
    inbound = Message.objects.visible_to(user).inbound().filter(created_at__gte=since)
    message_count = inbound.count()
    unanswered_count = inbound.filter(unanswered=True).count()
    second_opinion_count = inbound.filter(second_opinion=True).count()

    daily = []
    per_day = (
        conversations.annotate(day=TruncDate("started_at"))
        .values("day")
        .annotate(
            total=Count("pk", distinct=True),
            handed=Count("pk", filter=Q(has_handoff=True), distinct=True),
        )
        .order_by("day")
    )
    for row in per_day:
        daily.append(
            {
                "day": row["day"].isoformat(),
                "conversations": row["total"],
                "containment": round(1 - row["handed"] / row["total"], 3) if row["total"] else None,
            }
        )
    reasons = (
        HandOff.objects.visible_to(user)
        .filter(created_at__gte=since)
        .values("reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "reason")
    )
    reason_labels = dict(HandOff.Reason.choices)
    intents = inbound.values("intent").annotate(count=Count("pk")).order_by("-count", "intent")[:10]
    return {
        "days": days,
        "conversations": total,
        "handed_off": handed_off,
        "containment": round((total - handed_off) / total, 3) if total else None,
        "messages": message_count,
        "unanswered": unanswered_count,
        "answered_share": round(1 - unanswered_count / message_count, 3) if message_count else None,
        # Messages whose reading the optional second opinion settled (issue 11).
        "second_opinion": second_opinion_count,
        "second_opinion_share": (
            round(second_opinion_count / message_count, 3) if message_count else None
        ),
        "daily": daily,
        "handoff_reasons": [
            {
                "reason": row["reason"],
                "label": str(reason_labels.get(row["reason"], row["reason"])),
                "count": row["count"],
            }
            for row in reasons
        ],
        "top_intents": [
            {"intent": row["intent"], "label": intent_label(row["intent"]), "count": row["count"]}
            for row in intents
        ],
        "unanswered_messages": list(
            inbound.filter(unanswered=True)
            .select_related("conversation")
            .order_by("-created_at")[:50]
        ),
    }
