"""Proactive maintenance: a terminal the failure model puts at high risk gets one desk ticket
per problem ("replace the battery before it fails"), opened by the fleet monitor, and its
merchant hears of it through the outreach contact policy (a request with a de-dup key; the
policy decides when and how).

One ticket per terminal and problem: while it is open, scoring again adds nothing; after it
is closed, the same problem only opens a new one once a model horizon has passed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import lazy_format
from fleet import riskmodel
from fleet.accounts import monitor_user
from fleet.models import FailureEvent, FailureRisk
from fleet.predictive import PROACTIVE_KEY, score_fleet

if TYPE_CHECKING:
    from desk.models import Ticket

CATEGORY_OF_PART: dict[str, str] = {
    FailureEvent.Part.BATTERY: "power_battery",
    FailureEvent.Part.PRINTER_HEAD: "printer_paper",
    FailureEvent.Part.READER: "card_reading",
    FailureEvent.Part.BOARD: "device_fault",
    FailureEvent.Part.UNKNOWN: "device_fault",
}
WORK: dict[str, Any] = {
    FailureEvent.Part.BATTERY: _("在电池失效前更换电池"),
    FailureEvent.Part.PRINTER_HEAD: _("在打印头失效前更换打印头"),
    FailureEvent.Part.READER: _("在读卡器失效前检修或更换读卡模块"),
    FailureEvent.Part.BOARD: _("在主板失效前上门检测，必要时换机"),
    FailureEvent.Part.UNKNOWN: _("上门检测终端，必要时换机"),
}
REOPEN_AFTER = dt.timedelta(days=30)


def ticket_key(terminal_id: str, part: str, generation: int) -> str:
    return f"{PROACTIVE_KEY}{terminal_id}-{part}-{generation}"


def _generation(risk: FailureRisk, now: dt.datetime) -> tuple[int, Any]:
    """(the generation a new ticket would take, the open ticket for this problem or None);
    generation 0 means: leave it (an open ticket, or one closed too recently)."""
    from desk.models import Ticket

    prefix = f"{PROACTIVE_KEY}{risk.terminal.terminal_id}-{risk.part}-"
    earlier = list(
        Ticket.objects.filter(
            merchant_id=risk.terminal.merchant_id, idempotency_key__startswith=prefix
        )
        .order_by("-created_at")
        .only("pk", "is_open", "resolved_at", "updated_at", "idempotency_key")
    )
    if not earlier:
        return 1, None
    latest = earlier[0]
    if latest.is_open:
        return 0, latest
    closed_at = latest.resolved_at or latest.updated_at
    if now - closed_at < REOPEN_AFTER:
        return 0, None
    return len(earlier) + 1, None


def _description(risk: FailureRisk) -> Any:
    """A lazy text: the desk keeps the ticket's description in Chinese and English."""
    work = WORK[risk.part]
    return lazy_format(
        _(
            "故障预测：终端 %(terminal)s 在 30 天内发生故障的概率为 %(risk)s%%"
            "（模型 %(version)s）。建议：%(work)s。"
        ),
        terminal=risk.terminal.terminal_id,
        risk=risk.percent,
        version=risk.model_version,
        work=work,
    )


def _tell_merchant(risk: FailureRisk, ticket: Ticket) -> None:
    from outreach.models import Channel, Purpose, Urgency
    from outreach.services import file_request

    # Lazy texts: the contact request keeps them in Chinese and English.
    text = lazy_format(
        _(
            "您的终端 %(terminal)s 有部件可能即将损坏，"
            "我们已安排预防性维护（%(work)s），工单 %(number)s。"
        ),
        terminal=risk.terminal.terminal_id,
        work=WORK[risk.part],
        number=ticket.number,
    )
    file_request(
        merchant=risk.terminal.merchant,
        purpose=Purpose.SERVICE_FOLLOWUP,
        urgency=Urgency.NORMAL,
        channels=[Channel.INBOX, Channel.SMS],
        subject=_("终端预防性维护"),
        content=text,
        requested_by=monitor_user(),
        dedupe_key=f"{PROACTIVE_KEY}{ticket.number}",
        source="fleet",
    )


def open_proactive_work(
    risks: list[FailureRisk] | None = None, now: dt.datetime | None = None
) -> list[Any]:
    """A ticket for every high-risk terminal that has none for its problem; returns the new
    tickets (running it again returns none)."""
    from desk.services import open_ticket

    now = now or timezone.now()
    if risks is None:
        risks = list(
            FailureRisk.objects.filter(level=FailureRisk.Level.HIGH).select_related(
                "terminal__merchant"
            )
        )
    opened = []
    monitor = monitor_user()
    for risk in risks:
        if risk.level != FailureRisk.Level.HIGH:
            continue
        generation, current = _generation(risk, now)
        if generation == 0:
            if current is not None and risk.ticket_id != current.pk:
                FailureRisk.objects.filter(pk=risk.pk).update(ticket=current)
            continue
        with transaction.atomic():
            ticket = open_ticket(
                merchant=risk.terminal.merchant,
                terminal=risk.terminal,
                category=CATEGORY_OF_PART[risk.part],
                subcategory=str(_("预防性维护")),
                description=_description(risk),
                channel="api",
                opened_by=monitor,
                priority="P3",
                idempotency_key=ticket_key(risk.terminal.terminal_id, risk.part, generation),
            )
            FailureRisk.objects.filter(pk=risk.pk).update(ticket=ticket)
            _tell_merchant(risk, ticket)
        opened.append(ticket)
    return opened


def predict_and_act(path: Path = riskmodel.DEFAULT_PATH) -> dict[str, Any]:
    """The daily run: score every terminal, then open the proactive work."""
    bundle = riskmodel.Bundle.load(path)
    scored = score_fleet(bundle)
    high = [risk.pk for risk in scored if risk.level == FailureRisk.Level.HIGH]
    risks = list(FailureRisk.objects.filter(pk__in=high).select_related("terminal__merchant"))
    opened = open_proactive_work(risks)
    return {
        "version": bundle.version,
        "scored": len(scored),
        "high": len(high),
        "opened": len(opened),
    }
