"""WeChat messages to the followers of an Official Account bound to a user
(`channels.WeChatFollower`), through the account's API adapter (`channels/wechat_api.py`).

A notice goes as a template message. A line in a conversation (an agent's reply in a chat the
agent took over: `Event.in_conversation`) goes as a customer-service text message while the
follower's 48-hour window is open (they wrote to the account less than 48 hours ago), as a
template message after it — and when WeChat says the window has closed after all.
An account without a notice template (`Integration.template_id` empty) sends every notice as a
customer-service message while the window is open; outside it WeChat cannot reach the follower
(an `unreachable` TransportError): the notice goes by SMS instead, or is recorded as not
deliverable (notifications.services.deliver_now).

An address is `<integration id>:<openid>`; the text goes out in the follower's language
(the one they bound in: 绑定 → Chinese, bind → English), in Chinese where the notice has no
English. A follower unbound since the notice was queued gets nothing (a failed Delivery).
A send that never reached WeChat, or "system busy", is a transient failure: the notifications
task tries again later. A send that reached WeChat and got no answer may have been delivered:
it is recorded with an unknown outcome and not sent again (`channels.wechat_api`).
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
    def addresses_of(user: User, *, reachable_now: bool = False) -> list[str]:
        """The user's bound followers on active accounts; `reachable_now`: only those a notice
        would reach now (`WeChatFollower.can_receive_notices`)."""
        from channels.models import WeChatFollower

        followers = WeChatFollower.objects.filter(user=user, integration__is_active=True)
        followers = followers.select_related("integration").order_by("pk")
        return [
            f"{f.integration_id}:{f.openid}"
            for f in followers
            if not reachable_now or f.can_receive_notices()
        ]

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
        has_template = bool(follower.integration.template_id)
        try:
            if follower.can_chat() and (message.in_conversation or not has_template):
                try:
                    return wechat_api.send_text(
                        follower.integration, openid, self._chat_text(subject, body, message)
                    )
                except wechat_api.WeChatApiError as error:
                    if error.code not in wechat_api.OUTSIDE_WINDOW:
                        raise
            if not has_template:
                raise TransportError(
                    "no notice template and the 48-hour customer-service window is closed",
                    unreachable=True,
                )
            return self._send_template(follower, subject, body, message.link)
        except wechat_api.WeChatApiError as error:
            raise TransportError(
                str(error),
                transient=error.code in wechat_api.TRANSIENT,
                outcome_unknown=error.code in wechat_api.OUTCOME_UNKNOWN,
            ) from error

    @staticmethod
    def _chat_text(subject: str, body: str, message: Message) -> str:
        """A chat line is the subject and the body; a notice sent as a chat message (an account
        without a template) carries its link too, as the template message would."""
        text = f"{subject}\n{body}"
        if message.link and not message.in_conversation:
            text += f"\n{settings.SITE_URL.rstrip('/')}{message.link}"
        return text

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
