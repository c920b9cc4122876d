"""WeChat messages to the followers of an Official Account bound to a user
(`channels.WeChatFollower`), through the account's API adapter (`channels/wechat_api.py`).

A notice goes as a template message. A line in a conversation (an agent's reply in a chat the
agent took over: `Event.in_conversation`) goes as a customer-service text message while the
follower's 48-hour window is open (they wrote to the account less than 48 hours ago), as a
template message after it — and when WeChat says the window has closed after all.

An address is `<integration id>:<openid>`; the text goes out in the follower's language
(the one they bound in: 绑定 → Chinese, bind → English), in Chinese where the notice has no
English. A follower unbound since the notice was queued gets nothing (a failed Delivery).
No answer, no connection or "system busy" is a transient failure: the notifications task tries
again later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.transports.base import Message, Transport, TransportError

if TYPE_CHECKING:
    from accounts.models import User
    from channels.models import WeChatFollower


class WeChatTransport(Transport):
    channel = "wechat"

    @staticmethod
    def addresses_of(user: User) -> list[str]:
        """The user's bound followers on active accounts that have a notice template."""
        from channels.models import WeChatFollower

        followers = WeChatFollower.objects.filter(user=user, integration__is_active=True).exclude(
            integration__template_id=""
        )
        return [f"{f.integration_id}:{f.openid}" for f in followers.order_by("pk")]

    def send(self, message: Message) -> str:
        from channels import wechat_api
        from channels.models import WeChatFollower

        integration_id, _sep, openid = message.address.partition(":")
        follower = (
            WeChatFollower.objects.filter(
                integration_id=int(integration_id) if integration_id.isdigit() else 0,
                openid=openid,
                user__isnull=False,
                integration__is_active=True,
            )
            .select_related("integration")
            .first()
        )
        if follower is None:
            raise TransportError("the WeChat user is no longer bound")
        english = follower.language == "en"
        subject = (message.subject_en if english else "") or message.subject
        body = (message.body_en if english else "") or message.body
        try:
            if message.in_conversation and follower.can_chat():
                try:
                    return wechat_api.send_text(follower.integration, openid, f"{subject}\n{body}")
                except wechat_api.WeChatApiError as error:
                    if error.code not in wechat_api.OUTSIDE_WINDOW:
                        raise
            return self._send_template(follower, subject, body, message.link)
        except wechat_api.WeChatApiError as error:
            raise TransportError(
                str(error), transient=error.code in wechat_api.TRANSIENT
            ) from error

    @staticmethod
    def _send_template(follower: WeChatFollower, subject: str, body: str, link: str) -> str:
        from channels import wechat_api

        with translation.override("en" if follower.language == "en" else "zh-hans"):
            when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            data = wechat_api.template_data(
                subject, [body[:200], when], _("详情请登录商户服务平台查看。")
            )
        url = f"{settings.SITE_URL.rstrip('/')}{link}" if link else ""
        return wechat_api.send_template(follower.integration, follower.openid, data, url)
