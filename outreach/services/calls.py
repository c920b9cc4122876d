"""Agents' calls: claim a call task and log how the call went."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import check_staff
from core.errors import lazy_format
from outreach.models import (
    CallTask,
    Channel,
    ContactAttempt,
)
from outreach.services.common import (
    RequestError,
)

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def claim_call(task: CallTask, agent: User) -> bool:
    """An agent takes a call from the list; False if someone else already has it."""
    check_staff(agent)
    return bool(
        CallTask.objects.filter(pk=task.pk, status=CallTask.Status.OPEN).update(
            status=CallTask.Status.CLAIMED, assigned_to=agent
        )
    )


@transaction.atomic
def log_call(
    task: CallTask,
    *,
    agent: User,
    outcome: str,
    summary: str,
    registered_number: Any,
    now: dt.datetime | None = None,
) -> ContactAttempt:
    """Record one call attempt. Answered (or refused, wrong number) closes the task; no answer
    leaves it open until the third try."""
    check_staff(agent)
    now = now or timezone.now()
    if outcome not in ContactAttempt.CALL_OUTCOMES:
        raise RequestError(lazy_format(_("未知的通话结果“%(value)s”"), value=outcome), "outcome")
    if registered_number is None or not registered_number.is_active:
        raise RequestError(_("请选择本次外呼使用的登记号码"), "registered_number")
    task = CallTask.objects.select_for_update().get(pk=task.pk)
    if task.status not in (CallTask.Status.OPEN, CallTask.Status.CLAIMED):
        raise RequestError(_("该外呼任务已关闭"), "task")
    attempt = ContactAttempt.objects.create(
        merchant_id=task.merchant_id,
        request_id=task.request_id,
        purpose=task.request.purpose,
        channel=Channel.PHONE,
        registered_number=registered_number,
        from_number=registered_number.number,
        to_address=task.phone,
        agent=agent,
        agent_no=agent.agent_no or "",
        occurred_at=now,
        outcome=outcome,
        summary=(summary.strip() or task.request.subject)[:300],
        verification_code=task.verification_code,
        override=task.request.override,
    )
    task.attempts += 1
    task.assigned_to = agent
    if outcome in (ContactAttempt.Outcome.NO_ANSWER, ContactAttempt.Outcome.BUSY):
        if task.attempts >= CallTask.MAX_ATTEMPTS:
            task.status, task.closed_at = CallTask.Status.UNREACHABLE, now
        else:
            task.status = CallTask.Status.OPEN
            task.due_at = now + dt.timedelta(hours=2)
    else:
        task.status, task.closed_at = CallTask.Status.DONE, now
    task.save(update_fields=["attempts", "assigned_to", "status", "due_at", "closed_at"])
    return attempt
