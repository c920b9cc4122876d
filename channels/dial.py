"""Click-to-dial: an agent calls a merchant through the phone system, but only as the outreach
policy allows, from a registered outbound number, with a verification code the merchant can
check — and the call is in the contact log like any other contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from channels.adapters import Originate, phone_system
from channels.calls import CallEventError
from channels.models import Call, Integration

if TYPE_CHECKING:
    from accounts.models import User
    from merchants.models import Merchant


@dataclass
class DialResult:
    request: Any  # outreach.ContactRequest: the policy's decision and reasons
    call: Call | None


def _phone_system_for(merchant: Merchant) -> Integration:
    systems = Integration.objects.filter(kind=Integration.Kind.PHONE_SYSTEM, is_active=True)
    found = systems.filter(institution_id=merchant.acquirer_id or 0).first() or systems.first()
    if found is None:
        raise CallEventError(_("没有可用的电话系统接入，请先在管理后台添加"))
    return found


@transaction.atomic
def dial(
    merchant: Merchant, *, agent: User, reason: str = "", now: dt.datetime | None = None
) -> DialResult:
    """File a call request; when the policy lets it go now, the phone system rings the
    agent's extension and then the merchant from the registered number."""
    from outreach.models import CallTask, ContactRequest
    from outreach.services import claim_call, file_request

    if not getattr(agent, "is_agent", False) or not agent.agent_no:
        raise CallEventError(_("只有有工号的客服人员可以外呼"))
    system = _phone_system_for(merchant)
    request = file_request(
        merchant=merchant,
        purpose="service_followup",
        urgency="high",
        channels=["phone"],
        subject=_("坐席回电"),
        content=reason.strip()[:500] or _("客服坐席就您的服务请求回电。"),
        requested_by=agent,
        source="click_to_dial",
        now=now,
    )
    if request.status != ContactRequest.Status.SENT:
        return DialResult(request=request, call=None)
    task = CallTask.objects.get(request=request)
    claim_call(task, agent)
    call = Call.objects.create(
        integration=system,
        external_id=f"dial-{task.pk}-{task.attempts + 1}",
        direction=Call.Direction.OUTBOUND,
        caller=task.registered_number.number,
        called=task.phone,
        agent=agent,
        agent_no=agent.agent_no,
        state=Call.State.DIALING,
        merchant=merchant,
        call_task=task,
    )
    order = Originate(call.external_id, task.registered_number.number, task.phone, agent.agent_no)
    transaction.on_commit(lambda: phone_system(system.adapter).originate(order))
    return DialResult(request=request, call=call)


def log_outbound(call: Call) -> None:
    """The end of a click-to-dial call goes into the contact log with its verification code."""
    from outreach.models import CallTask, ContactAttempt
    from outreach.services import log_call

    task = call.call_task
    if task is None or task.status not in (CallTask.Status.OPEN, CallTask.Status.CLAIMED):
        return
    if call.agent is None:
        return  # a click-to-dial call always has its agent; nobody else may sign the log
    outcome = (
        ContactAttempt.Outcome.ANSWERED if call.answered_at else ContactAttempt.Outcome.NO_ANSWER
    )
    duration = call.duration_seconds
    summary = str(_("坐席外呼")) + (f" · {duration // 60}:{duration % 60:02d}" if duration else "")
    log_call(
        task,
        agent=call.agent,
        outcome=outcome,
        summary=summary,
        registered_number=task.registered_number,
        now=call.ended_at,
    )
