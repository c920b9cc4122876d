"""The channels into the desk: integrations (a phone system, a WeChat account, an SMS
provider) with their secrets, and the calls the phone system reports."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.scoping import ScopedQuerySet

# WeChat lets an account send customer-service messages this long after a follower wrote.
SERVICE_WINDOW = dt.timedelta(hours=48)


def new_secret() -> str:
    return secrets.token_hex(32)


class Integration(models.Model):
    """One external system that talks to poscare, belonging to one institution.

    Requests are signed with the integration's own secret; calls it reports are matched only
    against the merchants of its institution, so one acquirer's phone system never pops
    another acquirer's merchant."""

    class Kind(models.TextChoices):
        PHONE_SYSTEM = "phone_system", _("呼叫中心/电话系统")
        WECHAT = "wechat", _("微信公众号")
        SMS = "sms", _("短信服务商")

    class Adapter(models.TextChoices):
        SIMULATED = "simulated", _("模拟（演示与测试）")

    key = models.SlugField(
        _("接入标识"), max_length=40, unique=True, help_text=_("请求头 X-Poscare-Key 的值。")
    )
    name = models.CharField(_("名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    adapter = models.CharField(
        _("适配器"), max_length=16, choices=Adapter.choices, default=Adapter.SIMULATED
    )
    institution = models.ForeignKey(
        "directory.Institution",
        verbose_name=_("所属机构"),
        on_delete=models.CASCADE,
        related_name="integrations",
    )
    secret = models.CharField(
        _("签名密钥"),
        max_length=128,
        default=new_secret,
        help_text=_("HMAC 签名密钥；微信公众号为服务器配置中的 Token。"),
    )
    app_id = models.CharField(_("微信 AppID"), max_length=32, blank=True)
    aes_key = models.CharField(
        _("微信 EncodingAESKey"),
        max_length=43,
        blank=True,
        help_text=_("仅微信公众号：安全模式的消息加解密密钥（43 个字符）。"),
    )
    app_secret = models.CharField(
        _("微信 AppSecret"),
        max_length=64,
        blank=True,
        help_text=_("仅微信公众号：换取 access_token 以发送模板消息。"),
    )
    template_id = models.CharField(
        _("通知模板 ID"),
        max_length=64,
        blank=True,
        help_text=_(
            "仅微信公众号：在公众平台添加的服务通知模板（first、keyword1–3、remark）。"
            "为空时通知只能在粉丝 48 小时内发过消息时以客服消息送达，否则改发短信。"
        ),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("渠道接入")
        verbose_name_plural = pgettext_lazy("plural", "渠道接入")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class CallQuerySet(ScopedQuerySet["Call"]):
    merchant_path = None  # calls are the desk's working material: staff only

    def live(self) -> CallQuerySet:
        return self.filter(state__in=Call.LIVE_STATES)


class Call(models.Model):
    """A call as the phone system reported it, from ringing to the end."""

    class State(models.TextChoices):
        DIALING = "dialing", _("拨出中")
        RINGING = "ringing", _("振铃")
        ANSWERED = "answered", _("通话中")
        TRANSFERRED = "transferred", _("已转接")
        ENDED = "ended", pgettext_lazy("call", "已结束")

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("呼入")
        OUTBOUND = "outbound", _("呼出")

    LIVE_STATES = (State.DIALING, State.RINGING, State.ANSWERED, State.TRANSFERRED)

    integration = models.ForeignKey(
        Integration, verbose_name=_("接入"), on_delete=models.CASCADE, related_name="calls"
    )
    external_id = models.CharField(_("呼叫标识"), max_length=80)
    direction = models.CharField(
        _("方向"), max_length=8, choices=Direction.choices, default=Direction.INBOUND
    )
    caller = models.CharField(_("主叫号码"), max_length=32, blank=True)
    called = models.CharField(_("被叫号码"), max_length=32, blank=True)
    queue = models.CharField(_("队列"), max_length=40, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("坐席"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="channel_calls",
    )
    agent_no = models.CharField(_("工号"), max_length=16, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices)
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="channel_calls",
    )
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="channel_calls",
    )
    interaction = models.OneToOneField(
        "desk.Interaction",
        verbose_name=_("沟通记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="channel_call",
    )
    call_task = models.ForeignKey(
        "outreach.CallTask",
        verbose_name=_("外呼任务"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="channel_calls",
    )
    recording_url = models.URLField(_("录音链接"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    answered_at = models.DateTimeField(_("接听时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("通话")
        verbose_name_plural = pgettext_lazy("plural", "通话")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "external_id"], name="unique_call_id")
        ]
        indexes = [
            models.Index(fields=["agent", "state", "-updated_at"], name="call_screen_pop"),
            models.Index(fields=["state", "queue"], name="call_wall"),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.get_state_display()}"

    @property
    def duration_seconds(self) -> int | None:
        if self.answered_at and self.ended_at:
            return max(0, int((self.ended_at - self.answered_at).total_seconds()))
        return None


class CallEventQuerySet(ScopedQuerySet["CallEvent"]):
    merchant_path = None  # the raw event log of the phone system: staff only


class CallEvent(models.Model):
    """Each event id is processed once: a resent event changes nothing."""

    integration = models.ForeignKey(
        Integration, verbose_name=_("接入"), on_delete=models.CASCADE, related_name="events"
    )
    event_id = models.CharField(_("事件标识"), max_length=80)
    call = models.ForeignKey(
        Call, verbose_name=_("通话"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事件"), max_length=12)
    occurred_at = models.DateTimeField(_("发生时间"))
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    objects = CallEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("通话事件")
        verbose_name_plural = pgettext_lazy("plural", "通话事件")
        ordering = ["occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "event_id"], name="unique_call_event")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind}"


class IvrSessionQuerySet(ScopedQuerySet["IvrSession"]):
    merchant_path = None  # the phone system's menu state: read by the IVR webhook, staff only


class IvrSession(models.Model):
    """Where one call is in the phone menu. Each request carries the phone system's step
    number; a repeated step gets the stored answer again instead of moving the call on."""

    integration = models.ForeignKey(
        Integration, verbose_name=_("接入"), on_delete=models.CASCADE, related_name="ivr_sessions"
    )
    call_id = models.CharField(_("呼叫标识"), max_length=80)
    caller = models.CharField(_("主叫号码"), max_length=32, blank=True)
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ivr_sessions",
    )
    node = models.CharField(_("菜单节点"), max_length=40)
    language = models.CharField(_("语言"), max_length=2, default="zh")
    invalid = models.PositiveSmallIntegerField(_("无效输入次数"), default=0)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    step = models.PositiveIntegerField(_("步骤"), default=0)
    last_answer = models.JSONField(_("上次应答"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = IvrSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("语音导航会话")
        verbose_name_plural = pgettext_lazy("plural", "语音导航会话")
        constraints = [
            models.UniqueConstraint(fields=["integration", "call_id"], name="unique_ivr_call")
        ]

    def __str__(self) -> str:
        return self.call_id


class InboundSmsQuerySet(ScopedQuerySet["InboundSms"]):
    merchant_path = None  # the raw inbound SMS log: staff only; replies reach merchants on tickets


class InboundSms(models.Model):
    """A text a merchant sent to our SMS number, as the provider reported it; each provider
    message id is processed once."""

    class Route(models.TextChoices):
        UNSUBSCRIBE = "unsubscribe", _("退订")
        TICKET = "ticket", _("工单回复")
        ASSISTANT = "assistant", _("智能助手")
        UNMATCHED = "unmatched", _("未匹配")

    integration = models.ForeignKey(
        Integration, verbose_name=_("接入"), on_delete=models.CASCADE, related_name="inbound_sms"
    )
    message_id = models.CharField(_("消息标识"), max_length=80)
    sender = models.CharField(_("发送号码"), max_length=32)
    text = models.CharField(_("内容"), max_length=500)
    merchant = models.ForeignKey(
        "merchants.Merchant",
        verbose_name=_("商户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_sms",
    )
    route = models.CharField(_("去向"), max_length=12, choices=Route.choices)
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_sms",
    )
    reply = models.CharField(_("回复"), max_length=1000, blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    objects = InboundSmsQuerySet.as_manager()

    class Meta:
        verbose_name = _("收到的短信")
        verbose_name_plural = pgettext_lazy("plural", "收到的短信")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "message_id"], name="unique_inbound_sms")
        ]

    def __str__(self) -> str:
        return self.message_id


class WeChatFollower(models.Model):
    """A WeChat user of an Official Account, and the merchant user it is bound to once the
    SMS code sent to that user's registered phone came back."""

    integration = models.ForeignKey(
        Integration, verbose_name=_("接入"), on_delete=models.CASCADE, related_name="followers"
    )
    openid = models.CharField(_("OpenID"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("绑定的用户"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="wechat_followers",
    )
    pending_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("待验证的用户"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    code_digest = models.CharField(_("验证码摘要"), max_length=64, blank=True)
    code_expires_at = models.DateTimeField(_("验证码有效期"), null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(_("验证次数"), default=0)
    bound_at = models.DateTimeField(_("绑定时间"), null=True, blank=True)
    # The language of the binding command ("绑定" or "bind"): template messages use it.
    language = models.CharField(_("语言"), max_length=2, default="zh")
    # When the follower last wrote to the account: for 48 hours after it poscare may answer
    # with customer-service messages (a chat line), after that only with template messages.
    last_message_at = models.DateTimeField(_("最近来信时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("微信用户")
        verbose_name_plural = pgettext_lazy("plural", "微信用户")
        constraints = [
            models.UniqueConstraint(fields=["integration", "openid"], name="unique_wechat_openid")
        ]

    def __str__(self) -> str:
        return self.openid

    def can_chat(self, now: dt.datetime | None = None) -> bool:
        """Whether WeChat's customer-service window (48 hours since the follower's last
        message) is open."""
        if self.last_message_at is None:
            return False
        return (now or timezone.now()) - self.last_message_at < SERVICE_WINDOW

    def can_receive_notices(self, now: dt.datetime | None = None) -> bool:
        """Whether a notice reaches the follower now: as a template message (the account has
        a notice template), or as a customer-service message inside the 48-hour window."""
        return bool(self.integration.template_id) or self.can_chat(now)


class WeChatMessage(models.Model):
    """A message WeChat delivered; WeChat retries unanswered ones, each MsgId counts once."""

    integration = models.ForeignKey(
        Integration,
        verbose_name=_("接入"),
        on_delete=models.CASCADE,
        related_name="wechat_messages",
    )
    msg_id = models.CharField(_("消息标识"), max_length=64)
    openid = models.CharField(_("OpenID"), max_length=64)
    text = models.CharField(_("内容"), max_length=1000)
    reply = models.TextField(_("回复"), blank=True)
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    class Meta:
        verbose_name = _("微信消息")
        verbose_name_plural = pgettext_lazy("plural", "微信消息")
        constraints = [
            models.UniqueConstraint(fields=["integration", "msg_id"], name="unique_wechat_msg")
        ]

    def __str__(self) -> str:
        return self.msg_id


class InboundMailQuerySet(ScopedQuerySet["InboundMail"]):
    merchant_path = None  # the raw inbound e-mail log: staff only


class InboundMail(models.Model):
    """A mail to the desk's mailbox and what became of it; each Message-ID counts once."""

    class Outcome(models.TextChoices):
        OPENED = "opened", _("新建工单")
        REPLIED = "replied", _("回复到工单")
        AUTOMATIC = "automatic", _("自动邮件，已忽略")
        UNMATCHED = "unmatched", _("发件人未匹配商户")
        THROTTLED = "throttled", _("发信过于频繁，已忽略")

    message_id = models.CharField(_("邮件标识"), max_length=200, unique=True)
    sender = models.CharField(_("发件人"), max_length=200)
    subject = models.CharField(_("主题"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices)
    ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("工单"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_mail",
    )
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    objects = InboundMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("收到的邮件")
        verbose_name_plural = pgettext_lazy("plural", "收到的邮件")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["sender", "received_at"], name="inbound_mail_sender")]

    def __str__(self) -> str:
        return self.message_id
