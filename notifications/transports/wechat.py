"""WeChat template messages to the followers of an Official Account bound to a user
(`channels.WeChatFollower`), through the account's API adapter (`channels/wechat_api.py`).

An address is `<integration id>:<openid>`; the text goes out in the follower's language
(the one they bound in: 绑定 → Chinese, bind → English), in Chinese where the notice has no
English. A follower unbound since the notice was queued gets nothing (a failed Delivery).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.transports.base import Message, Transport, TransportError

if TYPE_CHECKING:
    from accounts.models import User


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
        with translation.override("en" if english else "zh-hans"):
            when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
            data = wechat_api.template_data(
                (message.subject_en if english else "") or message.subject,
                [((message.body_en if english else "") or message.body)[:200], when],
                _("详情请登录商户服务平台查看。"),
            )
        link = f"{settings.SITE_URL.rstrip('/')}{message.link}" if message.link else ""
        try:
            return wechat_api.send_template(follower.integration, openid, data, link)
        except wechat_api.WeChatApiError as error:
            raise TransportError(str(error)) from error
