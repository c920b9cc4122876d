"""The desk's one door to the notifications app (portal inbox, e-mail, SMS, voice).

Every notice the desk sends goes through these two functions, so the events are named in one
place and the notifications app's preferences, delivery log and exactly-once keys apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from channels import mail_rules

if TYPE_CHECKING:
    from accounts.models import User
    from desk.models import Ticket
    from merchants.models import Merchant

# (event key, label, audience): registered with the notifications app in DeskConfig.ready().
EVENTS = (
    ("desk.ticket_update", _("工单进展"), "merchant"),
    ("desk.visit_scheduled", _("上门服务预约"), "merchant"),
    ("desk.outage_update", pgettext_lazy("plural", "故障进展"), "merchant"),
    ("desk.outage_resolved", _("故障恢复"), "merchant"),
    ("desk.assigned", _("工单分配"), "staff"),
    ("desk.merchant_reply", _("商户回复"), "staff"),
    ("desk.commitment_assigned", _("新的承诺"), "staff"),
    ("desk.commitment_reminder", _("承诺到期提醒"), "staff"),
    ("desk.commitment_overdue", _("承诺逾期"), "staff"),
    ("desk.sla_breach", _("SLA 超时"), "staff"),
)


def register_events() -> None:
    from notifications.events import EMAIL, INBOX, WECHAT, register_event

    for key, label, audience in EVENTS:
        # Staff get their desk events in the console inbox; merchants also by e-mail, and by
        # WeChat template message when they bound a WeChat account.
        channels = (INBOX, EMAIL, WECHAT) if audience == "merchant" else (INBOX,)
        register_event(key, label, audience, channels)


def ticket_reply_address(ticket: Ticket) -> str:
    """The ticket's signed reply address (channels' e-mail to ticket reads it back): a reply
    to desk mail about a ticket lands on that ticket."""
    if not ticket.number:
        return ""
    return mail_rules.reply_address(ticket.number, settings.SECRET_KEY, settings.DESK_MAILBOX)


def notify_merchant(merchant: Merchant, *, ticket: Ticket | None = None, **kwargs: Any) -> bool:
    """Notify the merchant; with `ticket`, the e-mail's Reply-To is the ticket's reply address."""
    from notifications.services import notify

    if ticket is not None:
        kwargs["reply_to"] = ticket_reply_address(ticket)
    return notify(merchant, **kwargs)


def notify_staff(user: User | None, **kwargs: Any) -> bool:
    from notifications.services import notify

    if user is None or not getattr(user, "is_active", False):
        return False
    return notify(user, **kwargs)
